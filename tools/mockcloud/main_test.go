package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// buildBinary compiles the command once per test binary run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mockcloud")
	// Built the way the test binary was: under make test (-race) that
	// reuses the race-built packages already in the cache instead of
	// compiling the SDK and the mock a second time.
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type ready struct {
	Endpoint        string `json:"endpoint"`
	Region          string `json:"region"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
}

// syncBuffer is written by exec's copying goroutine while the test reads.
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

type proc struct {
	cmd       *exec.Cmd
	readyFile string
	stdout    *syncBuffer
	stderr    *syncBuffer
	ready     ready
}

func startBinary(t testing.TB, bin string, args ...string) *proc {
	t.Helper()
	readyFile := filepath.Join(t.TempDir(), "ready.json")
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}, readyFile: readyFile}
	p.cmd = exec.Command(bin, append([]string{"-ready-file", readyFile}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(readyFile)
		if err == nil && json.Unmarshal(b, &p.ready) == nil && p.ready.Endpoint != "" {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("mockcloud did not become ready; stderr:\n%s", p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *proc) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("mockcloud exited with %v; stderr:\n%s", err, p.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mockcloud did not stop on SIGTERM")
	}
}

func (p *proc) client(t testing.TB) *vpc.Client {
	t.Helper()
	c, err := vpc.NewClientWithOptions(p.ready.Region, sdk.NewConfig(), credentials.NewStaticAKCredentialsProvider(p.ready.AccessKeyID, p.ready.AccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = p.ready.Endpoint
	return c
}

func TestCommandServesPrintsEnvAndKeepsState(t *testing.T) {
	bin := buildBinary(t)
	state := filepath.Join(t.TempDir(), "state.json")
	p := startBinary(t, bin, "-state", state, "-access-key-id", "LTAI5ciKey", "-access-key-secret", "ci-secret", "-transitions", "realistic,havip.create=1h")
	for _, want := range []string{"export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5ciKey", "export ALIBABA_CLOUD_ENDPOINT_VPC=" + p.ready.Endpoint, "export ALIBABA_CLOUD_REGION=cn-hangzhou"} {
		if !strings.Contains(p.stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, p.stdout)
		}
	}
	if !strings.HasPrefix(p.ready.Endpoint, "127.0.0.1:") {
		t.Errorf("default listen address is not loopback: %s", p.ready.Endpoint)
	}
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = "vsw-bp1seedvsw000000000001"
	req.IpAddress = "192.168.0.24"
	created, err := p.client(t).CreateHaVip(req)
	if err != nil {
		t.Fatal(err)
	}
	d0 := vpc.CreateDescribeHaVipsRequest()
	if got, err := p.client(t).DescribeHaVips(d0); err != nil || len(got.HaVips.HaVip) != 1 || got.HaVips.HaVip[0].Status != "Creating" {
		t.Fatalf("-transitions realistic,havip.create=1h: want the new HaVip Creating, got %+v, %v", got, err)
	}
	p.stop(t)
	// A stopped mock leaves no ready file for the next script to wait on.
	if _, err := os.Stat(p.readyFile); !os.IsNotExist(err) {
		t.Fatalf("the ready file outlived the mock: %v", err)
	}

	// The second run reads the state file and still has the HaVip.
	p2 := startBinary(t, bin, "-state", state, "-access-key-id", "LTAI5ciKey", "-access-key-secret", "ci-secret")
	d := vpc.CreateDescribeHaVipsRequest()
	got, err := p2.client(t).DescribeHaVips(d)
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalCount != 1 || got.HaVips.HaVip[0].HaVipId != created.HaVipId {
		t.Fatalf("state did not survive the restart: %+v", got.HaVips)
	}
	p2.stop(t)
}

func TestCommandRejectsBadFixtures(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "fx.json")
	if err := os.WriteFile(bad, []byte(`{"version":1,"regions":["cn-hangzhou"],"vpcs":[{"cidr":"10.0.0.0/8","nmae":"typo"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run([]string{"-fixtures", bad}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "nmae") {
		t.Fatalf("expected an unknown-field error naming nmae, got %v", err)
	}
	if err := run([]string{"-transitions", "fast"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "fast") {
		t.Fatalf("an unknown transition profile: %v", err)
	}
	if err := run([]string{"-access-key-id", "x"}, &stdout, &stderr); err == nil {
		t.Fatal("a key id without a secret was accepted")
	}
}

// A supervisor may stop the mock the moment it announces itself. The
// ready file's temporary (writeWhole writes it, then renames it) is a FIFO
// here, so the mock blocks writing it until the test reads: SIGTERM
// arrives while the mock is announcing, and it must still stop cleanly
// (saving its state), not die by the signal's default action.
func TestCommandStoppedWhileAnnouncingExitsCleanly(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	readyFile, state := filepath.Join(dir, "ready"), filepath.Join(dir, "state.json")
	if err := syscall.Mkfifo(readyFile+".tmp", 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd := exec.Command(bin, "-ready-file", readyFile, "-state", state)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			<-done
		}
	})
	// The environment lines come just before the ready file.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(stdout.String(), "export ALIBABA_CLOUD_REGION="); {
		if time.Now().After(deadline) {
			t.Fatalf("mockcloud printed no environment; stderr:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Opening the FIFO lets the blocked write finish; the mock then
	// handles the signal it has pending. A mock killed by the signal
	// never opens the FIFO, so the read must not hold the test.
	ready := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(readyFile + ".tmp")
		ready <- b
	}()
	select {
	case err := <-done:
		exited = true
		if err != nil {
			t.Fatalf("mockcloud stopped while announcing exited with %v; stderr:\n%s", err, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mockcloud did not stop on SIGTERM")
	}
	select {
	case b := <-ready:
		if !strings.Contains(string(b), `"endpoint"`) {
			t.Errorf("ready file: %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Error("mockcloud exited without writing the ready file")
	}
	if _, err := os.Stat(state); err != nil {
		t.Errorf("no state saved on the way out: %v", err)
	}
}
