package mockcloud

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// load fills a new account with the fixtures, one kind after another in
// the order they refer to each other. IDs left empty are drawn from the
// account's seeded generator in this order, so it is part of what makes
// a seed repeat the same world.
func (a *account) load(fx *Fixtures, now time.Time) error {
	if err := a.loadSettings(fx); err != nil {
		return err
	}
	l := &fixtureLoader{a: a, now: now, seen: map[string]bool{}}
	for _, kind := range []func() error{
		func() error { return each(fx.VPCs, l.vpc) },
		func() error { return each(fx.VSwitches, l.vswitch) },
		func() error { return each(fx.Instances, l.instance) },
		func() error { return each(fx.ENIs, l.eni) },
		func() error { return each(fx.EIPs, l.eip) },
		func() error { return each(fx.HaVips, l.havip) },
		// Every VPC has a System table; a route entry's next hop is a HaVip.
		func() error { a.ensureSystemTables(now); return nil },
		func() error { return each(fx.RouteTables, l.routeTable) },
		func() error { return each(fx.RouteEntries, l.routeEntry) },
	} {
		if err := kind(); err != nil {
			return err
		}
	}
	return nil
}

// each loads items in order, stopping at the first refusal.
func each[T any](items []T, load func(T) error) error {
	for _, v := range items {
		if err := load(v); err != nil {
			return err
		}
	}
	return nil
}

// loadSettings takes the account-wide part of the fixtures: regions,
// quotas, transitions, the master rule and the EIP pool.
func (a *account) loadSettings(fx *Fixtures) error {
	if len(fx.Regions) == 0 {
		return fmt.Errorf("fixtures: at least one region is required")
	}
	for _, r := range fx.Regions {
		if r == "" {
			return fmt.Errorf("fixtures: empty region name")
		}
		a.regions[r] = true
	}
	a.defaultRegion = fx.Regions[0]
	for k, v := range fx.Quotas {
		if _, ok := a.quotas[k]; !ok {
			return fmt.Errorf("fixtures: unknown quota %q", k)
		}
		if v < 0 {
			return fmt.Errorf("fixtures: quota %q must not be negative", k)
		}
		a.quotas[k] = v
	}
	for k, t := range fx.Transitions {
		if !validTransitionKind(k) {
			return fmt.Errorf("fixtures: transitions apply to havip, eip, route_entry or one of %s, not %q", strings.Join(TransitionKinds, ", "), k)
		}
		if err := t.validate(); err != nil {
			return fmt.Errorf("fixtures: transitions.%s: %w", k, err)
		}
		a.transitions[k] = t
	}
	a.autoMaster = fx.AutoMaster
	if fx.EIPPool != "" {
		p, err := netip.ParsePrefix(fx.EIPPool)
		if err != nil || !p.Addr().Is4() {
			return fmt.Errorf("fixtures: eip_pool %q is not an IPv4 CIDR", fx.EIPPool)
		}
		a.eipPool = p.Masked()
	}
	return nil
}

// fixtureLoader is one load in progress: the account being filled and
// every ID claimed so far, by any kind.
type fixtureLoader struct {
	a    *account
	now  time.Time
	seen map[string]bool
}

// id gives a declared ID, or draws one, and claims it: an ID names one
// resource of any kind.
func (l *fixtureLoader) id(kind, declared, prefix string) (string, error) {
	id := declared
	if id == "" {
		id = l.a.newID(prefix)
	}
	if l.seen[id] {
		return "", fmt.Errorf("fixtures: %s ID %q is used twice", kind, id)
	}
	l.seen[id] = true
	return id, nil
}

// region resolves a declared region; empty is the default one.
func (l *fixtureLoader) region(r string) (string, error) {
	if r == "" {
		return l.a.defaultRegion, nil
	}
	if !l.a.regions[r] {
		return "", fmt.Errorf("fixtures: region %q is not in regions", r)
	}
	return r, nil
}

