package provider

import (
	"context"
	"fmt"
	"maps"
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
	client := r.data.client
	applied := readApplied(ctx, req.Private)
	if fresh {
		applied = appliedSet{}
	}
	var h *alicloud.HaVip
	if !plan.HaVipID.IsUnknown() {
		havipID := plan.HaVipID.ValueString()
		got, err := client.ReadHaVip(ctx, havipID)
		if alicloud.IsNotFound(err) {
			diags.AddAttributeError(path.Root("havip_id"), "HaVip not found", fmt.Sprintf("HaVip %s does not exist in region %s.", havipID, client.Region()))
			return
		}
		if err != nil {
			diags.AddError("Cannot check HaVip "+havipID, apiErrorDetail(err))
			return
		}
		h = got
		if !plan.VSwitchID.IsUnknown() && !plan.VSwitchID.IsNull() && plan.VSwitchID.ValueString() != h.VSwitchID {
			diags.AddAttributeError(path.Root("vswitch_id"), "vswitch_id is not the HaVip's vSwitch",
				fmt.Sprintf("HaVip %s is in vSwitch %s, not %s. Set vswitch_id to the havip resource's vswitch_id.", havipID, h.VSwitchID, plan.VSwitchID.ValueString()))
			return
		}
		plan.VSwitchID = types.StringValue(h.VSwitchID)
		if fresh {
			if extra := minus(minus(h.AssociatedInstances, members), r.data.planned.heldBySet(havipID)); len(extra) > 0 {
				diags.Append(coManagedMembers(havipID, extra)...)
				return
			}
		}
		if !fresh {
			removed := minus(h.AssociatedInstances, members)
			if h.MasterInstanceID != "" && slices.Contains(removed, h.MasterInstanceID) && !plan.Force.ValueBool() {
				diags.Append(masterRemoval(h, "")...)
			}
		}
	}
	vswitch := ""
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
	otherPlanned := r.data.planned.reserveSet(key, memberTypes)
	at := func(m string) path.Path { return path.Root("member_ids").AtListIndex(slices.Index(members, m)) }
	for _, m := range adds {
		problem, summary := r.memberProblem(ctx, m, vswitch)
		switch {
		case problem == "":
		case slices.Contains(applied.Members, m):
			diags.AddAttributeWarning(at(m), summary+": it will not be associated again",
				problem+" It was a member of this havip_members and changed outside Terraform: remove it from member_ids. "+
					"Applying this plan fails before any change until then; terraform destroy is not affected.")
		default:
			diags.AddAttributeError(at(m), summary, problem)
		}
	}
	if len(adds) > 0 && !diags.HasError() {
		all, err := r.data.allHaVips(ctx)
		if err != nil {
			diags.AddError("Cannot list HaVips", apiErrorDetail(err))
			return
		}
		for _, m := range adds {
			on := map[string]bool{key: true}
			for _, o := range all {
				if o.HasMember(m) && !r.data.planned.memberReplaced(o.ID, m) {
					on[o.ID] = true
				}
			}
			for _, o := range otherPlanned[m] {
				on[o] = true
			}
			if h != nil {
				delete(on, key)
				on[h.ID] = true
			}
			if v := r.data.limits.CheckHaVipsOnInstance(m, slices.Sorted(maps.Keys(on))); v != nil {
				addViolation(diags, at(m), v, "")
			}
		}
	}
	if eip := plan.EIPAllocationID.ValueString(); eip != "" && !plan.EIPAllocationID.IsUnknown() &&
		(fresh || !plan.EIPAllocationID.Equal(state.EIPAllocationID)) {
		r.checkEIP(ctx, eip, h, state, applied, key, diags)
	}
	if diags.HasError() {
		for _, m := range members {
			r.data.planned.releaseMember(key, m)
		}
		r.data.planned.releaseEIP(key, plan.EIPAllocationID.ValueString())
	}
}

