package provider

import (
	"context"
	"fmt"
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
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

var (
	_ resource.ResourceWithConfigure   = &eipAssociationResource{}
	_ resource.ResourceWithImportState = &eipAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &eipAssociationResource{}
)

type eipAssociationResource struct{ data *providerData }

// NewEIPAssociationResource is the factory of resource "havip_eip_association".
func NewEIPAssociationResource() resource.Resource { return &eipAssociationResource{} }

func (r *eipAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_eip_association"
}

func (r *eipAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "Binds an EIP to a HaVip for public access: traffic to the EIP goes to whichever member holds the HaVip, " +
			"and outbound traffic through it leaves with the HaVip's address. Checked at plan time: the EIP exists in the provider's region, " +
			"is Available (or already bound to this HaVip), and the HaVip has no other EIP.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "`havip_id:allocation_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"havip_id": schema.StringAttribute{Required: true, Description: "HaVip to bind the EIP to.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"havip-"}, what: "a HaVip"}},
				PlanModifiers: replace},
			"allocation_id": schema.StringAttribute{Required: true, Description: "EIP allocation ID (`eip-…`), in the provider's region.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"eip-"}, what: "an EIP allocation"}},
				PlanModifiers: replace},
			"force": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				Description: "Send Force=true when unbinding. Changing it does not replace the resource."},
			"eip_address": schema.StringAttribute{Computed: true, Description: "Public address of the EIP.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *eipAssociationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *eipAssociationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		defer adjustForCommand(&resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan eipAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planCompositeID(ctx, resp, plan.HaVipID, plan.AllocationID)
	if released(ctx, req.Private) {
		// A warning, not an error: Terraform runs this same plan before a
		// destroy, which must remove the dead association.
		resp.Diagnostics.AddAttributeWarning(path.Root("allocation_id"), "EIP released outside Terraform",
			fmt.Sprintf("EIP %s no longer exists. Remove this havip_eip_association from the configuration; "+
				"terraform destroy is not affected either.", plan.AllocationID.ValueString()))
	}
	// The framework hands resource-level ModifyPlan an empty
	// RequiresReplace (the attributes' is merged in only afterwards), so a
	// replacement is told by the attributes that force it.
	var state eipAssociationModel
	replacing := false
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		replacing = !plan.HaVipID.Equal(state.HaVipID) || !plan.AllocationID.Equal(state.AllocationID)
	}
	if r.data != nil && !plan.HaVipID.IsUnknown() && !plan.AllocationID.IsUnknown() {
		c, conflict := r.data.planned.claimHaVip(plan.HaVipID.ValueString(), ownerEIPAssociation, plan.AllocationID.ValueString())
		if conflict && (req.State.Raw.IsNull() || replacing) {
			resp.Diagnostics.Append(coManaged(plan.HaVipID.ValueString(), c)...)
			return
		}
	}
	if (!req.State.Raw.IsNull() && !replacing) || r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	if !r.data.admissionReady(&resp.Diagnostics, plan.HaVipID.IsUnknown(), eipAssociationChecks) {
		return
	}
	if replacing {
		// The old binding goes before the new one is made. Terraform plans
		// the create half of the replacement again from a null prior
		// state, which no longer says what it replaces: record it.
		r.data.planned.replaceEIP(state.HaVipID.ValueString(), state.AllocationID.ValueString(), state.EIPAddress.ValueString())
	}
	if plan.HaVipID.IsUnknown() || plan.AllocationID.IsUnknown() {
		return
	}
	resp.Diagnostics.Append(r.checkBind(ctx, plan.HaVipID.ValueString(), plan.AllocationID.ValueString())...)
}

var eipAssociationChecks = admissionChecks{resource: "havip_eip_association",
	checks:  "that the EIP exists in the provider's region and is Available, and that the HaVip has no other EIP",
	instead: "havip_members with eip_allocation_id checks the EIP with the members at plan time, also for a HaVip created in the same configuration",
	skipped: "that the EIP and the HaVip exist, that the EIP is Available, and that the HaVip has no other EIP",
}

// checkBind applies AssociateEipAddress's rules, not counting the bindings
// that planned replacements remove first: swapping a HaVip's EIP for
// another, or moving an EIP to another HaVip, is allowed.
func (r *eipAssociationResource) checkBind(ctx context.Context, havipID, allocationID string) (diags diag.Diagnostics) {
	at := attributes{havip: path.Root("havip_id"), eip: path.Root("allocation_id")}
	h := r.data.planHaVip(ctx, havipID, &diags)
	if h == nil {
		return diags
	}
	switch ok := r.data.admitEIP(ctx, allocationID, h, &diags); {
	case ok.refusal != nil:
		ok.refusal.addError(&diags, at)
		return diags
	case ok.failed || ok.here: // already bound here: Create adopts it
		return diags
	}
	res := r.data.planned.reserve()
	defer res.settle(&diags)
	if no := r.data.eipCountRefusal(res, havipID, h, allocationID, ""); no != nil {
		no.addError(&diags, at)
	}
	return diags
}

func (r *eipAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer eipAssociationIdentity.keep(ctx, &resp.State, nil, resp.Identity, &resp.Diagnostics)
	var plan eipAssociationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, allocationID := plan.HaVipID.ValueString(), plan.AllocationID.ValueString()
	eip, err := client.AssociateEIP(ctx, havipID, allocationID)
	if err != nil {
		r.data.planned.releaseEIP(havipID, allocationID)
		code := alicloud.CodeOf(err)
		switch {
		case code == rulebook.CodeEIPDuplicated || code == "InvalidInstanId.NotFound" || code == rulebook.CodeIncorrectHaVipStatus:
			resp.Diagnostics.AddAttributeError(path.Root("havip_id"), "Alibaba Cloud refused to bind the EIP", apiErrorDetail(err))
		case code == rulebook.CodeAllocationNotFound || code == rulebook.CodeIncorrectEIPStatus || code == "InvalidParameter.Mismatch":
			resp.Diagnostics.AddAttributeError(path.Root("allocation_id"), "Alibaba Cloud refused to bind the EIP", apiErrorDetail(err))
		default:
			resp.Diagnostics.AddError("Error binding EIP "+allocationID+" to HaVip "+havipID, apiErrorDetail(err))
		}
		return
	}
	tflog.Info(ctx, "bound EIP to HaVip", map[string]any{"havip_id": havipID, "allocation_id": allocationID})
	plan.ID = types.StringValue(havipID + ":" + allocationID)
	plan.EIPAddress = types.StringValue(eip.IPAddress)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *eipAssociationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer eipAssociationIdentity.keepRead(ctx, req, resp)
	var state eipAssociationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, allocationID := state.HaVipID.ValueString(), state.AllocationID.ValueString()
	eip, err := client.ReadEIP(ctx, allocationID)
	if alicloud.IsNotFound(err) {
		// Released: dropping the association from the state would make the
		// next plan bind it again and fail on the missing EIP, also in the
		// plan Terraform runs before a destroy. Kept and marked, the plan
		// warns instead.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateReleased, []byte(`true`))...)
		return
	}
	if err == nil && (eip.InstanceID != havipID || eip.Unbinding()) {
		tflog.Warn(ctx, "EIP is no longer bound to the HaVip, or being unbound; removing the association from state", map[string]any{"havip_id": havipID, "allocation_id": allocationID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading EIP "+allocationID, apiErrorDetail(err))
		return
	}
	state.ID = types.StringValue(havipID + ":" + allocationID)
	state.EIPAddress = types.StringValue(eip.IPAddress)
	if state.Force.IsNull() {
		state.Force = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *eipAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	storePlan[eipAssociationModel](ctx, eipAssociationIdentity, req, resp)
}

func (r *eipAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state eipAssociationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	havipID, allocationID := state.HaVipID.ValueString(), state.AllocationID.ValueString()
	if err := client.UnassociateEIP(ctx, havipID, allocationID, state.Force.ValueBool()); err != nil {
		resp.Diagnostics.AddError("Error unbinding EIP "+allocationID+" from HaVip "+havipID, apiErrorDetail(err))
		return
	}
	r.data.planned.releaseEIP(havipID, allocationID)
}

func (r *eipAssociationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID = eipAssociationIdentity.importID(ctx, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	havipID, allocationID, ok := strings.Cut(req.ID, ":")
	if !ok || !strings.HasPrefix(havipID, "havip-") || len(havipID) <= len("havip-") ||
		!strings.HasPrefix(allocationID, "eip-") || len(allocationID) <= len("eip-") || strings.Contains(allocationID, ":") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected havip_id:allocation_id, such as havip-bp1abc:eip-bp1def; got %q.", req.ID))
		return
	}
	for p, v := range map[string]string{"id": req.ID, "havip_id": havipID, "allocation_id": allocationID} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force"), false)...)
}
