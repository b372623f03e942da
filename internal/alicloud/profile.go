package alicloud

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// ProfileModes are the aliyun CLI profile modes the provider signs in
// with (through the credential library's profile reader). The others the
// CLI knows (CloudSSO, OAuth, CredentialsURI, BearerToken, ...) are refused
// by name: they call hosts no test here can stand in for.
var ProfileModes = []string{"AK", "StsToken", "RamRoleArn", "ChainableRamRoleArn", "EcsRamRole", "OIDC", "External"}

// DefaultProfileFile is the aliyun CLI's configuration file.
func DefaultProfileFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".aliyun", "config.json")
}

// ProfileInfo is what the credential library does not expose of a
// profile: its name, mode and region. Everything else (keys, roles,
// tokens) is read by the library.
type ProfileInfo struct {
	Name   string
	Mode   string
	Region string
}

// profileFields are the fields of a profile the library does not expose,
// and source_profile, to check the modes of a chain.
type profileFields struct {
	Name          string `json:"name"`
	Mode          string `json:"mode"`
	RegionID      string `json:"region_id"`
	SourceProfile string `json:"source_profile"`
}

// ReadProfileInfo finds a profile ("" = the file's current one) and
// checks that the provider supports its mode, and the modes of the
// profiles it chains to.
func ReadProfileInfo(file, name string) (ProfileInfo, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return ProfileInfo{}, fmt.Errorf("reading the aliyun CLI config %s: %w", file, err)
	}
	var cfg struct {
		Current  string          `json:"current"`
		Profiles []profileFields `json:"profiles"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return ProfileInfo{}, fmt.Errorf("parsing the aliyun CLI config %s: %w", file, err)
	}
	if name == "" {
		name = orDefault(cfg.Current, "default")
	}
	var names []string
	for _, p := range cfg.Profiles {
		names = append(names, p.Name)
	}
	var info ProfileInfo
	for seen := map[string]bool{}; ; {
		i := slices.IndexFunc(cfg.Profiles, func(p profileFields) bool { return p.Name == name })
		if i < 0 {
			return ProfileInfo{}, fmt.Errorf("profile %q not found in %s (profiles: %s)", name, file, strings.Join(names, ", "))
		}
		p := cfg.Profiles[i]
		if !slices.Contains(ProfileModes, p.Mode) {
			return ProfileInfo{}, fmt.Errorf("profile %q in %s uses mode %q, which this provider does not support; supported modes: %s",
				name, file, p.Mode, strings.Join(ProfileModes, ", "))
		}
		if info.Name == "" {
			info = ProfileInfo{Name: p.Name, Mode: p.Mode, Region: p.RegionID}
		}
		if p.Mode != "ChainableRamRoleArn" {
			return info, nil
		}
		if seen[name] {
			return ProfileInfo{}, fmt.Errorf("profile %q in %s chains back to itself through source_profile", info.Name, file)
		}
		seen[name] = true
		name = p.SourceProfile
	}
}

// profile signs in with an aliyun CLI profile through the library's
// profile reader. The source is renewable: when a session is refused as
// expired, the file is read again, since whatever renews a StsToken
// profile (aliyun sts assume-role, a credentials helper) rewrites it.
func (s SignIn) profile() (*CredentialSource, error) {
	info, err := ReadProfileInfo(s.ProfileFile, s.Profile)
	if err != nil {
		return nil, &SignInError{Mode: ModeProfile, Err: err}
	}
	build := func() (providers.CredentialsProvider, error) {
		return providers.NewCLIProfileCredentialsProviderBuilder().WithProfileFile(s.ProfileFile).WithProfileName(info.Name).Build()
	}
	src, err := s.checked(ModeProfile, build)
	if err != nil {
		return nil, err
	}
	src.mode = ModeProfile + ":" + info.Mode
	return src, nil
}
