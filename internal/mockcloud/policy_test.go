package mockcloud

import (
	"strings"
	"testing"
)

func TestParsePolicy_refusesWhatItCannotEvaluate(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"not JSON", `{"Version":`, "policy:"},
		{"trailing data", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]} {}`, "trailing data"},
		{"wrong version", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, `Version must be "1"`},
		{"no version", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, `Version must be "1"`},
		{"no statement", `{"Version":"1"}`, "Statement is missing or empty"},
		{"empty statement list", `{"Version":"1","Statement":[]}`, "Statement is missing or empty"},
		{"statement not a list", `{"Version":"1","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "Statement must be a list"},
		{"unknown top element", `{"Version":"1","Id":"x","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, `unknown element "Id"`},
		{"condition", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}`, "Statement[0]: Condition is not supported by this mock"},
		{"not action", `{"Version":"1","Statement":[{"Effect":"Deny","NotAction":"vpc:Describe*","Resource":"*"}]}`, "NotAction is not supported"},
		{"not resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","NotResource":"*"}]}`, "NotResource is not supported"},
		{"principal", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"RAM":"*"}}]}`, "Principal is not supported"},
		{"lower-case effect", `{"Version":"1","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, `Effect must be "Allow" or "Deny", not "allow"`},
		{"no effect", `{"Version":"1","Statement":[{"Action":"*","Resource":"*"}]}`, "Effect must be"},
		{"no action", `{"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Action is missing or empty"},
		{"empty action list", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "Action is missing or empty"},
		{"action without product", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"CreateHaVip","Resource":"*"}]}`, `Action "CreateHaVip" must be`},
		{"action not a string", `{"Version":"1","Statement":[{"Effect":"Allow","Action":7,"Resource":"*"}]}`, "Action: must be a string or a list"},
		{"no resource", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*"}]}`, "Resource is missing or empty"},
		{"resource not an ARN", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"havip/*"}]}`, `Resource "havip/*" must be`},
		{"short ARN", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:vpc:*:havip/*"}]}`, "must be"},
		{"second statement is wrong", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*","Sid":"x"}]}`, `Statement[1]: unknown element "Sid"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(c.doc))
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestParsePolicy_stringOrList(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"Version":"1","Statement":[
		{"Effect":"Allow","Action":"vpc:DescribeHaVips","Resource":"*"},
		{"Effect":"Deny","Action":["vpc:DeleteHaVip","vpc:UnassociateHaVip"],"Resource":["acs:vpc:*:*:havip/havip-1","acs:vpc:*:*:havip/havip-2"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Statement) != 2 || len(p.Statement[0].Action) != 1 || len(p.Statement[1].Action) != 2 || len(p.Statement[1].Resource) != 2 {
		t.Fatalf("parsed %+v", p)
	}
}

func TestPolicyEvaluate(t *testing.T) {
	const havip1 = "acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1aaa"
	const vsw = "acs:vpc:cn-hangzhou:1234567890123456:vswitch/vsw-bp1seed"
	type check struct {
		action    string
		resources []string
		allowed   bool
		explicit  bool
		refused   string // the resource named in the refusal
	}
	cases := []struct {
		name   string
		policy string
		checks []check
	}{
		{
			name:   "action wildcard in the middle",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:*HaVip*","Resource":"*"}]}`,
			checks: []check{
				{action: "vpc:CreateHaVip", resources: []string{havip1}, allowed: true},
				{action: "vpc:DescribeHaVips", resources: []string{"*"}, allowed: true},
				{action: "vpc:UnassociateHaVip", resources: []string{havip1}, allowed: true},
				{action: "vpc:AssociateEipAddress", resources: []string{havip1}, refused: havip1},
				{action: "ecs:DescribeHaVips", resources: []string{"*"}, refused: "*"},
			},
		},
		{
			name:   "actions match case-insensitively",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"VPC:describe*","Resource":"*"}]}`,
			checks: []check{
				{action: "vpc:DescribeHaVips", resources: []string{"*"}, allowed: true},
				{action: "vpc:CreateHaVip", resources: []string{"*"}, refused: "*"},
			},
		},
		{
			name:   "ARN wildcards in region, account and ID",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:*","Resource":"acs:vpc:*:*:havip/*"}]}`,
			checks: []check{
				{action: "vpc:DeleteHaVip", resources: []string{havip1}, allowed: true},
				{action: "vpc:DeleteHaVip", resources: []string{"acs:vpc:cn-beijing:999:havip/havip-x"}, allowed: true},
				{action: "vpc:AssociateEipAddress", resources: []string{"acs:vpc:cn-hangzhou:1:eip/eip-1"}, refused: "acs:vpc:cn-hangzhou:1:eip/eip-1"},
				// A describe without a resource is authorised on "*", which
				// an ARN pattern does not cover.
				{action: "vpc:DescribeHaVips", resources: []string{"*"}, refused: "*"},
				// Every resource of a request must be allowed.
				{action: "vpc:CreateHaVip", resources: []string{"acs:vpc:cn-hangzhou:1:havip/*", vsw}, refused: vsw},
			},
		},
		{
			name:   "resources match case-sensitively and exactly",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:*","Resource":["acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1aaa"]}]}`,
			checks: []check{
				{action: "vpc:DeleteHaVip", resources: []string{havip1}, allowed: true},
				{action: "vpc:DeleteHaVip", resources: []string{strings.ToUpper(havip1)}, refused: strings.ToUpper(havip1)},
				{action: "vpc:DeleteHaVip", resources: []string{havip1 + "b"}, refused: havip1 + "b"},
				{action: "vpc:DeleteHaVip", resources: []string{"acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1aa"}, refused: "acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1aa"},
			},
		},
		{
			name:   "question mark is one character",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:?eleteHaVip","Resource":"acs:vpc:*:*:havip/havip-?"}]}`,
			checks: []check{
				{action: "vpc:DeleteHaVip", resources: []string{"acs:vpc:r:1:havip/havip-a"}, allowed: true},
				{action: "vpc:DeleteHaVip", resources: []string{"acs:vpc:r:1:havip/havip-ab"}, refused: "acs:vpc:r:1:havip/havip-ab"},
			},
		},
		{
			name: "explicit Deny wins over Allow, whatever the order",
			policy: `{"Version":"1","Statement":[
				{"Effect":"Deny","Action":"vpc:DeleteHaVip","Resource":"acs:vpc:*:*:havip/havip-bp1aaa"},
				{"Effect":"Allow","Action":"*","Resource":"*"},
				{"Effect":"Deny","Action":["ecs:*"],"Resource":"*"}]}`,
			checks: []check{
				{action: "vpc:DeleteHaVip", resources: []string{havip1}, explicit: true, refused: havip1},
				{action: "vpc:DeleteHaVip", resources: []string{"acs:vpc:cn-hangzhou:1:havip/havip-other"}, allowed: true},
				{action: "vpc:CreateHaVip", resources: []string{havip1}, allowed: true},
				{action: "ecs:DescribeInstances", resources: []string{"*"}, explicit: true, refused: "*"},
			},
		},
		{
			name: "Deny on one resource of several refuses the request",
			policy: `{"Version":"1","Statement":[
				{"Effect":"Allow","Action":"vpc:CreateHaVip","Resource":"*"},
				{"Effect":"Deny","Action":"vpc:CreateHaVip","Resource":"acs:vpc:*:*:vswitch/*"}]}`,
			checks: []check{
				{action: "vpc:CreateHaVip", resources: []string{"acs:vpc:cn-hangzhou:1:havip/*", vsw}, explicit: true, refused: vsw},
			},
		},
		{
			name:   "no match is an implicit deny",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:DescribeHaVips","Resource":"*"}]}`,
			checks: []check{
				{action: "vpc:DescribeHaVip", resources: []string{"*"}, refused: "*"},
				{action: "vpc:DescribeHaVipsX", resources: []string{"*"}, refused: "*"},
				{action: "vpc:DescribeHaVips", resources: nil, allowed: true},
			},
		},
		{
			name:   "star matches across colons and slashes",
			policy: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:vpc:*:*:*"}]}`,
			checks: []check{
				{action: "vpc:AssociateHaVip", resources: []string{havip1}, allowed: true},
				{action: "ecs:DescribeInstances", resources: []string{"acs:ecs:cn-hangzhou:1:instance/i-1"}, refused: "acs:ecs:cn-hangzhou:1:instance/i-1"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(c.policy))
			if err != nil {
				t.Fatal(err)
			}
			for _, ck := range c.checks {
				d := p.Evaluate(ck.action, ck.resources)
				if d.Allowed != ck.allowed || d.ExplicitDeny != ck.explicit || (!ck.allowed && d.Resource != ck.refused) {
					t.Errorf("%s on %v: got %+v, want allowed=%v explicit=%v refused=%q", ck.action, ck.resources, d, ck.allowed, ck.explicit, ck.refused)
				}
			}
		})
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"", "", true},
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"a*", "a", true},
		{"a*b", "ab", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbc", false},
		{"*HaVip*", "CreateHaVip", true},
		{"*HaVip*", "HaVips", true},
		{"*HaVip*", "Havip", false},
		{"a*b*c", "abbbcbc", true},
		{"a*b*c", "abbbcb", false},
		{"?", "", false},
		{"??", "ab", true},
		{"a", "ab", false},
		{"ab", "a", false},
		// Long runs of stars must not blow up.
		{strings.Repeat("a*", 30) + "b", strings.Repeat("a", 60), false},
	}
	for _, c := range cases {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}
