package keepalived

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/netutil"
)

// Severity of a Finding.
type Severity int

const (
	// SeverityError stops Render: the config would fail `keepalived -t` or
	// would behave differently from what the model says.
	SeverityError Severity = iota + 1
	// SeverityWarning is legal but probably not what the caller wants.
	SeverityWarning
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// Finding is one lint result. Field is a snake_case attribute path such as
// "advert_int", "nodes[1].priority" or "health_check.weight" (indexes refer
// to the caller's lists), so a Terraform data source can attach it to the
// attribute the user has to change.
type Finding struct {
	Severity Severity
	Field    string
	Message  string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Severity, f.Field, f.Message)
}

// Findings is a list of lint results in a stable order.
type Findings []Finding

// HasErrors reports whether any finding is an error.
func (fs Findings) HasErrors() bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (fs Findings) Errors() Findings { return fs.only(SeverityError) }

// Warnings returns only the warnings.
func (fs Findings) Warnings() Findings { return fs.only(SeverityWarning) }

func (fs Findings) only(s Severity) Findings {
	var out Findings
	for _, f := range fs {
		if f.Severity == s {
			out = append(out, f)
		}
	}
	return out
}

// Limits taken from keepalived 2.2.7's parser or from HaVip.
const (
	maxNameLen        = 32
	maxNodeNameLen    = 63
	maxIfNameLen      = 15 // IFNAMSIZ - 1
	maxAuthPassLen    = 8  // sizeof(auth_data); longer is truncated with a warning
	maxPreemptDelay   = 1000
	maxScriptSeconds  = 4294 // vrrp_script interval/timeout: seconds that fit a uint32 of microseconds
	maxGARPSeconds    = 4294
	maxGARPRepeat     = 1000 // keepalived allows more; nobody needs more
	maxScriptWeight   = 253
	maxProcessWeight  = 254
	maxProcessDelay   = 3600
	maxProcessNameLen = 15 // comm is truncated to 15 characters
	maxStartupDelay   = 3600
	// Below this, timers on virtual machines fire late often enough to cause
	// false failovers (keepalived #1955, #2066). The fast profile sits at it.
	minVMAdvertInt = 0.25
)

// Character classes for names that end up as bare keepalived words or
// kernel names. Plain functions rather than regexps keep the package free of
// package-level state.
const (
	alnum         = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	nameChars     = alnum + "_-"
	nodeNameChars = alnum + "._-"
	ifNameChars   = alnum + "_.-"
	processChars  = alnum + "_.:+@-"
)

// onlyChars reports whether s is non-empty and made only of allowed bytes.
func onlyChars(s, allowed string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(allowed, s[i]) < 0 {
			return false
		}
	}
	return true
}

type linter struct{ out Findings }

func (l *linter) errorf(field, format string, args ...any) {
	l.out = append(l.out, Finding{SeverityError, field, fmt.Sprintf(format, args...)})
}

func (l *linter) warnf(field, format string, args ...any) {
	l.out = append(l.out, Finding{SeverityWarning, field, fmt.Sprintf(format, args...)})
}

// Lint checks c (defaults are applied internally) and returns every finding.
// The order is stable: cluster settings first, then nodes, then the optional
// blocks, each in the order the fields are declared.
func Lint(c Cluster) Findings {
	l := &linter{}
	l.profile(c)
	d := c.WithDefaults()

	l.name(d)
	l.keepalivedVersion(d)
	l.version(d)
	l.advertInt(d)
	l.downTimer(d)
	l.vrid(d)
	l.iface("interface", d.Interface)
	subnet, subnetOK := l.subnet(d)
	l.nodes(c, d, subnet, subnetOK)
	l.vips(d, subnet, subnetOK)
	l.preempt(d)
	l.auth(d)
	l.trackInterfaces(d)
	l.startupDelay(d)
	l.healthCheck(c, d)
	l.notify(d)
	l.garp(d)
	l.budget(d)
	return l.out
}

func (l *linter) profile(c Cluster) {
	if c.Profile == "" {
		return
	}
	p, ok := LookupProfile(c.Profile)
	if !ok {
		l.errorf("profile", "unknown profile %q; known profiles: %s", c.Profile, strings.Join(ProfileNames(), ", "))
		return
	}
	if c.Version != 0 && c.Version != p.Version {
		l.errorf("vrrp_version", "profile %q uses VRRP version %d; remove vrrp_version or the profile", p.Name, p.Version)
	}
	if c.AdvertInt != 0 && !sameCentis(c.AdvertInt, p.AdvertInt) {
		l.errorf("advert_int", "profile %q uses advert_int %s; remove advert_int or the profile", p.Name, formatSeconds(p.AdvertInt))
	}
}

