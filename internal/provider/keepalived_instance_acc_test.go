package provider_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
	"github.com/havip-oss/terraform-provider-havip/internal/provider"
)

// A node's instance_id makes the data source check its private_ip
// against the instance's primary private address: a typo is an error on
// that node's private_ip naming the real address, and nothing is
// rendered; an instance that does not exist is an error on instance_id.

// kaInstanceENI is a secondary ENI on the seed's ECS 1, at .40.
const kaInstanceENI = "eni-bp1kainstance00000001"

func kaInstanceEnv(t *testing.T) *acctest.Env {
	fx := mockcloud.SeedFixtures()
	fx.ENIs = []mockcloud.FixtureENI{{ID: kaInstanceENI, VSwitchID: acctest.SeedVSwitch, PrivateIP: "192.168.0.40", InstanceID: acctest.SeedECS1}}
	return acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
}

// kaCluster is a keepalived_config data source "x" over the given nodes.
func kaCluster(nodes string) string {
	return `
data "havip_keepalived_config" "x" {
  virtual_ips       = ["192.168.0.24"]
  virtual_router_id = 51
  nodes = [` + nodes + `
  ]
}
`
}

func kaNode(name, ip, instance string) string {
	if instance == "" {
		return fmt.Sprintf("\n    { name = %q, private_ip = %q },", name, ip)
	}
	return fmt.Sprintf("\n    { name = %q, private_ip = %q, instance_id = %s },", name, ip, instance)
}

// describeCalls counts the ECS reads the mock answered since seq.
func describeCalls(env *acctest.Env, since int64) map[string]int {
	out := map[string]int{}
	for _, j := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Since: since}) {
		if j.Action == "DescribeInstances" || j.Action == "DescribeNetworkInterfaces" {
			out[j.Action]++
		}
	}
	return out
}

// The right addresses render, for ECS instances and an ENI.
func TestAccKeepalivedConfig_instanceIDMatches(t *testing.T) {
	env := kaInstanceEnv(t)
	var since int64
	addr := "data.havip_keepalived_config.x"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { since = env.Server.JournalSeq() },
			Config: env.Config(kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1)) +
				kaNode("ecs2", "192.168.0.26", fmt.Sprintf("%q", acctest.SeedECS2)) +
				kaNode("eni", "192.168.0.40", fmt.Sprintf("%q", kaInstanceENI)))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("configs").AtMapKey("ecs2").AtMapKey("config"),
					knownvalue.StringRegexp(regexp.MustCompile(`unicast_src_ip 192\.168\.0\.26\n`))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("nodes").AtSliceIndex(2).AtMapKey("instance_id"), knownvalue.StringExact(kaInstanceENI)),
			},
			Check: func(*terraform.State) error {
				// ECS instances are read with DescribeInstances, the ENI
				// with DescribeNetworkInterfaces.
				got := describeCalls(env, since)
				if got["DescribeInstances"] == 0 || got["DescribeNetworkInterfaces"] == 0 {
					return fmt.Errorf("ECS reads %v: want both DescribeInstances and DescribeNetworkInterfaces", got)
				}
				return nil
			},
		}},
	})
}

