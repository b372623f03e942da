package provider_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// detached lists, in order, the members UnassociateHaVip detached since
// seq, each with the Force it was sent with.
func detached(env *acctest.Env, since int64) (members []string, forced map[string]bool) {
	forced = map[string]bool{}
	for _, e := range mutations(env, since, "UnassociateHaVip") {
		if e.Committed {
			members = append(members, e.Params["InstanceId"])
			forced[e.Params["InstanceId"]] = strings.EqualFold(e.Params["Force"], "true")
		}
	}
	return members, forced
}

func setMaster(t *testing.T, env *acctest.Env, havipID, member string) {
	t.Helper()
	if err := env.Server.SetMaster(env.Cred.AccountID, havipID, member); err != nil {
		t.Fatal(err)
	}
}

func onlyHaVip(t *testing.T, env *acctest.Env) string {
	t.Helper()
	hs := env.HaVips(t)
	if len(hs) != 1 {
		t.Fatalf("want one HaVip in the mock, got %d", len(hs))
	}
	return hs[0].HaVipId
}

// Dropping the master from havip_members without force is refused by the
// plan, and, when keepalived moved the address to it after the plan, by
// the apply before its first change (Terraform plans the change again
// during apply, and Update checks once more). With force it is detached,
// forced.
func TestAccMembers_masterGuard(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	cli := acctest.NewCLI(t, env.Config(membersTopology(seedMembers(), "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	havipID := onlyHaVip(t, env)
	setMaster(t, env, havipID, acctest.SeedECS1)
	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS2}, "", "")))

	since := env.Server.JournalSeq()
	diags, failed, out := cli.Plan()
	refused := withSummary(diags, "Refusing to detach the HaVip's master")
	if !failed || len(refused) != 1 || !strings.Contains(refused[0].Detail, acctest.SeedECS1+" is the current master") {
		t.Fatalf("the plan did not refuse to drop the master without force:\n%s", out)
	}
	expectNoMutations(t, env, since)

	// Planned while ECS2 held the address; ECS1 takes it before the apply.
	setMaster(t, env, havipID, acctest.SeedECS2)
	if out, err := cli.Run("plan", "-out=tfplan", "-no-color", "-input=false"); err != nil {
		t.Fatalf("dropping a member that is not the master was refused: %v\n%s", err, out)
	}
	setMaster(t, env, havipID, acctest.SeedECS1)
	since = env.Server.JournalSeq()
	out, err := cli.Run("apply", "-no-color", "-input=false", "tfplan")
	if err == nil || !strings.Contains(out, "Refusing to detach the HaVip's master") {
		t.Fatalf("the apply did not refuse to drop the master that took over after the plan:\n%s", out)
	}
	expectNoMutations(t, env, since)

	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS2}, "", "  force = true\n")))
	since = env.Server.JournalSeq()
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("with force: %v\n%s", err, out)
	}
	if got, forced := detached(env, since); !slices.Equal(got, []string{acctest.SeedECS1}) || !forced[acctest.SeedECS1] {
		t.Fatalf("with force, want the master detached once with Force: detached %v, forced %v", got, forced)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// The master leaves last, so the others leave while it still serves the
// address: when the set shrinks (with force) and when it is destroyed (no
// force step needed). The master is the first of the list, so detaching
// in list order, or the master first, is seen.
func TestAccMembers_masterDetachedLast(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixturesWithENIs(3)})
	all := accENIs(1, 3)
	cli := acctest.NewCLI(t, env.Config(membersTopology(all, "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	havipID := onlyHaVip(t, env)
	setMaster(t, env, havipID, accENI(1))

	cli.SetConfig(env.Config(membersTopology([]string{accENI(3)}, "", "  force = true\n")))
	since := env.Server.JournalSeq()
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("shrink: %v\n%s", err, out)
	}
	got, forced := detached(env, since)
	if want := []string{accENI(2), accENI(1)}; !slices.Equal(got, want) || !forced[accENI(1)] || forced[accENI(2)] {
		t.Fatalf("the shrink detached %v (forced %v), want %v with only the master forced", got, forced, want)
	}

	cli.SetConfig(env.Config(membersTopology(all, "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("grow: %v\n%s", err, out)
	}
	setMaster(t, env, havipID, accENI(1))
	since = env.Server.JournalSeq()
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy with the master set: %v\n%s", err, out)
	}
	got, forced = detached(env, since)
	if len(got) != 3 || got[2] != accENI(1) || !forced[accENI(1)] {
		t.Fatalf("the destroy detached %v (forced %v), want the master %s last, forced", got, forced, accENI(1))
	}
}
