// Package netutil holds IPv4 subnet arithmetic that knows nothing of any
// cloud: which addresses sit at the edges of a prefix, and how many a prefix
// holds. Platform rules (which edge addresses a provider keeps) are the
// callers' business.
package netutil

import "net/netip"

// Size is the number of addresses in an IPv4 prefix.
func Size(p netip.Prefix) uint64 { return uint64(1) << (32 - p.Bits()) }

// Nth is the address at offset i from the start of an IPv4 prefix.
func Nth(p netip.Prefix, i uint64) netip.Addr {
	v := toUint(p.Masked().Addr()) + uint32(i)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// Last is the highest address of an IPv4 prefix.
func Last(p netip.Prefix) netip.Addr { return Nth(p, Size(p)-1) }

// AtEdge reports whether a is one of the first head or the last tail
// addresses of p. a must lie inside p.
func AtEdge(p netip.Prefix, a netip.Addr, head, tail int) bool {
	off := uint64(toUint(a) - toUint(p.Masked().Addr()))
	return off < uint64(head) || off >= Size(p)-uint64(tail)
}

func toUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