// memberProblem says why m cannot join a HaVip in vswitch ("" when the
// vSwitch is not known yet), with a diagnostic summary; "" when it can.
func (r *membersResource) memberProblem(ctx context.Context, m, vswitch string) (problem, summary string) {
	client := r.data.client
	var inVSwitch string
	if rulebook.MemberTypeOf(m) == alicloud.MemberENI {
		eni, err := client.ReadENI(ctx, m)
		switch {
		case alicloud.IsNotFound(err):
			return fmt.Sprintf("ENI %s does not exist in region %s.", m, client.Region()), "ENI not found"
		case err != nil:
			return apiErrorDetail(err), "Cannot check ENI " + m
		}
		if v := rulebook.CheckENIAttached(m, eni.InstanceID); v != nil {
			return v.Message + " Attach it first.", v.Title
		}
		inVSwitch = eni.VSwitchID
	} else {
		in, err := client.ReadInstance(ctx, m)
		switch {
		case alicloud.IsNotFound(err):
			return fmt.Sprintf("ECS instance %s does not exist in region %s.", m, client.Region()), "ECS instance not found"
		case err != nil:
			return apiErrorDetail(err), "Cannot check ECS instance " + m
		}
		if v := rulebook.CheckInstanceStatus(m, in.Status); v != nil {
			return v.Message, v.Title
		}
		inVSwitch = in.VSwitchID
	}
	if vswitch == "" {
		return "", ""
	}
	if v := rulebook.CheckSameVSwitch(m, inVSwitch, "", vswitch); v != nil {
		return v.Message, v.Title
	}
	return "", ""
}

// checkEIP applies AssociateEipAddress's rules to the set's EIP, counting
// the EIPs that havip_eip_association resources plan for the same HaVip.
func (r *membersResource) checkEIP(ctx context.Context, eip string, h *alicloud.HaVip, state membersModel, applied appliedSet, key string, diags *diag.Diagnostics) {
	client := r.data.client
	at := path.Root("eip_allocation_id")
	e, err := client.ReadEIP(ctx, eip)
	switch {
	case alicloud.IsNotFound(err) && applied.EIP == eip:
		diags.AddAttributeWarning(at, "EIP released outside Terraform",
			fmt.Sprintf("EIP %s was bound by this havip_members and no longer exists. Remove eip_allocation_id or name another EIP; "+
				"applying this plan fails until then. terraform destroy is not affected.", eip))
		return
	case alicloud.IsNotFound(err):
		diags.AddAttributeError(at, "EIP not found",
			fmt.Sprintf("EIP %s does not exist in region %s. The EIP must be in the HaVip's region, which is the provider's.", eip, client.Region()))
		return
	case err != nil:
		diags.AddError("Cannot check EIP "+eip, apiErrorDetail(err))
		return
	}
	if h != nil && e.InstanceID == h.ID {
		return
	}
	// An EIP being unbound will be Available in a moment: the bind waits
	// for it rather than the plan refusing it.
	if !e.Unbinding() && (e.InstanceID != "" && !r.data.planned.eipReplaced(e.InstanceID, eip) || e.Status != "Available" && e.InstanceID == "") {
		bound := ""
		if e.InstanceID != "" {
			bound = fmt.Sprintf(", bound to %s %s", e.InstanceType, e.InstanceID)
		}
		diags.AddAttributeError(at, "EIP not available",
			fmt.Sprintf("EIP %s (%s) is %s%s; only an Available EIP can be bound to a HaVip.", eip, e.IPAddress, e.Status, bound))
		return
	}
	var bound []string
	if h != nil {
		for _, ip := range h.AssociatedEIPAddresses {
			if ip != state.EIPAddress.ValueString() && !r.data.planned.eipAddressReplaced(h.ID, ip) {
				bound = append(bound, ip)
			}
		}
	}
	others := r.data.planned.reserveEIP(key, eip)
	if v := r.data.limits.CheckEIPCount(key, append(bound, others...)); v != nil {
		addViolation(diags, at, v, "(Bound or planned.) Unbind that one first.")
	}
}
