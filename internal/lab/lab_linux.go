package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
)

// NamespacePrefix starts every namespace and run directory the lab creates;
// the process ID follows, so Sweep can tell live runs from leftovers.
const NamespacePrefix = "havlab-"

const (
	probeEvery   = 50 * time.Millisecond
	probeTimeout = 2 * time.Second
	sampleEvery  = 25 * time.Millisecond
	eventsEvery  = 20 * time.Millisecond
	cmdTimeout   = 20 * time.Second
	stopTimeout  = 5 * time.Second
	// startAllowance is added to the initial election's budget for the
	// VRRP process's start-up (30-50 ms idle), which is on the clock for
	// configs without vrrp_rt_priority (see waitVRRP).
	startAllowance = 0.3
)

// Options configure a Lab.
type Options struct {
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// NoSweep skips removing leftovers of dead lab processes in New.
	NoSweep bool
}

// Lab owns one run directory (configs, pid files, keepalived logs, the
// notify script) and, while Run executes, one set of namespaces.
type Lab struct {
	id         string
	dir        string
	log        io.Writer
	ip         string
	keepalived string
	script     string
	check      string
	events     string

	mu     sync.Mutex
	ran    bool
	closed bool
}

// Available says why the lab cannot run here, or nil: it needs Linux, root,
// iproute2 and keepalived.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("the failover lab creates network namespaces and needs root")
	}
	if findTool("ip") == "" {
		return errors.New("iproute2's ip is not installed")
	}
	if findTool("keepalived") == "" {
		return errors.New("keepalived is not installed (apt-get install -y keepalived)")
	}
	if _, err := os.Stat("/proc/thread-self/ns/net"); err != nil {
		return fmt.Errorf("no network namespace support: %w", err)
	}
	return nil
}

func findTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// New prepares a lab: a root-owned 0755 run directory (keepalived refuses
// scripts in directories others can write) holding the notify script.
// Leftovers of dead lab processes are swept first unless opts.NoSweep.
func New(opts Options) (*Lab, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	l := &Lab{log: opts.Log, ip: findTool("ip"), keepalived: findTool("keepalived")}
	if l.log == nil {
		l.log = io.Discard
	}
	if !opts.NoSweep {
		if err := Sweep(l.log); err != nil {
			fmt.Fprintf(l.log, "lab: sweeping leftovers: %v\n", err)
		}
	}
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	l.id = fmt.Sprintf("%d-%s", os.Getpid(), hex.EncodeToString(rnd[:]))
	l.dir = filepath.Join(os.TempDir(), NamespacePrefix+l.id)
	if err := os.Mkdir(l.dir, 0o755); err != nil {
		return nil, err
	}
	// Mkdir honours the umask; the mode must be exact for script security.
	if err := os.Chmod(l.dir, 0o755); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	l.check = filepath.Join(l.dir, CheckScriptName)
	check := `#!/bin/bash
# Written by the havip failover lab: the guide's web check (curl VIP:8000
# answering "ECS n") run by keepalived inside a node as its health check.
# Exits 1 when nothing listens; hangs, like the service, when the service
# accepts and never answers.
exec 3<>"/dev/tcp/127.0.0.1/${1:-8000}" || exit 1
printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
while IFS= read -r line <&3; do
  case $line in ECS*) exit 0 ;; esac
done
exit 1
`
	if err := os.WriteFile(l.check, []byte(check), 0o755); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	if err := os.Chmod(l.check, 0o755); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	l.script = filepath.Join(l.dir, "notify-master")
	l.events = filepath.Join(l.dir, "master.events")
	script := fmt.Sprintf(`#!/bin/sh
# Written by the havip failover lab. keepalived runs it inside an instance
# namespace on becoming MASTER; the namespace's name tells the lab which
# node that is, so every node's config can share this one command.
ns=$1
[ -n "$ns" ] || ns=$(%s netns identify 2>/dev/null)
printf '%%s %%s\n' "${ns:-unknown}" "$(date +%%s.%%N)" >>%s
`, l.ip, l.events)
	if err := os.WriteFile(l.events, nil, 0o644); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	if err := os.WriteFile(l.script, []byte(script), 0o755); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	if err := os.Chmod(l.script, 0o755); err != nil {
		_ = os.RemoveAll(l.dir)
		return nil, err
	}
	return l, nil
}

// NotifyCommand is the absolute path to render as Notify.Master.
func (l *Lab) NotifyCommand() string { return l.script }

