// Package sandbox keeps a test binary off Alibaba Cloud: the credential
// libraries find credentials and hosts in the environment (keys, profiles,
// the ECS metadata service at 100.100.100.200, sts.aliyuncs.com), and the
// provider runs inside the test process, in parallel tests, so one
// environment set before any test runs covers them all. Main sets it and
// guards every dial through http.DefaultTransport, which the credential
// libraries and the provider's own transport clone: a connection to
// anything but loopback is refused before a packet is sent, recorded, and
// fails the run.
package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// InNamespaceEnv marks a test run inside a network namespace the harness
// created (internal/acctest's namespace runner): there, the metadata
// address 100.100.100.200 and the STS hosts are the namespace's own.
const InNamespaceEnv = "HAVIP_TEST_NETNS"

var (
	mu      sync.Mutex
	refused []string
)

// Main prepares the environment, runs the tests and exits; a TestMain
// calls it. A refused connection fails the run even if every test passed.
func Main(m *testing.M) { MainWith(m, nil) }

// MainWith is Main with a package's own setup run after Prepare, before
// the tests (a test CA to trust, say).
func MainWith(m *testing.M, setup func() error) {
	err := Prepare()
	if err == nil && setup != nil {
		err = setup()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(2)
	}
	code := m.Run()
	if r := Refused(); len(r) > 0 {
		fmt.Fprintf(os.Stderr, "sandbox: FAIL: the tests tried to leave loopback: %s\n", strings.Join(r, "; "))
		code = 1
	}
	os.Exit(code)
}

// Prepare sets the environment and installs the dial guard.
func Prepare() error {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ALIBABA_CLOUD_") || strings.HasPrefix(k, "ALICLOUD_") || strings.HasPrefix(k, "ALIBABACLOUD_") {
			os.Unsetenv(k)
		}
	}
	home, err := os.MkdirTemp("", "havip-test-home-")
	if err != nil {
		return err
	}
	// The Go caches keep their places (tests that build something would
	// otherwise start cold); the credential files move to the empty home.
	if dir, err := os.UserCacheDir(); err == nil && os.Getenv("GOCACHE") == "" {
		os.Setenv("GOCACHE", filepath.Join(dir, "go-build"))
	}
	if old, err := os.UserHomeDir(); err == nil && os.Getenv("GOPATH") == "" {
		os.Setenv("GOPATH", filepath.Join(old, "go"))
	}
	os.Setenv("HOME", home)
	os.Setenv("ALIBABA_CLOUD_CONFIG_FILE", filepath.Join(home, ".aliyun", "config.json"))
	os.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", filepath.Join(home, ".alibabacloud", "credentials"))
	if os.Getenv(InNamespaceEnv) == "" {
		os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	}
	Guard(http.DefaultTransport.(*http.Transport))
	return nil
}

// Guard makes t refuse (and record) connections that leave loopback.
func Guard(t *http.Transport) {
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := Allowed(addr); err != nil {
			mu.Lock()
			refused = append(refused, addr)
			mu.Unlock()
			return nil, err
		}
		return dial(ctx, network, addr)
	}
}

// Allowed says whether a test may connect to addr (host:port): a loopback
// address or localhost, and, inside the harness's namespace, anything
// (nothing there leads off the machine).
func Allowed(addr string) error {
	if os.Getenv(InNamespaceEnv) != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
		return nil
	}
	return fmt.Errorf("sandbox: a test tried to connect to %s, which is not loopback; tests never leave this machine", addr)
}

// Refused lists the connections the guard refused so far.
func Refused() []string {
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), refused...)
}

// TakeRefused returns and forgets the refused connections: for a test
// that makes one on purpose to see it refused.
func TakeRefused() []string {
	mu.Lock()
	defer mu.Unlock()
	out := refused
	refused = nil
	return out
}

// TrustCA makes the process trust a test CA's certificate (PEM) and no
// other, through SSL_CERT_FILE: the STS clients speak HTTPS only and take
// no CA of their own. Go reads the variable once, at the first
// verification, so this must run before any TLS connection.
func TrustCA(certPEM []byte) error {
	dir, err := os.MkdirTemp("", "havip-test-ca-")
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, certPEM, 0o644); err != nil {
		return err
	}
	return os.Setenv("SSL_CERT_FILE", file)
}
