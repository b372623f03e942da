package provider_test

import (
	"fmt"
	"os"
	"regexp"
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
)

// The data source needs no credentials: it renders locally.
const seedKeepalived = `
provider "havip" {}

data "havip_keepalived_config" "seed" {
  name              = "havip_web"
  virtual_ips       = ["192.168.0.24"]
  virtual_router_id = 51
  interface         = "eth0"
  advert_int        = 1
  auth_pass         = "1111"
  subnet_cidr       = "192.168.0.0/24"
  nodes = [
    { name = "ecs1", private_ip = "192.168.0.25", priority = 100 },
    { name = "ecs2", private_ip = "192.168.0.26", priority = 10 },
  ]
}
`

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../keepalived/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The seed scenario through Terraform renders exactly the package's
// golden files, whole.
func TestAccKeepalivedConfig_seed(t *testing.T) {
	acctest.PreCheck(t)
	cfg := func(node, key string) tfjsonpath.Path {
		return tfjsonpath.New("configs").AtMapKey(node).AtMapKey(key)
	}
	addr := "data.havip_keepalived_config.seed"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: seedKeepalived,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "config"), knownvalue.StringExact(golden(t, "seed_ecs1.conf.golden"))),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "config"), knownvalue.StringExact(golden(t, "seed_ecs2.conf.golden"))),
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "user_data"), knownvalue.StringExact(golden(t, "seed_ecs1.user_data.golden"))),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "user_data"), knownvalue.StringExact(golden(t, "seed_ecs2.user_data.golden"))),
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "state"), knownvalue.StringExact("BACKUP")),
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "priority"), knownvalue.Int64Exact(100)),
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "failover_seconds"), knownvalue.Float64Exact(3.61)),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "failover_seconds"), knownvalue.Float64Exact(3.96)),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "graceful_failover_seconds"), knownvalue.Float64Exact(0.96)),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "check_failover_seconds"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "hung_check_failover_seconds"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("warnings"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// With a health check every node states how long it needs to take over
// when the MASTER's service fails: weight 0 puts that MASTER in FAULT, so
// fall × interval plus the backup's skew; a hung check adds its timeout
// and the runs keepalived skips meanwhile.
func TestAccKeepalivedConfig_healthCheckFailover(t *testing.T) {
	acctest.PreCheck(t)
	cfg := func(node, key string) tfjsonpath.Path {
		return tfjsonpath.New("configs").AtMapKey(node).AtMapKey(key)
	}
	addr := "data.havip_keepalived_config.x"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "havip" {}
data "havip_keepalived_config" "x" {
  virtual_ips       = ["192.168.0.24"]
  virtual_router_id = 51
  health_check      = { tcp_port = 8000, interval = 2, timeout = 2, fall = 3 }
  nodes = [
    { name = "ecs1", private_ip = "192.168.0.25", priority = 100 },
    { name = "ecs2", private_ip = "192.168.0.26", priority = 10 },
  ]
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				// 3 × 2 s + (256-10)/256 s.
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "check_failover_seconds"), knownvalue.Float64Exact(6.96)),
				// 2 s to the first hung run, 2 more hung runs 4 s apart, 2 s timeout.
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "hung_check_failover_seconds"), knownvalue.Float64Exact(12.96)),
				statecheck.ExpectKnownValue(addr, cfg("ecs1", "check_failover_seconds"), knownvalue.Float64Exact(6.61)),
				statecheck.ExpectKnownValue(addr, cfg("ecs2", "failover_seconds"), knownvalue.Float64Exact(3.96)),
			},
		}},
	})
}

