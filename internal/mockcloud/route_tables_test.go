package mockcloud

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// customTable is a Custom route table of vpcA, used by vswA2.
const customTable = "vtb-testcustom0000000001"

func routeFixtures() *Fixtures {
	fx := richFixtures()
	fx.RouteTables = []FixtureRouteTable{{ID: customTable, VpcID: vpcA, Name: "custom", VSwitches: []string{vswA2}}}
	return fx
}

func routeServer(t testing.TB, mod func(*Options)) (*Server, *vpc.Client) {
	t.Helper()
	s, vc, _ := richServer(t, func(o *Options) {
		o.Fixtures = routeFixtures()
		if mod != nil {
			mod(o)
		}
	})
	return s, vc
}

func routeReq(table, dest, havip string) *vpc.CreateRouteEntryRequest {
	req := vpc.CreateCreateRouteEntryRequest()
	req.RouteTableId = table
	req.DestinationCidrBlock = dest
	req.NextHopType = "HaVip"
	req.NextHopId = havip
	return req
}

func mkRoute(t testing.TB, vc *vpc.Client, table, dest, havip string) string {
	t.Helper()
	resp, err := vc.CreateRouteEntry(routeReq(table, dest, havip))
	if err != nil {
		t.Fatalf("CreateRouteEntry(%s, %s → %s): %v", table, dest, havip, err)
	}
	if !strings.HasPrefix(resp.RouteEntryId, "rte-") || resp.RequestId == "" {
		t.Fatalf("CreateRouteEntry answer %+v", resp)
	}
	return resp.RouteEntryId
}

func listRoutes(t testing.TB, vc *vpc.Client, table string, mod func(*vpc.DescribeRouteEntryListRequest)) []vpc.RouteEntry {
	t.Helper()
	var out []vpc.RouteEntry
	token := ""
	for i := 0; i < 100; i++ {
		req := vpc.CreateDescribeRouteEntryListRequest()
		req.RouteTableId = table
		req.NextToken = token
		if mod != nil {
			mod(req)
		}
		resp, err := vc.DescribeRouteEntryList(req)
		must(t, err)
		out = append(out, resp.RouteEntrys.RouteEntry...)
		if token = resp.NextToken; token == "" {
			return out
		}
	}
	t.Fatal("DescribeRouteEntryList never stopped handing out NextTokens")
	return nil
}

func delRoute(vc *vpc.Client, id string) error {
	req := vpc.CreateDeleteRouteEntryRequest()
	req.RouteEntryId = id
	_, err := vc.DeleteRouteEntry(req)
	return err
}

