package mockcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// admin calls the admin HTTP API and decodes its JSON answer into out (if
// non-nil). It returns the status and the raw body.
func admin(t testing.TB, s *Server, method, path string, body any, out any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		must(t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL()+"/_mockcloud"+path, rd)
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(t, err)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	if resp.StatusCode >= 300 {
		var e map[string]string
		if err := json.Unmarshal(raw, &e); err != nil || e["error"] == "" {
			t.Fatalf("%s %s: admin error body is not {\"error\":…}: %s", method, path, raw)
		}
	}
	return resp.StatusCode, raw
}

func isServerError(err error) bool {
	var se *sdkerrors.ServerError
	return errors.As(err, &se)
}

// TestAdminHealthAndJournal: health, the journal with its filters and
// redaction, journal counts and clearing.
func TestAdminHealthAndJournal(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	c := s.Credentials()

	var health map[string]any
	if st, _ := admin(t, s, "GET", "/health", nil, &health); st != 200 || health["status"] != "ok" || health["endpoint"] != s.Endpoint() || health["region"] != rgHZ {
		t.Fatalf("health %d %v", st, health)
	}

	id := mkHaVip(t, vc, vswA1, "").HaVipId
	_, err := tryCreate(vc, vswA1, "192.168.0.255")
	serverErr(t, err, 400, "InvalidIPAddress.NotAvailable")
	listHaVips(t, vc, nil)
	// A raw call carrying a SecurityToken.
	v := signedValues(c, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}, "SecurityToken": {"sts-token-secret"}})
	if st, m := rawGet(t, s.URL()+"/?"+v.Encode()); st != 200 {
		t.Fatalf("call with SecurityToken: %d %v", st, m)
	}

	var all []JournalEntry
	_, raw := admin(t, s, "GET", "/journal", nil, &all)
	if len(all) != 4 {
		t.Fatalf("%d journal entries, want 4", len(all))
	}
	for _, secret := range []string{c.AccessKeySecret, "sts-token-secret", v.Get("Signature")} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("journal leaks %q", secret)
		}
	}
	for _, e := range all {
		if e.Params["Signature"] != "REDACTED" || e.AccessKeyID != c.AccessKeyID || e.Account != c.AccountID || e.RequestID == "" || e.Signature != "v1" {
			t.Fatalf("journal entry %+v", e)
		}
	}
	if last := all[3]; last.Params["SecurityToken"] != "REDACTED" || last.Action != "DescribeHaVips" || last.Mutating {
		t.Fatalf("SecurityToken not redacted: %+v", last)
	}
	first := all[0]
	if first.Action != "CreateHaVip" || first.Product != "Vpc" || first.Version != vpcVersion || !first.Mutating || first.Status != 200 || first.Params["VSwitchId"] != vswA1 {
		t.Fatalf("first entry %+v", first)
	}
	if all[1].Code != "InvalidIPAddress.NotAvailable" || all[1].Status != 400 {
		t.Fatalf("refused create journaled as %+v", all[1])
	}

	var sel []JournalEntry
	admin(t, s, "GET", "/journal?action=CreateHaVip", nil, &sel)
	if len(sel) != 2 {
		t.Fatalf("action filter: %d", len(sel))
	}
	admin(t, s, "GET", "/journal?code=InvalidIPAddress.NotAvailable", nil, &sel)
	if len(sel) != 1 {
		t.Fatalf("code filter: %d", len(sel))
	}
	admin(t, s, "GET", "/journal?mutating=true", nil, &sel)
	if len(sel) != 2 {
		t.Fatalf("mutating filter: %d", len(sel))
	}
	admin(t, s, "GET", fmt.Sprintf("/journal?since=%d", all[1].Seq), nil, &sel)
	if len(sel) != 2 || sel[0].Seq != all[2].Seq {
		t.Fatalf("since filter: %+v", sel)
	}
	admin(t, s, "GET", "/journal?account="+c.AccessKeyID, nil, &sel)
	if len(sel) != 4 {
		t.Fatalf("account filter by AccessKeyId: %d", len(sel))
	}
	if st, _ := admin(t, s, "GET", "/journal?account=nobody", nil, nil); st != 404 {
		t.Fatalf("unknown account: %d", st)
	}
	if st, _ := admin(t, s, "GET", "/journal?since=abc", nil, nil); st != 400 {
		t.Fatalf("bad since: %d", st)
	}

	var counts map[string]int
	admin(t, s, "GET", "/journal/counts", nil, &counts)
	if counts["CreateHaVip"] != 2 || counts["DescribeHaVips"] != 2 || len(counts) != 2 {
		t.Fatalf("counts %v", counts)
	}
	admin(t, s, "GET", "/journal/counts?account="+c.AccountID, nil, &counts)
	if counts["CreateHaVip"] != 2 {
		t.Fatalf("counts by account %v", counts)
	}
	if st, _ := admin(t, s, "DELETE", "/journal", nil, nil); st != 200 {
		t.Fatal("DELETE /journal")
	}
	sel, counts = nil, nil // Unmarshal merges into a non-nil map
	admin(t, s, "GET", "/journal", nil, &sel)
	admin(t, s, "GET", "/journal/counts", nil, &counts)
	if len(sel) != 0 || len(counts) != 0 {
		t.Fatalf("after clearing: %d entries, counts %v", len(sel), counts)
	}
	if st, _ := admin(t, s, "GET", "/nothing-here", nil, nil); st != 404 {
		t.Fatalf("unknown admin route: %d", st)
	}
	if st, _ := admin(t, s, "PATCH", "/health", nil, nil); st != 404 {
		t.Fatalf("wrong method on an admin route: %d", st)
	}
	_ = id
}

