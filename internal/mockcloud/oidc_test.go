package mockcloud

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cgproviders "github.com/aliyun/credentials-go/credentials/providers"
)

// oidcProvider is credentials-go's OIDC provider reading a token file,
// aimed at the mock's TLS listener.
func oidcCredentials(t testing.TB, s *Server, token, role string, mod func(*cgproviders.OIDCCredentialsProviderBuilder)) cgproviders.CredentialsProvider {
	t.Helper()
	file := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(file, []byte(token), 0o600))
	b := cgproviders.NewOIDCCredentialsProviderBuilder().WithOIDCProviderARN(oidcProviderArn(acctA, "ci")).
		WithOIDCTokenFilePath(file).WithRoleArn(roleArnA(role)).WithRoleSessionName("ci-run").WithSTSEndpoint(s.TLSEndpoint())
	if mod != nil {
		mod(b)
	}
	p, err := b.Build()
	must(t, err)
	return p
}

func ciToken(t testing.TB, iss *OIDCIssuer, sub, aud string, iat, exp time.Time) string {
	t.Helper()
	tok, err := iss.Token(OIDCClaims{Subject: sub, Audience: aud, IssuedAt: iat, Expiry: exp})
	must(t, err)
	return tok
}

// A CI job's token becomes a session with credentials-go's OIDC provider;
// the call is anonymous, the token never reaches the journal, and the
// session signs the SDK's calls.
func TestOIDC_assumeRoleWithOIDC(t *testing.T) {
	t.Parallel()
	s, iss := identityServer(t, nil)
	now := time.Now()
	token := ciToken(t, iss, "repo:havip-oss/terraform-provider-havip:ref:refs/heads/main", ciAudience, now, now.Add(10*time.Minute))
	p := oidcCredentials(t, s, token, "ci", nil)
	c, err := p.GetCredentials()
	must(t, err)
	is := sessionBy(t, s, c.AccessKeyId)
	if is.Via != ViaAssumeRoleWithOIDC || is.RoleArn != roleArnA("ci") || is.SourceAccessKeyID != "" || is.SessionName != "ci-run" {
		t.Fatalf("issued session: %+v", is)
	}
	e := lastEntry(t, s, "AssumeRoleWithOIDC")
	if e.AccessKeyID != "" || e.Signature != "anonymous" || e.Account != acctA || e.Status != 200 {
		t.Fatalf("journal entry: %+v", e)
	}
	if e.Params["OIDCToken"] != "REDACTED" {
		t.Fatalf("the token reached the journal: %q", e.Params["OIDCToken"])
	}
	for _, entry := range s.Journal(JournalFilter{}) {
		for k, v := range entry.Params {
			if strings.Contains(v, token[:40]) {
				t.Fatalf("journal parameter %s holds the token", k)
			}
		}
	}
	signedWith, err := describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{p}))
	must(t, err)
	if signedWith != c.AccessKeyId {
		t.Fatalf("signed with %s, not the session %s", signedWith, c.AccessKeyId)
	}
	// The answer carries OIDCTokenInfo.
	st, m := anonymousPost(t, s, url.Values{"OIDCProviderArn": {oidcProviderArn(acctA, "ci")}, "OIDCToken": {token},
		"RoleArn": {roleArnA("ci")}, "RoleSessionName": {"ci-run"}})
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	info := m["OIDCTokenInfo"].(map[string]any)
	if info["Issuer"] != ciIssuer || info["ClientIds"] != ciAudience || !strings.HasPrefix(info["Subject"].(string), "repo:havip-oss/") ||
		info["ExpirationTime"] != now.Add(10*time.Minute).UTC().Format(stsTime) {
		t.Fatalf("OIDCTokenInfo: %v", info)
	}
}

// anonymousPost sends AssumeRoleWithOIDC as the libraries do: no key, no
// signature, the parameters in a form body.
func anonymousPost(t testing.TB, s *Server, form url.Values) (int, map[string]any) {
	t.Helper()
	q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {stsVersion}, "Format": {"JSON"}, "Timestamp": {time.Now().UTC().Format(stsTime)}}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/?"+q.Encode(), strings.NewReader(form.Encode()))
	must(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	st, m, _ := rawDo(t, req)
	return st, m
}

