package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// attachmentState is a state holding only the attachment identity's parts.
func attachmentState(ctx context.Context, havipID, instanceID string) tfsdk.State {
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"havip_id": schema.StringAttribute{Required: true}, "instance_id": schema.StringAttribute{Required: true}}}
	return tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), map[string]tftypes.Value{
		"havip_id": tftypes.NewValue(tftypes.String, havipID), "instance_id": tftypes.NewValue(tftypes.String, instanceID)})}
}

func attachmentIdent(ctx context.Context, parts ...string) *tfsdk.ResourceIdentity {
	s := attachmentIdentity.schema()
	typ := s.Type().TerraformType(ctx)
	if len(parts) == 0 {
		return &tfsdk.ResourceIdentity{Schema: s, Raw: tftypes.NewValue(typ, nil)}
	}
	return &tfsdk.ResourceIdentity{Schema: s, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
		"havip_id": tftypes.NewValue(tftypes.String, parts[0]), "instance_id": tftypes.NewValue(tftypes.String, parts[1])})}
}

func identityValue(t *testing.T, ctx context.Context, ident *tfsdk.ResourceIdentity) []string {
	t.Helper()
	var diags diag.Diagnostics
	parts, ok := attachmentIdentity.read(ctx, ident, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !ok {
		return nil
	}
	return parts
}

// On read, the object read must be the one the stored identity names; the
// identity written is always the state's.
func TestIdentityKeep(t *testing.T) {
	ctx := context.Background()
	state := attachmentState(ctx, "havip-a", "i-b")
	for _, tc := range []struct {
		name  string
		prior *tfsdk.ResourceIdentity
		want  string // a diagnostic's summary, or "" for none
	}{
		{"create (no prior identity)", nil, ""},
		{"state from before identities", attachmentIdent(ctx), ""},
		{"the same object", attachmentIdent(ctx, "havip-a", "i-b"), ""},
		{"another member", attachmentIdent(ctx, "havip-a", "i-c"), "The object read is not the one this resource manages"},
		{"another HaVip", attachmentIdent(ctx, "havip-z", "i-b"), "The object read is not the one this resource manages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := attachmentIdent(ctx)
			var diags diag.Diagnostics
			attachmentIdentity.keep(ctx, &state, tc.prior, out, &diags)
			if tc.want == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
				if got := identityValue(t, ctx, out); strings.Join(got, ":") != "havip-a:i-b" {
					t.Fatalf("identity %v, want havip-a:i-b", got)
				}
				return
			}
			if !diags.HasError() || diags.Errors()[0].Summary() != tc.want {
				t.Fatalf("diagnostics %v, want %q", diags, tc.want)
			}
			if got := identityValue(t, ctx, out); got != nil {
				t.Fatalf("a refused read wrote identity %v", got)
			}
		})
	}
}

// Import by identity runs the resource's own import on the ID the parts
// make; an ID given is used as it is.
func TestIdentityImportID(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		req     resource.ImportStateRequest
		want    string
		wantErr string
	}{
		{"import ID", resource.ImportStateRequest{ID: "havip-a:i-b"}, "havip-a:i-b", ""},
		{"identity", resource.ImportStateRequest{Identity: attachmentIdent(ctx, "havip-a", "i-b")}, "havip-a:i-b", ""},
		{"empty part", resource.ImportStateRequest{Identity: attachmentIdent(ctx, "havip-a", " ")}, "", "identity.instance_id must be set"},
		{"part with a colon", resource.ImportStateRequest{Identity: attachmentIdent(ctx, "havip-a:i-c", "i-b")}, "", "identity.havip_id must be set"},
		{"neither", resource.ImportStateRequest{Identity: attachmentIdent(ctx)}, "", "neither an ID nor an identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			got := attachmentIdentity.importID(ctx, tc.req, &diags)
			if tc.wantErr == "" {
				if diags.HasError() || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, diags, tc.want)
				}
				return
			}
			if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.wantErr) {
				t.Fatalf("diagnostics %v, want one saying %q", diags, tc.wantErr)
			}
		})
	}
}
