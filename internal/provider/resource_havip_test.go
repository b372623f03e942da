package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func TestAccHaVip_fixedIPUpdateImport(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: env.Config(havipConfig(`
  ip_address  = "192.168.0.24"
  name        = "web"
  description = "service IP of the web pair"
  tags = { env = "test", team = "sre" }
`)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^havip-[a-z0-9]+$`))),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("ip_address"), knownvalue.StringExact("192.168.0.24")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("vpc_id"), knownvalue.StringExact(acctest.SeedVPC)),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("status"), knownvalue.StringExact("Available")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("associated_instance_ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("test"), "team": knownvalue.StringExact("sre"),
					})),
				},
			},
			{
				ResourceName:            "havip.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: env.Config(havipConfig(`
  ip_address  = "192.168.0.24"
  name        = "web-renamed"
  description = "renamed in place"
  tags = { env = "prod" }
`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("name"), knownvalue.StringExact("web-renamed")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("description"), knownvalue.StringExact("renamed in place")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("prod"),
					})),
				},
			},
		},
	})
}

func TestAccHaVip_assignedIP(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig("")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("ip_address"),
					knownvalue.StringRegexp(regexp.MustCompile(`^192\.168\.0\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-2])$`))),
				statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("name"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("tags"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccHaVip_disappears(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig(`  ip_address = "192.168.0.24"`)),
			Check: func(s *terraform.State) error {
				req := vpc.CreateDeleteHaVipRequest()
				req.HaVipId = s.RootModule().Resources["havip.test"].Primary.ID
				_, err := env.VPCClient(t).DeleteHaVip(req)
				return err
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionCreate),
			}},
		}},
	})
}

// A HaVip deleted out of band and still Deleting cannot be kept or
// changed: the refresh drops it and the plan creates a new one. Deleting is
// held for the whole test (it lasts 1000 describes), and the second step's
// refresh takes the HaVip out of the state, so no destroy waits on it; the
// short delete timeout makes a regression fail in seconds, not hang.
func TestAccHaVip_deletingReadsAsGone(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Transitions: map[string]mockcloud.Transition{
		mockcloud.TransitionHaVipDelete: {Mode: "describes", Describes: 1000},
	}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig("  timeouts {\n    delete = \"10s\"\n  }")),
			Check: func(s *terraform.State) error {
				req := vpc.CreateDeleteHaVipRequest()
				req.HaVipId = s.RootModule().Resources["havip.test"].Primary.ID
				if _, err := env.VPCClient(t).DeleteHaVip(req); err != nil {
					return err
				}
				if hs := env.HaVips(t); len(hs) != 1 || hs[0].Status != "Deleting" {
					return fmt.Errorf("want the HaVip still Deleting, the mock has %+v", hs)
				}
				return nil
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionCreate),
			}},
		}, {
			RefreshState: true,
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources["havip.test"]; ok {
					return fmt.Errorf("the Deleting HaVip is still in the state")
				}
				return nil
			},
			ExpectNonEmptyPlan: true,
		}},
	})
}

// Each refused configuration must fail at plan time on its attribute and
// leave the mock's journal without a single mutating call.
func TestAccHaVip_planTimeErrors(t *testing.T) {
	full := mockcloud.SeedFixtures()
	for i := 0; i < 50; i++ {
		full.HaVips = append(full.HaVips, mockcloud.FixtureHaVip{VSwitchID: acctest.SeedVSwitch, IP: fmt.Sprintf("192.168.0.%d", 100+i)})
	}
	used := mockcloud.SeedFixtures()
	used.HaVips = []mockcloud.FixtureHaVip{{VSwitchID: acctest.SeedVSwitch, IP: "192.168.0.24"}}
	cases := []struct {
		name, body string
		fixtures   *mockcloud.Fixtures
		want       *regexp.Regexp
	}{
		{"ipv6", `  ip_address = "fd00::24"`, nil, regexp.MustCompile(`(?s)HaVip supports IPv4 only.*ip_address`)},
		{"outside the CIDR", `  ip_address = "192.168.1.24"`, nil, regexp.MustCompile(`(?s)192\.168\.1\.24 is outside CIDR\s+192\.168\.0\.0/24`)},
		{"reserved", `  ip_address = "192.168.0.255"`, nil, regexp.MustCompile(`(?s)Reserved IP address.*192\.168\.0\.255 is reserved`)},
		{"network address", `  ip_address = "192.168.0.0"`, nil, regexp.MustCompile(`Reserved IP address`)},
		{"used by another HaVip", `  ip_address = "192.168.0.24"`, used, regexp.MustCompile(`(?s)192\.168\.0\.24 is already used by HaVip\s+havip-.*terraform\s+import\s+<this\s+resource's\s+address>\s+havip-`)},
		{"full quota", `  ip_address = "192.168.0.24"`, full, regexp.MustCompile(`(?s)already has 50 HaVips.*limit is 50`)},
		{"unknown vswitch", ``, nil, nil},
		{"one address planned twice", `  ip_address = "192.168.0.24"`, nil, regexp.MustCompile(`(?s)IP address planned twice.*ip_address 192\.168\.0\.24`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: tc.fixtures})
			cfg := env.Config(havipConfig(tc.body))
			want := tc.want
			if tc.name == "one address planned twice" {
				cfg += fmt.Sprintf(`
resource "havip" "twin" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
}
`, acctest.SeedVSwitch)
			}
			if tc.name == "unknown vswitch" {
				cfg = env.Config(`
resource "havip" "test" {
  vswitch_id = "vsw-doesnotexist00000000001"
}
`)
				want = regexp.MustCompile(`vSwitch vsw-doesnotexist00000000001 does not exist`)
			}
			before := env.Server.JournalSeq()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: cfg, ExpectError: want, PlanOnly: true}},
			})
			if calls := env.MutatingCalls(before); len(calls) != 0 {
				t.Fatalf("a refused plan made mutating calls:\n%s", acctest.Describe(calls))
			}
		})
	}
}

