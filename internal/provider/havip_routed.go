package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// refuseRouted stops the deletion of a HaVip that a route entry still
// points at, before DeleteHaVip, with the routes named: the service would
// refuse it (DependencyViolation.HaVipReferedByRouteEntry) without saying
// which route. It runs at apply rather than plan because only then is it
// known whether the route is removed first in the same run: Terraform
// deletes a havip_route_entry before the HaVip it references.
func (d *providerData) refuseRouted(ctx context.Context, havipID, vpcID string, diags *diag.Diagnostics) bool {
	client := d.client
	if vpcID == "" {
		h, err := client.DescribeHaVip(ctx, havipID)
		if alicloud.IsNotFound(err) {
			return false // gone: the delete settles at once
		}
		if err != nil {
			diags.AddError("Cannot check the routes to HaVip "+havipID, apiErrorDetail(err))
			return true
		}
		vpcID = h.VpcID
	}
	routes, err := d.routesTo(ctx, vpcID, havipID)
	if err != nil {
		diags.AddError("Cannot check the routes to HaVip "+havipID, apiErrorDetail(err))
		return true
	}
	if len(routes) == 0 {
		return false
	}
	var names []string
	for _, r := range routes {
		names = append(names, fmt.Sprintf("%s (%s in route table %s)", r.ID, r.Destination, r.TableID))
	}
	diags.AddError("HaVip "+havipID+" is still the next hop of a route",
		fmt.Sprintf("Route entry %s points at HaVip %s; Alibaba Cloud refuses to delete a HaVip that a route uses "+
			"(DependencyViolation.HaVipReferedByRouteEntry). Remove the havip_route_entry, or delete the route, first. The HaVip was not deleted.",
			strings.Join(names, ", "), havipID))
	return true
}

// routesTo lists the route entries of the VPC's route tables whose next
// hop is the HaVip. The VPC's tables are listed once per process: a HaVip
// deletion then costs one DescribeRouteEntryList per table.
func (d *providerData) routesTo(ctx context.Context, vpcID, havipID string) ([]alicloud.RouteEntry, error) {
	var tables []alicloud.RouteTable
	if v, ok := d.vpcRouteTables.Load(vpcID); ok {
		tables = v.([]alicloud.RouteTable)
	} else {
		t, err := d.client.ListRouteTables(ctx, vpcID)
		if err != nil {
			return nil, err
		}
		d.vpcRouteTables.Store(vpcID, t)
		tables = t
	}
	var out []alicloud.RouteEntry
	for _, t := range tables {
		entries, err := d.client.ListRouteEntries(ctx, alicloud.RouteEntryFilter{TableID: t.ID, NextHopType: alicloud.NextHopHaVip, NextHopID: havipID})
		if alicloud.IsNotFound(err) {
			continue // a custom table deleted since it was listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}
