package keepalived

// Cluster describes one HaVip failover group: a set of ECS instances in one
// vSwitch that share one VRRP instance. Zero values mean "use the default"
// (see WithDefaults) wherever zero is not a meaningful setting; where zero is
// meaningful the field is a pointer.
type Cluster struct {
	// Name becomes the vrrp_instance name and the suffix of the health-check
	// name. Letters, digits, '_' and '-' only. Default "havip".
	Name string

	// Profile picks VRRP version and advert_int together; see Profiles.
	// Setting Version or AdvertInt to a different value is a lint error.
	Profile string

	// VirtualIPs are the HaVip addresses (plain IPv4, no prefix length).
	// Rendered as "IP/32 dev IF" so the address is never mistaken for a
	// primary address of the subnet.
	VirtualIPs []string

	// VirtualRouterID must be the same on every node and differ between
	// clusters that can hear each other. Required, 1..255.
	VirtualRouterID int

	// Interface is where VIPs live and adverts are sent; nodes may override.
	// Default "eth0".
	Interface string

	// Version is the VRRP version, 2 or 3. Default 2 (or the profile's).
	Version int

	// AdvertInt is the advertisement interval in seconds. Whole seconds
	// 1..255 for VRRPv2; 0.01..40.95 in 0.01 steps for VRRPv3. Default 1
	// (or the profile's).
	AdvertInt float64

	// DownTimerAdverts is how many adverts a backup may miss before it takes
	// over (1..100). Default 3, which keepalived uses when the keyword is
	// absent, so it is only rendered when changed.
	DownTimerAdverts int

	// Preempt chooses what happens when a higher-priority node returns.
	Preempt Preemption

	// AuthType is "" (no authentication) or "PASS". Defaults to "PASS" when
	// AuthPass is set. VRRPv2 only.
	AuthType string

	// AuthPass is the clear-text VRRPv2 password, at most 8 characters
	// (keepalived would silently truncate longer ones; we refuse instead).
	AuthPass string

	// SubnetCIDR is the vSwitch CIDR. When set, every node IP and VIP must
	// be a usable address inside it.
	SubnetCIDR string

	// ReservedHead and ReservedTail are how many addresses at the start and
	// at the end of SubnetCIDR the network keeps for itself, which neither a
	// node nor a VIP may take. That is the platform's rule, so the caller
	// supplies it; both zero means the network and broadcast addresses.
	ReservedHead int
	ReservedTail int

	// TrackInterfaces are extra interfaces whose failure puts a node in
	// FAULT. The node's own interface is tracked implicitly and must not be
	// listed (keepalived ignores it with a warning).
	TrackInterfaces []string

	// StartupDelay (seconds, 0 = off) holds VRRP back after keepalived starts
	// so a rebooted node whose network is not ready yet does not declare
	// itself MASTER and take the HaVip back, defeating nopreempt.
	StartupDelay float64

	// FailoverBudget (seconds, 0 = none) is the crash failover time the
	// caller is willing to accept. A Profile supplies one when this is 0.
	// Exceeding it is a warning.
	FailoverBudget float64

	// KeepalivedVersion is the keepalived release on the nodes, such as
	// "2.2.7". The config holds only keywords that release knows (and uses
	// those it adds, such as unicast_fault_no_peer from 2.2.5). Empty means
	// the oldest supported release, so the config suits every supported one.
	KeepalivedVersion string

	// Nodes are the cluster members, 2..10 (the HaVip association limit).
	Nodes []Node

	// HealthCheck optionally ties mastership to a local service.
	HealthCheck *HealthCheck

	// Notify optionally runs commands on state changes.
	Notify Notify

	// GARP tunes gratuitous ARP, which is what moves a HaVip.
	GARP GARP
}

