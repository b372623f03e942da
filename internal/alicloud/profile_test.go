package alicloud

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
