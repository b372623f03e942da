package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// ValidateConfig applies the rules that depend on the configuration
// alone: they hold whatever the cloud looks like, need no API call, and
// run even when the HaVip is created in the same apply.
func (r *membersResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Terraform validates again, with values known only during apply, when
	// it plans: also in the refresh terraform destroy runs first.
	defer adjustForCommand(&resp.Diagnostics)
	var ids types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("member_ids"), &ids)...)
	if ids.IsNull() || ids.IsUnknown() {
		return
	}
	at := path.Root("member_ids")
	// The member limit is not adjustable, so the documented value holds
	// before the provider is configured.
	if n, limit := len(ids.Elements()), rulebook.DefaultLimits().MembersPerHaVip; n > limit {
		resp.Diagnostics.AddAttributeError(at, "Too many HaVip members",
			fmt.Sprintf("member_ids lists %d members; a HaVip takes at most %d ECS instances or ENIs.", n, limit))
	}
	vals, index, _ := knownStrings(ids)
	first := map[string]int{}
	typeOf := map[string]string{} // member type → first member of that type
	for k, id := range vals {
		i := index[k]
		if j, dup := first[id]; dup {
			resp.Diagnostics.AddAttributeError(at.AtListIndex(i), "Duplicate HaVip member",
				fmt.Sprintf("%s is listed twice in member_ids (elements %d and %d). Each member is associated once; remove the repeat "+
					"or put the member you meant in its place.", id, j, i))
			continue
		}
		first[id] = i
		t := rulebook.MemberTypeOf(id)
		if t == "" {
			resp.Diagnostics.AddAttributeError(at.AtListIndex(i), "Invalid HaVip member",
				fmt.Sprintf("%q is not an ECS instance ID (i-…) or an ENI ID (eni-…).", id))
			continue
		}
		if _, ok := typeOf[t]; !ok {
			typeOf[t] = id
		}
	}
	if len(typeOf) > 1 {
		resp.Diagnostics.AddAttributeError(at, "ECS and ENI members mixed",
			fmt.Sprintf("member_ids lists ECS instance %s and ENI %s. A HaVip takes ECS instances or ENIs, never both.",
				typeOf[alicloud.MemberECS], typeOf[alicloud.MemberENI]))
	}
}

