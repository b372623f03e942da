package rulebook

import (
	"fmt"
	"strings"
)

// Text rules of names and descriptions (havip-api.md §5 CreateHaVip): a
// length in characters and no http:// or https:// prefix. The description
// range follows the metadata (1–255), the strictest of the sources.
const (
	NameMin        = 1
	NameMax        = 128
	DescriptionMin = 1
	DescriptionMax = 255

	// Route entries (routes-and-ram.md): names as above, descriptions
	// 1–256.
	RouteDescriptionMin = 1
	RouteDescriptionMax = 256

	MaxTags     = 20
	TagKeyMax   = 128
	TagValueMax = 128
)

// CheckName applies the name rule; code is the action's error code
// (CreateHaVip and ModifyHaVipAttribute spell it differently).
func CheckName(v, code string) *Violation {
	return CheckText(v, NameMin, NameMax, code, "Name")
}

// CheckRouteDescription applies a route entry's description rule.
func CheckRouteDescription(v string) *Violation {
	return CheckText(v, RouteDescriptionMin, RouteDescriptionMax, CodeDescriptionMalformed, "Description")
}

// CheckDescription applies the description rule.
func CheckDescription(v string) *Violation {
	return CheckText(v, DescriptionMin, DescriptionMax, CodeDescriptionMalformed, "Description")
}

// CheckText is the rule every name and description of the VPC API follows,
// with the action's own range: EIP descriptions take 2–256 characters,
// route entry descriptions 1–256.
func CheckText(v string, min, max int, code, field string) *Violation {
	if n := len([]rune(v)); n < min || n > max {
		return &Violation{Code: code, Field: field, Title: "Invalid length",
			Message: fmt.Sprintf("The %s must be %d to %d characters long; this value has %d.", strings.ToLower(field), min, max, n)}
	}
	if hasURLPrefix(v) {
		return &Violation{Code: code, Field: field, Title: "Invalid value",
			Message: fmt.Sprintf("The %s must not start with http:// or https://.", strings.ToLower(field))}
	}
	return nil
}

func hasURLPrefix(v string) bool {
	l := strings.ToLower(v)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

func hasURL(v string) bool {
	l := strings.ToLower(v)
	return strings.Contains(l, "http://") || strings.Contains(l, "https://")
}

// CheckTagCount refuses more tags than a resource takes.
func CheckTagCount(n int) *Violation {
	if n <= MaxTags {
		return nil
	}
	return &Violation{Code: CodeInvalidParameter, Field: "Tag", Title: "Too many tags",
		Message: fmt.Sprintf("A HaVip takes at most %d tags; %d are set.", MaxTags, n)}
}

// CheckTag applies the key and value rules of one tag: a key of 1–128
// characters not starting with aliyun or acs:, a value of at most 128, and
// neither containing http:// or https://.
func CheckTag(key, value string) []Violation {
	var out []Violation
	lk := strings.ToLower(key)
	if key == "" || len([]rune(key)) > TagKeyMax || strings.HasPrefix(lk, "aliyun") || strings.HasPrefix(lk, "acs:") || hasURL(key) {
		out = append(out, Violation{Code: CodeTagKeyMalformed, Field: "Tag.Key", Title: "Invalid tag key",
			Message: fmt.Sprintf("Tag key %q must be 1 to %d characters, must not start with aliyun or acs:, and must not contain http:// or https://.", key, TagKeyMax)})
	}
	if len([]rune(value)) > TagValueMax || hasURL(value) {
		out = append(out, Violation{Code: CodeTagValueMalformed, Field: "Tag.Value", Title: "Invalid tag value",
			Message: fmt.Sprintf("The value of tag %q must be at most %d characters and must not contain http:// or https://.", key, TagValueMax)})
	}
	return out
}