// Each way a token or its provider fails, with the documented code (all
// 401) — or, for the trust policy, the AssumeRole refusal.
func TestOIDC_refusals(t *testing.T) {
	t.Parallel()
	s, iss := identityServer(t, func(o *Options) {
		o.Fixtures.OIDCProviders = append(o.Fixtures.OIDCProviders,
			FixtureOIDCProvider{Name: "plainhttp", IssuerURL: "http://oidc.ci.example", ClientIDs: []string{ciAudience}})
	})
	// A second provider entry with a one-hour issuance limit, trusting the
	// same issuer: for the iat check.
	fx := identityFixtures(iss)
	fx.OIDCProviders[0].IssuanceLimitHours = 1
	limited, err := New(Options{Fixtures: fx, Credentials: []Credential{{AccessKeyID: rootKey, AccessKeySecret: secretOf(rootKey), AccountID: acctA}}})
	must(t, err)
	must(t, limited.Listen())
	t.Cleanup(func() { limited.Close() })

	now := time.Now()
	sub := "repo:havip-oss/x:ref:refs/heads/main"
	good := func() string { return ciToken(t, iss, sub, ciAudience, now, now.Add(time.Hour)) }
	forger, err := NewOIDCIssuer(ciIssuer) // same URL, another key
	must(t, err)
	stranger, err := NewOIDCIssuer("https://other.example")
	must(t, err)
	hs256 := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+ciIssuer+`","aud":"`+ciAudience+`","sub":"`+sub+`"}`)) + ".c2ln"
	// A good token whose payload was changed after signing: the key ID
	// is right, the signature is not.
	parts := strings.Split(good(), ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	must(t, err)
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "repo:havip-oss/x", "repo:havip-oss/y", 1)))
	tampered := strings.Join(parts, ".")
	cases := []struct {
		name     string
		srv      *Server
		provider string
		token    string
		role     string
		status   int
		code     string
	}{
		{"expired token", s, "ci", ciToken(t, iss, sub, ciAudience, now.Add(-2*time.Hour), now.Add(-time.Minute)), "ci", 401, "AuthenticationFail.OIDCToken.Expired"},
		{"audience not a client ID", s, "ci", ciToken(t, iss, sub, "someone-else", now, now.Add(time.Hour)), "ci", 401, "AuthenticationFail.OIDCToken.AudienceNotMatch"},
		{"signed by another key", s, "ci", ciToken(t, forger, sub, ciAudience, now, now.Add(time.Hour)), "ci", 401, "AuthenticationFail.OIDCToken.InvalidSignature"},
		{"payload changed after signing", s, "ci", tampered, "ci", 401, "AuthenticationFail.OIDCToken.InvalidSignature"},
		{"HS256", s, "ci", hs256, "ci", 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"not a JWT", s, "ci", "abcd.efgh", "ci", 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"bad base64", s, "ci", "!!!!.????.####", "ci", 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"empty", s, "ci", "", "ci", 401, "AuthenticationFail.OIDCToken.Invalid"},
		{"issuer not the provider's", s, "ci", ciToken(t, stranger, sub, ciAudience, now, now.Add(time.Hour)), "ci", 401, "AuthenticationFail.OIDCToken.InvalidSignature"},
		{"unknown provider", s, "nosuch", good(), "ci", 401, "AuthenticationFail.NoPermission"},
		{"provider issuer over http", s, "plainhttp", good(), "ci", 401, "AuthenticationFail.OIDCToken.HttpsUrlInvalid"},
		{"issued before the issuance limit", limited, "ci", ciToken(t, iss, sub, ciAudience, now.Add(-90*time.Minute), now.Add(time.Hour)), "ci", 401, "AuthenticationFail.OIDCToken.Expired"},
		{"subject the trust policy refuses", s, "ci", ciToken(t, iss, "repo:evil/x", ciAudience, now, now.Add(time.Hour)), "ci", 403, "NoPermission"},
		{"role that does not trust the provider", s, "ci", good(), "deploy", 403, "NoPermission"},
		{"unknown role", s, "ci", good(), "nosuch", 404, "EntityNotExist.Role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, m := anonymousPost(t, tc.srv, url.Values{"OIDCProviderArn": {oidcProviderArn(acctA, tc.provider)}, "OIDCToken": {tc.token},
				"RoleArn": {roleArnA(tc.role)}, "RoleSessionName": {"ci-run"}})
			if code := checkEnvelope(t, st, m); st != tc.status || code != tc.code {
				t.Fatalf("%d %s (%v), want %d %s", st, code, m["Message"], tc.status, tc.code)
			}
		})
	}
	// The same through credentials-go: its error carries the code.
	_, err = oidcCredentials(t, s, cases[0].token, "ci", nil).GetCredentials()
	wantErrCode(t, err, "AuthenticationFail.OIDCToken.Expired")
	if n := len(s.IssuedSessions()); n != 0 {
		t.Fatalf("refused calls issued %d sessions", n)
	}
	// A token stranger signed, for an issuer the provider does not name
	// but with the provider's keys, is refused for its issuer.
	fx2 := identityFixtures(stranger)
	fx2.OIDCProviders[0].IssuerURL = ciIssuer
	must(t, s.LoadFixtures(fx2))
	st, m := anonymousPost(t, s, url.Values{"OIDCProviderArn": {oidcProviderArn(acctA, "ci")}, "OIDCToken": {ciToken(t, stranger, sub, ciAudience, now, now.Add(time.Hour))},
		"RoleArn": {roleArnA("ci")}, "RoleSessionName": {"ci-run"}})
	if code := checkEnvelope(t, st, m); st != 401 || code != "AuthenticationFail.OIDCToken.IssuerNotMatch" {
		t.Fatalf("%d %s", st, code)
	}
	// The session name and the parameters the mock needs are checked too.
	st, m = anonymousPost(t, s, url.Values{"OIDCToken": {good()}, "RoleArn": {roleArnA("ci")}, "RoleSessionName": {"ci-run"}})
	if code := checkEnvelope(t, st, m); code != "MissingOIDCProviderArn" {
		t.Fatalf("%d %s", st, code)
	}
}

