package alicloud

import (
	"sync"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Plan checks that run at the same time share one listing; a later check
// reuses it while the process has changed no HaVip, and lists again once
// it has.
func TestAllHaVipsSharedUntilAChange(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	first := mustCreate(t, c, CreateHaVipInput{IPAddress: "192.168.0.30"})
	lists := func() int { return listingsOf(s, cred) }

	// Slow the first listing down so the others arrive while it is in
	// flight; 2 s leaves a loaded machine room to start them all.
	fid, err := s.AddFault(mockcloud.FaultRule{Action: "DescribeHaVips", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(2 * time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			all, err := c.ReadAllHaVips(ctx)
			if err != nil || len(all) != 1 || all[0].ID != first.ID {
				t.Errorf("ReadAllHaVips: %v, %v", all, err)
			}
		}()
		if i == 0 {
			for f, _ := s.Fault(fid); f.Fired == 0; f, _ = s.Fault(fid) {
				time.Sleep(time.Millisecond)
			}
		}
	}
	wg.Wait()
	if n := lists(); n != 1 {
		t.Fatalf("8 concurrent checks listed %d times, want 1", n)
	}
	if _, err := c.ReadAllHaVips(ctx); err != nil || lists() != 1 {
		t.Fatalf("a check after the listing, with no change since: %d listings (want 1), %v", lists(), err)
	}
	// The process's own changes bring the listing up to date HaVip by
	// HaVip, from what their waiters saw: no listing again, and no call at
	// all for a HaVip it has just created.
	second := mustCreate(t, c, CreateHaVipInput{IPAddress: "192.168.0.31"})
	describes := countAction(journal(s, cred, ""), "DescribeHaVips")
	all, err := c.ReadAllHaVips(ctx)
	if err != nil || len(all) != 2 || all[1].ID != second.ID || all[1].IPAddress != "192.168.0.31" {
		t.Fatalf("after a create: %v, %v; want both HaVips", all, err)
	}
	if n := countAction(journal(s, cred, ""), "DescribeHaVips") - describes; n != 0 {
		t.Fatalf("after a create, the listing made %d DescribeHaVips; the create's wait saw the new HaVip", n)
	}
	if _, err := c.AssociateHaVip(ctx, second.ID, seedECS1, rulebook.MemberTypeOf(seedECS1)); err != nil {
		t.Fatal(err)
	}
	if all, err := c.ReadAllHaVips(ctx); err != nil || len(all) != 2 || !all[1].HasMember(seedECS1) {
		t.Fatalf("after an association: %v, %v; want the new member on the second HaVip", all, err)
	}
	if err := c.UnassociateHaVip(ctx, second.ID, seedECS1, rulebook.MemberTypeOf(seedECS1), false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteHaVip(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if all, err := c.ReadAllHaVips(ctx); err != nil || len(all) != 1 || all[0].ID != first.ID {
		t.Fatalf("after a delete: %v, %v; want the first HaVip only", all, err)
	}
	if n := lists(); n != 1 {
		t.Fatalf("after the process's own create, association and delete: %d listings, want still 1", n)
	}
}

// A create the service refused made nothing, and the listing still
// serves; one whose outcome is unknown may have made a HaVip no ID names,
// so the next check lists again.
func TestAllHaVipsListsAgainAfterACreateOfUnknownOutcome(t *testing.T) {
	s, cred, c := impatientClient(t)
	ctx := testCtx(t)
	if _, err := c.ReadAllHaVips(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: "vsw-doesnotexist"}); !IsNotFound(err) && ClassOf(err) != ClassInvalid {
		t.Fatalf("a create in a vSwitch that does not exist: %v", err)
	}
	if _, err := c.ReadAllHaVips(ctx); err != nil {
		t.Fatal(err)
	}
	if n := listingsOf(s, cred); n != 1 {
		t.Fatalf("after a refused create: %d listings, want 1", n)
	}
	if _, err := s.AddFault(mockcloud.FaultRule{Action: "CreateHaVip", Count: 100,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: seedVSwitch}); ClassOf(err) != ClassTransient {
		t.Fatalf("a create answered 503 every time: %v", err)
	}
	if _, err := c.ReadAllHaVips(ctx); err != nil {
		t.Fatal(err)
	}
	if n := listingsOf(s, cred); n != 2 {
		t.Fatalf("after a create of unknown outcome: %d listings, want 2", n)
	}
}

// listingsOf counts the DescribeHaVips calls that named no HaVip ID
// (listings), as opposed to the waiters' and Reads'.
func listingsOf(s *mockcloud.Server, cred mockcloud.Credential) int {
	n := 0
	for _, e := range journal(s, cred, "DescribeHaVips") {
		if describedHaVips(e) == nil {
			n++
		}
	}
	return n
}

// The region check at configure is the first page of the HaVips: with no
// more than a page of them it serves the plan checks' listing and the
// first Read of each, so neither makes a call; a HaVip the process changes
// is described again.
func TestCheckRegionServesListingAndReads(t *testing.T) {
	s, cred, setupClient := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	h := mustCreate(t, setupClient, CreateHaVipInput{IPAddress: "192.168.0.30"})

	c := newClient(t, testConfig(s, cred)) // a new provider process
	before := len(journal(s, cred, ""))
	if err := c.CheckRegion(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := c.ReadAllHaVips(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("ReadAllHaVips: %v, %v", all, err)
	}
	got, err := c.ReadHaVip(ctx, h.ID)
	if err != nil || got.ID != h.ID || got.IPAddress != "192.168.0.30" {
		t.Fatalf("ReadHaVip: %+v, %v", got, err)
	}
	if n := len(journal(s, cred, "")) - before; n != 1 {
		t.Fatalf("region check, listing and Read made %d calls, want the check's 1", n)
	}
	if _, err := c.AssociateHaVip(ctx, h.ID, seedECS1, rulebook.MemberTypeOf(seedECS1)); err != nil {
		t.Fatal(err)
	}
	mid := journal(s, cred, "")
	got, err = c.ReadHaVip(ctx, h.ID)
	if err != nil || !got.HasMember(seedECS1) {
		t.Fatalf("the Read after the process's own change: %+v, %v", got, err)
	}
	if _, err := c.ReadAllHaVips(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(journal(s, cred, "DescribeHaVips")) - countAction(mid, "DescribeHaVips"); n != 0 {
		t.Fatalf("after the change, the Read and the listing made %d DescribeHaVips, want none (the association's wait saw the HaVip)", n)
	}
}

func countAction(entries []mockcloud.JournalEntry, action string) int {
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

// With more HaVips than a page, the region check's page is not the whole
// listing: ReadAllHaVips lists them all, while the HaVips on the page still
// serve their Reads.
func TestCheckRegionPartialPage(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 100, mockcloud.QuotaHaVipsPerVPC: 100}
	s, cred, setupClient := setup(t, mockcloud.Options{Fixtures: fx})
	ctx := testCtx(t)
	var ids []string
	for i := 0; i < pageSize+2; i++ {
		h := mustCreate(t, setupClient, CreateHaVipInput{})
		ids = append(ids, h.ID)
	}
	c := newClient(t, testConfig(s, cred))
	if err := c.CheckRegion(ctx); err != nil {
		t.Fatal(err)
	}
	before := countAction(journal(s, cred, ""), "DescribeHaVips")
	all, err := c.ReadAllHaVips(ctx)
	if err != nil || len(all) != pageSize+2 {
		t.Fatalf("ReadAllHaVips: %d HaVips, %v; want %d", len(all), err, pageSize+2)
	}
	if n := countAction(journal(s, cred, ""), "DescribeHaVips") - before; n != 2 {
		t.Fatalf("listing %d HaVips took %d calls, want 2 pages", pageSize+2, n)
	}
	c2 := newClient(t, testConfig(s, cred))
	if err := c2.CheckRegion(ctx); err != nil {
		t.Fatal(err)
	}
	before = countAction(journal(s, cred, ""), "DescribeHaVips")
	for _, id := range ids {
		if _, err := c2.ReadHaVip(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	served := len(ids) - (countAction(journal(s, cred, ""), "DescribeHaVips") - before)
	if served < pageSize-1 {
		t.Fatalf("only %d of %d Reads were served by the region check's page", served, len(ids))
	}
}
