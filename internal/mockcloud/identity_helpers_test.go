package mockcloud

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	cgproviders "github.com/aliyun/credentials-go/credentials/providers"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest/sandbox"
)

// testCA signs the certificate every TLS listener of these tests serves;
// TestMain makes the process trust it through SSL_CERT_FILE, as the STS
// clients (which speak HTTPS only and take no CA of their own) need.
var testCA *CA

// takeOffLoopbackAttempts returns and forgets the connections the
// sandbox's guard refused (sandbox_test.go): a test that makes one on
// purpose takes it, so that the run does not fail for it.
func takeOffLoopbackAttempts() []string { return sandbox.TakeRefused() }

// trustTestCA makes the test CA the one the process trusts. The metadata
// tests drive the library's ECS provider through the mock as a proxy, so
// the sandbox's switch that disables that provider is off here; its guards
// still refuse the real host (TestGuard_refusesTheRealMetadataHost).
func trustTestCA() error {
	os.Unsetenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
	var err error
	if testCA, err = ProcessCA(); err != nil {
		return err
	}
	return sandbox.TrustCA(testCA.CertPEM())
}

// Accounts and keys of the identity tests.
const (
	acctA      = "1000000000000001"
	acctB      = "2000000000000002"
	rootKey    = "LTAI5testroot00000000001"
	userKey    = "LTAI5testdeployer0000001" // RAM user deployer in A
	otherKey   = "LTAI5testother0000000001" // RAM user other in A
	narrowKey  = "LTAI5testnarrow000000001" // RAM user narrow in A, no sts:AssumeRole
	partnerKey = "LTAI5testpartner00000001" // RAM user ops in B
	ciIssuer   = "https://oidc.ci.example"
	ciAudience = "sts.aliyuncs.com"
)

func secretOf(ak string) string { return "secret-of-" + ak }

func roleArnA(name string) string { return roleArn(acctA, name) }

const allowAll = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func allow(actions ...string) string {
	b, _ := json.Marshal(map[string]any{"Version": "1", "Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
	return string(b)
}

func trustRAM(principals ...string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"Version": "1", "Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"RAM": principals}}}})
	return b
}

// identityFixtures: the seed topology plus roles, an OIDC provider that
// trusts issuer's keys, and RAM users in two accounts.
func identityFixtures(issuer *OIDCIssuer) *Fixtures {
	fx := SeedFixtures()
	fx.Credentials = []Credential{
		{AccessKeyID: userKey, AccessKeySecret: secretOf(userKey), AccountID: acctA, UserName: "deployer"},
		{AccessKeyID: otherKey, AccessKeySecret: secretOf(otherKey), AccountID: acctA, UserName: "other"},
		{AccessKeyID: narrowKey, AccessKeySecret: secretOf(narrowKey), AccountID: acctA, UserName: "narrow", Policy: json.RawMessage(allow("vpc:Describe*"))},
		{AccessKeyID: partnerKey, AccessKeySecret: secretOf(partnerKey), AccountID: acctB, UserName: "ops"},
	}
	fx.Roles = []FixtureRole{
		{Name: "deploy", TrustPolicy: trustRAM("acs:ram::${AccountId}:root"), MaxSessionDuration: 7200,
			Policy: json.RawMessage(allow("vpc:*", "ecs:Describe*", "sts:AssumeRole"))},
		{Name: "readonly", TrustPolicy: trustRAM("acs:ram::${AccountId}:user/deployer"), Policy: json.RawMessage(allow("vpc:Describe*"))},
		{Name: "nopolicy", TrustPolicy: trustRAM("acs:ram::${AccountId}:root")},
		{Name: "partner", Policy: json.RawMessage(allowAll), TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
			"Principal":{"RAM":["acs:ram::` + acctB + `:user/ops"]},"Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}}]}`)},
		{Name: "ecs-node", Policy: json.RawMessage(allow("vpc:Describe*")),
			TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["ecs.aliyuncs.com"]}}]}`)},
		{Name: "ci", Policy: json.RawMessage(allowAll), TrustPolicy: json.RawMessage(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
			"Principal":{"Federated":["acs:ram::${AccountId}:oidc-provider/ci"]},
			"Condition":{"StringEquals":{"oidc:iss":"` + ciIssuer + `","oidc:aud":"` + ciAudience + `"},"StringLike":{"oidc:sub":"repo:havip-oss/*"}}}]}`)},
	}
	fx.EcsRamRole = "ecs-node"
	if issuer != nil {
		fx.OIDCProviders = []FixtureOIDCProvider{{Name: "ci", IssuerURL: issuer.URL(), ClientIDs: []string{ciAudience}, JWKS: issuer.JWKS()}}
	}
	return fx
}

