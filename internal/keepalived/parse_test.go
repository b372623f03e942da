package keepalived

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseConfSeedGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "seed_ecs1.conf.golden"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseConf(string(b))
	if err != nil {
		t.Fatal(err)
	}
	want := ConfInfo{
		Instance: "havip_web", State: "BACKUP", Interface: "eth0", Priority: 100, Version: 2, AdvertInt: 1,
		DownTimerAdverts: 3, NoPreempt: true, SrcIP: "192.168.0.25", Peers: []string{"192.168.0.26"},
		VIPs: []string{"192.168.0.24"}, RTPriority: 10,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseConf:\n got %+v\nwant %+v", got, want)
	}
}

// The round trip as a property: for every node of many random valid
// clusters, what ParseConf reads back from the rendered config is what the
// model says, field by field, and the renderer's timing model fed with
// what was read gives the node's rendered budgets (what the lab's
// -configs mode relies on). The seed is fixed so a failure names the
// cluster that reproduces it.
func TestParseConfReadsWhatRenderWrites(t *testing.T) {
	const seed, clusters = 27, 1000
	g := newClusterGen(seed)
	seen := map[string]int{}
	for i := range clusters {
		c := g.cluster()
		out, _, err := Render(c)
		if err != nil {
			t.Fatalf("seed %d cluster %d: generator produced an invalid cluster: %v", seed, i, err)
		}
		d := c.WithDefaults()
		for _, n := range d.Nodes {
			conf := out[n.Name].Config
			got, err := ParseConf(conf)
			if err != nil {
				t.Fatalf("seed %d cluster %d node %s: %v\n%s", seed, i, n.Name, err, conf)
			}
			want := modelConf(d, n)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d cluster %d node %s:\n got %s\nwant %s\nconfig:\n%s", seed, i, n.Name, show(got), show(want), conf)
			}
			read := Cluster{Version: got.Version, AdvertInt: got.AdvertInt, DownTimerAdverts: got.DownTimerAdverts, HealthCheck: got.Check}
			if timing := NodeTiming(read, got.Priority); timing != out[n.Name].Failover {
				t.Fatalf("seed %d cluster %d node %s: timing from the parsed config %+v, rendered %+v", seed, i, n.Name, timing, out[n.Name].Failover)
			}
			countFeatures(seen, got)
		}
	}
	// Guard against the generator quietly losing variety: every field
	// must have been read back with a value other than its default.
	for _, f := range []string{"version 3", "preempt", "MASTER", "down_timer_adverts", "startup delay",
		"notify_master", "script security", "tcp check", "script check", "process check", "process delay",
		"weighted check", "fractional advert_int"} {
		if seen[f] == 0 {
			t.Errorf("no generated config had %s; the property lost coverage", f)
		}
	}
}