// A typo'd private_ip, a missing instance and a missing ENI stop the plan
// on that node, saying what the instance's address is; nothing is read
// into the state.
func TestAccKeepalivedConfig_instanceIDMismatch(t *testing.T) {
	env := kaInstanceEnv(t)
	ecs1, ecs2 := fmt.Sprintf("%q", acctest.SeedECS1), fmt.Sprintf("%q", acctest.SeedECS2)
	cases := map[string]struct{ nodes, want string }{
		"typo in private_ip": {kaNode("ecs1", "192.168.0.25", ecs1) + kaNode("ecs2", "192.168.0.62", ecs2),
			`(?s)nodes\[1\]\.private_ip is not the address of\s+` + acctest.SeedECS2 + `.*Node "ecs2" has private_ip 192\.168\.0\.62, but its ECS\s+instance\s+` +
				acctest.SeedECS2 + `\s+has the primary private IPv4 address\s+192\.168\.0\.26.*Set\s+private_ip = "192\.168\.0\.26",\s+or,.*secondary\s+ENI.*set\s+instance_id\s+to\s+that\s+ENI's\s+ID`},
		"another node's address": {kaNode("ecs1", "192.168.0.26", ecs1) + kaNode("ecs2", "192.168.0.25", ecs2),
			`(?s)nodes\[0\]\.private_ip is not the address of.*primary private IPv4 address\s+192\.168\.0\.25`},
		"ENI address": {kaNode("ecs1", "192.168.0.25", ecs1) + kaNode("eni", "192.168.0.41", fmt.Sprintf("%q", kaInstanceENI)),
			`(?s)nodes\[1\]\.private_ip is not the address of\s+` + kaInstanceENI + `.*its ENI\s+` + kaInstanceENI + `\s+has the primary private\s+IPv4 address\s+192\.168\.0\.40`},
		"missing instance": {kaNode("ecs1", "192.168.0.25", ecs1) + kaNode("ecs2", "192.168.0.26", `"i-bp1doesnotexist0000001"`),
			`(?s)nodes\[1\]\.instance_id: ECS instance not found.*ECS instance\s+i-bp1doesnotexist0000001\s+of node "ecs2" does not exist in region\s+cn-hangzhou`},
		"missing ENI": {kaNode("ecs1", "192.168.0.25", ecs1) + kaNode("eni", "192.168.0.40", `"eni-bp1doesnotexist00001"`),
			`(?s)nodes\[1\]\.instance_id: ENI not found.*ENI eni-bp1doesnotexist00001 of node "eni" does not\s+exist`},
		"not an instance ID": {kaNode("ecs1", "192.168.0.25", ecs1) + kaNode("ecs2", "192.168.0.26", `"vsw-bp1seedvsw000000000001"`),
			`(?s)must be an ECS instance or ENI ID starting with\s+i- or eni-`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.Config(kaCluster(c.nodes)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// An instance_id that is unknown at plan (an instance created in the same
// apply; terraform_data stands in for it) defers the read, and so the
// check, to the apply: the plan shows the read, the apply refuses a typo
// before anything that uses the configs is created, and with the right
// address the configs render.
func TestAccKeepalivedConfig_instanceIDUnknownUntilApply(t *testing.T) {
	env := kaInstanceEnv(t)
	config := func(ip string) string {
		return env.Config(fmt.Sprintf(`
resource "terraform_data" "ecs2" {
  input = %q
}

resource "terraform_data" "user_data" {
  input = data.havip_keepalived_config.x.configs["ecs2"].state
}
`, acctest.SeedECS2) + kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1))+
			kaNode("ecs2", ip, "terraform_data.ecs2.output")))
	}
	addr := "data.havip_keepalived_config.x"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("192.168.0.62"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionRead),
					plancheck.ExpectResourceAction("terraform_data.user_data", plancheck.ResourceActionCreate),
				}},
				ExpectError: regexp.MustCompile(`(?s)nodes\[1\]\.private_ip is not the address of\s+` + acctest.SeedECS2 + `.*192\.168\.0\.26`),
			},
			{
				// The failed apply created the stand-in instance, and not
				// what uses the configs; now the ID is known, the data
				// source is read at plan.
				Config: config("192.168.0.26"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("terraform_data.ecs2", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("terraform_data.user_data", plancheck.ResourceActionCreate),
				}},
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config("192.168.0.26"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("configs").AtMapKey("ecs2").AtMapKey("config"),
						knownvalue.StringRegexp(regexp.MustCompile(`unicast_src_ip 192\.168\.0\.26\n`))),
					statecheck.ExpectKnownValue("terraform_data.user_data", tfjsonpath.New("output"), knownvalue.StringExact("BACKUP")),
				},
			},
		},
	})
}

