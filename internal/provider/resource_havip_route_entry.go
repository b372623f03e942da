package provider

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
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
	_ resource.ResourceWithConfigure   = &routeEntryResource{}
	_ resource.ResourceWithImportState = &routeEntryResource{}
	_ resource.ResourceWithModifyPlan  = &routeEntryResource{}
)

const (
	defaultRouteCreateTimeout = 10 * time.Minute
	defaultRouteDeleteTimeout = 10 * time.Minute
)

type routeEntryResource struct{ data *providerData }

// NewRouteEntryResource is the factory of resource "havip_route_entry".
func NewRouteEntryResource() resource.Resource { return &routeEntryResource{} }

func (r *routeEntryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_route_entry"
}

func (r *routeEntryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "A custom route entry whose next hop is a HaVip (`NextHopType = HaVip`): traffic for the destination, from every " +
			"vSwitch that uses the route table, goes to whichever member holds the HaVip. Checked at plan time when the values are known: " +
			"the destination is a canonical IPv4 CIDR block not already routed in the table, the table belongs to the HaVip's VPC, " +
			"and the table keeps at most the quota of HaVip route entries (5 by default), counting the entries planned in the same run. " +
			"Every attribute but the timeouts replaces the entry when changed: the API has no way to modify one here.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, Description: "`route_table_id:route_entry_id`.", PlanModifiers: keep},
			"route_table_id": schema.StringAttribute{Required: true,
				Description:   "Route table (`vtb-…`): the VPC's system table, or a custom table of the vSwitches that should reach the HaVip this way.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"vtb-"}, what: "a route table"}},
				PlanModifiers: replace},
			"destination_cidr_block": schema.StringAttribute{Required: true,
				Description:   "Destination, an IPv4 CIDR block in canonical form (host bits zero), such as `10.10.0.0/16`. One route per destination and table.",
				Validators:    []validator.String{cidrValidator{}},
				PlanModifiers: replace},
			"havip_id": schema.StringAttribute{Required: true, Description: "HaVip the traffic goes to; it must be in the route table's VPC.",
				Validators:    []validator.String{prefixValidator{prefixes: []string{"havip-"}, what: "a HaVip"}},
				PlanModifiers: replace},
			"name": schema.StringAttribute{Optional: true,
				Description: "Name, 1 to 128 characters, not starting with `http://` or `https://`.",
				Validators:  []validator.String{apiTextValidator{min: rulebook.NameMin, max: rulebook.NameMax, field: "RouteEntryName"}}, PlanModifiers: replace},
			"description": schema.StringAttribute{Optional: true,
				Description: "Description, 1 to 256 characters, not starting with `http://` or `https://`.",
				Validators:  []validator.String{apiTextValidator{min: rulebook.RouteDescriptionMin, max: rulebook.RouteDescriptionMax, field: "Description"}}, PlanModifiers: replace},
			"route_entry_id": schema.StringAttribute{Computed: true, Description: "Route entry ID (`rte-…`).", PlanModifiers: keep},
			"status":         schema.StringAttribute{Computed: true, Description: "`Available` once the route is in effect (creation waits for it).", PlanModifiers: keep},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *routeEntryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *routeEntryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		defer adjustForCommand(&resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.client == nil {
		return
	}
	var plan routeEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		// Resource-level ModifyPlan sees no RequiresReplace yet, so a
		// replacement is told by the attributes. The old entry is deleted
		// before its successor is created: record it, so the create half,
		// planned again from a null prior state, does not count it.
		var state routeEntryModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !plan.RouteTableID.Equal(state.RouteTableID) || !plan.Destination.Equal(state.Destination) || !plan.HaVipID.Equal(state.HaVipID) ||
			!plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) {
			r.data.planned.replaceRoute(state.RouteEntryID.ValueString())
		}
		return
	}
	if plan.RouteTableID.IsUnknown() || plan.Destination.IsUnknown() {
		return // checked when Terraform plans again at apply, before CreateRouteEntry
	}
	resp.Diagnostics.Append(r.checkNew(ctx, plan)...)
}