// TestAdminFaults: fault CRUD over HTTP, a count-based throttle, an
// injected 5xx and a conflict.
func TestAdminFaults(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)

	var added map[string]string
	st, _ := admin(t, s, "POST", "/faults", map[string]any{"action": "CreateHaVip", "count": 2, "effect": map[string]any{"type": "throttle"}}, &added)
	if st != 200 || added["id"] == "" {
		t.Fatalf("POST /faults: %d %v", st, added)
	}
	var rules []FaultRule
	admin(t, s, "GET", "/faults", nil, &rules)
	if len(rules) != 1 || rules[0].ID != added["id"] || rules[0].Action != "CreateHaVip" || rules[0].Count != 2 {
		t.Fatalf("GET /faults %+v", rules)
	}

	// DescribeHaVips is not matched by the rule.
	listHaVips(t, vc, nil)
	for i := 0; i < 2; i++ {
		_, err := tryCreate(vc, vswA1, "")
		serverErr(t, err, 400, "Throttling.User")
	}
	if n := len(listHaVips(t, vc, nil)); n != 0 {
		t.Fatalf("a throttled create created %d HaVips", n)
	}
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	admin(t, s, "GET", "/faults", nil, &rules)
	if rules[0].Fired != 2 || rules[0].Matched != 2 {
		t.Fatalf("rule counters %+v", rules[0])
	}
	if j := s.Journal(JournalFilter{Code: "Throttling.User"}); len(j) != 2 || !strings.HasPrefix(j[0].Fault, added["id"]) {
		t.Fatalf("journal of throttled calls: %+v", j)
	}
	if st, _ := admin(t, s, "DELETE", "/faults/"+added["id"], nil, nil); st != 200 {
		t.Fatal("DELETE /faults/{id}")
	}
	if st, _ := admin(t, s, "DELETE", "/faults/"+added["id"], nil, nil); st != 404 {
		t.Fatal("deleting a deleted rule")
	}

	// Invalid rules are refused.
	for _, bad := range []string{
		`{"action":"CreateHaVip","count":1,"probability":0.5,"effect":{"type":"throttle"}}`,
		`{"action":"CreateHaVip","effect":{"type":"throttle"}}`,
		`{"count":1,"effect":{"type":"error","status":200,"code":"X"}}`,
		`{"count":1,"effect":{"type":"teleport"}}`,
		`{"count":1,"product":"Oss","effect":{"type":"throttle"}}`,
		`{"count":1,"effect":{"type":"throttle"},"colour":"blue"}`,
		`not json`,
	} {
		if st, _ := admin(t, s, "POST", "/faults", bad, nil); st != 400 {
			t.Fatalf("rule %s: %d", bad, st)
		}
	}

	// An injected 5xx keeps the envelope; a resource-scoped conflict only
	// hits the named HaVip.
	_, err := s.AddFault(FaultRule{Product: "Vpc", Action: "*", Count: 1, Effect: FaultEffect{Type: FaultError, Status: 503, Code: "ServiceUnavailable"}})
	must(t, err)
	_, err = vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, 503, "ServiceUnavailable")
	other := mkHaVip(t, vc, vswA1, "").HaVipId
	_, err = s.AddFault(FaultRule{Action: "DeleteHaVip", Resource: id, Count: 1, Effect: FaultEffect{Type: FaultConflict}})
	must(t, err)
	must(t, delHaVip(vc, other))
	serverErr(t, delHaVip(vc, id), 400, "IncorrectStatus")
	must(t, delHaVip(vc, id))
	// Ecs-only rule does not touch Vpc.
	_, err = s.AddFault(FaultRule{Product: "Ecs", Count: 5, Effect: FaultEffect{Type: FaultThrottle}})
	must(t, err)
	mkHaVip(t, vc, vswA1, "")

	if st, _ := admin(t, s, "DELETE", "/faults", nil, nil); st != 200 {
		t.Fatal("DELETE /faults")
	}
	admin(t, s, "GET", "/faults", nil, &rules)
	if len(rules) != 0 {
		t.Fatalf("%d rules after clearing", len(rules))
	}
}

