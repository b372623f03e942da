package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// seedTopology is the HaVip guide's whole topology.
func seedTopology() string {
	return fmt.Sprintf(`
resource "havip" "web" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
  name       = "test_havip_name"
}

resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = %q
}

resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = %q
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = %q
}
`, acctest.SeedVSwitch, acctest.SeedECS1, acctest.SeedECS2, acctest.SeedEIP)
}

func TestAccSeedTopology_createImportDestroy(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: env.Config(seedTopology()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("instance_type"), knownvalue.StringExact("EcsInstance")),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("status"), knownvalue.StringExact("InUse")),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("is_master"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("havip_eip_association.web", tfjsonpath.New("eip_address"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`))),
				},
				Check: func(*terraform.State) error {
					hs := env.HaVips(t)
					if len(hs) != 1 || len(hs[0].AssociatedInstances.AssociatedInstance) != 2 || len(hs[0].AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
						return fmt.Errorf("the mock does not hold the seed topology: %+v", hs)
					}
					return nil
				},
			},
			// A refresh after the apply shows the members and the EIP on
			// the HaVip, with no diff.
			{
				Config:             env.Config(seedTopology()),
				RefreshState:       false,
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{ResourceName: "havip.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts", "associated_instance_ids", "associated_eip_addresses", "status", "associated_instance_type"}},
			{ResourceName: "havip_attachment.ecs1", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: "havip_attachment.ecs2", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ResourceName: "havip_eip_association.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
}

// When keepalived makes a member the master between plan and apply, the
// service refuses its detach without Force; the error says what to do
// and the member stays.
func TestAccAttachment_masterAfterPlan(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	topology := seedTopology()
	withoutECS2 := strings.Replace(topology, fmt.Sprintf(`
resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = %q
}
`, acctest.SeedECS2), "", 1)
	if withoutECS2 == topology {
		t.Fatal("could not remove the ecs2 attachment from the configuration")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config(topology)},
			{
				// The plan sees no master; the service's refusal stands in
				// for a failover that lands between plan and apply.
				PreConfig: func() {
					if _, err := env.Server.AddFault(mockcloud.FaultRule{Action: "UnassociateHaVip", Count: 1,
						Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "Forbidden.UnassociateMaster",
							Message: "The master instance cannot be unassociated without Force."}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      env.Config(withoutECS2),
				ExpectError: regexp.MustCompile(`(?s)Refusing to detach the HaVip's master.*became the master.*set force\s+=\s+true`),
			},
			{
				Config: env.Config(topology),
				Check: func(*terraform.State) error {
					if hs := env.HaVips(t); len(hs) != 1 || len(hs[0].AssociatedInstances.AssociatedInstance) != 2 {
						return fmt.Errorf("the refused detach changed the members: %+v", hs)
					}
					return nil
				},
			},
		},
	})
}
