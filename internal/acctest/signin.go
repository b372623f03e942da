package acctest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// The sign-in world: the seed topology in an account whose RAM users may
// only assume roles, the roles a team would set up, a CI system's OIDC
// issuer, and a partner account that deploys into the first one.
const (
	SignInAccount  = "1000000000000001" // the HaVips' account, the mock's default
	PartnerAccount = "2000000000000002"
	PlatformUser   = "LTAI5signinplatform0001" // RAM user "platform" in SignInAccount: sts:AssumeRole only
	PartnerUser    = "LTAI5signinpartner00001" // RAM user "ops" in PartnerAccount: sts:AssumeRole only
	AdminUser      = "LTAI5signinadmin0000001" // RAM user "admin" in SignInAccount: the role policy itself
	OIDCIssuerURL  = "https://token.actions.githubusercontent.com"
	OIDCAudience   = "sts.aliyuncs.com"
	OIDCSubject    = "repo:havip-oss/infra:ref:refs/heads/main"
	ExternalID     = "havip-partner-7f3a"

	RoleDeployer = "havip-deployer" // trusts the account's own users
	RolePartner  = "havip-partner"  // trusts PartnerAccount's ops, with ExternalID
	RoleCI       = "ci-deployer"    // trusts the OIDC provider "github" for OIDCSubject's repository
	RoleECS      = "ecs-runner"     // trusts ecs.aliyuncs.com; the metadata service's role
)

const rootKey = "LTAI5signinroot00000001"

// SecretOf is the secret of a sign-in world's key.
func SecretOf(ak string) string { return "secret-of-" + ak }

// RoleARN is a role of the sign-in world's account.
func RoleARN(name string) string { return "acs:ram::" + SignInAccount + ":role/" + name }

// OIDCProviderARN is the OIDC provider the CI role trusts.
const OIDCProviderARN = "acs:ram::" + SignInAccount + ":oidc-provider/github"

func statement(principal string, extra string) json.RawMessage {
	return json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":` + principal + extra + `}]}`)
}

// SignInFixtures are the sign-in world's fixtures; rolePolicy is the RAM
// policy every role has (the documented least-privilege one, say).
func SignInFixtures(issuer *mockcloud.OIDCIssuer, rolePolicy string) *mockcloud.Fixtures {
	assumeOnly := json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	fx := mockcloud.SeedFixtures()
	fx.Credentials = []mockcloud.Credential{
		{AccessKeyID: PlatformUser, AccessKeySecret: SecretOf(PlatformUser), AccountID: SignInAccount, UserName: "platform", Policy: assumeOnly},
		{AccessKeyID: PartnerUser, AccessKeySecret: SecretOf(PartnerUser), AccountID: PartnerAccount, UserName: "ops", Policy: assumeOnly},
		{AccessKeyID: AdminUser, AccessKeySecret: SecretOf(AdminUser), AccountID: SignInAccount, UserName: "admin", Policy: json.RawMessage(rolePolicy)},
	}
	policy := json.RawMessage(rolePolicy)
	fx.Roles = []mockcloud.FixtureRole{
		{Name: RoleDeployer, Policy: policy, TrustPolicy: statement(`{"RAM":["acs:ram::${AccountId}:root"]}`, "")},
		{Name: RolePartner, Policy: policy, TrustPolicy: statement(`{"RAM":["acs:ram::`+PartnerAccount+`:user/ops"]}`,
			`,"Condition":{"StringEquals":{"sts:ExternalId":"`+ExternalID+`"}}`)},
		{Name: RoleCI, Policy: policy, TrustPolicy: statement(`{"Federated":["`+OIDCProviderARN+`"]}`,
			`,"Condition":{"StringEquals":{"oidc:iss":"`+OIDCIssuerURL+`","oidc:aud":"`+OIDCAudience+`"},"StringLike":{"oidc:sub":"repo:havip-oss/infra:*"}}`)},
		{Name: RoleECS, Policy: policy, TrustPolicy: statement(`{"Service":["ecs.aliyuncs.com"]}`, "")},
	}
	fx.EcsRamRole = RoleECS
	fx.OIDCProviders = []mockcloud.FixtureOIDCProvider{{Name: "github", IssuerURL: OIDCIssuerURL, ClientIDs: []string{OIDCAudience}, JWKS: issuer.JWKS()}}
	return fx
}

