package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

var _ datasource.DataSourceWithConfigure = &havipsDataSource{}

type havipsDataSource struct{ data *providerData }

// NewHaVipsDataSource is the factory of data source "havip_havips".
func NewHaVipsDataSource() datasource.DataSource { return &havipsDataSource{} }

// havipItemType is one listed HaVip: the attributes of the havip resource
// (without its timeouts).
var havipItemType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"id": types.StringType, "vswitch_id": types.StringType, "ip_address": types.StringType, "name": types.StringType,
	"description": types.StringType, "tags": types.MapType{ElemType: types.StringType}, "resource_group_id": types.StringType,
	"vpc_id": types.StringType, "status": types.StringType, "master_instance_id": types.StringType,
	"associated_instance_type": types.StringType, "associated_instance_ids": types.ListType{ElemType: types.StringType},
	"associated_eip_addresses": types.ListType{ElemType: types.StringType}, "create_time": types.StringType,
}}

func (d *havipsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_havips"
}

func (d *havipsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(what string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType,
			Description: what + " Sent to the API as a filter: a HaVip matches any of the values.",
			Validators:  []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues()}}
	}
	item := map[string]schema.Attribute{
		"id":                       schema.StringAttribute{Computed: true, Description: "HaVip ID."},
		"vswitch_id":               schema.StringAttribute{Computed: true, Description: "vSwitch of the HaVip."},
		"ip_address":               schema.StringAttribute{Computed: true, Description: "Private IPv4 address."},
		"name":                     schema.StringAttribute{Computed: true, Description: "Name."},
		"description":              schema.StringAttribute{Computed: true, Description: "Description."},
		"tags":                     schema.MapAttribute{Computed: true, ElementType: types.StringType, Description: "Tags."},
		"resource_group_id":        schema.StringAttribute{Computed: true, Description: "Resource group."},
		"vpc_id":                   schema.StringAttribute{Computed: true, Description: "VPC of the vSwitch."},
		"status":                   schema.StringAttribute{Computed: true, Description: "`Available`, `InUse`, or a transitional status."},
		"master_instance_id":       schema.StringAttribute{Computed: true, Description: "Member that currently holds the address."},
		"associated_instance_type": schema.StringAttribute{Computed: true, Description: "`EcsInstance` or `NetworkInterface`, empty without members."},
		"associated_instance_ids":  schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "Members."},
		"associated_eip_addresses": schema.ListAttribute{Computed: true, ElementType: types.StringType, Description: "Public addresses of the bound EIPs."},
		"create_time":              schema.StringAttribute{Computed: true, Description: "Creation time (ISO 8601)."},
	}
	resp.Schema = schema.Schema{
		Description: "Lists the HaVips of the provider's region that match every given filter. The filters run in the API " +
			"(DescribeHaVips, every page of 50 read), so a large account costs a few calls, not one per HaVip; only `name_regex` " +
			"is applied by the provider. With no filter it lists every HaVip.",
		Attributes: map[string]schema.Attribute{
			"ids":          filter("HaVip IDs."),
			"vpc_ids":      filter("VPC IDs."),
			"vswitch_ids":  filter("vSwitch IDs."),
			"statuses":     filter("Statuses, such as `Available` or `InUse`."),
			"ip_addresses": filter("Private IPv4 addresses."),
			"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				Description: "Tags every listed HaVip carries; an empty value matches any value of the key. At most 20.",
				Validators:  []validator.Map{tagsValidator{}}},
			"resource_group_id": schema.StringAttribute{Optional: true, Description: "Resource group of the HaVips."},
			"name_regex": schema.StringAttribute{Optional: true,
				Description: "Regular expression (Go RE2 syntax) the HaVip name must match; applied by the provider after the API's filters.",
				Validators:  []validator.String{regexValidator{}}},
			"havips": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: item},
				Description: "The matching HaVips in creation order, each with the attributes of the `havip` resource."},
		},
	}
}

func (d *havipsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *havipsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m havipsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	client := d.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	filters := havipFilterModel{IDs: m.IDs, VpcIDs: m.VpcIDs, VSwitchIDs: m.VSwitchIDs, Statuses: m.Statuses,
		IPAddresses: m.IPAddresses, Tags: m.Tags, ResourceGroupID: m.ResourceGroupID, NameRegex: m.NameRegex}
	found := filters.havips(ctx, client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	items := []attr.Value{}
	for _, h := range found {
		items = append(items, havipItem(ctx, &h, &resp.Diagnostics))
	}
	l, diags := types.ListValue(havipItemType, items)
	resp.Diagnostics.Append(diags...)
	m.HaVips = l
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func havipItem(ctx context.Context, h *alicloud.HaVip, diags *diag.Diagnostics) attr.Value {
	tags, d := types.MapValueFrom(ctx, types.StringType, h.Tags)
	diags.Append(d...)
	obj, d := types.ObjectValue(havipItemType.AttrTypes, map[string]attr.Value{
		"id": types.StringValue(h.ID), "vswitch_id": types.StringValue(h.VSwitchID), "ip_address": types.StringValue(h.IPAddress),
		"name": types.StringValue(h.Name), "description": types.StringValue(h.Description), "tags": tags,
		"resource_group_id": types.StringValue(h.ResourceGroupID), "vpc_id": types.StringValue(h.VpcID),
		"status": types.StringValue(h.Status), "master_instance_id": types.StringValue(h.MasterInstanceID),
		"associated_instance_type": types.StringValue(h.AssociatedInstanceType),
		"associated_instance_ids":  stringList(ctx, h.AssociatedInstances, diags),
		"associated_eip_addresses": stringList(ctx, h.AssociatedEIPAddresses, diags),
		"create_time":              types.StringValue(h.CreateTime),
	})
	diags.Append(d...)
	return obj
}

// regexValidator accepts a Go (RE2) regular expression.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a regular expression in Go (RE2) syntax"
}
func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression", err.Error())
	}
}
