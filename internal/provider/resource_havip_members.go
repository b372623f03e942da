package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

var (
	_ resource.ResourceWithConfigure      = &membersResource{}
	_ resource.ResourceWithImportState    = &membersResource{}
	_ resource.ResourceWithModifyPlan     = &membersResource{}
	_ resource.ResourceWithValidateConfig = &membersResource{}
)

type membersResource struct{ data *providerData }

// NewMembersResource is the factory of resource "havip_members".
func NewMembersResource() resource.Resource { return &membersResource{} }

func (r *membersResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_members"
}

func (r *membersResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The whole membership of one HaVip: its ECS instances or ENIs and, optionally, its EIP. Authoritative: " +
			"members not listed are detached. The set is checked whole at plan time, also when the HaVip is created in the same apply: " +
			"at most 10 members, no duplicates, one member type, every member in the HaVip's vSwitch (given by `vswitch_id` while the HaVip's ID is unknown). " +
			"Destroying it detaches every member, the master last, without a `force` step.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "The HaVip ID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"havip_id": schema.StringAttribute{Required: true, Description: "HaVip whose membership this is. Changing it replaces the resource.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"havip-"}, what: "a HaVip"}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"vswitch_id": schema.StringAttribute{Optional: true, Computed: true,
				Description: "vSwitch of the HaVip; set it to the havip resource's `vswitch_id`. When the HaVip is created in the same apply its ID " +
					"is unknown at plan time but its vSwitch usually is, so this lets the plan check that every member is in it. " +
					"Checked against the HaVip before any change. Read from the HaVip when omitted.",
				Validators: []validator.String{prefixValidator{prefixes: []string{"vsw-"}, what: "a vSwitch"}}},
			"member_ids": schema.ListAttribute{Required: true, ElementType: types.StringType,
				Description: "Every member of the HaVip: ECS instance IDs (`i-…`) or ENI IDs (`eni-…`), never both, at most 10, each once. " +
					"Order does not matter to the service; it is a list so that a member listed twice is refused instead of silently merged."},
			"instance_type": schema.StringAttribute{Computed: true,
				Description: "`EcsInstance` or `NetworkInterface`, from the member IDs; empty without members."},
			"eip_allocation_id": schema.StringAttribute{Optional: true,
				Description: "EIP (`eip-…`) to bind to the HaVip, in the provider's region. A HaVip takes one EIP, so this resource then manages the " +
					"HaVip's EIP and no `havip_eip_association` may bind another. Omitted: the HaVip's EIP is left alone."},
			"eip_address": schema.StringAttribute{Computed: true, Description: "Public address of the EIP."},
			"force": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Allow an update to remove the member that holds the HaVip (keepalived's MASTER) from `member_ids`: " +
					"that drops the service IP until another member takes over. Destroying the resource needs no force."},
			"master_instance_id": schema.StringAttribute{Computed: true,
				Description: "Member that holds the HaVip now (keepalived's MASTER); empty when none does."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *membersResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// ordered lists current members in the order of prior (the
// configuration's, as last applied), then any others sorted: a refresh
// must not reorder the list, or every plan would show a change.
func ordered(prior, current []string) []string {
	out := []string{}
	for _, m := range prior {
		if slices.Contains(current, m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	extra := minus(current, out)
	sort.Strings(extra)
	return append(out, extra...)
}

// setIdentity names a havip_members resource in the plan registry by its
// contents; a replacement planned twice has one identity.
func setIdentity(members []string, eip string) string {
	s := append([]string{}, members...)
	sort.Strings(s)
	return strings.Join(s, ",") + "|" + eip
}

func (r *membersResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer membersIdentity.keep(ctx, &resp.State, nil, resp.Identity, &resp.Diagnostics)
	var plan membersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	havipID := plan.HaVipID.ValueString()
	members, _, _ := knownStrings(plan.MemberIDs)
	eip := plan.EIPAllocationID.ValueString()

	// Everything below refuses before the first mutating call.
	h, err := client.ReadHaVip(ctx, havipID)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("havip_id"), "Cannot read HaVip "+havipID, apiErrorDetail(err))
		return
	}
	if v := plan.VSwitchID.ValueString(); v != "" && v != h.VSwitchID {
		resp.Diagnostics.AddAttributeError(path.Root("vswitch_id"), "vswitch_id is not the HaVip's vSwitch",
			fmt.Sprintf("HaVip %s is in vSwitch %s, not %s. Set vswitch_id to the havip resource's vswitch_id.", havipID, h.VSwitchID, v))
		return
	}
	if extra := minus(h.AssociatedInstances, members); len(extra) > 0 {
		resp.Diagnostics.Append(coManagedMembers(havipID, extra)...)
		return
	}
	if c, ok := r.data.planned.claimHaVip(havipID, ownerMembers, setIdentity(members, eip)); ok {
		resp.Diagnostics.Append(coManaged(havipID, c)...)
		return
	}
	// Like the members it lists that are already associated, the whole
	// set's EIP already bound here is taken over, not bound again.
	var eipHere *alicloud.EIP
	if eip != "" && len(h.AssociatedEIPAddresses) > 0 {
		e, err := client.ReadEIP(ctx, eip)
		if err == nil && e.InstanceID == havipID {
			eipHere = e
		}
		if eipHere == nil {
			if v := r.data.limits.CheckEIPCount(havipID, h.AssociatedEIPAddresses); v != nil {
				addViolation(&resp.Diagnostics, path.Root("eip_allocation_id"), v, "Unbind it first, or import this resource to manage it.")
			}
			return
		}
	}

	done := append([]string{}, h.AssociatedInstances...)
	save := func(eipBound *alicloud.EIP) {
		applied := appliedSet{Members: done}
		addr := ""
		if eipBound != nil {
			applied.EIP, addr = eipBound.ID, eipBound.IPAddress
		}
		saveSet(ctx, &resp.State, resp.Private, plan, h, members, applied, addr, &resp.Diagnostics)
	}
	for _, m := range members {
		if slices.Contains(done, m) {
			continue
		}
		got, err := client.AssociateHaVip(ctx, havipID, m, rulebook.MemberTypeOf(m))
		if err != nil {
			// What is associated stays in state (Terraform marks it
			// tainted), so a destroy or the next apply sees it.
			save(nil)
			addMemberError(&resp.Diagnostics, m, err)
			return
		}
		done = append(done, m)
		h = got
		tflog.Info(ctx, "associated HaVip member", map[string]any{"havip_id": havipID, "instance_id": m})
	}
	bound := eipHere
	if eip != "" && bound == nil {
		bound, err = client.AssociateEIP(ctx, havipID, eip)
		if err != nil {
			save(nil)
			resp.Diagnostics.AddAttributeError(path.Root("eip_allocation_id"), "Error binding EIP "+eip+" to HaVip "+havipID, apiErrorDetail(err))
			return
		}
	}
	if got, err := client.ReadHaVip(ctx, havipID); err == nil {
		h = got
	}
	save(bound)
}

// saveSet records the set as applied so far: the plan's configuration,
// h's computed values, the members associated (in the order of members)
// and the EIP bound (applied.EIP, with its address eipAddress).
func saveSet(ctx context.Context, to *tfsdk.State, private privateSetter, plan membersModel, h *alicloud.HaVip, members []string,
	applied appliedSet, eipAddress string, diags *diag.Diagnostics) {
	out := plan
	out.ID = plan.HaVipID
	out.VSwitchID = types.StringValue(h.VSwitchID)
	out.MemberIDs = stringList(ctx, ordered(members, applied.Members), diags)
	out.InstanceType = types.StringValue(h.AssociatedInstanceType)
	out.MasterInstanceID = types.StringValue(h.MasterInstanceID)
	out.EIPAllocationID, out.EIPAddress = types.StringNull(), types.StringNull()
	if applied.EIP != "" {
		out.EIPAllocationID, out.EIPAddress = types.StringValue(applied.EIP), types.StringValue(eipAddress)
	}
	diags.Append(to.Set(ctx, &out)...)
	writeApplied(ctx, private, applied.Members, applied.EIP, diags)
}

func addMemberError(diags *diag.Diagnostics, member string, err error) {
	diags.AddAttributeError(path.Root("member_ids"), "Error associating "+member+" with the HaVip", apiErrorDetail(err))
}

func (r *membersResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer membersIdentity.keepRead(ctx, req, resp)
	var state membersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	havipID := state.HaVipID.ValueString()
	h, err := client.ReadHaVip(ctx, havipID)
	if alicloud.IsNotFound(err) {
		tflog.Warn(ctx, "HaVip is gone; removing its members from state", map[string]any{"havip_id": havipID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+havipID, apiErrorDetail(err))
		return
	}
	importing := state.MemberIDs.IsNull()
	prior, _, _ := knownStrings(state.MemberIDs)
	if !importing {
		// Terraform plans the replacement of a tainted set as a create
		// from a null prior state, after refreshing it here: remember what
		// it holds, so that create does not take its members for another
		// resource's (they are detached before it runs).
		r.data.planned.holdSet(havipID, prior)
	}
	state.ID = types.StringValue(havipID)
	state.VSwitchID = types.StringValue(h.VSwitchID)
	state.MemberIDs = stringList(ctx, ordered(prior, h.AssociatedInstances), &resp.Diagnostics)
	state.InstanceType = types.StringValue(h.AssociatedInstanceType)
	state.MasterInstanceID = types.StringValue(h.MasterInstanceID)
	if state.Force.IsNull() {
		state.Force = types.BoolValue(false)
	}
	switch {
	case importing:
		eips, err := client.ListEIPsOfHaVip(ctx, havipID)
		if err != nil {
			resp.Diagnostics.AddError("Error reading the EIPs of HaVip "+havipID, apiErrorDetail(err))
			return
		}
		state.EIPAllocationID, state.EIPAddress = types.StringNull(), types.StringNull()
		if len(eips) > 0 {
			state.EIPAllocationID, state.EIPAddress = types.StringValue(eips[0].ID), types.StringValue(eips[0].IPAddress)
		}
		writeApplied(ctx, resp.Private, h.AssociatedInstances, state.EIPAllocationID.ValueString(), &resp.Diagnostics)
	case !state.EIPAllocationID.IsNull():
		e, err := client.ReadEIP(ctx, state.EIPAllocationID.ValueString())
		switch {
		case alicloud.IsNotFound(err) || (err == nil && e.InstanceID != havipID):
			// Unbound or released outside Terraform: the next plan binds it again.
			state.EIPAllocationID, state.EIPAddress = types.StringNull(), types.StringNull()
		case err != nil:
			resp.Diagnostics.AddError("Error reading EIP "+state.EIPAllocationID.ValueString(), apiErrorDetail(err))
			return
		default:
			state.EIPAddress = types.StringValue(e.IPAddress)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update makes the HaVip's membership the planned set: it adds first, so
// the service keeps its members while others leave, then removes the
// members that do not hold the HaVip, then the master (the plan refused
// that without force).
func (r *membersResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer membersIdentity.keep(ctx, &resp.State, req.Identity, resp.Identity, &resp.Diagnostics)
	var plan, state membersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	havipID := plan.HaVipID.ValueString()
	members, _, _ := knownStrings(plan.MemberIDs)
	oldEIP, newEIP := state.EIPAllocationID.ValueString(), plan.EIPAllocationID.ValueString()
	applied := readApplied(ctx, req.Private)

	h, err := client.ReadHaVip(ctx, havipID)
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+havipID, apiErrorDetail(err))
		return
	}
	adds, removes := minus(members, h.AssociatedInstances), minus(h.AssociatedInstances, members)
	// Refusals first, so a refused update changes nothing.
	if masterLeaves(h, removes) && !plan.Force.ValueBool() {
		refuseMasterDetach(&resp.Diagnostics, havipID, h.MasterInstanceID, h.IPAddress, " (it became the master after the plan)", forceMasterMembers, nil)
		return
	}
	for _, m := range adds {
		if slices.Contains(applied.Members, m) && r.data.memberGone(ctx, m) {
			resp.Diagnostics.AddAttributeError(path.Root("member_ids"), "Member deleted outside Terraform",
				fmt.Sprintf("%s was a member of this havip_members and has been deleted outside Terraform; it cannot be associated again. "+
					"Remove it from member_ids. (terraform destroy is not affected.)", m))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	current := append([]string{}, h.AssociatedInstances...)
	eipID, eipAddr := oldEIP, state.EIPAddress.ValueString()
	save := func() {
		saveSet(ctx, &resp.State, resp.Private, plan, h, members, appliedSet{Members: current, EIP: eipID}, eipAddr, &resp.Diagnostics)
	}
	if oldEIP != "" && oldEIP != newEIP {
		if err := client.UnassociateEIP(ctx, havipID, oldEIP, false); err != nil {
			save()
			resp.Diagnostics.AddAttributeError(path.Root("eip_allocation_id"), "Error unbinding EIP "+oldEIP+" from HaVip "+havipID, apiErrorDetail(err))
			return
		}
		r.data.planned.releaseEIP(havipID, oldEIP)
		eipID, eipAddr = "", ""
	}
	attach := func() bool {
		for _, m := range adds {
			if _, err := client.AssociateHaVip(ctx, havipID, m, rulebook.MemberTypeOf(m)); err != nil {
				save()
				addMemberError(&resp.Diagnostics, m, err)
				return false
			}
			current = append(current, m)
		}
		return true
	}
	detach := func() bool {
		for _, m := range detachOrder(removes, h.MasterInstanceID) {
			if err := client.UnassociateHaVip(ctx, havipID, m, rulebook.MemberTypeOf(m), m == h.MasterInstanceID); err != nil {
				save()
				if alicloud.CodeOf(err) == rulebook.CodeUnassociateMaster {
					refuseMasterDetach(&resp.Diagnostics, havipID, m, h.IPAddress, " (it became the master during the apply)", forceMasterMembers, nil)
					return false
				}
				resp.Diagnostics.AddAttributeError(path.Root("member_ids"), "Error detaching "+m+" from HaVip "+havipID, apiErrorDetail(err))
				return false
			}
			current = minus(current, []string{m})
			r.data.planned.releaseMember(havipID, m)
		}
		return true
	}
	// New members join before old ones leave, so the HaVip keeps members
	// that can hold it throughout, unless the service would refuse that
	// order: a set of the other member type (ECS instances and ENIs never
	// share a HaVip) or one that would pass the member limit on the way.
	removeFirst := len(adds) > 0 && (len(current)+len(adds) > rulebook.DefaultLimits().MembersPerHaVip ||
		(h.AssociatedInstanceType != "" && len(removes) > 0 && rulebook.MemberTypeOf(adds[0]) != h.AssociatedInstanceType))
	steps := []func() bool{attach, detach}
	if removeFirst {
		steps = []func() bool{detach, attach}
	}
	for _, step := range steps {
		if !step() {
			return
		}
	}
	if newEIP != "" && newEIP != eipID {
		e, err := client.AssociateEIP(ctx, havipID, newEIP)
		if err != nil {
			save()
			resp.Diagnostics.AddAttributeError(path.Root("eip_allocation_id"), "Error binding EIP "+newEIP+" to HaVip "+havipID, apiErrorDetail(err))
			return
		}
		eipID, eipAddr = e.ID, e.IPAddress
	}
	if got, err := client.ReadHaVip(ctx, havipID); err == nil {
		h = got
	}
	save()
}

// detachOrder puts the master last: the others leave while it still
// serves the address.
func detachOrder(members []string, master string) []string {
	out := minus(members, []string{master})
	if slices.Contains(members, master) {
		out = append(out, master)
	}
	return out
}

// Delete tears the whole set down: the EIP, then the members that do not
// hold the HaVip, then the master, forced, because destroying the
// resource is the decision to remove them all.
func (r *membersResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state membersModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	havipID := state.HaVipID.ValueString()
	if eip := state.EIPAllocationID.ValueString(); eip != "" {
		if err := client.UnassociateEIP(ctx, havipID, eip, false); err != nil {
			resp.Diagnostics.AddError("Error unbinding EIP "+eip+" from HaVip "+havipID, apiErrorDetail(err))
			return
		}
		r.data.planned.releaseEIP(havipID, eip)
	}
	h, err := client.ReadHaVip(ctx, havipID)
	if alicloud.IsNotFound(err) {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+havipID, apiErrorDetail(err))
		return
	}
	for _, m := range detachOrder(h.AssociatedInstances, h.MasterInstanceID) {
		if err := client.UnassociateHaVip(ctx, havipID, m, h.AssociatedInstanceType, true); err != nil {
			resp.Diagnostics.AddError("Error detaching "+m+" from HaVip "+havipID, apiErrorDetail(err))
			return
		}
		r.data.planned.releaseMember(havipID, m)
	}
}

func (r *membersResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID = membersIdentity.importID(ctx, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if !strings.HasPrefix(req.ID, "havip-") || len(req.ID) <= len("havip-") || strings.ContainsAny(req.ID, ": ,") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected a HaVip ID such as havip-bp1abc; got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("havip_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
}
