package keepalived

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestLintCleanScenarios(t *testing.T) {
	for _, sc := range goldenScenarios() {
		if fs := Lint(sc.cluster); len(fs) != 0 {
			t.Errorf("%s: want no findings, got %v", sc.name, fs)
		}
	}
}

// Every rule has a case here that trips it. Each case starts from the clean
// seed scenario and breaks one thing.
func TestLintRules(t *testing.T) {
	type mut func(c *Cluster)
	withCheck := func(hc HealthCheck) mut {
		return func(c *Cluster) { c.HealthCheck = &hc }
	}
	preempting := func(c *Cluster) { c.Preempt.NoPreempt = Ptr(false) }
	cases := []struct {
		name  string
		mut   mut
		sev   Severity
		field string
		msg   string
	}{
		// Cluster identity and profile.
		{"name chars", func(c *Cluster) { c.Name = "web vip" }, SeverityError, "name", "letters, digits"},
		{"name too long", func(c *Cluster) { c.Name = strings.Repeat("a", 33) }, SeverityError, "name", "1-32"},
		{"unknown profile", func(c *Cluster) { c.Profile = "turbo" }, SeverityError, "profile", "fast, seed"},
		{"profile vs version", func(c *Cluster) { c.Profile = "fast"; c.Version = 2; c.AuthPass = "" }, SeverityError, "vrrp_version", `profile "fast" uses VRRP version 3`},
		{"profile vs advert_int", func(c *Cluster) { c.Profile = "seed"; c.AdvertInt = 2 }, SeverityError, "advert_int", `profile "seed" uses advert_int 1`},

		// VRRP timing.
		{"version", func(c *Cluster) { c.Version = 4 }, SeverityError, "vrrp_version", "2 or 3"},
		{"advert_int negative", func(c *Cluster) { c.AdvertInt = -1 }, SeverityError, "advert_int", "positive"},
		{"advert_int NaN", func(c *Cluster) { c.AdvertInt = math.NaN() }, SeverityError, "advert_int", "positive"},
		{"v2 fractional advert", func(c *Cluster) { c.AdvertInt = 1.5 }, SeverityError, "advert_int", "VRRPv2 needs whole seconds"},
		{"v2 sub-second advert", func(c *Cluster) { c.AdvertInt = 0.5 }, SeverityError, "advert_int", "VRRPv2 needs whole seconds"},
		{"v2 advert too long", func(c *Cluster) { c.AdvertInt = 256 }, SeverityError, "advert_int", "1..255"},
		{"v3 advert too long", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 41 }, SeverityError, "advert_int", "0.01..40.95"},
		{"v3 advert too short", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 0.001 }, SeverityError, "advert_int", "0.01..40.95"},
		{"v3 advert not centis", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 0.015 }, SeverityError, "advert_int", "0.01 s units"},
		{"v3 advert below VM floor", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 0.1 }, SeverityWarning, "advert_int", "false failovers"},
		{"down timer", func(c *Cluster) { c.DownTimerAdverts = 101 }, SeverityError, "down_timer_adverts", "1..100"},
		{"failover budget exceeded", func(c *Cluster) { c.FailoverBudget = 2 }, SeverityWarning, "advert_int", `up to 3.96 s (node "ecs2"`},
		{"failover budget negative", func(c *Cluster) { c.FailoverBudget = -1 }, SeverityError, "failover_budget", "non-negative"},

		// Router ID and interfaces.
		{"vrid missing", func(c *Cluster) { c.VirtualRouterID = 0 }, SeverityError, "virtual_router_id", "required"},
		{"vrid too big", func(c *Cluster) { c.VirtualRouterID = 256 }, SeverityError, "virtual_router_id", "1..255"},
		{"interface too long", func(c *Cluster) { c.Interface = "eth0123456789012" }, SeverityError, "interface", "valid interface name"},
		{"interface slash", func(c *Cluster) { c.Interface = "eth0/1" }, SeverityError, "interface", "valid interface name"},
		{"interface space", func(c *Cluster) { c.Interface = "eth 0" }, SeverityError, "interface", "valid interface name"},
		{"node interface", func(c *Cluster) { c.Nodes[1].Interface = "eth0:1" }, SeverityError, "nodes[1].interface", "valid interface name"},
		{"track own interface", func(c *Cluster) { c.TrackInterfaces = []string{"eth0"} }, SeverityError, "track_interfaces[0]", "own VRRP interface"},
		{"track another node's own interface", func(c *Cluster) { c.Nodes[1].Interface = "ens5"; c.TrackInterfaces = []string{"eth1", "ens5"} }, SeverityError, "track_interfaces[1]", `node "ecs2"`},
		{"track duplicate", func(c *Cluster) { c.TrackInterfaces = []string{"eth1", "eth1"} }, SeverityError, "track_interfaces[1]", "duplicates"},
		{"track invalid", func(c *Cluster) { c.TrackInterfaces = []string{"../x"} }, SeverityError, "track_interfaces[0]", "valid interface name"},

		// Addresses.
		{"no VIP", func(c *Cluster) { c.VirtualIPs = nil }, SeverityError, "virtual_ips", "at least one"},
		{"VIP IPv6", func(c *Cluster) { c.VirtualIPs = []string{"fd00::24"} }, SeverityError, "virtual_ips[0]", "IPv4 only"},
		{"VIP mapped IPv6", func(c *Cluster) { c.VirtualIPs = []string{"::ffff:192.168.0.24"} }, SeverityError, "virtual_ips[0]", "IPv4 only"},
		{"VIP with prefix", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.24/32"} }, SeverityError, "virtual_ips[0]", "not an IPv4 address"},
		{"VIP hostname", func(c *Cluster) { c.VirtualIPs = []string{"vip.example.com"} }, SeverityError, "virtual_ips[0]", "not an IPv4 address"},
		{"VIP loopback", func(c *Cluster) { c.SubnetCIDR = ""; c.VirtualIPs = []string{"127.0.0.2"} }, SeverityError, "virtual_ips[0]", "unicast"},
		{"VIP multicast", func(c *Cluster) { c.SubnetCIDR = ""; c.VirtualIPs = []string{"224.0.0.18"} }, SeverityError, "virtual_ips[0]", "unicast"},
		{"VIP duplicate", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.24", "192.168.0.24"} }, SeverityError, "virtual_ips[1]", "duplicates virtual_ips[0]"},
		{"VIP is a node IP", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.26"} }, SeverityError, "virtual_ips[0]", `private_ip of node "ecs2"`},
		{"VIP outside subnet", func(c *Cluster) { c.VirtualIPs = []string{"192.168.1.24"} }, SeverityError, "virtual_ips[0]", "outside subnet_cidr"},
		{"VIP network address", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.0"} }, SeverityError, "virtual_ips[0]", "reserved"},
		{"VIP gateway-reserved", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.253"} }, SeverityError, "virtual_ips[0]", "reserved"},
		{"VIP broadcast", func(c *Cluster) { c.VirtualIPs = []string{"192.168.0.255"} }, SeverityError, "virtual_ips[0]", "reserved"},
		{"subnet unparsable", func(c *Cluster) { c.SubnetCIDR = "192.168.0.0" }, SeverityError, "subnet_cidr", "not a CIDR"},
		{"subnet IPv6", func(c *Cluster) { c.SubnetCIDR = "fd00::/64" }, SeverityError, "subnet_cidr", "IPv4 only"},
		{"subnet host bits", func(c *Cluster) { c.SubnetCIDR = "192.168.0.1/24" }, SeverityError, "subnet_cidr", "did you mean 192.168.0.0/24"},

		// Nodes.
		{"one node", func(c *Cluster) { c.Nodes = c.Nodes[:1] }, SeverityError, "nodes", "at least 2"},
		{"eleven nodes", func(c *Cluster) {
			c.Nodes = nil
			for i := 0; i < 11; i++ {
				c.Nodes = append(c.Nodes, Node{Name: "n" + string(rune('a'+i)), PrivateIP: "192.168.0." + strconv.Itoa(100+i), Priority: 10 + i})
			}
		}, SeverityError, "nodes", "at most 10"},
		{"node name empty", func(c *Cluster) { c.Nodes[1].Name = "" }, SeverityError, "nodes[1].name", "required"},
		{"node name chars", func(c *Cluster) { c.Nodes[1].Name = "ecs 2" }, SeverityError, "nodes[1].name", "letters, digits"},
		{"node name duplicate", func(c *Cluster) { c.Nodes[1].Name = "ecs1" }, SeverityError, "nodes[1].name", "already used by nodes[0]"},
		{"node IP IPv6", func(c *Cluster) { c.Nodes[0].PrivateIP = "fd00::25" }, SeverityError, "nodes[0].private_ip", "IPv4 only"},
		{"node IP garbage", func(c *Cluster) { c.Nodes[0].PrivateIP = "ecs1.internal" }, SeverityError, "nodes[0].private_ip", "not an IPv4 address"},
		{"node IP leading zero", func(c *Cluster) { c.Nodes[0].PrivateIP = "192.168.0.025" }, SeverityError, "nodes[0].private_ip", "not an IPv4 address"},
		{"node IP duplicate", func(c *Cluster) { c.Nodes[1].PrivateIP = "192.168.0.25" }, SeverityError, "nodes[1].private_ip", "already used by nodes[0]"},
		{"node IP outside subnet", func(c *Cluster) { c.Nodes[1].PrivateIP = "192.168.7.26" }, SeverityError, "nodes[1].private_ip", "outside subnet_cidr"},
		{"node IP reserved", func(c *Cluster) { c.Nodes[1].PrivateIP = "192.168.0.254" }, SeverityError, "nodes[1].private_ip", "reserved"},
		{"priority 255", func(c *Cluster) { c.Nodes[0].Priority = 255 }, SeverityError, "nodes[0].priority", "address owner"},
		{"priority too big", func(c *Cluster) { c.Nodes[0].Priority = 300 }, SeverityError, "nodes[0].priority", "1..254"},
		{"priority negative", func(c *Cluster) { c.Nodes[0].Priority = -1 }, SeverityError, "nodes[0].priority", "1..254"},
		{"priority partly unset", func(c *Cluster) { c.Nodes[1].Priority = 0 }, SeverityError, "nodes[1].priority", "set all or none"},
		{"priority duplicate", func(c *Cluster) { c.Nodes[1].Priority = 100 }, SeverityError, "nodes[1].priority", "already used by nodes[0]"},
		{"state lowercase", func(c *Cluster) { c.Nodes[0].State = "backup" }, SeverityError, "nodes[0].state", `must be "BACKUP" or "MASTER"`},
		{"MASTER with nopreempt", func(c *Cluster) { c.Nodes[0].State = StateMaster }, SeverityError, "nodes[0].state", "incompatible with nopreempt"},
		{"MASTER with preempt_delay", func(c *Cluster) { c.Preempt.Delay = Ptr(10.0); c.Nodes[0].State = StateMaster }, SeverityError, "nodes[0].state", "incompatible with preempt_delay"},
		{"two MASTERs", func(c *Cluster) {
			preempting(c)
			c.Nodes[0].State, c.Nodes[1].State = StateMaster, StateMaster
		}, SeverityError, "nodes[1].state", "only one node"},
		{"MASTER not highest", func(c *Cluster) { preempting(c); c.Nodes[1].State = StateMaster }, SeverityWarning, "nodes[1].state", `"ecs1" has a higher priority`},

		// Preemption.
		{"preempt_delay with nopreempt", func(c *Cluster) { c.Preempt = Preemption{NoPreempt: Ptr(true), Delay: Ptr(5.0)} }, SeverityError, "preempt_delay", "incompatible with nopreempt"},
		{"preempt_delay too long", func(c *Cluster) { c.Preempt.Delay = Ptr(1001.0) }, SeverityError, "preempt_delay", "0..1000"},
		{"preempt_delay negative", func(c *Cluster) { c.Preempt.Delay = Ptr(-1.0) }, SeverityError, "preempt_delay", "0..1000"},

		// Authentication.
		{"auth_pass too long", func(c *Cluster) { c.AuthPass = "123456789" }, SeverityError, "auth_pass", "at most 8"},
		{"auth_pass missing", func(c *Cluster) { c.AuthPass = ""; c.AuthType = AuthPASS }, SeverityError, "auth_pass", "required"},
		{"auth_pass chars", func(c *Cluster) { c.AuthPass = "pa ss" }, SeverityError, "auth_pass", "printable ASCII"},
		{"auth_pass comment char", func(c *Cluster) { c.AuthPass = "pa#ss" }, SeverityError, "auth_pass", "printable ASCII"},
		{"auth_type AH", func(c *Cluster) { c.AuthType = "AH" }, SeverityError, "auth_type", `must be "PASS"`},
		{"auth with v3", func(c *Cluster) { c.Version = 3 }, SeverityError, "auth_pass", "VRRPv3 has no authentication"},
		{"auth_type with v3", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AuthType = AuthPASS }, SeverityError, "auth_type", "VRRPv3 has no authentication"},

		// Startup.
		{"startup_delay negative", func(c *Cluster) { c.StartupDelay = -1 }, SeverityError, "startup_delay", "0..3600"},

		// Health checks.
		{"check with no kind", withCheck(HealthCheck{}), SeverityError, "health_check", "exactly one"},
		{"check with two kinds", withCheck(HealthCheck{TCPPort: 80, Process: "nginx"}), SeverityError, "health_check", "exactly one"},
		{"tcp port", withCheck(HealthCheck{TCPPort: 70000}), SeverityError, "health_check.tcp_port", "1..65535"},
		{"script relative", withCheck(HealthCheck{Script: "check.sh"}), SeverityError, "health_check.script", "absolute path"},
		{"script via PATH", withCheck(HealthCheck{Script: "pidof nginx"}), SeverityError, "health_check.script", "absolute path"},
		{"script quotes", withCheck(HealthCheck{Script: `/bin/sh -c "true"`}), SeverityError, "health_check.script", "may not contain quotes"},
		{"script newline", withCheck(HealthCheck{Script: "/bin/true\n/bin/false"}), SeverityError, "health_check.script", "newlines"},
		{"script dollar", withCheck(HealthCheck{Script: "/bin/echo $HOME"}), SeverityError, "health_check.script", "'$'"},
		{"script dot-dot", withCheck(HealthCheck{Script: "/usr/bin/../bin/true"}), SeverityError, "health_check.script", "clean absolute path"},
		{"script blank", withCheck(HealthCheck{Script: "   "}), SeverityError, "health_check.script", "empty"},
		{"interval fractional", withCheck(HealthCheck{TCPPort: 80, Interval: 0.5}), SeverityError, "health_check.interval", "whole seconds"},
		{"interval negative", withCheck(HealthCheck{TCPPort: 80, Interval: -2}), SeverityError, "health_check.interval", "whole seconds"},
		{"timeout fractional", withCheck(HealthCheck{TCPPort: 80, Timeout: 1.5}), SeverityError, "health_check.timeout", "whole seconds"},
		{"fall", withCheck(HealthCheck{TCPPort: 80, Fall: -1}), SeverityError, "health_check.fall", "at least 1"},
		{"rise", withCheck(HealthCheck{TCPPort: 80, Rise: -1}), SeverityError, "health_check.rise", "at least 1"},
		{"delay on script", withCheck(HealthCheck{TCPPort: 80, Delay: 1}), SeverityError, "health_check.delay", "only applies to a process"},
		{"process path", withCheck(HealthCheck{Process: "/usr/sbin/nginx"}), SeverityError, "health_check.process", "not a path"},
		{"process too long", withCheck(HealthCheck{Process: "a-very-long-daemon"}), SeverityError, "health_check.process", "longer than 15"},
		{"process interval", withCheck(HealthCheck{Process: "nginx", Interval: 2}), SeverityError, "health_check.interval", "does not apply to a process"},
		{"process fall", withCheck(HealthCheck{Process: "nginx", Fall: 2}), SeverityError, "health_check.fall", "does not apply to a process"},
		{"process delay", withCheck(HealthCheck{Process: "nginx", Delay: 4000}), SeverityError, "health_check.delay", "0..3600"},
		{"weight with nopreempt", withCheck(HealthCheck{TCPPort: 80, Weight: -100}), SeverityError, "health_check.weight", "must be 0 with nopreempt"},
		{"positive weight with nopreempt", withCheck(HealthCheck{Process: "nginx", Weight: 100}), SeverityError, "health_check.weight", "must be 0 with nopreempt"},
		{"script weight range", func(c *Cluster) { preempting(c); c.HealthCheck = &HealthCheck{TCPPort: 80, Weight: -254} }, SeverityError, "health_check.weight", "-253..253"},
		{"process weight range", func(c *Cluster) { preempting(c); c.HealthCheck = &HealthCheck{Process: "nginx", Weight: 255} }, SeverityError, "health_check.weight", "-254..254"},
		{"weight below gap", func(c *Cluster) { preempting(c); c.HealthCheck = &HealthCheck{TCPPort: 80, Weight: -50} }, SeverityWarning, "health_check.weight", "does not exceed the priority gap 90"},
		{"weight clipped", func(c *Cluster) { preempting(c); c.HealthCheck = &HealthCheck{TCPPort: 80, Weight: -95} }, SeverityWarning, "health_check.weight", "clipped to 1..254"},

		// Notify.
		{"notify relative", func(c *Cluster) { c.Notify.Master = "notify.sh master" }, SeverityError, "notify.master", "absolute path"},
		{"notify quotes", func(c *Cluster) { c.Notify.Backup = "/usr/bin/logger 'x'" }, SeverityError, "notify.backup", "quotes"},
		{"notify comment", func(c *Cluster) { c.Notify.Fault = "/usr/bin/logger #fault" }, SeverityError, "notify.fault", "'#'"},
		{"notify control char", func(c *Cluster) { c.Notify.Stop = "/usr/bin/logger \x01" }, SeverityError, "notify.stop", "control characters"},

		// GARP.
		{"garp master_delay", func(c *Cluster) { c.GARP.MasterDelay = Ptr(100000) }, SeverityError, "garp.master_delay", "0..4294"},
		{"garp master_repeat", func(c *Cluster) { c.GARP.MasterRepeat = Ptr(0) }, SeverityError, "garp.master_repeat", "1..1000"},
		{"garp master_refresh", func(c *Cluster) { c.GARP.MasterRefresh = Ptr(-1) }, SeverityError, "garp.master_refresh", "0..4294"},
		{"garp lower_prio_repeat", func(c *Cluster) { c.GARP.LowerPrioRepeat = Ptr(-1) }, SeverityError, "garp.lower_prio_repeat", "0..1000"},
		{"garp refresh off", func(c *Cluster) { c.GARP.MasterRefresh = Ptr(0) }, SeverityWarning, "garp.master_refresh", "periodic GARP"},
		{"garp no split-brain GARP", func(c *Cluster) { c.GARP.LowerPrioRepeat = Ptr(0) }, SeverityWarning, "garp.lower_prio_repeat", "split brain"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := seedCluster()
			tc.mut(&c)
			fs := Lint(c)
			for _, f := range fs {
				if f.Severity == tc.sev && f.Field == tc.field && strings.Contains(f.Message, tc.msg) {
					if tc.sev == SeverityWarning && fs.HasErrors() {
						t.Errorf("warning case also produced errors: %v", fs.Errors())
					}
					return
				}
			}
			t.Errorf("want %s on %s containing %q; got:\n%s", tc.sev, tc.field, tc.msg, formatFindings(fs))
		})
	}
}

func formatFindings(fs Findings) string {
	if len(fs) == 0 {
		return "  (no findings)"
	}
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// Rules that render correctly only when Lint and Render agree.
func TestLintAcceptsEdgeValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		mut  func(c *Cluster)
	}{
		{"auth_pass of exactly 8", func(c *Cluster) { c.AuthPass = "12345678" }},
		{"v3 at 40.95", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 40.95 }},
		{"v3 at 0.25", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 0.25 }},
		{"v3 at 0.29 (binary fraction)", func(c *Cluster) { c.Version = 3; c.AuthPass = ""; c.AdvertInt = 0.29 }},
		{"v2 at 255", func(c *Cluster) { c.AdvertInt = 255 }},
		{"priority 254 and 1", func(c *Cluster) { c.Nodes[0].Priority, c.Nodes[1].Priority = 254, 1 }},
		{"preempt_delay 0", func(c *Cluster) { c.Preempt.Delay = Ptr(0.0) }},
		{"preempt_delay 1000", func(c *Cluster) { c.Preempt.Delay = Ptr(1000.0) }},
		{"ten nodes", func(c *Cluster) {
			c.Nodes = nil
			for i := 0; i < 10; i++ {
				c.Nodes = append(c.Nodes, Node{Name: "n" + strconv.Itoa(i), PrivateIP: "192.168.0." + strconv.Itoa(100+i), Priority: 10 + i})
			}
		}},
		{"explicit BACKUP", func(c *Cluster) { c.Nodes[0].State = StateBackup }},
		{"MASTER on the top node with preemption", func(c *Cluster) { c.Preempt.NoPreempt = Ptr(false); c.Nodes[0].State = StateMaster }},
		{"weight 0 with nopreempt", func(c *Cluster) { c.HealthCheck = &HealthCheck{TCPPort: 8000} }},
		{"weight beyond the gap", func(c *Cluster) {
			c.Preempt.NoPreempt = Ptr(false)
			c.HealthCheck = &HealthCheck{TCPPort: 8000, Weight: -60}
			c.Nodes[0].Priority, c.Nodes[1].Priority = 150, 100
		}},
		{"profile with matching explicit values", func(c *Cluster) { c.Profile = "seed"; c.Version = 2; c.AdvertInt = 1 }},
		{"budget met", func(c *Cluster) { c.FailoverBudget = 3.96 }},
		{"no subnet", func(c *Cluster) { c.SubnetCIDR = "" }},
		{"track a different interface", func(c *Cluster) { c.TrackInterfaces = []string{"eth1"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := seedCluster()
			tc.mut(&c)
			if fs := Lint(c); len(fs) != 0 {
				t.Errorf("want no findings, got:\n%s", formatFindings(fs))
			}
		})
	}
}

// Without a platform rule only the network and broadcast addresses are
// kept; the caller's ReservedHead/ReservedTail widen that.
func TestLintReservedEdgesAreTheCallers(t *testing.T) {
	c := seedCluster()
	c.ReservedHead, c.ReservedTail = 0, 0
	c.VirtualIPs = []string{"192.168.0.253"}
	for _, f := range Lint(c) {
		if f.Severity == SeverityError {
			t.Fatalf("generic subnet rule refused .253: %v", f)
		}
	}
	c.VirtualIPs = []string{"192.168.0.255"}
	if fs := Lint(c); len(fs) == 0 || !strings.Contains(fs[0].Message, "reserved") {
		t.Fatalf("broadcast address accepted: %v", fs)
	}
}
