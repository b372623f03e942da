package mockcloud

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cgproviders "github.com/aliyun/credentials-go/credentials/providers"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/sts"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// A RAM user assumes a role with credentials-go over HTTPS; the SDK then
// signs a VPC call with the session, and the journal shows that key.
func TestSTS_assumeRoleWithCredentialsGo(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	p := roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), nil)
	c, err := p.GetCredentials()
	must(t, err)
	if !strings.HasPrefix(c.AccessKeyId, "STS.") || c.SecurityToken == "" || c.AccessKeySecret == "" {
		t.Fatalf("not an STS session: %+v", c)
	}
	is := sessionBy(t, s, c.AccessKeyId)
	if is.Via != ViaAssumeRole || is.RoleArn != roleArnA("deploy") || is.SourceAccessKeyID != userKey || is.SessionName != "test-session" || is.Account != acctA {
		t.Fatalf("issued session record: %+v", is)
	}
	if d := is.Expiration.Sub(is.IssuedAt); d < 3599*time.Second || d > 3600*time.Second {
		t.Fatalf("default session length %s, want 3600 s", d)
	}
	e := lastEntry(t, s, "AssumeRole")
	if e.Product != stsProduct || e.AccessKeyID != userKey || e.Mutating || e.Status != 200 || e.Params["RoleArn"] != roleArnA("deploy") {
		t.Fatalf("AssumeRole journal entry: %+v", e)
	}
	signedWith, err := describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{p}))
	must(t, err)
	if signedWith != c.AccessKeyId {
		t.Fatalf("DescribeVpcs was signed with %s, not the session %s", signedWith, c.AccessKeyId)
	}
	if e := lastEntry(t, s, "DescribeVpcs"); e.Account != acctA {
		t.Fatalf("the session's call landed in account %s, not the role's %s", e.Account, acctA)
	}
}

// The body of the answer is what the reference documents, field for field.
func TestSTS_assumeRoleAnswer(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	u := Credential{AccessKeyID: userKey, AccessKeySecret: secretOf(userKey)}
	form := url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"alice"}, "DurationSeconds": {"7200"}}
	st, m := stsPost(t, s, u, "AssumeRole", form)
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	creds := m["Credentials"].(map[string]any)
	exp, err := time.Parse("2006-01-02T15:04:05Z", creds["Expiration"].(string))
	must(t, err)
	if d := time.Until(exp); d < 7190*time.Second || d > 7200*time.Second {
		t.Fatalf("Expiration %s is not two hours ahead", creds["Expiration"])
	}
	user := m["AssumedRoleUser"].(map[string]any)
	if user["Arn"] != roleArnA("deploy")+"/alice" || !strings.HasSuffix(user["AssumedRoleId"].(string), ":alice") {
		t.Fatalf("AssumedRoleUser: %v", user)
	}
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken"} {
		if v, _ := creds[k].(string); v == "" {
			t.Fatalf("Credentials.%s is empty: %v", k, creds)
		}
	}
	if m["RequestId"] == "" {
		t.Fatal("no RequestId")
	}
}

// stsPost sends a signed STS call with the action parameters in a form
// body and the common ones in the query, as the libraries do.
func stsPost(t testing.TB, s *Server, c Credential, action string, form url.Values) (int, map[string]any) {
	t.Helper()
	all := signedValues(c, http.MethodPost, action, stsVersion, form)
	query := url.Values{}
	for k, v := range all {
		if form[k] == nil {
			query[k] = v
		}
	}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/?"+query.Encode(), strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	st, m, _ := rawDo(t, req)
	return st, m
}