// A response lost after CreateHaVip committed must not create a second
// HaVip: the retry carries the same ClientToken and gets the first result.
func TestAccHaVip_lostCreateResponse(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	id, err := env.Server.AddFault(mockcloud.FaultRule{Action: "CreateHaVip", Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig(`  ip_address = "192.168.0.24"`)),
			Check: func(*terraform.State) error {
				if r, _ := env.Server.Fault(id); r.Fired != 1 {
					return fmt.Errorf("the drop_after fault fired %d times, want 1", r.Fired)
				}
				if hs := env.HaVips(t); len(hs) != 1 {
					return fmt.Errorf("%d HaVips exist after a lost create response, want exactly 1", len(hs))
				}
				creates := env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Action: "CreateHaVip"})
				tokens := map[string]bool{}
				for _, c := range creates {
					tokens[c.Params["ClientToken"]] = true
				}
				if len(creates) < 2 || len(tokens) != 1 {
					return fmt.Errorf("want ≥2 CreateHaVip attempts with one ClientToken, got %d attempts and %d tokens", len(creates), len(tokens))
				}
				return nil
			},
		}},
	})
}

func TestAccHaVip_throttledThreeTimes(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	id, err := env.Server.AddFault(mockcloud.FaultRule{Action: "CreateHaVip", Count: 3, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{{
			Config: env.Config(havipConfig(`  ip_address = "192.168.0.24"`)),
			Check: func(*terraform.State) error {
				if r, _ := env.Server.Fault(id); r.Fired != 3 {
					return fmt.Errorf("throttling fired %d times, want 3", r.Fired)
				}
				if hs := env.HaVips(t); len(hs) != 1 {
					return fmt.Errorf("%d HaVips exist, want 1", len(hs))
				}
				return nil
			},
		}},
	})
}

