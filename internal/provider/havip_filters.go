package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// havipFilterModel is the filters of the havip_havips data source, which
// the havip list resources take too (in their config block).
type havipFilterModel struct {
	IDs             types.List   `tfsdk:"ids"`
	VpcIDs          types.List   `tfsdk:"vpc_ids"`
	VSwitchIDs      types.List   `tfsdk:"vswitch_ids"`
	Statuses        types.List   `tfsdk:"statuses"`
	IPAddresses     types.List   `tfsdk:"ip_addresses"`
	Tags            types.Map    `tfsdk:"tags"`
	ResourceGroupID types.String `tfsdk:"resource_group_id"`
	NameRegex       types.String `tfsdk:"name_regex"`
}

// havips lists the HaVips the filters match: every filter but name_regex
// goes to DescribeHaVips (every page of 50 read), name_regex is applied
// here, in creation order.
func (f havipFilterModel) havips(ctx context.Context, client *alicloud.Client, diags *diag.Diagnostics) []alicloud.HaVip {
	var q alicloud.HaVipQuery
	list := func(l types.List, into *[]string) {
		if !l.IsNull() && !l.IsUnknown() {
			diags.Append(l.ElementsAs(ctx, into, false)...)
		}
	}
	list(f.IDs, &q.IDs)
	list(f.VpcIDs, &q.VpcIDs)
	list(f.VSwitchIDs, &q.VSwitchIDs)
	list(f.Statuses, &q.Statuses)
	list(f.IPAddresses, &q.IPAddresses)
	if !f.Tags.IsNull() && !f.Tags.IsUnknown() {
		diags.Append(f.Tags.ElementsAs(ctx, &q.Tags, false)...)
	}
	q.ResourceGroupID = f.ResourceGroupID.ValueString()
	var re *regexp.Regexp
	if s := f.NameRegex.ValueString(); s != "" {
		var err error
		if re, err = regexp.Compile(s); err != nil {
			diags.AddError("Invalid name_regex", err.Error())
		}
	}
	if diags.HasError() {
		return nil
	}
	found, err := client.ListHaVips(ctx, q)
	if err != nil {
		diags.AddError("Error listing HaVips", apiErrorDetail(err))
		return nil
	}
	if re == nil {
		return found
	}
	var out []alicloud.HaVip
	for _, h := range found {
		if re.MatchString(h.Name) {
			out = append(out, h)
		}
	}
	return out
}