// ModifyPlan checks the whole planned set against the cloud: every new
// member exists, is usable and is in the HaVip's vSwitch, no instance
// joins more than 5 HaVips, the EIP is free, no other resource manages
// the same HaVip, and the master leaves the set only with force. Values
// unknown now are checked when Terraform plans again at apply time, still
// before the first mutating call. A destroy plan checks nothing: the
// whole set goes.
func (r *membersResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		defer adjustForCommand(&resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state membersModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	var cfgVSwitch types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("vswitch_id"), &cfgVSwitch)...)
	if resp.Diagnostics.HasError() {
		return
	}
	members, _, allKnown := knownStrings(plan.MemberIDs)
	switch {
	case allKnown && len(members) == 0:
		plan.InstanceType = types.StringValue("")
	case len(members) > 0:
		plan.InstanceType = types.StringValue(rulebook.MemberTypeOf(members[0]))
	default:
		plan.InstanceType = types.StringUnknown()
	}
	if !plan.HaVipID.IsUnknown() {
		plan.ID = plan.HaVipID
	}
	switch {
	case plan.EIPAllocationID.IsNull():
		plan.EIPAddress = types.StringNull()
	case !creating && plan.EIPAllocationID.Equal(state.EIPAllocationID) && plan.HaVipID.Equal(state.HaVipID):
		plan.EIPAddress = state.EIPAddress
	default:
		plan.EIPAddress = types.StringUnknown()
	}
	if !creating && r.data != nil {
		// A replacement is planned again as a create from a null prior
		// state; the members it holds now are detached before then, so
		// that create must not take them for another resource's (a
		// tainted set is planned only as that create: Read records it).
		held, _, _ := knownStrings(state.MemberIDs)
		r.data.planned.holdSet(state.HaVipID.ValueString(), held)
	}
	replacing := !creating && !plan.HaVipID.Equal(state.HaVipID)
	changed := creating || replacing || !plan.MemberIDs.Equal(state.MemberIDs) || !plan.EIPAllocationID.Equal(state.EIPAllocationID) ||
		(!cfgVSwitch.IsNull() && !cfgVSwitch.Equal(state.VSwitchID))
	if changed {
		plan.MasterInstanceID = types.StringUnknown()
	}
	if cfgVSwitch.IsNull() && (creating || replacing) {
		plan.VSwitchID = types.StringUnknown()
	}

	if r.data != nil && r.data.client != nil && allKnown {
		r.claim(plan, members, changed, &resp.Diagnostics)
		if changed && !resp.Diagnostics.HasError() {
			r.checkSet(ctx, req, &plan, state, members, creating || replacing, &resp.Diagnostics)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planKey is the registry key of the set's HaVip: its ID, or a
// placeholder while the ID is unknown.
func planKey(plan membersModel, identity string) string {
	if plan.HaVipID.IsUnknown() {
		return "(HaVip planned for havip_members " + identity + ")"
	}
	return plan.HaVipID.ValueString()
}

// claim records, for every plan of the resource, that it manages its
// HaVip (and its EIP when it sets one), and refuses a change of it when
// another resource of the configuration manages the same HaVip. An
// unchanged resource only records the claim: the refusal belongs to the
// resource whose plan brings the conflict.
func (r *membersResource) claim(plan membersModel, members []string, changed bool, diags *diag.Diagnostics) {
	if plan.HaVipID.IsUnknown() || plan.EIPAllocationID.IsUnknown() {
		return
	}
	havipID, eip := plan.HaVipID.ValueString(), plan.EIPAllocationID.ValueString()
	id := setIdentity(members, eip)
	if c, ok := r.data.planned.claimHaVip(havipID, ownerMembers, id); ok && changed {
		diags.Append(coManaged(havipID, c)...)
		return
	}
	if eip == "" {
		return
	}
	if c, ok := r.data.planned.claimHaVip(havipID, ownerMembersEIP, id); ok && changed {
		r.data.planned.releaseClaim(havipID, ownerMembers, id)
		diags.Append(coManaged(havipID, c)...)
	}
}

// checkSet runs the rules that need the cloud on the members this plan
// adds. A member this resource applied before that has since been deleted
// outside Terraform gets a warning, not an error: Terraform runs the same
// plan before a destroy, which must not be blocked by it (the apply
// refuses it before any change).
func (r *membersResource) checkSet(ctx context.Context, req resource.ModifyPlanRequest, plan *membersModel, state membersModel,
	members []string, fresh bool, diags *diag.Diagnostics) {
	applied := readApplied(ctx, req.Private)
	if fresh {
		applied = appliedSet{}
	}
	var h *alicloud.HaVip
	if !plan.HaVipID.IsUnknown() {
		if h = r.data.planHaVip(ctx, plan.HaVipID.ValueString(), diags); h == nil || !r.fitsHaVip(h, plan, members, fresh, diags) {
			return
		}
	}
	havipID, vswitch := "", ""
	if h != nil {
		havipID = h.ID
	}
	if !plan.VSwitchID.IsUnknown() {
		vswitch = plan.VSwitchID.ValueString()
	}

	adds := members
	if h != nil {
		adds = minus(members, h.AssociatedInstances)
	}
	key := planKey(*plan, setIdentity(members, plan.EIPAllocationID.ValueString()))
	memberTypes := map[string]string{}
	for _, m := range members {
		memberTypes[m] = rulebook.MemberTypeOf(m)
	}
	res := r.data.planned.reserve()
	defer res.settle(diags)
	otherPlanned := res.set(key, memberTypes)
	at := func(m string) attributes {
		return membersAttributes(path.Root("member_ids").AtListIndex(slices.Index(members, m)))
	}
	for _, m := range adds {
		no := r.data.memberRefusal(ctx, m, havipID, vswitch)
		switch {
		case no == nil:
		case slices.Contains(applied.Members, m):
			diags.AddAttributeWarning(at(m).member, no.summary+": it will not be associated again",
				no.detail+" It was a member of this havip_members and changed outside Terraform: remove it from member_ids. "+
					"Applying this plan fails before any change until then; terraform destroy is not affected.")
		default:
			no.addError(diags, at(m))
		}
	}
	target := key
	if h != nil {
		target = h.ID
	}
	if len(adds) > 0 && !diags.HasError() {
		all, ok := r.data.planHaVips(ctx, diags)
		if !ok {
			return
		}
		for _, m := range adds {
			if no := r.data.haVipsOnInstanceRefusal(all, m, target, otherPlanned[m]); no != nil {
				no.addError(diags, at(m))
			}
		}
	}
	if eip := plan.EIPAllocationID.ValueString(); eip != "" && !plan.EIPAllocationID.IsUnknown() &&
		(fresh || !plan.EIPAllocationID.Equal(state.EIPAllocationID)) {
		r.checkEIP(ctx, res, eip, h, state, applied, key, diags)
	}
}

// fitsHaVip checks the set against its HaVip h: vswitch_id is h's (and
// takes it when not configured), a new set finds no members it does not
// list, and an update removes the master only with force.
func (r *membersResource) fitsHaVip(h *alicloud.HaVip, plan *membersModel, members []string, fresh bool, diags *diag.Diagnostics) bool {
	if !plan.VSwitchID.IsUnknown() && !plan.VSwitchID.IsNull() && plan.VSwitchID.ValueString() != h.VSwitchID {
		diags.AddAttributeError(path.Root("vswitch_id"), "vswitch_id is not the HaVip's vSwitch",
			fmt.Sprintf("HaVip %s is in vSwitch %s, not %s. Set vswitch_id to the havip resource's vswitch_id.", h.ID, h.VSwitchID, plan.VSwitchID.ValueString()))
		return false
	}
	plan.VSwitchID = types.StringValue(h.VSwitchID)
	if fresh {
		if extra := minus(minus(h.AssociatedInstances, members), r.data.planned.heldBySet(h.ID)); len(extra) > 0 {
			diags.Append(coManagedMembers(h.ID, extra)...)
			return false
		}
	} else if masterLeaves(h, minus(h.AssociatedInstances, members)) && !plan.Force.ValueBool() {
		refuseMasterDetach(diags, h.ID, h.MasterInstanceID, h.IPAddress, "", forceMasterMembers, nil)
	}
	return true
}

// membersAttributes are where havip_members shows a refusal; member is
// the element of member_ids it is about.
func membersAttributes(member path.Path) attributes {
	return attributes{member: member, havip: path.Root("havip_id"), eip: path.Root("eip_allocation_id")}
}

// checkEIP applies AssociateEipAddress's rules to the set's EIP, counting
// the EIPs that havip_eip_association resources plan for the same HaVip.
func (r *membersResource) checkEIP(ctx context.Context, res *reservation, eip string, h *alicloud.HaVip, state membersModel, applied appliedSet,
	key string, diags *diag.Diagnostics) {
	at := membersAttributes(path.Empty())
	switch ok := r.data.admitEIP(ctx, eip, h, diags); {
	case ok.gone && applied.EIP == eip:
		diags.AddAttributeWarning(at.eip, "EIP released outside Terraform",
			fmt.Sprintf("EIP %s was bound by this havip_members and no longer exists. Remove eip_allocation_id or name another EIP; "+
				"applying this plan fails until then. terraform destroy is not affected.", eip))
		return
	case ok.refusal != nil:
		ok.refusal.addError(diags, at)
		return
	case ok.failed || ok.here:
		return
	}
	if no := r.data.eipCountRefusal(res, key, h, eip, state.EIPAddress.ValueString()); no != nil {
		no.addError(diags, at)
	}
}
