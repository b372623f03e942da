package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+): each resource names the API objects
// it manages by a few attributes of its state, which Terraform keeps beside
// the state and which an import block can give instead of an import ID
// string. Every identity here is the resource's import ID taken apart: the
// same parts, in the same order, joined by ":" when the ID is a string. So
// import by identity builds that string and runs the resource's own import,
// which validates it; one parser, whichever way the user imports.

// identityPart is one attribute of an identity: its name in the identity,
// which is also the state attribute holding it.
type identityPart struct {
	name        string
	description string
}

// identity is the identity of one resource type.
type identity []identityPart

var (
	havipIdentity = identity{
		{"id", "HaVip ID (`havip-…`)."},
	}
	membersIdentity = identity{
		{"havip_id", "HaVip ID (`havip-…`): the resource manages the whole membership of that HaVip."},
	}
	attachmentIdentity = identity{
		{"havip_id", "HaVip ID (`havip-…`)."},
		{"instance_id", "Member: ECS instance (`i-…`) or ENI (`eni-…`) ID."},
	}
	eipAssociationIdentity = identity{
		{"havip_id", "HaVip ID (`havip-…`)."},
		{"allocation_id", "EIP allocation ID (`eip-…`)."},
	}
	routeEntryIdentity = identity{
		{"route_table_id", "Route table ID (`vtb-…`)."},
		{"route_entry_id", "Route entry ID (`rte-…`), as DescribeRouteEntryList names it."},
	}
)

// schema is the identity schema: every part required to import.
func (id identity) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(id))
	for _, p := range id {
		attrs[p.name] = identityschema.StringAttribute{RequiredForImport: true, Description: p.description}
	}
	return identityschema.Schema{Attributes: attrs}
}

// fromState reads the identity's parts from a resource's state; ok is
// false while any of them is null or unknown.
func (id identity) fromState(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) (parts []string, ok bool) {
	ok = true
	for _, p := range id {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(p.name), &v)...)
		if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
			ok = false
		}
		parts = append(parts, v.ValueString())
	}
	return parts, ok && !diags.HasError()
}

// read returns the parts of an identity object; ok is false when it is
// absent or null (a state written before the provider had identities).
func (id identity) read(ctx context.Context, ident *tfsdk.ResourceIdentity, diags *diag.Diagnostics) (parts []string, ok bool) {
	if ident == nil || ident.Raw.IsNull() || ident.Raw.IsFullyNull() {
		return nil, false
	}
	ok = true
	for _, p := range id {
		var v types.String
		diags.Append(ident.GetAttribute(ctx, path.Root(p.name), &v)...)
		if v.IsNull() || v.IsUnknown() {
			ok = false
		}
		parts = append(parts, v.ValueString())
	}
	return parts, ok && !diags.HasError()
}

// keep writes the identity of what the state now holds. It is deferred at
// the top of Create, Read (through keepRead) and Update, so it sees the state each of their
// returns leaves, a tainted create's among them; a removed resource has no
// identity to keep. On read, prior is the identity Terraform stored: the
// object read must be the one it names, or the read is refused with both
// identities (Terraform would refuse a changed identity too, but only as a
// provider bug, without saying which object is which).
func (id identity) keep(ctx context.Context, state *tfsdk.State, prior, out *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if out == nil || state.Raw.IsNull() {
		return
	}
	parts, ok := id.fromState(ctx, *state, diags)
	if !ok {
		return
	}
	if old, known := id.read(ctx, prior, diags); known {
		for i, p := range id {
			if old[i] != parts[i] {
				diags.AddAttributeError(path.Root(p.name), "The object read is not the one this resource manages",
					fmt.Sprintf("The resource identity stored by Terraform has %s = %q, but the object read now has %q. "+
						"Nothing was changed. Remove the resource from the state (terraform state rm) and import the object it should manage.",
						p.name, old[i], parts[i]))
				return
			}
		}
	}
	for i, p := range id {
		diags.Append(out.SetAttribute(ctx, path.Root(p.name), parts[i])...)
	}
}

// keepRead is keep for Read. A resource whose object is gone is removed
// from the state, yet the framework still wants an identity for it (it
// refuses a read that returns none, even then): the identity of the object
// that is gone, from the state Terraform had.
func (id identity) keepRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !resp.State.Raw.IsNull() {
		id.keep(ctx, &resp.State, req.Identity, resp.Identity, &resp.Diagnostics)
		return
	}
	if _, known := id.read(ctx, resp.Identity, &resp.Diagnostics); known || resp.Identity == nil {
		return
	}
	if parts, ok := id.fromState(ctx, req.State, &resp.Diagnostics); ok {
		for i, p := range id {
			resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(p.name), parts[i])...)
		}
	}
}

// importID is the import ID of an import: the one given, or, for an import
// by identity, the identity's parts joined as the import ID would join
// them. An identity with a part left empty is refused on that part.
func (id identity) importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" {
		return req.ID
	}
	parts, _ := id.read(ctx, req.Identity, diags)
	if diags.HasError() {
		return ""
	}
	if len(parts) != len(id) {
		diags.AddError("Nothing to import", "The import gave neither an ID nor an identity.")
		return ""
	}
	for i, p := range id {
		if strings.TrimSpace(parts[i]) == "" || strings.Contains(parts[i], ":") {
			diags.AddAttributeError(path.Root(p.name), "Invalid import identity",
				fmt.Sprintf("identity.%s must be set, without \":\": %s Got %q.", p.name, p.description, parts[i]))
			return ""
		}
	}
	return strings.Join(parts, ":")
}

// The identity schemas of the resources.

var (
	_ resource.ResourceWithIdentity = &havipResource{}
	_ resource.ResourceWithIdentity = &membersResource{}
	_ resource.ResourceWithIdentity = &attachmentResource{}
	_ resource.ResourceWithIdentity = &eipAssociationResource{}
	_ resource.ResourceWithIdentity = &routeEntryResource{}
)

func (r *havipResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = havipIdentity.schema()
}

func (r *membersResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = membersIdentity.schema()
}

func (r *attachmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = attachmentIdentity.schema()
}

func (r *eipAssociationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = eipAssociationIdentity.schema()
}

func (r *routeEntryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = routeEntryIdentity.schema()
}
