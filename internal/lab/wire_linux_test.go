package lab

import (
	"net"
	"testing"
)

func TestParseFrame(t *testing.T) {
	vip := net.ParseIP("192.168.0.24").To4()
	eth := func(etype byte, payload ...byte) []byte {
		return append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, etype}, payload...)
	}
	ipv4 := func(proto byte, src net.IP, l4 ...byte) []byte {
		h := []byte{0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0}
		h = append(h, src.To4()...)
		h = append(h, 192, 168, 0, 26)
		return append(h, l4...)
	}
	garp := eth(0x06, append(append(append([]byte{0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1}, vip...), 0, 0, 0, 0, 0, 0), vip...)...)
	// The kernel of a node still holding the VIP answers a GARP request
	// with a unicast reply carrying the same addresses.
	reply := append([]byte{2, 0, 0, 0, 0, 2}, garp[6:]...)
	reply = append(reply[:ethHeader+6:ethHeader+6], append([]byte{0, 2}, reply[ethHeader+8:]...)...)
	advert := eth(0x00, ipv4(112, net.ParseIP("192.168.0.25"), 0x31, 51, 100, 1, 0, 25, 0, 0, 192, 168, 0, 24)...)
	resign := eth(0x00, ipv4(112, net.ParseIP("192.168.0.25"), 0x31, 51, 0, 1, 0, 25, 0, 0, 192, 168, 0, 24)...)
	synack := eth(0x00, ipv4(6, vip, 0x1f, 0x40, 0xc0, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x12, 0, 0, 0, 0, 0, 0)...)
	ack := eth(0x00, ipv4(6, vip, 0x1f, 0x40, 0xc0, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x10, 0, 0, 0, 0, 0, 0)...)
	otherPort := eth(0x00, ipv4(6, vip, 0x00, 0x50, 0xc0, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x12, 0, 0, 0, 0, 0, 0)...)
	for _, tc := range []struct {
		name  string
		frame []byte
		kind  wireKind
		prio  int
		ok    bool
	}{
		{"gratuitous ARP", garp, wireGARP, 0, true},
		{"unicast ARP reply to a GARP", reply, 0, 0, false},
		{"VRRPv3 advert", advert, wireAdvert, 100, true},
		{"priority-0 advert", resign, wireAdvert, 0, true},
		{"SYN-ACK from VIP:8000", synack, wireAnswer, 0, true},
		{"plain ACK", ack, 0, 0, false},
		{"other port", otherPort, 0, 0, false},
		{"runt", []byte{1, 2, 3}, 0, 0, false},
	} {
		kind, prio, ok := parseFrame(tc.frame, vip, 8000)
		if ok != tc.ok || ok && (kind != tc.kind || prio != tc.prio) {
			t.Errorf("%s: got %v %d %v, want %v %d %v", tc.name, kind, prio, ok, tc.kind, tc.prio, tc.ok)
		}
	}
}
