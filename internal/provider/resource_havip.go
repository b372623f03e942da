package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

var (
	_ resource.ResourceWithConfigure   = &havipResource{}
	_ resource.ResourceWithImportState = &havipResource{}
	_ resource.ResourceWithModifyPlan  = &havipResource{}
)

const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

type havipResource struct{ data *providerData }

// NewHaVipResource is the factory of resource "havip".
func NewHaVipResource() resource.Resource { return &havipResource{} }

func (r *havipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName
}

func (r *havipResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "A high-availability virtual IP (HaVip): a private IPv4 address of a vSwitch that moves between the " +
			"ECS instances or ENIs associated with it, to whichever announces it by ARP (keepalived's MASTER).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "HaVip ID (`havip-…`).", PlanModifiers: keep},
			"vswitch_id": schema.StringAttribute{
				Required:      true,
				Description:   "vSwitch the HaVip belongs to. Its members must be in the same vSwitch. Changing it replaces the HaVip.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"vsw-"}, what: "a vSwitch"}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"ip_address": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "Private IPv4 address inside the vSwitch CIDR, not reserved and not in use. Assigned by Alibaba Cloud when omitted. Changing it replaces the HaVip.",
				Validators:    []validator.String{ipv4Validator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "Name, 1 to 128 characters, not starting with `http://` or `https://`. Removing it from the configuration leaves the name as it is.",
				Validators:    []validator.String{apiTextValidator{min: rulebook.NameMin, max: rulebook.NameMax, field: "Name"}},
				PlanModifiers: keep,
			},
			"description": schema.StringAttribute{
				Optional: true, Computed: true,
				Description:   "Description, 1 to 255 characters, not starting with `http://` or `https://`. Removing it from the configuration leaves the description as it is.",
				Validators:    []validator.String{apiTextValidator{min: rulebook.DescriptionMin, max: rulebook.DescriptionMax, field: "Description"}},
				PlanModifiers: keep,
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				Description: "Tags, set with CreateHaVip and changed in place afterwards. At most 20.",
				Validators:  []validator.Map{tagsValidator{}},
			},
			"resource_group_id": schema.StringAttribute{
				Optional: true, Computed: true,
				Description: "Resource group. The account's default group when omitted. Changing it moves the HaVip in place " +
					"(MoveResourceGroup): its ID, address, members and EIP stay. Removing it from the configuration leaves the HaVip where it is.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"vpc_id":      schema.StringAttribute{Computed: true, Description: "VPC of the vSwitch.", PlanModifiers: keep},
			"create_time": schema.StringAttribute{Computed: true, Description: "Creation time (ISO 8601).", PlanModifiers: keep},
			"status": schema.StringAttribute{Computed: true,
				Description: "`Available` without members, `InUse` with members (transitional states are waited out)."},
			"master_instance_id": schema.StringAttribute{Computed: true,
				Description: "Member that currently holds the address: the one whose keepalived is MASTER. Follows failovers on refresh."},
			"associated_instance_type": schema.StringAttribute{Computed: true,
				Description: "`EcsInstance` or `NetworkInterface` while the HaVip has members, empty otherwise."},
			"associated_instance_ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				Description: "Members: ECS instance or ENI IDs."},
			"associated_eip_addresses": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				Description: "Public addresses of the EIPs bound to the HaVip (at most one)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *havipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan runs the plan-time checks of a new HaVip. Terraform plans
// again at apply time with every value known, so values unknown now are
// checked then, still before CreateHaVip.
func (r *havipResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		defer adjustForCommand(&resp.Diagnostics)
	}
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		// A HaVip leaving the configuration is planned from its state too:
		// it is not a tainted one, and Terraform does not delete it before
		// unrelated creates, so it still counts against them.
		var id types.String
		if resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...); !id.IsNull() {
			r.data.planned.plannedWithState(id.ValueString())
		}
		return
	}
	if r.data.client == nil {
		if req.State.Raw.IsNull() {
			r.data.skippedChecks(&resp.Diagnostics, "that the vSwitch exists, that ip_address is a free, unreserved address inside its CIDR, and the HaVip quotas")
		}
		return
	}
	var plan havipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var cfgIP types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ip_address"), &cfgIP)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		// The framework hands resource-level ModifyPlan an empty
		// RequiresReplace, so a replacement is told by the attributes that
		// force one. Terraform then plans the create half again from a null
		// prior state, which no longer names the HaVip it replaces: record
		// it, so the checks do not count it against the quota or its IP.
		var state havipModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.data.planned.plannedWithState(state.ID.ValueString())
		changed := func(cfg, old types.String) bool { return !cfg.IsNull() && !cfg.IsUnknown() && !cfg.Equal(old) }
		if !plan.VSwitchID.Equal(state.VSwitchID) || changed(cfgIP, state.IPAddress) {
			r.data.planned.replaceHaVip(state.ID.ValueString())
		}
		return
	}
	if plan.VSwitchID.IsUnknown() || cfgIP.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(r.checkNew(ctx, plan.VSwitchID.ValueString(), cfgIP.ValueString())...)
}