// TestAdminFaultDrops: drop_after commits then drops the connection; a
// retry with the same ClientToken gets the same HaVip; drop_before commits
// nothing.
func TestAdminFaultDrops(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	st, _ := admin(t, s, "POST", "/faults", map[string]any{"action": "CreateHaVip", "count": 1, "effect": map[string]any{"type": "drop_after"}}, nil)
	if st != 200 {
		t.Fatal("POST /faults drop_after")
	}
	create := func(token string) (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.ClientToken = token
		return vc.CreateHaVip(req)
	}
	_, err := create("drop-tok")
	if err == nil || isServerError(err) {
		t.Fatalf("drop_after: want a transport error, got %v", err)
	}
	got := listHaVips(t, vc, nil)
	if len(got) != 1 {
		t.Fatalf("drop_after committed %d HaVips, want 1", len(got))
	}
	again, err := create("drop-tok")
	must(t, err)
	if again.HaVipId != got[0].HaVipId || again.IpAddress != got[0].IpAddress {
		t.Fatalf("retry with the token answered %s, the dropped call created %s", again.HaVipId, got[0].HaVipId)
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("retry created another HaVip (%d)", n)
	}
	var j []JournalEntry
	admin(t, s, "GET", "/journal?action=CreateHaVip", nil, &j)
	if len(j) != 2 || j[0].Status != 0 || !strings.Contains(j[0].Fault, "drop_after") || j[0].Replayed || !j[1].Replayed || j[1].Status != 200 {
		t.Fatalf("journal of drop + replay: %+v", j)
	}

	// drop_before: the call errors and nothing is created.
	_, err = s.AddFault(FaultRule{Action: "CreateHaVip", Count: 1, Effect: FaultEffect{Type: FaultDropBefore}})
	must(t, err)
	_, err = create("drop-before-tok")
	if err == nil || isServerError(err) {
		t.Fatalf("drop_before: want a transport error, got %v", err)
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("drop_before committed something (%d HaVips)", n)
	}
	second, err := create("drop-before-tok")
	must(t, err)
	if second.HaVipId == got[0].HaVipId {
		t.Fatal("drop_before token replayed an old answer")
	}

	// latency: served late, but served.
	_, err = s.AddFault(FaultRule{Action: "DescribeHaVips", Count: 1, Effect: FaultEffect{Type: FaultLatency, Latency: Duration(150 * time.Millisecond)}})
	must(t, err)
	start := time.Now()
	listHaVips(t, vc, nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("latency fault took only %s", d)
	}
}

