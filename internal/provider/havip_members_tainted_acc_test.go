package provider_test

import (
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// A havip_members whose create failed half way (the members associated,
// the EIP refused) is tainted with its members in the state. Terraform
// replaces it: the old set goes first, then the new one is made. Its
// members are its own, not "managed elsewhere", also when the next
// configuration drops one of them.
func TestAccMembers_taintedSetIsReplaced(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	if _, err := env.Server.AddFault(mockcloud.FaultRule{Account: env.Cred.AccountID, Action: "AssociateEipAddress", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "InvalidParameter", Message: "refused for the test"}}); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")))
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(out, "refused for the test") {
		t.Fatalf("the EIP bind was not refused:\n%s", out)
	}
	if state, _ := cli.Run("state", "list"); !strings.Contains(state, "havip_members.web") {
		t.Fatalf("the half-made set is not in the state:\n%s", state)
	}
	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS1}, acctest.SeedEIP, "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("the tainted set was not replaced by the new one: %v\n%s", err, out)
	}
	hs := env.HaVips(t)
	if len(hs) != 1 || strings.Join(hs[0].AssociatedInstances.AssociatedInstance, ",") != acctest.SeedECS1 || len(hs[0].AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
		t.Fatalf("want the HaVip with %s and the EIP, got %+v", acctest.SeedECS1, hs)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}