// CheckCommand is a health-check script to render as HealthCheck.Script:
// it exits 0 when the node's web check on 127.0.0.1:port answers, 1 when
// nothing listens, and hangs while the service hangs.
func (l *Lab) CheckCommand(port int) string { return fmt.Sprintf("%s %d", l.check, port) }

// Dir is the run directory (removed by Close).
func (l *Lab) Dir() string { return l.dir }

// Close removes the run directory. Run has already removed namespaces and
// processes by then; Close is idempotent.
func (l *Lab) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return os.RemoveAll(l.dir)
}

// Run is New, Lab.Run and Close in one call.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	l, err := New(Options{Log: cfg.Log})
	if err != nil {
		return nil, err
	}
	defer l.Close()
	return l.Run(ctx, cfg)
}

type kaProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func (p *kaProc) running() bool {
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

type instance struct {
	Node
	ns      *netns
	port    string // bridge port in the hub namespace
	conf    string
	logPath string
	proc    *kaProc
	down    atomic.Bool // crashed: its stale VIP is not an owner
	// realtime: the config sets vrrp_rt_priority (see waitVRRP).
	realtime bool
	// wantRunning is false only between the lab stopping keepalived and
	// starting it again; any other exit is a finding.
	wantRunning bool
	web         *webCheck
}

type probe struct {
	start, end time.Time
	answer     string
	err        error
}

type sample struct {
	at   time.Time
	live []string // holders of the VIP, crashed nodes excluded
	all  []string
}

type masterEvent struct {
	at   time.Time
	node string
}

type timeline struct {
	mu      sync.Mutex
	probes  []probe
	samples []sample
	masters []masterEvent
	wire    []wireEvent
	faults  []TimelineEvent
}

type runner struct {
	l       *Lab
	cfg     Config
	log     io.Writer
	start   time.Time
	vip     net.IP
	hub     *netns
	client  *netns
	insts   []*instance
	byNS    map[string]*instance
	answers map[string]string // answer → node
	tl      timeline
	undo    []func() error
	notifyQ chan masterEvent
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, "lab %6.2fs  %s\n", time.Since(r.start).Seconds(), fmt.Sprintf(format, args...))
}

// deferUndo registers a teardown step. Steps run in reverse order whatever
// happens, so each setup step is undone even if a later one fails.
func (r *runner) deferUndo(f func() error) { r.undo = append(r.undo, f) }

func (r *runner) teardown() {
	for i := len(r.undo) - 1; i >= 0; i-- {
		if err := r.undo[i](); err != nil {
			r.logf("teardown: %v", err)
		}
	}
	r.undo = nil
}

// ipCmd runs iproute2 with its own timeout rather than the run's context, so
// teardown still works after a cancellation.
func (r *runner) ipCmd(args ...string) error {
	_, err := r.l.ipOut(args...)
	return err
}

