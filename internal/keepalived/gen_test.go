package keepalived

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
)

// clusterGen draws random clusters that should pass Lint without errors and
// whose configs keepalived -t should accept in the test namespace. Anything
// the namespace or this machine cannot provide (user scripts that do not
// exist, interfaces other than testInterfaces) is deliberately left out.
type clusterGen struct{ r *rand.Rand }

func newClusterGen(seed uint64) *clusterGen {
	return &clusterGen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *clusterGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *clusterGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *clusterGen) pick(options ...string) string { return options[g.r.IntN(len(options))] }

const safeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (g *clusterGen) word(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *clusterGen) cluster() Cluster {
	c := Cluster{
		Name:            g.word(safeChars+"_-", g.between(1, maxNameLen)),
		VirtualRouterID: g.between(1, 255),
		Interface:       g.pick("", "eth0", "ens5"),
	}
	ifaceDefault := c.Interface
	if ifaceDefault == "" {
		ifaceDefault = DefaultInterface
	}

	// Version and advert interval, directly or through a profile.
	switch g.r.IntN(4) {
	case 0:
		c.Profile = g.pick("seed", "fast")
		if g.chance(0.3) {
			p, _ := LookupProfile(c.Profile)
			c.Version, c.AdvertInt = p.Version, p.AdvertInt
		}
	case 1:
		c.Version = 2
		c.AdvertInt = float64(g.pick2(1, 2, 3, 10, 255))
	case 2:
		c.Version = 3
		c.AdvertInt = float64(g.between(1, 4095)) / 100
	default:
		// All defaults: VRRPv2, 1 s.
	}
	version := c.Version
	if version == 0 {
		if p, ok := LookupProfile(c.Profile); ok {
			version = p.Version
		} else {
			version = DefaultVersion
		}
	}
	if g.chance(0.2) {
		c.DownTimerAdverts = g.between(1, 100)
	}

	// Addresses: a /24, nodes and VIPs drawn from its usable hosts.
	base := netip.AddrFrom4([4]byte{10, byte(g.r.IntN(256)), byte(g.r.IntN(256)), 0})
	if g.chance(0.5) {
		base = netip.AddrFrom4([4]byte{192, 168, byte(g.r.IntN(256)), 0})
	}
	if g.chance(0.7) {
		c.SubnetCIDR = netip.PrefixFrom(base, 24).String()
	}
	nNodes := g.between(2, MaxNodes)
	nVIPs := g.between(1, 3)
	hosts := g.r.Perm(252)[:nNodes+nVIPs] // host parts 1..252 avoid the reserved .0 and .253-.255
	addr := func(h int) string {
		b := base.As4()
		b[3] = byte(h + 1)
		return netip.AddrFrom4(b).String()
	}
	for i := 0; i < nVIPs; i++ {
		c.VirtualIPs = append(c.VirtualIPs, addr(hosts[nNodes+i]))
	}

	// Preemption and, only where keepalived allows it, an initial MASTER.
	mode := g.r.IntN(3)
	switch mode {
	case 0: // default nopreempt
		if g.chance(0.5) {
			c.Preempt.NoPreempt = Ptr(true)
		}
	case 1:
		c.Preempt.NoPreempt = Ptr(false)
	case 2:
		c.Preempt.Delay = Ptr(float64(g.between(0, 2000)) / 2)
	}
	noPreempt := mode == 0

	autoPrio := g.chance(0.25)
	prios := g.r.Perm(254)
	master := -1
	if mode == 1 && g.chance(0.5) {
		master = g.r.IntN(nNodes)
	}
	usedIfaces := map[string]bool{}
	for i := 0; i < nNodes; i++ {
		n := Node{
			Name:      fmt.Sprintf("%s-%d", g.word(safeChars, g.between(1, 8)), i),
			PrivateIP: addr(hosts[i]),
		}
		if !autoPrio {
			n.Priority = prios[i] + 1
		}
		if g.chance(0.2) {
			n.Interface = g.pick("eth0", "ens5")
		}
		if i == master {
			n.State = StateMaster
		} else if g.chance(0.3) {
			n.State = StateBackup
		}
		iface := n.Interface
		if iface == "" {
			iface = ifaceDefault
		}
		usedIfaces[iface] = true
		c.Nodes = append(c.Nodes, n)
	}

	if version == 2 && g.chance(0.5) {
		c.AuthPass = g.word(safeChars+"-_.:,@%+=/~^*()[]<>?&|;", g.between(1, maxAuthPassLen))
		if g.chance(0.3) {
			c.AuthType = AuthPASS
		}
	}

	// Extra tracked interfaces must exist and must not be any node's own.
	for _, pair := range testInterfaces {
		for _, ifname := range pair {
			if !usedIfaces[ifname] && g.chance(0.15) {
				c.TrackInterfaces = append(c.TrackInterfaces, ifname)
			}
		}
	}

	if g.chance(0.2) {
		c.StartupDelay = float64(g.between(1, 600)) / 10
	}
	if g.chance(0.2) {
		c.FailoverBudget = float64(g.between(1, 100)) / 10
	}

	// Health checks limited to what exists here: TCP (bash), /bin/true or
	// /usr/bin/test, and process tracking (which needs nothing at -t time).
	switch g.r.IntN(4) {
	case 1:
		c.HealthCheck = &HealthCheck{TCPPort: g.between(1, 65535)}
	case 2:
		c.HealthCheck = &HealthCheck{Script: g.pick("/bin/true", "/usr/bin/test -d /", "/usr/bin/true  x  y")}
	case 3:
		c.HealthCheck = &HealthCheck{Process: g.word(safeChars+"_.-", g.between(1, maxProcessNameLen))}
		if g.chance(0.5) {
			c.HealthCheck.Delay = float64(g.between(1, 36000)) / 10
		}
	}
	if hc := c.HealthCheck; hc != nil {
		if hc.Process == "" {
			if g.chance(0.5) {
				hc.Interval = float64(g.between(1, 30))
				hc.Timeout = float64(g.between(1, 30))
				hc.Fall = g.between(1, 10)
				hc.Rise = g.between(1, 10)
			}
		}
		if !noPreempt {
			limit := maxScriptWeight
			if hc.Process != "" {
				limit = maxProcessWeight
			}
			hc.Weight = g.between(-limit, limit)
		}
	}

	cmds := []string{"/usr/bin/logger -t havip state change", "/bin/true", "/usr/local/sbin/havip-notify arg"}
	if g.chance(0.3) {
		c.Notify.Master = cmds[g.r.IntN(len(cmds))]
	}
	if g.chance(0.3) {
		c.Notify.Backup = cmds[g.r.IntN(len(cmds))]
	}
	if g.chance(0.3) {
		c.Notify.Fault = cmds[g.r.IntN(len(cmds))]
	}
	if g.chance(0.3) {
		c.Notify.Stop = cmds[g.r.IntN(len(cmds))]
	}

	if g.chance(0.4) {
		c.GARP = GARP{
			MasterDelay:          Ptr(g.between(0, 60)),
			MasterRefresh:        Ptr(g.between(0, 60)),
			LowerPrioRepeat:      Ptr(g.between(0, 10)),
			HigherPrioSendAdvert: Ptr(g.chance(0.5)),
		}
		if g.chance(0.5) {
			c.GARP.MasterRepeat = Ptr(g.between(1, 10))
		}
	}
	return c
}

func (g *clusterGen) pick2(options ...int) int { return options[g.r.IntN(len(options))] }
