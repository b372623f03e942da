package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// withSummary keeps the diagnostics whose summary starts with prefix.
func withSummary(diags []acctest.Diagnostic, prefix string) []acctest.Diagnostic {
	var out []acctest.Diagnostic
	for _, d := range diags {
		if strings.HasPrefix(d.Summary, prefix) {
			out = append(out, d)
		}
	}
	return out
}

// Without credentials the schema's checks still refuse bad input at plan,
// and the checks that need the API warn, on the resource, that they were
// skipped and why, instead of passing silently.
func TestAccPlanWithoutCredentials(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY",
		"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION", "ALIBABA_CLOUD_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("ALIBABA_CLOUD_CONFIG_FILE", t.TempDir()+"/none.json")
	const prov = "\nprovider \"havip\" {\n  region = \"cn-hangzhou\"\n}\n"

	diags, failed, out := acctest.NewCLI(t, prov+havipBody(`  ip_address = "fd00::24"`)).Plan()
	refused := withSummary(diags, "HaVip supports IPv4 only")
	if !failed || len(refused) != 1 || refused[0].Address != "havip.x" || !strings.HasPrefix(refused[0].Line(), "ip_address") {
		t.Fatalf("an IPv6 address was not refused on ip_address at plan without credentials:\n%s", out)
	}

	diags, failed, out = acctest.NewCLI(t, prov+havipBody(`  ip_address = "192.168.9.24"`)+attachBody(accHaVip(1), acctest.SeedECS1, "")).Plan()
	if failed {
		t.Fatalf("plan failed:\n%s", out)
	}
	warned := map[string]bool{}
	for _, d := range withSummary(diags, "Plan-time checks against Alibaba Cloud were skipped") {
		if d.Severity != "warning" || !strings.Contains(d.Detail, "No credentials are configured") || warned[d.Address] {
			t.Fatalf("want one warning per resource saying why, got %+v", d)
		}
		warned[d.Address] = true
	}
	if !warned["havip.x"] || !warned["havip_attachment.x"] || len(warned) != 2 {
		t.Fatalf("warnings on %v, want havip.x and havip_attachment.x:\n%s", warned, out)
	}
}

// force = true on havip_eip_association sends Force=true with
// UnassociateEipAddress; without it, Force is not sent at all.
func TestAccEIPAssociation_forceIsSent(t *testing.T) {
	t.Parallel()
	for _, force := range []bool{true, false} {
		t.Run(fmt.Sprintf("force=%t", force), func(t *testing.T) {
			t.Parallel()
			fx := mockcloud.SeedFixtures()
			fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
			before := env.Server.JournalSeq()
			body := fmt.Sprintf(`
resource "havip_eip_association" "test" {
  havip_id      = %q
  allocation_id = %q
  force         = %t
}
`, accHaVip(1), acctest.SeedEIP, force)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.Config(body)}},
				CheckDestroy: func(*terraform.State) error {
					calls := env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Action: "UnassociateEipAddress", Since: before})
					if len(calls) == 0 {
						return fmt.Errorf("destroy made no UnassociateEipAddress call")
					}
					for _, c := range calls {
						got, sent := c.Params["Force"]
						if force && got != "true" || !force && sent {
							return fmt.Errorf("force = %t sent Force=%q (sent: %t)", force, got, sent)
						}
					}
					return nil
				},
			})
		})
	}
}

// The HaVip quota counts the HaVips planned in the same plan: with room for
// one more, a plan of two is refused on vswitch_id, once, without a call.
func TestAccHaVipQuotaCountsPlannedHaVips(t *testing.T) {
	t.Parallel()
	fx := mockcloud.SeedFixtures()
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	before := env.Server.JournalSeq()
	body := fmt.Sprintf(`
resource "havip" "a" {
  vswitch_id = %q
}

resource "havip" "b" {
  vswitch_id = %q
}
`, acctest.SeedVSwitch, acctest.SeedVSwitch)
	cli := acctest.NewCLI(t, env.ProviderBlock("  quotas {\n    havips_per_account = 2\n  }")+body)
	diags, failed, out := cli.Plan()
	refused := withSummary(diags, "HaVip quota of the account reached")
	if !failed || len(refused) != 1 || !strings.HasPrefix(refused[0].Line(), "vswitch_id") ||
		!strings.Contains(refused[0].Detail, "1 of them planned in this plan") {
		t.Fatalf("want one refusal on vswitch_id counting the planned HaVip, got:\n%s", out)
	}
	expectNoMutations(t, env, before)
}