func (l *Lab) ipOut(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, l.ip, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// Run builds the topology, runs every scenario and tears everything down
// before returning. The error reports lab failures (setup, cancellation);
// scenario failures are in the results (see Passed). A Lab runs once.
func (l *Lab) Run(ctx context.Context, cfg Config) (results []Result, err error) {
	l.mu.Lock()
	if l.ran || l.closed {
		l.mu.Unlock()
		return nil, errors.New("lab: a Lab runs once; use New for another run")
	}
	l.ran = true
	l.mu.Unlock()

	r := &runner{l: l, cfg: cfg, log: l.log, start: time.Now(), byNS: map[string]*instance{}, answers: map[string]string{}}
	if cfg.Log != nil {
		r.log = cfg.Log
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	defer r.teardown()
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	results = r.scenarios(ctx)
	if !Passed(results) {
		r.dumpLogs()
	}
	if err := ctx.Err(); err != nil {
		return results, err
	}
	return results, nil
}

func (r *runner) validate() error {
	c := &r.cfg
	if len(c.Nodes) < 2 {
		return fmt.Errorf("lab: need at least 2 nodes, got %d", len(c.Nodes))
	}
	if c.Prefix == 0 {
		c.Prefix = 24
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Tolerance == 0 {
		c.Tolerance = DefaultTolerance
	}
	if c.AdvertInt <= 0 {
		c.AdvertInt = 1
	}
	vip, err := netip.ParseAddr(c.VIP)
	if err != nil || !vip.Is4() {
		return fmt.Errorf("lab: VIP %q is not an IPv4 address", c.VIP)
	}
	if c.Prefix < 8 || c.Prefix > 30 {
		return fmt.Errorf("lab: prefix /%d leaves no room for nodes, VIP and client", c.Prefix)
	}
	subnet := netip.PrefixFrom(vip, c.Prefix).Masked()
	used := map[netip.Addr]string{vip: "VIP"}
	seenNS := map[string]bool{"hub": true, "client": true}
	for i, n := range c.Nodes {
		a, err := netip.ParseAddr(n.IP)
		if err != nil || !a.Is4() || !subnet.Contains(a) {
			return fmt.Errorf("lab: node %s: IP %q is not an IPv4 address in %s", n.Name, n.IP, subnet)
		}
		if other, dup := used[a]; dup {
			return fmt.Errorf("lab: node %s: IP %s already used by %s", n.Name, n.IP, other)
		}
		used[a] = n.Name
		if _, ok := c.Configs[n.Name]; !ok {
			return fmt.Errorf("lab: no config for node %s", n.Name)
		}
		if n.Answer == "" {
			c.Nodes[i].Answer = fmt.Sprintf("ECS %d", i+1)
		}
		if prev, dup := r.answers[c.Nodes[i].Answer]; dup {
			return fmt.Errorf("lab: nodes %s and %s give the same answer %q", prev, n.Name, c.Nodes[i].Answer)
		}
		r.answers[c.Nodes[i].Answer] = n.Name
		s := nsSuffix(n.Name)
		if seenNS[s] {
			return fmt.Errorf("lab: node name %q clashes with another namespace name", n.Name)
		}
		seenNS[s] = true
		if n.Interface == "" {
			c.Nodes[i].Interface = "eth0"
		}
	}
	r.vip = net.IP(vip.AsSlice())
	return nil
}

// nsSuffix keeps namespace names to characters every tool accepts.
func nsSuffix(name string) string {
	b := []byte(name)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			b[i] = '-'
		}
	}
	if len(b) > 24 {
		b = b[:24]
	}
	return string(b)
}

// validLinkName is what the kernel accepts as an interface name.
func validLinkName(s string) bool {
	return s != "" && len(s) <= 15 && s != "." && s != ".." && !strings.ContainsAny(s, "/: \t\n")
}

// clientIP picks .100 of the subnet if free (the guide's "another ECS
// instance"), else the highest free host address.
func clientIP(c Config) (netip.Addr, error) {
	vip := netip.MustParseAddr(c.VIP)
	subnet := netip.PrefixFrom(vip, c.Prefix).Masked()
	used := map[netip.Addr]bool{vip: true}
	for _, n := range c.Nodes {
		used[netip.MustParseAddr(n.IP)] = true
	}
	base := subnet.Addr().As4()
	size := uint32(1) << (32 - c.Prefix)
	at := func(off uint32) netip.Addr {
		v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
		v += off
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	if size > 101 && !used[at(100)] {
		return at(100), nil
	}
	for off := size - 2; off >= 1; off-- {
		if !used[at(off)] {
			return at(off), nil
		}
	}
	return netip.Addr{}, fmt.Errorf("no free address for the client in %s", subnet)
}

func (r *runner) addNS(suffix string) (*netns, error) {
	name := NamespacePrefix + r.l.id + "-" + suffix
	if err := r.ipCmd("netns", "add", name); err != nil {
		return nil, err
	}
	r.deferUndo(func() error { return r.l.deleteNS(name) })
	ns, err := openNetns(name)
	if err != nil {
		return nil, err
	}
	r.deferUndo(ns.close)
	return ns, nil
}

// deleteNS kills whatever still runs inside (a namespace with processes
// outlives `ip netns del`, invisibly) and removes it.
func (l *Lab) deleteNS(name string) error {
	var errs []error
	for range 3 {
		out, err := l.ipOut("netns", "pids", name)
		if err != nil {
			break
		}
		pids := strings.Fields(out)
		if len(pids) == 0 {
			break
		}
		for _, p := range pids {
			// The lab's own servers run on threads switched into these
			// namespaces; when one of them is the main thread, the lab
			// itself is listed. Never kill ourselves.
			if pid, err := strconv.Atoi(p); err == nil && pid != os.Getpid() {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := l.ipOut("netns", "del", name); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (r *runner) setup(ctx context.Context) error {
	c := r.cfg
	r.logf("run %s in %s", r.l.id, r.l.dir)
	var err error
	if r.hub, err = r.addNS("hub"); err != nil {
		return err
	}
	if err := r.ipCmd("-n", r.hub.name, "link", "add", "br0", "type", "bridge"); err != nil {
		return err
	}
	if err := r.ipCmd("-n", r.hub.name, "link", "set", "br0", "up"); err != nil {
		return err
	}
	attach := func(ns *netns, port, iface, addr string) error {
		steps := [][]string{
			{"-n", r.hub.name, "link", "add", port, "type", "veth", "peer", "name", iface, "netns", ns.name},
			{"-n", r.hub.name, "link", "set", port, "master", "br0", "up"},
			{"-n", ns.name, "link", "set", "lo", "up"},
			{"-n", ns.name, "addr", "add", fmt.Sprintf("%s/%d", addr, c.Prefix), "dev", iface},
			{"-n", ns.name, "link", "set", iface, "up"},
		}
		for _, s := range steps {
			if err := r.ipCmd(s...); err != nil {
				return err
			}
		}
		return nil
	}

	for i, n := range c.Nodes {
		if err := ctx.Err(); err != nil {
			return err
		}
		in := &instance{Node: n, port: fmt.Sprintf("p%d", i)}
		if in.ns, err = r.addNS(nsSuffix(n.Name)); err != nil {
			return err
		}
		conf := c.Configs[n.Name]
		if !validLinkName(in.Interface) {
			r.logf("%s: interface %q cannot be a link name; using eth0", n.Name, in.Interface)
			conf = AdaptInterface(conf, in.Interface, "eth0")
			in.Interface = "eth0"
		}
		if err := attach(in.ns, in.port, in.Interface, n.IP); err != nil {
			return err
		}
		if conf, err = InjectNotify(conf, r.l.script); err != nil {
			return fmt.Errorf("node %s: %w", n.Name, err)
		}
		if info, err := keepalived.ParseConf(conf); err == nil {
			in.realtime = info.RTPriority > 0
		}
		base := filepath.Join(r.l.dir, nsSuffix(n.Name))
		in.conf, in.logPath = base+".conf", base+".log"
		if err := os.WriteFile(in.conf, []byte(conf), 0o640); err != nil {
			return err
		}
		r.insts = append(r.insts, in)
		r.byNS[in.ns.name] = in
	}
	cip, err := clientIP(c)
	if err != nil {
		return err
	}
	if r.client, err = r.addNS("client"); err != nil {
		return err
	}
	if err := attach(r.client, "pc", "eth0", cip.String()); err != nil {
		return err
	}
	r.logf("topology: hub %s, client %s (%s), VIP %s/%d", r.hub.name, r.client.name, cip, c.VIP, c.Prefix)

	// keepalived -t before anything runs: a config it would not run
	// cleanly is a setup error, not a failed failover.
	for _, in := range r.insts {
		out, rc := r.configTest(in)
		if rc != 0 {
			return fmt.Errorf("node %s: keepalived -t exit %d:\n%s", in.Name, rc, out)
		}
		if out != "" {
			r.logf("%s: keepalived -t: %s", in.Name, out)
		}
	}

	for _, in := range r.insts {
		in.web = &webCheck{ns: in.ns, port: c.Port, answer: in.Answer}
		if err := in.web.start(); err != nil {
			return fmt.Errorf("node %s: web check: %w", in.Name, err)
		}
		r.deferUndo(in.web.stop)
	}

	capFD, ports, err := r.openCapture()
	if err != nil {
		return err
	}
	mctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.wireLoop(mctx, capFD, ports)
	}()
	for _, loop := range []func(context.Context){r.probeLoop, r.sampleLoop, r.eventLoop} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			loop(mctx)
		}()
	}
	r.deferUndo(func() error {
		cancel()
		wg.Wait()
		return nil
	})
	// Registered last so it runs first: keepalived stops while the
	// monitors still watch and the namespaces still exist.
	r.deferUndo(r.stopAll)
	return nil
}

func (r *runner) configTest(in *instance) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.l.ip, "netns", "exec", in.ns.name, r.l.keepalived, "-t", "-f", in.conf)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return strings.TrimSpace(string(out)), 0
	case errors.As(err, &ee):
		return strings.TrimSpace(string(out)), ee.ExitCode()
	default:
		return err.Error(), -1
	}
}