// modelConf is what a node's config should read back as, worked out from
// the model (with defaults applied) rather than from the rendered text.
func modelConf(d Cluster, n Node) ConfInfo {
	want := ConfInfo{
		Instance: d.Name, State: n.State, Interface: n.Interface, Priority: n.Priority,
		Version: d.Version, AdvertInt: math.Round(d.AdvertInt*100) / 100, DownTimerAdverts: d.DownTimerAdverts,
		NoPreempt: *d.Preempt.NoPreempt, SrcIP: n.PrivateIP, VIPs: d.VirtualIPs,
		NotifyMaster: strings.Join(strings.Fields(d.Notify.Master), " "),
		StartupDelay: d.StartupDelay, RTPriority: vrrpRTPriority,
	}
	others := slices.DeleteFunc(slices.Clone(d.Nodes), func(p Node) bool { return p.Name == n.Name })
	slices.SortFunc(others, func(a, b Node) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range others {
		want.Peers = append(want.Peers, p.PrivateIP)
	}
	if d.usesScripts() {
		want.ScriptSecurity, want.ScriptUser = true, "root"
	}
	if hc := d.HealthCheck; hc != nil {
		check := *hc
		switch {
		case hc.TCPPort != 0:
			check.TCPPort = 0
			check.Script = fmt.Sprintf("/bin/bash -c '</dev/tcp/127.0.0.1/%d'", hc.TCPPort)
		case hc.Script != "":
			check.Script = strings.Join(strings.Fields(hc.Script), " ")
		}
		want.Check = &check
	}
	return want
}

func countFeatures(seen map[string]int, c ConfInfo) {
	hc := c.Check
	for f, has := range map[string]bool{
		"version 3":             c.Version == 3,
		"preempt":               !c.NoPreempt,
		"MASTER":                c.State == StateMaster,
		"down_timer_adverts":    c.DownTimerAdverts != DefaultDownTimerAdverts,
		"startup delay":         c.StartupDelay > 0,
		"notify_master":         c.NotifyMaster != "",
		"script security":       c.ScriptSecurity,
		"tcp check":             hc != nil && strings.Contains(hc.Script, "/dev/tcp/"),
		"script check":          hc != nil && hc.Script != "" && !strings.Contains(hc.Script, "/dev/tcp/"),
		"process check":         hc != nil && hc.Process != "",
		"process delay":         hc != nil && hc.Delay > 0,
		"weighted check":        hc != nil && hc.Weight != 0,
		"fractional advert_int": c.AdvertInt != math.Trunc(c.AdvertInt),
	} {
		if has {
			seen[f]++
		}
	}
}

// show prints a ConfInfo with its check's fields rather than its address.
func show(c ConfInfo) string {
	check := "none"
	if c.Check != nil {
		check = fmt.Sprintf("%+v", *c.Check)
	}
	c.Check = nil
	return fmt.Sprintf("%+v check %s", c, check)
}

func TestParseConfRefuses(t *testing.T) {
	instance := func(body string) string {
		return "vrrp_instance x {\n interface eth0\n priority 50\n virtual_ipaddress {\n  10.0.0.1\n }\n" + body + "}\n"
	}
	for _, c := range []struct{ name, conf, want string }{
		{"unbalanced brace", instance("") + "}\n", "line 8: unbalanced }"},
		{"unclosed block", "vrrp_instance x {\n interface eth0\n", "unclosed block vrrp_instance"},
		{"no instance", "global_defs {\n}\n", "no vrrp_instance"},
		{"no interface", "vrrp_instance x {\n priority 50\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n", "has no interface"},
		{"no priority", "vrrp_instance x {\n interface eth0\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n", "priority 0"},
		{"priority above 255", instance(" priority 256\n"), "priority 256"},
		{"malformed priority", instance(" priority high\n"), "line 7: priority: "},
		{"priority without a value", instance(" priority\n"), "priority needs a value"},
		{"malformed advert_int", instance(" advert_int 1s\n"), "line 7: advert_int: "},
		{"malformed startup delay", "global_defs {\n vrrp_startup_delay soon\n}\n" + instance(""), "line 2: vrrp_startup_delay: "},
		{"no VIP", "vrrp_instance x {\n interface eth0\n priority 50\n}\n", "no virtual_ipaddress"},
		{"IPv6 VIP", "vrrp_instance x {\n interface eth0\n priority 50\n virtual_ipaddress {\n  fd00::1\n }\n}\n", `"fd00::1" is not an IPv4 address`},
		{"bad source address", instance(" unicast_src_ip 10.0.0\n"), `"10.0.0" is not an IPv4 address`},
		{"unnamed vrrp_script", "vrrp_script {\n interval 2\n}\n" + instance(""), "line 1: vrrp_script needs a name"},
		{"unnamed vrrp_track_process", "vrrp_track_process {\n process x\n}\n" + instance(""), "line 1: vrrp_track_process needs a name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			info, err := ParseConf(c.conf)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want one containing %q (read %+v)", err, c.want, info)
			}
		})
	}
}

// Only the first instance counts; global numbers stand in for the instance's;
// a check is the one the instance tracks, with keepalived's defaults.
func TestParseConfReadsHandWrittenConfigs(t *testing.T) {
	conf := `global_defs {
    vrrp_version 3 # the instance's, as it names none
    vrrp_down_timer_adverts 5
}
vrrp_script other {
    script "/bin/false"
}
vrrp_script chk {
    script "/usr/bin/check  web"   ! a comment
    interval 3
}
vrrp_instance first {
    interface eth1
    priority 20
    track_script {
        chk
        other
    }
    virtual_ipaddress {
        10.0.0.9/32 dev eth1
    }
}
vrrp_instance second {
    interface eth2
    priority 30
    virtual_ipaddress {
        10.0.0.10
    }
}
`
	got, err := ParseConf(conf)
	if err != nil {
		t.Fatal(err)
	}
	want := ConfInfo{
		Instance: "first", Interface: "eth1", Priority: 20, Version: 3, AdvertInt: 1, DownTimerAdverts: 5,
		VIPs:  []string{"10.0.0.9"},
		Check: &HealthCheck{Script: "/usr/bin/check  web", Interval: 3, Timeout: 3, Fall: 1, Rise: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %s\nwant %s", show(got), show(want))
	}
}

func TestTokens(t *testing.T) {
	for line, want := range map[string][]string{
		`notify_master "/x y" # run it`:  {"notify_master", `"/x y"`},
		`vrrp_instance a{`:               {"vrrp_instance", "a", "{"},
		"\tpriority\t100\r":              {"priority", "100"},
		`script "/bin/echo #1 !2"! gone`: {"script", `"/bin/echo #1 !2"`},
		`# only a comment`:               nil,
		`}`:                              {"}"},
	} {
		if got := Tokens(line); !reflect.DeepEqual(got, want) {
			t.Errorf("Tokens(%q) = %q, want %q", line, got, want)
		}
	}
}
