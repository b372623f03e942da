package provider

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ipv4Validator accepts dotted-quad IPv4 only: HaVip has no IPv6.
type ipv4Validator struct{}

func (ipv4Validator) Description(context.Context) string { return "must be an IPv4 address" }
func (v ipv4Validator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (ipv4Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	a, err := netip.ParseAddr(s)
	switch {
	case err == nil && a.Is6() && !a.Is4In6():
		resp.Diagnostics.AddAttributeError(req.Path, "HaVip supports IPv4 only",
			fmt.Sprintf("%q is an IPv6 address. A HaVip takes an IPv4 address from its vSwitch's IPv4 CIDR.", s))
	case err != nil || !a.Is4():
		resp.Diagnostics.AddAttributeError(req.Path, "Not an IPv4 address",
			fmt.Sprintf("%q is not an IPv4 address such as 192.168.0.24.", s))
	}
}

// apiTextValidator is the API's rule for names and descriptions: a length
// range and no http:// or https:// prefix.
type apiTextValidator struct{ min, max int }

func (v apiTextValidator) Description(context.Context) string {
	return fmt.Sprintf("%d to %d characters, not starting with http:// or https://", v.min, v.max)
}
func (v apiTextValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v apiTextValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	n := len([]rune(s))
	if n < v.min || n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid length",
			fmt.Sprintf("Must be %d to %d characters long; this value has %d.", v.min, v.max, n))
	}
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			"Alibaba Cloud refuses names and descriptions that start with http:// or https://.")
	}
}

// prefixValidator checks an ID's resource prefix, so a vSwitch ID in a
// HaVip field fails at plan time rather than as a NotFound at apply.
type prefixValidator struct {
	prefixes []string
	what     string
}

func (v prefixValidator) Description(context.Context) string {
	return fmt.Sprintf("must be %s ID starting with %s", v.what, strings.Join(v.prefixes, " or "))
}
func (v prefixValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v prefixValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	for _, p := range v.prefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID", fmt.Sprintf("%q %s.", s, v.Description(ctx)))
}

// tagsValidator applies Alibaba's tag rules: at most 20, keys 1–128
// characters not starting with aliyun or acs:, values up to 128, neither
// containing http:// or https://.
type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return "at most 20 tags; keys 1–128 characters, not starting with aliyun or acs:; values up to 128 characters"
}
func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) > 20 {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many tags", fmt.Sprintf("A HaVip takes at most 20 tags; %d are set.", len(elems)))
	}
	for k, v := range elems {
		lk := strings.ToLower(k)
		if k == "" || len([]rune(k)) > 128 || strings.HasPrefix(lk, "aliyun") || strings.HasPrefix(lk, "acs:") ||
			strings.Contains(lk, "http://") || strings.Contains(lk, "https://") {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag key",
				fmt.Sprintf("Tag key %q must be 1 to 128 characters, must not start with aliyun or acs:, and must not contain http:// or https://.", k))
		}
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			val := s.ValueString()
			lv := strings.ToLower(val)
			if len([]rune(val)) > 128 || strings.Contains(lv, "http://") || strings.Contains(lv, "https://") {
				resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid tag value",
					fmt.Sprintf("The value of tag %q must be at most 128 characters and must not contain http:// or https://.", k))
			}
		}
	}
}
