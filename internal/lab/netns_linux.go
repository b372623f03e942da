package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
)

// A socket belongs to the network namespace of the thread that created it,
// for its whole life. The lab creates its listeners, client connections and
// netlink queries on a thread switched into the right namespace and then
// uses them from ordinary goroutines: no helper processes, no curl, and
// probes precise to a few milliseconds.

var home struct {
	once sync.Once
	f    *os.File
	err  error
}

// homeNS is the namespace the process started in, opened before any thread
// is switched so every switch can be undone.
func homeNS() (*os.File, error) {
	home.once.Do(func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		home.f, home.err = os.Open("/proc/thread-self/ns/net")
	})
	return home.f, home.err
}

func setns(f *os.File) error {
	if _, _, e := syscall.Syscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0); e != 0 {
		return e
	}
	return nil
}

// netns is an open handle on a named namespace; holding the file keeps the
// namespace usable even if its /run/netns entry goes away. An HTTP
// transport may still be dialling (in a goroutine of its own) when the lab
// tears down, so switching into the namespace and closing the handle
// exclude each other: a late dial fails instead of using a closed, or
// reused, file descriptor.
type netns struct {
	name string
	mu   sync.RWMutex
	f    *os.File // nil once closed
}

func openNetns(name string) (*netns, error) {
	f, err := os.Open("/run/netns/" + name)
	if err != nil {
		return nil, err
	}
	return &netns{name: name, f: f}, nil
}

func (n *netns) close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.f == nil {
		return nil
	}
	err := n.f.Close()
	n.f = nil
	return err
}

// enter switches the calling thread into n.
func (n *netns) enter() error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.f == nil {
		return errors.New("closed")
	}
	return setns(n.f)
}

// do runs fn on an OS thread inside n. It uses a fresh goroutine so the
// caller's own thread lock state does not matter.
func (n *netns) do(fn func() error) error {
	orig, err := homeNS()
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := n.enter(); err != nil {
			// The thread did not move, so it may serve others again.
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", n.name, err)
			return
		}
		ferr := fn()
		if err := setns(orig); err != nil {
			// Stay locked: a goroutine that exits locked takes its thread
			// with it, so no other goroutine ever runs in the wrong
			// namespace.
			errc <- errors.Join(ferr, fmt.Errorf("returning from %s: %w", n.name, err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

func (n *netns) listen(network, addr string) (net.Listener, error) {
	var ln net.Listener
	err := n.do(func() (err error) {
		ln, err = net.Listen(network, addr)
		return err
	})
	return ln, err
}

func (n *netns) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.do(func() (err error) {
		var d net.Dialer
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// hasAddr reports whether iface in n carries ip. It asks the kernel through
// netlink, which is what `ip -n NS addr show` does, without a fork.
func (n *netns) hasAddr(iface string, ip net.IP) (bool, error) {
	found := false
	err := n.do(func() error {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		addrs, err := ifi.Addrs()
		if err != nil {
			return err
		}
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.Equal(ip) {
				found = true
			}
		}
		return nil
	})
	return found, err
}