// Without instance_id the data source needs no credentials and makes no
// call; with one and no credentials it says what is missing, on the node.
func TestAccKeepalivedConfig_instanceIDNeedsCredentials(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY",
		"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION", "ALIBABA_CLOUD_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("ALIBABA_CLOUD_CONFIG_FILE", t.TempDir()+"/none.json")
	const prov = "\nprovider \"havip\" {\n  region = \"cn-hangzhou\"\n}\n"
	two := kaNode("ecs1", "192.168.0.25", "") + kaNode("ecs2", "192.168.0.26", "")
	if diags, failed, out := acctest.NewCLI(t, prov+kaCluster(two)).Plan(); failed || len(diags) != 0 {
		t.Fatalf("without instance_id and without credentials the plan must succeed quietly:\n%s", out)
	}
	withID := kaNode("ecs1", "192.168.0.25", "") + kaNode("ecs2", "192.168.0.26", fmt.Sprintf("%q", acctest.SeedECS2))
	diags, failed, out := acctest.NewCLI(t, prov+kaCluster(withID)).Plan()
	if !failed || len(diags) != 1 || diags[0].Summary != "Cannot check nodes[1].private_ip against its instance" ||
		!regexp.MustCompile(`No credentials are configured`).MatchString(diags[0].Detail) ||
		!regexp.MustCompile(`remove instance_id to render without any API call`).MatchString(diags[0].Detail) {
		t.Fatalf("want one error on nodes[1].instance_id saying credentials are missing:\n%s", out)
	}
}

// The data source's own permissions, proven alone: with instance_id it
// needs exactly ecs:DescribeInstances (ECS nodes) and
// ecs:DescribeNetworkInterfaces (ENI nodes), and each one refused stops
// the read on the data source, naming the action; without instance_id it
// needs no permission at all.
func TestAccRAM_keepalivedConfigInstances(t *testing.T) {
	acctest.PreCheck(t)
	const self = "havip_keepalived_config"
	withIDs := kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1)) +
		kaNode("eni", "192.168.0.40", `"eni-bp1ramtest0000000001"`))
	// called lists what the data source asked for: the provider's
	// sign-in also lists HaVips once to check the region, and goes on
	// when that is refused.
	called := func(env *ramEnv) []string {
		_, c, _ := env.calls(0)
		var out []string
		for a := range c {
			if a != "vpc:DescribeHaVips" {
				out = append(out, a)
			}
		}
		sort.Strings(out)
		return out
	}
	documented := func() []string {
		var out []string
		for _, p := range provider.RAMTable() {
			if p.Type == self {
				for _, u := range p.Uses {
					out = append(out, u.Action)
				}
			}
		}
		sort.Strings(out)
		return out
	}()
	t.Run("documented policy", func(t *testing.T) {
		env := newRAMEnv(t, provider.RAMPolicy([]string{self}))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.block + withIDs,
				Check: func(*terraform.State) error {
					if got := called(env); strings.Join(got, " ") != strings.Join(documented, " ") {
						return fmt.Errorf("the data source called %v; its documented actions are %v", got, documented)
					}
					return nil
				},
			}},
		})
	})
	for _, action := range documented {
		t.Run("without "+action, func(t *testing.T) {
			env := newRAMEnv(t, provider.RAMPolicy([]string{self}, action))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: env.block + withIDs,
					ExpectError: regexp.MustCompile(`(?s)Error: Cannot read [^\n]+\s+with data\.` + self + `\.x,.*?` +
						words("access denied to "+action) + `.*?` + words("Grant "+action) + `.*?guides/ram-policy`),
				}},
			})
		})
	}
	t.Run("no instance_id, no permission", func(t *testing.T) {
		// A RAM policy needs a statement: this one allows only the
		// sign-in's region check.
		env := newRAMEnv(t, `{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["vpc:DescribeHaVips"], "Resource": ["*"]}]}`)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.block + kaCluster(kaNode("ecs1", "192.168.0.25", "")+kaNode("ecs2", "192.168.0.26", "")),
				Check: func(*terraform.State) error {
					if got := called(env); len(got) != 0 {
						return fmt.Errorf("without instance_id the data source called %v", got)
					}
					return nil
				},
			}},
		})
	})
}