// address checks that ip is a usable, unused address of a declared
// vSwitch and returns the vSwitch.
func (l *fixtureLoader) address(kind, id, vswID, ip string) (*vswitchRec, error) {
	vsw := l.a.vswitches[vswID]
	if vsw == nil {
		return nil, fmt.Errorf("fixtures: %s %s: vSwitch %q is not declared", kind, id, vswID)
	}
	addr, ok := parseIPv4(ip)
	if !ok {
		return nil, fmt.Errorf("fixtures: %s %s: %q is not an IPv4 address", kind, id, ip)
	}
	if rulebook.CheckHaVipAddress(vsw.ID, vsw.prefix, addr) != nil {
		return nil, fmt.Errorf("fixtures: %s %s: %s is not a usable address of %s", kind, id, ip, vsw.CIDR)
	}
	if owner := l.a.ipOwner(vsw, addr); owner != "" {
		return nil, fmt.Errorf("fixtures: %s %s: %s is already used by %s", kind, id, ip, owner)
	}
	return vsw, nil
}

func (l *fixtureLoader) vpc(v FixtureVPC) error {
	id, err := l.id("VPC", v.ID, "vpc-")
	if err != nil {
		return err
	}
	p, err := netip.ParsePrefix(v.CIDR)
	if err != nil || !p.Addr().Is4() {
		return fmt.Errorf("fixtures: VPC %s: cidr %q is not an IPv4 CIDR", id, v.CIDR)
	}
	r, err := l.region(v.Region)
	if err != nil {
		return err
	}
	l.a.vpcs[id] = &vpcRec{ID: id, Region: r, CIDR: p.Masked().String(), Name: v.Name, Created: l.now}
	return nil
}

func (l *fixtureLoader) vswitch(s FixtureVSwitch) error {
	id, err := l.id("vSwitch", s.ID, "vsw-")
	if err != nil {
		return err
	}
	vpc := l.a.vpcs[s.VpcID]
	if vpc == nil {
		return fmt.Errorf("fixtures: vSwitch %s: VPC %q is not declared", id, s.VpcID)
	}
	p, err := netip.ParsePrefix(s.CIDR)
	if err != nil || !p.Addr().Is4() || p != p.Masked() {
		return fmt.Errorf("fixtures: vSwitch %s: cidr %q is not a canonical IPv4 CIDR", id, s.CIDR)
	}
	if p.Bits() < 16 || p.Bits() > 29 {
		return fmt.Errorf("fixtures: vSwitch %s: mask /%d is outside /16–/29", id, p.Bits())
	}
	vp := netip.MustParsePrefix(vpc.CIDR)
	if !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
		return fmt.Errorf("fixtures: vSwitch %s: %s is not inside VPC %s (%s)", id, p, vpc.ID, vpc.CIDR)
	}
	for _, o := range l.a.vswitches {
		if o.VpcID == s.VpcID && o.prefix.Overlaps(p) {
			return fmt.Errorf("fixtures: vSwitch %s overlaps %s", id, o.ID)
		}
	}
	zone := s.Zone
	if zone == "" {
		zone = vpc.Region + "-a"
	}
	l.a.vswitches[id] = &vswitchRec{ID: id, VpcID: vpc.ID, Region: vpc.Region, Zone: zone, CIDR: p.String(), Name: s.Name, Created: l.now, prefix: p}
	return nil
}

// instance adds an ECS instance and its primary ENI.
func (l *fixtureLoader) instance(in FixtureInstance) error {
	id, err := l.id("instance", in.ID, "i-")
	if err != nil {
		return err
	}
	vsw, err := l.address("instance", id, in.VSwitchID, in.PrivateIP)
	if err != nil {
		return err
	}
	st := in.Status
	if st == "" {
		st = "Running"
	}
	switch st {
	case "Pending", "Running", "Starting", "Stopping", "Stopped":
	default:
		return fmt.Errorf("fixtures: instance %s: unknown status %q", id, st)
	}
	rec := &instanceRec{ID: id, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
		Name: in.Name, PrivateIP: in.PrivateIP, Status: st, Created: l.now}
	rec.PrimaryENI = l.a.newID("eni-")
	l.a.instances[id] = rec
	l.a.enis[rec.PrimaryENI] = &eniRec{ID: rec.PrimaryENI, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
		PrivateIP: in.PrivateIP, InstanceID: id, Type: "Primary", Mac: l.a.newMAC(), Created: l.now}
	return nil
}

