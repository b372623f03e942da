// Package sandbox keeps a test binary off Alibaba Cloud: the credential
// libraries find credentials and hosts in the environment (keys, profiles,
// the ECS metadata service at 100.100.100.200, sts.aliyuncs.com), and the
// provider runs inside the test process, in parallel tests, so one
// environment set before any test runs covers them all. A request to
// anything but loopback is refused before a packet is sent, recorded, and
// fails the run. Three guards, because no one of them reaches every client:
//   - http.DefaultTransport's Proxy function, which every clone keeps:
//     Alibaba's credential library clones it for each request but replaces
//     its dialer, and so does the provider's own transport;
//   - its dialer, for clones that keep it and for proxies that would be
//     dialed;
//   - HTTP_PROXY and HTTPS_PROXY pointing at a loopback proxy that refuses
//     everything, for clients that read the variables themselves (the
//     Alibaba SDK's own transport) and for subprocesses.
package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
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
	if os.Getenv(InNamespaceEnv) != "" {
		// Nothing in the namespace leads off the machine; the parent's
		// refusing proxy is not reachable from it.
		for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy"} {
			os.Unsetenv(k)
		}
		return nil
	}
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	// Terraform's own call home (the refusing proxy below caught it).
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if err := refusingProxy(); err != nil {
		return err
	}
	Guard(http.DefaultTransport.(*http.Transport))
	return nil
}

func record(addr string) {
	mu.Lock()
	refused = append(refused, addr)
	mu.Unlock()
}

// Guard makes t refuse (and record) requests and connections that leave
// loopback.
func Guard(t *http.Transport) {
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := Allowed(addr); err != nil {
			record(addr)
			return nil, err
		}
		return dial(ctx, network, addr)
	}
	proxy := t.Proxy
	t.Proxy = func(r *http.Request) (*url.URL, error) {
		addr := canonicalAddr(r.URL)
		if err := Allowed(addr); err != nil {
			record(addr)
			return nil, err
		}
		if proxy == nil {
			return nil, nil
		}
		return proxy(r)
	}
}

// canonicalAddr is a URL's host:port, the port filled in from the scheme.
func canonicalAddr(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// refusingProxy serves, on loopback, a proxy that forwards nothing and
// answers 403, and points the proxy variables at it, loopback exempted.
// Go reads them once, at the first proxied request: before any test.
func refusingProxy() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host := r.Host
			if _, _, err := net.SplitHostPort(host); err != nil {
				host = canonicalAddr(r.URL)
			}
			record(host)
			http.Error(w, "sandbox: refused a request for "+host+": tests never leave this machine", http.StatusForbidden)
		}))
	}()
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		os.Setenv(k, "http://"+ln.Addr().String())
	}
	for _, k := range []string{"NO_PROXY", "no_proxy"} {
		os.Setenv(k, "127.0.0.1,localhost,::1")
	}
	return nil
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