// TestAdminEventsResetAccountsClock: events, reset, accounts and clock over
// HTTP.
func TestAdminEventsResetAccountsClock(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	mkHaVip(t, vc, vswA1, "")
	if st, _ := admin(t, s, "POST", "/events", Event{Type: EventSetQuota, Quota: QuotaHaVipsPerAccount, Value: 1}, nil); st != 200 {
		t.Fatal("set_quota event")
	}
	_, err := tryCreate(vc, vswA1, "")
	serverErr(t, err, 400, "QuotaExceeded.HaVip")
	for _, bad := range []string{
		`{"type":"set_quota","quota":"nope","value":1}`,
		`{"type":"delete_instance","instance_id":"i-none"}`,
		`{"type":"warp"}`,
		`{"type":"set_quota","quota":"havips_per_vpc","value":-1}`,
		`{"type":"set_quota","unknown_field":1}`,
		`{"type":"set_transition","kind":"havip","transition":{"mode":"delay"}}`,
	} {
		if st, _ := admin(t, s, "POST", "/events", bad, nil); st != 400 {
			t.Fatalf("event %s: %d", bad, st)
		}
	}
	id := listHaVips(t, vc, nil)[0].HaVipId
	must(t, associate(vc, id, ecs1, ""))
	if st, _ := admin(t, s, "POST", "/events", map[string]any{"type": "set_master", "havip_id": id, "instance_id": ecs1}, nil); st != 200 {
		t.Fatal("set_master event")
	}
	if h := haVip(t, vc, id); h.MasterInstanceId != ecs1 {
		t.Fatalf("master %q", h.MasterInstanceId)
	}
	if st, _ := admin(t, s, "POST", "/events", map[string]any{"type": "delete_instance", "instance_id": ecs1}, nil); st != 200 {
		t.Fatal("delete_instance event")
	}
	if h := haVip(t, vc, id); h.MasterInstanceId != "" || len(h.AssociatedInstances.AssociatedInstance) != 0 {
		t.Fatalf("after delete_instance: %+v", h)
	}

	// Accounts.
	var c2 Credential
	if st, _ := admin(t, s, "POST", "/accounts", nil, &c2); st != 200 || c2.AccessKeyID == "" || c2.AccessKeySecret == "" {
		t.Fatalf("POST /accounts: %+v", c2)
	}
	var accts []Credential
	admin(t, s, "GET", "/accounts", nil, &accts)
	if len(accts) != 2 {
		t.Fatalf("%d accounts", len(accts))
	}
	vc2, _ := clients(t, s, c2)
	mkHaVip(t, vc2, vswA1, "")

	// Reset one account, then all.
	if st, _ := admin(t, s, "POST", "/reset?account="+c2.AccessKeyID, nil, nil); st != 200 {
		t.Fatal("reset one account")
	}
	if len(listHaVips(t, vc2, nil)) != 0 || len(listHaVips(t, vc, nil)) != 1 {
		t.Fatal("reset of one account touched the wrong account")
	}
	if st, _ := admin(t, s, "POST", "/reset?account=nobody", nil, nil); st != 400 {
		t.Fatal("reset of an unknown account")
	}
	if st, _ := admin(t, s, "POST", "/reset", nil, nil); st != 200 {
		t.Fatal("reset")
	}
	if n := len(listHaVips(t, vc, nil)); n != 0 {
		t.Fatalf("%d HaVips after reset", n)
	}
	// Reset restores the fixtures: the deleted instance and the quota.
	if instances := instanceCount(t, mustEcs(t, s), ecs1); instances != 1 {
		t.Fatal("reset did not bring back the deleted instance")
	}
	mkHaVip(t, vc, vswA1, "")
	mkHaVip(t, vc, vswA1, "")

	// Clock.
	var clock map[string]string
	if st, _ := admin(t, s, "PUT", "/clock", `{"offset":"5m"}`, &clock); st != 200 {
		t.Fatal("PUT /clock")
	}
	admin(t, s, "GET", "/clock", nil, &clock)
	if clock["offset"] != "5m0s" {
		t.Fatalf("clock %v", clock)
	}
	if st, _ := admin(t, s, "PUT", "/clock", `{"offset":"soon"}`, nil); st != 400 {
		t.Fatal("bad clock offset accepted")
	}
	if st, _ := admin(t, s, "PUT", "/clock", `{"offset":"20m"}`, nil); st != 200 {
		t.Fatal("PUT /clock 20m")
	}
	_, err = vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, 400, "InvalidTimeStamp.Expired")
}

