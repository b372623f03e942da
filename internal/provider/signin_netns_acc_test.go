package provider_test

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/acctest/sandbox"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// The sign-in ways whose hosts cannot be redirected from inside the
// process (the ECS metadata service at 100.100.100.200, hard-coded in the
// libraries; profiles that call sts.<sts_region>.aliyuncs.com) run in a
// network namespace this test creates. It holds only loopback, the
// metadata address (on loopback) and a hosts file sending the STS hosts
// there; the mock serves both. Nothing in it leads off the machine, and
// the test binary runs again inside it with only this test selected.
func TestAccSignIn_inNamespace(t *testing.T) {
	if os.Getenv(sandbox.InNamespaceEnv) != "" {
		signInModesInNamespace(t)
		return
	}
	acctest.PreCheck(t)
	// The namespace's name is this process's own, and the run inside it
	// waits mostly on Terraform: it overlaps the other parallel tests.
	t.Parallel()
	if err := namespacesUsable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the sign-in namespace cannot be made in CI: %v", err)
		}
		t.Skipf("needs root and iproute2 to make a network namespace: %v", err)
	}
	ns := fmt.Sprintf("havip-signin-%d", os.Getpid())
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	etc := filepath.Join("/etc/netns", ns)
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", ns).Run()
		_ = os.RemoveAll(etc)
	})
	run("netns", "add", ns)
	run("-n", ns, "link", "set", "lo", "up")
	run("-n", ns, "addr", "add", "100.100.100.200/32", "dev", "lo")
	// ip netns exec mounts these over /etc/hosts and /etc/resolv.conf.
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	hosts := "127.0.0.1 localhost\n127.0.0.1 " + strings.Join(stsHosts, " ") + "\n"
	if err := os.WriteFile(filepath.Join(etc, "hosts"), []byte(hosts), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(etc, "resolv.conf"), []byte("nameserver 127.0.0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run", "^TestAccSignIn_inNamespace$", "-test.v", "-test.count=1", "-test.timeout=8m")
	cmd.Env = append(os.Environ(), sandbox.InNamespaceEnv+"="+ns, "TF_ACC=1")
	out, err := cmd.CombinedOutput()
	text := string(out)
	passed := regexp.MustCompile(`(?m)^\s*--- PASS: TestAccSignIn_inNamespace/(\S+)`).FindAllStringSubmatch(text, -1)
	if want := len(namespaceModes) + 2; err != nil || len(passed) != want || strings.Contains(text, "--- SKIP") {
		t.Fatalf("inside the namespace (%v; %d of %d passed):\n%s", err, len(passed), want, tail(text, 6000))
	}
	for _, p := range passed {
		t.Logf("passed in the namespace: %s", p[1])
	}
}

// stsHosts are the STS hosts the libraries call for a profile's sts_region.
var stsHosts = []string{"sts.aliyuncs.com", "sts.cn-hangzhou.aliyuncs.com", "sts-vpc.cn-hangzhou.aliyuncs.com"}

func namespacesUsable() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("not root")
	}
	_, err := exec.LookPath("ip")
	return err
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// namespaceModes: each way, what it writes in the provider block (and the
// profile file), and how its sessions are issued.
var namespaceModes = []struct {
	name    string
	block   func(t *testing.T, e *acctest.SignInEnv, profiles string) string
	profile string // a profile of the file, "" for none
	via     string
	role    string
}{
	{name: "ecs_role_name", via: mockcloud.ViaEcsMetadata, role: acctest.RoleECS,
		block: func(*testing.T, *acctest.SignInEnv, string) string {
			return fmt.Sprintf("  ecs_role_name = %q", acctest.RoleECS)
		}},
	{name: "profile EcsRamRole", via: mockcloud.ViaEcsMetadata, role: acctest.RoleECS,
		profile: fmt.Sprintf(`{"name":"p","mode":"EcsRamRole","ram_role_name":%q}`, acctest.RoleECS)},
	{name: "profile RamRoleArn", via: mockcloud.ViaAssumeRole, role: acctest.RoleDeployer,
		profile: fmt.Sprintf(`{"name":"p","mode":"RamRoleArn","access_key_id":%q,"access_key_secret":%q,"ram_role_arn":%q,"ram_session_name":"cli","sts_region":"cn-hangzhou"}`,
			acctest.PlatformUser, acctest.SecretOf(acctest.PlatformUser), acctest.RoleARN(acctest.RoleDeployer))},
	{name: "profile ChainableRamRoleArn", via: mockcloud.ViaAssumeRole, role: acctest.RolePartner,
		profile: fmt.Sprintf(`{"name":"ops","mode":"AK","access_key_id":%q,"access_key_secret":%q},
  {"name":"p","mode":"ChainableRamRoleArn","source_profile":"ops","ram_role_arn":%q,"ram_session_name":"chain","external_id":%q,"sts_region":"cn-hangzhou"}`,
			acctest.PartnerUser, acctest.SecretOf(acctest.PartnerUser), acctest.RoleARN(acctest.RolePartner), acctest.ExternalID)},
	{name: "profile OIDC", via: mockcloud.ViaAssumeRoleWithOIDC, role: acctest.RoleCI,
		profile: fmt.Sprintf(`{"name":"p","mode":"OIDC","oidc_provider_arn":%q,"oidc_token_file":"TOKEN_FILE","ram_role_arn":%q,"ram_session_name":"ci","sts_region":"cn-hangzhou"}`,
			acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI))},
	// assume_role on top of the instance's role: the role session assumes
	// another role through the STS endpoint of endpoints.sts.
	{name: "assume_role over ecs_role_name", via: mockcloud.ViaAssumeRole, role: acctest.RoleDeployer,
		block: func(*testing.T, *acctest.SignInEnv, string) string {
			return fmt.Sprintf("  ecs_role_name = %q\n  assume_role {\n    role_arn = %q\n  }", acctest.RoleECS, acctest.RoleARN(acctest.RoleDeployer))
		}},
}

