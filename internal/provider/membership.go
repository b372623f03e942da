package provider

import (
	"sort"
	"sync"
)

// membership remembers, within one provider process, the associations
// planned but not yet visible in the API. Several attachments of one apply
// are planned before any is made, so counting only what the API shows
// would let the 11th member, the 6th HaVip of an instance, a second EIP or
// an ECS+ENI mix through until AssociateHaVip refused it. Keys are
// resource identities, so planning the same resource twice counts once.
//
// It also remembers the associations that planned replacements remove
// before they create their successor (Terraform's default order), which
// the rules must not count. Terraform plans a replacement twice, first
// with the prior state, then as a create from a null prior state that no
// longer says what it replaces, so the first plan records it here.
type membership struct {
	mu       sync.Mutex
	members  map[string]map[string]string // HaVip ID → member ID → member type
	eips     map[string]map[string]bool   // HaVip ID → allocation IDs
	instance map[string]map[string]bool   // member ID → HaVip IDs

	replacedMembers map[memberKey]bool
	replacedEIPs    map[string]map[string]string // HaVip ID → allocation ID → public address

	claims map[string]map[claim]bool // HaVip ID → resources managing it

	creates createCounts // fresh creates of havip_attachment associations

	heldSets map[string][]string // HaVip ID → members a havip_members state holds
}

// memberKey is one association of a member with a HaVip.
type memberKey struct{ havipID, memberID string }

func newMembership() *membership {
	return &membership{
		members:         map[string]map[string]string{},
		eips:            map[string]map[string]bool{},
		instance:        map[string]map[string]bool{},
		replacedMembers: map[memberKey]bool{},
		replacedEIPs:    map[string]map[string]string{},
		creates:         createCounts{announced: map[memberKey]int{}, planned: map[memberKey]int{}},
	}
}

// replaceMember records that a planned replacement removes memberID from
// havipID before associating its successor.
func (m *membership) replaceMember(havipID, memberID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replacedMembers[memberKey{havipID, memberID}] = true
}

// memberReplaced reports whether a planned replacement removes the
// association first.
func (m *membership) memberReplaced(havipID, memberID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.replacedMembers[memberKey{havipID, memberID}]
}

// replaceEIP records that a planned replacement unbinds allocationID
// (public address ip) from havipID before binding its successor.
func (m *membership) replaceEIP(havipID, allocationID, ip string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.replacedEIPs[havipID] == nil {
		m.replacedEIPs[havipID] = map[string]string{}
	}
	m.replacedEIPs[havipID][allocationID] = ip
}

// eipReplaced reports whether a planned replacement unbinds allocationID
// from havipID first.
func (m *membership) eipReplaced(havipID, allocationID string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.replacedEIPs[havipID][allocationID]
	return ok
}

// eipAddressReplaced is eipReplaced by public address, the form in which
// DescribeHaVips lists a HaVip's EIPs.
func (m *membership) eipAddressReplaced(havipID, ip string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.replacedEIPs[havipID] {
		if a != "" && a == ip {
			return true
		}
	}
	return false
}

// reserveMember records a planned association and returns the planned
// members of the HaVip (other than this one) and the planned HaVips of
// the member (other than this one).
func (m *membership) reserveMember(havipID, memberID, memberType string) (others map[string]string, otherHaVips []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	others = map[string]string{}
	for id, t := range m.members[havipID] {
		if id != memberID {
			others[id] = t
		}
	}
	for h := range m.instance[memberID] {
		if h != havipID {
			otherHaVips = append(otherHaVips, h)
		}
	}
	sort.Strings(otherHaVips)
	if m.members[havipID] == nil {
		m.members[havipID] = map[string]string{}
	}
	m.members[havipID][memberID] = memberType
	if m.instance[memberID] == nil {
		m.instance[memberID] = map[string]bool{}
	}
	m.instance[memberID][havipID] = true
	return others, otherHaVips
}

// releaseMember forgets a planned association that was refused or failed.
func (m *membership) releaseMember(havipID, memberID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.members[havipID], memberID)
	delete(m.instance[memberID], havipID)
}

// reserveEIP records a planned EIP binding and returns the other EIPs
// planned for the HaVip.
func (m *membership) reserveEIP(havipID, allocationID string) (others []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.eips[havipID] {
		if id != allocationID {
			others = append(others, id)
		}
	}
	sort.Strings(others)
	if m.eips[havipID] == nil {
		m.eips[havipID] = map[string]bool{}
	}
	m.eips[havipID][allocationID] = true
	return others
}

func (m *membership) releaseEIP(havipID, allocationID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.eips[havipID], allocationID)
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
func (m *membership) claimHaVip(havipID, owner, identity string) (conflict claim, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.claims == nil {
		m.claims = map[string]map[claim]bool{}
	}
	c := claim{owner, identity}
	for o := range m.claims[havipID] {
		if c.conflicts(o) {
			return o, true
		}
	}
	if m.claims[havipID] == nil {
		m.claims[havipID] = map[claim]bool{}
	}
	m.claims[havipID][c] = true
	return claim{}, false
}

// releaseClaim forgets a claim of a resource whose plan was refused.
func (m *membership) releaseClaim(havipID, owner, identity string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims[havipID], claim{owner, identity})
}

// reserveSet records the planned members of a havip_members resource, so
// that per-instance counts of other resources include them, and returns,
// per member, the other HaVips it is planned to join. havipID may be a
// placeholder when the HaVip's ID is unknown at plan time.
func (m *membership) reserveSet(havipID string, members map[string]string) map[string][]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]string{}
	if m.members[havipID] == nil {
		m.members[havipID] = map[string]string{}
	}
	for id, typ := range members {
		for h := range m.instance[id] {
			if h != havipID {
				out[id] = append(out[id], h)
			}
		}
		sort.Strings(out[id])
		m.members[havipID][id] = typ
		if m.instance[id] == nil {
			m.instance[id] = map[string]bool{}
		}
		m.instance[id][havipID] = true
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
func (m *membership) announceCreate(havipID, memberID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creates.announced[memberKey{havipID, memberID}]++
}

// planCreate records a fresh create of the association and reports
// whether another resource of this plan already creates it.
func (m *membership) planCreate(havipID, memberID string) (duplicate bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := memberKey{havipID, memberID}
	if m.creates.announced[k] > 0 {
		m.creates.announced[k]--
		m.creates.planned[k] = max(m.creates.planned[k], 1)
		return false
	}
	m.creates.planned[k]++
	return m.creates.planned[k] > 1
}

// holdSet records the members a havip_members resource holds in its state
// for havipID, as planned with that state.
func (m *membership) holdSet(havipID string, members []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.heldSets == nil {
		m.heldSets = map[string][]string{}
	}
	m.heldSets[havipID] = append([]string{}, members...)
}

// heldBySet returns the members a havip_members state holds for havipID.
func (m *membership) heldBySet(havipID string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string{}, m.heldSets[havipID]...)
}