// checkNew applies the rules CreateHaVip would: the vSwitch exists, a
// fixed IP lies inside its CIDR, is not reserved and not taken by another
// HaVip, and neither the account nor the VPC is at its HaVip quota.
func (r *havipResource) checkNew(ctx context.Context, vswitchID, ip string) (diags diag.Diagnostics) {
	client := r.data.client
	vsw, err := r.data.vswitch(ctx, vswitchID)
	if alicloud.IsNotFound(err) {
		diags.AddAttributeError(path.Root("vswitch_id"), "vSwitch not found",
			fmt.Sprintf("vSwitch %s does not exist in region %s.", vswitchID, client.Region()))
		return diags
	}
	if err != nil {
		diags.AddError("Cannot check the vSwitch of the HaVip", apiErrorDetail(err))
		return diags
	}
	var addr netip.Addr
	if ip != "" {
		a, perr := rulebook.ParseIPv4(ip)
		prefix, cerr := rulebook.ParseVSwitchCIDR(vsw.CIDR)
		if perr == nil && cerr == nil {
			addr = a
			if v := rulebook.CheckHaVipAddress(vswitchID, prefix, addr); v != nil {
				addViolation(&diags, path.Root("ip_address"), v, "Pick a usable address of the vSwitch, or omit ip_address to have one assigned.")
			} else if owner, err := client.AddressOwner(ctx, vswitchID, ip); err != nil {
				diags.AddError("Cannot check whether "+ip+" is free", apiErrorDetail(err))
				return diags
			} else if v := rulebook.CheckAddressFree(addr, vswitchID, owner); v != nil {
				addViolation(&diags, path.Root("ip_address"), v, "Pick a free address, or omit ip_address to have one assigned.")
			}
		}
	}
	all, err := r.data.allHaVips(ctx)
	if err != nil {
		diags.AddError("Cannot count the HaVips of the account", apiErrorDetail(err))
		return diags
	}
	inAccount, inVPC := 0, 0
	for _, h := range all {
		if r.data.planned.haVipReplaced(h.ID) {
			continue // destroyed before its replacement is created
		}
		if r.data.planned.taintedHaVip(h.ID) {
			continue // likewise: a tainted HaVip of this configuration
		}
		inAccount++
		if h.VpcID == vsw.VpcID {
			inVPC++
		}
		if addr.IsValid() && h.IPAddress == ip && h.VSwitchID == vswitchID {
			addViolation(&diags, path.Root("ip_address"), rulebook.CheckAddressFree(addr, vswitchID, h.ID),
				fmt.Sprintf("If that HaVip is the one this resource describes, adopt it instead of creating another: "+
					"terraform import <this resource's address> %s (or an import block). Otherwise pick a free address, "+
					"or omit ip_address to have one assigned.", h.ID))
		}
	}
	res := r.data.planned.reserve()
	defer res.settle(&diags)
	if addr.IsValid() && !diags.HasError() && res.havipAddress(vswitchID, ip) {
		diags.AddAttributeError(path.Root("ip_address"), "IP address planned twice",
			fmt.Sprintf("Another havip of this configuration is planned with ip_address %s in vSwitch %s; a vSwitch address takes one HaVip "+
				"(CreateHaVip would refuse the second with %s).", ip, vswitchID, rulebook.CodeIPAlreadyUsed))
	}
	plannedAccount, plannedVPC := r.data.planned.plannedHaVips(vsw.VpcID)
	if v := r.data.limits.CheckHaVipQuota(inAccount+plannedAccount, inVPC+plannedVPC, vsw.VpcID); v != nil {
		addViolation(&diags, path.Root("vswitch_id"), v, fmt.Sprintf("(Region %s; %d of them planned in this plan, %d in this VPC.) Raise the quota in Quota Center and set "+
			"quotas.havips_per_account or quotas.havips_per_vpc in the provider, or remove a HaVip.", client.Region(), plannedAccount, plannedVPC))
	}
	res.havip(vsw.VpcID)
	return diags
}

