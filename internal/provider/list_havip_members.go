package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

var _ list.ListResourceWithConfigure = &membersList{}

// membersList is list "havip_members": the whole membership of every HaVip
// the filters match that has members, with its EIP, as an import of
// havip_members reads it.
type membersList struct{ havipListBase }

// NewMembersList is the factory of list resource "havip_members".
func NewMembersList() list.ListResource { return &membersList{} }

func (l *membersList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_members"
}

func (l *membersList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = filterSchema("the memberships (members and EIP) of the HaVips that have members,")
}

func (l *membersList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	l.stream(ctx, req, resp, func(ctx context.Context, h *alicloud.HaVip, push func(list.ListResult) bool) bool {
		if len(h.AssociatedInstances) == 0 {
			return true
		}
		eipID, eipAddress := types.StringNull(), types.StringNull()
		if req.IncludeResource && len(h.AssociatedEIPAddresses) > 0 {
			eips, err := l.data.client.ListEIPsOfHaVip(ctx, h.ID)
			if err != nil {
				var diags diag.Diagnostics
				diags.AddError("Error reading the EIPs of HaVip "+h.ID, apiErrorDetail(err))
				return push(list.ListResult{Diagnostics: diags})
			}
			if len(eips) > 0 {
				eipID, eipAddress = types.StringValue(eips[0].ID), types.StringValue(eips[0].IPAddress)
			}
		}
		d := types.StringValue
		return push(newResult(ctx, req, membersIdentity, []string{h.ID},
			fmt.Sprintf("%s: %d members", havipDisplayName(h), len(h.AssociatedInstances)), map[string]any{
				"id": d(h.ID), "havip_id": d(h.ID), "vswitch_id": d(h.VSwitchID),
				"member_ids": stringListOrNull(ctx, h.AssociatedInstances), "instance_type": d(h.AssociatedInstanceType),
				"eip_allocation_id": eipID, "eip_address": eipAddress, "force": types.BoolValue(false),
				"master_instance_id": d(h.MasterInstanceID),
			}))
	})
}
