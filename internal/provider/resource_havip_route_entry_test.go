package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// seedTable is the seed VPC's System route table, as the mock derives it.
var seedTable = "vtb-" + strings.TrimPrefix(acctest.SeedVPC, "vpc-")

const (
	routeVPC2     = "vpc-bp1routevpc000000000002"
	routeVSwitch2 = "vsw-bp1routevsw000000000002"
	routeTable2   = "vtb-bp1routevpc000000000002"
	routeCustom   = "vtb-bp1routecustom0000001"
)

func sdkRoute(t *testing.T, env *acctest.Env, table, dest, havipID string) string {
	t.Helper()
	req := vpc.CreateCreateRouteEntryRequest()
	req.RouteTableId, req.DestinationCidrBlock, req.NextHopType, req.NextHopId = table, dest, "HaVip", havipID
	resp, err := env.VPCClient(t).CreateRouteEntry(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.RouteEntryId
}

// A route to a HaVip created in the same apply: created (waiting through
// Pending), imported, and removed together with its HaVip, the route first.
func TestAccRouteEntry_createImportDestroy(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: routeFixtures()})
	cfg := env.Config(havipConfig(`  ip_address = "192.168.0.24"`) +
		routeConfig("web", routeCustom, "10.10.0.0/16", "havip.test.id", "  name        = \"to-web\"\n  description = \"on-premises to the web pair\"\n"))
	start := env.Server.JournalSeq()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkOnlyFixtureHaVips(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_route_entry.web", tfjsonpath.New("status"), knownvalue.StringExact("Available")),
					statecheck.ExpectKnownValue("havip_route_entry.web", tfjsonpath.New("route_entry_id"), knownvalue.StringRegexp(regexp.MustCompile(`^rte-[a-z0-9]+$`))),
					statecheck.ExpectKnownValue("havip_route_entry.web", tfjsonpath.New("name"), knownvalue.StringExact("to-web")),
				},
				Check: func(s *terraform.State) error {
					rs := mockRoutes(t, env, routeCustom)
					h := s.RootModule().Resources["havip.test"].Primary.ID
					if len(rs) != 1 || rs[0].Status != "Available" || rs[0].DestinationCidrBlock != "10.10.0.0/16" ||
						rs[0].NextHops.NextHop[0].NextHopType != "HaVip" || rs[0].NextHops.NextHop[0].NextHopId != h {
						return fmt.Errorf("the mock holds %+v, want one Available route 10.10.0.0/16 → %s", rs, h)
					}
					if id := s.RootModule().Resources["havip_route_entry.web"].Primary.ID; id != routeCustom+":"+rs[0].RouteEntryId {
						return fmt.Errorf("id %q", id)
					}
					return nil
				},
			},
			{
				ResourceName:            "havip_route_entry.web",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Removing both: Terraform deletes the route before the HaVip.
				Config: env.Config(""),
				Check: func(*terraform.State) error {
					if rs := mockRoutes(t, env, routeCustom); len(rs) != 0 {
						return fmt.Errorf("routes left: %+v", rs)
					}
					var order []string
					for _, e := range env.MutatingCalls(start) {
						if e.Committed && (e.Action == "DeleteRouteEntry" || e.Action == "DeleteHaVip") {
							order = append(order, e.Action)
						}
					}
					if strings.Join(order, ",") != "DeleteRouteEntry,DeleteHaVip" {
						return fmt.Errorf("deletions committed in order %v", order)
					}
					return nil
				},
			},
		},
	})
}

