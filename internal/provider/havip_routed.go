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
func refuseRouted(ctx context.Context, client *alicloud.Client, havipID, vpcID string, diags *diag.Diagnostics) bool {
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
	routes, err := client.RoutesToHaVip(ctx, vpcID, havipID)
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