func (l *linter) name(d Cluster) {
	if len(d.Name) > maxNameLen || !onlyChars(d.Name, nameChars) {
		l.errorf("name", "%q must be 1-%d letters, digits, '_' or '-' (it names the vrrp_instance)", d.Name, maxNameLen)
	}
}

func (l *linter) keepalivedVersion(d Cluster) {
	if d.KeepalivedVersion == "" {
		return
	}
	v, err := ParseVersion(d.KeepalivedVersion)
	if err != nil {
		l.errorf("keepalived_version", "%v", err)
		return
	}
	if !v.Supported() {
		l.errorf("keepalived_version", "keepalived %s is outside the supported range %s", v, SupportedRange)
	}
}

func (l *linter) version(d Cluster) {
	if d.Version != 2 && d.Version != 3 {
		l.errorf("vrrp_version", "must be 2 or 3, got %d", d.Version)
	}
}

func (l *linter) advertInt(d Cluster) {
	a := d.AdvertInt
	switch {
	case math.IsNaN(a) || math.IsInf(a, 0) || a <= 0:
		l.errorf("advert_int", "must be a positive number of seconds")
	case d.Version == 2 && (a != math.Trunc(a) || a < 1 || a > 255):
		l.errorf("advert_int", "VRRPv2 needs whole seconds 1..255, got %s (keepalived would round it and warn); use vrrp_version 3 for sub-second adverts", formatSeconds(a))
	case d.Version == 3 && (a < 0.01-1e-9 || a > 40.95+1e-9):
		l.errorf("advert_int", "VRRPv3 needs 0.01..40.95 s, got %s", formatSeconds(a))
	case d.Version == 3 && !isCentis(a):
		l.errorf("advert_int", "VRRPv3 counts in 0.01 s units, got %s (keepalived would round it and warn)", formatSeconds(a))
	case a < minVMAdvertInt-1e-9:
		l.warnf("advert_int", "%s s is below %s s; on virtual machines late timers then cause false failovers, each of which moves the HaVip twice", formatSeconds(a), formatSeconds(minVMAdvertInt))
	}
}

func (l *linter) downTimer(d Cluster) {
	if d.DownTimerAdverts < 1 || d.DownTimerAdverts > 100 {
		l.errorf("down_timer_adverts", "must be 1..100, got %d", d.DownTimerAdverts)
	}
}

func (l *linter) vrid(d Cluster) {
	switch {
	case d.VirtualRouterID == 0:
		l.errorf("virtual_router_id", "is required (1..255) and must differ from other clusters in the VPC")
	case d.VirtualRouterID < 1 || d.VirtualRouterID > 255:
		l.errorf("virtual_router_id", "must be 1..255, got %d", d.VirtualRouterID)
	}
}

func (l *linter) iface(field, name string) bool {
	if len(name) > maxIfNameLen || !onlyChars(name, ifNameChars) || name == "." || name == ".." {
		l.errorf(field, "%q is not a valid interface name (1-%d characters, no spaces, '/' or ':')", name, maxIfNameLen)
		return false
	}
	return true
}

func (l *linter) subnet(d Cluster) (netip.Prefix, bool) {
	if d.SubnetCIDR == "" {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(d.SubnetCIDR)
	switch {
	case err != nil:
		l.errorf("subnet_cidr", "%q is not a CIDR block: %v", d.SubnetCIDR, err)
		return p, false
	case !p.Addr().Is4():
		l.errorf("subnet_cidr", "%q is not IPv4; HaVip is IPv4 only", d.SubnetCIDR)
		return p, false
	case p.Masked() != p:
		l.errorf("subnet_cidr", "%q has host bits set; did you mean %s?", d.SubnetCIDR, p.Masked())
		return p, false
	}
	return p, true
}

// parseIPv4 accepts only a plain dotted-quad unicast address, the only thing
// HaVip and keepalived's unicast_peer agree on.
func parseIPv4(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return a, fmt.Sprintf("%q is not an IPv4 address", s)
	case !a.Is4():
		return a, fmt.Sprintf("%q is not IPv4; HaVip is IPv4 only", s)
	case !a.IsGlobalUnicast():
		return a, fmt.Sprintf("%q is not a unicast address", s)
	}
	return a, ""
}

