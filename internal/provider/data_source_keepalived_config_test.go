package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
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
