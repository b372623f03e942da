package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// havip_attachment and havip_eip_association of a HaVip created in the
// same apply cannot be checked at plan: the plan warns, on havip_id, which
// checks run only during apply and that havip_members runs them at plan.
// With the ID of an existing HaVip there is no such warning.
func TestAccUnknownHaVipWarns(t *testing.T) {
	t.Parallel()
	fx := mockcloud.SeedFixtures()
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	const summary = "Checked only during apply: havip_id is not known yet"
	body := func(havip string) string {
		return fmt.Sprintf(`
resource "havip_attachment" "ecs1" {
  havip_id    = %s
  instance_id = %q
}

resource "havip_eip_association" "web" {
  havip_id      = %s
  allocation_id = %q
}
`, havip, acctest.SeedECS1, havip, acctest.SeedEIP)
	}

	diags, failed, out := acctest.NewCLI(t, env.Config(havipConfig("")+body("havip.test.id"))).Plan()
	if failed {
		t.Fatalf("plan failed:\n%s", out)
	}
	warned := map[string]string{}
	for _, d := range withSummary(diags, summary) {
		if d.Severity != "warning" || !strings.HasPrefix(d.Line(), "havip_id") {
			t.Fatalf("want a warning on havip_id, got %+v", d)
		}
		warned[d.Address] = d.Detail
	}
	for addr, want := range map[string][]string{
		"havip_attachment.ecs1":     {"in the HaVip's vSwitch", "10 members per HaVip", "havip_members checks all of them", "at plan time"},
		"havip_eip_association.web": {"is Available", "no other EIP", "havip_members with eip_allocation_id", "at plan time"},
	} {
		for _, w := range want {
			if !strings.Contains(warned[addr], w) {
				t.Errorf("the warning on %s does not say %q: %q", addr, w, warned[addr])
			}
		}
	}
	if len(warned) != 2 {
		t.Fatalf("want the warning on the attachment and the EIP association, got %v:\n%s", warned, out)
	}

	diags, failed, out = acctest.NewCLI(t, env.Config(body(fmt.Sprintf("%q", accHaVip(1))))).Plan()
	if failed || len(withSummary(diags, summary)) != 0 {
		t.Fatalf("with a known havip_id, want no warning:\n%s", out)
	}
}