// The per-VPC quota counts the HaVips planned in the same run for that
// VPC, and only those: of two new HaVips in a VPC that holds one already
// (quota 2), one is refused, while a HaVip planned in another VPC is not.
func TestAccHaVipVPCQuotaCountsPlannedHaVips(t *testing.T) {
	t.Parallel()
	fx := mockcloud.SeedFixtures()
	fx.VPCs = append(fx.VPCs, mockcloud.FixtureVPC{ID: routeVPC2, Region: "cn-hangzhou", CIDR: "10.0.0.0/16"})
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: routeVSwitch2, VpcID: routeVPC2, CIDR: "10.0.0.0/24"})
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	before := env.Server.JournalSeq()
	body := fmt.Sprintf(`
resource "havip" "a" {
  vswitch_id = %q
}

resource "havip" "b" {
  vswitch_id = %q
}

resource "havip" "far" {
  vswitch_id = %q
}
`, acctest.SeedVSwitch, acctest.SeedVSwitch, routeVSwitch2)
	cli := acctest.NewCLI(t, env.ProviderBlock("  quotas {\n    havips_per_account = 10\n    havips_per_vpc     = 2\n  }")+body)
	diags, failed, out := cli.Plan()
	refused := withSummary(diags, "HaVip quota of the VPC reached")
	if !failed || len(refused) != 1 || !strings.HasPrefix(refused[0].Line(), "vswitch_id") ||
		!strings.HasPrefix(refused[0].Address, "havip.a") && !strings.HasPrefix(refused[0].Address, "havip.b") ||
		!strings.Contains(refused[0].Detail, "1 in this VPC") {
		t.Fatalf("want one refusal on vswitch_id of havip.a or havip.b counting the HaVip planned in its VPC, got:\n%s", out)
	}
	if n := len(withSummary(diags, "HaVip quota of the account reached")); n != 0 {
		t.Fatalf("the account quota (10) refused %d HaVips:\n%s", n, out)
	}
	expectNoMutations(t, env, before)
}

// An ip_address that an ECS instance or an ENI holds is refused at plan on
// ip_address, naming the owner, without a mutating call.
func TestAccHaVipAddressOfAnInstanceOrENI(t *testing.T) {
	t.Parallel()
	fx := fixturesWithENIs(1)
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	for _, c := range []struct{ ip, owner string }{
		{"192.168.0.25", "ECS instance " + acctest.SeedECS1},
		{fx.ENIs[len(fx.ENIs)-1].PrivateIP, "ENI " + accENI(1)},
	} {
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.Config(havipBody(fmt.Sprintf("  ip_address = %q", c.ip))), PlanOnly: true,
				ExpectError: diagAt("IP address already used", "havip.x", "ip_address", c.ip+" is already used by "+c.owner),
			}},
		})
		expectNoMutations(t, env, before)
	}
}

// A provider region that does not exist is said once, on region, and
// nothing is checked or changed against it.
func TestAccUnknownRegion(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	before := env.Server.JournalSeq()
	prov := strings.Replace(env.ProviderBlock(""), fmt.Sprintf("region     = %q", env.Server.Region()), `region     = "cn-atlantis"`, 1)
	if !strings.Contains(prov, "cn-atlantis") {
		t.Fatal("could not set the region")
	}
	diags, failed, out := acctest.NewCLI(t, prov+havipBody(`  ip_address = "192.168.0.24"`)+attachBody(accHaVip(1), acctest.SeedECS1, "")).Plan()
	var errs []acctest.Diagnostic
	for _, d := range diags {
		if d.Severity == "error" {
			errs = append(errs, d)
		}
	}
	if !failed || len(errs) != 1 || errs[0].Summary != "Region not found" || !strings.HasPrefix(errs[0].Line(), "region") ||
		!strings.Contains(errs[0].Detail, `"cn-atlantis"`) {
		t.Fatalf("want exactly one error, on region, got:\n%s", out)
	}
	expectNoMutations(t, env, before)
}

// A problem inside nodes[i] or health_check is reported once, on the
// top-level attribute Terraform can show (not the data block), with the
// nested field in the summary.
func TestAccKeepalivedDiagnosticsOnePerProblem(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body, summary, line string
	}{
		{"priority 255", kaBody(map[string]string{"nodes": kaNodes(2, func(i int) string { return fmt.Sprintf(", priority = %d", 255-i) })}),
			"Invalid keepalived cluster: nodes[0].priority", "nodes"},
		{"priority 300", kaBody(map[string]string{"nodes": kaNodes(2, func(i int) string { return fmt.Sprintf(", priority = %d", 300-i) })}),
			"Invalid keepalived cluster: nodes[0].priority", "nodes"},
		{"relative script", kaBody(map[string]string{"health_check": `{ script = "check.sh" }`}),
			"Invalid keepalived cluster: health_check.script", "health_check"},
		{"VRID 0", kaBody(map[string]string{"virtual_router_id": "0"}),
			"Invalid keepalived cluster: virtual_router_id", "virtual_router_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			diags, failed, out := acctest.NewCLI(t, "\nprovider \"havip\" {}\n"+c.body).Plan()
			var errs []acctest.Diagnostic
			for _, d := range diags {
				if d.Severity == "error" && (d.Summary == c.summary || strings.Contains(d.Detail, "nodes[0].priority")) {
					errs = append(errs, d)
				}
			}
			if !failed || len(errs) != 1 || !strings.HasPrefix(errs[0].Line(), c.line) {
				t.Fatalf("want one error %q on %s, got:\n%s", c.summary, c.line, out)
			}
		})
	}
}
