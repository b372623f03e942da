package alicloud

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func TestNewValidatesConfig(t *testing.T) {
	good := Config{Region: "cn-hangzhou", AccessKey: "ak", SecretKey: "sk"}
	cases := []struct {
		name string
		mut  func(*Config)
		want string
	}{
		{"no region", func(c *Config) { c.Region = "" }, "region is required"},
		{"bad region", func(c *Config) { c.Region = "cn hangzhou/1" }, "region"},
		{"no access key", func(c *Config) { c.AccessKey = " " }, "access key"},
		{"no secret", func(c *Config) { c.SecretKey = "" }, "secret key"},
		{"url endpoint", func(c *Config) { c.VPCEndpoint = "http://127.0.0.1:1" }, "without a scheme"},
		{"path endpoint", func(c *Config) { c.ECSEndpoint = "127.0.0.1:1/x" }, "host[:port] only"},
		{"bad protocol", func(c *Config) { c.Protocol = "ftp" }, "HTTP or HTTPS"},
		{"negative wait", func(c *Config) { c.PollMin = -1 }, "negative"},
	}
	for _, tc := range cases {
		cfg := good
		tc.mut(&cfg)
		_, err := New(testCtx(t), cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want error mentioning %q, got %v", tc.name, tc.want, err)
		}
	}
	c, err := New(testCtx(t), good)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Protocol != "HTTPS" || c.cfg.MaxRetries != 4 || c.cfg.PollMin != 200*time.Millisecond || c.cfg.PollMax != 5*time.Second {
		t.Fatalf("defaults: %+v", c.cfg)
	}
	over := good
	over.PollMin, over.PollMax, over.MaxRetries = time.Second, time.Minute, -1
	c, _ = New(testCtx(t), over)
	if c.cfg.PollMin != 200*time.Millisecond || c.cfg.PollMax != 5*time.Second || c.cfg.MaxRetries != 0 {
		t.Fatalf("poll bounds not clamped or negative retries not zeroed: %+v", c.cfg)
	}
}

func TestNewMakesNoAPICall(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	newClient(t, testConfig(s, cred))
	if n := len(journal(s, cred, "")); n != 0 {
		t.Fatalf("New made %d API calls", n)
	}
}