// Replacing a HaVip at the quota is allowed: the old one is destroyed
// before the new one is created, so the check must not count it, nor
// treat its IP as taken.
func TestAccHaVip_replaceAtQuota(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	for i := 0; i < 49; i++ {
		fx.HaVips = append(fx.HaVips, mockcloud.FixtureHaVip{VSwitchID: acctest.SeedVSwitch, IP: fmt.Sprintf("192.168.0.%d", 100+i)})
	}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config(havipConfig(`  ip_address = "192.168.0.24"`))},
			{
				Config: env.Config(havipConfig(`  ip_address = "192.168.0.30"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("ip_address"), knownvalue.StringExact("192.168.0.30")),
				},
			},
			// A 51st HaVip beside it is still refused.
			{
				Config: env.Config(havipConfig(`  ip_address = "192.168.0.30"`) + fmt.Sprintf(`
resource "havip" "extra" {
  vswitch_id = %q
}
`, acctest.SeedVSwitch)),
				ExpectError: regexp.MustCompile(`(?s)already has 50 HaVips`),
			},
		},
	})
}

// Changing resource_group_id moves the HaVip in place with
// MoveResourceGroup: same ID and address, its member stays attached, and
// nothing is created, detached or deleted.
func TestAccHaVip_moveResourceGroupInPlace(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	withGroup := func(group string) string {
		return env.Config(havipConfig(`
  ip_address        = "192.168.0.24"
  resource_group_id = "`+group+`"
`) + fmt.Sprintf(`
resource "havip_attachment" "ecs1" {
  havip_id    = havip.test.id
  instance_id = %q
}
`, acctest.SeedECS1))
	}
	var before int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: withGroup("rg-acctestfirst0001"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("resource_group_id"), knownvalue.StringExact("rg-acctestfirst0001")),
				},
				Check: func(*terraform.State) error { before = env.Server.JournalSeq(); return nil },
			},
			{
				Config: withGroup("rg-acctestsecond001"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("havip_attachment.ecs1", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("resource_group_id"), knownvalue.StringExact("rg-acctestsecond001")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("associated_instance_ids"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(acctest.SeedECS1)})),
				},
				Check: func(*terraform.State) error {
					calls := env.MutatingCalls(before)
					if len(calls) != 1 || calls[0].Action != "MoveResourceGroup" || calls[0].Params["ResourceType"] != "HaVip" ||
						calls[0].Params["NewResourceGroupId"] != "rg-acctestsecond001" {
						return fmt.Errorf("want exactly one MoveResourceGroup of the HaVip, got:\n%s", acctest.Describe(calls))
					}
					for _, h := range env.HaVips(t) {
						if h.ResourceGroupId != "rg-acctestsecond001" {
							return fmt.Errorf("the mock holds HaVip %s in group %s", h.HaVipId, h.ResourceGroupId)
						}
					}
					return nil
				},
			},
		},
	})
}

// A tainted HaVip with a fixed ip_address is replaced: Terraform plans its
// successor as a create that no longer names it, and the address and the
// quota it holds until it is deleted (first) must not refuse that plan.
func TestAccHaVip_taintedFixedIPIsReplaced(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	cfg := env.ProviderBlock("  quotas {\n    havips_per_account = 1\n  }\n") + havipConfig(`  ip_address = "192.168.0.24"`)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue("havip.test", tfjsonpath.New("id"))}},
			{
				Config: cfg,
				Taint:  []string{"havip.test"},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					differentID.AddStateValue("havip.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("ip_address"), knownvalue.StringExact("192.168.0.24")),
				},
			},
		},
	})
}

// The HaVip quota counts the HaVips planned in the same plan: with room for
// one more, a plan of two is refused on vswitch_id, once, without a call.
func TestAccHaVip_quotaCountsPlannedHaVips(t *testing.T) {
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
func TestAccHaVip_vpcQuotaCountsPlannedHaVips(t *testing.T) {
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
func TestAccHaVip_addressOfAnInstanceOrENI(t *testing.T) {
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