// eni adds a secondary ENI, attached to an instance of its zone or not.
func (l *fixtureLoader) eni(e FixtureENI) error {
	id, err := l.id("ENI", e.ID, "eni-")
	if err != nil {
		return err
	}
	vsw, err := l.address("ENI", id, e.VSwitchID, e.PrivateIP)
	if err != nil {
		return err
	}
	if e.InstanceID != "" {
		in := l.a.instances[e.InstanceID]
		if in == nil {
			return fmt.Errorf("fixtures: ENI %s: instance %q is not declared", id, e.InstanceID)
		}
		if in.Zone != vsw.Zone {
			return fmt.Errorf("fixtures: ENI %s: instance %s is in zone %s, the ENI in %s", id, in.ID, in.Zone, vsw.Zone)
		}
	}
	l.a.enis[id] = &eniRec{ID: id, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
		PrivateIP: e.PrivateIP, InstanceID: e.InstanceID, Name: e.Name, Type: "Secondary", Mac: l.a.newMAC(), Created: l.now}
	return nil
}

// eip adds an EIP, its address from the pool unless declared.
func (l *fixtureLoader) eip(e FixtureEIP) error {
	id, err := l.id("EIP", e.ID, "eip-")
	if err != nil {
		return err
	}
	r, err := l.region(e.Region)
	if err != nil {
		return err
	}
	ip := e.IP
	if ip == "" {
		ip = l.a.nextEIPAddress()
		if ip == "" {
			return fmt.Errorf("fixtures: EIP pool %s is exhausted", l.a.eipPool)
		}
	} else if _, ok := parseIPv4(ip); !ok {
		return fmt.Errorf("fixtures: EIP %s: %q is not an IPv4 address", id, ip)
	}
	bw := e.Bandwidth
	if bw == "" {
		bw = "5"
	}
	l.a.eips[id] = &eipRec{ID: id, Region: r, IP: ip, Name: e.Name, Bandwidth: bw, ISP: "BGP", ChargeType: "PostPaid",
		InternetChargeType: "PayByBandwidth", Status: rulebook.StatusAvailable, Created: l.now}
	l.a.eipSeq[id] = l.a.nextSeq()
	return nil
}

// havip adds a HaVip with its members, master and bound EIPs, which the
// rules of the API must allow.
func (l *fixtureLoader) havip(h FixtureHaVip) error {
	id, err := l.id("HaVip", h.ID, "havip-")
	if err != nil {
		return err
	}
	a := l.a
	vsw := a.vswitches[h.VSwitchID]
	if vsw == nil {
		return fmt.Errorf("fixtures: HaVip %s: vSwitch %q is not declared", id, h.VSwitchID)
	}
	ip := h.IP
	if ip == "" {
		ip = a.freeIP(vsw)
		if ip == "" {
			return fmt.Errorf("fixtures: HaVip %s: vSwitch %s has no free address", id, vsw.ID)
		}
	} else if _, err := l.address("HaVip", id, h.VSwitchID, ip); err != nil {
		return err
	}
	rec := &havipRec{ID: id, Region: vsw.Region, VpcID: vsw.VpcID, VSwitchID: vsw.ID, IP: ip, Name: h.Name,
		Status: rulebook.StatusAvailable, Created: l.now}
	for _, m := range h.Members {
		typ, err := a.fixtureMember(rec, m)
		if err != nil {
			return err
		}
		rec.MemberType = typ
		rec.Members = append(rec.Members, m)
	}
	if len(rec.Members) > 0 {
		rec.Status = rulebook.StatusInUse
	}
	if h.Master != "" {
		if !contains(rec.Members, h.Master) {
			return fmt.Errorf("fixtures: HaVip %s: master %q is not a member", id, h.Master)
		}
		rec.Master = h.Master
	}
	for _, eid := range h.EIPs {
		e := a.eips[eid]
		if e == nil || e.InstanceID != "" {
			return fmt.Errorf("fixtures: HaVip %s: EIP %q is not declared or already bound", id, eid)
		}
		e.InstanceID, e.InstanceType, e.Status = rec.ID, "HaVip", rulebook.StatusInUse
		rec.EIPs = append(rec.EIPs, eid)
	}
	a.havips[id] = rec
	a.havipSeq[id] = a.nextSeq()
	return nil
}

