package alicloud

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// An expired OIDC token is refused before STS is asked, naming the file.
func TestExpiredOIDCTokenFileIsNamed(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	file := filepath.Join(t.TempDir(), "token")
	jwt := enc(`{"alg":"RS256"}`) + "." + enc(fmt.Sprintf(`{"exp":%d}`, time.Now().Add(-time.Minute).Unix())) + ".sig"
	if err := os.WriteFile(file, []byte(jwt), 0o600); err != nil {
		t.Fatal(err)
	}
	in := SignIn{OIDC: &OIDCSignIn{ProviderARN: "acs:ram::1:oidc-provider/ci", RoleARN: "acs:ram::1:role/r", TokenFile: file}, STSEndpoint: "127.0.0.1:1"}
	_, err := in.Source()
	var si *SignInError
	if !errors.As(err, &si) || si.Mode != ModeOIDC || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("got %v", err)
	}
	in.OIDC.TokenFile = filepath.Join(t.TempDir(), "missing")
	if _, err := in.Source(); err == nil || !strings.Contains(err.Error(), in.OIDC.TokenFile) {
		t.Fatalf("a missing file: %v", err)
	}
	in.OIDC.TokenFile, in.OIDC.Token = "", jwt
	if _, err := in.Source(); err == nil || !strings.Contains(err.Error(), "oidc_token") {
		t.Fatalf("an expired raw token: %v", err)
	}
}

// readsTokenFile stands for the library's OIDC provider: it reads the
// token file when asked for credentials.
type readsTokenFile struct {
	path string
	seen string
	mode os.FileMode
}

func (r *readsTokenFile) GetCredentials() (*providers.Credentials, error) {
	b, err := os.ReadFile(r.path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(r.path)
	if err != nil {
		return nil, err
	}
	r.seen, r.mode = string(b), fi.Mode().Perm()
	return &providers.Credentials{AccessKeyId: "STS.x", AccessKeySecret: "s", SecurityToken: "t"}, nil
}

func (r *readsTokenFile) GetProviderName() string { return "test" }

// A raw oidc_token is on disk, readable by this user only, just while the
// library may read it.
func TestRawOIDCTokenIsOnDiskOnlyDuringTheCall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	inner := &readsTokenFile{path: path}
	tf := &transientTokenFile{inner: inner, path: path, token: "header.payload.sig"}
	for range 2 {
		if _, err := tf.GetCredentials(); err != nil {
			t.Fatal(err)
		}
		if inner.seen != "header.payload.sig" || inner.mode != 0o600 {
			t.Fatalf("the library read %q with mode %o", inner.seen, inner.mode)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the token file is still there after the call: %v", err)
		}
	}
}

// slowRenewal stands for a library provider renewing on every call (a
// session with less than 180 s left): it counts how many calls overlap.
type slowRenewal struct {
	mu           sync.Mutex
	inFlight     int
	most, served int
}

func (p *slowRenewal) GetCredentials() (*providers.Credentials, error) {
	p.mu.Lock()
	p.inFlight++
	p.most = max(p.most, p.inFlight)
	p.served++
	n := p.served
	p.mu.Unlock()
	time.Sleep(time.Millisecond)
	p.mu.Lock()
	p.inFlight--
	p.mu.Unlock()
	return &providers.Credentials{AccessKeyId: fmt.Sprintf("STS.%d", n), AccessKeySecret: fmt.Sprintf("s%d", n), SecurityToken: fmt.Sprintf("t%d", n)}, nil
}

func (p *slowRenewal) GetProviderName() string { return "test" }

// Calls signing at once are served one at a time (the library's
// providers are not safe for concurrent use: two would renew at once),
// and each gets one whole set: secret and token of the same key.
func TestCredentialSourceRenewsOneAtATime(t *testing.T) {
	inner := &slowRenewal{}
	src := newCredentialSource(ModeAssumeRole, func() (providers.CredentialsProvider, error) { return inner, nil }, true)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := src.Credentials()
			n := strings.TrimPrefix(c.AccessKey, "STS.")
			if err != nil || c.SecretKey != "s"+n || c.SecurityToken != "t"+n {
				t.Errorf("got %+v, %v", c, err)
			}
		}()
	}
	wg.Wait()
	if inner.most != 1 || inner.served != 16 {
		t.Fatalf("%d calls overlapped (of %d)", inner.most, inner.served)
	}
}
