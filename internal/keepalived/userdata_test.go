package keepalived

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const confDirLine = "conf_dir=/etc/keepalived\n"

// userDataRun executes a boot script with package managers, systemctl and
// optionally keepalived replaced by stubs, and with the config directory
// moved into a temporary directory.
type userDataRun struct {
	dir, confDir, log string
	stderr            string
	err               error
}

func writeStub(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// runUserData runs script under sh. If keepalivedStub is non-empty it
// replaces keepalived; otherwise the real one is found through the sbin
// directories the script appends to PATH. prefix (e.g. "ip netns exec NS")
// wraps the sh invocation.
func runUserData(t *testing.T, script, keepalivedStub string, prefix ...string) userDataRun {
	t.Helper()
	r := userDataRun{dir: t.TempDir()}
	r.confDir = filepath.Join(r.dir, "etc-keepalived")
	r.log = filepath.Join(r.dir, "calls.log")
	bin := filepath.Join(r.dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	logCall := `echo "$(basename "$0") $*" >> "$HAVIP_TEST_LOG"` + "\n"
	for _, name := range []string{"dnf", "yum", "apt-get", "systemctl"} {
		writeStub(t, bin, name, logCall)
	}
	if keepalivedStub != "" {
		writeStub(t, bin, "keepalived", logCall+keepalivedStub)
	}

	if strings.Count(script, confDirLine) != 1 {
		t.Fatalf("user_data must set %q exactly once", strings.TrimSpace(confDirLine))
	}
	script = strings.Replace(script, confDirLine, "conf_dir="+r.confDir+"\n", 1)
	path := filepath.Join(r.dir, "user_data.sh")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}

	args := append(append([]string(nil), prefix...), "/bin/sh", path)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "HAVIP_TEST_LOG=" + r.log}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	r.err = cmd.Run()
	r.stderr = stderr.String()
	return r
}

func (r userDataRun) calls(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(r.log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func TestUserDataSyntax(t *testing.T) {
	for _, sc := range goldenScenarios() {
		out, _, err := Render(sc.cluster)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range SortedNodeNames(out) {
			ud := out[name].UserData
			if !strings.HasPrefix(ud, "#!/bin/sh\n") || !strings.Contains(ud, "\nset -eu\n") {
				t.Errorf("%s/%s: missing shebang or set -eu", sc.name, name)
			}
			cmd := exec.Command("/bin/sh", "-n")
			cmd.Stdin = strings.NewReader(ud)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s/%s: sh -n: %v\n%s", sc.name, name, err, b)
			}
		}
	}
}

func TestUserDataInstallsOnlyASilentConfig(t *testing.T) {
	out, _, err := Render(checkNotifyCluster())
	if err != nil {
		t.Fatal(err)
	}
	node := out["ecs1"]

	for _, tc := range []struct {
		name   string
		stub   string
		wantOK bool
	}{
		{"silent and exit 0", "exit 0\n", true},
		{"warning and exit 5", "echo '(VI_1) Ignoring track_interface eth0 since own interface' >&2\nexit 5\n", false},
		{"output but exit 0", "echo 'Config files missing' >&2\nexit 0\n", false},
		{"silent but exit 143", "exit 143\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runUserData(t, node.UserData, tc.stub)
			calls := r.calls(t)
			if !strings.Contains(calls, "install -y keepalived") {
				t.Errorf("keepalived was not installed; calls:\n%s", calls)
			}
			if !strings.Contains(calls, "keepalived -t -f "+filepath.Join(r.confDir, "keepalived.conf.havip-new")) {
				t.Errorf("config was not tested with keepalived -t -f; calls:\n%s", calls)
			}
			final := filepath.Join(r.confDir, "keepalived.conf")
			started := strings.Contains(calls, "systemctl restart keepalived")
			if !tc.wantOK {
				if r.err == nil {
					t.Error("script succeeded although keepalived -t complained")
				}
				if started || strings.Contains(calls, "systemctl enable") {
					t.Errorf("keepalived was enabled or started; calls:\n%s", calls)
				}
				if _, err := os.Stat(final); !os.IsNotExist(err) {
					t.Errorf("rejected config replaced %s", final)
				}
				if !strings.Contains(r.stderr, "keepalived -t rejected") {
					t.Errorf("no explanation on stderr: %q", r.stderr)
				}
				return
			}
			if r.err != nil {
				t.Fatalf("script failed: %v\n%s", r.err, r.stderr)
			}
			if !strings.Contains(calls, "systemctl enable keepalived\nsystemctl restart keepalived\n") {
				t.Errorf("keepalived not enabled and restarted; calls:\n%s", calls)
			}
			got, err := os.ReadFile(final)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != node.Config {
				t.Errorf("written config differs from the rendered one:\n%s", lineDiff(node.Config, string(got)))
			}
			fi, err := os.Stat(final)
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o640 {
				t.Errorf("config mode %o, want 640", perm)
			}
		})
	}
}

// The shell must not expand anything in the config, whatever it contains.
func TestUserDataWritesConfigVerbatim(t *testing.T) {
	conf := "# $HOME `id` $(id) \\n '\"\n" + heredocBase + "\nEOF\n"
	d := seedCluster().WithDefaults()
	ud := renderUserData(d, d.Nodes[0], conf)
	r := runUserData(t, ud, "exit 0\n")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(r.confDir, "keepalived.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != conf {
		t.Errorf("config changed on the way: got %q, want %q", got, conf)
	}
}

// End to end with the real keepalived: the rendered seed config passes and
// the walkthrough's original config is refused.
func TestUserDataWithRealKeepalived(t *testing.T) {
	env := newKeepalivedEnv(t)
	prefix := []string{env.ip, "netns", "exec", env.netns}
	out, _, err := Render(seedCluster())
	if err != nil {
		t.Fatal(err)
	}
	r := runUserData(t, out["ecs1"].UserData, "", prefix...)
	if r.err != nil {
		t.Fatalf("rendered seed config refused: %v\n%s", r.err, r.stderr)
	}
	if !strings.Contains(r.calls(t), "systemctl restart keepalived") {
		t.Error("keepalived not started")
	}

	orig, err := os.ReadFile(filepath.Join("testdata", "seed_original_master.conf"))
	if err != nil {
		t.Fatal(err)
	}
	d := seedCluster().WithDefaults()
	r = runUserData(t, renderUserData(d, d.Nodes[0], string(orig)), "", prefix...)
	if r.err == nil {
		t.Fatal("the walkthrough's original config was accepted")
	}
	if !strings.Contains(r.stderr, "exit 5") || !strings.Contains(r.stderr, "nopreempt will not work") {
		t.Errorf("stderr does not carry keepalived's verdict: %q", r.stderr)
	}
	if strings.Contains(r.calls(t), "systemctl") {
		t.Error("systemctl called for a refused config")
	}
}
