package alicloud

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// An StsToken profile whose session expired is read again: whatever
// renews it (aliyun sts assume-role, a credentials helper) rewrites the
// file, and the refused call is sent again, once, with the new session.
func TestSession_expiredProfileIsReadAgain(t *testing.T) {
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
	file := filepath.Join(t.TempDir(), "config.json")
	writeProfile := func(c mockcloud.Credential) {
		b := fmt.Sprintf(`{"current":"ci","profiles":[{"name":"ci","mode":"StsToken","access_key_id":%q,"access_key_secret":%q,"sts_token":%q}]}`,
			c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
		if err := os.WriteFile(file, []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeProfile(one)
	src, err := SignIn{Profile: "ci", ProfileFile: file, ProfileExplicit: true}.Source()
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(s, cred)
	cfg.AccessKey, cfg.SecretKey, cfg.Credentials = "", "", src
	c := newClient(t, cfg)
	ctx := testCtx(t)
	vsw := mockcloud.SeedFixtures().VSwitches[0].ID
	if _, err := c.FreshVSwitch(ctx, vsw); err != nil {
		t.Fatal(err)
	}

	// Expired, and the file still holds the same session: the error
	// stands, and the call was sent once.
	if err := s.ExpireSession(one.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	_, err = c.FreshVSwitch(ctx, vsw)
	if CodeOf(err) != codeSessionExpired || ClassOf(err) != ClassAuth {
		t.Fatalf("with no newer session: %v (class %s)", err, ClassOf(err))
	}

	// The file is rewritten: the next call is refused once, then sent
	// again with the new session, and later calls use it.
	writeProfile(two)
	h, err := c.CreateHaVip(ctx, CreateHaVipInput{VSwitchID: vsw})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadHaVip(ctx, h.ID); err != nil {
		t.Fatalf("after the renewal: %v", err)
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
	_, err = c.FreshVSwitch(testCtx(t), mockcloud.SeedFixtures().VSwitches[0].ID)
	if CodeOf(err) != codeSessionExpired {
		t.Fatalf("got %v", err)
	}
	if n := len(journal(s, cred, "DescribeVSwitchAttributes")); n != 1 {
		t.Fatalf("the refused call was sent %d times", n)
	}
}
