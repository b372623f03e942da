package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

var (
	_ resource.ResourceWithConfigure      = &attachmentResource{}
	_ resource.ResourceWithImportState    = &attachmentResource{}
	_ resource.ResourceWithModifyPlan     = &attachmentResource{}
	_ resource.ResourceWithValidateConfig = &attachmentResource{}
)

type attachmentResource struct{ data *providerData }

// NewAttachmentResource is the factory of resource "havip_attachment".
func NewAttachmentResource() resource.Resource { return &attachmentResource{} }

func (r *attachmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_attachment"
}

func (r *attachmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "Associates an ECS instance or an ENI with a HaVip. The rules of the service are checked at plan time: " +
			"the member exists and is in the HaVip's vSwitch, an ENI is attached to an instance, ECS and ENI members are never mixed, " +
			"at most 10 members per HaVip and 5 HaVips per instance.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "`havip_id:instance_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"havip_id": schema.StringAttribute{Required: true, Description: "HaVip to associate with.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"havip-"}, what: "a HaVip"}},
				PlanModifiers: replace},
			"instance_id": schema.StringAttribute{Required: true, Description: "ECS instance (`i-…`) or ENI (`eni-…`) in the HaVip's vSwitch.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"i-", "eni-"}, what: "an ECS instance or ENI"}},
				PlanModifiers: replace},
			"instance_type": schema.StringAttribute{Optional: true, Computed: true,
				Description:   "`EcsInstance` or `NetworkInterface`; inferred from the ID prefix when omitted.",
				Validators:    []validator.String{stringvalidator.OneOf(alicloud.MemberECS, alicloud.MemberENI)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()}},
			"force": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Allow detaching the member while it is the HaVip's master (it holds the address). " +
					"Without it, destroying the master's attachment fails before any API call. Changing it does not replace the resource."},
			"is_master": schema.BoolAttribute{Computed: true, Description: "Whether this member currently holds the HaVip (keepalived MASTER)."},
			"status": schema.StringAttribute{Computed: true, Description: "The HaVip's status as DescribeHaVips last reported it with this member listed: " +
				"`InUse` once the association has settled, a transitional status such as `Associating` while another change of the HaVip is in progress " +
				"(the API has no status per member); `" + statusMemberDeleted + "` once the instance or ENI was deleted outside Terraform " +
				"(the plan then warns: remove the resource from the configuration)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *attachmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *attachmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Terraform validates again, with values known only during apply, when
	// it plans: also in the refresh terraform destroy runs first.
	defer adjustForCommand(&resp.Diagnostics)
	var id, typ types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance_id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance_type"), &typ)...)
	if id.IsUnknown() || id.IsNull() || typ.IsUnknown() || typ.IsNull() {
		return
	}
	if inferred := rulebook.MemberTypeOf(id.ValueString()); inferred != "" && inferred != typ.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("instance_type"), "instance_type contradicts instance_id",
			fmt.Sprintf("%s is an ID of type %s, but instance_type is %s. Omit instance_type to infer it.", id.ValueString(), inferred, typ.ValueString()))
	}
}

// ModifyPlan infers instance_type and runs the membership rules on a new
// association: at plan time when the IDs are known, otherwise when
// Terraform plans again at apply time, in both cases before
// AssociateHaVip. On destroy it refuses to detach the master without force.
func (r *attachmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		defer adjustForCommand(&resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() {
		r.checkDetach(ctx, req, resp)
		return
	}
	var plan attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Unless configured, instance_type follows instance_id: the value
	// UseStateForUnknown kept is stale when a replacement changes the ID
	// (an ECS member swapped for an ENI).
	var cfgType types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance_type"), &cfgType)...)
	if cfgType.IsNull() {
		switch t := rulebook.MemberTypeOf(plan.InstanceID.ValueString()); {
		case plan.InstanceID.IsUnknown():
			plan.InstanceType = types.StringUnknown()
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("instance_type"), plan.InstanceType)...)
		case t != "":
			plan.InstanceType = types.StringValue(t)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("instance_type"), t)...)
		}
	}
	planCompositeID(ctx, resp, plan.HaVipID, plan.InstanceID)
	replacing := r.replacing(ctx, req, plan, &resp.Diagnostics)
	if !req.State.Raw.IsNull() && !replacing {
		var status types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
		if status.ValueString() == statusMemberDeleted {
			// A warning, not an error: Terraform runs this same plan
			// before a destroy, which must remove the dead attachment.
			resp.Diagnostics.AddAttributeWarning(path.Root("instance_id"), "HaVip member deleted outside Terraform",
				fmt.Sprintf("%s was deleted outside Terraform, and Alibaba Cloud removed it from HaVip %s. Remove this havip_attachment "+
					"from the configuration; terraform destroy is not affected either.",
					plan.InstanceID.ValueString(), plan.HaVipID.ValueString()))
		}
	}
	if r.data != nil && !plan.HaVipID.IsUnknown() && !plan.InstanceID.IsUnknown() {
		havipID, memberID := plan.HaVipID.ValueString(), plan.InstanceID.ValueString()
		// Every plan records the claim, so that a havip_members of the same
		// HaVip sees it; only a new association is refused for it.
		c, conflict := r.data.planned.claimHaVip(havipID, ownerAttachment, memberID)
		if conflict && (req.State.Raw.IsNull() || replacing) {
			resp.Diagnostics.Append(coManaged(havipID, c)...)
			return
		}
		switch {
		case replacing:
			r.data.planned.announceCreate(havipID, memberID)
		case req.State.Raw.IsNull() && r.data.planned.planCreate(havipID, memberID):
			resp.Diagnostics.AddAttributeError(path.Root("instance_id"), "Duplicate havip_attachment",
				fmt.Sprintf("Another havip_attachment of this configuration already attaches %s to HaVip %s. Declare each member once: "+
					"two resources managing one association would detach it when either is removed.", memberID, havipID))
			return
		}
	}
	if (!req.State.Raw.IsNull() && !replacing) || r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	if !r.data.admissionReady(&resp.Diagnostics, plan.HaVipID.IsUnknown(), attachmentChecks) {
		return
	}
	if replacing {
		r.checkDetach(ctx, req, resp)
		// The old association goes before the new one is made. Terraform
		// plans the create half of the replacement again from a null prior
		// state, which no longer says what it replaces: record it.
		var state attachmentModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		r.data.planned.replaceMember(state.HaVipID.ValueString(), state.InstanceID.ValueString())
	}
	if plan.HaVipID.IsUnknown() || plan.InstanceID.IsUnknown() || plan.InstanceType.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.checkAttach(ctx, plan.HaVipID.ValueString(), plan.InstanceID.ValueString(), plan.InstanceType.ValueString())...)
}

var attachmentChecks = admissionChecks{resource: "havip_attachment",
	checks: "that the member exists and is usable, is in the HaVip's vSwitch, " +
		"is not mixed with members of the other type, is not associated yet, and the limits of 10 members per HaVip and 5 HaVips per instance",
	instead: "havip_members checks all of them for the whole set at plan time, also for a HaVip created in the same configuration",
	skipped: "that the HaVip and the member exist, share a vSwitch and a member type, " +
		"that the instance is Running or Stopped or the ENI attached, and the member limits",
}

// replacing tells whether the plan replaces an existing attachment. The
// framework hands resource-level ModifyPlan an empty RequiresReplace (the
// attributes' RequiresReplace is merged in only afterwards), so it is told
// by the attributes that force a replacement.
func (r *attachmentResource) replacing(ctx context.Context, req resource.ModifyPlanRequest, plan attachmentModel, diags *diag.Diagnostics) bool {
	if req.State.Raw.IsNull() {
		return false
	}
	var state attachmentModel
	var cfgType types.String
	diags.Append(req.State.Get(ctx, &state)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("instance_type"), &cfgType)...)
	return !plan.HaVipID.Equal(state.HaVipID) || !plan.InstanceID.Equal(state.InstanceID) ||
		(!cfgType.IsNull() && !cfgType.Equal(state.InstanceType))
}

// checkAttach applies AssociateHaVip's rules, counting the associations
// this provider process has planned but not made yet, and not those that
// planned replacements remove first: swapping the 10th member, the only
// ECS member for an ENI, or an instance's 5th HaVip for another is allowed.
func (r *attachmentResource) checkAttach(ctx context.Context, havipID, memberID, memberType string) (diags diag.Diagnostics) {
	at := attributes{member: path.Root("instance_id"), havip: path.Root("havip_id")}
	h := r.data.planHaVip(ctx, havipID, &diags)
	if h == nil {
		return diags
	}
	if h.HasMember(memberID) && !r.data.planned.memberReplaced(havipID, memberID) {
		// Adopting it would make two owners of one association (another
		// resource, another configuration or the console); import says
		// which one owns it.
		diags.AddAttributeError(at.member, "Already a member of the HaVip", alreadyMemberDetail(havipID, memberID))
		return diags
	}
	if no := r.data.memberRefusal(ctx, memberID, havipID, h.VSwitchID); no != nil {
		no.addError(&diags, at)
		return diags
	}

	res := r.data.planned.reserve()
	defer res.settle(&diags)
	others, otherHaVips := res.member(havipID, memberID, memberType)
	members := map[string]string{}
	for _, m := range h.AssociatedInstances {
		if !r.data.planned.memberReplaced(havipID, m) {
			members[m] = h.AssociatedInstanceType
		}
	}
	for m, t := range others {
		if _, ok := members[m]; !ok {
			members[m] = t
		}
	}
	for _, m := range slices.Sorted(maps.Keys(members)) {
		if v := rulebook.CheckMemberType(havipID, m, members[m], memberID, memberType); v != nil {
			addViolation(&diags, at.member, v, hintPlannedMembers)
			break
		}
	}
	if v := r.data.limits.CheckMemberCount(havipID, memberID, slices.Sorted(maps.Keys(members))); v != nil {
		addViolation(&diags, path.Root("havip_id"), v, hintPlannedMembers)
	}
	if all, ok := r.data.planHaVips(ctx, &diags); ok {
		if no := r.data.haVipsOnInstanceRefusal(all, memberID, havipID, otherHaVips); no != nil {
			no.addError(&diags, at)
		}
	}
	return diags
}

// checkDetach refuses, at plan time, to detach the HaVip's master when
// force is false: the detach would fail at apply with
// Forbidden.UnassociateMaster, or worse, succeed with force and drop the
// service IP.
func (r *attachmentResource) checkDetach(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || r.data == nil || r.data.client == nil {
		return
	}
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Force.ValueBool() {
		return
	}
	havipID, memberID := state.HaVipID.ValueString(), state.InstanceID.ValueString()
	h, err := r.data.client.ReadHaVip(ctx, havipID)
	if err == nil && masterLeaves(h, []string{memberID}) { // gone or not master: nothing to protect
		refuseMasterDetach(&resp.Diagnostics, havipID, memberID, h.IPAddress, "", forceMasterAttachment, nil)
	}
}

func (r *attachmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer attachmentIdentity.keep(ctx, &resp.State, nil, resp.Identity, &resp.Diagnostics)
	var plan attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, memberID := plan.HaVipID.ValueString(), plan.InstanceID.ValueString()
	typ := plan.InstanceType.ValueString()
	if typ == "" {
		typ = rulebook.MemberTypeOf(memberID)
	}
	h, err := client.AssociateHaVip(ctx, havipID, memberID, typ)
	if err != nil {
		r.data.planned.releaseMember(havipID, memberID)
		addAssociateError(&resp.Diagnostics, err, havipID, memberID)
		return
	}
	tflog.Info(ctx, "associated HaVip member", map[string]any{"havip_id": havipID, "instance_id": memberID})
	plan.ID = types.StringValue(havipID + ":" + memberID)
	plan.InstanceType = types.StringValue(typ)
	r.fill(&plan, h)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// alreadyMemberDetail explains an association this resource did not make.
func alreadyMemberDetail(havipID, memberID string) string {
	return fmt.Sprintf("%s is already a member of HaVip %s, associated by something other than this resource: another "+
		"havip_attachment or havip_members, another configuration, or the console. To manage that association with this "+
		"resource, import it: terraform import <this resource's address> %s:%s. Otherwise remove this resource.",
		memberID, havipID, havipID, memberID)
}

func addAssociateError(diags *diag.Diagnostics, err error, havipID, memberID string) {
	code := alicloud.CodeOf(err)
	switch {
	case code == rulebook.CodeAlreadyAssociated:
		diags.AddAttributeError(path.Root("instance_id"), "Already a member of the HaVip",
			alreadyMemberDetail(havipID, memberID)+"\n\n"+apiErrorDetail(err))
	case code == rulebook.CodeHaVipNotFound:
		diags.AddAttributeError(path.Root("havip_id"), "Alibaba Cloud refused the association", apiErrorDetail(err))
	case code == rulebook.CodeMembersPerHaVip:
		diags.AddAttributeError(path.Root("havip_id"), "Alibaba Cloud refused the association", apiErrorDetail(err))
	case strings.HasPrefix(code, "InvalidInstance") || strings.HasPrefix(code, "IncorrectInstance") || strings.HasPrefix(code, "CountLimitExceed.") || strings.HasPrefix(code, "InvalidVSwitch"):
		diags.AddAttributeError(path.Root("instance_id"), "Alibaba Cloud refused the association", apiErrorDetail(err))
	default:
		diags.AddError("Error associating the HaVip member", apiErrorDetail(err))
	}
}

func (r *attachmentResource) fill(m *attachmentModel, h *alicloud.HaVip) {
	m.IsMaster = types.BoolValue(h.MasterInstanceID != "" && h.MasterInstanceID == m.InstanceID.ValueString())
	m.Status = types.StringValue(h.Status)
}

func (r *attachmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer attachmentIdentity.keepRead(ctx, req, resp)
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, memberID := state.HaVipID.ValueString(), state.InstanceID.ValueString()
	h, err := client.ReadHaVip(ctx, havipID)
	if err == nil && !h.HasMember(memberID) && r.data.memberGone(ctx, memberID) {
		// Dropping it from the state would make the next plan re-create
		// it and fail on the missing instance, also in the plan Terraform
		// runs before a destroy. Kept and marked, the plan warns instead.
		state.Status = types.StringValue(statusMemberDeleted)
		state.IsMaster = types.BoolValue(false)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if alicloud.IsNotFound(err) || (err == nil && !h.HasMember(memberID)) {
		tflog.Warn(ctx, "HaVip member is gone; removing the attachment from state", map[string]any{"havip_id": havipID, "instance_id": memberID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading HaVip "+havipID, apiErrorDetail(err))
		return
	}
	if state.InstanceType.IsNull() || state.InstanceType.ValueString() == "" {
		state.InstanceType = types.StringValue(h.AssociatedInstanceType)
	}
	if state.Force.IsNull() {
		state.Force = types.BoolValue(false)
	}
	state.ID = types.StringValue(havipID + ":" + memberID)
	r.fill(&state, h)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only ever changes force, which lives in state alone; the
// computed attributes are read again because the master may have moved.
func (r *attachmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer attachmentIdentity.keep(ctx, &resp.State, req.Identity, resp.Identity, &resp.Diagnostics)
	var plan, state attachmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.IsMaster, plan.Status = state.IsMaster, state.Status
	if h, err := client.ReadHaVip(ctx, plan.HaVipID.ValueString()); err == nil {
		r.fill(&plan, h)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *attachmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state attachmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, memberID := state.HaVipID.ValueString(), state.InstanceID.ValueString()
	if state.Status.ValueString() == statusMemberDeleted {
		if h, err := client.ReadHaVip(ctx, havipID); alicloud.IsNotFound(err) || (err == nil && !h.HasMember(memberID)) {
			return
		}
	}
	force := state.Force.ValueBool()
	typ := state.InstanceType.ValueString()
	if typ == "" {
		typ = rulebook.MemberTypeOf(memberID)
	}
	// The plan refused a known master already. If keepalived moved the
	// HaVip to this member since, the service itself refuses the detach
	// without Force and changes nothing; say what to do about it.
	if err := client.UnassociateHaVip(ctx, havipID, memberID, typ, force); err != nil {
		if alicloud.CodeOf(err) == rulebook.CodeUnassociateMaster {
			refuseMasterDetach(&resp.Diagnostics, havipID, memberID, "", " (it became the master after the plan)", forceMasterAttachment, err)
			return
		}
		resp.Diagnostics.AddError("Error detaching "+memberID+" from HaVip "+havipID, apiErrorDetail(err))
		return
	}
	r.data.planned.releaseMember(havipID, memberID)
}

// statusMemberDeleted marks an attachment whose instance or ENI no longer
// exists.
const statusMemberDeleted = "MemberDeleted"

func (r *attachmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID = attachmentIdentity.importID(ctx, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	havipID, memberID, ok := strings.Cut(req.ID, ":")
	typ := rulebook.MemberTypeOf(memberID)
	if !ok || !strings.HasPrefix(havipID, "havip-") || len(havipID) <= len("havip-") || typ == "" || strings.Contains(memberID, ":") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected havip_id:instance_id, such as havip-bp1abc:i-bp1def or havip-bp1abc:eni-bp1ghi; got %q.", req.ID))
		return
	}
	for p, v := range map[string]string{"id": req.ID, "havip_id": havipID, "instance_id": memberID, "instance_type": typ} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
}