// startKA runs keepalived in the foreground (-n) so the lab owns the
// process, in its own session (and so process group) so a crash can kill
// parent and VRRP child at once and a terminal's ^C reaches only the lab,
// which then stops keepalived itself. Pdeathsig covers a lab killed with SIGKILL; Sweep
// covers anything that still escapes.
func (r *runner) startKA(in *instance) error {
	base := strings.TrimSuffix(in.conf, ".conf")
	pid, vrrp, checkers := base+".pid", base+".vrrp.pid", base+".checkers.pid"
	for _, p := range []string{pid, vrrp, checkers} {
		_ = os.Remove(p)
	}
	logf, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "==== lab: starting keepalived at %s\n", time.Now().Format(time.RFC3339Nano))
	// keepalived runs as a service manager would run it: in a session of
	// its own, with the scheduling its config asks for (the rendered
	// configs put the VRRP process on realtime priority) and nothing
	// added, so the lab times what operators deploy. Its own session also
	// keeps it and its check scripts out of the lab's autogroup, which the
	// kernel schedules as one entity with the whole test run.
	args := []string{r.l.ip, "netns", "exec", in.ns.name, r.l.keepalived,
		"-n", "-l", "-D", "-f", in.conf, "-p", pid, "-r", vrrp, "-c", checkers}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting keepalived on %s: %w", in.Name, err)
	}
	p := &kaProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	in.proc, in.wantRunning = p, true
	r.logf("%s: keepalived started (pid %d)", in.Name, cmd.Process.Pid)
	return nil
}

