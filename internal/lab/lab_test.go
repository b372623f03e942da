//go:build linux

package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// skipOrFail skips where the lab cannot run, except under CI=true where a
// skipped failover proof would hide a regression.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, so not skipping: "+format, args...)
	}
	t.Skipf(format, args...)
}

// syncBuffer lets the lab log from its goroutines while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const (
	seedHaVip = "havip-bp1labtest00000000001"
	ecs1ID    = "i-bp1seedecs0000000000001"
	ecs2ID    = "i-bp1seedecs0000000000002"
)

// newMock starts an in-process mock holding the guide's HaVip with both
// instances associated, as after `terraform apply`.
func newMock(t *testing.T) *mockcloud.Server {
	t.Helper()
	fx := mockcloud.SeedFixtures()
	fx.HaVips = []mockcloud.FixtureHaVip{{
		ID: seedHaVip, VSwitchID: fx.VSwitches[0].ID, IP: "192.168.0.24", Name: "lab",
		Members: []string{ecs1ID, ecs2ID},
	}}
	s, err := mockcloud.New(mockcloud.Options{Fixtures: fx})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mockMaster reads the HaVip's master back from the mock's state dump.
func mockMaster(t *testing.T, s *mockcloud.Server) string {
	t.Helper()
	b, err := s.Dump()
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Accounts []struct {
			HaVips []map[string]any `json:"havips"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	for _, a := range st.Accounts {
		for _, h := range a.HaVips {
			id, _ := h["ID"].(string)
			if id == "" {
				id, _ = h["id"].(string)
			}
			if id != seedHaVip {
				continue
			}
			for _, k := range []string{"Master", "master"} {
				if m, ok := h[k].(string); ok {
					return m
				}
			}
			return ""
		}
	}
	t.Fatalf("HaVip %s not in the mock's state", seedHaVip)
	return ""
}

func labNamespaces(t *testing.T, id string) []string {
	t.Helper()
	out, err := exec.Command(findTool("ip"), "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns list: %v\n%s", err, out)
	}
	var left []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], NamespacePrefix+id) {
			left = append(left, f[0])
		}
	}
	return left
}

// The seed walkthrough's cluster, rendered by keepalived.Render with the
// lab's notify hook, must fail over as the guide promises and within the
// rendered budgets, for the guide's timing and for the sub-second profile.
func TestFailoverLab(t *testing.T) {
	if err := Available(); err != nil {
		skipOrFail(t, "%v", err)
	}
	// Separate namespaces, so the runs overlap; the clock is on the wire,
	// so they do not disturb each other's measurements.
	for _, profile := range []string{"seed", "fast"} {
		t.Run(profile, func(t *testing.T) { t.Parallel(); runLab(t, profile) })
		for _, check := range []string{"tcp", "script"} {
			t.Run(profile+"/health-"+check, func(t *testing.T) { t.Parallel(); runHealthLab(t, profile, check) })
		}
	}
}

// timelineDir is where the lab's SVG timelines go: LAB_TIMELINES, or a
// fixed directory under the system's temporary directory.
func timelineDir() string {
	if d := os.Getenv("LAB_TIMELINES"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "havip-lab-timelines")
}

func writeTimelines(t *testing.T, prefix string, results []Result) {
	t.Helper()
	paths, err := WriteTimelines(timelineDir(), prefix, results)
	if err != nil {
		t.Errorf("writing timelines: %v", err)
	}
	if len(paths) != len(results) {
		t.Errorf("%d timelines for %d scenarios", len(paths), len(results))
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(b, []byte("<svg")) || !bytes.Contains(b, []byte("fault")) {
			t.Errorf("timeline %s is not an SVG of the fault (%v)", p, err)
		}
	}
	t.Logf("timelines in %s", timelineDir())
}

// The seed cluster with a health check, rendered as the data source
// renders it: a TCP check on the web port with nopreempt (the seed's
// intent), or the lab's script check with preemption. The service dies
// while its node lives on; the VIP must follow within the rendered
// check_failover_seconds (hung_check_failover_seconds when the check hangs).
func runHealthLab(t *testing.T, profile, check string) {
	logBuf := &syncBuffer{}
	l, err := New(Options{Log: logBuf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = l.Close()
		if t.Failed() {
			t.Logf("lab log:\n%s", logBuf.String())
		}
	})
	c, err := SeedCluster(profile)
	if err != nil {
		t.Fatal(err)
	}
	c.Notify.Master = l.NotifyCommand()
	hc := &keepalived.HealthCheck{TCPPort: DefaultPort, Interval: 1, Fall: 2, Rise: 2}
	want := []string{"ecs1", "ecs2", "ecs2"}
	if check == "script" {
		hc = &keepalived.HealthCheck{Script: l.CheckCommand(DefaultPort), Interval: 1, Timeout: 1, Fall: 2, Rise: 2}
		c.Preempt.NoPreempt = keepalived.Ptr(false)
		want = []string{"ecs1", "ecs2", "ecs1", "ecs2"}
	}
	c.HealthCheck = hc
	out, _, err := keepalived.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := FromRender(out)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Health = true
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	results, err := l.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("%s profile, %s check, %.1f s:\n%s", profile, check, time.Since(start).Seconds(), Table(results))
	writeTimelines(t, profile+"-"+check, results)
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if r.Expected != want[i] || r.Observed != r.Expected || !r.Pass {
			t.Errorf("%s: expected %s (want %s), observed %q: %s", r.Scenario, r.Expected, want[i], r.Observed, r.Detail)
		}
	}
	// The budgets are the data source's figures plus the tolerance.
	if b := results[1].Budget; b != out["ecs2"].Failover.CheckSeconds+DefaultTolerance {
		t.Errorf("service-stop budget %.2f, want check_failover_seconds %.2f + %.2f", b, out["ecs2"].Failover.CheckSeconds, DefaultTolerance)
	}
	if check == "script" {
		if b := results[3].Budget; b != out["ecs2"].Failover.HungCheckSeconds+DefaultTolerance {
			t.Errorf("hung-check budget %.2f, want hung_check_failover_seconds %.2f + %.2f", b, out["ecs2"].Failover.HungCheckSeconds, DefaultTolerance)
		}
	}
}

func runLab(t *testing.T, profile string) {
	logBuf := &syncBuffer{}
	l, err := New(Options{Log: logBuf})
	if err != nil {
		t.Fatal(err)
	}
	id := l.id
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if left := labNamespaces(t, id); len(left) > 0 {
			t.Errorf("namespaces left behind: %v", left)
		}
		if _, err := os.Stat(l.Dir()); !os.IsNotExist(err) {
			t.Errorf("run directory %s left behind (stat: %v)", l.Dir(), err)
		}
		if t.Failed() {
			t.Logf("lab log:\n%s", logBuf.String())
		}
	})

	c, err := SeedCluster(profile)
	if err != nil {
		t.Fatal(err)
	}
	c.Notify.Master = l.NotifyCommand()
	out, findings, err := keepalived.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Logf("lint: %v", f)
	}
	cfg, err := FromRender(out)
	if err != nil {
		t.Fatal(err)
	}

	mock := newMock(t)
	instanceOf := map[string]string{"ecs1": ecs1ID, "ecs2": ecs2ID}
	var mu sync.Mutex
	var masters []string
	cfg.OnMaster = func(node string) {
		mu.Lock()
		masters = append(masters, node)
		mu.Unlock()
		if err := mock.SetMaster("", seedHaVip, instanceOf[node]); err != nil {
			t.Errorf("SetMaster(%s): %v", node, err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	results, err := l.Run(ctx, cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("%s profile, %.1f s:\n%s", profile, time.Since(start).Seconds(), Table(results))
	writeTimelines(t, profile, results)
	// The crash's timeline marks it on the crashed node, and that node's
	// band (it keeps the address, dead) ends there.
	for _, r := range results {
		if !strings.HasPrefix(r.Scenario, "crash of ") || r.Timeline == nil {
			continue
		}
		crashed := strings.TrimPrefix(r.Scenario, "crash of ")
		marked := false
		for _, e := range r.Timeline.Events {
			marked = marked || (e.Kind == EventFault && e.Node == crashed && !e.At.Before(r.Timeline.Fault))
		}
		if !marked {
			t.Errorf("%s: no fault event on %s in its timeline", r.Scenario, crashed)
		}
		for _, s := range r.Timeline.Holding {
			if s.Node == crashed && s.To.After(r.Timeline.Fault.Add(time.Second)) {
				t.Errorf("%s: %s's band runs to %+.2f s, past its crash", r.Scenario, crashed, s.To.Sub(r.Timeline.Fault).Seconds())
			}
		}
	}

	// The lab's own teardown must already have removed the namespaces,
	// before Close.
	if left := labNamespaces(t, id); len(left) > 0 {
		t.Errorf("namespaces still present after Run: %v", left)
	}

	wantOwners := []string{"ecs1", "ecs2", "ecs2", "ecs2", "ecs1"}
	if len(results) != len(wantOwners) {
		t.Fatalf("%d results, want %d", len(results), len(wantOwners))
	}
	for i, r := range results {
		if r.Expected != wantOwners[i] {
			t.Errorf("%s: expected owner %s, want %s", r.Scenario, r.Expected, wantOwners[i])
		}
		if r.Observed != r.Expected {
			t.Errorf("%s: observed %q, expected %q (%s)", r.Scenario, r.Observed, r.Expected, r.Detail)
		}
		if !r.Pass {
			t.Errorf("%s failed: %s", r.Scenario, r.Detail)
		}
		if !r.Hold && r.Seconds > r.Budget {
			t.Errorf("%s: %.2f s over budget %.2f s", r.Scenario, r.Seconds, r.Budget)
		}
	}

	// The crash budget is the rendered master-down time of ecs2 plus the
	// tolerance: 3.96 s (seed) and 0.99 s (fast).
	crash := results[2]
	if want := out["ecs2"].Failover.CrashSeconds + DefaultTolerance; crash.Budget != want {
		t.Errorf("crash budget %.2f, want %.2f", crash.Budget, want)
	}
	// The fast profile promises sub-second crash failover: the rendered
	// figure says so, and the observed time is held to it (plus the
	// tolerance, as every budget) above.
	if c := out["ecs2"].Failover.CrashSeconds; profile == "fast" && c > 1.0 {
		t.Errorf("fast profile: rendered crash failover %.2f s, want ≤ 1 s", c)
	}

	mu.Lock()
	got := append([]string(nil), masters...)
	mu.Unlock()
	// ecs1 first (initial election), then ecs2 on the graceful stop; the
	// rest depends on the resets, but the crash must have promoted ecs2
	// again and the split brain ecs1.
	if len(got) < 2 || got[0] != "ecs1" || got[1] != "ecs2" {
		t.Errorf("OnMaster calls %v, want ecs1, ecs2, ...", got)
	}
	if n := strings.Count(strings.Join(got, ","), "ecs2"); n < 2 {
		t.Errorf("OnMaster calls %v: ecs2 should have become master on the graceful stop and the crash", got)
	}
	if m := mockMaster(t, mock); m != ecs1ID {
		t.Errorf("mock master %q after the split brain healed, want %s (ecs1)", m, ecs1ID)
	}
}

// tripWriter runs trip (once) when the lab logs a line containing at, from
// the goroutine that logs it: the scenario runner, for scenario lines.
type tripWriter struct {
	syncBuffer
	at   string
	once sync.Once
	trip func()
}

func (w *tripWriter) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if strings.Contains(string(p), w.at) {
		w.once.Do(w.trip)
	}
	return n, err
}

func fastConfig(t *testing.T, l *Lab) Config {
	t.Helper()
	out := render(t, "fast", l.NotifyCommand())
	cfg, err := FromRender(out)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Cancelling mid-scenario (what SIGINT does in the command) still removes
// every namespace and keepalived before Run returns.
func TestRunCleansUpOnCancel(t *testing.T) {
	if err := Available(); err != nil {
		skipOrFail(t, "%v", err)
	}
	l, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := fastConfig(t, l)
	cfg.Log = &tripWriter{at: "scenario: graceful", trip: cancel}
	results, err := l.Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run error %v, want context.Canceled", err)
	}
	if len(results) != 5 || !results[0].Pass || results[1].Pass || !strings.Contains(results[4].Detail, "not run") {
		t.Errorf("results after cancel:\n%s", Table(results))
	}
	if left := labNamespaces(t, l.id); len(left) > 0 {
		t.Errorf("namespaces left after cancel: %v", left)
	}
	if out, _ := exec.Command("pgrep", "-f", l.Dir()).Output(); len(out) > 0 {
		t.Errorf("processes of this run still alive: %s", out)
	}
}

// A panic in the scenario runner unwinds through Run's deferred teardown.
func TestRunCleansUpOnPanic(t *testing.T) {
	if err := Available(); err != nil {
		skipOrFail(t, "%v", err)
	}
	l, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := fastConfig(t, l)
	w := &tripWriter{at: "scenario: graceful", trip: func() { panic("boom") }}
	cfg.Log = w
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the panic from the log writer; log:\n%s", p, w.String())
			}
		}()
		_, _ = l.Run(context.Background(), cfg)
	}()
	if left := labNamespaces(t, l.id); len(left) > 0 {
		t.Errorf("namespaces left after panic: %v", left)
	}
	if out, _ := exec.Command("pgrep", "-f", l.Dir()).Output(); len(out) > 0 {
		t.Errorf("processes of this run still alive: %s", out)
	}
}

// Sweep removes the namespaces of a lab process that died without its
// teardown, and keeps those of live processes.
func TestSweep(t *testing.T) {
	if err := Available(); err != nil {
		skipOrFail(t, "%v", err)
	}
	// A PID that cannot be alive: above the kernel's maximum.
	dead := NamespacePrefix + "4194305-deadbeef-ecs1"
	live := NamespacePrefix + strconv.Itoa(os.Getpid()) + "-sweeptest-ecs1"
	ip := findTool("ip")
	for _, ns := range []string{dead, live} {
		if out, err := exec.Command(ip, "netns", "add", ns).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command(ip, "netns", "del", ns).Run() })
	}
	if err := Sweep(nil); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(ip, "netns", "list").Output()
	if strings.Contains(string(out), dead) {
		t.Errorf("Sweep kept %s", dead)
	}
	if !strings.Contains(string(out), live) {
		t.Errorf("Sweep removed %s, which belongs to a live process", live)
	}
}