// Every VPC has a System table whose ID DescribeVpcs, DescribeVSwitches
// and DescribeRouteTableList agree on; a Custom table takes over the
// vSwitches associated with it.
func TestRouteTablesOfVpcs(t *testing.T) {
	t.Parallel()
	_, vc := routeServer(t, nil)
	vreq := vpc.CreateDescribeVpcsRequest()
	vreq.VpcId = vpcA
	vr, err := vc.DescribeVpcs(vreq)
	must(t, err)
	if len(vr.Vpcs.Vpc) != 1 {
		t.Fatalf("DescribeVpcs: %+v", vr)
	}
	v := vr.Vpcs.Vpc[0]
	sys := "vtb-testa0000000000000001"
	if v.VRouterId != "vrt-testa0000000000000001" || !strings.HasPrefix(v.ResourceGroupId, "rg-") {
		t.Fatalf("VRouterId %q, ResourceGroupId %q", v.VRouterId, v.ResourceGroupId)
	}
	if got := v.RouterTableIds.RouterTableIds; len(got) != 2 || got[0] != sys || got[1] != customTable {
		t.Fatalf("RouterTableIds %v, want [%s %s]", got, sys, customTable)
	}
	rgReq := vpc.CreateDescribeVpcsRequest()
	rgReq.ResourceGroupId = "rg-other"
	if r, err := vc.DescribeVpcs(rgReq); err != nil || len(r.Vpcs.Vpc) != 0 {
		t.Fatalf("ResourceGroupId filter: %v %+v", err, r)
	}

	treq := vpc.CreateDescribeRouteTableListRequest()
	treq.VpcId = vpcA
	tr, err := vc.DescribeRouteTableList(treq)
	must(t, err)
	tables := tr.RouterTableList.RouterTableListType
	if tr.TotalCount != 2 || len(tables) != 2 {
		t.Fatalf("DescribeRouteTableList: %+v", tr)
	}
	for _, tb := range tables {
		switch tb.RouteTableId {
		case sys:
			if tb.RouteTableType != "System" || tb.VpcId != vpcA || tb.RouterId != v.VRouterId || len(tb.VSwitchIds.VSwitchId) != 1 || tb.VSwitchIds.VSwitchId[0] != vswA1 {
				t.Fatalf("System table %+v", tb)
			}
		case customTable:
			if tb.RouteTableType != "Custom" || tb.RouteTableName != "custom" || len(tb.VSwitchIds.VSwitchId) != 1 || tb.VSwitchIds.VSwitchId[0] != vswA2 {
				t.Fatalf("Custom table %+v", tb)
			}
		default:
			t.Fatalf("unexpected table %+v", tb)
		}
	}
	byType := vpc.CreateDescribeRouteTableListRequest()
	byType.RouteTableType = "Custom"
	tr, err = vc.DescribeRouteTableList(byType)
	must(t, err)
	if tr.TotalCount != 1 || tr.RouterTableList.RouterTableListType[0].RouteTableId != customTable {
		t.Fatalf("RouteTableType=Custom: %+v", tr)
	}
	all := vpc.CreateDescribeRouteTableListRequest()
	all.PageSize = requests.NewInteger(1)
	all.PageNumber = requests.NewInteger(3)
	tr, err = vc.DescribeRouteTableList(all)
	must(t, err)
	if tr.TotalCount != 3 || len(tr.RouterTableList.RouterTableListType) != 1 { // vpcA ×2, vpcB; Shanghai is another region
		t.Fatalf("paging: %+v", tr)
	}

	sreq := vpc.CreateDescribeVSwitchAttributesRequest()
	sreq.VSwitchId = vswA2
	sr, err := vc.DescribeVSwitchAttributes(sreq)
	must(t, err)
	if sr.RouteTable.RouteTableId != customTable || sr.RouteTable.RouteTableType != "Custom" {
		t.Fatalf("vSwitch %s route table %+v", vswA2, sr.RouteTable)
	}
}

// A route entry to a HaVip: created, listed with its next hop, filtered,
// and deleted; System entries are listed but cannot be deleted.
func TestRouteEntryLifecycleSDK(t *testing.T) {
	t.Parallel()
	_, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	req := routeReq(customTable, "10.10.0.0/16", h)
	req.RouteEntryName = "to-web"
	req.Description = "through the HaVip"
	resp, err := vc.CreateRouteEntry(req)
	must(t, err)
	id := resp.RouteEntryId

	got := listRoutes(t, vc, customTable, nil)
	var custom []vpc.RouteEntry
	system := 0
	for _, e := range got {
		switch e.Type {
		case "Custom":
			custom = append(custom, e)
		case "System":
			system++
		}
	}
	if system != 2 || len(custom) != 1 { // a System entry per vSwitch of vpcA
		t.Fatalf("entries %+v", got)
	}
	e := custom[0]
	if e.RouteEntryId != id || e.RouteTableId != customTable || e.DestinationCidrBlock != "10.10.0.0/16" || e.Status != "Available" ||
		e.RouteEntryName != "to-web" || e.Description != "through the HaVip" ||
		len(e.NextHops.NextHop) != 1 || e.NextHops.NextHop[0].NextHopType != "HaVip" || e.NextHops.NextHop[0].NextHopId != h {
		t.Fatalf("route entry %+v", e)
	}
	for name, mod := range map[string]func(*vpc.DescribeRouteEntryListRequest){
		"RouteEntryId":         func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryId = id },
		"NextHopId":            func(r *vpc.DescribeRouteEntryListRequest) { r.NextHopId = h },
		"NextHopType":          func(r *vpc.DescribeRouteEntryListRequest) { r.NextHopType = "HaVip" },
		"RouteEntryType":       func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryType = "Custom" },
		"DestinationCidrBlock": func(r *vpc.DescribeRouteEntryListRequest) { r.DestinationCidrBlock = "10.10.0.0/16" },
	} {
		if l := listRoutes(t, vc, customTable, mod); len(l) != 1 || l[0].RouteEntryId != id {
			t.Fatalf("filter %s: %+v", name, l)
		}
	}
	if l := listRoutes(t, vc, "vtb-testa0000000000000001", func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryType = "Custom" }); len(l) != 0 {
		t.Fatalf("the System table got the Custom table's entry: %+v", l)
	}

	var sysID string
	for _, e := range got {
		if e.Type == "System" {
			sysID = e.RouteEntryId
		}
	}
	serverErr(t, delRoute(vc, sysID), 400, "OperationDenied.SystemRouteEntry")

	must(t, delRoute(vc, id))
	if l := listRoutes(t, vc, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryType = "Custom" }); len(l) != 0 {
		t.Fatalf("after delete: %+v", l)
	}
	serverErr(t, delRoute(vc, id), 404, "InvalidRouteEntryId.NotFound")

	// By table and destination instead of ID.
	mkRoute(t, vc, customTable, "10.20.0.0/16", h)
	dreq := vpc.CreateDeleteRouteEntryRequest()
	dreq.RouteTableId = customTable
	dreq.DestinationCidrBlock = "10.20.0.0/16"
	_, err = vc.DeleteRouteEntry(dreq)
	must(t, err)
	if l := listRoutes(t, vc, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryType = "Custom" }); len(l) != 0 {
		t.Fatalf("after delete by destination: %+v", l)
	}
}

