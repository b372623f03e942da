package mockcloud

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Route table and route entry values, as the API spells them.
const (
	RouteTableSystem = "System"
	RouteTableCustom = "Custom"

	RouteEntryCustom = "Custom"
	RouteEntrySystem = "System"

	NextHopHaVip = "HaVip"
	nextHopLocal = "local"
)

// routeTableRec is a route table of a VPC's vRouter. Every VPC has one
// System table; Custom tables come from fixtures and are associated with
// vSwitches, which then route through them instead of the System table.
type routeTableRec struct {
	ID, Region, VpcID, RouterID, Name, Description, Type string
	VSwitches                                            []string
	Created                                              time.Time
}

// routeEntryRec is a custom route entry. The mock serves HaVip next hops
// only; the System entries of a table are derived from its VPC's vSwitches.
type routeEntryRec struct {
	ID, TableID, Region, Dest, NextHopType, NextHopID, Name, Description string
	Status                                                               string
	Created                                                              time.Time
	Pending                                                              *pending
}

func (e *routeEntryRec) shownStatus() string {
	if e.Pending != nil {
		return e.Pending.Shown
	}
	return e.Status
}

// systemTableID and routerID derive a VPC's System table and vRouter IDs
// from its ID, so they are stable across restarts and fixture reloads.
func systemTableID(vpcID string) string { return "vtb-" + strings.TrimPrefix(vpcID, "vpc-") }
func routerID(vpcID string) string      { return "vrt-" + strings.TrimPrefix(vpcID, "vpc-") }

// FixtureRouteTable declares a Custom route table and the vSwitches that
// use it.
type FixtureRouteTable struct {
	ID        string   `json:"id,omitempty"`
	VpcID     string   `json:"vpc_id"`
	Name      string   `json:"name,omitempty"`
	VSwitches []string `json:"vswitches,omitempty"`
}

// FixtureRouteEntry declares a route entry whose next hop is a HaVip of
// the fixtures, in a System or Custom table of the HaVip's VPC: what an
// import of havip_route_entry adopts.
type FixtureRouteEntry struct {
	ID          string `json:"id,omitempty"`
	TableID     string `json:"route_table_id"`
	Destination string `json:"destination_cidr_block"`
	HaVipID     string `json:"havip_id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// ensureSystemTables adds the System table of every VPC that lacks one
// (a state file written before the mock served route tables).
func (a *account) ensureSystemTables(now time.Time) {
	for _, v := range a.vpcs {
		id := systemTableID(v.ID)
		if a.routeTables[id] == nil {
			a.routeTables[id] = &routeTableRec{ID: id, Region: v.Region, VpcID: v.ID, RouterID: routerID(v.ID),
				Type: RouteTableSystem, Created: now}
		}
	}
}

func (a *account) customTableOf(vswitchID string) *routeTableRec {
	for _, t := range a.routeTables {
		if t.Type == RouteTableCustom && contains(t.VSwitches, vswitchID) {
			return t
		}
	}
	return nil
}

// tableOfVSwitch is the table a vSwitch routes through: its Custom table,
// else its VPC's System table.
func (a *account) tableOfVSwitch(s *vswitchRec) *routeTableRec {
	if t := a.customTableOf(s.ID); t != nil {
		return t
	}
	return a.routeTables[systemTableID(s.VpcID)]
}

// sortedTables lists tables in ID order, the stable order paging needs.
func (a *account) sortedTables() []*routeTableRec { return values(a.routeTables) }

// tableEntries lists a table's entries, System first (one per vSwitch
// CIDR of the VPC, next hop local), then Custom in creation order.
func (a *account) tableEntries(t *routeTableRec) []*routeEntryRec {
	var out []*routeEntryRec
	for _, sid := range slices.Sorted(maps.Keys(a.vswitches)) {
		s := a.vswitches[sid]
		if s.VpcID != t.VpcID {
			continue
		}
		out = append(out, &routeEntryRec{ID: systemEntryID(t.ID, s.ID),
			TableID: t.ID, Region: t.Region, Dest: s.CIDR, NextHopType: nextHopLocal, Status: rulebook.StatusAvailable, Created: s.Created})
	}
	for _, e := range inCreationOrder(a.routeEntries, a.routeSeq) {
		if e.TableID == t.ID {
			out = append(out, e)
		}
	}
	return out
}

// systemEntryID is stable per table and vSwitch: System entries are
// derived, not stored.
func systemEntryID(tableID, vswitchID string) string {
	h := fnv.New64a()
	h.Write([]byte(tableID + "/" + vswitchID))
	return fmt.Sprintf("rte-sys%016x", h.Sum64())
}

// systemEntry finds a System entry by ID.
func (a *account) systemEntry(id string) *routeEntryRec {
	for _, t := range a.sortedTables() {
		for _, e := range a.tableEntries(t) {
			if e.ID == id {
				return e
			}
		}
	}
	return nil
}

// routedHaVipEntries counts a table's entries whose next hop is a HaVip,
// the number CountLimitExceed.HaVipRouteEntry is about. An entry being
// deleted still counts until it is gone.
func (a *account) routedHaVipEntries(tableID string) int {
	n := 0
	for _, e := range a.routeEntries {
		if e.TableID == tableID && e.NextHopType == NextHopHaVip {
			n++
		}
	}
	return n
}

// tableBusy names an entry of the table whose change is still running:
// the table takes one change at a time.
func (a *account) tableBusy(tableID string) *routeEntryRec {
	for _, id := range slices.Sorted(maps.Keys(a.routeEntries)) {
		if e := a.routeEntries[id]; e.TableID == tableID && e.Pending != nil {
			return e
		}
	}
	return nil
}

// routesTo lists the IDs of the route entries whose next hop is the HaVip.
func (a *account) routesTo(havipID string) []string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(a.routeEntries)) {
		if e := a.routeEntries[id]; e.NextHopType == NextHopHaVip && e.NextHopID == havipID {
			out = append(out, id)
		}
	}
	return out
}

func (a *account) settleRoutes(now time.Time) {
	for id, e := range a.routeEntries {
		if p := e.Pending; p != nil && !p.At.IsZero() && !now.Before(p.At) {
			a.finishRoute(id, e)
		}
	}
}

func (a *account) finishRoute(id string, e *routeEntryRec) {
	p := e.Pending
	e.Pending = nil
	if p.Gone {
		delete(a.routeEntries, id)
		delete(a.routeSeq, id)
		return
	}
	e.Status = p.Final
}

// describedRoute counts one describe that showed the entry's transitional
// status, as described does for HaVips.
func (a *account) describedRoute(e *routeEntryRec) {
	if p := e.Pending; p != nil && p.At.IsZero() {
		p.Describes--
		if p.Describes <= 0 {
			a.finishRoute(e.ID, e)
		}
	}
}

// parseDestination accepts a canonical IPv4 CIDR (host bits zero), the
// form the route table stores and compares.
func parseDestination(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil && p.Addr().Is4() && p == p.Masked()
}
