package alicloud

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// The documented V1 test vector (alibaba-sdk.md §12) pins the signer to
// the service's algorithm independently of the mock.
func TestSignV1Vector(t *testing.T) {
	v := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"}, "Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"},
	}
	if got, want := signV1("GET", v, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if got := percentEncode("a b*~+"); got != "a%20b%2A~%2B" {
		t.Fatalf("percentEncode: %s", got)
	}
}

// Throttling comes back as HTTP 400, which a stock retrying transport
// does not retry. Every retry must carry a new nonce: the mock, in strict
// signature mode, refuses a replayed one with SignatureNonceUsed.
func TestTransportRetriesThrottlingWithFreshSignature(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeHaVips", Count: 3,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}})
	if _, _, err := c.CountHaVips(context.Background(), ""); err != nil {
		t.Fatalf("CountHaVips after 3 throttles: %v", err)
	}
	entries := journal(s, cred, "DescribeHaVips")
	if len(entries) != 4 {
		t.Fatalf("want 4 attempts (3 throttled + 1), got %d:%s", len(entries), describeEntries(entries))
	}
	nonces := map[string]bool{}
	for i, e := range entries {
		n := e.Params["SignatureNonce"]
		if len(n) != 32 || nonces[n] {
			t.Fatalf("attempt %d: nonce %q is malformed or reused", i+1, n)
		}
		nonces[n] = true
		if e.Code == "SignatureNonceUsed" || e.Code == "SignatureDoesNotMatch" {
			t.Fatalf("attempt %d refused: %s", i+1, e.Code)
		}
	}
	for _, e := range entries[:3] {
		if e.Code != "Throttling.User" {
			t.Fatalf("want Throttling.User, got %s", e.Code)
		}
	}
	if entries[3].Status != 200 {
		t.Fatalf("last attempt status %d", entries[3].Status)
	}
}

func TestTransportRetries5xxAndDroppedConnections(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeHaVips", Count: 2,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable"}})
	if _, _, err := c.CountHaVips(context.Background(), ""); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	if n := len(journal(s, cred, "DescribeHaVips")); n != 3 {
		t.Fatalf("want 3 attempts, got %d", n)
	}

	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeVSwitchAttributes", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropBefore}})
	vsw, err := c.FreshVSwitch(context.Background(), seedVSwitch)
	if err != nil {
		t.Fatalf("after a dropped connection: %v", err)
	}
	if vsw.CIDR != "192.168.0.0/24" || vsw.VpcID != seedVPC {
		t.Fatalf("vSwitch %+v", vsw)
	}
	entries := journal(s, cred, "DescribeVSwitchAttributes")
	if len(entries) != 2 || entries[0].Status != 0 || entries[1].Status != 200 {
		t.Fatalf("want a dropped attempt then a good one:%s", describeEntries(entries))
	}
}

// When retries run out, the SDK must still see the last body, so the
// error carries the service's Code and the RequestId of that last answer.
func TestTransportExhaustedRetriesKeepLastAnswer(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	cfg := testConfig(s, cred)
	cfg.MaxRetries = 2
	c := newClient(t, cfg)
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeHaVips", Count: 100,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable", Message: "busy"}})
	_, err := c.ReadHaVip(context.Background(), "havip-whatever")
	e := asError(t, err)
	entries := journal(s, cred, "DescribeHaVips")
	if len(entries) != 3 {
		t.Fatalf("want 1+2 attempts, got %d", len(entries))
	}
	if e.Class != ClassTransient || e.Code != "ServiceUnavailable" || e.HTTPStatus != 503 {
		t.Fatalf("got class %s code %q status %d: %v", e.Class, e.Code, e.HTTPStatus, e)
	}
	if want := entries[len(entries)-1].RequestID; e.RequestID != want || want == "" {
		t.Fatalf("RequestID %q, want the last answer's %q", e.RequestID, want)
	}
	if !strings.Contains(e.Error(), "3 attempts") {
		t.Fatalf("error should say how many attempts: %v", e)
	}
}