// waitVRRP waits until keepalived's VRRP child has started its election
// and returns when that was. The child writes its pid file as it is born,
// then reads the config and the interfaces at the scheduling it inherited
// (ordinary, and slow on a busy host: up to a second) before it switches to
// the config's realtime priority and starts its timers. With
// vrrp_rt_priority that switch is the start, seen in /proc (as late as the
// lab looks, which only shortens the time it then measures); without, the
// pid file's timestamp is.
func (r *runner) waitVRRP(ctx context.Context, in *instance) (time.Time, error) {
	path := strings.TrimSuffix(in.conf, ".conf") + ".vrrp.pid"
	deadline := time.Now().Add(5 * time.Second)
	var born time.Time // the pid file's timestamp, once it exists
	for {
		if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
			if born.IsZero() {
				fi, err := os.Stat(path)
				if err != nil {
					return time.Time{}, err
				}
				born = fi.ModTime()
				if !in.realtime {
					return born, nil
				}
			}
			if realtime(string(bytes.TrimSpace(b))) {
				return time.Now(), nil
			}
		}
		if !in.proc.running() {
			return time.Time{}, fmt.Errorf("keepalived on %s exited at start: %v", in.Name, in.proc.err)
		}
		if time.Now().After(deadline) {
			if born.IsZero() {
				return time.Time{}, fmt.Errorf("keepalived on %s did not start its VRRP process within 5 s", in.Name)
			}
			// keepalived carries on without realtime scheduling where it
			// may not have it (no CAP_SYS_NICE): so does the lab.
			r.logf("%s: the VRRP process did not switch to realtime scheduling (see its log); timing from its pid file", in.Name)
			in.realtime = false
			return born, nil
		}
		if err := sleepCtx(ctx, 2*time.Millisecond); err != nil {
			return time.Time{}, err
		}
	}
}

// realtime reports whether process pid runs under a realtime policy
// (field 41 of /proc/PID/stat: 1 FIFO, 2 RR).
func realtime(pid string) bool {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	// The command name (field 2) may hold spaces; count from its ")".
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3, so field 41 is f[38].
	return len(f) > 38 && (f[38] == "1" || f[38] == "2")
}

// stopKA stops keepalived: SIGTERM is a clean stop (priority-0 advert, VIP
// removed), SIGKILL to the whole group is a crash (nothing sent, VIP left).
func (r *runner) stopKA(in *instance, graceful bool) error {
	in.wantRunning = false
	p := in.proc
	if !p.running() {
		return nil
	}
	pgid := p.cmd.Process.Pid
	if graceful {
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			r.logf("%s: keepalived ignored SIGTERM for %s; killing it", in.Name, stopTimeout)
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		return fmt.Errorf("%s: keepalived (pid %d) survived SIGKILL", in.Name, pgid)
	}
	// Children of a parent that exited cleanly are gone already; this
	// catches any that were left behind.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	return nil
}

func (r *runner) stopAll() error {
	var wg sync.WaitGroup
	errs := make([]error, len(r.insts))
	for i, in := range r.insts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.stopKA(in, true)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (r *runner) dumpLogs() {
	for _, in := range r.insts {
		b, err := os.ReadFile(in.logPath)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		fmt.Fprintf(r.log, "---- keepalived log of %s (last %d lines)\n%s\n", in.Name, len(lines), strings.Join(lines, "\n"))
	}
}