// checkInSubnet reports why a is unusable in the cluster's subnet, or "".
func checkInSubnet(a netip.Addr, p netip.Prefix, d Cluster) string {
	if !p.Contains(a) {
		return fmt.Sprintf("%s is outside subnet_cidr %s; HaVip members and the HaVip must share one subnet", a, p)
	}
	head, tail := d.ReservedHead, d.ReservedTail
	if head == 0 && tail == 0 {
		head, tail = 1, 1
	}
	if netutil.AtEdge(p, a, head, tail) {
		return fmt.Sprintf("%s is reserved in %s (the network keeps its first %d and last %d addresses)", a, p, head, tail)
	}
	return ""
}

func (l *linter) nodes(raw, d Cluster, subnet netip.Prefix, subnetOK bool) {
	switch n := len(d.Nodes); {
	case n < 2:
		l.errorf("nodes", "a failover cluster needs at least 2 nodes, got %d", n)
	case n > MaxNodes:
		l.errorf("nodes", "a HaVip can be associated with at most %d instances, got %d", MaxNodes, n)
	}

	// Priorities are either all automatic or all explicit; a mix would
	// silently produce duplicates or a surprising order.
	set := 0
	for _, n := range raw.Nodes {
		if n.Priority != 0 {
			set++
		}
	}
	partial := set > 0 && set < len(raw.Nodes)

	names := map[string]int{}
	ips := map[netip.Addr]int{}
	prios := map[int]int{}
	masters := 0
	for i, n := range d.Nodes {
		f := func(attr string) string { return fmt.Sprintf("nodes[%d].%s", i, attr) }

		switch {
		case n.Name == "":
			l.errorf(f("name"), "is required")
		case len(n.Name) > maxNodeNameLen || !onlyChars(n.Name, nodeNameChars) || strings.IndexByte(alnum, n.Name[0]) < 0:
			l.errorf(f("name"), "%q must be 1-%d letters, digits, '.', '_' or '-', starting with a letter or digit", n.Name, maxNodeNameLen)
		default:
			if j, dup := names[n.Name]; dup {
				l.errorf(f("name"), "%q is already used by nodes[%d]", n.Name, j)
			} else {
				names[n.Name] = i
			}
		}

		if a, msg := parseIPv4(n.PrivateIP); msg != "" {
			l.errorf(f("private_ip"), "%s", msg)
		} else {
			if j, dup := ips[a]; dup {
				l.errorf(f("private_ip"), "%s is already used by nodes[%d]; every node needs its own unicast source address", a, j)
			} else {
				ips[a] = i
			}
			if subnetOK {
				if msg := checkInSubnet(a, subnet, d); msg != "" {
					l.errorf(f("private_ip"), "%s", msg)
				}
			}
		}

		switch {
		case partial && raw.Nodes[i].Priority == 0:
			l.errorf(f("priority"), "is required because other nodes set a priority (set all or none; none assigns 100, 90, 80, ... in list order)")
		case n.Priority == 255:
			l.errorf(f("priority"), "255 means address owner: keepalived makes that node MASTER at once, drops nopreempt and ignores health-check weights; use 1..254")
		case n.Priority < 1 || n.Priority > 254:
			l.errorf(f("priority"), "must be 1..254, got %d", n.Priority)
		default:
			if j, dup := prios[n.Priority]; dup {
				l.errorf(f("priority"), "%d is already used by nodes[%d]; equal priorities fall back to comparing IP addresses", n.Priority, j)
			} else {
				prios[n.Priority] = i
			}
		}

		if n.Interface != d.Interface {
			l.iface(f("interface"), n.Interface)
		}

		switch n.State {
		case StateBackup:
		case StateMaster:
			masters++
			switch {
			case d.Preempt.NoPreempt != nil && *d.Preempt.NoPreempt:
				l.errorf(f("state"), "MASTER is incompatible with nopreempt (keepalived clears nopreempt on an initial MASTER); leave state unset")
			case d.Preempt.Delay != nil:
				l.errorf(f("state"), "MASTER is incompatible with preempt_delay (keepalived clears the delay); leave state unset")
			case masters > 1:
				l.errorf(f("state"), "only one node may start as MASTER")
			}
		default:
			l.errorf(f("state"), "must be %q or %q, got %q", StateBackup, StateMaster, n.State)
		}
	}

	// A MASTER that is not the top priority steps down as soon as it hears
	// the real winner, moving the HaVip twice during startup.
	for i, n := range d.Nodes {
		if n.State != StateMaster {
			continue
		}
		for _, o := range d.Nodes {
			if o.Priority > n.Priority {
				l.warnf(fmt.Sprintf("nodes[%d].state", i), "starts as MASTER but %q has a higher priority (%d > %d) and will take over", o.Name, o.Priority, n.Priority)
				break
			}
		}
	}
}

