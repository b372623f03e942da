package provider

import (
	"maps"
	"slices"
)

// memberKey is one association of a member with a HaVip.
type memberKey struct{ havipID, memberID string }

// replaceMember records that a planned replacement removes memberID from
// havipID before associating its successor.
func (p *planRegistry) replaceMember(havipID, memberID string) {
	defer p.lock()()
	p.replacedMembers[memberKey{havipID, memberID}] = true
}

// memberReplaced reports whether a planned replacement removes the
// association first.
func (p *planRegistry) memberReplaced(havipID, memberID string) bool {
	defer p.lock()()
	return p.replacedMembers[memberKey{havipID, memberID}]
}

// replaceEIP records that a planned replacement unbinds allocationID
// (public address ip) from havipID before binding its successor.
func (p *planRegistry) replaceEIP(havipID, allocationID, ip string) {
	defer p.lock()()
	putIn(p.replacedEIPs, havipID, allocationID, ip)
}

// eipReplaced reports whether a planned replacement unbinds allocationID
// from havipID first.
func (p *planRegistry) eipReplaced(havipID, allocationID string) bool {
	defer p.lock()()
	_, ok := p.replacedEIPs[havipID][allocationID]
	return ok
}

// eipAddressReplaced is eipReplaced by public address, the form in which
// DescribeHaVips lists a HaVip's EIPs.
func (p *planRegistry) eipAddressReplaced(havipID, ip string) bool {
	defer p.lock()()
	for _, a := range p.replacedEIPs[havipID] {
		if a != "" && a == ip {
			return true
		}
	}
	return false
}

// member reserves a planned association and returns the planned members
// of the HaVip (other than this one) and the planned HaVips of the member
// (other than this one).
func (r *reservation) member(havipID, memberID, memberType string) (others map[string]string, otherHaVips []string) {
	p := r.p
	defer p.lock()()
	others = map[string]string{}
	for id, t := range p.members[havipID] {
		if id != memberID {
			others[id] = t
		}
	}
	return others, r.add(havipID, memberID, memberType)
}

// add records member memberID of havipID, with p.mu held, and returns the
// other HaVips the member is planned to join.
func (r *reservation) add(havipID, memberID, memberType string) (otherHaVips []string) {
	p := r.p
	r.members = append(r.members, memberKey{havipID, memberID})
	otherHaVips = minus(slices.Sorted(maps.Keys(p.instance[memberID])), []string{havipID})
	putIn(p.members, havipID, memberID, memberType)
	putIn(p.instance, memberID, havipID, true)
	return otherHaVips
}

// releaseMember forgets a planned association that was made or failed
// (a refused one is released by its reservation).
func (p *planRegistry) releaseMember(havipID, memberID string) {
	defer p.lock()()
	delete(p.members[havipID], memberID)
	delete(p.instance[memberID], havipID)
}

// eip reserves a planned EIP binding and returns the other EIPs planned
// for the HaVip.
func (r *reservation) eip(havipID, allocationID string) (others []string) {
	p := r.p
	defer p.lock()()
	r.eips = append(r.eips, [2]string{havipID, allocationID})
	others = minus(slices.Sorted(maps.Keys(p.eips[havipID])), []string{allocationID})
	putIn(p.eips, havipID, allocationID, true)
	return others
}

// releaseEIP forgets a planned binding that was unbound or failed.
func (p *planRegistry) releaseEIP(havipID, allocationID string) {
	defer p.lock()()
	delete(p.eips[havipID], allocationID)
}

// Who manages a HaVip's membership or its EIP. havip_members is
// authoritative: it detaches what it does not list, so any other resource
// managing the same HaVip's members (or, when it sets an EIP, the same
// HaVip's EIP) would fight it on every apply.
const (
	ownerMembers        = "havip_members"
	ownerMembersEIP     = "havip_members (eip_allocation_id)"
	ownerAttachment     = "havip_attachment"
	ownerEIPAssociation = "havip_eip_association"
)

// claim is one resource's management of a HaVip. identity tells resource
// instances apart, so that planning one instance twice (a replacement is
// planned twice) is not a conflict with itself.
type claim struct{ owner, identity string }

// conflicts reports whether two claims on one HaVip cannot coexist.
func (c claim) conflicts(o claim) bool {
	switch {
	case c == o:
		return false
	case c.owner == ownerMembers:
		return o.owner == ownerMembers || o.owner == ownerAttachment
	case c.owner == ownerMembersEIP:
		return o.owner == ownerMembersEIP || o.owner == ownerEIPAssociation
	case c.owner == ownerAttachment:
		return o.owner == ownerMembers
	case c.owner == ownerEIPAssociation:
		return o.owner == ownerMembersEIP
	}
	return false
}

// claimHaVip records that a resource manages havipID and returns a claim
// of another resource it conflicts with, if any. Check and record are one
// step, so of two conflicting resources planned at once one always sees
// the other.
func (p *planRegistry) claimHaVip(havipID, owner, identity string) (conflict claim, ok bool) {
	defer p.lock()()
	c := claim{owner, identity}
	for o := range p.claims[havipID] {
		if c.conflicts(o) {
			return o, true
		}
	}
	if p.claims[havipID] == nil {
		p.claims[havipID] = map[claim]bool{}
	}
	p.claims[havipID][c] = true
	return claim{}, false
}

// releaseClaim forgets a claim of a resource whose plan was refused.
func (p *planRegistry) releaseClaim(havipID, owner, identity string) {
	defer p.lock()()
	delete(p.claims[havipID], claim{owner, identity})
}

// set reserves the planned members of a havip_members resource, so that
// per-instance counts of other resources include them, and returns, per
// member, the other HaVips it is planned to join. havipID may be a
// placeholder when the HaVip's ID is unknown at plan time.
func (r *reservation) set(havipID string, members map[string]string) map[string][]string {
	defer r.p.lock()()
	out := map[string][]string{}
	for id, typ := range members {
		if others := r.add(havipID, id, typ); len(others) > 0 {
			out[id] = others
		}
	}
	return out
}

// The framework does not say which resource instance a plan belongs to, so
// two havip_attachment resources declaring one association are told apart
// by counting: a fresh create of an association is planned once, except
// the create half of a replacement, which the replacement's first plan
// announces. A second unannounced create of the same association is
// another resource declaring it.
type createCounts struct {
	announced map[memberKey]int
	planned   map[memberKey]int
}

// announceCreate records that a replacement will plan the create of
// havipID's member memberID again, from a null prior state.
func (p *planRegistry) announceCreate(havipID, memberID string) {
	defer p.lock()()
	p.creates.announced[memberKey{havipID, memberID}]++
}

// planCreate records a fresh create of the association and reports
// whether another resource of this plan already creates it.
func (p *planRegistry) planCreate(havipID, memberID string) (duplicate bool) {
	defer p.lock()()
	k := memberKey{havipID, memberID}
	if p.creates.announced[k] > 0 {
		p.creates.announced[k]--
		p.creates.planned[k] = max(p.creates.planned[k], 1)
		return false
	}
	p.creates.planned[k]++
	return p.creates.planned[k] > 1
}

// holdSet records the members a havip_members resource holds in its state
// for havipID, as planned with that state.
func (p *planRegistry) holdSet(havipID string, members []string) {
	defer p.lock()()
	p.heldSets[havipID] = append([]string{}, members...)
}

// heldBySet returns the members a havip_members state holds for havipID.
func (p *planRegistry) heldBySet(havipID string) []string {
	defer p.lock()()
	return append([]string{}, p.heldSets[havipID]...)
}
