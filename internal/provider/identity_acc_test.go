package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// identityTopology has one of each resource: a HaVip with a member, an EIP
// and a route, and the whole membership of a second (fixture) HaVip.
func identityTopology() string {
	return fmt.Sprintf(`
resource "havip" "web" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
}

resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = %q
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = %q
}

resource "havip_route_entry" "web" {
  route_table_id         = %q
  destination_cidr_block = "10.10.0.0/16"
  havip_id               = havip.web.id
}

resource "havip_members" "one" {
  havip_id   = %q
  member_ids = [%q]
}
`, acctest.SeedVSwitch, acctest.SeedECS1, acctest.SeedEIP, routeCustom, accHaVip(1), acctest.SeedECS2)
}

// Import by resource identity (Terraform 1.12+): each resource, imported
// with an import block that names its identity instead of an ID string,
// plans no change (the test framework fails a plannable import that would
// change anything, and compares the imported identity with the created
// one). The identities are those of the API objects, checked here by
// value.
func TestAccIdentity_importEachResource(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: routeFixtures()})
	cfg := env.Config(identityTopology())
	importStep := func(name string) resource.TestStep {
		return resource.TestStep{Config: cfg, ResourceName: name, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity}
	}
	idOf := func(name string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(`^` + name + `-[a-z0-9]+$`))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:             checkOnlyFixtureHaVips(env, t),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("havip.web", map[string]knownvalue.Check{"id": idOf("havip")}),
					statecheck.ExpectIdentityValueMatchesState("havip.web", tfjsonpath.New("id")),
					statecheck.ExpectIdentity("havip_attachment.ecs1", map[string]knownvalue.Check{
						"havip_id": idOf("havip"), "instance_id": knownvalue.StringExact(acctest.SeedECS1)}),
					statecheck.ExpectIdentity("havip_eip_association.web", map[string]knownvalue.Check{
						"havip_id": idOf("havip"), "allocation_id": knownvalue.StringExact(acctest.SeedEIP)}),
					statecheck.ExpectIdentity("havip_route_entry.web", map[string]knownvalue.Check{
						"route_table_id": knownvalue.StringExact(routeCustom), "route_entry_id": idOf("rte")}),
					statecheck.ExpectIdentity("havip_members.one", map[string]knownvalue.Check{"havip_id": knownvalue.StringExact(accHaVip(1))}),
				},
			},
			importStep("havip.web"),
			importStep("havip_attachment.ecs1"),
			importStep("havip_eip_association.web"),
			importStep("havip_route_entry.web"),
			importStep("havip_members.one"),
		},
	})
}

// An identity that names nothing, or that is malformed, fails the plan
// with no call that changes anything.
func TestAccIdentity_importRefused(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: routeFixtures()})
	importing := func(to, identity, body string) string {
		return env.Config(fmt.Sprintf("import {\n  to       = %s\n  identity = %s\n}\n%s", to, identity, body))
	}
	havipBody := fmt.Sprintf("resource \"havip\" \"adopted\" {\n  vswitch_id = %q\n}\n", acctest.SeedVSwitch)
	attachmentBody := fmt.Sprintf("resource \"havip_attachment\" \"adopted\" {\n  havip_id    = %q\n  instance_id = %q\n}\n", accHaVip(1), acctest.SeedECS1)
	start := env.Server.JournalSeq()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config:      importing("havip.adopted", `{ id = "havip-bp1nosuchhavip000000001" }`, havipBody),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?i)Cannot import non-existent remote object`),
			},
			{
				Config:      importing("havip_attachment.adopted", fmt.Sprintf(`{ havip_id = %q, instance_id = "" }`, accHaVip(1)), attachmentBody),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid import identity.*identity\.instance_id must be set`),
			},
			{
				// A member the HaVip does not have is no object to adopt.
				Config:      importing("havip_attachment.adopted", fmt.Sprintf(`{ havip_id = %q, instance_id = %q }`, accHaVip(1), acctest.SeedECS1), attachmentBody),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?i)Cannot import non-existent remote object`),
			},
			{
				// An empty configuration: its apply changes nothing either.
				Config: env.Config(""),
				Check: func(*terraform.State) error {
					if calls := env.MutatingCalls(start); len(calls) != 0 {
						return fmt.Errorf("refused imports made mutating calls:\n%s", acctest.Describe(calls))
					}
					return nil
				},
			},
		},
	})
}