// A sixth HaVip route in one table is refused at plan time, with no
// mutating call, whether the other five exist already or are planned in
// the same run (HaVips created in the same apply included).
func TestAccRouteEntry_sixthRefusedAtPlan(t *testing.T) {
	t.Parallel()
	routes := func(from, to int, havip string) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			b.WriteString(routeConfig(fmt.Sprintf("r%d", i), routeCustom, fmt.Sprintf("10.%d.0.0/16", i), havip, ""))
		}
		return b.String()
	}
	cases := []struct {
		name     string
		existing int
		body     string
		detail   []string
	}{
		{"six planned with a new HaVip", 0, havipConfig("") + routes(1, 3, "havip.test.id") + routes(4, 6, fmt.Sprintf("%q", accHaVip(1))),
			[]string{"Route table " + routeCustom + " already has 0 route entries with a HaVip next hop; this plan adds", "at most 5"}},
		{"three existing, three planned", 3, routes(4, 6, fmt.Sprintf("%q", accHaVip(1))),
			[]string{"already has 3 route entries with a HaVip next hop: 10.1.0.0/16", "at most 5"}},
		{"five existing", 5, routes(6, 6, "havip.test.id") + havipConfig(""),
			[]string{"already has 5 route entries with a HaVip next hop", "CountLimitExceed.HaVipRouteEntry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := routeFixtures()
			fx.Transitions = nil
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
			for i := 1; i <= tc.existing; i++ {
				sdkRoute(t, env, routeCustom, fmt.Sprintf("10.%d.0.0/16", i), accHaVip(1))
			}
			before := env.Server.JournalSeq()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{Config: env.Config(tc.body), PlanOnly: true,
					ExpectError: diagAt("HaVip route quota of the route table reached", "", "route_table_id", tc.detail...)}},
			})
			expectNoMutations(t, env, before)
			if n := len(mockRoutes(t, env, routeCustom)); n != tc.existing {
				t.Fatalf("the table holds %d routes, want %d", n, tc.existing)
			}
		})
	}
	// A raised quota lets the sixth through, and applying it works.
	t.Run("quota raised", func(t *testing.T) {
		t.Parallel()
		fx := routeFixtures()
		fx.Quotas = map[string]int{mockcloud.QuotaHaVipRoutesPerTable: 6}
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             func(*terraform.State) error { return checkNoRoutes(t, env) },
			Steps: []resource.TestStep{{
				Config: env.ProviderBlock("  quotas {\n    havip_route_entries_per_table = 6\n  }") + routes(1, 6, fmt.Sprintf("%q", accHaVip(1))),
				Check:  func(*terraform.State) error { return expectRouteCount(t, env, 6) },
			}},
		})
	})
}

func expectRouteCount(t *testing.T, env *acctest.Env, n int) error {
	if got := len(mockRoutes(t, env, routeCustom)); got != n {
		return fmt.Errorf("the table holds %d routes, want %d", got, n)
	}
	return nil
}

func checkNoRoutes(t *testing.T, env *acctest.Env) error { return expectRouteCount(t, env, 0) }