// SignInEnv is a mock serving the sign-in world, STS included (over TLS).
type SignInEnv struct {
	*Env
	Issuer *mockcloud.OIDCIssuer
}

// AllowAll is a RAM policy that allows everything.
const AllowAll = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// NewSignInEnv starts the sign-in world; mod may change the options
// (fixtures, a session cap) before the mock starts.
func NewSignInEnv(t *testing.T, rolePolicy string, mod func(*mockcloud.Options)) *SignInEnv {
	t.Helper()
	issuer, err := mockcloud.NewOIDCIssuer(OIDCIssuerURL)
	if err != nil {
		t.Fatal(err)
	}
	// TestMain made the process trust it (sandbox.TrustCA).
	ca, err := mockcloud.ProcessCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	opts := mockcloud.Options{Fixtures: SignInFixtures(issuer, rolePolicy), TLSListener: true, TLSCert: &cert,
		Credentials: []mockcloud.Credential{{AccessKeyID: rootKey, AccessKeySecret: SecretOf(rootKey), AccountID: SignInAccount}}}
	if mod != nil {
		mod(&opts)
	}
	env := NewEnv(t, opts)
	// The account's own key, to observe with: the server's first account
	// also holds the RAM users, which may only assume roles.
	env.Cred = opts.Credentials[0]
	return &SignInEnv{Env: env, Issuer: issuer}
}

// Token is a CI job's OIDC token for OIDCSubject, valid for ttl.
func (e *SignInEnv) Token(t *testing.T, ttl time.Duration) string {
	t.Helper()
	now := time.Now()
	tok, err := e.Issuer.Token(mockcloud.OIDCClaims{Subject: OIDCSubject, Audience: OIDCAudience, IssuedAt: now, Expiry: now.Add(ttl)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// SignInBlock is a provider block on the mock with the given sign-in
// settings and no keys (the test's environment has none either).
func (e *SignInEnv) SignInBlock(signIn string) string {
	return fmt.Sprintf(`
provider "havip" {
  region   = %q
  protocol = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
    sts = %q
  }
%s
}
`, e.Server.Region(), e.Server.Endpoint(), e.Server.Endpoint(), e.Server.TLSEndpoint(), signIn)
}

// CheckSignedVia checks that the stack's calls in the HaVips' account
// were all signed with sessions issued the given way (AssumeRole,
// AssumeRoleWithOIDC, EcsMetadata, CredentialsURI) for role, and that
// there were some: no call fell back to another key.
func (e *SignInEnv) CheckSignedVia(via, role string) error {
	sessions := map[string]bool{}
	for _, s := range e.Server.IssuedSessions() {
		if s.Via == via && s.RoleArn == RoleARN(role) {
			sessions[s.AccessKeyID] = true
		}
	}
	if len(sessions) == 0 {
		return fmt.Errorf("no session of %s was issued via %s", role, via)
	}
	return e.checkSignedBy(sessions, "a "+via+" session of "+role)
}

// CheckSignedBy checks that the stack's calls were all signed with one
// key (a RAM user's), and that there were some.
func (e *SignInEnv) CheckSignedBy(ak string) error {
	return e.checkSignedBy(map[string]bool{ak: true}, ak)
}

func (e *SignInEnv) checkSignedBy(keys map[string]bool, what string) error {
	var mutating, other []string
	for _, j := range e.Server.Journal(mockcloud.JournalFilter{Account: SignInAccount}) {
		if (j.Product != "Vpc" && j.Product != "Ecs") || j.AccessKeyID == e.Cred.AccessKeyID {
			continue // STS itself, or the test's own reads as the account's owner
		}
		if !keys[j.AccessKeyID] {
			other = append(other, j.Action+" by "+j.AccessKeyID)
		} else if j.Committed && j.Action == "CreateHaVip" {
			mutating = append(mutating, j.Action)
		}
	}
	if len(other) > 0 {
		return fmt.Errorf("calls not signed with %s: %s", what, strings.Join(other, ", "))
	}
	if len(mutating) == 0 {
		return fmt.Errorf("no HaVip was created with %s", what)
	}
	return nil
}