// Each documented refusal of CreateRouteEntry, with nothing created.
func TestCreateRouteEntryErrors(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	hB := mkHaVip(t, vc, vswB1, "10.0.0.50").HaVipId
	mkRoute(t, vc, customTable, "10.10.0.0/16", h)

	serverErr(t, func() error {
		_, err := vc.CreateRouteEntry(routeReq("vtb-nosuchtable0000000001", "10.1.0.0/16", h))
		return err
	}(), 404, "InvalidRouteTableId.NotFound")
	serverErr(t, func() error {
		_, err := vc.CreateRouteEntry(routeReq(customTable, "10.1.0.0/16", "havip-nosuch"))
		return err
	}(), 404, "InvalidHaVipId.NotFound")
	serverErr(t, func() error { _, err := vc.CreateRouteEntry(routeReq(customTable, "10.10.0.0/16", h)); return err }(), 400, "InvalidCIDRBlock.Duplicate")
	// A vSwitch's CIDR is a System entry of every table of the VPC.
	serverErr(t, func() error { _, err := vc.CreateRouteEntry(routeReq(customTable, "192.168.0.0/24", h)); return err }(), 400, "InvalidCIDRBlock.Duplicate")
	for _, bad := range []string{"10.1.0.1/16", "10.1.0.0", "fd00::/8", "10.1.0.0/33"} {
		serverErr(t, func() error { _, err := vc.CreateRouteEntry(routeReq(customTable, bad, h)); return err }(), 400, "InvalidDestinationCidrBlock.Malformed")
	}
	serverErr(t, func() error { _, err := vc.CreateRouteEntry(routeReq(customTable, "10.1.0.0/16", hB)); return err }(), 400, "InvalidNextHop.VpcMismatch")
	other := routeReq(customTable, "10.1.0.0/16", "i-test000000000000000001")
	other.NextHopType = "Instance"
	serverErr(t, func() error { _, err := vc.CreateRouteEntry(other); return err }(), 400, "InvalidNextHopType.ValueNotSupported")

	// IncorrectHaVipStatus: the HaVip is still Creating.
	must(t, s.Apply(Event{Type: EventSetTransition, Kind: "havip", Transition: &Transition{Mode: "describes", Describes: 3}}))
	creating := mkHaVip(t, vc, vswA1, "192.168.0.51").HaVipId
	serverErr(t, func() error {
		_, err := vc.CreateRouteEntry(routeReq(customTable, "10.1.0.0/16", creating))
		return err
	}(), 400, "IncorrectHaVipStatus")

	n := 0
	for _, e := range listRoutes(t, vc, customTable, nil) {
		if e.Type == "Custom" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("refused calls created entries: %d Custom entries", n)
	}
}

