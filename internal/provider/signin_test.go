package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// configure runs the provider's Configure with the given attributes (a
// map for a block) and every other attribute null.
func configure(t *testing.T, attrs map[string]any) *provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := &havipProvider{version: "test"}
	var sr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	raw, err := objectValue(typ, attrs)
	if err != nil {
		t.Fatal(err)
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: raw}}, resp)
	return resp
}

func objectValue(typ tftypes.Object, attrs map[string]any) (tftypes.Value, error) {
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		at, ok := typ.AttributeTypes[name]
		if !ok {
			return tftypes.Value{}, fmt.Errorf("no attribute %q", name)
		}
		switch v := v.(type) {
		case string:
			vals[name] = tftypes.NewValue(tftypes.String, v)
		case int:
			vals[name] = tftypes.NewValue(tftypes.Number, v)
		case map[string]any:
			o, err := objectValue(at.(tftypes.Object), v)
			if err != nil {
				return tftypes.Value{}, err
			}
			vals[name] = o
		default:
			return tftypes.Value{}, fmt.Errorf("attribute %q: unsupported %T", name, v)
		}
	}
	return tftypes.NewValue(typ, vals), nil
}

// signInOutcome is the mode Configure signed in with, or, when signing in
// failed, the mode whose attribute the error is on.
func signInOutcome(t *testing.T, resp *provider.ConfigureResponse) string {
	t.Helper()
	for _, d := range resp.Diagnostics.Errors() {
		wd, ok := d.(interface{ Path() path.Path })
		if !ok {
			t.Fatalf("an error on no attribute: %s: %s", d.Summary(), d.Detail())
		}
		for _, m := range []string{alicloud.ModeStatic, alicloud.ModeProfile, alicloud.ModeCredentialsURI, alicloud.ModeECSRole, alicloud.ModeOIDC} {
			if signInPath(m).Equal(wd.Path()) {
				return m + " (failed: " + d.Detail() + ")"
			}
		}
		if signInPath("x+" + alicloud.ModeAssumeRole).Equal(wd.Path()) {
			return "+" + alicloud.ModeAssumeRole + " (failed: " + d.Detail() + ")"
		}
		t.Fatalf("an error on %s: %s: %s", wd.Path(), d.Summary(), d.Detail())
	}
	data, ok := resp.ResourceData.(*providerData)
	if !ok || data.client == nil {
		t.Fatalf("no client and no error: %+v", resp.ResourceData)
	}
	return data.client.CredentialsMode()
}

// precedence is the order the docs' Authentication table gives: each
// row's setting wins over every row below it. Each case below sets its
// row and every row below it, and expects its row to be used.
var precedence = []string{
	alicloud.ModeStatic,
	alicloud.ModeProfile,
	alicloud.ModeCredentialsURI,
	alicloud.ModeECSRole,
	alicloud.ModeOIDC,
	"current profile",
}