func TestHaVipLifecycle(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	h := mustCreate(t, c, CreateHaVipInput{IPAddress: "192.168.0.100", Name: "web", Description: "front",
		Tags: map[string]string{"env": "prod", "team": "net"}})
	if h.Status != "Available" || h.IPAddress != "192.168.0.100" || h.VpcID != seedVPC || h.Tags["env"] != "prod" || h.Name != "web" {
		t.Fatalf("created %+v", h)
	}
	name, desc := "web2", "front end"
	if err := c.ModifyHaVip(ctx, h.ID, &name, &desc); err != nil {
		t.Fatal(err)
	}
	if err := c.SetHaVipTags(ctx, h.ID, map[string]string{"env": "dev", "new": "1"}, []string{"team", "env"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadHaVip(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "web2" || got.Description != "front end" || len(got.Tags) != 2 || got.Tags["env"] != "dev" || got.Tags["new"] != "1" {
		t.Fatalf("after modify and tags: %+v", got)
	}
	if err := c.ModifyHaVip(ctx, h.ID, nil, new(string)); ClassOf(err) != ClassInvalid {
		t.Fatalf("an empty description must be refused up front, got %v", err)
	}

	if _, err := c.AssociateHaVip(ctx, h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	// The settled HaVip and EIP come back from the waiters, so callers
	// need not describe them again.
	settled, err := c.AssociateHaVip(ctx, h.ID, seedECS2, MemberECS)
	if err != nil {
		t.Fatal(err)
	}
	if settled == nil || settled.Status != "InUse" || !settled.HasMember(seedECS1) || !settled.HasMember(seedECS2) {
		t.Fatalf("AssociateHaVip returned %+v, want the InUse HaVip listing both members", settled)
	}
	bound, err := c.AssociateEIP(ctx, h.ID, seedEIP)
	if err != nil {
		t.Fatal(err)
	}
	if bound == nil || bound.InstanceID != h.ID || bound.Status != "InUse" || bound.IPAddress == "" {
		t.Fatalf("AssociateEIP returned %+v, want the EIP InUse on %s", bound, h.ID)
	}
	got, _ = c.ReadHaVip(ctx, h.ID)
	if got.Status != "InUse" || len(got.AssociatedInstances) != 2 || len(got.AssociatedEIPAddresses) != 1 {
		t.Fatalf("after associations: %+v", got)
	}
	eip, _ := c.ReadEIP(ctx, seedEIP)
	if eip.Status != "InUse" || eip.InstanceID != h.ID || eip.InstanceType != "HaVip" {
		t.Fatalf("EIP %+v", eip)
	}

	// The master is detached only with Force, which the API takes as a string.
	if err := s.SetMaster(cred.AccountID, h.ID, seedECS1); err != nil {
		t.Fatal(err)
	}
	err = c.UnassociateHaVip(ctx, h.ID, seedECS1, "", false)
	if e := asError(t, err); e.Class != ClassInvalid || e.Code != "Forbidden.UnassociateMaster" {
		t.Fatalf("want Forbidden.UnassociateMaster as invalid, got %v", err)
	}
	if err := c.UnassociateHaVip(ctx, h.ID, seedECS1, "", true); err != nil {
		t.Fatal(err)
	}
	if f := journal(s, cred, "UnassociateHaVip"); f[len(f)-1].Params["Force"] != "True" {
		t.Fatalf("Force sent as %q", f[len(f)-1].Params["Force"])
	}

	// Deleting a HaVip that still has a member or an EIP fails at once:
	// waiting would not help.
	before := len(journal(s, cred, "DeleteHaVip"))
	err = c.DeleteHaVip(ctx, h.ID)
	if e := asError(t, err); e.Class != ClassInvalid || e.Code != "DependencyViolation.HaVipAssociatedWithEIP" {
		t.Fatalf("want DependencyViolation, got %v", err)
	}
	if err := c.UnassociateEIP(ctx, h.ID, seedEIP, false); err != nil {
		t.Fatal(err)
	}
	err = c.DeleteHaVip(ctx, h.ID)
	if e := asError(t, err); e.Class != ClassInvalid || e.Code != "IncorrectStatus" || !strings.Contains(e.Message, seedECS2) {
		t.Fatalf("want IncorrectStatus naming the member, got %v", err)
	}
	if n := len(journal(s, cred, "DeleteHaVip")) - before; n != 2 {
		t.Fatalf("a lasting refusal must not be retried: %d DeleteHaVip calls", n)
	}

	if err := c.UnassociateHaVip(ctx, h.ID, seedECS2, "", false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteHaVip(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadHaVip(ctx, h.ID); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
}

// Removals whose outcome already holds are success, as Terraform's
// destroy needs them to be; additions already in place are not.
func TestIdempotentOutcomes(t *testing.T) {
	_, _, c := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	h := mustCreate(t, c, CreateHaVipInput{})
	if err := c.UnassociateHaVip(ctx, h.ID, seedECS1, "", false); err != nil {
		t.Fatalf("unassociating a non-member: %v", err)
	}
	if err := c.UnassociateEIP(ctx, h.ID, seedEIP, false); err != nil {
		t.Fatalf("unassociating an unbound EIP: %v", err)
	}
	if err := c.UnassociateEIP(ctx, h.ID, "eip-doesnotexist000000000", false); err != nil {
		t.Fatalf("unassociating a missing EIP: %v", err)
	}
	if err := c.DeleteHaVip(ctx, "havip-doesnotexist0000000"); err != nil {
		t.Fatalf("deleting a missing HaVip: %v", err)
	}
	if err := c.UnassociateHaVip(ctx, "havip-doesnotexist0000000", seedECS1, "", false); err != nil {
		t.Fatalf("unassociating from a missing HaVip: %v", err)
	}
	if _, err := c.AssociateEIP(ctx, h.ID, seedEIP); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateHaVip(ctx, h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	// Binding or associating what is already in place is another
	// operation's work, not this one's: it is refused, not adopted
	// (TestAssociateHaVipOwnLostCommitIsSuccess has the retry that is).
	if _, err := c.AssociateEIP(ctx, h.ID, seedEIP); err == nil || !strings.Contains(err.Error(), "by another operation") {
		t.Fatalf("binding an EIP already bound here: %v", err)
	}
	if _, err := c.AssociateHaVip(ctx, h.ID, seedECS1, ""); err == nil || !strings.Contains(err.Error(), "by another operation") {
		t.Fatalf("associating a member already there: %v", err)
	}
}

// A response lost after the service committed must not create a second
// HaVip: the retry carries the same ClientToken and gets the first result.
func TestCreateHaVipLostResponseReusesToken(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "CreateHaVip", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	h := mustCreate(t, c, CreateHaVipInput{Name: "once", Tags: map[string]string{"b": "2", "a": "1", "c": "3"}})
	all, err := c.ListHaVips(testCtx(t), HaVipQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].ID != h.ID {
		t.Fatalf("want exactly the one HaVip %s, got %d: %+v", h.ID, len(all), all)
	}
	entries := journal(s, cred, "CreateHaVip")
	if len(entries) < 2 {
		t.Fatalf("the dropped call was not retried:%s", describeEntries(entries))
	}
	sameToken(t, entries)
	if !entries[len(entries)-1].Replayed {
		t.Fatalf("the retry should be answered from the token record:%s", describeEntries(entries))
	}
}

// Every transport attempt lost after the commit: the transport gives up,
// the operation sends the same token once more and gets the first result.
// A busy answer (OperationConflict) is retried with the same token too.
func TestCreateHaVipTokenSurvivesOperationRetries(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "CreateHaVip", Count: 5,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	h := mustCreate(t, c, CreateHaVipInput{})
	entries := journal(s, cred, "CreateHaVip")
	if len(entries) != 6 || !entries[5].Replayed || entries[5].Status != 200 {
		t.Fatalf("want 5 dropped attempts (1 committed) and a replayed sixth:%s", describeEntries(entries))
	}
	sameToken(t, entries)
	if all, _ := c.ListHaVips(testCtx(t), HaVipQuery{}); len(all) != 1 || all[0].ID != h.ID {
		t.Fatalf("want exactly one HaVip, got %+v", all)
	}

	s.ClearJournal()
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "CreateHaVip", Count: 2,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}})
	mustCreate(t, c, CreateHaVipInput{})
	entries = journal(s, cred, "CreateHaVip")
	if len(entries) != 3 || entries[0].Code != "OperationConflict" || entries[2].Status != 200 {
		t.Fatalf("want two conflicts then success:%s", describeEntries(entries))
	}
	sameToken(t, entries)
}

func TestAssociateHaVipLostResponseReusesToken(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateHaVip", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := c.ReadHaVip(testCtx(t), h.ID)
	if len(got.AssociatedInstances) != 1 || got.AssociatedInstances[0] != seedECS1 || got.Status != "InUse" {
		t.Fatalf("members %+v", got)
	}
	entries := journal(s, cred, "AssociateHaVip")
	sameToken(t, entries)
	if len(entries) != 2 || !entries[1].Replayed {
		t.Fatalf("want the dropped call and a replayed retry:%s", describeEntries(entries))
	}
}

func TestAssociateEIPLostResponseReusesToken(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateEipAddress", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	if _, err := c.AssociateEIP(testCtx(t), h.ID, seedEIP); err != nil {
		t.Fatal(err)
	}
	eip, _ := c.ReadEIP(testCtx(t), seedEIP)
	got, _ := c.ReadHaVip(testCtx(t), h.ID)
	if eip.InstanceID != h.ID || eip.Status != "InUse" || len(got.AssociatedEIPAddresses) != 1 {
		t.Fatalf("EIP %+v, HaVip %+v", eip, got)
	}
	entries := journal(s, cred, "AssociateEipAddress")
	sameToken(t, entries)
	if len(entries) != 2 || !entries[1].Replayed {
		t.Fatalf("want the dropped call and a replayed retry:%s", describeEntries(entries))
	}
	if entries[0].Params["InstanceType"] != "HaVip" {
		t.Fatalf("InstanceType %q", entries[0].Params["InstanceType"])
	}
}

func TestConflictLoopRetriesWithSameToken(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateHaVip", Count: 2,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}})
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	entries := journal(s, cred, "AssociateHaVip")
	if len(entries) != 3 || entries[0].Code != "IncorrectHaVipStatus" || entries[1].Code != "IncorrectHaVipStatus" || entries[2].Status != 200 {
		t.Fatalf("want two conflicts then success:%s", describeEntries(entries))
	}
	sameToken(t, entries)

	// IncorrectStatus on a delete of an idle HaVip is a passing conflict.
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DeleteHaVip", Count: 2,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}})
	if err := c.UnassociateHaVip(testCtx(t), h.ID, seedECS1, "", false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteHaVip(testCtx(t), h.ID); err != nil {
		t.Fatal(err)
	}
	del := journal(s, cred, "DeleteHaVip")
	if len(del) != 3 {
		t.Fatalf("want two conflicts then success:%s", describeEntries(del))
	}
	sameToken(t, del)
}

func TestConflictLoopBoundedByDeadline(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateHaVip", Count: 100000,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}})
	// The operation's deadline runs out during the third pause.
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	pauses := 0
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if pauses++; pauses == 3 {
			cancel()
		}
		return sleep(ctx, d)
	}
	_, err := c.AssociateHaVip(ctx, h.ID, seedECS1, "")
	e := asError(t, err)
	if e.Class != ClassConflict || e.Code != "IncorrectHaVipStatus" || e.RequestID == "" {
		t.Fatalf("want the last conflict answer, got class %s: %v", e.Class, e)
	}
	if n := len(journal(s, cred, "AssociateHaVip")); n != 3 || pauses != 3 {
		t.Fatalf("%d attempts and %d pauses, want 3 and 3: the loop must stop when the deadline ends a pause", n, pauses)
	}
}

// In "describes" mode each transition stays visible for the next N
// describes; Create must return only once the HaVip is Available.
func TestCreateWaitsForAvailable(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	setTransition(t, s, cred, "havip", 3)
	h := mustCreate(t, c, CreateHaVipInput{})
	if h.Status != "Available" {
		t.Fatalf("returned while %s", h.Status)
	}
	// "The next Describes describe calls still show it" (mockcloud
	// Transition): 3 polls see Creating, the 4th Available, and the
	// waiter stops right there.
	entries := journal(s, cred, "DescribeHaVips")
	if len(entries) != 3+1 {
		t.Fatalf("want 4 DescribeHaVips polls, got %d", len(entries))
	}
	// Each poll asks for this HaVip only, never for the whole list.
	for _, e := range entries {
		if e.Params["Filter.1.Key"] != "HaVipId" || e.Params["Filter.1.Value.1"] != h.ID {
			t.Fatalf("describe not filtered by HaVipId: %v", e.Params)
		}
	}
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := c.ReadHaVip(testCtx(t), h.ID)
	if got.Status != "InUse" {
		t.Fatalf("Associate returned before InUse: %s", got.Status)
	}
	if err := c.UnassociateHaVip(testCtx(t), h.ID, seedECS1, "", false); err != nil {
		t.Fatal(err)
	}
	got, _ = c.ReadHaVip(testCtx(t), h.ID)
	if got.Status != "Available" || len(got.AssociatedInstances) != 0 {
		t.Fatalf("Unassociate returned early: %+v", got)
	}
	setTransition(t, s, cred, "eip", 2)
	if _, err := c.AssociateEIP(testCtx(t), h.ID, seedEIP); err != nil {
		t.Fatal(err)
	}
	if eip, _ := c.ReadEIP(testCtx(t), seedEIP); eip.Status != "InUse" {
		t.Fatalf("AssociateEIP returned while %s", eip.Status)
	}
	if err := c.UnassociateEIP(testCtx(t), h.ID, seedEIP, false); err != nil {
		t.Fatal(err)
	}
	if eip, _ := c.ReadEIP(testCtx(t), seedEIP); eip.Status != "Available" {
		t.Fatalf("UnassociateEIP returned while %s", eip.Status)
	}
	if err := c.DeleteHaVip(testCtx(t), h.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadHaVip(testCtx(t), h.ID); !IsNotFound(err) {
		t.Fatalf("Delete returned before the HaVip was gone: %v", err)
	}
}

// recordSleeps makes c's retry loops and waiters record each pause
// (and still sleep it), so tests see the schedule without timing it.
func recordSleeps(c *Client) func() []time.Duration {
	var mu sync.Mutex
	var got []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
		return sleep(ctx, d)
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), got...)
	}
}

// With immediate transitions a create costs one call and one describe and
// no pause at all; with a transition that two describes see, exactly one
// pause comes between the first poll and the next: the first poll never
// waits.
func TestFirstPollIsImmediate(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	c := newClient(t, testConfig(s, cred))
	sleeps := recordSleeps(c)
	since := s.JournalSeq()
	mustCreate(t, c, CreateHaVipInput{})
	if got := sleeps(); len(got) != 0 {
		t.Fatalf("an instant create paused %v", got)
	}
	all := journalSince(s, cred, "", since)
	if len(all) != 2 || all[0].Action != "CreateHaVip" || all[1].Action != "DescribeHaVips" {
		t.Fatalf("want CreateHaVip then one DescribeHaVips:%s", describeEntries(all))
	}
	setTransition(t, s, cred, "havip", 1)
	since = s.JournalSeq()
	mustCreate(t, c, CreateHaVipInput{})
	if got := sleeps(); len(got) != 1 {
		t.Fatalf("a create seen Creating once paused %d times (%v), want once, after the first poll", len(got), got)
	}
	if n := len(journalSince(s, cred, "DescribeHaVips", since)); n != 2 {
		t.Fatalf("want 2 polls, got %d", n)
	}
}

// Ten resources attaching to one HaVip at once, with slow transitions:
// the per-HaVip lock queues them, so the API never sees two at a time.
func TestPerHaVipLockSerialisesAssociations(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	var enis []string
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("eni-bp1testeni%011d", i)
		enis = append(enis, id)
		fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: id, VSwitchID: seedVSwitch,
			PrivateIP: fmt.Sprintf("192.168.0.%d", 40+i), InstanceID: []string{seedECS1, seedECS2}[i%2]})
	}
	s, cred, c := setup(t, mockcloud.Options{Fixtures: fx})
	h := mustCreate(t, c, CreateHaVipInput{})
	setTransition(t, s, cred, "havip", 3)
	var wg sync.WaitGroup
	errs := make([]error, len(enis))
	for i, id := range enis {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.AssociateHaVip(testCtx(t), h.ID, id, "")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", enis[i], err)
		}
	}
	got, err := c.ReadHaVip(testCtx(t), h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.AssociatedInstances) != 10 || got.AssociatedInstanceType != MemberENI {
		t.Fatalf("members %v type %s", got.AssociatedInstances, got.AssociatedInstanceType)
	}
	if busy := journalFilter(s, mockcloud.JournalFilter{Account: cred.AccountID, Code: "IncorrectHaVipStatus"}); len(busy) != 0 {
		t.Fatalf("%d IncorrectHaVipStatus answers: calls were not serialised", len(busy))
	}
	if n := len(journal(s, cred, "AssociateHaVip")); n != 10 {
		t.Fatalf("want 10 AssociateHaVip calls, got %d", n)
	}
	eni, err := c.ReadENI(testCtx(t), enis[3])
	if err != nil || eni.InstanceID != seedECS2 || eni.PrivateIP != "192.168.0.43" || eni.Type != "Secondary" {
		t.Fatalf("ENI %+v, %v", eni, err)
	}
	if len(c.locks.m) != 0 {
		t.Fatalf("lock entries leak: %d left", len(c.locks.m))
	}
}

