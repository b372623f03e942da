package keepalived

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current renderer")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendered output (run go test -update after checking the diff):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line, which is enough to find a
// rendering change without a diff library.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

// summary renders the non-text outputs and findings so the golden files
// cover the whole Render result.
func summary(out map[string]NodeOutput, fs Findings) string {
	var b strings.Builder
	for _, name := range SortedNodeNames(out) {
		o := out[name]
		fmt.Fprintf(&b, "%s: state=%s priority=%d crash=%v graceful=%v check=%v hung=%v\n",
			name, o.State, o.Priority, o.Failover.CrashSeconds, o.Failover.GracefulSeconds, o.Failover.CheckSeconds, o.Failover.HungCheckSeconds)
	}
	for _, f := range fs {
		fmt.Fprintf(&b, "%s\n", f)
	}
	return b.String()
}

func TestRenderGolden(t *testing.T) {
	for _, sc := range goldenScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			out, fs, err := Render(sc.cluster)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(sc.cluster.Nodes) {
				t.Fatalf("rendered %d nodes, want %d", len(out), len(sc.cluster.Nodes))
			}
			for _, name := range SortedNodeNames(out) {
				checkGolden(t, sc.name+"_"+name+".conf.golden", out[name].Config)
				checkGolden(t, sc.name+"_"+name+".user_data.golden", out[name].UserData)
			}
			checkGolden(t, sc.name+".summary.golden", summary(out, fs))
		})
	}
}

// The seed scenario's headline numbers, independent of the golden files.
func TestRenderSeedFacts(t *testing.T) {
	out, fs, err := Render(seedCluster())
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("seed scenario should be clean, got %v", fs)
	}
	ecs1, ecs2 := out["ecs1"], out["ecs2"]
	if ecs1.State != StateBackup || ecs2.State != StateBackup {
		t.Errorf("nopreempt needs every node BACKUP, got %s/%s", ecs1.State, ecs2.State)
	}
	if ecs1.Failover.CrashSeconds != 3.61 || ecs2.Failover.CrashSeconds != 3.96 {
		t.Errorf("crash failover = %v/%v, want 3.61/3.96", ecs1.Failover.CrashSeconds, ecs2.Failover.CrashSeconds)
	}
	for name, want := range map[string][]string{
		"ecs1": {"unicast_src_ip 192.168.0.25", "192.168.0.26 # ecs2", "priority 100", "nopreempt", "auth_pass 1111", "192.168.0.24/32 dev eth0", "garp_master_delay 1", "garp_master_refresh 5"},
		"ecs2": {"unicast_src_ip 192.168.0.26", "192.168.0.25 # ecs1", "priority 10", "nopreempt"},
	} {
		for _, w := range want {
			if !strings.Contains(out[name].Config, w) {
				t.Errorf("%s config lacks %q", name, w)
			}
		}
		for _, bad := range []string{"state MASTER", "track_interface", "enable_script_security", "vrrp_strict", "use_vmac"} {
			if strings.Contains(out[name].Config, bad) {
				t.Errorf("%s config contains %q", name, bad)
			}
		}
	}
}

func TestRenderRefusesLintErrors(t *testing.T) {
	c := seedCluster()
	c.AuthPass = "123456789"
	out, fs, err := Render(c)
	var le *LintError
	if !errors.As(err, &le) {
		t.Fatalf("want *LintError, got %v", err)
	}
	if out != nil {
		t.Errorf("output rendered despite errors")
	}
	if !fs.HasErrors() || len(le.Findings) != len(fs) {
		t.Errorf("findings not returned with the error: %v", fs)
	}
	if !strings.Contains(err.Error(), "auth_pass") {
		t.Errorf("error does not name the field: %v", err)
	}
}

func TestRenderIsDeterministicAndOrderIndependent(t *testing.T) {
	c := checkNotifyCluster()
	c.Nodes = append(c.Nodes, Node{Name: "ecs0", PrivateIP: "192.168.0.27", Priority: 50})
	a, _, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := Render(c)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two renders of the same cluster differ")
	}
	// Explicit priorities make the configs independent of node order.
	r := c
	r.Nodes = []Node{c.Nodes[2], c.Nodes[0], c.Nodes[1]}
	rev, _, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, rev) {
		t.Error("reordering nodes changed the output")
	}
}

func TestRenderPeersAreEveryOtherNode(t *testing.T) {
	c := fastCluster()
	out, _, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, self := range c.Nodes {
		conf := out[self.Name].Config
		if got := strings.Count(conf, "unicast_src_ip "+self.PrivateIP+"\n"); got != 1 {
			t.Errorf("%s: unicast_src_ip count %d", self.Name, got)
		}
		for _, other := range c.Nodes {
			line := other.PrivateIP + " # " + other.Name + "\n"
			has := strings.Contains(conf, line)
			if has == (other.Name == self.Name) {
				t.Errorf("%s: peer line %q present=%v", self.Name, line, has)
			}
		}
	}
}

func TestWithDefaults(t *testing.T) {
	c := fastCluster()
	d := c.WithDefaults()
	if !reflect.DeepEqual(d, d.WithDefaults()) {
		t.Error("WithDefaults is not idempotent")
	}
	if c.Nodes[0].Priority != 0 || c.Nodes[0].Interface != "" {
		t.Error("WithDefaults modified its receiver's nodes")
	}
	if d.Version != 3 || d.AdvertInt != 0.25 || d.FailoverBudget != 1 {
		t.Errorf("fast profile not applied: v%d %v budget %v", d.Version, d.AdvertInt, d.FailoverBudget)
	}
	var prios []int
	for _, n := range d.Nodes {
		prios = append(prios, n.Priority)
	}
	if !reflect.DeepEqual(prios, []int{100, 90, 80}) {
		t.Errorf("auto priorities = %v", prios)
	}
	if !*d.Preempt.NoPreempt || *d.GARP.MasterDelay != 1 || *d.GARP.MasterRefresh != 5 || !*d.GARP.HigherPrioSendAdvert {
		t.Error("HaVip defaults missing")
	}
	s := seedCluster()
	s.Preempt.Delay = Ptr(30.0)
	if *s.WithDefaults().Preempt.NoPreempt {
		t.Error("preempt_delay alone should default nopreempt to false")
	}
}

func TestHeredocDelimiterAvoidsConfig(t *testing.T) {
	if got := heredocDelimiter("x\n"); got != heredocBase {
		t.Errorf("got %q", got)
	}
	conf := "a\n" + heredocBase + "\n" + heredocBase + "_1\n"
	got := heredocDelimiter(conf)
	if strings.Contains(conf, got) {
		t.Errorf("delimiter %q occurs in the config", got)
	}
	ud := renderUserData(seedCluster().WithDefaults(), seedCluster().Nodes[0], conf)
	if !strings.Contains(ud, "<<'"+got+"'\n"+conf+got+"\n") {
		t.Errorf("user_data does not wrap the config in the chosen delimiter:\n%s", ud)
	}
}

func BenchmarkRender(b *testing.B) {
	c := checkNotifyCluster()
	c.Nodes = nil
	for i := 0; i < MaxNodes; i++ {
		c.Nodes = append(c.Nodes, Node{
			Name:      fmt.Sprintf("node%02d", i),
			PrivateIP: fmt.Sprintf("192.168.0.%d", 30+i),
			Priority:  200 - 10*i,
		})
	}
	if _, _, err := Render(c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Render(c); err != nil {
			b.Fatal(err)
		}
	}
}