// Node is one cluster member.
type Node struct {
	// Name identifies the node in outputs and becomes its router_id.
	Name string
	// PrivateIP is the node's primary private IPv4 address, used as its
	// unicast_src_ip and in every other node's unicast_peer list.
	PrivateIP string
	// Priority is 1..254 and distinct across nodes. When every node leaves it
	// 0, priorities 100, 90, 80, ... are assigned in list order.
	Priority int
	// Interface overrides Cluster.Interface for this node.
	Interface string
	// State is the initial VRRP state, "BACKUP" (default) or "MASTER".
	// MASTER is only allowed with plain preemption: keepalived clears
	// nopreempt and preempt_delay on an initial MASTER.
	State string
}

// Preemption is the preempt policy. Both fields nil means nopreempt, the
// seed walkthrough's intent: a recovered node does not take the HaVip back,
// so an outage moves traffic once instead of twice.
type Preemption struct {
	// NoPreempt: nil = default (true unless Delay is set).
	NoPreempt *bool
	// Delay, when set, preempts only after this many seconds (0..1000).
	// Incompatible with NoPreempt.
	Delay *float64
}

// HealthCheck ties mastership to local health. Exactly one of TCPPort, Script
// or Process must be set.
type HealthCheck struct {
	// TCPPort checks that something accepts TCP connections on
	// 127.0.0.1:TCPPort, using bash's /dev/tcp so nothing extra has to be
	// installed.
	TCPPort int
	// Script is an absolute command path plus optional arguments separated
	// by spaces. It must exist and be executable on the nodes.
	Script string
	// Process tracks a process by name (its 15-character comm) through
	// netlink process events: no fork per check, no script security.
	Process string

	// Interval between checks, whole seconds (script and TCP). Default 2.
	Interval float64
	// Timeout after which a running check counts as failed, whole seconds
	// (script and TCP). Default: Interval.
	Timeout float64
	// Fall consecutive failures mark the check down (script and TCP).
	// Default 2.
	Fall int
	// Rise consecutive successes mark it up again (script and TCP).
	// Default 2.
	Rise int
	// Delay (process only, seconds, 0 = none) waits this long after the
	// process disappears before reporting it down, riding out restarts.
	Delay float64

	// Weight 0 (default) puts a failing node in FAULT, which hands the HaVip
	// over within the priority skew. A non-zero weight shifts priority
	// instead and only works with preemption.
	Weight int
}

// Notify holds optional commands (absolute path plus arguments) run on state
// changes. They are rendered quoted so the arguments are not mistaken for a
// user name.
type Notify struct {
	Master string
	Backup string
	Fault  string
	Stop   string
}

// GARP tunes gratuitous ARP. Alibaba's HaVip learns which member owns the
// address from the ARP the MASTER sends, so these settings decide how quickly
// and how reliably traffic follows an election. nil means the default.
type GARP struct {
	// MasterDelay: seconds after becoming MASTER before the second GARP
	// burst. Default 1, as in Alibaba's walkthrough.
	MasterDelay *int
	// MasterRepeat: GARPs per burst. Default: not rendered (keepalived: 5).
	MasterRepeat *int
	// MasterRefresh: seconds between GARPs while MASTER, 0 = off. Default 5,
	// so a lost GARP is repaired within seconds.
	MasterRefresh *int
	// LowerPrioRepeat: GARPs sent when a MASTER hears a lower-priority
	// advert, i.e. when a split brain heals. Default 5.
	LowerPrioRepeat *int
	// HigherPrioSendAdvert: a MASTER that hears a higher priority sends one
	// more advert before yielding, so the winner re-GARPs. Default true.
	HigherPrioSendAdvert *bool
}

// Ptr returns a pointer to v; handy for the optional fields above.
func Ptr[T any](v T) *T { return &v }

