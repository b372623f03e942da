package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// partialApply is a configuration whose apply stops half way: the HaVip is
// created in the same apply, so a rule that needs its ID runs only when
// Terraform plans again during apply, after the HaVip (and some of its
// members, EIPs or routes) exist. Before it destroys, Terraform refreshes
// with a normal plan of the whole configuration (hashicorp/terraform#32208),
// in which the refused resource, never created, is planned again.
type partialApply struct {
	name    string
	fx      func() *mockcloud.Fixtures
	body    string
	refusal string // the apply's error summary
	// made checks what the refused apply left in the mock.
	made func(t *testing.T, env *acctest.Env, havips []string)
}

func otherVSwitchFixtures() *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: accVSwitch2, VpcID: acctest.SeedVPC, Zone: "cn-hangzhou-h", CIDR: "192.168.1.0/24"})
	fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: accECS3, VSwitchID: accVSwitch2, PrivateIP: "192.168.1.10"})
	return fx
}

func partialApplies() []partialApply {
	members := func(n int) func(t *testing.T, env *acctest.Env, havips []string) {
		return func(t *testing.T, env *acctest.Env, havips []string) {
			t.Helper()
			hs := env.HaVips(t)
			for _, h := range hs {
				if h.HaVipId == havips[0] && len(h.AssociatedInstances.AssociatedInstance) == n {
					return
				}
			}
			t.Fatalf("want the new HaVip with %d members after the refused apply, got %+v", n, hs)
		}
	}
	// havipOnly: the data source stops the apply after the HaVip is made
	// (and maybe its members, made alongside the read).
	havipOnly := func(t *testing.T, env *acctest.Env, havips []string) {
		t.Helper()
		for _, h := range env.HaVips(t) {
			if h.HaVipId == havips[0] && h.VSwitchId == acctest.SeedVSwitch {
				return
			}
		}
		t.Fatalf("want the new HaVip in the seed vSwitch after the refused apply, got %+v", env.HaVips(t))
	}
	return []partialApply{
		{
			name: "havip_attachment/11th member", fx: func() *mockcloud.Fixtures { return fixturesWithENIs(11) },
			body:    havipConfig(`  ip_address = "192.168.0.24"`) + eniAttachments("havip.test.id", accENIs(1, 11)),
			refusal: "Too many HaVip members", made: members(10),
		},
		{
			name: "havip_attachment/member in another vSwitch", fx: otherVSwitchFixtures,
			body: havipConfig("") + strings.ReplaceAll(attachmentConfig("ecs1", "HAVIP", acctest.SeedECS1, "")+
				attachmentConfig("ecs3", "HAVIP", accECS3, ""), `"HAVIP"`, "havip.test.id"),
			refusal: "Member in another vSwitch", made: members(1),
		},
		{
			name: "havip_members/member in another vSwitch", fx: otherVSwitchFixtures,
			body: havipConfig("") + fmt.Sprintf(`
resource "havip_members" "web" {
  havip_id   = havip.test.id
  member_ids = [%q, %q]
}
`, acctest.SeedECS1, accECS3),
			refusal: "Member in another vSwitch", made: members(0),
		},
		{
			name: "havip_eip_association/second EIP",
			fx: func() *mockcloud.Fixtures {
				fx := mockcloud.SeedFixtures()
				fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"})
				return fx
			},
			body: havipConfig("") + strings.ReplaceAll(eipAssociationConfig("a", "HAVIP", acctest.SeedEIP)+
				eipAssociationConfig("b", "HAVIP", accEIP2), `"HAVIP"`, "havip.test.id"),
			refusal: "HaVip already has an EIP",
			made: func(t *testing.T, env *acctest.Env, havips []string) {
				for _, h := range env.HaVips(t) {
					if h.HaVipId == havips[0] && len(h.AssociatedEipAddresses.AssociatedEipAddresse) == 1 {
						return
					}
				}
				t.Fatalf("want the new HaVip with one EIP after the refused apply, got %+v", env.HaVips(t))
			},
		},
		{
			// The data source is read during apply (its virtual_ips wait
			// for the HaVip), and again in the destroy's refresh, where a
			// resource reads the outputs of the node at fault.
			name: "havip_keepalived_config/private_ip not the instance's", fx: mockcloud.SeedFixtures,
			body: havipConfig("") + strings.Replace(kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1))+
				kaNode("ecs2", "192.168.0.62", fmt.Sprintf("%q", acctest.SeedECS2))),
				`["192.168.0.24"]`, "[havip.test.ip_address]", 1) + `
resource "terraform_data" "ecs2_boot" {
  input = data.havip_keepalived_config.x.configs["ecs2"].user_data
}
`,
			refusal: "nodes[1].private_ip is not the address of",
			made:    havipOnly,
		},
		{
			// The linter's finding, known only once the HaVip's address
			// is: Terraform validates the data source again before each
			// read, in the destroy's refresh too.
			name: "havip_keepalived_config/a node's address is the VIP", fx: mockcloud.SeedFixtures,
			body: havipConfig("") + strings.Replace(kaCluster(kaNode("ecs1", "192.168.0.25", "")+
				`
    { name = "ecs2", private_ip = havip.test.ip_address },`),
				`["192.168.0.24"]`, "[havip.test.ip_address]", 1),
			refusal: "Invalid keepalived cluster: virtual_ips[0]",
			made:    havipOnly,
		},
		{
			// member_ids known only during apply: Terraform validates the
			// resource again with them, in the destroy's refresh too.
			name: "havip_members/ECS and ENI mixed, known during apply", fx: func() *mockcloud.Fixtures { return fixturesWithENIs(1) },
			body: havipConfig("") + fmt.Sprintf(`
resource "terraform_data" "m1" {
  input = %q
}

resource "terraform_data" "m2" {
  input = %q
}

resource "havip_members" "web" {
  havip_id   = havip.test.id
  member_ids = [terraform_data.m1.output, terraform_data.m2.output]
}
`, acctest.SeedECS1, accENI(1)),
			refusal: "ECS and ENI members mixed", made: havipOnly,
		},
		{
			name: "havip_route_entry/table of another VPC", fx: routeFixtures,
			body: havipConfig("") + routeConfig("near", routeCustom, "10.5.0.0/16", "havip.test.id", "") +
				routeConfig("far", routeTable2, "10.6.0.0/16", "havip.test.id", ""),
			refusal: "Route table in another VPC",
			made: func(t *testing.T, env *acctest.Env, _ []string) {
				if got := len(mockRoutes(t, env, routeCustom)); got != 1 {
					t.Fatalf("want the route of the seed VPC made by the refused apply, got %d routes", got)
				}
			},
		},
	}
}