// Each refusal of AssumeRole, through credentials-go, with its code and
// status as the reference documents (or the mock's choice, where marked).
func TestSTS_assumeRoleRefusals(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	cases := []struct {
		name, key, arn string
		mod            func(*cgproviders.RAMRoleARNCredentialsProviderBuilder)
		status         int
		code, message  string
	}{
		{"root key", rootKey, roleArnA("deploy"), nil, 403, "NoPermission", "Roles may not be assumed by root accounts."},
		{"trust policy names another user", otherKey, roleArnA("readonly"), nil, 403, "NoPermission", "No permission perform sts:AssumeRole on this Role"},
		{"caller lacks sts:AssumeRole", narrowKey, roleArnA("deploy"), nil, 403, "NoPermission", "sts:AssumeRole"},
		{"unknown role", userKey, roleArnA("nosuchrole"), nil, 404, "EntityNotExist.Role", "nosuchrole"},
		{"role in an unknown account", userKey, roleArn("3000000000000003", "deploy"), nil, 404, "EntityNotExist.Role", ""},
		{"session name too short", userKey, roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) { b.WithRoleSessionName("a") },
			400, "InvalidParameter.RoleSessionName", ""},
		{"session name with a space", userKey, roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) { b.WithRoleSessionName("a b") },
			400, "InvalidParameter.RoleSessionName", ""},
		{"duration above the role's maximum", userKey, roleArnA("readonly"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) { b.WithDurationSeconds(3601) },
			400, "InvalidParameter.DurationSeconds", ""},
		{"session policy not JSON", userKey, roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) { b.WithPolicy("{not json") },
			400, "InvalidParameter.PolicyGrammar", ""},
		{"session policy with an unknown element", userKey, roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) {
			b.WithPolicy(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Sid":"x"}]}`)
		}, 400, "InvalidParameter.PolicyGrammar", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.IssuedSessions())
			_, err := roleProvider(t, s, staticAK(t, tc.key), tc.arn, tc.mod).GetCredentials()
			wantErrCode(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("message lacks %q: %v", tc.message, err)
			}
			e := lastEntry(t, s, "AssumeRole")
			if e.Status != tc.status || e.Code != tc.code {
				t.Fatalf("journal: %d %s, want %d %s", e.Status, e.Code, tc.status, tc.code)
			}
			if after := len(s.IssuedSessions()); after != before {
				t.Fatalf("a refused AssumeRole issued a session")
			}
		})
	}
	// DurationSeconds below the floor never leaves credentials-go (it
	// refuses < 900 itself): sent raw, the mock refuses it too.
	u := Credential{AccessKeyID: userKey, AccessKeySecret: secretOf(userKey)}
	st, m := stsPost(t, s, u, "AssumeRole", url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"alice"}, "DurationSeconds": {"899"}})
	if code := checkEnvelope(t, st, m); st != 400 || code != "InvalidParameter.DurationSeconds" {
		t.Fatalf("899 s: %d %s", st, code)
	}
	st, m = stsPost(t, s, u, "AssumeRole", url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"alice"}, "ExternalId": {"a"}})
	if code := checkEnvelope(t, st, m); st != 400 || code != "InvalidParameter.ExternalId" {
		t.Fatalf("one-character ExternalId: %d %s", st, code)
	}
	st, m = stsPost(t, s, u, "AssumeRole", url.Values{"RoleArn": {"acs:ram::" + acctA + ":user/deploy"}, "RoleSessionName": {"alice"}})
	if code := checkEnvelope(t, st, m); st != 400 || code != "InvalidParameter.RoleArn" {
		t.Fatalf("a user ARN as RoleArn: %d %s", st, code)
	}
	if m["HostId"] != "sts.aliyuncs.com" {
		t.Fatalf("HostId %v", m["HostId"])
	}
}

// A session's requests are judged by the role's policy and the session
// policy together: either one missing the action refuses it, with the
// mock's usual RAM refusal.
func TestSTS_sessionPolicyNarrowsTheRole(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	describeVSwitches := func(vc *vpc.Client) error {
		req := vpc.CreateDescribeVSwitchesRequest()
		req.RegionId = s.Region()
		_, err := vc.DescribeVSwitches(req)
		return err
	}
	// deploy allows vpc:*; the session policy only DescribeVpcs.
	narrowed := vpcWith(t, s, sdkProvider{roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) {
		b.WithPolicy(allow("vpc:DescribeVpcs"))
	})})
	_, err := describeVpcsAs(t, s, narrowed)
	must(t, err)
	se := serverErr(t, describeVSwitches(narrowed), 403, codeRAMDenied)
	if !strings.Contains(se.Message(), "vpc:DescribeVSwitches") {
		t.Fatalf("refusal does not name the action: %s", se.Message())
	}
	if d := se.AccessDeniedDetail(); d["AuthPrincipalType"] != "AssumedRoleUser" || d["PolicyType"] != "SessionPolicy" {
		t.Fatalf("AccessDeniedDetail: %v", d)
	}
	// The same role without a session policy may.
	must(t, describeVSwitches(vpcWith(t, s, sdkProvider{roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), nil)})))

	// readonly allows vpc:Describe*; a session policy allowing everything
	// does not widen it.
	wide := vpcWith(t, s, sdkProvider{roleProvider(t, s, staticAK(t, userKey), roleArnA("readonly"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) {
		b.WithPolicy(allowAll)
	})})
	_, err = tryCreate(wide, "vsw-bp1seedvsw000000000001", "")
	serverErr(t, err, 403, codeRAMDenied)

	// A role with no policy attached may do nothing.
	_, err = describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{roleProvider(t, s, staticAK(t, userKey), roleArnA("nopolicy"), nil)}))
	serverErr(t, err, 403, codeRAMDenied)
}