// Five HaVip routes per table (the quota is per account and adjustable);
// the sixth is CountLimitExceed.HaVipRouteEntry, other tables are not
// affected.
func TestHaVipRouteQuota(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	for i := 1; i <= 5; i++ {
		mkRoute(t, vc, customTable, fmt.Sprintf("10.%d.0.0/16", i), h)
	}
	_, err := vc.CreateRouteEntry(routeReq(customTable, "10.6.0.0/16", h))
	se := serverErr(t, err, 400, "CountLimitExceed.HaVipRouteEntry")
	if !strings.Contains(se.Message(), "5 route entry to HaVip at most") {
		t.Fatalf("message %q", se.Message())
	}
	mkRoute(t, vc, "vtb-testa0000000000000001", "10.6.0.0/16", h) // the System table has its own 5
	must(t, s.SetQuota("", QuotaHaVipRoutesPerTable, 6))
	mkRoute(t, vc, customTable, "10.6.0.0/16", h)
}

// Route changes are asynchronous: Pending until they settle, Deleting on
// the way out; the table takes one change at a time (TaskConflict) and an
// entry in transition cannot be deleted.
func TestRouteEntryTransitions(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	must(t, s.Apply(Event{Type: EventSetTransition, Kind: "route_entry", Transition: &Transition{Mode: "describes", Describes: 2}}))
	id := mkRoute(t, vc, customTable, "10.10.0.0/16", h)
	byID := func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryId = id }

	_, err := vc.CreateRouteEntry(routeReq(customTable, "10.11.0.0/16", h))
	serverErr(t, err, 400, "TaskConflict")
	serverErr(t, delRoute(vc, id), 400, "IncorrectRouteEntryStatus")
	mkRoute(t, vc, "vtb-testa0000000000000001", "10.11.0.0/16", h) // another table is not busy

	for i, want := range []string{"Pending", "Pending", "Available"} {
		if l := listRoutes(t, vc, customTable, byID); len(l) != 1 || l[0].Status != want {
			t.Fatalf("describe %d: %+v, want %s", i+1, l, want)
		}
	}
	must(t, delRoute(vc, id))
	if l := listRoutes(t, vc, customTable, byID); len(l) != 1 || l[0].Status != "Deleting" {
		t.Fatalf("after delete: %+v", l)
	}
	_, err = vc.CreateRouteEntry(routeReq(customTable, "10.11.0.0/16", h))
	serverErr(t, err, 400, "TaskConflict")
	serverErr(t, delHaVip(vc, h), 400, "DependencyViolation.HaVipReferedByRouteEntry")
	listRoutes(t, vc, customTable, byID)
	if l := listRoutes(t, vc, customTable, byID); len(l) != 0 {
		t.Fatalf("the entry outlived its Deleting state: %+v", l)
	}

	// Timed transitions settle on the virtual clock.
	must(t, s.Apply(Event{Type: EventSetTransition, Kind: "route_entry", Transition: &Transition{Mode: "delay", Delay: Duration(time.Minute)}}))
	id2 := mkRoute(t, vc, customTable, "10.12.0.0/16", h)
	if l := listRoutes(t, vc, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryId = id2 }); l[0].Status != "Pending" {
		t.Fatalf("before the delay: %+v", l)
	}
	s.SetClockOffset(2 * time.Minute)
	if l := listRoutes(t, vc, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryId = id2 }); l[0].Status != "Available" {
		t.Fatalf("after the delay: %+v", l)
	}
}

// DeleteHaVip is refused while a route entry points at the HaVip, and
// allowed once the route is gone.
func TestDeleteHaVipReferencedByRoute(t *testing.T) {
	t.Parallel()
	_, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	id := mkRoute(t, vc, customTable, "10.10.0.0/16", h)
	se := serverErr(t, delHaVip(vc, h), 400, "DependencyViolation.HaVipReferedByRouteEntry")
	if !strings.Contains(se.Message(), id) {
		t.Fatalf("the refusal does not name route entry %s: %s", id, se.Message())
	}
	haVip(t, vc, h)
	must(t, delRoute(vc, id))
	must(t, delHaVip(vc, h))
}

