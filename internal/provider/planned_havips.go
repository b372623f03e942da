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
}

func newPlannedHaVips() *plannedHaVips { return &plannedHaVips{byVPC: map[string]int{}} }

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
