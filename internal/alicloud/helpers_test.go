package alicloud

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

const (
	seedVSwitch = "vsw-bp1seedvsw000000000001"
	seedVPC     = "vpc-bp1seedvpc000000000001"
	seedECS1    = "i-bp1seedecs0000000000001"
	seedECS2    = "i-bp1seedecs0000000000002"
	seedEIP     = "eip-bp1seedeip000000000001"
)

func startMock(t testing.TB, opts mockcloud.Options) *mockcloud.Server {
	t.Helper()
	s, err := mockcloud.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newAccount(t testing.TB, s *mockcloud.Server) mockcloud.Credential {
	t.Helper()
	c, err := s.NewAccount()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testConfig points a client at the mock with waits short enough for a
// fast suite but long enough to exercise backoff.
func testConfig(s *mockcloud.Server, c mockcloud.Credential) Config {
	return Config{
		Region: s.Region(), AccessKey: c.AccessKeyID, SecretKey: c.AccessKeySecret,
		VPCEndpoint: s.Endpoint(), ECSEndpoint: s.Endpoint(), Protocol: "HTTP",
		MaxRetries: 4, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
		ReadTimeout: 10 * time.Second, PollMin: 10 * time.Millisecond, PollMax: 50 * time.Millisecond,
	}
}

// testCtx bounds every operation of a test, so that a regression that
// loops fails the test instead of hanging the suite.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// setup gives a test its own account on a shared-nothing mock.
func setup(t testing.TB, opts mockcloud.Options) (*mockcloud.Server, mockcloud.Credential, *Client) {
	t.Helper()
	s := startMock(t, opts)
	cred := newAccount(t, s)
	return s, cred, newClient(t, testConfig(s, cred))
}

// journal lists an account's requests. The mock journals a request
// before it answers, so a call that has returned is already listed.
func journal(s *mockcloud.Server, cred mockcloud.Credential, action string) []mockcloud.JournalEntry {
	return journalSince(s, cred, action, 0)
}

func journalSince(s *mockcloud.Server, cred mockcloud.Credential, action string, since int64) []mockcloud.JournalEntry {
	return s.Journal(mockcloud.JournalFilter{Account: cred.AccountID, Action: action, Since: since})
}

func journalFilter(s *mockcloud.Server, f mockcloud.JournalFilter) []mockcloud.JournalEntry {
	return s.Journal(f)
}

func addFault(t testing.TB, s *mockcloud.Server, r mockcloud.FaultRule) {
	t.Helper()
	if _, err := s.AddFault(r); err != nil {
		t.Fatal(err)
	}
}

func setTransition(t testing.TB, s *mockcloud.Server, cred mockcloud.Credential, kind string, describes int) {
	t.Helper()
	err := s.Apply(mockcloud.Event{Type: mockcloud.EventSetTransition, Account: cred.AccountID, Kind: kind,
		Transition: &mockcloud.Transition{Mode: "describes", Describes: describes}})
	if err != nil {
		t.Fatal(err)
	}
}

func mustCreate(t testing.TB, c *Client, in CreateHaVipInput) *HaVip {
	t.Helper()
	if in.VSwitchID == "" {
		in.VSwitchID = seedVSwitch
	}
	h, err := c.CreateHaVip(testCtx(t), in)
	if err != nil {
		t.Fatalf("CreateHaVip: %v", err)
	}
	return h
}

func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %T: %v", err, err)
	}
	return e
}

// sameToken asserts that every journaled attempt carried one ClientToken.
func sameToken(t testing.TB, entries []mockcloud.JournalEntry) string {
	t.Helper()
	if len(entries) == 0 {
		t.Fatal("no journal entries")
	}
	tok := entries[0].Params["ClientToken"]
	if tok == "" {
		t.Fatalf("first attempt carried no ClientToken: %+v", entries[0].Params)
	}
	for i, e := range entries {
		if got := e.Params["ClientToken"]; got != tok {
			t.Fatalf("attempt %d carried ClientToken %q, attempt 1 %q", i+1, got, tok)
		}
	}
	return tok
}

func describeEntries(entries []mockcloud.JournalEntry) string {
	s := ""
	for _, e := range entries {
		s += fmt.Sprintf("\n  %s status=%d code=%s fault=%s replayed=%t", e.Action, e.Status, e.Code, e.Fault, e.Replayed)
	}
	return s
}
