package keepalived

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NodeOutput is everything rendered for one node.
type NodeOutput struct {
	// Config is the complete /etc/keepalived/keepalived.conf.
	Config string
	// UserData is a POSIX sh boot script that installs keepalived, writes
	// Config and starts keepalived only if `keepalived -t` is silent.
	UserData string
	// State is the initial VRRP state written to Config.
	State string
	// Priority is the node's VRRP priority after defaults.
	Priority int
	// Failover is how quickly this node takes over as the winning backup.
	Failover Timing
}

// LintError is returned by Render when the cluster has lint errors.
type LintError struct {
	Findings Findings
}

func (e *LintError) Error() string {
	errs := e.Findings.Errors()
	parts := make([]string, len(errs))
	for i, f := range errs {
		parts[i] = f.Field + ": " + f.Message
	}
	return fmt.Sprintf("keepalived: %d lint error(s): %s", len(errs), strings.Join(parts, "; "))
}

// Render lints c and, if there are no errors, renders every node keyed by
// node name. The findings (warnings, or errors with a *LintError) are always
// returned so the caller can surface them.
func Render(c Cluster) (map[string]NodeOutput, Findings, error) {
	findings := Lint(c)
	if findings.HasErrors() {
		return nil, findings, &LintError{Findings: findings}
	}
	d := c.WithDefaults()
	target, _ := d.targetVersion() // Lint has refused a malformed one
	out := make(map[string]NodeOutput, len(d.Nodes))
	for _, n := range d.Nodes {
		t := NodeTiming(d, n.Priority)
		conf := renderConfig(d, n, t)
		// The last line of defence: a keyword the target lacks would make
		// keepalived -t fail on the node, and the boot script refuse to
		// start keepalived at all.
		if errs := CheckKeywords(conf, target); len(errs) > 0 {
			return nil, findings, fmt.Errorf("keepalived: the config rendered for node %s does not suit keepalived %s: %w", n.Name, target, errors.Join(errs...))
		}
		out[n.Name] = NodeOutput{
			Config:   conf,
			UserData: renderUserData(d, n, conf),
			State:    n.State,
			Priority: n.Priority,
			Failover: t,
		}
	}
	return out, findings, nil
}

// SortedNodeNames returns the keys of a Render result in order, for callers
// that need deterministic iteration.
func SortedNodeNames(m map[string]NodeOutput) []string {
	return slices.Sorted(maps.Keys(m))
}

// checkName is the shared name of the vrrp_script or vrrp_track_process.
func checkName(d Cluster) string { return "chk_" + d.Name }

// confWriter keeps indentation and comment style uniform.
type confWriter struct {
	b      strings.Builder
	indent int
}

