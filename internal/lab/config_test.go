package lab

import (
	"reflect"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
)

func render(t *testing.T, profile string, notify string) map[string]keepalived.NodeOutput {
	t.Helper()
	c, err := SeedCluster(profile)
	if err != nil {
		t.Fatal(err)
	}
	c.Notify.Master = notify
	out, _, err := keepalived.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Budgets derived from config text must equal the renderer's, so the
// command's -configs mode judges files exactly as the test judges Render.
func TestFromConfigsMatchesRender(t *testing.T) {
	for _, profile := range keepalived.ProfileNames() {
		out := render(t, profile, "")
		fromRender, err := FromRender(out)
		if err != nil {
			t.Fatal(err)
		}
		configs := map[string]string{}
		for n, o := range out {
			configs[n] = o.Config
		}
		fromText, err := FromConfigs(configs)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromRender, fromText) {
			t.Errorf("%s: FromRender %+v\nFromConfigs %+v", profile, fromRender, fromText)
		}
		if fromText.VIP != "192.168.0.24" || len(fromText.Nodes) != 2 || fromText.Nodes[0].Answer != "ECS 1" || fromText.Nodes[1].Answer != "ECS 2" {
			t.Errorf("%s: unexpected config %+v", profile, fromText)
		}
	}
	seed, _ := FromRender(render(t, "seed", ""))
	if n := seed.Nodes[1]; n.CrashBudget != 3.96 || n.GracefulBudget != 0.96 || n.Priority != 10 {
		t.Errorf("seed ecs2: %+v, want crash 3.96 graceful 0.96 priority 10", n)
	}
	fast, _ := FromRender(render(t, "fast", ""))
	if n := fast.Nodes[1]; n.CrashBudget != 0.99 || fast.AdvertInt != 0.25 {
		t.Errorf("fast ecs2: %+v advert %v, want crash 0.99 advert 0.25", n, fast.AdvertInt)
	}
}

func TestFromConfigsRejectsMismatch(t *testing.T) {
	out := render(t, "seed", "")
	fast := render(t, "fast", "")
	_, err := FromConfigs(map[string]string{"ecs1": out["ecs1"].Config, "ecs2": fast["ecs2"].Config})
	if err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("mixed profiles: err %v, want a mismatch", err)
	}
	if _, err := FromConfigs(map[string]string{"ecs1": out["ecs1"].Config}); err == nil {
		t.Error("one node accepted")
	}
}

func TestInjectNotify(t *testing.T) {
	const script = "/tmp/havlab-1-x/notify-master"
	plain := render(t, "seed", "")["ecs1"].Config
	got, err := InjectNotify(plain, script)
	if err != nil {
		t.Fatal(err)
	}
	info, err := keepalived.ParseConf(got)
	if err != nil {
		t.Fatalf("injected config does not parse: %v\n%s", err, got)
	}
	if info.NotifyMaster != script || !info.ScriptSecurity || info.ScriptUser != "root" {
		t.Errorf("after injection: %+v\n%s", info, got)
	}

	// A config rendered with the lab's hook is left alone.
	hooked := render(t, "seed", script)["ecs1"].Config
	if again, _ := InjectNotify(hooked, script); again != hooked {
		t.Errorf("a config already calling the hook was changed:\n%s", again)
	}

	// Another notify_master is replaced, not duplicated.
	other := render(t, "seed", "/usr/bin/logger -t havip master")["ecs1"].Config
	got, err = InjectNotify(other, script)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(got, "notify_master"); n != 1 || !strings.Contains(got, `notify_master "`+script+`"`) {
		t.Errorf("%d notify_master lines after replacing:\n%s", n, got)
	}
	if n := strings.Count(got, "enable_script_security"); n != 1 {
		t.Errorf("%d enable_script_security lines:\n%s", n, got)
	}

	// No global_defs at all: one is added.
	bare := "vrrp_instance x {\n interface eth0\n priority 50\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
	got, err = InjectNotify(bare, script)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := keepalived.ParseConf(got); err != nil || !info.ScriptSecurity || info.NotifyMaster != script {
		t.Errorf("bare config: %v %+v\n%s", err, info, got)
	}
}

func TestAdaptInterface(t *testing.T) {
	c, err := SeedCluster("seed")
	if err != nil {
		t.Fatal(err)
	}
	c.Interface = "ens5"
	c.TrackInterfaces = []string{"ens6"}
	out, _, err := keepalived.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	conf := out["ecs1"].Config
	got := AdaptInterface(conf, "ens5", "eth0")
	info, err := keepalived.ParseConf(got)
	if err != nil {
		t.Fatal(err)
	}
	if info.Interface != "eth0" {
		t.Errorf("interface %q", info.Interface)
	}
	if !strings.Contains(got, "192.168.0.24/32 dev eth0") || strings.Contains(got, "dev ens5") {
		t.Errorf("VIP dev not adapted:\n%s", got)
	}
	if !strings.Contains(got, "        ens6\n") {
		t.Errorf("unrelated track_interface entry changed:\n%s", got)
	}
	if got2 := AdaptInterface(got, "ens6", "eth1"); !strings.Contains(got2, "        eth1\n") {
		t.Errorf("track_interface entry not adapted:\n%s", got2)
	}
	if AdaptInterface(conf, "ens5", "ens5") != conf {
		t.Error("identity rename changed the config")
	}
}

func TestTables(t *testing.T) {
	results := []Result{
		{Scenario: "crash of ecs1", Expected: "ecs2", Observed: "ecs2", Seconds: 3.3, VIPSeconds: 3.28, NotifySeconds: 3.29, Budget: 4.16, BudgetBase: 3.96, Pass: true},
		{Scenario: "ecs1 returns", Expected: "ecs2", Observed: "ecs2", Seconds: 5.61, VIPSeconds: -1, NotifySeconds: -1, Budget: 5.61, BudgetBase: 5.61, Hold: true, Pass: true},
		{Scenario: "split brain heals", Expected: "ecs1", Seconds: -1, VIPSeconds: -1, NotifySeconds: -1, Budget: 2.2, BudgetBase: 2, Detail: "split brain did not form"},
	}
	plain := Table(results)
	for _, want := range []string{"3.30", "≤ 4.16 (3.96+0.20)", "hold ≥ 5.61", "(none)", "FAIL", "split brain heals: split brain did not form"} {
		if !strings.Contains(plain, want) {
			t.Errorf("Table lacks %q:\n%s", want, plain)
		}
	}
	md := Markdown(results)
	if !strings.HasPrefix(md, "| scenario | expected |") || strings.Count(md, "\n| ") != 4 {
		t.Errorf("Markdown:\n%s", md)
	}
	if Passed(results) || !Passed(results[:2]) || Passed(nil) {
		t.Error("Passed is wrong")
	}
}