// The other plan-time checks, each on its attribute, with no mutating call.
func TestAccRouteEntry_refusedAtPlanTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want *regexp.Regexp
	}{
		{"table of another VPC", routeConfig("far", routeTable2, "10.10.0.0/16", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Route table in another VPC", "havip_route_entry.far", "route_table_id",
				"Route table "+routeTable2+" belongs to VPC "+routeVPC2+", but HaVip "+accHaVip(1)+" is in VPC "+acctest.SeedVPC)},
		{"destination routed by the System entry of a vSwitch", routeConfig("dup", seedTable, "192.168.0.0/24", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Destination already routed", "havip_route_entry.dup", "destination_cidr_block", "192.168.0.0/24 is already routed in route table "+seedTable+" by System entry")},
		{"destination routed by an existing entry", routeConfig("dup", routeCustom, "10.1.0.0/16", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Destination already routed", "havip_route_entry.dup", "destination_cidr_block", "10.1.0.0/16 is already routed in route table "+routeCustom+" by Custom entry")},
		{"destination planned twice", routeConfig("a", routeCustom, "10.2.0.0/16", fmt.Sprintf("%q", accHaVip(1)), "") +
			havipConfig("") + routeConfig("b", routeCustom, "10.2.0.0/16", fmt.Sprintf("%q", accHaVip(2)), ""),
			diagAt("Destination planned twice", "", "destination_cidr_block", "routes 10.2.0.0/16 in route table "+routeCustom+" to HaVip")},
		{"destination planned twice for one HaVip", routeConfig("a", routeCustom, "10.2.0.0/16", fmt.Sprintf("%q", accHaVip(1)), "") +
			routeConfig("b", routeCustom, "10.2.0.0/16", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Destination planned twice", "", "destination_cidr_block", "routes 10.2.0.0/16 in route table "+routeCustom+" to HaVip")},
		{"table not found", routeConfig("nowhere", "vtb-bp1nosuchtable00000001", "10.10.0.0/16", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Route table not found", "havip_route_entry.nowhere", "route_table_id", "vtb-bp1nosuchtable00000001 does not exist")},
		{"HaVip not found", routeConfig("ghost", routeCustom, "10.10.0.0/16", `"havip-bp1nosuch00000000001"`, ""),
			diagAt("HaVip not found", "havip_route_entry.ghost", "havip_id", "havip-bp1nosuch00000000001 does not exist")},
		{"host bits set", routeConfig("bits", routeCustom, "10.10.0.1/16", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("Host bits set in the CIDR block", "havip_route_entry.bits", "destination_cidr_block", "Write 10.10.0.0/16")},
		{"IPv6", routeConfig("v6", routeCustom, "fd00::/8", fmt.Sprintf("%q", accHaVip(1)), ""),
			diagAt("IPv4 only", "havip_route_entry.v6", "destination_cidr_block")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := routeFixtures()
			fx.HaVips = append(fx.HaVips, fixtureHaVip(2))
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
			sdkRoute(t, env, routeCustom, "10.1.0.0/16", accHaVip(1))
			before := env.Server.JournalSeq()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.Config(tc.body), PlanOnly: true, ExpectError: tc.want}},
			})
			expectNoMutations(t, env, before)
		})
	}
}

// A HaVip that a route (made outside this configuration) points at is not
// deleted: the service refuses DeleteHaVip, which commits nothing, and the
// diagnostic names the route the refusal does not. Once the route is gone
// the HaVip is deleted.
func TestAccRouteEntry_routedHaVipNotDestroyed(t *testing.T) {
	fx := routeFixtures()
	fx.Transitions = nil // the out-of-band route is Available at once, so the test can delete it
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	var routeID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkOnlyFixtureHaVips(env, t),
		Steps: []resource.TestStep{
			{
				Config: env.Config(havipConfig("")),
				Check: func(s *terraform.State) error {
					routeID = sdkRoute(t, env, routeCustom, "10.10.0.0/16", s.RootModule().Resources["havip.test"].Primary.ID)
					return nil
				},
			},
			{
				Config:      env.Config(""),
				ExpectError: regexp.MustCompile(`(?s)Error: HaVip havip-[a-z0-9]+ is still the next hop of a route.*Route\s+entry\s+rte-[a-z0-9]+\s+\(10\.10\.0\.0/16\s+in\s+route\s+table\s+` + routeCustom + `\)\s+points\s+at\s+HaVip`),
			},
			{
				PreConfig: func() {
					deletes := journalOf(env, "DeleteHaVip", 0)
					if len(deletes) == 0 {
						t.Fatal("no DeleteHaVip reached the service")
					}
					for _, e := range deletes {
						if e.Committed || e.Code != rulebook.CodeDeleteWithRouteEntry {
							t.Fatalf("DeleteHaVip of a routed HaVip: code %q, committed %v; want %s, not committed", e.Code, e.Committed, rulebook.CodeDeleteWithRouteEntry)
						}
					}
					if hs := env.HaVips(t); len(hs) != 3 { // two fixtures and the routed one
						t.Fatalf("the routed HaVip is gone: %d HaVips", len(hs))
					}
					req := vpc.CreateDeleteRouteEntryRequest()
					req.RouteEntryId = routeID
					if _, err := env.VPCClient(t).DeleteRouteEntry(req); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.Config(""),
			},
		},
	})
}