func TestSignInPrecedence(t *testing.T) {
	s, err := mockcloud.Start(mockcloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cred := s.Credentials()
	dir := t.TempDir()
	profiles := filepath.Join(dir, "config.json")
	doc := fmt.Sprintf(`{"current":"cur","profiles":[
  {"name":"named","mode":"AK","access_key_id":%[1]q,"access_key_secret":%[2]q},
  {"name":"cur","mode":"StsToken","access_key_id":%[1]q,"access_key_secret":%[2]q,"sts_token":"unused-token"}]}`, cred.AccessKeyID, cred.AccessKeySecret)
	if err := os.WriteFile(profiles, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "oidc-token")
	if err := os.WriteFile(tokenFile, []byte("header.payload.signature"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Each row's settings, as variables (the block's attributes have
	// their own tests); the STS endpoint is a closed port, so a mode that
	// calls STS shows which one it was by failing on its attribute.
	rows := map[string]map[string]string{
		alicloud.ModeStatic:         {"ALIBABA_CLOUD_ACCESS_KEY_ID": cred.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": cred.AccessKeySecret},
		alicloud.ModeProfile:        {"ALIBABA_CLOUD_PROFILE": "named"},
		alicloud.ModeCredentialsURI: {"ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:1/credentials"},
		alicloud.ModeECSRole:        {"ALIBABA_CLOUD_ECS_METADATA": "terraform-runner"},
		alicloud.ModeOIDC: {"ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::1:oidc-provider/ci", "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/deploy",
			"ALIBABA_CLOUD_OIDC_TOKEN_FILE": tokenFile},
		"current profile": {},
	}
	want := map[string]string{
		alicloud.ModeStatic:         alicloud.ModeStatic,
		alicloud.ModeProfile:        alicloud.ModeProfile + ":AK",
		alicloud.ModeCredentialsURI: alicloud.ModeCredentialsURI + " (failed",
		alicloud.ModeECSRole:        alicloud.ModeECSRole + " (failed: Signing in with ecs_role_name failed: IMDS credentials is disabled",
		alicloud.ModeOIDC:           alicloud.ModeOIDC + " (failed",
		"current profile":           alicloud.ModeProfile + ":StsToken",
	}
	base := map[string]any{"region": s.Region(), "protocol": "HTTP", "profile_file": profiles,
		"endpoints": map[string]any{"vpc": s.Endpoint(), "ecs": s.Endpoint(), "sts": "127.0.0.1:1"}}
	for i, mode := range precedence {
		t.Run(mode, func(t *testing.T) {
			for _, below := range precedence[i:] {
				for k, v := range rows[below] {
					t.Setenv(k, v)
				}
			}
			got := signInOutcome(t, configure(t, base))
			if !strings.HasPrefix(got, want[mode]) {
				t.Fatalf("signed in with %s; want %s", got, want[mode])
			}
		})
	}

	// assume_role applies on top of whichever base was found.
	t.Run("assume_role over the base", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", cred.AccessKeyID)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", cred.AccessKeySecret)
		t.Setenv("ALICLOUD_ASSUME_ROLE_ARN", "acs:ram::1:role/deploy")
		if got := signInOutcome(t, configure(t, base)); !strings.HasPrefix(got, "+"+alicloud.ModeAssumeRole+" (failed") {
			t.Fatalf("got %s", got)
		}
	})
	// With the three OIDC variables of an ACK pod (RRSA), ALIBABA_CLOUD_ROLE_ARN
	// is the OIDC role, not one to assume again on top.
	t.Run("the OIDC role is not assumed twice", func(t *testing.T) {
		for k, v := range rows[alicloud.ModeOIDC] {
			t.Setenv(k, v)
		}
		if got := signInOutcome(t, configure(t, base)); !strings.HasPrefix(got, alicloud.ModeOIDC+" (failed") {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("assume_role without a role", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", cred.AccessKeyID)
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", cred.AccessKeySecret)
		b := maps.Clone(base)
		b["assume_role"] = map[string]any{"session_name": "ci"}
		if got := signInOutcome(t, configure(t, b)); !strings.HasPrefix(got, "+"+alicloud.ModeAssumeRole+" (failed") || !strings.Contains(got, "RoleArn is empty") {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("nothing configured", func(t *testing.T) {
		b := map[string]any{"region": s.Region(), "profile_file": filepath.Join(dir, "none.json")}
		resp := configure(t, b)
		data, ok := resp.ResourceData.(*providerData)
		if resp.Diagnostics.HasError() || !ok || data.client != nil || !strings.Contains(data.clientErr, "No credentials are configured") {
			t.Fatalf("diags %v, data %+v", resp.Diagnostics, resp.ResourceData)
		}
	})
}

// The docs' Authentication table lists the modes in the order the test
// above checks.
func TestSignInPrecedenceIsDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "index.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(b)[strings.Index(string(b), "## Authentication"):]
	row := regexp.MustCompile("(?m)^\\| *([0-9]+) *\\| *([^|]+?) *\\|")
	var documented []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented = append(documented, m[2])
	}
	wantRows := []string{"Keys", "Profile", "Credentials URI", "ECS instance RAM role", "OIDC", "Current profile"}
	if len(precedence) != len(wantRows) || !slices.Equal(documented, wantRows) {
		t.Fatalf("the docs' precedence table lists %q; the test checks %q (as %q)", documented, wantRows, precedence)
	}
}
