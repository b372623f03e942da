package lab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// The lab's own goroutines are scheduled like any other process: on a busy
// host a probe or a netlink sample can run hundreds of milliseconds after
// the event it reports, and that delay used to be counted as failover
// time. The hub sees every frame that crosses the bridge, and the kernel
// stamps each one when it arrives there, however late the lab reads it. So
// the failover clock stops at these stamps: the new owner's first GARP for
// the VIP, its first VRRP advert, and its first answer (SYN-ACK from
// VIP:port) to the client.

type wireKind int

const (
	wireAdvert wireKind = iota
	wireGARP
	wireAnswer
)

// wireEvent is one frame a node sent, as the hub received it.
type wireEvent struct {
	at   time.Time // kernel receive timestamp
	node string
	kind wireKind
	// prio is the advertised priority (adverts only; 0 = leaving MASTER).
	prio int
}

const (
	ethHeader  = 14
	etherIPv4  = 0x0800
	etherARP   = 0x0806
	ipProtoTCP = 6
	ipProtoVRP = 112
	tcpSYNACK  = 0x12
)

// parseFrame classifies an Ethernet frame sent by a node: a VRRP advert,
// a gratuitous (broadcast) ARP for vip, or the SYN-ACK of vip:port. ok is false for
// anything else.
func parseFrame(b []byte, vip net.IP, port int) (kind wireKind, prio int, ok bool) {
	if len(b) < ethHeader {
		return 0, 0, false
	}
	p := b[ethHeader:]
	switch binary.BigEndian.Uint16(b[12:14]) {
	case etherARP:
		// htype(2) ptype(2) hlen plen op(2) sha(6) spa(4) tha(6) tpa(4)
		if len(p) < 28 || p[4] != 6 || p[5] != 4 {
			return 0, 0, false
		}
		// Gratuitous means broadcast: a node still holding the VIP answers
		// the new owner's GARP request with a unicast reply of the same
		// shape, which tells nobody else anything and is no claim.
		spa, tpa := net.IP(p[14:18]), net.IP(p[24:28])
		if spa.Equal(vip) && tpa.Equal(vip) && net.HardwareAddr(b[0:6]).String() == "ff:ff:ff:ff:ff:ff" {
			return wireGARP, 0, true
		}
	case etherIPv4:
		if len(p) < 20 || p[0]>>4 != 4 {
			return 0, 0, false
		}
		ihl := int(p[0]&0x0f) * 4
		if ihl < 20 || len(p) < ihl {
			return 0, 0, false
		}
		l4 := p[ihl:]
		switch {
		case p[9] == ipProtoVRP && len(l4) >= 8:
			return wireAdvert, int(l4[2]), true
		case p[9] == ipProtoTCP && len(l4) >= 14:
			src := net.IP(p[12:16])
			if src.Equal(vip) && int(binary.BigEndian.Uint16(l4[0:2])) == port && l4[13]&tcpSYNACK == tcpSYNACK {
				return wireAnswer, 0, true
			}
		}
	}
	return 0, 0, false
}

// openCapture opens a packet socket on every interface of the hub
// namespace with kernel receive timestamps, and maps the bridge ports'
// interface indexes to node names.
func (r *runner) openCapture() (fd int, ports map[int]string, err error) {
	ports = map[int]string{}
	err = r.hub.do(func() error {
		for _, in := range r.insts {
			ifi, err := net.InterfaceByName(in.port)
			if err != nil {
				return err
			}
			ports[ifi.Index] = in.Name
		}
		proto := int(htons(unix.ETH_P_ALL))
		s, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return fmt.Errorf("packet socket: %w", err)
		}
		fail := func(err error) error {
			_ = unix.Close(s)
			return err
		}
		if err := unix.Bind(s, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL)}); err != nil {
			return fail(fmt.Errorf("bind packet socket: %w", err))
		}
		if err := unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			return fail(fmt.Errorf("SO_TIMESTAMPNS: %w", err))
		}
		// Big enough that a starved reader loses nothing: adverts, ARP
		// and SYN-ACKs are a few hundred frames a second at most.
		_ = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 4<<20)
		tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
		if err := unix.SetsockoptTimeval(s, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return fail(fmt.Errorf("SO_RCVTIMEO: %w", err))
		}
		fd = s
		return nil
	})
	return fd, ports, err
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// wireLoop records what the nodes put on the wire until ctx ends. Frames
// are counted once, as they enter the bridge from a node's port.
func (r *runner) wireLoop(ctx context.Context, fd int, ports map[int]string) {
	defer unix.Close(fd)
	buf := make([]byte, 256)
	oob := make([]byte, 128)
	for ctx.Err() == nil {
		n, oobn, _, from, err := unix.Recvmsg(fd, buf, oob, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			r.logf("wire capture: %v", err)
			return
		}
		ll, ok := from.(*unix.SockaddrLinklayer)
		if !ok || ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		node, ok := ports[ll.Ifindex]
		if !ok {
			continue
		}
		kind, prio, ok := parseFrame(buf[:min(n, len(buf))], r.vip, r.cfg.Port)
		if !ok {
			continue
		}
		at, ok := packetTime(oob[:oobn])
		if !ok {
			at = time.Now()
		}
		r.tl.mu.Lock()
		r.tl.wire = append(r.tl.wire, wireEvent{at: at, node: node, kind: kind, prio: prio})
		r.tl.mu.Unlock()
	}
}

func packetTime(oob []byte) (time.Time, bool) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level != unix.SOL_SOCKET || m.Header.Type != unix.SCM_TIMESTAMPNS {
			continue
		}
		// A struct timespec of two longs, 64 or 32 bits wide.
		switch len(m.Data) {
		case 16:
			return time.Unix(int64(binary.NativeEndian.Uint64(m.Data[0:8])), int64(binary.NativeEndian.Uint64(m.Data[8:16]))), true
		case 8:
			return time.Unix(int64(int32(binary.NativeEndian.Uint32(m.Data[0:4]))), int64(int32(binary.NativeEndian.Uint32(m.Data[4:8])))), true
		}
	}
	return time.Time{}, false
}