// A provider declared without jwks gets a key the mock holds, and the
// admin API mints its tokens: a user plays a CI job against the mock.
func TestOIDC_mockHeldIssuerAndAdminMint(t *testing.T) {
	t.Parallel()
	fx := identityFixtures(nil)
	fx.OIDCProviders = []FixtureOIDCProvider{{Name: "ci", IssuerURL: ciIssuer, ClientIDs: []string{ciAudience}}}
	s := testServer(t, Options{Fixtures: fx, TLSListener: true,
		Credentials: []Credential{{AccessKeyID: rootKey, AccessKeySecret: secretOf(rootKey), AccountID: acctA}}})
	req, err := http.NewRequest(http.MethodPost, s.URL()+AdminPrefix+"oidc/token",
		strings.NewReader(`{"provider":"ci","subject":"repo:havip-oss/demo","audience":"`+ciAudience+`","ttl":"10m"}`))
	must(t, err)
	st, m, _ := rawDo(t, req)
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	st, m = anonymousPost(t, s, url.Values{"OIDCProviderArn": {oidcProviderArn(acctA, "ci")}, "OIDCToken": {m["token"].(string)},
		"RoleArn": {roleArnA("ci")}, "RoleSessionName": {"ci-run"}})
	if st != 200 {
		t.Fatalf("minted token refused: %d %v", st, m)
	}
	if _, err := s.MintOIDCToken("nosuch", OIDCClaims{}); err == nil {
		t.Fatal("minted a token for an unknown provider")
	}
	s2, _ := identityServer(t, nil)
	if _, err := s2.MintOIDCToken("ci", OIDCClaims{}); err == nil || !strings.Contains(err.Error(), "holds no key") {
		t.Fatalf("minted a token for a provider whose key the mock does not hold: %v", err)
	}
}