// identityServer starts a mock with the identity fixtures, a root key for
// account A and a TLS listener with a certificate of testCA.
func identityServer(t testing.TB, mod func(*Options)) (*Server, *OIDCIssuer) {
	t.Helper()
	issuer, err := NewOIDCIssuer(ciIssuer)
	must(t, err)
	cert, err := testCA.Issue("127.0.0.1", "localhost")
	must(t, err)
	opts := Options{Fixtures: identityFixtures(issuer), TLSListener: true, TLSCert: &cert,
		Credentials: []Credential{{AccessKeyID: rootKey, AccessKeySecret: secretOf(rootKey), AccountID: acctA}}}
	if mod != nil {
		mod(&opts)
	}
	return testServer(t, opts), issuer
}

// staticAK is credentials-go's provider for a fixture key.
func staticAK(t testing.TB, ak string) cgproviders.CredentialsProvider {
	t.Helper()
	p, err := cgproviders.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(ak).WithAccessKeySecret(secretOf(ak)).Build()
	must(t, err)
	return p
}

// roleProvider is credentials-go's RAM-role provider aimed at the mock's
// TLS listener, as the provider under test builds it.
func roleProvider(t testing.TB, s *Server, base cgproviders.CredentialsProvider, arn string, mod func(*cgproviders.RAMRoleARNCredentialsProviderBuilder)) cgproviders.CredentialsProvider {
	t.Helper()
	b := cgproviders.NewRAMRoleARNCredentialsProviderBuilder().WithCredentialsProvider(base).WithRoleArn(arn).
		WithRoleSessionName("test-session").WithStsEndpoint(s.TLSEndpoint())
	if mod != nil {
		mod(b)
	}
	p, err := b.Build()
	must(t, err)
	return p
}

// sdkProvider lets the SDK sign with a credentials-go provider, asking it
// for credentials on every request, as the provider under test does.
type sdkProvider struct {
	p cgproviders.CredentialsProvider
}

func (a sdkProvider) GetCredentials() (*credentials.Credentials, error) {
	c, err := a.p.GetCredentials()
	if err != nil {
		return nil, err
	}
	return &credentials.Credentials{AccessKeyId: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken, ProviderName: c.ProviderName}, nil
}

func (a sdkProvider) GetProviderName() string { return a.p.GetProviderName() }

// vpcWith is an SDK VPC client on the mock's plain listener signing with
// a credentials provider of either library.
func vpcWith(t testing.TB, s *Server, cred credentials.CredentialsProvider) *vpc.Client {
	t.Helper()
	sdkInit.Lock()
	defer sdkInit.Unlock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, cred)
	must(t, err)
	vc.Domain = s.Endpoint()
	return vc
}

// describeVpcsAs calls DescribeVpcs and returns the AccessKeyId the mock
// saw it signed with.
func describeVpcsAs(t testing.TB, s *Server, vc *vpc.Client) (string, error) {
	t.Helper()
	since := s.JournalSeq()
	req := vpc.CreateDescribeVpcsRequest()
	req.RegionId = s.Region()
	_, err := vc.DescribeVpcs(req)
	for _, e := range s.Journal(JournalFilter{Action: "DescribeVpcs", Since: since}) {
		return e.AccessKeyID, err
	}
	return "", errors.Join(err, errors.New("no DescribeVpcs in the journal"))
}

// lastEntry is the newest journal entry of an action.
func lastEntry(t testing.TB, s *Server, action string) JournalEntry {
	t.Helper()
	es := s.Journal(JournalFilter{Action: action})
	if len(es) == 0 {
		t.Fatalf("no %s in the journal", action)
	}
	return es[len(es)-1]
}

// sessionBy finds the record of an issued session.
func sessionBy(t testing.TB, s *Server, akid string) IssuedSession {
	t.Helper()
	for _, is := range s.IssuedSessions() {
		if is.AccessKeyID == akid {
			return is
		}
	}
	t.Fatalf("no issued session %s among %+v", akid, s.IssuedSessions())
	return IssuedSession{}
}

// wantErrCode asserts a credentials-go error carries an STS error code.
func wantErrCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("expected %s, got success", code)
	}
	if !strings.Contains(err.Error(), `"Code":"`+code+`"`) {
		t.Fatalf("expected %s, got %v", code, err)
	}
}