func (l *linter) vips(d Cluster, subnet netip.Prefix, subnetOK bool) {
	if len(d.VirtualIPs) == 0 {
		l.errorf("virtual_ips", "at least one HaVip address is required")
		return
	}
	nodeIPs := map[netip.Addr]string{}
	for _, n := range d.Nodes {
		if a, err := netip.ParseAddr(n.PrivateIP); err == nil {
			if _, seen := nodeIPs[a]; !seen {
				nodeIPs[a] = n.Name
			}
		}
	}
	seen := map[netip.Addr]int{}
	for i, s := range d.VirtualIPs {
		field := fmt.Sprintf("virtual_ips[%d]", i)
		a, msg := parseIPv4(s)
		if msg != "" {
			l.errorf(field, "%s", msg)
			continue
		}
		if j, dup := seen[a]; dup {
			l.errorf(field, "%s duplicates virtual_ips[%d]", a, j)
			continue
		}
		seen[a] = i
		if name, clash := nodeIPs[a]; clash {
			l.errorf(field, "%s is the private_ip of node %q; the HaVip must be its own unassigned address, or keepalived would remove the node's address when it loses mastership", a, name)
		}
		if subnetOK {
			if msg := checkInSubnet(a, subnet, d); msg != "" {
				l.errorf(field, "%s", msg)
			}
		}
	}
}

func (l *linter) preempt(d Cluster) {
	p := d.Preempt
	if p.Delay == nil {
		return
	}
	if p.NoPreempt != nil && *p.NoPreempt {
		l.errorf("preempt_delay", "is incompatible with nopreempt (keepalived resets it); set nopreempt = false to preempt after a delay")
	}
	if v := *p.Delay; math.IsNaN(v) || v < 0 || v > maxPreemptDelay {
		l.errorf("preempt_delay", "must be 0..%d seconds, got %s", maxPreemptDelay, formatSeconds(v))
	}
}

func (l *linter) auth(d Cluster) {
	switch d.AuthType {
	case "":
		return
	case AuthPASS:
	default:
		l.errorf("auth_type", "must be %q or empty, got %q", AuthPASS, d.AuthType)
		return
	}
	if d.Version == 3 {
		field := "auth_pass"
		if d.AuthPass == "" {
			field = "auth_type"
		}
		l.errorf(field, "VRRPv3 has no authentication (keepalived ignores it with a warning); drop it or use vrrp_version 2")
		return
	}
	switch p := d.AuthPass; {
	case p == "":
		l.errorf("auth_pass", "is required when auth_type is %s", AuthPASS)
	case len(p) > maxAuthPassLen:
		l.errorf("auth_pass", "is %d characters; keepalived uses only the first %d (and warns), so use at most %d", len(p), maxAuthPassLen, maxAuthPassLen)
	case !safeWord(p):
		l.errorf("auth_pass", "may only contain printable ASCII without spaces, quotes, '\\', '#', '!', '$', '{' or '}'")
	}
}

// safeWord reports whether s survives keepalived's tokenizer as one word:
// it splits on blanks, starts comments at '#' and '!', treats quotes and
// backslashes specially, expands '$' parameters and nests on braces.
func safeWord(s string) bool {
	for _, r := range s {
		if r <= ' ' || r > '~' || strings.ContainsRune("\"'\\#!${}", r) {
			return false
		}
	}
	return s != ""
}

func (l *linter) trackInterfaces(d Cluster) {
	seen := map[string]int{}
	for i, t := range d.TrackInterfaces {
		field := fmt.Sprintf("track_interfaces[%d]", i)
		if !l.iface(field, t) {
			continue
		}
		if j, dup := seen[t]; dup {
			l.errorf(field, "%q duplicates track_interfaces[%d]", t, j)
			continue
		}
		seen[t] = i
		for _, n := range d.Nodes {
			if n.Interface == t {
				l.errorf(field, "%q is node %q's own VRRP interface, which keepalived already tracks (it ignores this entry with a warning)", t, n.Name)
				break
			}
		}
	}
}