// Defaults that are not part of a profile.
const (
	DefaultName             = "havip"
	DefaultInterface        = "eth0"
	DefaultVersion          = 2
	DefaultAdvertInt        = 1.0
	DefaultDownTimerAdverts = 3

	defaultCheckInterval = 2
	defaultCheckFall     = 2
	defaultCheckRise     = 2

	defaultGARPMasterDelay     = 1
	defaultGARPMasterRefresh   = 5
	defaultGARPLowerPrioRepeat = 5

	// MaxNodes is how many ECS instances or ENIs one HaVip can be
	// associated with.
	MaxNodes = 10

	StateBackup = "BACKUP"
	StateMaster = "MASTER"
	AuthPASS    = "PASS"

	autoPriorityStart = 100
	autoPriorityStep  = 10
)

// WithDefaults returns a copy of c with every unset field filled in. It is
// idempotent and never modifies c. An unknown profile is ignored here and
// reported by Lint.
func (c Cluster) WithDefaults() Cluster {
	d := c
	d.VirtualIPs = append([]string(nil), c.VirtualIPs...)
	d.TrackInterfaces = append([]string(nil), c.TrackInterfaces...)
	d.Nodes = append([]Node(nil), c.Nodes...)
	if c.HealthCheck != nil {
		hc := *c.HealthCheck
		d.HealthCheck = &hc
	}

	if d.Name == "" {
		d.Name = DefaultName
	}
	if p, ok := LookupProfile(d.Profile); ok {
		if d.Version == 0 {
			d.Version = p.Version
		}
		if d.AdvertInt == 0 {
			d.AdvertInt = p.AdvertInt
		}
		if d.FailoverBudget == 0 {
			d.FailoverBudget = p.Budget()
		}
	}
	if d.Version == 0 {
		d.Version = DefaultVersion
	}
	if d.AdvertInt == 0 {
		d.AdvertInt = DefaultAdvertInt
	}
	if d.DownTimerAdverts == 0 {
		d.DownTimerAdverts = DefaultDownTimerAdverts
	}
	if d.Interface == "" {
		d.Interface = DefaultInterface
	}
	if d.AuthType == "" && d.AuthPass != "" {
		d.AuthType = AuthPASS
	}
	if d.Preempt.NoPreempt == nil {
		d.Preempt.NoPreempt = Ptr(d.Preempt.Delay == nil)
	}

	allUnset := true
	for _, n := range d.Nodes {
		if n.Priority != 0 {
			allUnset = false
		}
	}
	for i := range d.Nodes {
		n := &d.Nodes[i]
		if n.Interface == "" {
			n.Interface = d.Interface
		}
		if n.State == "" {
			n.State = StateBackup
		}
		if allUnset {
			// Ten nodes at most, so this never reaches zero.
			n.Priority = autoPriorityStart - autoPriorityStep*i
		}
	}

	if hc := d.HealthCheck; hc != nil && hc.Process == "" {
		if hc.Interval == 0 {
			hc.Interval = defaultCheckInterval
		}
		if hc.Timeout == 0 {
			hc.Timeout = hc.Interval
		}
		if hc.Fall == 0 {
			hc.Fall = defaultCheckFall
		}
		if hc.Rise == 0 {
			hc.Rise = defaultCheckRise
		}
	}

	if d.GARP.MasterDelay == nil {
		d.GARP.MasterDelay = Ptr(defaultGARPMasterDelay)
	}
	if d.GARP.MasterRefresh == nil {
		d.GARP.MasterRefresh = Ptr(defaultGARPMasterRefresh)
	}
	if d.GARP.LowerPrioRepeat == nil {
		d.GARP.LowerPrioRepeat = Ptr(defaultGARPLowerPrioRepeat)
	}
	if d.GARP.HigherPrioSendAdvert == nil {
		d.GARP.HigherPrioSendAdvert = Ptr(true)
	}
	return d
}

// usesScripts reports whether keepalived will fork anything, which is what
// makes script security settings necessary.
func (c Cluster) usesScripts() bool {
	if hc := c.HealthCheck; hc != nil && (hc.TCPPort != 0 || hc.Script != "") {
		return true
	}
	n := c.Notify
	return n.Master != "" || n.Backup != "" || n.Fault != "" || n.Stop != ""
}
