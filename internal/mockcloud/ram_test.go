package mockcloud

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

func TestRAMResources_everyActionHasAnEntry(t *testing.T) {
	for version, actions := range apiMeta {
		for name, meta := range actions {
			if meta.Product == stsProduct && stsAuthorizesItself[name] {
				continue // actions_sts.go decides what these need
			}
			tmpls, ok := ramResources[name]
			if !ok {
				t.Errorf("%s %s has no entry in ramResources (ram.go): add the ARNs RAM authorises it on", name, version)
				continue
			}
			for _, tmpl := range tmpls {
				if err := checkResourcePattern(strings.NewReplacer("{", "", "}", "").Replace(tmpl)); err != nil {
					t.Errorf("%s: template %q: %v", name, tmpl, err)
				}
			}
		}
	}
}

func TestRAMResourcesOf(t *testing.T) {
	p := &params{scalars: map[string]string{"HaVipId": "havip-1", "VSwitchId": "vsw-1", "ResourceType": "HAVIP"},
		lists: map[string][]listItem{"ResourceId": {{index: 1, value: "havip-1"}, {index: 2, value: "havip-2"}}}}
	cases := []struct {
		action string
		p      *params
		want   []string
	}{
		{"CreateHaVip", p, []string{"acs:vpc:cn-hangzhou:42:havip/*", "acs:vpc:cn-hangzhou:42:vswitch/vsw-1"}},
		{"AssociateHaVip", p, []string{"acs:vpc:cn-hangzhou:42:havip/havip-1"}},
		{"DescribeHaVips", p, []string{"*"}},
		{"TagResources", p, []string{"acs:vpc:cn-hangzhou:42:havip/havip-1", "acs:vpc:cn-hangzhou:42:havip/havip-2"}},
		// A parameter the request leaves out is "*".
		{"AssociateEipAddress", p, []string{"acs:vpc:cn-hangzhou:42:eip/*"}},
		{"UnTagResources", &params{scalars: map[string]string{}}, []string{"acs:vpc:cn-hangzhou:42:*/*"}},
		{"NoSuchAction", p, []string{"*"}},
	}
	for _, c := range cases {
		if got := ramResourcesOf(c.action, c.p, "cn-hangzhou", "42"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.action, got, c.want)
		}
	}
}