// Lint errors stop the plan on the attribute they are about.
func TestAccKeepalivedConfig_planTimeErrors(t *testing.T) {
	acctest.PreCheck(t)
	cases := map[string]struct{ body, want string }{
		"auth_pass too long": {`
  auth_pass = "123456789"
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]`,
			`(?s)cluster: auth_pass.*at most\s+8`},
		"duplicate priorities": {`
  nodes = [{ name = "a", private_ip = "192.168.0.25", priority = 50 }, { name = "b", private_ip = "192.168.0.26", priority = 50 }]`,
			`(?s)cluster: nodes\[1\]\.priority.*already used by nodes\[0\]`},
		"vip is a node": {`
  nodes = [{ name = "a", private_ip = "192.168.0.24" }, { name = "b", private_ip = "192.168.0.26" }]`,
			`cluster: (virtual_ips\[0\]|nodes\[0\]\.private_ip)`},
		"v3 advert_int off the 10 ms grid": {`
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]
  vrrp_version = 3
  advert_int = 0.015`,
			`(?s)cluster: advert_int.*0\.01 s units`},
		"keepalived too old": {`
  keepalived_version = "2.1.5"
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]`,
			`(?s)cluster: keepalived_version.*2\.1\.5 is outside the supported\s+range 2\.2\.4 to 2\.4\.x`},
		"keepalived version malformed": {`
  keepalived_version = "2.2"
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]`,
			`(?s)cluster: keepalived_version.*not a keepalived\s+version`},
		"one node": {`
  nodes = [{ name = "a", private_ip = "192.168.0.25" }]`,
			`(?s)cluster: nodes.*at least 2 nodes`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `
provider "havip" {}
data "havip_keepalived_config" "x" {
  virtual_ips       = ["192.168.0.24"]
  virtual_router_id = 51
` + c.body + `
}`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}

// Inputs unknown at plan time defer the read instead of failing.
func TestAccKeepalivedConfig_unknownInputs(t *testing.T) {
	env := acctest.NewEnv(t, mockcloudOptions())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig("") + `
data "havip_keepalived_config" "x" {
  virtual_ips       = [havip.test.ip_address]
  virtual_router_id = 51
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.havip_keepalived_config.x", tfjsonpath.New("configs").AtMapKey("a").AtMapKey("state"), knownvalue.StringExact("BACKUP")),
			},
		}},
	})
}

// keepalived_version decides which keywords the configs may hold: 2.2.4
// lacks unicast_fault_no_peer, 2.2.5 and later get it.
func TestAccKeepalivedConfig_keepalivedVersion(t *testing.T) {
	acctest.PreCheck(t)
	config := func(version string) string {
		return `
provider "havip" {}
data "havip_keepalived_config" "x" {
  virtual_ips        = ["192.168.0.24"]
  virtual_router_id  = 51
  keepalived_version = "` + version + `"
  nodes = [{ name = "a", private_ip = "192.168.0.25" }, { name = "b", private_ip = "192.168.0.26" }]
}`
	}
	conf := tfjsonpath.New("configs").AtMapKey("a").AtMapKey("config")
	with := regexp.MustCompile(`\n    check_unicast_src\n(    #.*\n)*    unicast_fault_no_peer\n`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("2.2.4"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.havip_keepalived_config.x", conf, knownvalue.StringFunc(func(v string) error {
						if regexp.MustCompile(`unicast_fault_no_peer`).MatchString(v) {
							return fmt.Errorf("keepalived 2.2.4 does not know unicast_fault_no_peer, yet the config has it:\n%s", v)
						}
						return nil
					})),
				},
			},
			{
				Config: config("2.2.7"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.havip_keepalived_config.x", conf, knownvalue.StringRegexp(with)),
				},
			},
		},
	})
}

// A problem inside nodes[i] or health_check is reported once, on the
// top-level attribute Terraform can show (not the data block), with the
// nested field in the summary.
func TestAccKeepalivedConfig_onePerProblem(t *testing.T) {
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

// A node's instance_id makes the data source check its private_ip
// against the instance's primary private address: a typo is an error on
// that node's private_ip naming the real address, and nothing is
// rendered; an instance that does not exist is an error on instance_id.
func kaInstanceEnv(t *testing.T) *acctest.Env {
	fx := mockcloud.SeedFixtures()
	fx.ENIs = []mockcloud.FixtureENI{{ID: kaInstanceENI, VSwitchID: acctest.SeedVSwitch, PrivateIP: "192.168.0.40", InstanceID: acctest.SeedECS1}}
	return acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
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

// kaInstanceENI is a secondary ENI on the seed's ECS 1, at .40.
const kaInstanceENI = "eni-bp1kainstance00000001"

// When the provider cannot tell the command (served in-process and
// attached to), a node's wrong private_ip stays an error in the refresh
// terraform destroy runs first, and names the way out, which removes
// what the refused apply made.
func TestAccKeepalivedConfig_destroyCommandUnknown(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: mockcloud.SeedFixtures()})
	body := havipConfig("") + strings.Replace(kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1))+
		kaNode("ecs2", "192.168.0.62", fmt.Sprintf("%q", acctest.SeedECS2))),
		`["192.168.0.24"]`, "[havip.test.ip_address]", 1)
	cli := acctest.NewCLI(t, env.Config(body))
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(out, "is not the address of") {
		t.Fatalf("the apply was not refused for the wrong private_ip:\n%s", out)
	}
	if hs := env.HaVips(t); len(hs) != 1 {
		t.Fatalf("want the HaVip the refused apply made, got %+v", hs)
	}
	out, err = cli.Run("destroy", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "terraform destroy -refresh=false") {
		t.Fatalf("with the command unknown, the destroy's refresh does not refuse naming terraform destroy -refresh=false (%v):\n%s", err, out)
	}
	if out, err = cli.Run("destroy", "-refresh=false", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("terraform destroy -refresh=false failed:\n%s", out)
	}
	if hs := env.HaVips(t); len(hs) != 0 {
		t.Fatalf("%d HaVips left after destroy:\n%s", len(hs), out)
	}
}
