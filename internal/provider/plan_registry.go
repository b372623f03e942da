package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// planRegistry remembers, within one provider process, what this plan adds
// that the API does not show yet: HaVips, members, EIP bindings and route
// entries. Every resource of a configuration is planned before any is
// applied, so a check that counted only what the API lists would let the
// 11th member, the 6th HaVip of an instance, a second EIP, the 6th HaVip
// route of a table or a HaVip over quota through until the service refused
// it at apply. Keys are resource identities, so planning one resource twice
// counts it once.
//
// It also remembers what planned replacements remove before they create
// their successor (Terraform's default order), which the rules must not
// count. Terraform plans a replacement twice, first with the prior state,
// then as a create from a null prior state that no longer says what it
// replaces, so the first plan records it here.
//
// A check takes what it adds through a reservation, which it settles when
// done: what a refused check reserved is released with it.
type planRegistry struct {
	mu sync.Mutex

	// members and EIPs (plan_registry_members.go)
	members         map[string]map[string]string // HaVip ID → member ID → member type
	eips            map[string]map[string]bool   // HaVip ID → allocation IDs
	instance        map[string]map[string]bool   // member ID → HaVip IDs
	replacedMembers map[memberKey]bool
	replacedEIPs    map[string]map[string]string // HaVip ID → allocation ID → public address
	claims          map[string]map[claim]bool    // HaVip ID → resources managing it
	creates         createCounts                 // fresh creates of havip_attachment associations
	heldSets        map[string][]string          // HaVip ID → members a havip_members state holds

	// HaVips (plan_registry_havips.go)
	havipsByVPC     map[string]int
	havipsTotal     int
	havipAddresses  map[[2]string]bool // vSwitch ID, IP of the planned HaVips
	replacedHaVips  map[string]bool    // IDs of HaVips this plan replaces
	refreshedHaVips map[string]bool    // IDs read by a refresh in this process
	havipsWithState map[string]bool    // IDs planned from their prior state

	// route entries (plan_registry_routes.go)
	routes         map[string]map[string]string // table → destination → HaVip ID ("" while unknown)
	replacedRoutes map[string]bool              // route entry IDs deleted before their successor
}

func newPlanRegistry() *planRegistry {
	return &planRegistry{
		members:         map[string]map[string]string{},
		eips:            map[string]map[string]bool{},
		instance:        map[string]map[string]bool{},
		replacedMembers: map[memberKey]bool{},
		replacedEIPs:    map[string]map[string]string{},
		claims:          map[string]map[claim]bool{},
		creates:         createCounts{announced: map[memberKey]int{}, planned: map[memberKey]int{}},
		heldSets:        map[string][]string{},
		havipsByVPC:     map[string]int{},
		havipAddresses:  map[[2]string]bool{},
		replacedHaVips:  map[string]bool{},
		refreshedHaVips: map[string]bool{},
		havipsWithState: map[string]bool{},
		routes:          map[string]map[string]string{},
		replacedRoutes:  map[string]bool{},
	}
}

// reservation is what one plan-time check adds to the registry. The check
// settles it when it is done: what it reserved stays when the check
// passed and is released when it refused.
type reservation struct {
	p       *planRegistry
	members []memberKey // HaVip ID (or set key), member ID
	eips    [][2]string // HaVip ID (or set key), allocation ID
	routes  [][2]string // route table, destination
	vpcs    []string    // VPC of each planned HaVip
}

// reserve starts a check's reservation.
func (p *planRegistry) reserve() *reservation { return &reservation{p: p} }

// settle keeps the reservation when diags has no error, and releases it
// otherwise.
func (r *reservation) settle(diags *diag.Diagnostics) {
	if !diags.HasError() {
		return
	}
	for _, k := range r.members {
		r.p.releaseMember(k.havipID, k.memberID)
	}
	for _, e := range r.eips {
		r.p.releaseEIP(e[0], e[1])
	}
	for _, t := range r.routes {
		r.p.releaseRoute(t[0], t[1])
	}
	for _, v := range r.vpcs {
		r.p.releaseHaVip(v)
	}
	*r = reservation{p: r.p}
}

// putIn sets m[k][k2] = v, making the inner map when it is missing.
func putIn[V any](m map[string]map[string]V, k, k2 string, v V) {
	if m[k] == nil {
		m[k] = map[string]V{}
	}
	m[k][k2] = v
}

// lock takes the registry's lock and returns its release, for
// defer p.lock()().
func (p *planRegistry) lock() func() {
	p.mu.Lock()
	return p.mu.Unlock
}