func TestErrorClasses(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	notFound := []struct {
		name string
		err  func() error
		code string
	}{
		{"havip", func() error { _, err := c.ReadHaVip(ctx, "havip-nope"); return err }, "InvalidHaVipId.NotFound"},
		{"eip", func() error { _, err := c.ReadEIP(ctx, "eip-nope"); return err }, "InvalidAllocationId.NotFound"},
		{"vswitch", func() error { _, err := c.FreshVSwitch(ctx, "vsw-nope"); return err }, "InvalidVSwitchId.NotFound"},
		{"instance", func() error { _, err := c.ReadInstance(ctx, "i-nope"); return err }, "InvalidInstanceId.NotFound"},
		{"eni", func() error { _, err := c.ReadENI(ctx, "eni-nope"); return err }, "InvalidEniId.NotFound"},
		{"create in missing vswitch", func() error {
			_, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: "vsw-nope"})
			return err
		}, "InvalidVSwitch.NotFound"},
		{"associate missing havip", func() error { _, err := c.AssociateHaVip(ctx, "havip-nope", seedECS1, ""); return err }, "InvalidHaVipId.NotFound"},
	}
	for _, tc := range notFound {
		err := tc.err()
		if e := asError(t, err); e.Class != ClassNotFound || e.Code != tc.code || e.RequestID == "" {
			t.Errorf("%s: want not found %s with a RequestId, got class %s code %s: %v", tc.name, tc.code, e.Class, e.Code, err)
		}
	}

	in, err := c.ReadInstance(ctx, seedECS2)
	if err != nil || in.PrivateIP != "192.168.0.26" || in.VSwitchID != seedVSwitch || in.Status != "Running" {
		t.Fatalf("instance %+v, %v", in, err)
	}
	if q := journal(s, cred, "DescribeInstances"); q[len(q)-1].Params["InstanceIds"] != `["`+seedECS2+`"]` {
		t.Fatalf("InstanceIds sent as %q", q[len(q)-1].Params["InstanceIds"])
	}

	_, err = c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: seedVSwitch, IPAddress: "10.0.0.1"})
	if e := asError(t, err); e.Class != ClassInvalid || e.Code != "InvalidIPAddress.OutOfRange" || e.HTTPStatus != 400 {
		t.Fatalf("want invalid, got %v", err)
	}

	if err := s.SetQuota(cred.AccountID, mockcloud.QuotaHaVipsPerAccount, 1); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, CreateHaVipInput{})
	_, err = c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: seedVSwitch})
	if e := asError(t, err); e.Class != ClassQuota || e.Code != "QuotaExceeded.HaVip" {
		t.Fatalf("want quota, got %v", err)
	}

	bad := testConfig(s, cred)
	bad.SecretKey = "not-the-secret"
	_, err = newClient(t, bad).ReadHaVip(ctx, "havip-x")
	if e := asError(t, err); e.Class != ClassAuth || e.Code != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret: want auth, got %v", err)
	}
	unknown := testConfig(s, cred)
	unknown.AccessKey = "LTAI5tUNKNOWNKEY000000"
	_, err = newClient(t, unknown).ReadHaVip(ctx, "havip-x")
	if e := asError(t, err); e.Class != ClassAuth || e.Code != "InvalidAccessKeyId.NotFound" || IsNotFound(err) {
		t.Fatalf("unknown key: want auth (not not-found), got %v", err)
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]Class{
		"InvalidHaVipId.NotFound": ClassNotFound, "InvalidAllocationId.NotFound": ClassNotFound,
		"InvalidInstanId.NotFound": ClassNotFound, "InvalidVSwitchId.NotFound": ClassNotFound,
		"InvalidVSwitch.NotFound": ClassNotFound, "InvalidInstanceId.NotFound": ClassNotFound,
		"InvalidEniId.NotFound": ClassNotFound,
		"IncorrectHaVipStatus":  ClassConflict, "IncorrectStatus": ClassConflict, "OperationConflict": ClassConflict,
		"LastTokenProcessing": ClassConflict, "TaskConflict": ClassConflict, "IncorrectEipStatus": ClassConflict,
		"TaskConflict.AssociateGlobalAccelerationInstance": ClassConflict,
		"QuotaExceeded.HaVip":                              ClassQuota, "CountLimitExceeded.HaVipOnECSInstance": ClassQuota,
		"CountLimitExceed.HaVipOnInstance": ClassQuota, "InvalidAssociation.Duplicated": ClassQuota,
		"InvalidIPAddress.OutOfRange": ClassInvalid, "MissingVSwitchId": ClassInvalid, "Forbidden.HaVip": ClassInvalid,
		"DependencyViolation.HaVipAssociatedWithEIP": ClassInvalid, "IdempotentParameterMismatch": ClassInvalid,
		"InvalidRegionId.NotFound": ClassInvalid,
		"Throttling.User":          ClassTransient, "Throttling": ClassTransient, "ServiceUnavailable": ClassTransient,
		"SystemBusy": ClassTransient, "InternalError": ClassTransient,
		"SignatureDoesNotMatch": ClassAuth, "InvalidAccessKeyId.NotFound": ClassAuth, "IncompleteSignature": ClassAuth,
		"InvalidTimeStamp.Expired": ClassAuth, "SignatureNonceUsed": ClassAuth,
	}
	for code, want := range cases {
		if got := classify(code, 400); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
	if classify("", 502) != ClassTransient || classify("", 404) != ClassNotFound || classify("Weird", 500) != ClassTransient {
		t.Error("status fallbacks")
	}
}