func (l *linter) startupDelay(d Cluster) {
	if v := d.StartupDelay; math.IsNaN(v) || v < 0 || v > maxStartupDelay {
		l.errorf("startup_delay", "must be 0..%d seconds, got %s", maxStartupDelay, formatSeconds(v))
	}
}

func (l *linter) healthCheck(raw, d Cluster) {
	hc := d.HealthCheck
	if hc == nil {
		return
	}
	kinds := 0
	if hc.TCPPort != 0 {
		kinds++
	}
	if hc.Script != "" {
		kinds++
	}
	if hc.Process != "" {
		kinds++
	}
	if kinds != 1 {
		l.errorf("health_check", "set exactly one of tcp_port, script or process")
		return
	}

	if hc.TCPPort != 0 && (hc.TCPPort < 1 || hc.TCPPort > 65535) {
		l.errorf("health_check.tcp_port", "must be 1..65535, got %d", hc.TCPPort)
	}
	if hc.Script != "" {
		if msg := checkCommand(hc.Script); msg != "" {
			l.errorf("health_check.script", "%s", msg)
		}
	}

	maxWeight := maxScriptWeight
	if hc.Process != "" {
		maxWeight = maxProcessWeight
		switch {
		case len(hc.Process) > maxProcessNameLen:
			l.errorf("health_check.process", "%q is longer than %d characters; keepalived matches the kernel's process name (comm), which is truncated to %d", hc.Process, maxProcessNameLen, maxProcessNameLen)
		case !onlyChars(hc.Process, processChars):
			l.errorf("health_check.process", "%q must be a process name (as in `ps -o comm`), not a path or command line", hc.Process)
		}
		// The script timing knobs do not exist for vrrp_track_process; a
		// value here means the caller expects behaviour they will not get.
		rh := raw.HealthCheck
		for _, k := range []struct {
			field string
			set   bool
		}{
			{"interval", rh.Interval != 0},
			{"timeout", rh.Timeout != 0},
			{"fall", rh.Fall != 0},
			{"rise", rh.Rise != 0},
		} {
			if k.set {
				l.errorf("health_check."+k.field, "does not apply to a process check; use health_check.delay")
			}
		}
		if v := hc.Delay; math.IsNaN(v) || v < 0 || v > maxProcessDelay {
			l.errorf("health_check.delay", "must be 0..%d seconds, got %s", maxProcessDelay, formatSeconds(v))
		}
	} else {
		for _, k := range []struct {
			field string
			v     float64
		}{
			{"interval", hc.Interval},
			{"timeout", hc.Timeout},
		} {
			if math.IsNaN(k.v) || k.v != math.Trunc(k.v) || k.v < 1 || k.v > maxScriptSeconds {
				l.errorf("health_check."+k.field, "must be whole seconds 1..%d, got %s (keepalived has no sub-second checks)", maxScriptSeconds, formatSeconds(k.v))
			}
		}
		if hc.Fall < 1 {
			l.errorf("health_check.fall", "must be at least 1, got %d", hc.Fall)
		}
		if hc.Rise < 1 {
			l.errorf("health_check.rise", "must be at least 1, got %d", hc.Rise)
		}
		if hc.Delay != 0 {
			l.errorf("health_check.delay", "only applies to a process check")
		}
	}

	w := hc.Weight
	switch {
	case w < -maxWeight || w > maxWeight:
		l.errorf("health_check.weight", "must be %d..%d, got %d", -maxWeight, maxWeight, w)
	case w != 0 && d.Preempt.NoPreempt != nil && *d.Preempt.NoPreempt:
		l.errorf("health_check.weight", "must be 0 with nopreempt: a backup with nopreempt accepts the failing master's lower-priority adverts and never takes over; weight 0 puts the failing node in FAULT instead")
	case w != 0:
		l.weightReach(d, w)
	}
}

// weightReach warns when a failing check cannot change the election, or when
// priority arithmetic would clip at keepalived's 1..254 bounds.
func (l *linter) weightReach(d Cluster, w int) {
	var top, second *Node
	for i := range d.Nodes {
		n := &d.Nodes[i]
		switch {
		case top == nil || n.Priority > top.Priority:
			top, second = n, top
		case second == nil || n.Priority > second.Priority:
			second = n
		}
	}
	if top != nil && second != nil {
		gap := top.Priority - second.Priority
		if abs(w) <= gap {
			l.warnf("health_check.weight", "|%d| does not exceed the priority gap %d between %q and %q, so a failing check on %q does not move the HaVip", w, gap, top.Name, second.Name, top.Name)
		}
	}
	for _, n := range d.Nodes {
		if e := n.Priority + w; e < 1 || e > 254 {
			l.warnf("health_check.weight", "node %q: priority %d %+d = %d is clipped to 1..254, which can tie nodes", n.Name, n.Priority, w, e)
			break
		}
	}
}

