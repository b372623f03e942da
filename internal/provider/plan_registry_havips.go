package provider

// The HaVips of the plan: counted per VPC, so that the quota check of the
// next HaVip in the same plan counts them as CreateHaVip will. A HaVip
// stops counting as planned the moment the service has given it an ID:
// from then on the listing shows it.

// havipAddress reserves a planned HaVip's fixed address and reports
// whether another HaVip of the plan already has it: CreateHaVip refuses
// the second of two with one address in one vSwitch. Each new HaVip is
// planned once per provider process, so a second claim is another one.
// The address stays reserved for the process.
func (r *reservation) havipAddress(vswitchID, ip string) (taken bool) {
	p := r.p
	defer p.lock()()
	k := [2]string{vswitchID, ip}
	taken = p.havipAddresses[k]
	p.havipAddresses[k] = true
	return taken
}

// plannedHaVips returns the planned HaVips of the account and of the VPC.
func (p *planRegistry) plannedHaVips(vpcID string) (account, vpc int) {
	defer p.lock()()
	return p.havipsTotal, p.havipsByVPC[vpcID]
}

// havip reserves one planned HaVip in the VPC.
func (r *reservation) havip(vpcID string) {
	p := r.p
	defer p.lock()()
	r.vpcs = append(r.vpcs, vpcID)
	p.havipsByVPC[vpcID]++
	p.havipsTotal++
}

// releaseHaVip forgets one planned HaVip of the VPC: it was created, or its
// creation failed.
func (p *planRegistry) releaseHaVip(vpcID string) {
	defer p.lock()()
	if p.havipsByVPC[vpcID] > 0 {
		p.havipsByVPC[vpcID]--
		p.havipsTotal--
	}
}

// replaceHaVip records that the plan replaces HaVip id: it is destroyed
// before its successor is created.
func (p *planRegistry) replaceHaVip(id string) { p.mark(p.replacedHaVips, id) }

// haVipReplaced reports whether the plan replaces HaVip id.
func (p *planRegistry) haVipReplaced(id string) bool { return p.marked(p.replacedHaVips, id) }

// refreshedHaVip records that a refresh of this process read HaVip id.
func (p *planRegistry) refreshedHaVip(id string) { p.mark(p.refreshedHaVips, id) }

// plannedWithState records that HaVip id was planned from its prior state.
func (p *planRegistry) plannedWithState(id string) { p.mark(p.havipsWithState, id) }

// taintedHaVip reports whether a HaVip of this configuration was refreshed
// but not planned from its state. Terraform refreshes a resource and plans
// it in one step, so when the create of a tainted HaVip's successor is
// planned this holds for the tainted HaVip, which is deleted before its
// successor is created and so must not count against the successor's
// address or quota. For an untainted HaVip planned concurrently it may
// hold too, and then a second HaVip of the same address is refused by the
// service at apply instead of by the plan.
func (p *planRegistry) taintedHaVip(id string) bool {
	return p.marked(p.refreshedHaVips, id) && !p.marked(p.havipsWithState, id)
}

func (p *planRegistry) mark(set map[string]bool, id string) {
	defer p.lock()()
	set[id] = true
}

func (p *planRegistry) marked(set map[string]bool, id string) bool {
	defer p.lock()()
	return set[id]
}
