package lab

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
)

// Node is one cluster member as the lab sees it.
type Node struct {
	Name string
	// IP is the node's private address, its unicast_src_ip.
	IP string
	// Interface is the VRRP interface the config names; the lab gives the
	// instance namespace's veth end this name.
	Interface string
	// Priority decides the expected owner in every scenario.
	Priority int
	// Answer is what the node's web check returns ("ECS 1").
	Answer string
	// CrashBudget and GracefulBudget are the node's takeover times as the
	// winning backup (NodeOutput.Failover), without tolerance.
	CrashBudget    float64
	GracefulBudget float64
	// CheckBudget and HungCheckBudget are the node's takeover times when
	// the MASTER's health check fails at once or hangs (NodeOutput.Failover),
	// without tolerance; 0 without a health check.
	CheckBudget     float64
	HungCheckBudget float64
}

// Config is one lab run.
type Config struct {
	// Configs maps node name to its keepalived.conf.
	Configs map[string]string
	Nodes   []Node
	VIP     string
	// Prefix is the subnet's prefix length (default 24).
	Prefix int
	// AdvertInt (seconds) sizes settle waits, the hold window and the
	// split-brain heal budget.
	AdvertInt float64
	// StartupDelay is vrrp_startup_delay, added to the initial election.
	StartupDelay float64
	// Port of the web check (default 8000, as in the guide).
	Port int
	// Tolerance (seconds) is added to every computed budget for GARP,
	// scheduling and the probe interval (default DefaultTolerance).
	Tolerance float64
	// Health runs the health-check scenarios instead of the node-level
	// ones; the configs must track a vrrp_script (see doc.go).
	Health bool
	// NoPreempt, CheckInterval and CheckRise are read from the configs:
	// they decide what the health-check scenarios expect when the service
	// returns. CheckHangs says the check is the lab's own web check
	// (Lab.CheckCommand), which the lab can make hang.
	NoPreempt     bool
	CheckInterval float64
	CheckTimeout  float64
	CheckRise     int
	CheckHangs    bool
	// OnMaster is called, one call at a time, with the node whose
	// notify_master hook fired.
	OnMaster func(node string)
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// DefaultTolerance covers what the VRRP timers do not: the first GARP
// reaching the client, the probe interval (50 ms) and scheduling noise.
// It is the +0.2 s of §10 of the keepalived notes; measured overhead on an
// idle host is 10-50 ms.
const DefaultTolerance = 0.2

// CheckScriptName is the file name of the lab's health-check script: the
// guide's web check from inside a node (see Lab.CheckCommand).
const CheckScriptName = "check-web"

// DefaultPort is the guide's web check port.
const DefaultPort = 8000

// SeedCluster is the cluster of Alibaba's HaVip walkthrough (VIP
// 192.168.0.24, ecs1 .25 priority 100, ecs2 .26 priority 10, VRID 51,
// nopreempt) with the given timing profile. VRRPv3 has no authentication,
// so auth_pass 1111 is only kept for VRRPv2 profiles.
func SeedCluster(profile string) (keepalived.Cluster, error) {
	p, ok := keepalived.LookupProfile(profile)
	if !ok {
		return keepalived.Cluster{}, fmt.Errorf("unknown profile %q (known: %s)", profile, strings.Join(keepalived.ProfileNames(), ", "))
	}
	c := keepalived.Cluster{
		Name:            "havip_web",
		Profile:         p.Name,
		VirtualIPs:      []string{"192.168.0.24"},
		VirtualRouterID: 51,
		Interface:       "eth0",
		SubnetCIDR:      "192.168.0.0/24",
		Nodes: []keepalived.Node{
			{Name: "ecs1", PrivateIP: "192.168.0.25", Priority: 100},
			{Name: "ecs2", PrivateIP: "192.168.0.26", Priority: 10},
		},
	}
	if p.Version == 2 {
		c.AuthPass = "1111"
	}
	return c, nil
}

// FromRender builds a Config from keepalived.Render output, taking
// priorities and budgets from the renderer rather than re-deriving them.
func FromRender(out map[string]keepalived.NodeOutput) (Config, error) {
	configs := make(map[string]string, len(out))
	for name, o := range out {
		configs[name] = o.Config
	}
	cfg, err := FromConfigs(configs)
	if err != nil {
		return Config{}, err
	}
	for i := range cfg.Nodes {
		o := out[cfg.Nodes[i].Name]
		if o.Priority != cfg.Nodes[i].Priority {
			return Config{}, fmt.Errorf("node %s: config says priority %d, renderer %d", cfg.Nodes[i].Name, cfg.Nodes[i].Priority, o.Priority)
		}
		cfg.Nodes[i].CrashBudget = o.Failover.CrashSeconds
		cfg.Nodes[i].GracefulBudget = o.Failover.GracefulSeconds
		cfg.Nodes[i].CheckBudget = o.Failover.CheckSeconds
		cfg.Nodes[i].HungCheckBudget = o.Failover.HungCheckSeconds
	}
	return cfg, nil
}

// FromConfigs builds a Config from keepalived.conf texts alone (node name →
// config), as the demo writes them. Budgets use the same formulas as the
// renderer (keepalived.MasterDown and Skew); answers are "ECS 1", "ECS 2",
// ... in node-name order.
func FromConfigs(configs map[string]string) (Config, error) {
	if len(configs) < 2 {
		return Config{}, fmt.Errorf("need at least 2 node configs, got %d", len(configs))
	}
	names := make([]string, 0, len(configs))
	for n := range configs {
		names = append(names, n)
	}
	sort.Strings(names)

	cfg := Config{Configs: map[string]string{}, Prefix: 24}
	var first keepalived.ConfInfo
	for i, name := range names {
		info, err := keepalived.ParseConf(configs[name])
		if err != nil {
			return Config{}, fmt.Errorf("node %s: %w", name, err)
		}
		if info.SrcIP == "" {
			return Config{}, fmt.Errorf("node %s: no unicast_src_ip; the lab needs each node's address", name)
		}
		if i == 0 {
			first = info
			cfg.VIP = info.VIPs[0]
			cfg.AdvertInt = info.AdvertInt
			cfg.StartupDelay = info.StartupDelay
			cfg.NoPreempt = info.NoPreempt
			if info.Check != nil {
				cfg.CheckInterval, cfg.CheckTimeout, cfg.CheckRise = info.Check.Interval, info.Check.Timeout, info.Check.Rise
				cfg.CheckHangs = strings.Contains(info.Check.Script, "/"+CheckScriptName)
			}
		} else {
			if strings.Join(info.VIPs, ",") != strings.Join(first.VIPs, ",") {
				return Config{}, fmt.Errorf("node %s: VIPs %v differ from node %s's %v", name, info.VIPs, names[0], first.VIPs)
			}
			if info.AdvertInt != first.AdvertInt || info.Version != first.Version || info.DownTimerAdverts != first.DownTimerAdverts {
				return Config{}, fmt.Errorf("node %s: version/advert_int/down_timer_adverts differ from node %s's", name, names[0])
			}
			cfg.StartupDelay = math.Max(cfg.StartupDelay, info.StartupDelay)
		}
		cfg.Configs[name] = configs[name]
		// The renderer's own timing model, fed with what the file says.
		t := keepalived.NodeTiming(keepalived.Cluster{
			Version: info.Version, AdvertInt: info.AdvertInt, DownTimerAdverts: info.DownTimerAdverts, HealthCheck: info.Check,
		}, info.Priority)
		cfg.Nodes = append(cfg.Nodes, Node{
			Name:            name,
			IP:              info.SrcIP,
			Interface:       info.Interface,
			Priority:        info.Priority,
			Answer:          fmt.Sprintf("ECS %d", i+1),
			CrashBudget:     t.CrashSeconds,
			GracefulBudget:  t.GracefulSeconds,
			CheckBudget:     t.CheckSeconds,
			HungCheckBudget: t.HungCheckSeconds,
		})
	}
	return cfg, nil
}

var (
	ifaceKeyword = regexp.MustCompile(`^(\s*)interface(\s+)(\S+)(.*)$`)
	devKeyword   = regexp.MustCompile(`(\sdev\s+)(\S+)`)
)

// AdaptInterface renames interface from to to: the instance's `interface`,
// every `dev` of a VIP or route, and track_interface entries. The lab names
// the veth end inside each namespace after the config's interface, so it
// only needs this when that name cannot be a link name.
func AdaptInterface(conf, from, to string) string {
	if from == to {
		return conf
	}
	lines := strings.Split(conf, "\n")
	var stack []string
	for i, line := range lines {
		toks := keepalived.Tokens(line)
		if len(toks) == 0 {
			continue
		}
		if toks[0] == "}" {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		code, comment := keepalived.SplitComment(line)
		if m := ifaceKeyword.FindStringSubmatch(code); m != nil && m[3] == from {
			code = m[1] + "interface" + m[2] + to + m[4]
		}
		code = devKeyword.ReplaceAllStringFunc(code, func(s string) string {
			m := devKeyword.FindStringSubmatch(s)
			if m[2] == from {
				return m[1] + to
			}
			return s
		})
		if len(stack) > 0 && stack[len(stack)-1] == "track_interface" && toks[0] == from {
			code = strings.Replace(code, from, to, 1)
		}
		lines[i] = code + comment
		if toks[len(toks)-1] == "{" {
			stack = append(stack, toks[0])
		}
	}
	return strings.Join(lines, "\n")
}

// InjectNotify makes every vrrp_instance run script on becoming MASTER,
// replacing any notify_master there, and adds the script security settings
// keepalived 2.2.7 insists on before running scripts. A config that already
// calls script is returned unchanged.
func InjectNotify(conf, script string) (string, error) {
	info, err := keepalived.ParseConf(conf)
	if err != nil {
		return "", err
	}
	if info.NotifyMaster == script && info.ScriptSecurity {
		return conf, nil
	}
	var out []string
	var stack []string
	sawGlobals := false
	for _, line := range strings.Split(strings.TrimRight(conf, "\n"), "\n") {
		toks := keepalived.Tokens(line)
		if len(toks) == 0 {
			out = append(out, line)
			continue
		}
		top := ""
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if toks[0] == "}" && len(stack) > 0 {
			switch {
			case len(stack) == 1 && top == "vrrp_instance":
				out = append(out, `    notify_master "`+script+`" # injected by the failover lab`)
			case len(stack) == 1 && top == "global_defs":
				if !info.ScriptSecurity {
					out = append(out, "    enable_script_security # injected by the failover lab")
				}
				if info.ScriptUser == "" {
					out = append(out, "    script_user root # injected by the failover lab")
				}
			}
			stack = stack[:len(stack)-1]
			out = append(out, line)
			continue
		}
		if len(stack) == 1 && top == "vrrp_instance" && toks[0] == "notify_master" {
			continue
		}
		if toks[len(toks)-1] == "{" {
			if len(stack) == 0 && toks[0] == "global_defs" {
				sawGlobals = true
			}
			stack = append(stack, toks[0])
		}
		out = append(out, line)
	}
	if !sawGlobals {
		out = append([]string{
			"global_defs { # injected by the failover lab",
			"    enable_script_security",
			"    script_user root",
			"}",
		}, out...)
	}
	return strings.Join(out, "\n") + "\n", nil
}