// TestAdminFixturesLoad: PUT /fixtures replaces the world; a bad file
// changes nothing.
func TestAdminFixturesLoad(t *testing.T) {
	t.Parallel()
	s := testServer(t, Options{})
	vc, _ := clients(t, s, s.Credentials())
	mkHaVip(t, vc, SeedFixtures().VSwitches[0].ID, "")
	b, err := json.Marshal(richFixtures())
	must(t, err)
	if st, _ := admin(t, s, "PUT", "/fixtures", b, nil); st != 200 {
		t.Fatal("PUT /fixtures")
	}
	if n := len(listHaVips(t, vc, nil)); n != 0 {
		t.Fatalf("%d HaVips survived a fixtures load", n)
	}
	mkHaVip(t, vc, vswA2, "")
	for _, bad := range []string{
		`{"version":1,"regions":["cn-hangzhou"],"vpcs":[{"cidr":"nope"}]}`,
		`{"version":2,"regions":["cn-hangzhou"]}`,
		`{"version":1,"regions":["cn-hangzhou"],"vpc":[]}`,
		`{"version":1,"regions":[],"vpcs":[]}`,
	} {
		if st, _ := admin(t, s, "PUT", "/fixtures", bad, nil); st != 400 {
			t.Fatalf("fixtures %s: %d", bad, st)
		}
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("a refused fixtures load changed state (%d HaVips)", n)
	}
}

