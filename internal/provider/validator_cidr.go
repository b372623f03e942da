package provider

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// cidrValidator accepts an IPv4 CIDR block in canonical form, the form a
// route table stores and compares destinations in.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be an IPv4 CIDR block with the host bits zero, such as 10.10.0.0/16"
}
func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Not a CIDR block",
			fmt.Sprintf("%q is not a CIDR block such as 10.10.0.0/16.", s))
	case !p.Addr().Is4():
		resp.Diagnostics.AddAttributeError(req.Path, "IPv4 only",
			fmt.Sprintf("%q is an IPv6 block. A HaVip has an IPv4 address, so its routes are IPv4.", s))
	case p != p.Masked():
		resp.Diagnostics.AddAttributeError(req.Path, "Host bits set in the CIDR block",
			fmt.Sprintf("%q has host bits set; the route table stores %s. Write %s.", s, p.Masked(), p.Masked()))
	}
}