// A role session may assume a role itself (chaining).
func TestSTS_chaining(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	first := roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), nil)
	second := roleProvider(t, s, first, roleArnA("nopolicy"), nil)
	c2, err := second.GetCredentials()
	must(t, err)
	c1, err := first.GetCredentials()
	must(t, err)
	is := sessionBy(t, s, c2.AccessKeyId)
	if is.SourceAccessKeyID != c1.AccessKeyId || is.RoleArn != roleArnA("nopolicy") {
		t.Fatalf("chained session: %+v (first session %s)", is, c1.AccessKeyId)
	}
	if e := lastEntry(t, s, "AssumeRole"); e.AccessKeyID != c1.AccessKeyId {
		t.Fatalf("the chained AssumeRole was signed with %s", e.AccessKeyID)
	}
	// The trust policy names RAM users only for readonly: a session of
	// another role is not one of them.
	_, err = roleProvider(t, s, first, roleArnA("readonly"), nil).GetCredentials()
	wantErrCode(t, err, "NoPermission")
	// A session whose role's policy lacks sts:AssumeRole may not chain.
	ro := roleProvider(t, s, staticAK(t, userKey), roleArnA("readonly"), nil)
	_, err = roleProvider(t, s, ro, roleArnA("nopolicy"), nil).GetCredentials()
	wantErrCode(t, err, "NoPermission")
	if !strings.Contains(err.Error(), "You are not authorized") {
		t.Fatalf("refused for another reason: %v", err)
	}
}

// Cross-account with an ExternalId: a RAM user of account B assumes a role
// of account A whose trust policy names it and requires the ExternalId.
func TestSTS_crossAccountExternalID(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	with := func(ext string) (cgproviders.CredentialsProvider, error) {
		p := roleProvider(t, s, staticAK(t, partnerKey), roleArnA("partner"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) {
			if ext != "" {
				b.WithExternalId(ext)
			}
		})
		_, err := p.GetCredentials()
		return p, err
	}
	_, err := with("")
	wantErrCode(t, err, "NoPermission")
	_, err = with("abc-124")
	wantErrCode(t, err, "NoPermission")
	p, err := with("abc-123")
	must(t, err)
	c, _ := p.GetCredentials()
	if is := sessionBy(t, s, c.AccessKeyId); is.Account != acctA {
		t.Fatalf("session in account %s, not the role's %s", is.Account, acctA)
	}
	signedWith, err := describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{p}))
	must(t, err)
	if e := lastEntry(t, s, "DescribeVpcs"); signedWith != c.AccessKeyId || e.Account != acctA {
		t.Fatalf("call signed with %s in account %s", signedWith, e.Account)
	}
	// The partner role trusts B's user only: A's own users may not.
	_, err = roleProvider(t, s, staticAK(t, userKey), roleArnA("partner"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) { b.WithExternalId("abc-123") }).GetCredentials()
	wantErrCode(t, err, "NoPermission")
	// The role exists in B too (fixtures apply to every account), and
	// there ${AccountId} is B.
	_, err = roleProvider(t, s, staticAK(t, partnerKey), roleArn(acctB, "deploy"), nil).GetCredentials()
	must(t, err)
}

// GetCallerIdentity needs no permission and says who signed.
func TestSTS_getCallerIdentity(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	whoami := func(cred credentials.CredentialsProvider) *sts.GetCallerIdentityResponse {
		t.Helper()
		sdkInit.Lock()
		cfg := sdk.NewConfig()
		cfg.Scheme = "HTTP"
		sc, err := sts.NewClientWithOptions(s.Region(), cfg, cred)
		sdkInit.Unlock()
		must(t, err)
		sc.Domain = s.Endpoint()
		resp, err := sc.GetCallerIdentity(sts.CreateGetCallerIdentityRequest())
		must(t, err)
		return resp
	}
	root := whoami(credentials.NewStaticAKCredentialsProvider(rootKey, secretOf(rootKey)))
	if root.IdentityType != "Account" || root.AccountId != acctA || root.Arn != "acs:ram::"+acctA+":root" {
		t.Fatalf("root: %+v", root)
	}
	// narrow's policy allows vpc:Describe* only.
	user := whoami(credentials.NewStaticAKCredentialsProvider(narrowKey, secretOf(narrowKey)))
	if user.IdentityType != "RAMUser" || user.Arn != "acs:ram::"+acctA+":user/narrow" || user.UserId == "" || user.UserId != user.PrincipalId {
		t.Fatalf("RAM user: %+v", user)
	}
	sess := whoami(sdkProvider{roleProvider(t, s, staticAK(t, userKey), roleArnA("nopolicy"), nil)})
	if sess.IdentityType != "AssumedRoleUser" || sess.AccountId != acctA || sess.RoleId == "" || sess.UserId != "" ||
		sess.Arn != roleArnA("nopolicy")+"/test-session" || sess.PrincipalId != sess.RoleId+":test-session" {
		t.Fatalf("role session: %+v", sess)
	}
}

