package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

var _ list.ListResourceWithConfigure = &havipList{}

// havipList is list "havip": every HaVip the filters match.
type havipList struct{ havipListBase }

// NewHaVipList is the factory of list resource "havip".
func NewHaVipList() list.ListResource { return &havipList{} }

func (l *havipList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName
}

func (l *havipList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = filterSchema("HaVips")
}

func (l *havipList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	l.stream(ctx, req, resp, func(ctx context.Context, h *alicloud.HaVip, push func(list.ListResult) bool) bool {
		tags := types.MapNull(types.StringType)
		if len(h.Tags) > 0 {
			t, d := types.MapValueFrom(ctx, types.StringType, h.Tags)
			if d.HasError() {
				return push(list.ListResult{Diagnostics: d})
			}
			tags = t
		}
		var d = types.StringValue
		return push(newResult(ctx, req, havipIdentity, []string{h.ID}, havipDisplayName(h), map[string]any{
			"id": d(h.ID), "vswitch_id": d(h.VSwitchID), "ip_address": d(h.IPAddress),
			"name": optionalText(h.Name), "description": optionalText(h.Description), "tags": tags,
			"resource_group_id": d(h.ResourceGroupID), "vpc_id": d(h.VpcID), "status": d(h.Status),
			"master_instance_id": d(h.MasterInstanceID), "associated_instance_type": d(h.AssociatedInstanceType),
			"associated_instance_ids":  stringListOrNull(ctx, h.AssociatedInstances),
			"associated_eip_addresses": stringListOrNull(ctx, h.AssociatedEIPAddresses),
			"create_time":              d(h.CreateTime),
		}))
	})
}

// havipDisplayName names a HaVip in terraform query's output.
func havipDisplayName(h *alicloud.HaVip) string {
	if h.Name == "" {
		return fmt.Sprintf("%s (%s)", h.ID, h.IPAddress)
	}
	return fmt.Sprintf("%s: %s (%s)", h.ID, h.Name, h.IPAddress)
}

// stringListOrNull is a list attribute of the result; one that cannot be
// built stays null (the read after import fills it).
func stringListOrNull(ctx context.Context, v []string) types.List {
	if v == nil {
		v = []string{}
	}
	l, d := types.ListValueFrom(ctx, types.StringType, v)
	if d.HasError() {
		return types.ListNull(types.StringType)
	}
	return l
}