func (r *havipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer havipIdentity.keep(ctx, &resp.State, nil, resp.Identity, &resp.Diagnostics)
	var plan havipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()

	in := alicloud.CreateHaVipInput{
		VSwitchID:       plan.VSwitchID.ValueString(),
		IPAddress:       plan.IPAddress.ValueString(),
		Name:            plan.Name.ValueString(),
		Description:     plan.Description.ValueString(),
		ResourceGroupID: plan.ResourceGroupID.ValueString(),
	}
	if !plan.Tags.IsNull() && !plan.Tags.IsUnknown() {
		resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &in.Tags, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan check counted this HaVip as planned in its VPC (the vSwitch
	// lookup is cached); it counts as existing once the service names it.
	var vpcID string
	if vsw, err := r.data.vswitch(ctx, in.VSwitchID); err == nil {
		vpcID = vsw.VpcID
	}
	released := false
	release := func() {
		if !released && vpcID != "" {
			released = true
			r.data.planned.releaseHaVip(vpcID)
		}
	}
	in.Created = func(string) { release() }
	h, err := client.CreateHaVip(ctx, in)
	release()
	if err != nil {
		if h != nil && h.ID != "" {
			// Created but not settled: keep it in state (tainted) so it is
			// never orphaned.
			plan.ID = types.StringValue(h.ID)
			r.fill(ctx, &plan, h, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			status := h.Status
			if status == "" {
				status = "not yet listed"
			}
			resp.Diagnostics.AddError("Error creating HaVip",
				fmt.Sprintf("HaVip %s was created (last seen: %s) and is kept in the state as tainted: the next apply replaces it.\n\n%s",
					h.ID, status, apiErrorDetail(err)))
			return
		}
		addCreateError(&resp.Diagnostics, err)
		return
	}
	tflog.Info(ctx, "created HaVip", map[string]any{"havip_id": h.ID, "ip_address": h.IPAddress})
	r.fill(ctx, &plan, h, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// addCreateError points API refusals at the attribute they are about.
func addCreateError(diags *diag.Diagnostics, err error) {
	code := alicloud.CodeOf(err)
	switch {
	case strings.HasPrefix(code, "InvalidIPAddress."):
		diags.AddAttributeError(path.Root("ip_address"), "Alibaba Cloud refused the IP address", apiErrorDetail(err))
	case code == rulebook.CodeVSwitchNotFound || code == rulebook.CodeVSwitchIDNotFound || strings.HasPrefix(code, "QuotaExceeded"):
		diags.AddAttributeError(path.Root("vswitch_id"), "Alibaba Cloud refused the HaVip", apiErrorDetail(err))
	case strings.HasSuffix(code, rulebook.CodeNameMalformed):
		diags.AddAttributeError(path.Root("name"), "Alibaba Cloud refused the name", apiErrorDetail(err))
	case code == rulebook.CodeDescriptionMalformed:
		diags.AddAttributeError(path.Root("description"), "Alibaba Cloud refused the description", apiErrorDetail(err))
	default:
		diags.AddError("Error creating HaVip", apiErrorDetail(err))
	}
}

// fill copies what the API says into the model; configured values the
// API echoes are taken from it so drift shows.
func (r *havipResource) fill(ctx context.Context, m *havipModel, h *alicloud.HaVip, diags *diag.Diagnostics) {
	m.ID = types.StringValue(h.ID)
	m.VSwitchID = types.StringValue(h.VSwitchID)
	m.IPAddress = types.StringValue(h.IPAddress)
	m.Name = types.StringValue(h.Name)
	m.Description = types.StringValue(h.Description)
	m.ResourceGroupID = types.StringValue(h.ResourceGroupID)
	m.VpcID = types.StringValue(h.VpcID)
	m.Status = types.StringValue(h.Status)
	m.MasterInstanceID = types.StringValue(h.MasterInstanceID)
	m.AssociatedInstanceType = types.StringValue(h.AssociatedInstanceType)
	m.AssociatedInstanceIDs = stringList(ctx, h.AssociatedInstances, diags)
	m.AssociatedEIPAddresses = stringList(ctx, h.AssociatedEIPAddresses, diags)
	m.CreateTime = types.StringValue(h.CreateTime)
	// No tags and none configured stays null, so an untagged HaVip never
	// shows a diff between null and {}.
	if len(h.Tags) == 0 && (m.Tags.IsNull() || m.Tags.IsUnknown()) {
		m.Tags = types.MapNull(types.StringType)
	} else {
		t, d := types.MapValueFrom(ctx, types.StringType, h.Tags)
		diags.Append(d...)
		m.Tags = t
	}
}

func (r *havipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer havipIdentity.keepRead(ctx, req, resp)
	var state havipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	h, err := client.ReadHaVip(ctx, state.ID.ValueString())
	if alicloud.IsNotFound(err) || (err == nil && h.Deleting()) {
		// A HaVip the service is deleting cannot be kept or changed; it
		// is gone for the plan, which creates it again if configured.
		tflog.Warn(ctx, "HaVip is gone or being deleted; removing it from state", map[string]any{"havip_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+state.ID.ValueString(), apiErrorDetail(err))
		return
	}
	r.fill(ctx, &state, h, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	r.data.planned.refreshedHaVip(h.ID)
}

func (r *havipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer havipIdentity.keep(ctx, &resp.State, req.Identity, resp.Identity, &resp.Diagnostics)
	var plan, state havipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()

	var name, desc *string
	if !plan.Name.IsUnknown() && !plan.Name.Equal(state.Name) {
		v := plan.Name.ValueString()
		name = &v
	}
	if !plan.Description.IsUnknown() && !plan.Description.Equal(state.Description) {
		v := plan.Description.ValueString()
		desc = &v
	}
	if name != nil || desc != nil {
		if err := client.ModifyHaVip(ctx, id, name, desc); err != nil {
			addCreateError(&resp.Diagnostics, err)
			return
		}
	}
	if rg := plan.ResourceGroupID; !rg.IsUnknown() && !rg.IsNull() && !rg.Equal(state.ResourceGroupID) {
		if err := client.MoveHaVipResourceGroup(ctx, id, rg.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("resource_group_id"), "Error moving HaVip "+id+" to resource group "+rg.ValueString(), apiErrorDetail(err))
			return
		}
		tflog.Info(ctx, "moved HaVip to another resource group", map[string]any{"havip_id": id, "resource_group_id": rg.ValueString()})
	}
	if !plan.Tags.Equal(state.Tags) {
		var want, have map[string]string
		if !plan.Tags.IsNull() {
			resp.Diagnostics.Append(plan.Tags.ElementsAs(ctx, &want, false)...)
		}
		if !state.Tags.IsNull() {
			resp.Diagnostics.Append(state.Tags.ElementsAs(ctx, &have, false)...)
		}
		set, remove := map[string]string{}, []string{}
		for k, v := range want {
			if old, ok := have[k]; !ok || old != v {
				set[k] = v
			}
		}
		for k := range have {
			if _, ok := want[k]; !ok {
				remove = append(remove, k)
			}
		}
		if err := client.SetHaVipTags(ctx, id, set, remove); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("tags"), "Error updating the tags of HaVip "+id, apiErrorDetail(err))
			return
		}
	}
	h, err := client.ReadHaVip(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+id+" after the update", apiErrorDetail(err))
		return
	}
	r.fill(ctx, &plan, h, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *havipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state havipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if err := client.DeleteHaVip(ctx, state.ID.ValueString()); err != nil {
		detail := apiErrorDetail(err)
		if alicloud.CodeOf(err) == rulebook.CodeDeleteWithRouteEntry {
			resp.Diagnostics.AddError("HaVip "+state.ID.ValueString()+" is still the next hop of a route",
				r.data.routedDetail(ctx, state.ID.ValueString(), state.VpcID.ValueString())+"\n\n"+detail)
			return
		}
		switch alicloud.CodeOf(err) {
		case rulebook.CodeIncorrectStatus:
			detail += "\n\nThe HaVip still has members. Remove its havip_attachment resources (or detach the instances) first."
		case rulebook.CodeDeleteWithEIP:
			detail += "\n\nAn EIP is still bound to the HaVip. Remove its havip_eip_association first."
		}
		resp.Diagnostics.AddError("Error deleting HaVip "+state.ID.ValueString(), detail)
	}
}

func (r *havipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID = havipIdentity.importID(ctx, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if !strings.HasPrefix(req.ID, "havip-") || len(req.ID) <= len("havip-") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected a HaVip ID such as havip-bp1234567890abcdefg, got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
