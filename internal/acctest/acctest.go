// Package acctest is the acceptance-test harness: it starts the in-process
// mock, serves the provider to the Terraform CLI, and finds that CLI.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
	"github.com/havip-oss/terraform-provider-havip/internal/provider"
)

// ProviderFactories serve the provider in-process; the CLI attaches to it,
// so nothing is downloaded for it.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"havip": providerserver.NewProtocol6WithError(provider.New("test")()),
}

var (
	tfOnce sync.Once
	tfPath string
	tfErr  error
)

// inCI reports whether the test runs in CI, where nothing may be skipped.
func inCI() bool { return os.Getenv("CI") == "true" }

// Terraform finds the CLI: TF_ACC_TERRAFORM_PATH, else terraform on PATH.
func Terraform() (string, error) {
	tfOnce.Do(func() {
		if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
			if _, err := os.Stat(p); err != nil {
				tfErr = fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s: %w", p, err)
				return
			}
			tfPath = p
			return
		}
		p, err := exec.LookPath("terraform")
		if err != nil {
			tfErr = fmt.Errorf("terraform is not on PATH and TF_ACC_TERRAFORM_PATH is not set; install Terraform ≥ 1.5, or build one with `go install github.com/hashicorp/terraform@v1.5.7`")
			return
		}
		tfPath = p
		// terraform-plugin-testing would otherwise try to download one.
		os.Setenv("TF_ACC_TERRAFORM_PATH", p)
	})
	return tfPath, tfErr
}

// PreCheck makes sure an acceptance test can run: Terraform is found and
// TF_ACC is set. Locally a missing piece skips with the reason; in CI it
// fails, because a skipped acceptance test there proves nothing.
func PreCheck(t *testing.T) {
	t.Helper()
	if _, err := Terraform(); err != nil {
		if inCI() {
			t.Fatalf("acceptance tests must run in CI: %v", err)
		}
		t.Skipf("skipping acceptance test: %v", err)
	}
	if os.Getenv("TF_ACC") == "" {
		if inCI() {
			t.Fatal("acceptance tests must run in CI: set TF_ACC=1 (make test does)")
		}
		t.Skip("skipping acceptance test: set TF_ACC=1 or run make test")
	}
}

// Env is one test's cloud: a mock server and an account of its own.
type Env struct {
	Server *mockcloud.Server
	Cred   mockcloud.Credential
}

// NewEnv starts an in-process mock on loopback (seed topology unless
// opts.Fixtures says otherwise) and stops it when the test ends. Unless
// opts.Transitions or the fixtures say otherwise, HaVips and EIPs change
// state as on the service, each state shown to at least one describe (the
// short profile), so every test goes through the waiters;
// HAVIP_ACC_TRANSITIONS names another profile (immediate, realistic,
// overrides) for a whole run.
func NewEnv(t *testing.T, opts mockcloud.Options) *Env {
	t.Helper()
	PreCheck(t)
	if opts.Transitions == nil && (opts.Fixtures == nil || len(opts.Fixtures.Transitions) == 0) {
		spec := os.Getenv("HAVIP_ACC_TRANSITIONS")
		if spec == "" {
			spec = mockcloud.ProfileShort
		}
		ts, err := mockcloud.TransitionProfile(spec)
		if err != nil {
			t.Fatalf("HAVIP_ACC_TRANSITIONS: %v", err)
		}
		opts.Transitions = ts
	}
	s, err := mockcloud.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &Env{Server: s, Cred: s.Credentials()}
}

// ProviderBlock is the provider configuration that points at the mock.
// extra is inserted into the block (quotas, max_retries…).
func (e *Env) ProviderBlock(extra string) string {
	return fmt.Sprintf(`
provider "havip" {
  region     = %q
  access_key = %q
  secret_key = %q
  protocol   = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
%s
}
`, e.Server.Region(), e.Cred.AccessKeyID, e.Cred.AccessKeySecret, e.Server.Endpoint(), e.Server.Endpoint(), extra)
}

// Config prepends the provider block to a test configuration.
func (e *Env) Config(body string) string { return e.ProviderBlock("") + body }

// MutatingCalls lists the mutating API calls the mock received for this
// test's account since seq (0 = ever).
func (e *Env) MutatingCalls(since int64) []mockcloud.JournalEntry {
	return e.Server.Journal(mockcloud.JournalFilter{Account: e.Cred.AccountID, Mutating: true, Since: since})
}

// Describe renders journal entries as a short text for failure messages.
func Describe(entries []mockcloud.JournalEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "  #%d %s %d %s\n", e.Seq, e.Action, e.Status, e.Code)
	}
	return b.String()
}

// Seed topology IDs of mockcloud.SeedFixtures, named for readable tests.
var (
	SeedVPC     = mockcloud.SeedFixtures().VPCs[0].ID
	SeedVSwitch = mockcloud.SeedFixtures().VSwitches[0].ID
	SeedECS1    = mockcloud.SeedFixtures().Instances[0].ID
	SeedECS2    = mockcloud.SeedFixtures().Instances[1].ID
	SeedEIP     = mockcloud.SeedFixtures().EIPs[0].ID
)

// VPCClient is an SDK client on the test's account, for out-of-band
// changes a person would make in the console.
func (e *Env) VPCClient(t *testing.T) *vpc.Client {
	t.Helper()
	alicloud.PrepareSDK()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	c, err := vpc.NewClientWithOptions(e.Server.Region(), cfg, credentials.NewStaticAKCredentialsProvider(e.Cred.AccessKeyID, e.Cred.AccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = e.Server.Endpoint()
	return c
}

// WaitEIPStatus describes the EIP until it shows status, for tests that
// change it out of band and must let its transition end first (each
// describe also moves the mock's describe-counted transitions on).
func (e *Env) WaitEIPStatus(t *testing.T, allocationID, status string) {
	t.Helper()
	c := e.VPCClient(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.AllocationId = allocationID
		resp, err := c.DescribeEipAddresses(req)
		if err != nil {
			t.Fatal(err)
		}
		if l := resp.EipAddresses.EipAddress; len(l) == 1 && l[0].Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("EIP %s never became %s", allocationID, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// HaVips lists the account's HaVips as the mock holds them.
func (e *Env) HaVips(t *testing.T) []vpc.HaVip {
	t.Helper()
	c := e.VPCClient(t)
	var out []vpc.HaVip
	for page := 1; ; page++ {
		req := vpc.CreateDescribeHaVipsRequest()
		req.PageSize = requests.NewInteger(50)
		req.PageNumber = requests.NewInteger(page)
		resp, err := c.DescribeHaVips(req)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, resp.HaVips.HaVip...)
		if len(out) >= resp.TotalCount || len(resp.HaVips.HaVip) == 0 {
			return out
		}
	}
}
