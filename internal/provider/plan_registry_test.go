package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// A check's reservation stays in the registry when the check passed and
// leaves it whole when the check refused, so a refused plan counts against
// no other resource of the plan.
func TestPlanRegistry_reservationSettles(t *testing.T) {
	p := newPlanRegistry()

	kept := p.reserve()
	kept.member("havip-1", "i-1", "EcsInstance")
	kept.eip("havip-1", "eip-1")
	kept.route("vtb-1", "10.0.0.0/16", "havip-1")
	kept.havip("vpc-1")
	var ok diag.Diagnostics
	kept.settle(&ok)

	refused := p.reserve()
	refused.set("havip-2", map[string]string{"i-1": "EcsInstance", "i-2": "EcsInstance"})
	refused.eip("havip-1", "eip-2")
	refused.route("vtb-1", "10.1.0.0/16", "havip-2")
	refused.havip("vpc-1")
	var no diag.Diagnostics
	no.AddError("refused", "by the check")
	refused.settle(&no)

	check := p.reserve()
	others, otherHaVips := check.member("havip-3", "i-1", "EcsInstance")
	if len(others) != 0 || !slices.Equal(otherHaVips, []string{"havip-1"}) {
		t.Errorf("i-1 is planned on %v (want only havip-1, the refused set released)", otherHaVips)
	}
	if got := check.eip("havip-1", "eip-3"); !slices.Equal(got, []string{"eip-1"}) {
		t.Errorf("havip-1 has planned EIPs %v, want [eip-1]", got)
	}
	if got := check.route("vtb-1", "10.2.0.0/16", "havip-3"); len(got) != 1 || got["10.0.0.0/16"] != "havip-1" {
		t.Errorf("vtb-1 has planned routes %v, want only 10.0.0.0/16", got)
	}
	if account, vpc := p.plannedHaVips("vpc-1"); account != 1 || vpc != 1 {
		t.Errorf("planned HaVips %d in the account, %d in the VPC; want 1 and 1", account, vpc)
	}
}
