package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// An EIP of another region, or one bound to another HaVip, is refused at
// plan time on allocation_id, before AssociateEipAddress.
func TestAccEIPAssociation_refusedAtPlanTime(t *testing.T) {
	t.Parallel()
	const shanghaiEIP = "eip-uf6acceip0000000000003"
	cases := []struct {
		name     string
		fixtures func() *mockcloud.Fixtures
		body     string
		want     *regexp.Regexp
	}{
		{
			name: "EIP in another region",
			fixtures: func() *mockcloud.Fixtures {
				fx := mockcloud.SeedFixtures()
				fx.Regions = []string{"cn-hangzhou", "cn-shanghai"}
				fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: shanghaiEIP, Region: "cn-shanghai"})
				fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
				return fx
			},
			body: eipAssociationConfig("far", accHaVip(1), shanghaiEIP),
			want: diagAt("EIP not found", "havip_eip_association.far", "allocation_id",
				"EIP "+shanghaiEIP+" does not exist in region cn-hangzhou", "must be in the HaVip's region"),
		},
		{
			name: "EIP bound to another HaVip",
			fixtures: func() *mockcloud.Fixtures {
				fx := mockcloud.SeedFixtures()
				bound := fixtureHaVip(1)
				bound.EIPs = []string{acctest.SeedEIP}
				fx.HaVips = []mockcloud.FixtureHaVip{bound, fixtureHaVip(2)}
				return fx
			},
			body: eipAssociationConfig("taken", accHaVip(2), acctest.SeedEIP),
			want: diagAt("EIP not available", "havip_eip_association.taken", "allocation_id",
				"EIP "+acctest.SeedEIP, "is InUse, bound to HaVip "+accHaVip(1), "only an Available EIP can be bound"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: tc.fixtures()})
			before := env.Server.JournalSeq()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.Config(tc.body), PlanOnly: true, ExpectError: tc.want}},
			})
			expectNoMutations(t, env, before)
		})
	}
}

// An EIP unbound outside Terraform drops the association from state on the
// next refresh, the plan binds it again, and applying that restores it.
func TestAccEIPAssociation_unboundOutOfBand(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	cfg := env.Config(havipConfig(`  ip_address = "192.168.0.24"`) + fmt.Sprintf(`
resource "havip_eip_association" "test" {
  havip_id      = havip.test.id
  allocation_id = %q
}
`, acctest.SeedEIP))
	boundHere := func(s *terraform.State) error {
		id := s.RootModule().Resources["havip.test"].Primary.ID
		hs := env.HaVips(t)
		if len(hs) != 1 || hs[0].HaVipId != id || len(hs[0].AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
			return fmt.Errorf("want HaVip %s with exactly one EIP, the mock has %+v", id, hs)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_eip_association.test", tfjsonpath.New("eip_address"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`))),
				},
				Check: resource.ComposeTestCheckFunc(boundHere, func(s *terraform.State) error {
					req := vpc.CreateUnassociateEipAddressRequest()
					req.AllocationId = acctest.SeedEIP
					req.InstanceId = s.RootModule().Resources["havip.test"].Primary.ID
					req.InstanceType = "HaVip"
					_, err := env.VPCClient(t).UnassociateEipAddress(req)
					return err
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip_eip_association.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("havip.test", plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip_eip_association.test", plancheck.ResourceActionCreate),
				}},
				Check: boundHere,
			},
		},
	})
}

// Replacing an EIP association unbinds the old EIP first, so swapping a
// HaVip's EIP for another, or moving an EIP to another HaVip, is allowed.
func TestAccEIPAssociation_swapAndMove(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"})
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1), fixtureHaVip(2)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	eips := func(want map[string]int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for id, n := range want {
				h, err := mockHaVip(t, env, id)
				if err != nil {
					return err
				}
				if got := len(h.AssociatedEipAddresses.AssociatedEipAddresse); got != n {
					return fmt.Errorf("HaVip %s has %d EIPs, want %d", id, got, n)
				}
			}
			return nil
		}
	}
	replaced := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("havip_eip_association.test", plancheck.ResourceActionDestroyBeforeCreate),
	}}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             eips(map[string]int{accHaVip(1): 0, accHaVip(2): 0}),
		Steps: []resource.TestStep{
			{
				Config: env.Config(eipAssociationConfig("test", accHaVip(1), acctest.SeedEIP)),
				Check:  eips(map[string]int{accHaVip(1): 1}),
			},
			{
				Config:           env.Config(eipAssociationConfig("test", accHaVip(1), accEIP2)),
				ConfigPlanChecks: replaced,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_eip_association.test", tfjsonpath.New("allocation_id"), knownvalue.StringExact(accEIP2)),
				},
				Check: eips(map[string]int{accHaVip(1): 1, accHaVip(2): 0}),
			},
			{
				Config:           env.Config(eipAssociationConfig("test", accHaVip(2), accEIP2)),
				ConfigPlanChecks: replaced,
				Check:            eips(map[string]int{accHaVip(1): 0, accHaVip(2): 1}),
			},
		},
	})
}

// An EIP unbound and released outside Terraform: the association stays in
// the state, the plan warns instead of failing on the missing EIP (the
// same plan runs before a destroy), and terraform destroy succeeds.
func TestAccEIPAssociation_releasedOutOfBand(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	cfg := env.Config(havipConfig(`  ip_address = "192.168.0.24"`) + fmt.Sprintf(`
resource "havip_eip_association" "test" {
  havip_id      = havip.test.id
  allocation_id = %q
}
`, acctest.SeedEIP))
	var released int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, e := range mutations(env, released, "UnassociateEipAddress") {
				if e.Committed {
					return fmt.Errorf("an UnassociateEipAddress of the released EIP committed: %+v", e)
				}
			}
			return checkDestroyed(env, t)(s)
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(s *terraform.State) error {
				c := env.VPCClient(t)
				un := vpc.CreateUnassociateEipAddressRequest()
				un.AllocationId = acctest.SeedEIP
				un.InstanceId = s.RootModule().Resources["havip.test"].Primary.ID
				un.InstanceType = "HaVip"
				if _, err := c.UnassociateEipAddress(un); err != nil {
					return err
				}
				// The service releases only an Available EIP.
				env.WaitEIPStatus(t, acctest.SeedEIP, "Available")
				rel := vpc.CreateReleaseEipAddressRequest()
				rel.AllocationId = acctest.SeedEIP
				_, err := c.ReleaseEipAddress(rel)
				released = env.Server.JournalSeq()
				return err
			},
		}, {
			RefreshState: true,
		}},
	})
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
