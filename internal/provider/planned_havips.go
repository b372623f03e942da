package provider

import "sync"

// plannedHaVips counts, within one provider process, the HaVips planned but
// not yet created, per VPC, so that the quota check of the next HaVip in
// the same plan counts them as CreateHaVip will. A HaVip stops counting as
// planned the moment the service has given it an ID: from then on the
// listing shows it.
type plannedHaVips struct {
	mu    sync.Mutex
	byVPC map[string]int
	total int
	// fixed addresses of the planned HaVips: CreateHaVip refuses the
	// second of two with one address in one vSwitch.
	addresses map[[2]string]bool // vSwitch ID, IP
}

func newPlannedHaVips() *plannedHaVips {
	return &plannedHaVips{byVPC: map[string]int{}, addresses: map[[2]string]bool{}}
}

// reserveAddress records a planned HaVip's fixed address and reports
// whether another HaVip of the plan already has it. Each new HaVip is
// planned once per provider process, so a second claim is another one.
func (p *plannedHaVips) reserveAddress(vswitchID, ip string) (taken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := [2]string{vswitchID, ip}
	taken = p.addresses[k]
	p.addresses[k] = true
	return taken
}

// counts returns the planned HaVips of the account and of the VPC.
func (p *plannedHaVips) counts(vpcID string) (account, vpc int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total, p.byVPC[vpcID]
}

func (p *plannedHaVips) reserve(vpcID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byVPC[vpcID]++
	p.total++
}

// release forgets one planned HaVip of the VPC: it was created, or its
// creation failed.
func (p *plannedHaVips) release(vpcID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byVPC[vpcID] > 0 {
		p.byVPC[vpcID]--
		p.total--
	}
}
