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

func TestAccProvider_seedTopology(t *testing.T) {
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

// Without credentials the schema's checks still refuse bad input at plan,
// and the checks that need the API warn, on the resource, that they were
// skipped and why, instead of passing silently.
func TestAccProvider_planWithoutCredentials(t *testing.T) {
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

// A provider region that does not exist is said once, on region, and
// nothing is checked or changed against it.
func TestAccProvider_unknownRegion(t *testing.T) {
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
