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

var _ list.ListResourceWithConfigure = &eipAssociationList{}

// eipAssociationList is list "havip_eip_association": the EIP bound to each
// HaVip the filters match. Only HaVips that show a bound address cost a
// call (DescribeEipAddresses by the HaVip).
type eipAssociationList struct{ havipListBase }

// NewEIPAssociationList is the factory of list resource "havip_eip_association".
func NewEIPAssociationList() list.ListResource { return &eipAssociationList{} }

func (l *eipAssociationList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_eip_association"
}

func (l *eipAssociationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = filterSchema("the EIPs bound to")
}

func (l *eipAssociationList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	l.stream(ctx, req, resp, func(ctx context.Context, h *alicloud.HaVip, push func(list.ListResult) bool) bool {
		if len(h.AssociatedEIPAddresses) == 0 {
			return true
		}
		eips, err := l.data.client.ListEIPsOfHaVip(ctx, h.ID)
		if err != nil {
			var diags diag.Diagnostics
			diags.AddError("Error reading the EIPs of HaVip "+h.ID, apiErrorDetail(err))
			return push(list.ListResult{Diagnostics: diags})
		}
		for _, e := range eips {
			d := types.StringValue
			if !push(newResult(ctx, req, eipAssociationIdentity, []string{h.ID, e.ID},
				fmt.Sprintf("%s (%s) on %s", e.ID, e.IPAddress, havipDisplayName(h)), map[string]any{
					"id": d(h.ID + ":" + e.ID), "havip_id": d(h.ID), "allocation_id": d(e.ID),
					"force": types.BoolValue(false), "eip_address": d(e.IPAddress),
				})) {
				return false
			}
		}
		return true
	})
}
