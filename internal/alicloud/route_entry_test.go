package alicloud

import (
	"fmt"
	"sync"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// seedTable is the seed VPC's System route table.
const seedTable = "vtb-bp1seedvpc000000000001"

func mustRoute(t testing.TB, c *Client, dest, havipID string) *RouteEntry {
	t.Helper()
	e, err := c.CreateRouteEntry(testCtx(t), CreateRouteEntryInput{TableID: seedTable, Destination: dest, HaVipID: havipID, Name: "r"})
	if err != nil {
		t.Fatalf("CreateRouteEntry %s: %v", dest, err)
	}
	return e
}

// Create waits through Pending, the entry is found by ID and by the
// HaVip it routes to, and delete waits through Deleting until it is gone.
func TestRouteEntryLifecycle(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	setTransition(t, s, cred, "route_entry", 2)
	h := mustCreate(t, c, CreateHaVipInput{})
	e := mustRoute(t, c, "10.10.0.0/16", h.ID)
	if e.Status != "Available" || e.TableID != seedTable || e.Destination != "10.10.0.0/16" || e.NextHopType != NextHopHaVip || e.NextHopID != h.ID || e.Name != "r" || e.Type != "Custom" {
		t.Fatalf("created %+v", e)
	}
	routes, err := c.ListRoutesToHaVip(testCtx(t), seedVPC, h.ID)
	if err != nil || len(routes) != 1 || routes[0].ID != e.ID {
		t.Fatalf("RoutesToHaVip: %v %+v", err, routes)
	}
	tbl, err := c.FreshRouteTable(testCtx(t), seedTable)
	if err != nil || tbl.VpcID != seedVPC || tbl.Type != "System" {
		t.Fatalf("FreshRouteTable: %v %+v", err, tbl)
	}
	if _, err := c.FreshRouteTable(testCtx(t), "vtb-nosuch"); !IsNotFound(err) {
		t.Fatalf("a missing table: %v", err)
	}
	if err := c.DeleteRouteEntry(testCtx(t), seedTable, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FreshRouteEntry(testCtx(t), seedTable, e.ID); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if err := c.DeleteRouteEntry(testCtx(t), seedTable, e.ID); err != nil {
		t.Fatalf("deleting a gone entry: %v", err)
	}
	if n := len(journal(s, cred, "DeleteRouteEntry")); n != 2 {
		t.Fatalf("DeleteRouteEntry called %d times", n)
	}
}

// A lost CreateRouteEntry answer is retried with the same ClientToken and
// answered from the record: one entry, not two.
func TestCreateRouteEntryLostResponseReusesToken(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "CreateRouteEntry", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	e := mustRoute(t, c, "10.10.0.0/16", h.ID)
	entries := journal(s, cred, "CreateRouteEntry")
	if len(entries) < 2 || !entries[len(entries)-1].Replayed {
		t.Fatalf("the lost answer was not replayed:%s", describeEntries(entries))
	}
	sameToken(t, entries)
	routes, err := c.ListRoutesToHaVip(testCtx(t), seedVPC, h.ID)
	if err != nil || len(routes) != 1 || routes[0].ID != e.ID {
		t.Fatalf("want exactly entry %s: %v %+v", e.ID, err, routes)
	}
}

// A lost DeleteRouteEntry answer (no ClientToken on this action) is not
// an error: the retry finds the entry gone.
func TestDeleteRouteEntryLostResponse(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	e := mustRoute(t, c, "10.10.0.0/16", h.ID)
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DeleteRouteEntry", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	if err := c.DeleteRouteEntry(testCtx(t), seedTable, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteHaVip(testCtx(t), h.ID); err != nil {
		t.Fatalf("the HaVip is still routed: %v", err)
	}
}

// Parallel creates in one table queue on the table's lock instead of
// meeting TaskConflict; busy answers are retried with the same token.
func TestRouteEntriesSerialisedPerTable(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	setTransition(t, s, cred, "route_entry", 2)
	h := mustCreate(t, c, CreateHaVipInput{})
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := 1; i <= 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := c.CreateRouteEntry(testCtx(t), CreateRouteEntryInput{TableID: seedTable, Destination: fmt.Sprintf("10.%d.0.0/16", i), HaVipID: h.ID})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range journal(s, cred, "CreateRouteEntry") {
		if e.Status != 200 {
			t.Fatalf("a create met %s: the table's lock should queue them", e.Code)
		}
	}
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DeleteRouteEntry", Count: 2,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}})
	routes, _ := c.ListRoutesToHaVip(testCtx(t), seedVPC, h.ID)
	if err := c.DeleteRouteEntry(testCtx(t), seedTable, routes[0].ID); err != nil {
		t.Fatal(err)
	}
}

// The documented refusals come back classified: the sixth HaVip route is
// a quota error, a duplicate destination and a missing HaVip are not
// retried.
func TestRouteEntryErrors(t *testing.T) {
	_, _, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	for i := 1; i <= 5; i++ {
		mustRoute(t, c, fmt.Sprintf("10.%d.0.0/16", i), h.ID)
	}
	_, err := c.CreateRouteEntry(testCtx(t), CreateRouteEntryInput{TableID: seedTable, Destination: "10.6.0.0/16", HaVipID: h.ID})
	if ClassOf(err) != ClassQuota || CodeOf(err) != "CountLimitExceed.HaVipRouteEntry" {
		t.Fatalf("sixth route: %v", err)
	}
	_, err = c.CreateRouteEntry(testCtx(t), CreateRouteEntryInput{TableID: seedTable, Destination: "10.1.0.0/16", HaVipID: h.ID})
	if ClassOf(err) != ClassInvalid || CodeOf(err) != "InvalidCIDRBlock.Duplicate" {
		t.Fatalf("duplicate: %v", err)
	}
	_, err = c.CreateRouteEntry(testCtx(t), CreateRouteEntryInput{TableID: seedTable, Destination: "10.7.0.0/16", HaVipID: "havip-nosuch"})
	if !IsNotFound(err) {
		t.Fatalf("missing HaVip: %v", err)
	}
	if err := c.DeleteHaVip(testCtx(t), h.ID); CodeOf(err) != "DependencyViolation.HaVipReferedByRouteEntry" || ClassOf(err) != ClassInvalid {
		t.Fatalf("deleting a routed HaVip: %v", err)
	}
}
