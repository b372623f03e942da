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
type membership struct {
	mu       sync.Mutex
	members  map[string]map[string]string // HaVip ID → member ID → member type
	eips     map[string]map[string]bool   // HaVip ID → allocation IDs
	instance map[string]map[string]bool   // member ID → HaVip IDs
}

func newMembership() *membership {
	return &membership{
		members:  map[string]map[string]string{},
		eips:     map[string]map[string]bool{},
		instance: map[string]map[string]bool{},
	}
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