func (w *confWriter) line(format string, args ...any) {
	for range w.indent {
		w.b.WriteString("    ")
	}
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// comment writes one or more lines of "# ..." at the current indentation.
func (w *confWriter) comment(lines ...string) {
	for _, l := range lines {
		w.line("# %s", l)
	}
}

func (w *confWriter) open(format string, args ...any) {
	w.line(format+" {", args...)
	w.indent++
}

func (w *confWriter) close() {
	w.indent--
	w.line("}")
}

func (w *confWriter) blank() { w.b.WriteByte('\n') }

func renderConfig(d Cluster, n Node, t Timing) string {
	w := &confWriter{}
	w.comment(
		fmt.Sprintf("keepalived.conf for node %s of HaVip cluster %s (%d nodes, VRRPv%d).", n.Name, d.Name, len(d.Nodes), d.Version),
		"Rendered by terraform-provider-havip from one cluster model, so VRID, version, advert_int,",
		"authentication and VIPs match on every node. Change the model, not this file.",
	)
	takeover := fmt.Sprintf("As the winning backup this node takes over at most %.2f s after the MASTER crashes", t.CrashSeconds)
	stop := fmt.Sprintf("and %.2f s after it stops cleanly", t.GracefulSeconds)
	if d.HealthCheck != nil {
		w.comment(takeover+",", fmt.Sprintf("%.2f s after it stops cleanly and %.2f s after its service fails (%.2f s if the check hangs).",
			t.GracefulSeconds, t.CheckSeconds, t.HungCheckSeconds))
	} else {
		w.comment(takeover, stop+".")
	}
	w.blank()

	renderGlobals(w, d, n)
	renderCheck(w, d)
	renderInstance(w, d, n)
	return w.b.String()
}

// vrrpRTPriority only needs to beat ordinary processes; kernel threads that
// handle interrupts run at 50 and must stay above keepalived.
const vrrpRTPriority = 10

// vrrpRLimitRTTime (µs) is well above what the VRRP process was seen to
// need (its whole start-up takes about 30 ms of CPU) and still stops a
// runaway process within a fifth of a second.
const vrrpRLimitRTTime = 200000

func renderGlobals(w *confWriter, d Cluster, n Node) {
	w.open("global_defs")
	w.comment("Only labels logs and alerts; the election ignores it.")
	w.line("router_id %s", n.Name)
	w.comment(
		"Realtime scheduling for the VRRP process from the start: on a busy host an",
		"ordinary process shares the CPU with every other group of processes and its",
		"timers run tens to hundreds of milliseconds late, so a backup takes over",
		"late, or a MASTER whose adverts are late loses the HaVip for nothing. Check",
		"and notify scripts still run with ordinary scheduling.",
	)
	w.line("vrrp_rt_priority %d", vrrpRTPriority)
	w.comment(
		"A realtime keepalived is killed once it runs this long (µs) without",
		"sleeping. With the default, 10 ms, keepalived 2.2.7 killed its own VRRP",
		"process within a second of starting and again on stopping.",
	)
	w.line("vrrp_rlimit_rttime %d", vrrpRLimitRTTime)
	w.comment("Raise that priority further if timers still run more than a second late.")
	w.line("max_auto_priority")
	if d.StartupDelay > 0 {
		w.comment(
			"Hold VRRP back after start-up: a rebooted node whose network is not ready",
			"would otherwise not hear the MASTER, claim the HaVip and move traffic again.",
		)
		w.line("vrrp_startup_delay %s", formatSeconds(d.StartupDelay))
	}
	if d.usesScripts() {
		w.comment(
			"keepalived refuses to run scripts without script security. root is named",
			"explicitly because keepalived 2.2.7's config test kills itself (exit 143)",
			"when any script runs as another user.",
		)
		w.line("enable_script_security")
		w.line("script_user root")
	}
	w.close()
	w.blank()
}

// renderCheck writes the health check; keepalived only finds it when it is
// defined before the instance that tracks it.
func renderCheck(w *confWriter, d Cluster) {
	hc := d.HealthCheck
	if hc == nil {
		return
	}
	switch {
	case hc.Process != "":
		w.comment(
			fmt.Sprintf("Health: a process named %s must be running. Process events come from the", hc.Process),
			"kernel, so nothing is forked per check and no script security applies.",
		)
		w.open("vrrp_track_process %s", checkName(d))
		w.line("process %s", hc.Process)
		w.line("quorum 1")
		if hc.Delay > 0 {
			w.comment("Ride out quick restarts before declaring the process gone.")
			w.line("delay %s", formatSeconds(hc.Delay))
		}
	case hc.TCPPort != 0:
		w.comment(
			fmt.Sprintf("Health: something must accept TCP connections on 127.0.0.1:%d. bash's", hc.TCPPort),
			"/dev/tcp needs nothing extra installed (dash has no /dev/tcp), and keepalived",
			"kills the attempt after the timeout if SYNs are silently dropped.",
		)
		w.open("vrrp_script %s", checkName(d))
		w.line(`script "/bin/bash -c '</dev/tcp/127.0.0.1/%d'"`, hc.TCPPort)
	default:
		w.comment(
			"Health: the command must exit 0. It runs as root; keep it and its directories",
			"root-owned and not writable by others, or keepalived disables it.",
		)
		w.open("vrrp_script %s", checkName(d))
		w.line("script %s", quoteCommand(hc.Script))
	}
	if hc.Process == "" {
		w.line("interval %d", int(hc.Interval))
		w.line("timeout %d", int(hc.Timeout))
		w.line("fall %d", hc.Fall)
		w.line("rise %d", hc.Rise)
	}
	if hc.Weight == 0 {
		w.comment("Weight 0: failure puts the node in FAULT, which hands the HaVip over at once.")
	} else {
		w.comment(fmt.Sprintf("Failure shifts this node's priority by %d instead of forcing FAULT.", hc.Weight))
	}
	w.line("weight %d", hc.Weight)
	w.close()
	w.blank()
}

// renderInstance writes the node's vrrp_instance: how it elects, how it
// reaches its peers, the HaVip itself, what it tracks and what it runs.
func renderInstance(w *confWriter, d Cluster, n Node) {
	w.open("vrrp_instance %s", d.Name)
	renderElection(w, d, n)
	renderAuthentication(w, d)
	renderUnicast(w, d, n)
	renderVIPs(w, d, n)
	renderGARP(w, d.GARP)
	renderTracking(w, d)
	renderNotify(w, d.Notify)
	w.close()
}

// renderElection writes what decides the MASTER: state, identity, priority,
// VRRP timers and preemption.
func renderElection(w *confWriter, d Cluster, n Node) {
	noPreempt := d.Preempt.NoPreempt != nil && *d.Preempt.NoPreempt
	switch {
	case n.State == StateMaster:
		w.comment("Starts as MASTER so the first election does not wait for the master-down timer.")
	case noPreempt:
		w.comment(
			"Every node starts as BACKUP: keepalived clears nopreempt on an initial MASTER.",
			"The highest priority still wins the first election.",
		)
	case d.Preempt.Delay != nil:
		w.comment("Starts as BACKUP: keepalived ignores preempt_delay on an initial MASTER.")
	default:
		w.comment("Starts as BACKUP and wins by priority, so no node claims the HaVip before hearing the others.")
	}
	w.line("state %s", n.State)
	w.line("interface %s", n.Interface)
	w.comment("Same on every node; clusters that can hear each other need different IDs.")
	w.line("virtual_router_id %d", d.VirtualRouterID)
	w.comment("Distinct per node and at most 254: 255 would claim address ownership.")
	w.line("priority %d", n.Priority)
	w.comment("Explicit because adverts of a different version are dropped, which means split brain.")
	w.line("version %d", d.Version)
	w.comment(fmt.Sprintf("Backups take over after %d missed adverts plus a priority-dependent skew.", d.DownTimerAdverts))
	w.line("advert_int %s", formatSeconds(math.Round(d.AdvertInt*100)/100))
	if d.DownTimerAdverts != DefaultDownTimerAdverts {
		w.comment("Must match on every node.")
		w.line("down_timer_adverts %d", d.DownTimerAdverts)
	}

	switch {
	case noPreempt:
		w.comment("A recovered node does not take the HaVip back, so an outage moves traffic once, not twice.")
		w.line("nopreempt")
	case d.Preempt.Delay != nil:
		w.comment("A recovered higher-priority node takes the HaVip back, but only after this many seconds.")
		w.line("preempt_delay %s", formatSeconds(*d.Preempt.Delay))
	default:
		w.comment("Preemption (keepalived's default): a recovered higher-priority node takes the HaVip back.")
	}
}

func renderAuthentication(w *confWriter, d Cluster) {
	if d.AuthType != AuthPASS {
		return
	}
	w.open("authentication")
	w.comment("Clear text on the wire: it keeps apart clusters that share a VRID, nothing more.")
	w.line("auth_type PASS")
	w.line("auth_pass %s", d.AuthPass)
	w.close()
}

func renderUnicast(w *confWriter, d Cluster, n Node) {
	w.comment("HaVip carries no multicast: adverts go from this node's private IP to every other member.")
	w.line("unicast_src_ip %s", n.PrivateIP)
	w.open("unicast_peer")
	for _, p := range peersOf(d, n) {
		w.line("%s # %s", p.PrivateIP, p.Name)
	}
	w.close()
	w.comment("Ignore adverts from addresses that are not members.")
	w.line("check_unicast_src")
	if target, _ := d.targetVersion(); target.AtLeast(keywordSince["unicast_fault_no_peer"]) {
		w.comment("Never fall back to multicast, which a HaVip does not carry, if the peer list ends up empty.")
		w.line("unicast_fault_no_peer")
	}
}

func renderVIPs(w *confWriter, d Cluster, n Node) {
	w.open("virtual_ipaddress")
	w.comment("/32 so the HaVip never becomes a primary address whose removal takes others with it.")
	for _, vip := range d.VirtualIPs {
		w.line("%s/32 dev %s", vip, n.Interface)
	}
	w.close()
}

func renderGARP(w *confWriter, g GARP) {
	w.comment(
		"HaVip follows the MASTER's ARP: a second GARP burst soon after takeover,",
		"then periodic GARP while MASTER so one lost packet cannot strand traffic.",
	)
	w.line("garp_master_delay %d", *g.MasterDelay)
	if g.MasterRepeat != nil {
		w.line("garp_master_repeat %d", *g.MasterRepeat)
	}
	w.line("garp_master_refresh %d", *g.MasterRefresh)
	if *g.HigherPrioSendAdvert {
		w.comment(
			"When a split brain heals, the MASTER that stays re-announces the HaVip, and",
			"the one that yields first sends an advert so the winner GARPs again.",
		)
		w.line("garp_lower_prio_repeat %d", *g.LowerPrioRepeat)
		w.line("higher_prio_send_advert")
	} else {
		w.comment("When a split brain heals, the MASTER that stays re-announces the HaVip.")
		w.line("garp_lower_prio_repeat %d", *g.LowerPrioRepeat)
	}
}

// renderTracking writes what else puts the node in FAULT: interfaces and
// the health check.
func renderTracking(w *confWriter, d Cluster) {
	if len(d.TrackInterfaces) > 0 {
		w.comment("Losing any of these puts the node in FAULT; the VRRP interface is tracked already.")
		w.open("track_interface")
		for _, t := range d.TrackInterfaces {
			w.line("%s", t)
		}
		w.close()
	}

	if hc := d.HealthCheck; hc != nil {
		if hc.Process != "" {
			w.open("track_process")
		} else {
			w.open("track_script")
		}
		w.line("%s", checkName(d))
		w.close()
	}
}

func renderNotify(w *confWriter, n Notify) {
	notifies := []struct{ key, cmd string }{
		{"notify_master", n.Master},
		{"notify_backup", n.Backup},
		{"notify_fault", n.Fault},
		{"notify_stop", n.Stop},
	}
	first := true
	for _, nt := range notifies {
		if nt.cmd == "" {
			continue
		}
		if first {
			w.comment("Quoted, or keepalived would read the first argument as a user name.")
			first = false
		}
		w.line("%s %s", nt.key, quoteCommand(nt.cmd))
	}
}

// peersOf lists every other node, sorted by name so the file does not depend
// on list order.
func peersOf(d Cluster, self Node) []Node {
	var peers []Node
	for _, p := range d.Nodes {
		if p.Name != self.Name {
			peers = append(peers, p)
		}
	}
	sort.Slice(peers, func(i, j int) bool { return peers[i].Name < peers[j].Name })
	return peers
}

// quoteCommand wraps a linted command in double quotes after collapsing runs
// of blanks; keepalived splits on them anyway and a canonical form keeps the
// rendered text stable. Lint has already refused quotes and backslashes, so
// no escaping is needed.
func quoteCommand(cmd string) string {
	return `"` + strings.Join(strings.Fields(cmd), " ") + `"`
}

// formatSeconds prints the shortest decimal that round-trips, never in
// exponent form (keepalived's number parser does not accept it).
func formatSeconds(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
