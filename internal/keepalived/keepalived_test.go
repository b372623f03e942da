package keepalived

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests run the real `keepalived -t`. keepalived refuses configs whose
// interfaces do not exist, so they run it inside a fresh network namespace
// that holds exactly the interfaces the test clusters use. That needs root,
// keepalived and iproute2; without them the tests skip, except under CI=true
// where a skipped real check would hide a regression, so they fail instead.

// testInterfaces are created in the namespace (as veth pairs, which every
// kernel with namespaces has; the dummy driver is often a missing module).
var testInterfaces = [][2]string{{"eth0", "eth1"}, {"ens5", "ens6"}}

type keepalivedEnv struct {
	keepalived string
	ip         string
	netns      string
}

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, so not skipping: %s", msg)
	}
	t.Skip(msg)
}

func findTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// newKeepalivedEnv prepares a namespace for `keepalived -t`, removed again
// when the test ends.
func newKeepalivedEnv(t *testing.T) *keepalivedEnv {
	t.Helper()
	env := &keepalivedEnv{keepalived: findTool("keepalived"), ip: findTool("ip")}
	if env.keepalived == "" {
		skipOrFail(t, "keepalived is not installed (apt-get install keepalived)")
	}
	if env.ip == "" {
		skipOrFail(t, "iproute2's ip is not installed")
	}
	if os.Geteuid() != 0 {
		skipOrFail(t, "creating a network namespace for keepalived -t needs root")
	}

	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	env.netns = fmt.Sprintf("havipkt-%d-%s", os.Getpid(), hex.EncodeToString(rnd[:]))
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(env.ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", env.netns)
	t.Cleanup(func() {
		if out, err := exec.Command(env.ip, "netns", "del", env.netns).CombinedOutput(); err != nil {
			t.Errorf("removing netns %s: %v\n%s", env.netns, err, out)
		}
	})
	for _, pair := range testInterfaces {
		run("-n", env.netns, "link", "add", pair[0], "type", "veth", "peer", "name", pair[1])
		run("-n", env.netns, "link", "set", pair[0], "up")
		run("-n", env.netns, "link", "set", pair[1], "up")
	}
	return env
}

// check runs `keepalived -t -f` on conf and returns its combined output and
// exit status. It reports problems as an error rather than through t so it
// can run on worker goroutines.
func (env *keepalivedEnv) check(dir, name, conf string) (string, int, error) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(conf), 0o640); err != nil {
		return "", -1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, env.ip, "netns", "exec", env.netns, env.keepalived, "-t", "-f", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0, nil
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode(), nil
	default:
		return "", -1, fmt.Errorf("running keepalived -t: %w", err)
	}
}

type checkJob struct {
	label string
	conf  string
}

type checkResult struct {
	checkJob
	out string
	rc  int
	err error
}

// checkAll runs keepalived -t on every job using a few workers, so a few
// thousand configs still finish in seconds.
func (env *keepalivedEnv) checkAll(t *testing.T, jobs []checkJob) []checkResult {
	t.Helper()
	dir := t.TempDir()
	results := make([]checkResult, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 2*runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out, rc, err := env.check(dir, fmt.Sprintf("job%05d.conf", i), jobs[i].conf)
				results[i] = checkResult{jobs[i], out, rc, err}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("%s: %v", r.label, r.err)
		}
	}
	return results
}

// Proves the harness can see a failure: Alibaba's walkthrough config, as
// its printf writes it, is not clean.
func TestKeepalivedRejectsSeedOriginal(t *testing.T) {
	env := newKeepalivedEnv(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"seed_original_master.conf", []string{
			"nopreempt will not work with initial state MASTER - clearing",
			"Ignoring track_interface eth0 since own interface",
		}},
		{"seed_original_backup.conf", []string{
			"Ignoring track_interface eth0 since own interface",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			conf, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out, rc, err := env.check(dir, tc.file, string(conf))
			if err != nil {
				t.Fatal(err)
			}
			if rc != 5 {
				t.Errorf("exit status %d, want 5; output:\n%s", rc, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// The golden scenarios, including the seed scenario, must be clean.
func TestKeepalivedAcceptsGoldenScenarios(t *testing.T) {
	env := newKeepalivedEnv(t)
	var jobs []checkJob
	for _, sc := range goldenScenarios() {
		out, _, err := Render(sc.cluster)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range SortedNodeNames(out) {
			jobs = append(jobs, checkJob{sc.name + "/" + name, out[name].Config})
		}
	}
	for _, r := range env.checkAll(t, jobs) {
		if r.rc != 0 || r.out != "" {
			t.Errorf("%s: keepalived -t exit %d, output:\n%s\nconfig:\n%s", r.label, r.rc, r.out, r.conf)
		}
	}
}

// Random valid clusters must render configs that keepalived accepts without
// a word.
func TestKeepalivedAcceptsRandomClusters(t *testing.T) {
	env := newKeepalivedEnv(t)
	const iterations = 200
	g := newClusterGen(20240607)
	var jobs []checkJob
	for i := 0; i < iterations; i++ {
		c := g.cluster()
		out, fs, err := Render(c)
		if err != nil {
			t.Fatalf("iteration %d: generator produced an invalid cluster: %v\n%+v", i, err, c)
		}
		// Warnings are allowed (the generator may pick a low advert_int),
		// but they must not be errors in disguise.
		for _, f := range fs {
			if f.Severity != SeverityWarning {
				t.Fatalf("iteration %d: unexpected finding %v", i, f)
			}
		}
		for _, name := range SortedNodeNames(out) {
			jobs = append(jobs, checkJob{fmt.Sprintf("iteration %d node %s", i, name), out[name].Config})
		}
	}
	// Guard against the generator quietly losing variety: every branch of
	// the renderer must have been exercised by some config.
	features := []string{
		"\n    version 2\n", "\n    version 3\n", "\n    nopreempt\n", "\n    preempt_delay ",
		"Preemption (keepalived's default)", "\n    state MASTER\n", "\n    authentication {\n",
		"\nvrrp_script ", "\nvrrp_track_process ", "\n    enable_script_security\n",
		"\n    track_interface {\n", "\n    notify_master ", "\n    notify_stop ",
		"\n    down_timer_adverts ", "\n    vrrp_startup_delay ", "\n    garp_master_repeat ",
		"\n    higher_prio_send_advert\n", "\n    interface ens5\n", "\n    weight -", "\n    delay ",
	}
	seen := map[string]int{}
	for _, j := range jobs {
		for _, f := range features {
			if strings.Contains(j.conf, f) {
				seen[f]++
			}
		}
	}
	for _, f := range features {
		if seen[f] == 0 {
			t.Errorf("no generated config contains %q; the property test lost coverage", f)
		}
	}

	failures := 0
	for _, r := range env.checkAll(t, jobs) {
		if r.rc != 0 || r.out != "" {
			failures++
			if failures <= 3 {
				t.Errorf("%s: keepalived -t exit %d, output:\n%s\nconfig:\n%s", r.label, r.rc, r.out, r.conf)
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d configs were not clean", failures, len(jobs))
	}
	t.Logf("keepalived -t accepted %d of %d configs from %d random clusters", len(jobs)-failures, len(jobs), iterations)
	for _, f := range features {
		t.Logf("  %4d configs contain %q", seen[f], strings.TrimSpace(f))
	}
}