// TestDumpRestore: GET /state, restore into a new server, identical state
// and identical IDs from then on; version 99 is refused.
func TestDumpRestore(t *testing.T) {
	t.Parallel()
	a, vca, _ := richServer(t, func(o *Options) { o.Seed = 11 })
	c2, err := a.NewAccount()
	must(t, err)
	h1 := mkHaVip(t, vca, vswA1, "").HaVipId
	creq := vpc.CreateCreateHaVipRequest()
	creq.VSwitchId = vswA2
	creq.Name = "tagged"
	creq.ClientToken = "dump-tok"
	creq.Tag = &[]vpc.CreateHaVipTag{{Key: "env", Value: "prod"}}
	cr, err := vca.CreateHaVip(creq)
	must(t, err)
	must(t, associate(vca, h1, ecs1, ""))
	must(t, associate(vca, h1, ecs2, ""))
	must(t, a.SetMaster("", h1, ecs2))
	must(t, assocEip(vca, eipHZ1, h1, "HaVip"))
	must(t, a.SetQuota("", QuotaMembersPerHaVip, 2))
	vca2, _ := clients(t, a, c2)
	mkHaVip(t, vca2, vswB1, "")

	st, dump := admin(t, a, "GET", "/state", nil, nil)
	if st != 200 {
		t.Fatal("GET /state")
	}
	var probe map[string]any
	must(t, json.Unmarshal(dump, &probe))
	if probe["format"] != "mockcloud-state" || probe["version"] != float64(1) {
		t.Fatalf("dump header %v %v", probe["format"], probe["version"])
	}

	b, err := New(Options{Seed: 11})
	must(t, err)
	must(t, b.Restore(dump))
	must(t, b.Listen())
	t.Cleanup(func() { b.Close() })
	vcb, _ := clients(t, b, b.Credentials())
	if bc, ac := b.Credentials(), a.Credentials(); bc.AccessKeyID != ac.AccessKeyID || bc.AccessKeySecret != ac.AccessKeySecret || bc.AccountID != ac.AccountID {
		t.Fatal("restored default credential differs")
	}

	norm := func(hs []vpc.HaVip) string {
		j, _ := json.Marshal(hs)
		return string(j)
	}
	ha, hb := listHaVips(t, vca, nil), listHaVips(t, vcb, nil)
	if norm(ha) != norm(hb) || len(hb) != 2 {
		t.Fatalf("restored HaVips differ:\n%s\n%s", norm(ha), norm(hb))
	}
	if h := haVip(t, vcb, h1); h.MasterInstanceId != ecs2 || len(h.AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
		t.Fatalf("restored HaVip %+v", h)
	}
	vcb2, _ := clients(t, b, c2)
	if n := len(listHaVips(t, vcb2, nil)); n != 1 {
		t.Fatalf("second account restored with %d HaVips", n)
	}
	// Deterministic IDs continue identically on both.
	for i := 0; i < 3; i++ {
		ra, rb := mkHaVip(t, vca, vswA1, ""), mkHaVip(t, vcb, vswA1, "")
		if ra.HaVipId != rb.HaVipId || ra.IpAddress != rb.IpAddress {
			t.Fatalf("after restore: %s/%s vs %s/%s", ra.HaVipId, ra.IpAddress, rb.HaVipId, rb.IpAddress)
		}
	}
	// ClientTokens, quotas and rules survive.
	creq2 := vpc.CreateCreateHaVipRequest()
	creq2.VSwitchId = vswA2
	creq2.Name = "tagged"
	creq2.ClientToken = "dump-tok"
	creq2.Tag = &[]vpc.CreateHaVipTag{{Key: "env", Value: "prod"}}
	rb, err := vcb.CreateHaVip(creq2)
	must(t, err)
	if rb.HaVipId != cr.HaVipId {
		t.Fatalf("restored token answered %s, want %s", rb.HaVipId, cr.HaVipId)
	}
	serverErr(t, associate(vcb, h1, ecsStopped, ""), 400, "CountLimitExceeded.HaVipOnECSInstance") // restored quota of 2
	serverErr(t, associate(vcb, cr.HaVipId, ecsPending, ""), 400, "IncorrectInstanceStatus")       // restored instance status

	// Refusals leave the server as it was.
	bad := bytes.Replace(dump, []byte(`"version": 1`), []byte(`"version": 99`), 1)
	if bytes.Equal(bad, dump) {
		t.Fatal("could not rewrite the version")
	}
	if err := b.Restore(bad); err == nil || !strings.Contains(err.Error(), "99") {
		t.Fatalf("version 99 restored: %v", err)
	}
	if st, _ := admin(t, b, "PUT", "/state", bad, nil); st != 400 {
		t.Fatalf("PUT /state version 99: %d", st)
	}
	for _, junk := range []string{`{}`, `{"format":"other","version":1}`, `not json`, `{"format":"mockcloud-state","version":1,"fixtures":{"regions":["x"]},"accounts":[]}`} {
		if err := b.Restore([]byte(junk)); err == nil {
			t.Fatalf("restored %s", junk)
		}
	}
	if n := len(listHaVips(t, vcb, nil)); n != 5 {
		t.Fatalf("refused restores changed state: %d HaVips", n)
	}
	// PUT /state with a good dump rolls back.
	if st, _ := admin(t, b, "PUT", "/state", dump, nil); st != 200 {
		t.Fatal("PUT /state")
	}
	if n := len(listHaVips(t, vcb, nil)); n != 2 {
		t.Fatalf("after rollback: %d HaVips", n)
	}
}

func mustEcs(t testing.TB, s *Server) *ecs.Client {
	t.Helper()
	_, ec := clients(t, s, s.Credentials())
	return ec
}