// A retried CreateRouteEntry with the same ClientToken gets the first
// answer and creates nothing; another request reusing the token is refused.
func TestCreateRouteEntryClientToken(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	req := routeReq(customTable, "10.10.0.0/16", h)
	req.ClientToken = "route-tok"
	first, err := vc.CreateRouteEntry(req)
	must(t, err)
	again := routeReq(customTable, "10.10.0.0/16", h)
	again.ClientToken = "route-tok"
	second, err := vc.CreateRouteEntry(again)
	must(t, err)
	if second.RouteEntryId != first.RouteEntryId || second.RequestId == first.RequestId {
		t.Fatalf("retry answered %+v, first %+v", second, first)
	}
	other := routeReq(customTable, "10.11.0.0/16", h)
	other.ClientToken = "route-tok"
	_, err = vc.CreateRouteEntry(other)
	serverErr(t, err, 400, "IdempotentParameterMismatch")
	commits := 0
	for _, e := range s.Journal(JournalFilter{Mutating: true}) {
		if e.Action == "CreateRouteEntry" && e.Committed {
			commits++
		}
	}
	if commits != 1 {
		t.Fatalf("CreateRouteEntry committed %d times", commits)
	}
	listRoutes(t, vc, customTable, nil)
	_, err = vc.DescribeRouteTableList(vpc.CreateDescribeRouteTableListRequest())
	must(t, err)
	for _, e := range s.Journal(JournalFilter{Mutating: true}) {
		if strings.HasPrefix(e.Action, "Describe") {
			t.Fatalf("the journal marks %s as mutating", e.Action)
		}
	}
}

// DescribeRouteEntryList pages with MaxResult and NextToken, Custom
// entries in creation order; a token it did not issue is refused.
func TestRouteEntryListPaging(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	must(t, s.SetQuota("", QuotaHaVipRoutesPerTable, 30))
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	var created []string
	for i := 1; i <= 25; i++ {
		created = append(created, mkRoute(t, vc, customTable, fmt.Sprintf("10.%d.0.0/16", i), h))
	}
	req := vpc.CreateDescribeRouteEntryListRequest()
	req.RouteTableId = customTable
	req.MaxResult = requests.NewInteger(20)
	resp, err := vc.DescribeRouteEntryList(req)
	must(t, err)
	if len(resp.RouteEntrys.RouteEntry) != 20 || resp.NextToken == "" {
		t.Fatalf("first page: %d entries, NextToken %q", len(resp.RouteEntrys.RouteEntry), resp.NextToken)
	}
	all := listRoutes(t, vc, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.MaxResult = requests.NewInteger(20) })
	seen := map[string]bool{}
	for _, e := range all {
		seen[e.RouteEntryId] = true
	}
	if len(all) != 27 || len(seen) != 27 { // 25 Custom + 2 System
		t.Fatalf("paged %d entries (%d distinct), want 27", len(all), len(seen))
	}
	// Custom entries come in creation order, which their random IDs do not
	// follow, so the pages stay stable as entries come and go.
	var custom []string
	for _, e := range all {
		if e.Type == RouteEntryCustom {
			custom = append(custom, e.RouteEntryId)
		}
	}
	if !slices.Equal(custom, created) {
		t.Errorf("Custom entries listed as %v, want creation order %v", custom, created)
	}
	bad := vpc.CreateDescribeRouteEntryListRequest()
	bad.RouteTableId = customTable
	bad.NextToken = "forged"
	_, err = vc.DescribeRouteEntryList(bad)
	serverErr(t, err, 400, "InvalidNextToken.Malformed")
	missing := vpc.CreateDescribeRouteEntryListRequest()
	missing.RouteTableId = "vtb-nosuchtable0000000001"
	_, err = vc.DescribeRouteEntryList(missing)
	serverErr(t, err, 404, "InvalidRouteTableId.NotFound")
}

