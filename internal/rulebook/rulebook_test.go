package rulebook

import (
	"net/netip"
	"strings"
	"testing"
)

// The documented values, havip-api.md §2 "Quotas".
func TestDefaultLimits(t *testing.T) {
	want := Limits{HaVipsPerAccount: 50, HaVipsPerVPC: 50, MembersPerHaVip: 10, HaVipsPerInstance: 5, EIPsPerHaVip: 1, HaVipRoutesPerTable: 5}
	if got := DefaultLimits(); got != want {
		t.Fatalf("DefaultLimits() = %+v, want %+v", got, want)
	}
}

func ids(prefix string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, prefix+strings.Repeat("x", i))
	}
	return out
}

func code(v *Violation) string {
	if v == nil {
		return ""
	}
	return v.Code
}

// havip-api.md §2: 50 per account, 50 per VPC; the limit counts what
// exists and is planned before the new HaVip.
func TestHaVipQuota(t *testing.T) {
	l := DefaultLimits()
	for _, c := range []struct {
		acct, vpc int
		want      string
		title     string
	}{
		{0, 0, "", ""},
		{49, 49, "", ""},
		{50, 3, CodeHaVipQuota, "account"},
		{10, 50, CodeHaVipQuota, "VPC"},
	} {
		v := l.CheckHaVipQuota(c.acct, c.vpc, "vpc-1")
		if code(v) != c.want || (v != nil && !strings.Contains(v.Title, c.title)) {
			t.Errorf("CheckHaVipQuota(%d, %d) = %+v, want %q about the %s", c.acct, c.vpc, v, c.want, c.title)
		}
	}
	l.HaVipsPerVPC = 5 // ROS's figure: the quota is adjustable
	if v := l.CheckHaVipQuota(5, 5, "vpc-1"); code(v) != CodeHaVipQuota {
		t.Errorf("an adjusted VPC quota of 5 let a 6th HaVip through")
	}
}

// havip-api.md §2: 10 members per HaVip, 5 HaVips per instance, 1 EIP per
// HaVip, 5 HaVip route entries per route table, each with its code.
func TestCountLimits(t *testing.T) {
	l := DefaultLimits()
	for _, c := range []struct {
		name string
		v    *Violation
		want string
	}{
		{"10th member", l.CheckMemberCount("havip-1", "i-10", ids("i-", 9)), ""},
		{"11th member", l.CheckMemberCount("havip-1", "i-11", ids("i-", 10)), "CountLimitExceeded.HaVipOnECSInstance"},
		{"5th HaVip of an instance", l.CheckHaVipsOnInstance("i-1", ids("havip-", 5)), ""},
		{"6th HaVip of an instance", l.CheckHaVipsOnInstance("i-1", ids("havip-", 6)), "CountLimitExceed.HaVipOnInstance"},
		{"first EIP", l.CheckEIPCount("havip-1", nil), ""},
		{"second EIP", l.CheckEIPCount("havip-1", []string{"eip-1"}), "InvalidAssociation.Duplicated"},
		{"5th route entry", l.CheckHaVipRouteEntries("vtb-1", 4), ""},
		{"6th route entry", l.CheckHaVipRouteEntries("vtb-1", 5), "CountLimitExceed.HaVipRouteEntry"},
	} {
		if code(c.v) != c.want {
			t.Errorf("%s: got %+v, want code %q", c.name, c.v, c.want)
		}
	}
}

// havip-api.md §3 "Reserved addresses in a vSwitch CIDR": the first and the
// last three addresses; for 192.168.1.0/24 .0, .253, .254 and .255.
func TestVSwitchAddresses(t *testing.T) {
	cidr := netip.MustParsePrefix("192.168.1.0/24")
	for _, c := range []struct {
		addr string
		want string
	}{
		{"192.168.1.0", CodeIPNotAvailable},
		{"192.168.1.1", ""},
		{"192.168.1.252", ""},
		{"192.168.1.253", CodeIPNotAvailable},
		{"192.168.1.254", CodeIPNotAvailable},
		{"192.168.1.255", CodeIPNotAvailable},
		{"192.168.2.24", CodeIPOutOfRange},
	} {
		v := CheckHaVipAddress("vsw-1", cidr, netip.MustParseAddr(c.addr))
		if code(v) != c.want {
			t.Errorf("%s: got %+v, want %q", c.addr, v, c.want)
		}
	}
	n, first, last := Usable(cidr)
	if n != 252 || first.String() != "192.168.1.1" || last.String() != "192.168.1.252" {
		t.Errorf("Usable(/24) = %d %s..%s, want 252 192.168.1.1..192.168.1.252", n, first, last)
	}
	if n, _, _ := Usable(netip.MustParsePrefix("10.0.0.0/29")); n != 4 {
		t.Errorf("Usable(/29) = %d, want 4", n)
	}
	if _, err := ParseVSwitchCIDR("10.0.0.0/31"); err == nil {
		t.Error("a /31 leaves no usable address but was accepted")
	}
	if p, err := ParseVSwitchCIDR("10.0.0.7/24"); err != nil || p.String() != "10.0.0.0/24" {
		t.Errorf("ParseVSwitchCIDR(10.0.0.7/24) = %s, %v", p, err)
	}
	if v := CheckAddressFree(netip.MustParseAddr("192.168.1.10"), "vsw-1", "i-abc"); code(v) != CodeIPAlreadyUsed || !strings.Contains(v.Message, "ECS instance i-abc") {
		t.Errorf("an address used by an instance: %+v", v)
	}
	if v := CheckAddressFree(netip.MustParseAddr("192.168.1.10"), "vsw-1", ""); v != nil {
		t.Errorf("a free address: %+v", v)
	}
}

