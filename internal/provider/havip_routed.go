package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// routedDetail explains DeleteHaVip's refusal of a HaVip that a route
// entry still points at (DependencyViolation.HaVipReferedByRouteEntry),
// naming the routes, which the service's message does not. The routes
// are looked up only once the service has refused: a check before every
// delete would cost each HaVip's deletion a route listing per table, for
// a refusal that changes nothing either way. Nor are the route reads in
// the havip resource's RAM policy: without them (a denial, say) the
// diagnostic only lacks the route's name.
func (d *providerData) routedDetail(ctx context.Context, havipID, vpcID string) string {
	const advice = "Remove the havip_route_entry, or delete the route, first. The HaVip was not deleted."
	if vpcID == "" {
		h, err := d.client.ReadHaVip(ctx, havipID)
		if err != nil {
			return "A route entry still points at the HaVip. " + advice
		}
		vpcID = h.VpcID
	}
	routes, err := d.routesTo(ctx, vpcID, havipID)
	if err != nil || len(routes) == 0 {
		return "A route entry still points at the HaVip. " + advice
	}
	var names []string
	for _, r := range routes {
		names = append(names, fmt.Sprintf("%s (%s in route table %s)", r.ID, r.Destination, r.TableID))
	}
	return fmt.Sprintf("Route entry %s points at HaVip %s; Alibaba Cloud refuses to delete a HaVip that a route uses. %s",
		strings.Join(names, ", "), havipID, advice)
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
