package mockcloud

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// A mistake in the identity fixtures is an error when they load, naming
// what is wrong, and a server that refused them keeps its old ones.
func TestIdentityFixtures_refusedWhenTheyLoad(t *testing.T) {
	t.Parallel()
	trustECS := json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs.aliyuncs.com"}}]}`)
	cases := []struct {
		name string
		mod  func(*Fixtures)
		want string
	}{
		{"role without trust policy", func(f *Fixtures) { f.Roles = []FixtureRole{{Name: "r"}} }, "trust_policy is required"},
		{"bad role name", func(f *Fixtures) { f.Roles = []FixtureRole{{Name: "a/b", TrustPolicy: trustECS}} }, "role name"},
		{"duplicate role", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: trustECS}, {Name: "r", TrustPolicy: trustECS}}
		}, `role "r" is declared twice`},
		{"max session too long", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: trustECS, MaxSessionDuration: 43201}}
		}, "max_session_duration"},
		{"role policy with a Condition", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: trustECS, Policy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}`)}}
		}, "Condition is not supported"},
		{"unknown condition key", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1:root"},"Condition":{"StringEquals":{"acs:SourceIp":"1.2.3.4"}}}]}`)}}
		}, "acs:SourceIp"},
		{"unknown operator", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1:root"},"Condition":{"IpAddress":{"sts:ExternalId":"x"}}}]}`)}}
		}, "IpAddress"},
		{"SAML principal", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"acs:ram::1:saml-provider/x"}}]}`)}}
		}, "SAML"},
		{"RAM principal not an ARN", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"alice"}}]}`)}}
		}, "RAM principal"},
		{"ecs role missing", func(f *Fixtures) { f.EcsRamRole = "nosuch" }, "not among the roles"},
		{"ecs role ECS may not assume", func(f *Fixtures) {
			f.Roles = []FixtureRole{{Name: "r", TrustPolicy: trustRAM("acs:ram::${AccountId}:root")}}
			f.EcsRamRole = "r"
		}, "does not allow the Service ecs.aliyuncs.com"},
		{"OIDC provider without client IDs", func(f *Fixtures) {
			f.OIDCProviders = []FixtureOIDCProvider{{Name: "p", IssuerURL: "https://x"}}
		}, "client_ids"},
		{"duplicate OIDC provider", func(f *Fixtures) {
			p := FixtureOIDCProvider{Name: "p", IssuerURL: "https://x", ClientIDs: []string{"a"}}
			f.OIDCProviders = []FixtureOIDCProvider{p, p}
		}, `OIDC provider "p" is declared twice`},
		{"OIDC issuance limit out of range", func(f *Fixtures) {
			f.OIDCProviders = []FixtureOIDCProvider{{Name: "p", IssuerURL: "https://x", ClientIDs: []string{"a"}, IssuanceLimitHours: 169}}
		}, "issuance_limit_hours"},
		{"OIDC jwks with a private key", func(f *Fixtures) {
			iss, err := NewOIDCIssuer("https://x")
			must(t, err)
			priv, _ := json.Marshal(map[string]any{"keys": []any{json.RawMessage(privateJWK(t, iss))}})
			f.OIDCProviders = []FixtureOIDCProvider{{Name: "p", IssuerURL: "https://x", ClientIDs: []string{"a"}, JWKS: priv}}
		}, "public keys only"},
		{"negative cap", func(f *Fixtures) { f.SessionDurationCap = -1 }, "must not be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := SeedFixtures()
			tc.mod(fx)
			_, err := New(Options{Fixtures: fx})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			s, err := New(Options{Fixtures: identityFixtures(nil)})
			must(t, err)
			if err := s.LoadFixtures(fx); err == nil {
				t.Fatal("LoadFixtures took what New refused")
			}
			if s.ident.ecsRole != "ecs-node" {
				t.Fatal("a refused LoadFixtures changed the identity fixtures")
			}
		})
	}
	// The fixture file format reads them, with the documented names.
	fx, err := ParseFixtures([]byte(`{"regions":["cn-hangzhou"],"vpcs":[],"vswitches":[],"instances":[],
		"credentials":[{"access_key_id":"LTAI5x","access_key_secret":"s","account_id":"1","user_name":"deployer"}],
		"roles":[{"name":"deploy","trust_policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::${AccountId}:root"}}]},"max_session_duration":7200,"policy":` + allowAll + `}],
		"oidc_providers":[{"name":"ci","issuer_url":"https://x","client_ids":["sts.aliyuncs.com"],"issuance_limit_hours":2}],
		"ecs_ram_role":"","min_session_duration":"10s","session_duration_cap":"5m"}`))
	must(t, err)
	if _, err := New(Options{Fixtures: fx}); err != nil {
		t.Fatal(err)
	}
	if fx.Credentials[0].UserName != "deployer" || fx.Roles[0].MaxSessionDuration != 7200 || fx.OIDCProviders[0].IssuanceLimitHours != 2 {
		t.Fatalf("fixture fields not read: %+v", fx)
	}
}

func privateJWK(t testing.TB, iss *OIDCIssuer) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"kty": "RSA", "kid": "k", "n": b64(iss.key.N.Bytes()), "e": "AQAB",
		"d": b64(iss.key.D.Bytes()), "p": b64(iss.key.Primes[0].Bytes()), "q": b64(iss.key.Primes[1].Bytes())})
	must(t, err)
	return b
}

