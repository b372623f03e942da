package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
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
	if _, v := rulebook.ParseIPv4(req.ConfigValue.ValueString()); v != nil {
		addViolation(&resp.Diagnostics, req.Path, v, "")
	}
}

// apiTextValidator is the API's rule for names and descriptions: a length
// range and no http:// or https:// prefix.
type apiTextValidator struct {
	min, max int
	field    string // the API's parameter, Name or Description
}

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
	if bad := rulebook.CheckText(req.ConfigValue.ValueString(), v.min, v.max, "", v.field); bad != nil {
		addViolation(&resp.Diagnostics, req.Path, bad, "")
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

// tagsValidator applies the rulebook's tag rules.
type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags; keys 1–%d characters, not starting with aliyun or acs:; values up to %d characters",
		rulebook.MaxTags, rulebook.TagKeyMax, rulebook.TagValueMax)
}
func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if v := rulebook.CheckTagCount(len(elems)); v != nil {
		addViolation(&resp.Diagnostics, req.Path, v, "")
	}
	for k, v := range elems {
		val := "" // an unknown value is checked when it is known
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			val = s.ValueString()
		}
		for _, bad := range rulebook.CheckTag(k, val) {
			addViolation(&resp.Diagnostics, req.Path.AtMapKey(k), &bad, "")
		}
	}
}

// addViolation reports a broken rule of the rulebook on the attribute at,
// with a hint on what to do appended when there is one.
func addViolation(diags *diag.Diagnostics, at path.Path, v *rulebook.Violation, hint string) {
	msg := v.Message
	if hint != "" {
		msg += " " + hint
	}
	diags.AddAttributeError(at, v.Title, msg)
}
