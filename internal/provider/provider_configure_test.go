package provider

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// allUnknown is a provider configuration whose every value, in every
// block, is unknown until apply.
func allUnknown(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Interface().(type) {
		case types.String:
			f.Set(reflect.ValueOf(types.StringUnknown()))
		case types.Int64:
			f.Set(reflect.ValueOf(types.Int64Unknown()))
		default:
			if f.Kind() == reflect.Pointer {
				f.Set(reflect.New(f.Type().Elem()))
				allUnknown(f.Elem())
			}
		}
	}
}

// Every attribute of the provider's schema, in every block, is refused
// when it is unknown until apply, on its own path, naming the environment
// variable that can stand in for it where there is one.
func TestRequireKnown_everyAttribute(t *testing.T) {
	var resp provider.SchemaResponse
	(&havipProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	var want []string
	for name := range resp.Schema.Attributes {
		want = append(want, name)
	}
	for block, b := range resp.Schema.Blocks {
		for name := range b.(schema.SingleNestedBlock).Attributes {
			want = append(want, block+"."+name)
		}
	}
	slices.Sort(want)

	var cfg providerModel
	allUnknown(reflect.ValueOf(&cfg).Elem())
	var diags diag.Diagnostics
	requireKnown(cfg, &diags)
	got := map[string]string{} // path → detail
	for _, d := range diags {
		p := d.(diag.DiagnosticWithPath).Path().String()
		if d.Summary() != "Unknown provider configuration value" || !strings.Contains(d.Detail(), "The value of "+p+" is not known until apply") {
			t.Errorf("%s: %s: %s", p, d.Summary(), d.Detail())
		}
		got[p] = d.Detail()
	}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, want) || len(diags) != len(want) {
		t.Fatalf("refused %d values at %v,\nwant one for each attribute %v", len(diags), keys, want)
	}
	for p, env := range map[string]string{
		"region":                           "ALIBABA_CLOUD_REGION",
		"endpoints.sts":                    "ALIBABA_CLOUD_STS_ENDPOINT",
		"assume_role.role_arn":             "ALICLOUD_ASSUME_ROLE_ARN",
		"assume_role_with_oidc.oidc_token": "ALIBABA_CLOUD_OIDC_TOKEN",
		"shared_credentials_file":          "ALIBABA_CLOUD_CONFIG_FILE",
		"max_retries":                      "",
		"assume_role.external_id":          "",
		"quotas.havips_per_vpc":            "",
	} {
		wantHow := "Set it statically."
		if env != "" {
			wantHow = "Set it statically or use the " + env + " environment variable."
		}
		if !strings.HasSuffix(got[p], wantHow) {
			t.Errorf("%s: %q does not end %q", p, got[p], wantHow)
		}
	}
}