// checkNew applies CreateRouteEntry's rules: the table exists and belongs
// to the HaVip's VPC, the destination is not routed there yet, and the
// table stays within its quota of HaVip route entries, counting the
// entries planned in this run.
func (r *routeEntryResource) checkNew(ctx context.Context, plan routeEntryModel) (diags diag.Diagnostics) {
	client := r.data.client
	tableID := plan.RouteTableID.ValueString()
	prefix, err := netip.ParsePrefix(plan.Destination.ValueString())
	if err != nil {
		return diags // the attribute's validator has said why
	}
	dest := prefix.String()
	table, err := r.data.routeTable(ctx, tableID)
	if alicloud.IsNotFound(err) {
		diags.AddAttributeError(path.Root("route_table_id"), "Route table not found",
			fmt.Sprintf("Route table %s does not exist in region %s.", tableID, client.Region()))
		return diags
	}
	if err != nil {
		diags.AddError("Cannot check route table "+tableID, apiErrorDetail(err))
		return diags
	}
	havipID := ""
	if !plan.HaVipID.IsUnknown() {
		havipID = plan.HaVipID.ValueString()
		switch h := r.data.planHaVip(ctx, havipID, &diags); {
		case h == nil:
			return diags
		case h.VpcID != table.VpcID:
			diags.AddAttributeError(path.Root("route_table_id"), "Route table in another VPC",
				fmt.Sprintf("Route table %s belongs to VPC %s, but HaVip %s is in VPC %s. A route can only point at a HaVip of the table's own VPC.",
					tableID, table.VpcID, havipID, h.VpcID))
			return diags
		}
	}
	entries, err := client.ListRouteEntries(ctx, alicloud.RouteEntryFilter{TableID: tableID})
	if err != nil {
		diags.AddError("Cannot list the route entries of "+tableID, apiErrorDetail(err))
		return diags
	}
	routed := map[string]bool{} // destinations with a HaVip next hop that stay
	for _, e := range entries {
		if r.data.planned.routeReplaced(e.ID) {
			continue // deleted before this entry is created
		}
		if e.Destination == dest {
			diags.AddAttributeError(path.Root("destination_cidr_block"), "Destination already routed",
				fmt.Sprintf("%s is already routed in route table %s by %s entry %s (next hop %s %s). A table routes each destination once.",
					dest, tableID, e.Type, e.ID, e.NextHopType, e.NextHopID))
			return diags
		}
		if e.NextHopType == alicloud.NextHopHaVip {
			routed[e.Destination] = true
		}
	}
	// A new entry is planned once per provider process (a replacement's
	// create half once, from a null prior state), so a destination already
	// planned for the table is another resource's, whatever its HaVip.
	if other, ok := r.data.planned.plannedRoute(tableID, dest); ok {
		to := "HaVip " + other
		if other == "" || havipID == "" {
			to = "a HaVip"
		}
		diags.AddAttributeError(path.Root("destination_cidr_block"), "Destination planned twice",
			fmt.Sprintf("Another havip_route_entry of this configuration routes %s in route table %s to %s. A table routes each destination once "+
				"(CreateRouteEntry would refuse the second with InvalidCIDRBlock.Duplicate).", dest, tableID, to))
		return diags
	}
	res := r.data.planned.reserve()
	defer res.settle(&diags)
	others := res.route(tableID, dest, havipID)
	var planned []string
	for _, d := range slices.Sorted(maps.Keys(others)) {
		if !routed[d] {
			planned = append(planned, d)
		}
	}
	if v := r.data.limits.CheckHaVipRouteEntries(tableID, len(routed)+len(planned)); v != nil {
		var existing []string
		for _, e := range entries {
			if routed[e.Destination] {
				existing = append(existing, e.Destination+" ("+e.ID+")")
			}
		}
		detail := fmt.Sprintf("Route table %s already has %d route entries with a HaVip next hop", tableID, len(routed))
		if len(existing) > 0 {
			detail += ": " + strings.Join(existing, ", ")
		}
		if len(planned) > 0 {
			detail += fmt.Sprintf("; this plan adds %s", strings.Join(planned, ", "))
		}
		detail += fmt.Sprintf(". A route table takes at most %d (%s). Raise the quota "+
			"vpc_quota_havip_custom_route_entry in Quota Center and set quotas.havip_route_entries_per_table in the provider, "+
			"or route through another table.", r.data.limits.HaVipRoutesPerTable, v.Code)
		diags.AddAttributeError(path.Root("route_table_id"), "HaVip route quota of the route table reached", detail)
	}
	return diags
}

