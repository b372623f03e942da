package alicloud

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func TestClassify_ramDenials(t *testing.T) {
	for code, want := range map[string]Class{
		"Forbidden.RAM": ClassDenied, "NoPermission": ClassDenied, "Forbidden.NoPermission": ClassDenied,
		// Not RAM: the feature is not enabled, or the master is protected.
		"Forbidden.HaVip": ClassInvalid, "Forbidden.UnassociateMaster": ClassInvalid,
	} {
		if got := classify(code, 403); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
}

// ramUser registers a key on cred's account whose policy is doc, and a
// client that signs with it.
func ramUser(t *testing.T, s *mockcloud.Server, cred mockcloud.Credential, name, doc string) *Client {
	t.Helper()
	user, err := s.AddCredential(mockcloud.Credential{AccessKeyID: "LTAI5ramuser" + name,
		AccessKeySecret: "ramsecret", AccountID: cred.AccountID, Policy: json.RawMessage(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return newClient(t, testConfig(s, user))
}

func TestDenied_namesActionAndResourceAndIsNotRetried(t *testing.T) {
	s, cred, owner := setup(t, mockcloud.Options{})
	ctx := testCtx(t)
	vsw := mockcloud.SeedFixtures().VSwitches[0].ID
	h := mustCreate(t, owner, CreateHaVipInput{VSwitchID: vsw})
	c := ramUser(t, s, cred, "describer", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:Describe*","Resource":"*"}]}`)

	ecs1 := mockcloud.SeedFixtures().Instances[0].ID
	_, err := c.AssociateHaVip(ctx, h.ID, ecs1, MemberECS)
	e := Denial(err)
	if e == nil {
		t.Fatalf("want a RAM denial, got %v", err)
	}
	if e.Action != "vpc:AssociateHaVip" || e.Resource != "acs:vpc:"+s.Region()+":"+cred.AccountID+":havip/"+h.ID || e.ExplicitDeny || e.Code != "Forbidden.RAM" || e.RequestID == "" {
		t.Fatalf("denial = %+v", e)
	}
	msg := err.Error()
	if !strings.Contains(msg, "access denied to vpc:AssociateHaVip on acs:vpc:") || !strings.Contains(msg, "no statement of the credentials' RAM policy allows it") ||
		strings.Contains(msg, "SDK.ServerError") || strings.Contains(msg, "User not authorized") {
		t.Fatalf("message: %s", msg)
	}
	// A refusal is final: one call, no conflict retries, no waiter.
	if n := len(journal(s, cred, "AssociateHaVip")); n != 1 {
		t.Fatalf("AssociateHaVip sent %d times", n)
	}

	// A Deny statement is named as such.
	d := ramUser(t, s, cred, "noecs", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ecs:*","Resource":"*"}]}`)
	_, err = d.ReadInstance(ctx, ecs1)
	if e := Denial(err); e == nil || e.Action != "ecs:DescribeInstances" || !e.ExplicitDeny || !strings.Contains(err.Error(), "a Deny statement") {
		t.Fatalf("explicit deny: %v (%+v)", err, e)
	}
}
