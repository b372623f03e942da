package netutil

import (
	"net/netip"
	"testing"
)

func TestEdges(t *testing.T) {
	p := netip.MustParsePrefix("192.168.1.0/24")
	if got := Last(p); got != netip.MustParseAddr("192.168.1.255") {
		t.Fatalf("Last = %s", got)
	}
	if got := Nth(p, 24); got != netip.MustParseAddr("192.168.1.24") {
		t.Fatalf("Nth(24) = %s", got)
	}
	if Size(netip.MustParsePrefix("10.0.0.0/29")) != 8 {
		t.Fatal("Size of a /29 is not 8")
	}
	for _, c := range []struct {
		addr       string
		head, tail int
		want       bool
	}{
		{"192.168.1.0", 1, 3, true},
		{"192.168.1.1", 1, 3, false},
		{"192.168.1.252", 1, 3, false},
		{"192.168.1.253", 1, 3, true},
		{"192.168.1.255", 1, 1, true},
		{"192.168.1.254", 1, 1, false},
		{"192.168.1.0", 0, 0, false},
	} {
		if got := AtEdge(p, netip.MustParseAddr(c.addr), c.head, c.tail); got != c.want {
			t.Errorf("AtEdge(%s, %d, %d) = %t, want %t", c.addr, c.head, c.tail, got, c.want)
		}
	}
}
