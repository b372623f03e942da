// Command floor is the benchmark's no-op provider: it serves the same
// resource types and attributes as terraform-provider-havip with the same
// framework, but its resources only store their inputs. Timing Terraform
// against it gives the floor: CLI and plugin start-up with zero API work.
// It is bench code, never part of the product.
package main

import (
	"context"
	"fmt"
	"log"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/havip-oss/havip"})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "havip"
}

// The provider block takes the real provider's attributes so the same
// configuration files work against both.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	opt := func() pschema.StringAttribute { return pschema.StringAttribute{Optional: true} }
	resp.Schema = pschema.Schema{
		Attributes: map[string]pschema.Attribute{
			"region": opt(), "access_key": opt(), "secret_key": opt(), "protocol": opt(),
			"max_retries": pschema.Int64Attribute{Optional: true},
		},
		Blocks: map[string]pschema.Block{
			"endpoints": pschema.SingleNestedBlock{Attributes: map[string]pschema.Attribute{"vpc": opt(), "ecs": opt()}},
			"quotas": pschema.SingleNestedBlock{Attributes: map[string]pschema.Attribute{
				"havips_per_account": pschema.Int64Attribute{Optional: true}, "havips_per_vpc": pschema.Int64Attribute{Optional: true}}},
		},
	}
}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &floorHaVip{} },
		func() resource.Resource { return &floorAttachment{} },
		func() resource.Resource { return &floorEIPAssociation{} },
	}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type floorHaVip struct{}

type floorModel struct {
	ID        types.String `tfsdk:"id"`
	VSwitchID types.String `tfsdk:"vswitch_id"`
	IPAddress types.String `tfsdk:"ip_address"`
	Name      types.String `tfsdk:"name"`
	Status    types.String `tfsdk:"status"`
}

func (r *floorHaVip) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName
}

func (r *floorHaVip) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":         schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"vswitch_id": schema.StringAttribute{Required: true},
		"ip_address": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep},
		"name":       schema.StringAttribute{Optional: true},
		"status":     schema.StringAttribute{Computed: true, PlanModifiers: keep},
	}}
}

var seq atomic.Int64

func (r *floorHaVip) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m floorModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(fmt.Sprintf("havip-floor%d", seq.Add(1)))
	if m.IPAddress.IsUnknown() {
		m.IPAddress = types.StringValue("192.0.2.1")
	}
	m.Status = types.StringValue("Available")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *floorHaVip) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *floorHaVip) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan[floorModel](ctx, req, resp)
}

func (r *floorHaVip) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// floorAttachment is havip_attachment with the same attributes, storing
// its inputs only.
type floorAttachment struct{}

type floorAttachmentModel struct {
	ID           types.String `tfsdk:"id"`
	HaVipID      types.String `tfsdk:"havip_id"`
	InstanceID   types.String `tfsdk:"instance_id"`
	InstanceType types.String `tfsdk:"instance_type"`
	Force        types.Bool   `tfsdk:"force"`
	IsMaster     types.Bool   `tfsdk:"is_master"`
	Status       types.String `tfsdk:"status"`
}

func (r *floorAttachment) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_attachment"
}

func (r *floorAttachment) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":            schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"havip_id":      schema.StringAttribute{Required: true, PlanModifiers: replace},
		"instance_id":   schema.StringAttribute{Required: true, PlanModifiers: replace},
		"instance_type": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep},
		"force":         schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		"is_master":     schema.BoolAttribute{Computed: true},
		"status":        schema.StringAttribute{Computed: true},
	}}
}

func (r *floorAttachment) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m floorAttachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(m.HaVipID.ValueString() + ":" + m.InstanceID.ValueString())
	if m.InstanceType.IsUnknown() {
		m.InstanceType = types.StringValue("NetworkInterface")
	}
	m.IsMaster = types.BoolValue(false)
	m.Status = types.StringValue("Associated")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *floorAttachment) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *floorAttachment) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan[floorAttachmentModel](ctx, req, resp)
}

func (r *floorAttachment) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// floorEIPAssociation is havip_eip_association with the same attributes.
type floorEIPAssociation struct{}

type floorEIPModel struct {
	ID           types.String `tfsdk:"id"`
	HaVipID      types.String `tfsdk:"havip_id"`
	AllocationID types.String `tfsdk:"allocation_id"`
	Force        types.Bool   `tfsdk:"force"`
	EIPAddress   types.String `tfsdk:"eip_address"`
}

func (r *floorEIPAssociation) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_eip_association"
}

func (r *floorEIPAssociation) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":            schema.StringAttribute{Computed: true, PlanModifiers: keep},
		"havip_id":      schema.StringAttribute{Required: true, PlanModifiers: replace},
		"allocation_id": schema.StringAttribute{Required: true, PlanModifiers: replace},
		"force":         schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		"eip_address":   schema.StringAttribute{Computed: true, PlanModifiers: keep},
	}}
}

func (r *floorEIPAssociation) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m floorEIPModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(m.HaVipID.ValueString() + ":" + m.AllocationID.ValueString())
	m.EIPAddress = types.StringValue("203.0.113.1")
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *floorEIPAssociation) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *floorEIPAssociation) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan[floorEIPModel](ctx, req, resp)
}

func (r *floorEIPAssociation) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// storePlan is every floor resource's Update: the plan, read through the
// resource's model as the real provider reads it, becomes the state.
func storePlan[M any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
