package alicloud

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func TestReadProfileInfo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.json")
	doc := `{"current":"ci","profiles":[
  {"name":"ci","mode":"AK","access_key_id":"AKci","access_key_secret":"SKci","region_id":"cn-shanghai"},
  {"name":"sts","mode":"StsToken","access_key_id":"AKsts","access_key_secret":"SKsts","sts_token":"tok"},
  {"name":"role","mode":"RamRoleArn","access_key_id":"AKr","access_key_secret":"SKr","region_id":"cn-beijing"},
  {"name":"chain","mode":"ChainableRamRoleArn","source_profile":"role"},
  {"name":"badchain","mode":"ChainableRamRoleArn","source_profile":"sso"},
  {"name":"loop","mode":"ChainableRamRoleArn","source_profile":"loop"},
  {"name":"sso","mode":"CloudSSO"},
  {"name":"empty","mode":"AK"}]}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]ProfileInfo{
		"":      {Name: "ci", Mode: "AK", Region: "cn-shanghai"},
		"sts":   {Name: "sts", Mode: "StsToken"},
		"chain": {Name: "chain", Mode: "ChainableRamRoleArn"},
	} {
		got, err := ReadProfileInfo(file, name)
		if err != nil || got != want {
			t.Errorf("profile %q: got %+v, %v; want %+v", name, got, err, want)
		}
	}
	for name, want := range map[string]string{
		"sso":      `mode "CloudSSO", which this provider does not support`,
		"badchain": `profile "sso" in`,
		"loop":     "chains back to itself",
		"missing":  `profile "missing" not found`,
	} {
		if _, err := ReadProfileInfo(file, name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("profile %s: want an error containing %q, got %v", name, want, err)
		}
	}
	if _, err := ReadProfileInfo(filepath.Join(t.TempDir(), "nope.json"), ""); err == nil {
		t.Error("a missing file was accepted")
	}
	// Keys are the library's to read: an AK profile without them fails
	// at sign-in, naming the profile as the setting at fault.
	src, err := SignIn{Profile: "empty", ProfileFile: file, ProfileExplicit: true}.Source()
	if err != nil {
		t.Fatal(err)
	}
	s, cred, _ := setup(t, mockcloud.Options{})
	cfg := testConfig(s, cred)
	cfg.Credentials = src
	err = newClient(t, cfg).SignIn(testCtx(t))
	var si *SignInError
	if !errors.As(err, &si) || si.Mode != ModeProfile+":AK" || !strings.Contains(err.Error(), "empty") {
		t.Errorf("a profile without keys: %v", err)
	}
}

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
