package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// List resources (Terraform 1.14+, `terraform query`): they find existing
// HaVips, memberships and EIP bindings by the filters of havip_havips, and
// return each with its identity and, when asked, the resource object that
// `terraform query -generate-config-out` writes configuration from. They only
// read: a query never changes anything.

var _ provider.ProviderWithListResources = &havipProvider{}

func (p *havipProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewHaVipList, NewMembersList, NewEIPAssociationList}
}

// havipListBase is what every list resource here shares: the provider's
// data, the filters in its config block, and the listing.
type havipListBase struct{ data *providerData }

func (b *havipListBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// filterSchema is the config block of a list resource: havip_havips's
// filters. what says what a HaVip's match yields.
func filterSchema(what string) listschema.Schema {
	filter := func(desc string) listschema.ListAttribute {
		return listschema.ListAttribute{Optional: true, ElementType: types.StringType,
			Description: desc + " Sent to the API as a filter: a HaVip matches any of the values.",
			Validators:  []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()}}
	}
	return listschema.Schema{
		Description: "Finds " + what + " among the HaVips of the provider's region that match every given filter, as the " +
			"`havip_havips` data source does: the filters run in the API (DescribeHaVips, every page of 50 read), only " +
			"`name_regex` in the provider. With no filter it finds every HaVip. Terraform returns at most the list block's " +
			"`limit` results (100 unless set).",
		Attributes: map[string]listschema.Attribute{
			"ids":          filter("HaVip IDs."),
			"vpc_ids":      filter("VPC IDs."),
			"vswitch_ids":  filter("vSwitch IDs."),
			"statuses":     filter("Statuses, such as `Available` or `InUse`."),
			"ip_addresses": filter("Private IPv4 addresses."),
			"tags": listschema.MapAttribute{Optional: true, ElementType: types.StringType,
				Description: "Tags every HaVip found carries; an empty value matches any value of the key. At most 20.",
				Validators:  []validator.Map{tagsValidator{}}},
			"resource_group_id": listschema.StringAttribute{Optional: true, Description: "Resource group of the HaVips."},
			"name_regex": listschema.StringAttribute{Optional: true,
				Description: "Regular expression (Go RE2 syntax) the HaVip name must match; applied by the provider after the API's filters.",
				Validators:  []validator.String{regexValidator{}}},
		},
	}
}

// stream lists the HaVips the request's filters match and hands each to
// results, which pushes what it finds; the listing stops at the request's
// limit or when Terraform stops reading.
func (b *havipListBase) stream(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream,
	results func(ctx context.Context, h *alicloud.HaVip, push func(list.ListResult) bool) bool) {
	var diags diag.Diagnostics
	client := b.data.api(&diags)
	var filters havipFilterModel
	if !diags.HasError() {
		diags.Append(req.Config.Get(ctx, &filters)...)
	}
	var found []alicloud.HaVip
	if !diags.HasError() {
		found = filters.havips(ctx, client, &diags)
	}
	if diags.HasError() {
		resp.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	resp.Results = func(push func(list.ListResult) bool) {
		var pushed int64
		limited := func(r list.ListResult) bool {
			if req.Limit > 0 && pushed >= req.Limit {
				return false
			}
			pushed++
			return push(r)
		}
		for i := range found {
			if !results(ctx, &found[i], limited) {
				return
			}
		}
	}
}

// newResult starts a result: its identity, and the resource object's
// attributes when Terraform asks for it (to write configuration). Only the
// attributes given are set: the rest stay null, as after an import by ID,
// and the resource's own read fills them once imported.
func newResult(ctx context.Context, req list.ListRequest, id identity, parts []string, display string, attrs map[string]any) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = display
	for i, p := range id {
		r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root(p.name), parts[i])...)
	}
	if req.IncludeResource {
		setAttributes(ctx, r.Resource, attrs, &r.Diagnostics)
	}
	return r
}

func setAttributes(ctx context.Context, res *tfsdk.Resource, attrs map[string]any, diags *diag.Diagnostics) {
	for name, v := range attrs {
		diags.Append(res.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// optionalText is an optional string attribute as configuration would
// hold it: absent when the API has nothing (an empty name is no name, and
// the schema refuses "").
func optionalText(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