// routeTable adds a Custom route table and associates its vSwitches.
func (l *fixtureLoader) routeTable(t FixtureRouteTable) error {
	id, err := l.id("route table", t.ID, "vtb-")
	if err != nil {
		return err
	}
	a := l.a
	if a.routeTables[id] != nil {
		return fmt.Errorf("fixtures: route table %s is the System table of a VPC", id)
	}
	vpc := a.vpcs[t.VpcID]
	if vpc == nil {
		return fmt.Errorf("fixtures: route table %s: VPC %q is not declared", id, t.VpcID)
	}
	rec := &routeTableRec{ID: id, Region: vpc.Region, VpcID: vpc.ID, RouterID: routerID(vpc.ID), Name: t.Name,
		Type: RouteTableCustom, Created: l.now}
	for _, sid := range t.VSwitches {
		vsw := a.vswitches[sid]
		if vsw == nil || vsw.VpcID != vpc.ID {
			return fmt.Errorf("fixtures: route table %s: vSwitch %q is not declared in VPC %s", id, sid, vpc.ID)
		}
		if other := a.customTableOf(sid); other != nil {
			return fmt.Errorf("fixtures: vSwitch %s is associated with route tables %s and %s", sid, other.ID, id)
		}
		rec.VSwitches = append(rec.VSwitches, sid)
	}
	a.routeTables[id] = rec
	return nil
}

// routeEntry adds a route entry with a HaVip of the table's VPC as its
// next hop.
func (l *fixtureLoader) routeEntry(r FixtureRouteEntry) error {
	id, err := l.id("route entry", r.ID, "rte-")
	if err != nil {
		return err
	}
	a := l.a
	t, h := a.routeTables[r.TableID], a.havips[r.HaVipID]
	prefix, err := netip.ParsePrefix(r.Destination)
	switch {
	case t == nil:
		return fmt.Errorf("fixtures: route entry %s: route table %q is not declared", id, r.TableID)
	case h == nil || h.VpcID != t.VpcID:
		return fmt.Errorf("fixtures: route entry %s: HaVip %q is not declared in VPC %s", id, r.HaVipID, t.VpcID)
	case err != nil || prefix.Masked() != prefix || !prefix.Addr().Is4():
		return fmt.Errorf("fixtures: route entry %s: %q is not an IPv4 CIDR block", id, r.Destination)
	}
	for _, e := range a.tableEntries(t) {
		if e.Dest == prefix.String() {
			return fmt.Errorf("fixtures: route entry %s: %s is already routed in %s", id, r.Destination, t.ID)
		}
	}
	a.routeEntries[id] = &routeEntryRec{ID: id, TableID: t.ID, Region: t.Region, Dest: prefix.String(), NextHopType: NextHopHaVip,
		NextHopID: h.ID, Name: r.Name, Description: r.Description, Status: rulebook.StatusAvailable, Created: l.now}
	return nil
}

// fixtureMember checks that a declared member may join h and gives its type.
func (a *account) fixtureMember(h *havipRec, id string) (string, error) {
	var typ, vswID string
	if in := a.instances[id]; in != nil {
		typ, vswID = InstanceTypeEcs, in.VSwitchID
	} else if e := a.enis[id]; e != nil {
		typ, vswID = InstanceTypeEni, e.VSwitchID
	} else {
		return "", fmt.Errorf("fixtures: HaVip %s: member %q is not declared", h.ID, id)
	}
	if vswID != h.VSwitchID {
		return "", fmt.Errorf("fixtures: HaVip %s: member %s is in another vSwitch", h.ID, id)
	}
	if h.MemberType != "" && h.MemberType != typ {
		return "", fmt.Errorf("fixtures: HaVip %s mixes ECS and ENI members", h.ID)
	}
	return typ, nil
}
