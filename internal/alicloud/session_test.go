package alicloud

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func TestSession_expiredIsRenewedFromRefreshOnce(t *testing.T) {
	s, cred, _ := setup(t, mockcloud.Options{})
	one, err := s.AddCredential(mockcloud.Credential{AccessKeyID: "STS.one", AccessKeySecret: "s1", AccountID: cred.AccountID,
		SecurityToken: "tok-1", Expiration: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	two := mockcloud.Credential{AccessKeyID: "STS.two", AccessKeySecret: "s2", AccountID: cred.AccountID, SecurityToken: "tok-2", Expiration: time.Now().Add(time.Hour)}
	if _, err := s.AddCredential(two); err != nil {
		t.Fatal(err)
	}
	var source atomic.Value // what the profile holds
	source.Store(Credentials{AccessKey: one.AccessKeyID, SecretKey: "s1", SecurityToken: "tok-1"})
	var reads atomic.Int32
	cfg := testConfig(s, one)
	cfg.SecurityToken = one.SecurityToken
	cfg.Refresh = func(context.Context) (Credentials, error) {
		reads.Add(1)
		return source.Load().(Credentials), nil
	}
	c := newClient(t, cfg)
	ctx := testCtx(t)
	vsw := mockcloud.SeedFixtures().VSwitches[0].ID
	if _, err := c.DescribeVSwitch(ctx, vsw); err != nil {
		t.Fatal(err)
	}

	// Expired, and the source still holds the same session: the error
	// stands, after one read.
	if err := s.ExpireSession(one.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeVSwitch(ctx, vsw)
	if CodeOf(err) != codeSessionExpired || ClassOf(err) != ClassAuth || reads.Load() != 1 {
		t.Fatalf("with no newer session: %v (class %s, %d reads)", err, ClassOf(err), reads.Load())
	}

	// The source is renewed: the next call is sent again with it, and
	// later calls use it without reading again.
	source.Store(Credentials{AccessKey: two.AccessKeyID, SecretKey: "s2", SecurityToken: "tok-2"})
	h, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: vsw})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeHaVip(ctx, h.ID); err != nil || reads.Load() != 2 {
		t.Fatalf("after the renewal: %v, %d reads", err, reads.Load())
	}
	var created int
	for _, e := range journal(s, cred, "CreateHaVip") {
		if e.Committed {
			created++
			if e.AccessKeyID != two.AccessKeyID {
				t.Errorf("CreateHaVip committed with %s", e.AccessKeyID)
			}
		}
	}
	if created != 1 {
		t.Fatalf("%d HaVips created", created)
	}
}

func TestSession_staticCredentialsAreNotRefreshed(t *testing.T) {
	s, cred, _ := setup(t, mockcloud.Options{})
	one, err := s.AddCredential(mockcloud.Credential{AccessKeyID: "STS.static", AccessKeySecret: "s1", AccountID: cred.AccountID, SecurityToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(s, one)
	cfg.SecurityToken = "tok"
	c := newClient(t, cfg)
	if err := s.ExpireSession(one.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeVSwitch(testCtx(t), mockcloud.SeedFixtures().VSwitches[0].ID)
	if CodeOf(err) != codeSessionExpired {
		t.Fatalf("got %v", err)
	}
	if n := len(journal(s, cred, "DescribeVSwitchAttributes")); n != 1 {
		t.Fatalf("the refused call was sent %d times", n)
	}
}