// More HaVips than one page: 60 with the per-account and per-VPC quotas
// raised. ListHaVips must read both pages and no more.
func TestListHaVipsPages(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	for _, q := range []string{mockcloud.QuotaHaVipsPerAccount, mockcloud.QuotaHaVipsPerVPC} {
		if err := s.SetQuota(cred.AccountID, q, 100); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testCtx(t)
	var ids []string
	for i := 0; i < 60; i++ {
		ids = append(ids, mustCreate(t, c, CreateHaVipInput{}).ID)
	}
	since := s.JournalSeq()
	all, err := c.ListHaVips(ctx, HaVipQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, h := range all {
		seen[h.ID] = true
	}
	if len(all) != 60 || len(seen) != 60 {
		t.Fatalf("listed %d (%d distinct), want 60", len(all), len(seen))
	}
	pages := journalSince(s, cred, "DescribeHaVips", since)
	if len(pages) != 2 || pages[0].Params["PageSize"] != "50" || pages[1].Params["PageNumber"] != "2" {
		t.Fatalf("want 2 pages of 50:%s", describeEntries(pages))
	}

	acct, vpc, err := c.CountHaVips(ctx, seedVPC)
	if err != nil || acct != 60 || vpc != 60 {
		t.Fatalf("counts %d/%d, %v", acct, vpc, err)
	}
	if _, vpc, _ := c.CountHaVips(ctx, "vpc-other"); vpc != 0 {
		t.Fatalf("other VPC count %d", vpc)
	}

	some, err := c.ListHaVips(ctx, HaVipQuery{IDs: append(ids[5:30], "havip-missing"), VpcIDs: []string{seedVPC}})
	if err != nil || len(some) != 25 {
		t.Fatalf("by IDs (two filter chunks): %d, %v", len(some), err)
	}
	one, err := c.ListHaVips(ctx, HaVipQuery{IPAddresses: []string{all[7].IPAddress}, VSwitchIDs: []string{seedVSwitch}})
	if err != nil || len(one) != 1 || one[0].ID != all[7].ID {
		t.Fatalf("by IP: %+v, %v", one, err)
	}
}

// One Client used from many goroutines: run under -race.
func TestConcurrentUse(t *testing.T) {
	_, _, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				var err error
				switch (g + i) % 3 {
				case 0:
					_, err = c.ReadHaVip(ctx, h.ID)
				case 1:
					_, err = c.ReadInstance(ctx, seedECS1)
				default:
					_, err = c.ReadEIP(ctx, seedEIP)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// BenchmarkCreateDeleteHaVip is one create (with its wait) and one delete
// (with its wait) against the in-process mock.
func BenchmarkCreateDeleteHaVip(b *testing.B) {
	s, cred, c := setup(b, mockcloud.Options{})
	ctx := context.Background()
	since := s.JournalSeq()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: seedVSwitch})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.DeleteHaVip(ctx, h.ID); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	calls := len(journalSince(s, cred, "", since))
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
}

// ListHaVips reads every page with the filters applied by the service:
// values of a key ORed, keys ANDed, tags and resource group too.
func TestListHaVipsFilters(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 130, mockcloud.QuotaHaVipsPerVPC: 130}
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: "vsw-bp1seedvsw000000000002", VpcID: seedVPC, CIDR: "192.168.1.0/24"})
	s, cred, c := setup(t, mockcloud.Options{Fixtures: fx})
	var ids []string
	for i := 0; i < 120; i++ {
		in := CreateHaVipInput{VSwitchID: seedVSwitch, Tags: map[string]string{"n": fmt.Sprint(i % 3)}}
		if i%2 == 1 {
			in.VSwitchID = "vsw-bp1seedvsw000000000002"
		}
		ids = append(ids, mustCreate(t, c, in).ID)
	}
	all, err := c.ListHaVips(testCtx(t), HaVipQuery{})
	if err != nil || len(all) != 120 {
		t.Fatalf("all: %v, %d", err, len(all))
	}
	if n := len(journal(s, cred, "DescribeHaVips")); n < 3 {
		t.Fatalf("120 HaVips in %d pages", n)
	}
	odd, err := c.ListHaVips(testCtx(t), HaVipQuery{VSwitchIDs: []string{"vsw-bp1seedvsw000000000002"}, Tags: map[string]string{"n": "0"}})
	if err != nil || len(odd) != 20 { // odd i with i%3==0: 3, 9, …, 117
		t.Fatalf("vSwitch 2 and n=0: %v, %d", err, len(odd))
	}
	both, err := c.ListHaVips(testCtx(t), HaVipQuery{VSwitchIDs: []string{seedVSwitch, "vsw-bp1seedvsw000000000002"}, VpcIDs: []string{seedVPC}})
	if err != nil || len(both) != 120 {
		t.Fatalf("either vSwitch: %v, %d", err, len(both))
	}
	some, err := c.ListHaVips(testCtx(t), HaVipQuery{IDs: ids[:45], Statuses: []string{"Available"}})
	if err != nil || len(some) != 45 {
		t.Fatalf("45 IDs in chunks: %v, %d", err, len(some))
	}
	none, err := c.ListHaVips(testCtx(t), HaVipQuery{ResourceGroupID: "rg-other"})
	if err != nil || len(none) != 0 {
		t.Fatalf("another resource group: %v, %d", err, len(none))
	}
}
