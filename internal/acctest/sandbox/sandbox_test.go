package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestEnvironmentIsTheSandboxs(t *testing.T) {
	if os.Getenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED") != "true" || os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID") != "" ||
		!strings.HasPrefix(os.Getenv("HOME"), os.TempDir()) {
		t.Fatal("the environment is not the sandbox's")
	}
}

// A connection to the ECS metadata service or a public STS host is
// refused before the dialer underneath is asked (so nothing is sent),
// and recorded; loopback goes through. Main would fail the run for the
// recorded ones, so the test clears them.
func TestGuardRefusesOffLoopback(t *testing.T) {
	t.Cleanup(func() { TakeRefused() })
	var dialed []string
	tr := &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
		dialed = append(dialed, addr)
		return nil, errors.New("fake dialer: not connected")
	}}
	Guard(tr)
	client := &http.Client{Transport: tr}
	for _, url := range []string{"http://100.100.100.200/latest/meta-data/", "https://sts.aliyuncs.com/", "http://127.0.0.1:9/"} {
		if _, err := client.Get(url); err == nil {
			t.Fatalf("%s was reached", url)
		}
	}
	if got := Refused(); !slices.Equal(got, []string{"100.100.100.200:80", "sts.aliyuncs.com:443"}) {
		t.Errorf("refused %v", got)
	}
	if !slices.Equal(dialed, []string{"127.0.0.1:9"}) {
		t.Errorf("the dialer underneath was asked for %v", dialed)
	}
}

// Main guards the process's default transport, which the credential
// library clones for each request, replacing its dialer as it does: the
// request is refused all the same, and the dialer never asked. 0.0.0.0 is
// not loopback to the guard, but unguarded it would only reach this
// machine.
func TestDefaultTransportIsGuarded(t *testing.T) {
	t.Cleanup(func() { TakeRefused() })
	tr := http.DefaultTransport.(*http.Transport).Clone()
	_, err := tr.DialContext(context.Background(), "tcp", "0.0.0.0:1")
	if err == nil || !strings.Contains(err.Error(), "sandbox:") {
		t.Fatalf("the default transport's dialer is not guarded: %v", err)
	}
	var dialed []string
	tr.DialContext = func(_ context.Context, _, addr string) (net.Conn, error) {
		dialed = append(dialed, addr)
		return nil, errors.New("fake dialer: not connected")
	}
	if _, err := (&http.Client{Transport: tr}).Get("http://0.0.0.0:1/latest/meta-data/"); err == nil || !strings.Contains(err.Error(), "sandbox:") {
		t.Fatalf("a clone with its own dialer is not guarded: %v", err)
	}
	if len(dialed) != 0 {
		t.Fatalf("the clone's own dialer was asked for %v", dialed)
	}
}

// A client that reads the proxy variables itself (the Alibaba SDK's
// transport, a subprocess) is sent to the refusing proxy, which forwards
// nothing.
func TestProxyVariablesRefuse(t *testing.T) {
	t.Cleanup(func() { TakeRefused() })
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment}
	resp, err := (&http.Client{Transport: tr}).Get("http://0.0.0.0:1/latest/meta-data/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !slices.Equal(TakeRefused(), []string{"0.0.0.0:1"}) {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
