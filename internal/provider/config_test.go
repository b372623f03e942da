package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestMaskKey(t *testing.T) {
	if got := maskKey("LTAI5tAbCdEfGh"); got != "LTAI********Gh" || strings.Contains(got, "AbCd") {
		t.Fatalf("maskKey = %q", got)
	}
	if got := maskKey("abc"); got != "***" {
		t.Fatalf("maskKey short = %q", got)
	}
}

func runString(v validator.String, s string) []string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, resp)
	var out []string
	for _, d := range resp.Diagnostics {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

func TestValidators(t *testing.T) {
	cases := []struct {
		v    validator.String
		in   string
		want string // "" = valid
	}{
		{ipv4Validator{}, "192.168.0.24", ""},
		{ipv4Validator{}, "fd00::24", "IPv4 only"},
		{ipv4Validator{}, "::ffff:192.168.0.24", "Not an IPv4 address"},
		{ipv4Validator{}, "192.168.0.024", "Not an IPv4 address"},
		{ipv4Validator{}, "web", "Not an IPv4 address"},
		{apiTextValidator{1, 128, "Name"}, "web", ""},
		{apiTextValidator{1, 128, "Name"}, "", "Invalid length"},
		{apiTextValidator{1, 128, "Name"}, strings.Repeat("é", 129), "this value has 129"},
		{apiTextValidator{1, 255, "Description"}, "https://example", "start with http"},
		{prefixValidator{prefixes: []string{"vsw-"}, what: "a vSwitch"}, "vsw-1", ""},
		{prefixValidator{prefixes: []string{"vsw-"}, what: "a vSwitch"}, "vpc-1", "must be a vSwitch ID"},
		{prefixValidator{prefixes: []string{"vsw-"}, what: "a vSwitch"}, "vsw-", "must be a vSwitch ID"},
	}
	for _, c := range cases {
		got := runString(c.v, c.in)
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%T(%q): unexpected %v", c.v, c.in, got)
		case c.want != "" && (len(got) == 0 || !strings.Contains(strings.Join(got, "|"), c.want)):
			t.Errorf("%T(%q): want %q, got %v", c.v, c.in, c.want, got)
		}
	}
}

func TestTagsValidator(t *testing.T) {
	check := func(m map[string]string) string {
		elems := map[string]attr.Value{}
		for k, v := range m {
			elems[k] = types.StringValue(v)
		}
		mv, _ := types.MapValue(types.StringType, elems)
		resp := &validator.MapResponse{}
		tagsValidator{}.ValidateMap(context.Background(), validator.MapRequest{Path: path.Root("tags"), ConfigValue: mv}, resp)
		var s []string
		for _, d := range resp.Diagnostics {
			s = append(s, d.Detail())
		}
		return strings.Join(s, "|")
	}
	if got := check(map[string]string{"env": "prod"}); got != "" {
		t.Errorf("valid tags refused: %s", got)
	}
	many := map[string]string{}
	for i := 0; i < 21; i++ {
		many[strings.Repeat("k", i+1)] = "v"
	}
	for name, c := range map[string]struct {
		m    map[string]string
		want string
	}{
		"too many":   {many, "at most 20 tags"},
		"aliyun key": {map[string]string{"aliyun:x": "v"}, "must not start with aliyun"},
		"acs key":    {map[string]string{"ACS:x": "v"}, "must not start with aliyun"},
		"url value":  {map[string]string{"k": "see http://x"}, "must not contain http"},
		"long value": {map[string]string{"k": strings.Repeat("v", 129)}, "at most 128"},
	} {
		if got := check(c.m); !strings.Contains(got, c.want) {
			t.Errorf("%s: want %q, got %q", name, c.want, got)
		}
	}
}