// Trust policy evaluation on its own: principals, ${AccountId}, Deny,
// and conditions.
func TestTrustPolicy_allows(t *testing.T) {
	t.Parallel()
	tp, err := parseTrustPolicy([]byte(`{"Version":"1","Statement":[
		{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::${AccountId}:root","acs:ram::9:user/bob"]}},
		{"Effect":"Deny","Action":"sts:*","Principal":{"RAM":"acs:ram::${AccountId}:user/mallory"}},
		{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"acs:ram::${AccountId}:oidc-provider/ci"},
		 "Condition":{"StringEquals":{"oidc:aud":["a","b"]},"StringLike":{"oidc:sub":"repo:x/*"}}}]}`))
	must(t, err)
	in := tp.expand("5")
	cases := []struct {
		name string
		p    principal
		ctx  map[string][]string
		want bool
	}{
		{"user of the role's account", principal{account: "5", user: "alice"}, nil, true},
		{"role session of the role's account", principal{account: "5", role: "r"}, nil, true},
		{"user of another account", principal{account: "6", user: "alice"}, nil, false},
		{"named user of another account", principal{account: "9", user: "bob"}, nil, true},
		{"another user of that account", principal{account: "9", user: "carol"}, nil, false},
		{"root key of the account", principal{account: "5"}, nil, false},
		{"explicit deny wins", principal{account: "5", user: "mallory"}, nil, false},
		{"federated with matching claims", principal{federated: "acs:ram::5:oidc-provider/ci"}, map[string][]string{condOIDCAud: {"b"}, condOIDCSub: {"repo:x/main"}}, true},
		{"federated, wrong audience", principal{federated: "acs:ram::5:oidc-provider/ci"}, map[string][]string{condOIDCAud: {"c"}, condOIDCSub: {"repo:x/main"}}, false},
		{"federated, subject unlike", principal{federated: "acs:ram::5:oidc-provider/ci"}, map[string][]string{condOIDCAud: {"a"}, condOIDCSub: {"repo:y/main"}}, false},
		{"federated, claim missing", principal{federated: "acs:ram::5:oidc-provider/ci"}, map[string][]string{condOIDCAud: {"a"}}, false},
		{"another account's provider", principal{federated: "acs:ram::6:oidc-provider/ci"}, map[string][]string{condOIDCAud: {"a"}, condOIDCSub: {"repo:x/1"}}, false},
		{"a service not named", principal{service: "ecs.aliyuncs.com"}, nil, false},
	}
	for _, tc := range cases {
		if got := in.allows(tc.p, tc.ctx); got != tc.want {
			t.Errorf("%s: allows = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The CA's certificates verify for the names and addresses they were
// issued for, and only those.
func TestCA_issue(t *testing.T) {
	t.Parallel()
	ca, err := NewCA()
	must(t, err)
	cert, err := ca.Issue("sts.cn-hangzhou.aliyuncs.com", "127.0.0.1")
	must(t, err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca.CertPEM()) {
		t.Fatal("CertPEM is not a PEM certificate")
	}
	for _, name := range []string{"sts.cn-hangzhou.aliyuncs.com", "127.0.0.1"} {
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: name}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "sts.aliyuncs.com"}); err == nil {
		t.Error("verified for a name it was not issued for")
	}
	other, err := NewCA()
	must(t, err)
	otherPool := x509.NewCertPool()
	otherPool.AppendCertsFromPEM(other.CertPEM())
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{Roots: otherPool, DNSName: "127.0.0.1"}); err == nil {
		t.Error("verified against another CA")
	}
	// A server serving it is reached over TLS by a client trusting the CA.
	s := testServer(t, Options{TLSListener: true, TLSCert: &cert})
	conn, err := tls.Dial("tcp", s.TLSEndpoint(), &tls.Config{RootCAs: pool, ServerName: "sts.cn-hangzhou.aliyuncs.com"})
	must(t, err)
	conn.Close()
	if s.Scheme() != "http" || s.Endpoint() == s.TLSEndpoint() {
		t.Fatalf("the plain listener changed: %s %s", s.Scheme(), s.Endpoint())
	}
	if _, ok := s.Env()["ALIBABA_CLOUD_STS_ENDPOINT"]; !ok {
		t.Fatal("Env lacks the STS endpoint")
	}
	if plain := testServer(t, Options{}); plain.TLSEndpoint() != "" {
		t.Fatal("a TLS endpoint without TLSListener")
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// New fixtures reach keys already registered: a root key named as a RAM
// user in them may assume roles from then on.
func TestIdentityFixtures_reloadNamesAnExistingKey(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	_, err := roleProvider(t, s, staticAK(t, rootKey), roleArnA("deploy"), nil).GetCredentials()
	wantErrCode(t, err, "NoPermission")
	fx := identityFixtures(nil)
	fx.Credentials = append(fx.Credentials, Credential{AccessKeyID: rootKey, AccessKeySecret: secretOf(rootKey), AccountID: acctA, UserName: "promoted"})
	must(t, s.LoadFixtures(fx))
	_, err = roleProvider(t, s, staticAK(t, rootKey), roleArnA("deploy"), nil).GetCredentials()
	must(t, err)
}