// An expired session is refused as before, and the renewal credentials-go
// makes (180 s or less left) gets a new session from the mock in time.
func TestSTS_shortSessionsAreRenewed(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) {
		// 182 s: credentials-go renews once 180 s or less are left, two
		// seconds after it got the session.
		o.Fixtures.SessionDurationCap = Duration(182 * time.Second)
	})
	p := roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), nil)
	vc := vpcWith(t, s, sdkProvider{p})
	first, err := describeVpcsAs(t, s, vc)
	must(t, err)
	if d := sessionBy(t, s, first).Expiration.Sub(sessionBy(t, s, first).IssuedAt); d > 182*time.Second || d < 181*time.Second {
		t.Fatalf("capped session lasts %s", d)
	}
	again, err := describeVpcsAs(t, s, vc)
	must(t, err)
	if again != first {
		t.Fatalf("renewed too early: %s then %s", first, again)
	}
	time.Sleep(2500 * time.Millisecond)
	second, err := describeVpcsAs(t, s, vc)
	must(t, err)
	if second == first {
		t.Fatalf("no renewal with less than 180 s left")
	}
	if n := len(s.Journal(JournalFilter{Action: "AssumeRole"})); n != 2 {
		t.Fatalf("%d AssumeRole calls, want 2", n)
	}
	// The old session, ended, is refused with the existing code.
	must(t, s.ExpireSession(first))
	var oldCred Credential
	for _, c := range s.Accounts() {
		if c.AccessKeyID == first {
			oldCred = c
		}
	}
	_, err = describeVpcsAs(t, s, vpcWith(t, s, credentials.NewStaticSTSCredentialsProvider(oldCred.AccessKeyID, oldCred.AccessKeySecret, oldCred.SecurityToken)))
	serverErr(t, err, 400, "InvalidSecurityToken.Expired")
	if n := len(s.Journal(JournalFilter{Code: "InvalidSecurityToken.Expired"})); n != 1 {
		t.Fatalf("%d expired-token answers, want only the deliberate one", n)
	}
}

// min_session_duration lets a test ask for less than 900 s.
func TestSTS_minSessionDuration(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) { o.Fixtures.MinSessionDuration = Duration(30 * time.Second) })
	u := Credential{AccessKeyID: userKey, AccessKeySecret: secretOf(userKey)}
	st, m := stsPost(t, s, u, "AssumeRole", url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"alice"}, "DurationSeconds": {"60"}})
	if st != 200 {
		t.Fatalf("60 s with a 30 s floor: %d %v", st, m)
	}
	ak := m["Credentials"].(map[string]any)["AccessKeyId"].(string)
	if is := sessionBy(t, s, ak); is.Expiration.Sub(is.IssuedAt) > 60*time.Second || is.Expiration.Sub(is.IssuedAt) < 59*time.Second {
		t.Fatalf("session of %s", is.Expiration.Sub(is.IssuedAt))
	}
	st, m = stsPost(t, s, u, "AssumeRole", url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"alice"}, "DurationSeconds": {"29"}})
	if code := checkEnvelope(t, st, m); code != "InvalidParameter.DurationSeconds" {
		t.Fatalf("29 s: %d %s", st, code)
	}
}

// Sessions survive a dump and restore, policies included.
func TestSTS_sessionsSurviveRestore(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	p := roleProvider(t, s, staticAK(t, userKey), roleArnA("deploy"), func(b *cgproviders.RAMRoleARNCredentialsProviderBuilder) {
		b.WithPolicy(allow("vpc:DescribeVpcs"))
	})
	vc := vpcWith(t, s, sdkProvider{p})
	_, err := describeVpcsAs(t, s, vc)
	must(t, err)
	dump, err := s.Dump()
	must(t, err)
	must(t, s.Restore(dump))
	_, err = describeVpcsAs(t, s, vc)
	must(t, err)
	req := vpc.CreateDescribeVSwitchesRequest()
	req.RegionId = s.Region()
	_, err = vc.DescribeVSwitches(req)
	serverErr(t, err, 403, codeRAMDenied)
}
