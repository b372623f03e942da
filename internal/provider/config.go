package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables, in order of precedence after the provider block:
// Alibaba's own names first, then those of the alicloud provider.
var (
	envAccessKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envSecretKey     = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envSecurityToken = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envRegion        = []string{"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"}
	envProfile       = []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"}
	envProfileFile   = []string{"ALIBABA_CLOUD_CONFIG_FILE"}
	envEndpointVPC   = []string{"ALIBABA_CLOUD_ENDPOINT_VPC", "VPC_ENDPOINT"}
	envEndpointECS   = []string{"ALIBABA_CLOUD_ENDPOINT_ECS", "ECS_ENDPOINT"}
	envProtocol      = []string{"HAVIP_PROTOCOL"}
)

func firstEnv(names []string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// cliProfile is one profile of the aliyun CLI's config.json.
type cliProfile struct {
	Name            string `json:"name"`
	Mode            string `json:"mode"`
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	StsToken        string `json:"sts_token"`
	RegionID        string `json:"region_id"`
}

type cliConfig struct {
	Current  string       `json:"current"`
	Profiles []cliProfile `json:"profiles"`
}

func defaultProfileFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".aliyun", "config.json")
}

// loadProfile reads a named profile ("" = the file's current one) from
// the aliyun CLI config. Only key-based modes are supported: the provider
// does not assume roles.
func loadProfile(path, name string) (*cliProfile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the aliyun CLI config %s: %w", path, err)
	}
	var cfg cliConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("parsing the aliyun CLI config %s: %w", path, err)
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		name = "default"
	}
	var names []string
	for _, p := range cfg.Profiles {
		names = append(names, p.Name)
		if p.Name != name {
			continue
		}
		switch p.Mode {
		case "", "AK", "StsToken":
		default:
			return nil, fmt.Errorf("profile %q in %s uses mode %s; this provider supports AK and StsToken profiles", name, path, p.Mode)
		}
		if p.AccessKeyID == "" || p.AccessKeySecret == "" {
			return nil, fmt.Errorf("profile %q in %s has no access_key_id/access_key_secret", name, path)
		}
		return &p, nil
	}
	return nil, fmt.Errorf("profile %q not found in %s (profiles: %s)", name, path, strings.Join(names, ", "))
}