func (r *routeEntryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer routeEntryIdentity.keep(ctx, &resp.State, nil, resp.Identity, &resp.Diagnostics)
	var plan routeEntryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultRouteCreateTimeout, &resp.Diagnostics)
	defer cancel()
	in := alicloud.CreateRouteEntryInput{TableID: plan.RouteTableID.ValueString(), Destination: plan.Destination.ValueString(),
		HaVipID: plan.HaVipID.ValueString(), Name: plan.Name.ValueString(), Description: plan.Description.ValueString()}
	e, err := client.CreateRouteEntry(ctx, in)
	if err != nil {
		if e != nil && e.ID != "" {
			// Created but not settled: keep it in state (tainted) so it is
			// never orphaned.
			r.fill(&plan, e)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		} else {
			r.data.planned.releaseRoute(in.TableID, in.Destination)
		}
		addRouteError(&resp.Diagnostics, err)
		return
	}
	tflog.Info(ctx, "created route entry", map[string]any{"route_entry_id": e.ID, "route_table_id": e.TableID, "havip_id": e.NextHopID})
	r.fill(&plan, e)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// addRouteError points API refusals at the attribute they are about.
func addRouteError(diags *diag.Diagnostics, err error) {
	code := alicloud.CodeOf(err)
	switch {
	case code == "InvalidCIDRBlock.Duplicate" || strings.HasPrefix(code, "InvalidDestinationCidrBlock"):
		diags.AddAttributeError(path.Root("destination_cidr_block"), "Alibaba Cloud refused the destination", apiErrorDetail(err))
	case code == rulebook.CodeHaVipNotFound || code == rulebook.CodeIncorrectHaVipStatus:
		diags.AddAttributeError(path.Root("havip_id"), "Alibaba Cloud refused the HaVip next hop", apiErrorDetail(err))
	case code == "InvalidRouteTableId.NotFound" || strings.HasPrefix(code, "CountLimitExceed") || strings.HasPrefix(code, "InvalidNextHop"):
		diags.AddAttributeError(path.Root("route_table_id"), "Alibaba Cloud refused the route entry", apiErrorDetail(err))
	default:
		diags.AddError("Error creating route entry", apiErrorDetail(err))
	}
}

// fill copies what the API says into the model; an empty name or
// description stays null when none is configured.
func (r *routeEntryResource) fill(m *routeEntryModel, e *alicloud.RouteEntry) {
	m.ID = types.StringValue(e.TableID + ":" + e.ID)
	m.RouteTableID = types.StringValue(e.TableID)
	m.RouteEntryID = types.StringValue(e.ID)
	if e.Destination != "" {
		m.Destination = types.StringValue(e.Destination)
	}
	if e.NextHopID != "" {
		m.HaVipID = types.StringValue(e.NextHopID)
	}
	m.Status = types.StringValue(e.Status)
	text := func(v string, cur types.String) types.String {
		if v == "" && (cur.IsNull() || cur.IsUnknown()) {
			return types.StringNull()
		}
		return types.StringValue(v)
	}
	m.Name = text(e.Name, m.Name)
	m.Description = text(e.Description, m.Description)
}

func (r *routeEntryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer routeEntryIdentity.keepRead(ctx, req, resp)
	var state routeEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	tableID, id := state.RouteTableID.ValueString(), state.RouteEntryID.ValueString()
	e, err := client.FreshRouteEntry(ctx, tableID, id)
	if alicloud.IsNotFound(err) || (err == nil && e.Status == rulebook.StatusDeleting) {
		tflog.Warn(ctx, "route entry is gone; removing it from state", map[string]any{"route_entry_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading route entry "+id, apiErrorDetail(err))
		return
	}
	if e.NextHopType != alicloud.NextHopHaVip {
		resp.Diagnostics.AddError("Route entry "+id+" does not point at a HaVip",
			fmt.Sprintf("Its next hop is %s %s; havip_route_entry manages routes whose next hop is a HaVip only.", e.NextHopType, e.NextHopID))
		return
	}
	r.fill(&state, e)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *routeEntryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only the timeouts can change in place.
	storePlan[routeEntryModel](ctx, routeEntryIdentity, req, resp)
}

func (r *routeEntryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state routeEntryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.data.api(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultRouteDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if err := client.DeleteRouteEntry(ctx, state.RouteTableID.ValueString(), state.RouteEntryID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Error deleting route entry "+state.RouteEntryID.ValueString(), apiErrorDetail(err))
	}
}

func (r *routeEntryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID = routeEntryIdentity.importID(ctx, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	tableID, id, ok := strings.Cut(req.ID, ":")
	if !ok || !strings.HasPrefix(tableID, "vtb-") || len(tableID) <= len("vtb-") ||
		!strings.HasPrefix(id, "rte-") || len(id) <= len("rte-") || strings.Contains(id, ":") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected route_table_id:route_entry_id, such as vtb-bp1abc:rte-bp1def; got %q.", req.ID))
		return
	}
	for p, v := range map[string]string{"id": req.ID, "route_table_id": tableID, "route_entry_id": id} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p), v)...)
	}
}