// checkCommand validates a command line for vrrp_script or notify_*. It is
// rendered inside double quotes and split by keepalived, not by a shell.
func checkCommand(cmd string) string {
	if strings.ContainsAny(cmd, "\"'\\#!$\n\r\t") {
		return "may not contain quotes, '\\', '#', '!', '$', tabs or newlines (keepalived would reinterpret them)"
	}
	for _, r := range cmd {
		if r < ' ' || r == 0x7f {
			return "may not contain control characters"
		}
	}
	fields := strings.Fields(cmd)
	if len(fields) == 0 {
		return "is empty"
	}
	path := fields[0]
	if !strings.HasPrefix(path, "/") {
		return fmt.Sprintf("%q must be an absolute path; keepalived disables scripts found via PATH or relative paths when script security is on", path)
	}
	if strings.Contains(path, "/../") || strings.HasSuffix(path, "/..") || strings.Contains(path, "/./") {
		return fmt.Sprintf("%q must be a clean absolute path", path)
	}
	return ""
}

func (l *linter) notify(d Cluster) {
	for _, k := range []struct{ field, cmd string }{
		{"notify.master", d.Notify.Master},
		{"notify.backup", d.Notify.Backup},
		{"notify.fault", d.Notify.Fault},
		{"notify.stop", d.Notify.Stop},
	} {
		if k.cmd == "" {
			continue
		}
		if msg := checkCommand(k.cmd); msg != "" {
			l.errorf(k.field, "%s", msg)
		}
	}
}

func (l *linter) garp(d Cluster) {
	g := d.GARP
	rangeCheck := func(field string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			l.errorf(field, "must be %d..%d, got %d", lo, hi, *v)
		}
	}
	rangeCheck("garp.master_delay", g.MasterDelay, 0, maxGARPSeconds)
	rangeCheck("garp.master_repeat", g.MasterRepeat, 1, maxGARPRepeat)
	rangeCheck("garp.master_refresh", g.MasterRefresh, 0, maxGARPSeconds)
	rangeCheck("garp.lower_prio_repeat", g.LowerPrioRepeat, 0, maxGARPRepeat)
	if g.MasterRefresh != nil && *g.MasterRefresh == 0 {
		l.warnf("garp.master_refresh", "0 turns off periodic GARP; HaVip follows the MASTER's ARP, so one lost GARP can leave traffic on the wrong node")
	}
	if g.LowerPrioRepeat != nil && *g.LowerPrioRepeat == 0 {
		l.warnf("garp.lower_prio_repeat", "0 means no GARP after a split brain heals; the HaVip may stay on the node that lost the election")
	}
}

func (l *linter) budget(d Cluster) {
	b := d.FailoverBudget
	if math.IsNaN(b) || b < 0 {
		l.errorf("failover_budget", "must be a non-negative number of seconds")
		return
	}
	if b == 0 || len(d.Nodes) < 2 || d.Version < 2 || d.Version > 3 || d.AdvertInt <= 0 {
		return
	}
	// The slowest takeover is by the lowest-priority node; with nopreempt
	// any node may be the backup that has to take over.
	slowest := d.Nodes[0]
	for _, n := range d.Nodes[1:] {
		if n.Priority < slowest.Priority {
			slowest = n
		}
	}
	if slowest.Priority < 1 || slowest.Priority > 254 {
		return
	}
	t := NodeTiming(d, slowest.Priority)
	if t.CrashSeconds > b+1e-9 {
		l.warnf("advert_int", "crash failover takes up to %s s (node %q: %d × %s s + skew) but the failover budget is %s s; lower advert_int (VRRPv3 allows sub-second) or use profile \"fast\"",
			formatSeconds(t.CrashSeconds), slowest.Name, d.DownTimerAdverts, formatSeconds(d.AdvertInt), formatSeconds(b))
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// isCentis reports whether v is a whole number of hundredths.
func isCentis(v float64) bool {
	c := v * 100
	return math.Abs(c-math.Round(c)) < 1e-6
}

func sameCentis(a, b float64) bool {
	return math.Abs(a-b) < 1e-9
}