// havip-api.md §1: IPv4 only; CreateHaVip answers InvalidIPAddress.Malformed.
func TestParseIPv4(t *testing.T) {
	for _, c := range []struct{ in, title string }{
		{"192.168.0.24", ""},
		{"fd00::24", "HaVip supports IPv4 only"},
		{"::ffff:192.168.0.1", "Not an IPv4 address"},
		{"192.168.0.024", "Not an IPv4 address"},
		{"192.168.0", "Not an IPv4 address"},
		{"", "Not an IPv4 address"},
	} {
		_, v := ParseIPv4(c.in)
		if (v == nil) != (c.title == "") || (v != nil && (v.Title != c.title || v.Code != CodeIPMalformed)) {
			t.Errorf("ParseIPv4(%q) = %+v, want %q", c.in, v, c.title)
		}
	}
}

// havip-api.md §5 CreateHaVip: Name 1–128, Description 1–255 (meta), no
// http(s):// prefix; tags at most 20, keys 1–128 not aliyun/acs:, values ≤128.
func TestTextAndTags(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, c := range []struct {
		name string
		v    *Violation
		want string
	}{
		{"name 128", CheckName(long(128), CodeNameMalformed), ""},
		{"name 129", CheckName(long(129), CodeNameMalformed), CodeNameMalformed},
		{"empty name", CheckName("", CodeModifyNameMalformed), CodeModifyNameMalformed},
		{"name URL", CheckName("HTTPS://x", CodeNameMalformed), CodeNameMalformed},
		{"name with a URL inside", CheckName("see http://x", CodeNameMalformed), ""},
		{"description 255", CheckDescription(long(255)), ""},
		{"description 256", CheckDescription(long(256)), CodeDescriptionMalformed},
		{"multibyte name counts characters", CheckName(strings.Repeat("名", 128), CodeNameMalformed), ""},
		{"21 tags", CheckTagCount(21), CodeInvalidParameter},
		{"20 tags", CheckTagCount(20), ""},
	} {
		if code(c.v) != c.want {
			t.Errorf("%s: got %+v, want %q", c.name, c.v, c.want)
		}
	}
	for _, c := range []struct {
		key, value string
		want       []string
	}{
		{"env", "prod", nil},
		{"", "x", []string{CodeTagKeyMalformed}},
		{"aliyun:x", "x", []string{CodeTagKeyMalformed}},
		{"ACS:x", "x", []string{CodeTagKeyMalformed}},
		{long(129), "x", []string{CodeTagKeyMalformed}},
		{"k", long(129), []string{CodeTagValueMalformed}},
		{"http://k", "https://v", []string{CodeTagKeyMalformed, CodeTagValueMalformed}},
		{"k", "", nil},
	} {
		got := CheckTag(c.key, c.value)
		var codes []string
		for _, v := range got {
			codes = append(codes, v.Code)
		}
		if strings.Join(codes, ",") != strings.Join(c.want, ",") {
			t.Errorf("CheckTag(%q, %q) = %v, want %v", c.key, c.value, codes, c.want)
		}
	}
}

// havip-api.md §3: Running or Stopped; ENIs attached; one vSwitch; ECS or
// ENI, never both.
func TestMemberRules(t *testing.T) {
	for _, c := range []struct {
		name string
		v    *Violation
		want string
	}{
		{"running", CheckInstanceStatus("i-1", "Running"), ""},
		{"stopped", CheckInstanceStatus("i-1", "Stopped"), ""},
		{"starting", CheckInstanceStatus("i-1", "Starting"), CodeIncorrectInstanceStatus},
		{"ENI attached", CheckENIAttached("eni-1", "i-1"), ""},
		{"ENI detached", CheckENIAttached("eni-1", ""), CodeIncorrectInstanceStatus},
		{"same vSwitch", CheckSameVSwitch("i-1", "vsw-a", "havip-1", "vsw-a"), ""},
		{"other vSwitch", CheckSameVSwitch("i-1", "vsw-b", "havip-1", "vsw-a"), CodeVSwitchMismatch},
		{"first member", CheckMemberType("havip-1", "", "", "eni-1", MemberENI), ""},
		{"same type", CheckMemberType("havip-1", "i-0", MemberECS, "i-1", MemberECS), ""},
		{"mixed", CheckMemberType("havip-1", "i-0", MemberECS, "eni-1", MemberENI), CodeMemberTypeMismatch},
	} {
		if code(c.v) != c.want {
			t.Errorf("%s: got %+v, want %q", c.name, c.v, c.want)
		}
	}
	for id, want := range map[string]string{"i-abc": MemberECS, "eni-abc": MemberENI, "i-": "", "havip-1": "", "eni-": ""} {
		if got := MemberTypeOf(id); got != want {
			t.Errorf("MemberTypeOf(%q) = %q, want %q", id, got, want)
		}
	}
}
