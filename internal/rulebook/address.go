package rulebook

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/netutil"
)

// A vSwitch keeps the first and the last three addresses of its IPv4 CIDR
// (havip-api.md §3, "Reserved addresses in a vSwitch CIDR").
const (
	ReservedHead = 1
	ReservedTail = 3
)

// ParseIPv4 accepts a dotted-quad IPv4 address: HaVip has no IPv6.
func ParseIPv4(s string) (netip.Addr, *Violation) {
	a, err := netip.ParseAddr(s)
	switch {
	case err == nil && a.Is4():
		return a, nil
	case err == nil && a.Is6() && !a.Is4In6():
		return a, &Violation{Code: CodeIPMalformed, Field: "IpAddress", Title: "HaVip supports IPv4 only",
			Message: fmt.Sprintf("%q is an IPv6 address; a HaVip takes an IPv4 address of its vSwitch's IPv4 CIDR.", s)}
	}
	return a, &Violation{Code: CodeIPMalformed, Field: "IpAddress", Title: "Not an IPv4 address",
		Message: fmt.Sprintf("%q is not an IPv4 address such as 192.168.0.24.", s)}
}

// ParseVSwitchCIDR reads a vSwitch's IPv4 CIDR block.
func ParseVSwitchCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, err
	}
	if !p.Addr().Is4() {
		return p, fmt.Errorf("%q is not an IPv4 CIDR block", s)
	}
	if p.Bits() > 32-2 {
		return p, fmt.Errorf("%q leaves no usable address", s)
	}
	return p.Masked(), nil
}

// Reserved reports whether the vSwitch keeps addr for itself.
func Reserved(cidr netip.Prefix, addr netip.Addr) bool {
	return cidr.Contains(addr) && netutil.AtEdge(cidr, addr, ReservedHead, ReservedTail)
}

// Usable is how many addresses of the CIDR a HaVip, an instance or an ENI
// can take, and the first and last of them.
func Usable(cidr netip.Prefix) (n uint64, first, last netip.Addr) {
	size := netutil.Size(cidr)
	if size <= ReservedHead+ReservedTail {
		return 0, netip.Addr{}, netip.Addr{}
	}
	return size - ReservedHead - ReservedTail, netutil.Nth(cidr, ReservedHead), netutil.Nth(cidr, size-ReservedTail-1)
}

// CheckHaVipAddress applies CreateHaVip's rule for a requested address: inside
// the vSwitch's CIDR and not reserved. Whether another resource uses it is
// CheckAddressFree's question.
func CheckHaVipAddress(vswitchID string, cidr netip.Prefix, addr netip.Addr) *Violation {
	if !cidr.Contains(addr) {
		return &Violation{Code: CodeIPOutOfRange, Field: "IpAddress", Title: "IP address outside the vSwitch",
			Message: fmt.Sprintf("%s is outside CIDR %s of vSwitch %s.", addr, cidr, vswitchID)}
	}
	if Reserved(cidr, addr) {
		return &Violation{Code: CodeIPNotAvailable, Field: "IpAddress", Title: "Reserved IP address",
			Message: fmt.Sprintf("%s is reserved by vSwitch %s: Alibaba Cloud keeps the first and the last three addresses of %s.", addr, vswitchID, cidr)}
	}
	return nil
}

// CheckAddressFree refuses an address that owner (an ECS instance, an ENI
// or a HaVip, "" for none) already uses in the vSwitch.
func CheckAddressFree(addr netip.Addr, vswitchID, owner string) *Violation {
	if owner == "" {
		return nil
	}
	return &Violation{Code: CodeIPAlreadyUsed, Field: "IpAddress", Title: "IP address already used",
		Message: fmt.Sprintf("%s is already used by %s %s in vSwitch %s.", addr, OwnerKind(owner), owner, vswitchID)}
}

// OwnerKind names the kind of resource an ID belongs to, by its prefix.
func OwnerKind(id string) string {
	switch {
	case strings.HasPrefix(id, "havip-"):
		return "HaVip"
	case strings.HasPrefix(id, "eni-"):
		return "ENI"
	case strings.HasPrefix(id, "i-"):
		return "ECS instance"
	}
	return "resource"
}