// Route tables and entries survive a dump and restore, and fixtures check
// their route tables.
func TestRouteStateAndFixtures(t *testing.T) {
	t.Parallel()
	s, vc := routeServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.50").HaVipId
	id := mkRoute(t, vc, customTable, "10.10.0.0/16", h)
	b, err := s.Dump()
	must(t, err)
	s2 := testServer(t, Options{Fixtures: routeFixtures(), Seed: 7})
	must(t, s2.Restore(b))
	vc2, _ := clients(t, s2, s2.Credentials())
	if l := listRoutes(t, vc2, customTable, func(r *vpc.DescribeRouteEntryListRequest) { r.RouteEntryId = id }); len(l) != 1 || l[0].NextHops.NextHop[0].NextHopId != h {
		t.Fatalf("after restore: %+v", l)
	}
	serverErr(t, delHaVip(vc2, h), 400, "DependencyViolation.HaVipReferedByRouteEntry")

	// A state file from before route tables still gets System tables.
	var st map[string]any
	must(t, json.Unmarshal(b, &st))
	for _, a := range st["accounts"].([]any) {
		m := a.(map[string]any)
		delete(m, "route_tables")
		delete(m, "route_entries")
		delete(m, "route_seq")
	}
	old, _ := json.Marshal(st)
	must(t, s2.Restore(old))
	tr, err := vc2.DescribeRouteTableList(vpc.CreateDescribeRouteTableListRequest())
	must(t, err)
	if tr.TotalCount != 2 { // the System tables of vpcA and vpcB
		t.Fatalf("old state: %+v", tr.RouterTableList)
	}

	for name, fx := range map[string]func(*Fixtures){
		"unknown VPC":     func(f *Fixtures) { f.RouteTables[0].VpcID = "vpc-nosuch" },
		"foreign vSwitch": func(f *Fixtures) { f.RouteTables[0].VSwitches = []string{vswB1} },
		"System table ID": func(f *Fixtures) { f.RouteTables[0].ID = "vtb-testa0000000000000001" },
		"vSwitch in two": func(f *Fixtures) {
			f.RouteTables = append(f.RouteTables, FixtureRouteTable{VpcID: vpcA, VSwitches: []string{vswA2}})
		},
		"route transitions": func(f *Fixtures) { f.Transitions = map[string]Transition{"route_entry": {Mode: "bogus"}} },
	} {
		f := routeFixtures()
		fx(f)
		if _, err := New(Options{Fixtures: f}); err == nil {
			t.Errorf("fixtures with %s were accepted", name)
		}
	}
}

// Fixtures declare existing HaVip routes (what an import adopts); a route
// in an unknown table, to a HaVip of another VPC, to a malformed or
// already routed destination is refused when the fixtures load.
func TestFixtureRouteEntries(t *testing.T) {
	seed := func(mod func(*Fixtures)) *Fixtures {
		fx := SeedFixtures()
		fx.HaVips = []FixtureHaVip{{ID: "havip-bp1fixroute0000000001", VSwitchID: fx.VSwitches[0].ID, IP: "192.168.0.24"}}
		fx.RouteEntries = []FixtureRouteEntry{{ID: "rte-bp1fixroute0000000001", TableID: systemTableID(fx.VPCs[0].ID),
			Destination: "10.10.0.0/16", HaVipID: "havip-bp1fixroute0000000001", Name: "to-web"}}
		if mod != nil {
			mod(fx)
		}
		return fx
	}
	s, err := Start(Options{Fixtures: seed(nil)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	vc, _ := clients(t, s, s.Credentials())
	req := vpc.CreateDescribeRouteEntryListRequest()
	req.RouteTableId = systemTableID(SeedFixtures().VPCs[0].ID)
	req.RouteEntryType = "Custom"
	resp, err := vc.DescribeRouteEntryList(req)
	must(t, err)
	if es := resp.RouteEntrys.RouteEntry; len(es) != 1 || es[0].RouteEntryId != "rte-bp1fixroute0000000001" ||
		es[0].DestinationCidrBlock != "10.10.0.0/16" || es[0].RouteEntryName != "to-web" || es[0].Status != rulebook.StatusAvailable {
		t.Fatalf("the fixture's route: %+v", resp.RouteEntrys.RouteEntry)
	}

	for name, mod := range map[string]func(*Fixtures){
		"unknown table":   func(fx *Fixtures) { fx.RouteEntries[0].TableID = "vtb-none" },
		"unknown HaVip":   func(fx *Fixtures) { fx.RouteEntries[0].HaVipID = "havip-none" },
		"not a CIDR":      func(fx *Fixtures) { fx.RouteEntries[0].Destination = "10.10.0.1/16" },
		"already routed":  func(fx *Fixtures) { fx.RouteEntries[0].Destination = "192.168.0.0/24" },
		"twice the route": func(fx *Fixtures) { fx.RouteEntries = append(fx.RouteEntries, fx.RouteEntries[0]) },
	} {
		if s, err := Start(Options{Fixtures: seed(mod)}); err == nil {
			s.Close()
			t.Errorf("%s: the fixtures loaded", name)
		}
	}
}