// signInModesInNamespace runs inside the namespace: the mock serves STS on
// 127.0.0.1:443 for the STS host names and the metadata service on
// 100.100.100.200:80, as the real ones are reached.
func signInModesInNamespace(t *testing.T) {
	// With the metadata service there to answer, signing in with keys
	// never asks it: the provider does not probe for an instance role.
	t.Run("metadata service never asked unasked", func(t *testing.T) {
		e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
		serveAsAlibaba(t, e.Server)
		keys := fmt.Sprintf("  access_key = %q\n  secret_key = %q", acctest.AdminUser, acctest.SecretOf(acctest.AdminUser))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: e.SignInBlock(keys) + seedTopology(),
				Check: func(*terraform.State) error {
					if err := e.CheckSignedBy(acctest.AdminUser); err != nil {
						return err
					}
					for _, j := range e.Server.Journal(mockcloud.JournalFilter{}) {
						if j.Product == mockcloud.ViaEcsMetadata {
							return fmt.Errorf("the metadata service was asked: %s", j.Params["Path"])
						}
					}
					return nil
				},
			}},
		})
	})
	// Off ECS nothing answers at 100.100.100.200: the plan says so, on
	// ecs_role_name, and changes nothing.
	t.Run("metadata service unreachable", func(t *testing.T) {
		e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      e.SignInBlock(fmt.Sprintf("  ecs_role_name = %q", acctest.RoleECS)) + seedTopology(),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cannot sign in.*ecs_role_name.*100\.100\.100\.200.*did\s+not\s+answer.*works\s+only\s+on\s+an\s+ECS\s+instance`),
			}},
		})
		if calls := e.MutatingCalls(0); len(calls) != 0 {
			t.Fatalf("a failed sign-in changed something:\n%s", acctest.Describe(calls))
		}
	})
	for _, m := range namespaceModes {
		t.Run(m.name, func(t *testing.T) {
			e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
			serveAsAlibaba(t, e.Server)
			dir := t.TempDir()
			block := ""
			if m.block != nil {
				block = m.block(t, e, "")
			}
			if m.profile != "" {
				tokenFile := filepath.Join(dir, "oidc-token")
				if err := os.WriteFile(tokenFile, []byte(e.Token(t, time.Hour)), 0o600); err != nil {
					t.Fatal(err)
				}
				profiles := filepath.Join(dir, "config.json")
				doc := `{"current":"p","profiles":[` + strings.ReplaceAll(m.profile, "TOKEN_FILE", tokenFile) + `]}`
				if err := os.WriteFile(profiles, []byte(doc), 0o600); err != nil {
					t.Fatal(err)
				}
				block = fmt.Sprintf("  profile      = \"p\"\n  profile_file = %q", profiles)
			}
			// The libraries' own STS host and the metadata service, not the
			// endpoints.sts the world's block sets (assume_role uses that).
			cfg := e.SignInBlock(block) + seedTopology()
			steps := []resource.TestStep{
				{Config: cfg, Check: func(*terraform.State) error { return e.CheckSignedVia(m.via, m.role) }},
				{Config: cfg, Destroy: true, Check: func(*terraform.State) error {
					if hs := e.HaVips(t); len(hs) != 0 {
						return fmt.Errorf("%d HaVips left after destroy", len(hs))
					}
					return e.CheckSignedVia(m.via, m.role)
				}},
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
		})
	}
}

// serveAsAlibaba serves the mock where the libraries look for Alibaba
// Cloud: STS over TLS on port 443 of the STS host names (the namespace's
// hosts file sends them to loopback), the metadata service on port 80 of
// 100.100.100.200. One test at a time holds the ports.
func serveAsAlibaba(t *testing.T, s *mockcloud.Server) {
	t.Helper()
	ca, err := mockcloud.ProcessCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(append([]string{"127.0.0.1"}, stsHosts...)...)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := tls.Listen("tcp", "127.0.0.1:443", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	md, err := net.Listen("tcp", "100.100.100.200:80")
	if err != nil {
		sts.Close()
		t.Fatal(err)
	}
	servers := []*http.Server{{Handler: s, ReadHeaderTimeout: 10 * time.Second}, {Handler: s.MetadataHandler(), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = servers[0].Serve(sts) }()
	go func() { _ = servers[1].Serve(md) }()
	t.Cleanup(func() {
		for _, srv := range servers {
			srv.Close()
		}
	})
}