// havipIDs lists the IDs of the HaVips the mock holds.
func havipIDs(t *testing.T, env *acctest.Env) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, h := range env.HaVips(t) {
		ids[h.HaVipId] = true
	}
	return ids
}

// A plain terraform destroy removes whatever a partly failed apply made:
// the provider, started by the CLI as its child, reads on the command line
// that the plan is a destroy's refresh, and the rules about creating the
// refused resource only warn there (Terraform shows the refresh's errors,
// not its warnings). The same plan outside a destroy still
// refuses it. The provider is built and started by the CLI as for a user
// (terraform-plugin-testing always destroys without the refresh, and an
// attached provider is nobody's child).
func TestAccProvider_destroyAfterPartialApply(t *testing.T) {
	t.Parallel()
	bin := acctest.BuildProvider(t)
	for _, tc := range partialApplies() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: tc.fx()})
			before := havipIDs(t, env)
			cli := acctest.NewBinaryCLI(t, bin, env.Config(tc.body))
			out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
			if err == nil || !strings.Contains(out, tc.refusal) {
				t.Fatalf("the apply was not refused with %q:\n%s", tc.refusal, out)
			}
			if strings.Contains(out, "-refresh=false") {
				t.Errorf("an apply whose command line the provider read says how to destroy:\n%s", out)
			}
			var made []string
			for id := range havipIDs(t, env) {
				if !before[id] {
					made = append(made, id)
				}
			}
			if len(made) != 1 {
				t.Fatalf("want the one HaVip the refused apply created, got %v", made)
			}
			tc.made(t, env, made)

			// Outside a destroy, the wrong configuration still fails at plan.
			if out, err := cli.Run("plan", "-no-color", "-input=false"); err == nil || !strings.Contains(out, "Error: "+tc.refusal) {
				t.Fatalf("terraform plan after the partial apply no longer refuses it (%v):\n%s", err, out)
			}

			out, err = cli.Run("destroy", "-auto-approve", "-no-color", "-input=false")
			if err != nil {
				t.Fatalf("terraform destroy after the partial apply failed:\n%s", out)
			}
			if left := havipIDs(t, env); len(left) != len(before) || left[made[0]] {
				t.Fatalf("HaVips left after terraform destroy: %v (the fixtures hold %d):\n%s", left, len(before), out)
			}
			if strings.HasPrefix(tc.name, "havip_route_entry") {
				if got := len(mockRoutes(t, env, routeCustom)); got != 0 {
					t.Fatalf("%d routes left after terraform destroy", got)
				}
			}
		})
	}
}

// When the provider cannot tell the command (here: it is served in-process
// and attached to, as in a debugger), the refusal stays in the destroy's
// refresh and names the way out, which removes everything.
func TestAccProvider_destroyAfterPartialApplyCommandUnknown(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixturesWithENIs(11)})
	cli := acctest.NewCLI(t, env.Config(havipConfig(`  ip_address = "192.168.0.24"`)+eniAttachments("havip.test.id", accENIs(1, 11))))
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(out, "Too many HaVip members") {
		t.Fatalf("the apply of 11 members was not refused:\n%s", out)
	}
	if hs := env.HaVips(t); len(hs) != 1 || len(hs[0].AssociatedInstances.AssociatedInstance) != 10 {
		t.Fatalf("want the HaVip with 10 members after the refused apply, got %+v", hs)
	}
	out, err = cli.Run("destroy", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(out, "Too many HaVip members") {
		t.Fatalf("with the command unknown, the destroy's refresh no longer refuses the 11th member:\n%s", out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "terraform destroy -refresh=false") {
		t.Fatalf("the refusal does not name terraform destroy -refresh=false:\n%s", out)
	}
	out, err = cli.Run("destroy", "-refresh=false", "-auto-approve", "-no-color", "-input=false")
	if err != nil {
		t.Fatalf("terraform destroy -refresh=false after the partial apply failed:\n%s", out)
	}
	if hs := env.HaVips(t); len(hs) != 0 {
		t.Fatalf("%d HaVips left after destroy:\n%s", len(hs), out)
	}
}