// ramServer is a mock with the default (full-access) key and a RAM user
// whose policy is doc.
func ramServer(t *testing.T, doc string) (*Server, Credential, Credential) {
	t.Helper()
	s := testServer(t, Options{})
	owner := s.Credentials()
	user, err := s.AddCredential(Credential{AccessKeyID: "LTAI5ramuser0000000001", AccessKeySecret: "ramsecret", AccountID: owner.AccountID, Policy: json.RawMessage(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return s, owner, user
}

const havipOperator = `{"Version":"1","Statement":[
	{"Effect":"Allow","Action":["vpc:DescribeHaVips","vpc:DescribeVSwitchAttributes"],"Resource":"*"},
	{"Effect":"Allow","Action":"vpc:*HaVip*","Resource":["acs:vpc:*:*:havip/*","acs:vpc:*:*:vswitch/*"]}]}`

func TestRAM_allowedAndDeniedCalls(t *testing.T) {
	s, owner, user := ramServer(t, havipOperator)
	vc, ec := clients(t, s, user)
	vsw := SeedFixtures().VSwitches[0].ID
	h := mkHaVip(t, vc, vsw, "192.168.0.24") // vpc:CreateHaVip on havip/* and the vSwitch
	if got := listHaVips(t, vc, nil); len(got) != 1 {
		t.Fatalf("DescribeHaVips: %d HaVips", len(got))
	}

	// Not in the policy: ECS describes and the EIP association.
	_, err := ec.DescribeInstances(ecs.CreateDescribeInstancesRequest())
	se := serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
	if !strings.Contains(se.Message(), "ecs:DescribeInstances") || !strings.Contains(se.Message(), "Resource: *") {
		t.Errorf("the message does not name the action and resource: %s", se.Message())
	}
	d := se.AccessDeniedDetail()
	if d["AuthAction"] != "ecs:DescribeInstances" || d["NoPermissionType"] != "ImplicitDeny" || d["AuthPrincipalType"] != "SubUser" || d["AuthPrincipalOwnerId"] != owner.AccountID {
		t.Errorf("AccessDeniedDetail = %v", d)
	}
	diag, err := base64.StdEncoding.DecodeString(d["EncodedDiagnosticMessage"].(string))
	if err != nil || !bytes.Contains(diag, []byte(`"Resource":"*"`)) {
		t.Errorf("EncodedDiagnosticMessage %q: %v", diag, err)
	}
	eip := SeedFixtures().EIPs[0].ID
	err = assocEip(vc, eip, h.HaVipId, "HaVip")
	se = serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
	if !strings.Contains(se.Message(), "vpc:AssociateEipAddress") || !strings.Contains(se.Message(), "eip/"+eip) {
		t.Errorf("message: %s", se.Message())
	}

	// The refused calls changed nothing and were journalled as 403s.
	denied := s.Journal(JournalFilter{Code: "Forbidden.RAM"})
	if len(denied) != 2 || denied[1].Committed || denied[1].Status != 403 || denied[1].AccessKeyID != user.AccessKeyID {
		t.Fatalf("journal of denials: %+v", denied)
	}
	ovc, _ := clients(t, s, owner)
	if got := haVip(t, ovc, h.HaVipId); len(got.AssociatedEipAddresses.AssociatedEipAddresse) != 0 {
		t.Fatalf("a denied association bound the EIP: %+v", got)
	}
	// The owner's key has no policy: everything, as before RAM.
	must(t, assocEip(ovc, eip, h.HaVipId, "HaVip"))
}

func TestRAM_explicitDenyOverridesAllow(t *testing.T) {
	s, _, user := ramServer(t, `{"Version":"1","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*"},
		{"Effect":"Deny","Action":"vpc:DeleteHaVip","Resource":"acs:vpc:*:*:havip/*"}]}`)
	vc, _ := clients(t, s, user)
	h := mkHaVip(t, vc, SeedFixtures().VSwitches[0].ID, "")
	se := serverErr(t, delHaVip(vc, h.HaVipId), http.StatusForbidden, "Forbidden.RAM")
	if se.AccessDeniedDetail()["NoPermissionType"] != "ExplicitDeny" || !strings.Contains(se.Message(), "havip/"+h.HaVipId) {
		t.Fatalf("denial: %s %v", se.Message(), se.AccessDeniedDetail())
	}
	if len(listHaVips(t, vc, nil)) != 1 {
		t.Fatal("the denied delete removed the HaVip")
	}
	// Lifting the Deny through the Go API lets the delete through.
	must(t, s.SetPolicy(user.AccessKeyID, []byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)))
	must(t, delHaVip(vc, h.HaVipId))
}

func TestRAM_policyByAdminAPIAndFixtures(t *testing.T) {
	fx := SeedFixtures()
	fx.Credentials = []Credential{{AccessKeyID: "LTAI5fixtureuser000001", AccessKeySecret: "fxsecret", AccountID: "1111222233334444",
		Policy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:Describe*","Resource":"*"}]}`)}}
	s := testServer(t, Options{Fixtures: fx})
	fxUser := fx.Credentials[0]
	vc, _ := clients(t, s, fxUser)
	listHaVips(t, vc, nil)
	_, err := tryCreate(vc, fx.VSwitches[0].ID, "")
	serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")

	admin := func(method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, s.URL()+AdminPrefix+path, strings.NewReader(body))
		st, m, _ := rawDo(t, req)
		return st, m
	}
	// A policy the mock cannot evaluate is refused, and the old one stays.
	st, m := admin(http.MethodPut, "credentials/"+fxUser.AccessKeyID+"/policy",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}`)
	if st != 400 || !strings.Contains(m["error"].(string), "Condition is not supported") {
		t.Fatalf("policy with a Condition: %d %v", st, m)
	}
	_, err = tryCreate(vc, fx.VSwitches[0].ID, "")
	serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
	// DELETE removes the policy: full access.
	if st, m := admin(http.MethodDelete, "credentials/"+fxUser.AccessKeyID+"/policy", ""); st != 200 {
		t.Fatalf("DELETE policy: %d %v", st, m)
	}
	mkHaVip(t, vc, fx.VSwitches[0].ID, "")

	// A new RAM user over HTTP, with its policy.
	st, m = admin(http.MethodPost, "credentials", `{"access_key_id":"LTAI5httpuser000000001","access_key_secret":"s3","account_id":"1111222233334444",
		"policy":{"Version":"1","Statement":[{"Effect":"Deny","Action":"vpc:*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}}`)
	if st != 200 {
		t.Fatalf("POST credentials: %d %v", st, m)
	}
	hvc, _ := clients(t, s, Credential{AccessKeyID: "LTAI5httpuser000000001", AccessKeySecret: "s3"})
	_, err = hvc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
	if st, _ := admin(http.MethodPost, "credentials", `{"access_key_id":"LTAI5bad","access_key_secret":"x","policy":{"Version":"1"}}`); st != 400 {
		t.Fatalf("a credential with an empty policy was accepted: %d", st)
	}
	// A fixture file with a bad policy is refused as a whole.
	bad := SeedFixtures()
	bad.Credentials = []Credential{{AccessKeyID: "LTAI5x", AccessKeySecret: "x", Policy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","NotAction":"vpc:*","Resource":"*"}]}`)}}
	if err := s.LoadFixtures(bad); err == nil || !strings.Contains(err.Error(), "NotAction") {
		t.Fatalf("LoadFixtures with a NotAction policy: %v", err)
	}
	if _, err := New(Options{Fixtures: bad}); err == nil {
		t.Fatal("New accepted fixtures with a NotAction policy")
	}
}

func TestRAM_policySurvivesDumpAndRestore(t *testing.T) {
	s, _, user := ramServer(t, havipOperator)
	dump, err := s.Dump()
	must(t, err)
	b := testServer(t, Options{Seed: 3})
	must(t, b.Restore(dump))
	_, ec := clients(t, b, user)
	_, err = ec.DescribeInstances(ecs.CreateDescribeInstancesRequest())
	serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
}

// stsClient signs with an STS session, as the provider does with a
// security token.
func stsClient(t *testing.T, s *Server, c Credential, token string) *vpc.Client {
	t.Helper()
	sdkInit.Lock()
	defer sdkInit.Unlock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, credentials.NewStaticSTSCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, token))
	if err != nil {
		t.Fatal(err)
	}
	vc.Domain = s.Endpoint()
	return vc
}

func TestSTS_sessionTokenAndExpiry(t *testing.T) {
	s := testServer(t, Options{})
	owner := s.Credentials()
	sess, err := s.AddCredential(Credential{AccessKeyID: "STS.NUgYrLnoC37mZZCNnAbez2", AccessKeySecret: "stssecret", AccountID: owner.AccountID,
		SecurityToken: "CAIS-session-1", Expiration: time.Now().Add(time.Hour),
		Policy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:DescribeHaVips","Resource":"*"}]}`)})
	must(t, err)
	req := vpc.CreateDescribeHaVipsRequest()
	if _, err := stsClient(t, s, sess, "CAIS-session-1").DescribeHaVips(req); err != nil {
		t.Fatal(err)
	}
	// The session's policy applies, naming an assumed role.
	_, err = stsClient(t, s, sess, "CAIS-session-1").DescribeEipAddresses(vpc.CreateDescribeEipAddressesRequest())
	se := serverErr(t, err, http.StatusForbidden, "Forbidden.RAM")
	if se.AccessDeniedDetail()["AuthPrincipalType"] != "AssumedRoleUser" {
		t.Errorf("AccessDeniedDetail %v", se.AccessDeniedDetail())
	}
	vc, _ := clients(t, s, sess) // signs without the token
	_, err = vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, http.StatusBadRequest, "InvalidSecurityToken.Missing")
	_, err = stsClient(t, s, sess, "CAIS-other").DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, http.StatusBadRequest, "InvalidSecurityToken.MismatchWithAccessKey")

	// Expired over the admin API: refused from the next request on.
	r, _ := http.NewRequest(http.MethodPost, s.URL()+AdminPrefix+"credentials/"+sess.AccessKeyID+"/expire", nil)
	if st, m, _ := rawDo(t, r); st != 200 {
		t.Fatalf("expire: %d %v", st, m)
	}
	_, err = stsClient(t, s, sess, "CAIS-session-1").DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, http.StatusBadRequest, "InvalidSecurityToken.Expired")
	if err := s.ExpireSession(owner.AccessKeyID); err == nil {
		t.Fatal("an AccessKey that is no session was expired")
	}
}

func TestSTS_expiresOnTheVirtualClock(t *testing.T) {
	s := testServer(t, Options{SignatureMode: SignatureOff}) // the clock jump would otherwise trip the timestamp check
	sess, err := s.AddCredential(Credential{AccessKeyID: "STS.clock", AccessKeySecret: "x", SecurityToken: "tok", Expiration: time.Now().Add(10 * time.Minute)})
	must(t, err)
	vc := stsClient(t, s, sess, "tok")
	if _, err := vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest()); err != nil {
		t.Fatal(err)
	}
	s.SetClockOffset(11 * time.Minute)
	_, err = vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
	serverErr(t, err, http.StatusBadRequest, "InvalidSecurityToken.Expired")
}