// The SDK takes no context, but a cancelled operation must not sit out
// the transport's backoff.
func TestTransportHonoursContextDuringBackoff(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	cfg := testConfig(s, cred)
	// A backoff that ignored the context would sit out an hour and the
	// suite's timeout would fail the test; no clock is read here.
	cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.MaxRetries = time.Hour, time.Hour, 5
	c := newClient(t, cfg)
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeHaVips", Count: 100,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := c.CountHaVips(ctx, "")
	if !errors.Is(err, context.DeadlineExceeded) || ClassOf(err) != ClassTransient {
		t.Fatalf("want a transient deadline error, got class %s: %v", ClassOf(err), err)
	}
}

// STS credentials: the token rides along unchanged and retries still sign.
func TestSTSCredentialsRetry(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	cfg := testConfig(s, cred)
	cfg.SecurityToken = "CAIS-sts-token/with+odd=chars"
	c := newClient(t, cfg)
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "DescribeEipAddresses", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}})
	eip, err := c.ReadEIP(context.Background(), seedEIP)
	if err != nil {
		t.Fatal(err)
	}
	if eip.Status != "Available" {
		t.Fatalf("EIP %+v", eip)
	}
	entries := journal(s, cred, "DescribeEipAddresses")
	if len(entries) != 2 || entries[1].Params["SecurityToken"] == "" {
		t.Fatalf("want 2 attempts carrying the token:%s", describeEntries(entries))
	}
}

// A transport failure's *url.Error holds the whole signed URL; none of it
// may reach the error text or the logs.
func TestTransportErrorIsRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := Config{Region: "cn-hangzhou", AccessKey: "LTAI5tTESTKEYID0001", SecretKey: "sUpErSeCrEt+/=value",
		SecurityToken: "StsT0ken+/=secret", VPCEndpoint: addr, ECSEndpoint: addr, Protocol: "HTTP",
		MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SignIn(ctx); err != nil { // as the provider's Configure does
		t.Fatal(err)
	}
	_, err = c.ReadHaVip(ctx, "havip-x")
	e := asError(t, err)
	if e.Class != ClassTransient {
		t.Fatalf("class %s: %v", e.Class, e)
	}
	for _, text := range []string{err.Error(), errors.Unwrap(err).Error(), logs.String()} {
		for _, bad := range []string{"Signature=", "SecurityToken=", "sUpErSeCrEt", url.QueryEscape(cfg.SecretKey),
			"StsT0ken", "AccessKeyId=", "LTAI5tTESTKEYID0001"} {
			if strings.Contains(text, bad) {
				t.Fatalf("%q leaked into %q", bad, text)
			}
		}
	}
	if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "2 attempts") {
		t.Fatalf("the error should still say where and how often: %v", err)
	}
	if !strings.Contains(logs.String(), "LTAI****0001") {
		t.Fatalf("the masked AccessKeyId should be logged; logs:\n%s", logs.String())
	}
}

// Logging goes through tflog with the fields the brief asks for, and
// never carries secrets even when the gateway echoes the string to sign.
func TestLoggingFieldsWithoutSecrets(t *testing.T) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	cfg := testConfig(s, cred)
	cfg.SecretKey = "wrong-secret-value"
	cfg.SecurityToken = "sts-token-in-string-to-sign"
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c := newClient(t, cfg)
	_, err := c.ReadHaVip(ctx, "havip-x")
	if ClassOf(err) != ClassAuth {
		t.Fatalf("want auth error, got %v", err)
	}
	out := logs.String() + err.Error()
	for _, want := range []string{`"op":"DescribeHaVips"`, `"request_id"`, `"code":"SignatureDoesNotMatch"`, `"attempt"`} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("logs lack %s:\n%s", want, logs.String())
		}
	}
	for _, bad := range []string{"wrong-secret-value", "sts-token-in-string-to-sign", "Signature="} {
		if strings.Contains(out, bad) {
			t.Fatalf("%q leaked:\n%s", bad, out)
		}
	}
}
