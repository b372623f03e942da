package mockcloud

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/netutil"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// account is one tenant: everything an AccessKeyId can see. One mutex per
// account makes every action linearisable, which is what lets the quota
// and membership rules hold under concurrent requests.
type account struct {
	mu sync.Mutex

	ID            string
	rng           *rand.Rand
	pcg           *rand.PCG
	regions       map[string]bool
	defaultRegion string
	quotas        map[string]int
	transitions   map[string]Transition
	autoMaster    bool
	eipPool       netip.Prefix
	seq           int64

	vpcs      map[string]*vpcRec
	vswitches map[string]*vswitchRec
	instances map[string]*instanceRec
	enis      map[string]*eniRec
	eips      map[string]*eipRec
	havips    map[string]*havipRec
	havipSeq  map[string]int64
	eipSeq    map[string]int64
	tokens    map[string]*tokenRec

	routeTables  map[string]*routeTableRec
	routeEntries map[string]*routeEntryRec
	routeSeq     map[string]int64
}

func seedFor(seed uint64, salt string) (uint64, uint64) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, salt)
	a := h.Sum64()
	h.Write([]byte("second"))
	return a, h.Sum64()
}

func newAccount(id string, seed uint64, now time.Time, fx *Fixtures) (*account, error) {
	s1, s2 := seedFor(seed, id)
	pcg := rand.NewPCG(s1, s2)
	a := &account{
		ID:           id,
		pcg:          pcg,
		rng:          rand.New(pcg),
		regions:      map[string]bool{},
		quotas:       DefaultQuotas(),
		transitions:  map[string]Transition{},
		vpcs:         map[string]*vpcRec{},
		vswitches:    map[string]*vswitchRec{},
		instances:    map[string]*instanceRec{},
		enis:         map[string]*eniRec{},
		eips:         map[string]*eipRec{},
		havips:       map[string]*havipRec{},
		havipSeq:     map[string]int64{},
		eipSeq:       map[string]int64{},
		tokens:       map[string]*tokenRec{},
		routeTables:  map[string]*routeTableRec{},
		routeEntries: map[string]*routeEntryRec{},
		routeSeq:     map[string]int64{},
		eipPool:      netip.MustParsePrefix("198.51.100.0/24"),
	}
	if fx == nil {
		fx = SeedFixtures()
	}
	if err := a.load(fx, now); err != nil {
		return nil, err
	}
	return a, nil
}

// newID makes an ID in the real format: prefix, then lower-case base36
// characters drawn from the account's seeded generator.
func (a *account) newID(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 22; i++ {
		b.WriteByte(idAlphabet[a.rng.IntN(len(idAlphabet))])
	}
	return b.String()
}

func (a *account) nextSeq() int64 { a.seq++; return a.seq }

func (a *account) load(fx *Fixtures, now time.Time) error {
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
	seen := map[string]bool{}
	claim := func(kind, id string) error {
		if seen[id] {
			return fmt.Errorf("fixtures: %s ID %q is used twice", kind, id)
		}
		seen[id] = true
		return nil
	}
	region := func(r string) (string, error) {
		if r == "" {
			return a.defaultRegion, nil
		}
		if !a.regions[r] {
			return "", fmt.Errorf("fixtures: region %q is not in regions", r)
		}
		return r, nil
	}
	for _, v := range fx.VPCs {
		if v.ID == "" {
			v.ID = a.newID("vpc-")
		}
		if err := claim("VPC", v.ID); err != nil {
			return err
		}
		p, err := netip.ParsePrefix(v.CIDR)
		if err != nil || !p.Addr().Is4() {
			return fmt.Errorf("fixtures: VPC %s: cidr %q is not an IPv4 CIDR", v.ID, v.CIDR)
		}
		r, err := region(v.Region)
		if err != nil {
			return err
		}
		a.vpcs[v.ID] = &vpcRec{ID: v.ID, Region: r, CIDR: p.Masked().String(), Name: v.Name, Created: now}
	}
	for _, s := range fx.VSwitches {
		if s.ID == "" {
			s.ID = a.newID("vsw-")
		}
		if err := claim("vSwitch", s.ID); err != nil {
			return err
		}
		vpc := a.vpcs[s.VpcID]
		if vpc == nil {
			return fmt.Errorf("fixtures: vSwitch %s: VPC %q is not declared", s.ID, s.VpcID)
		}
		p, err := netip.ParsePrefix(s.CIDR)
		if err != nil || !p.Addr().Is4() || p != p.Masked() {
			return fmt.Errorf("fixtures: vSwitch %s: cidr %q is not a canonical IPv4 CIDR", s.ID, s.CIDR)
		}
		if p.Bits() < 16 || p.Bits() > 29 {
			return fmt.Errorf("fixtures: vSwitch %s: mask /%d is outside /16–/29", s.ID, p.Bits())
		}
		vp := netip.MustParsePrefix(vpc.CIDR)
		if !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
			return fmt.Errorf("fixtures: vSwitch %s: %s is not inside VPC %s (%s)", s.ID, p, vpc.ID, vpc.CIDR)
		}
		for _, o := range a.vswitches {
			if o.VpcID == s.VpcID && o.prefix.Overlaps(p) {
				return fmt.Errorf("fixtures: vSwitch %s overlaps %s", s.ID, o.ID)
			}
		}
		zone := s.Zone
		if zone == "" {
			zone = vpc.Region + "-a"
		}
		a.vswitches[s.ID] = &vswitchRec{ID: s.ID, VpcID: vpc.ID, Region: vpc.Region, Zone: zone, CIDR: p.String(), Name: s.Name, Created: now, prefix: p}
	}
	checkIP := func(kind, id, vswID, ip string) (*vswitchRec, error) {
		vsw := a.vswitches[vswID]
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
		if owner := a.ipOwner(vsw, addr); owner != "" {
			return nil, fmt.Errorf("fixtures: %s %s: %s is already used by %s", kind, id, ip, owner)
		}
		return vsw, nil
	}
	for _, in := range fx.Instances {
		if in.ID == "" {
			in.ID = a.newID("i-")
		}
		if err := claim("instance", in.ID); err != nil {
			return err
		}
		vsw, err := checkIP("instance", in.ID, in.VSwitchID, in.PrivateIP)
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
			return fmt.Errorf("fixtures: instance %s: unknown status %q", in.ID, st)
		}
		rec := &instanceRec{ID: in.ID, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
			Name: in.Name, PrivateIP: in.PrivateIP, Status: st, Created: now}
		rec.PrimaryENI = a.newID("eni-")
		a.instances[in.ID] = rec
		a.enis[rec.PrimaryENI] = &eniRec{ID: rec.PrimaryENI, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
			PrivateIP: in.PrivateIP, InstanceID: in.ID, Type: "Primary", Mac: a.newMAC(), Created: now}
	}
	for _, e := range fx.ENIs {
		if e.ID == "" {
			e.ID = a.newID("eni-")
		}
		if err := claim("ENI", e.ID); err != nil {
			return err
		}
		vsw, err := checkIP("ENI", e.ID, e.VSwitchID, e.PrivateIP)
		if err != nil {
			return err
		}
		if e.InstanceID != "" {
			in := a.instances[e.InstanceID]
			if in == nil {
				return fmt.Errorf("fixtures: ENI %s: instance %q is not declared", e.ID, e.InstanceID)
			}
			if in.Zone != vsw.Zone {
				return fmt.Errorf("fixtures: ENI %s: instance %s is in zone %s, the ENI in %s", e.ID, in.ID, in.Zone, vsw.Zone)
			}
		}
		a.enis[e.ID] = &eniRec{ID: e.ID, Region: vsw.Region, Zone: vsw.Zone, VSwitchID: vsw.ID, VpcID: vsw.VpcID,
			PrivateIP: e.PrivateIP, InstanceID: e.InstanceID, Name: e.Name, Type: "Secondary", Mac: a.newMAC(), Created: now}
	}
	for _, e := range fx.EIPs {
		if e.ID == "" {
			e.ID = a.newID("eip-")
		}
		if err := claim("EIP", e.ID); err != nil {
			return err
		}
		r, err := region(e.Region)
		if err != nil {
			return err
		}
		ip := e.IP
		if ip == "" {
			ip = a.nextEIPAddress()
			if ip == "" {
				return fmt.Errorf("fixtures: EIP pool %s is exhausted", a.eipPool)
			}
		} else if _, ok := parseIPv4(ip); !ok {
			return fmt.Errorf("fixtures: EIP %s: %q is not an IPv4 address", e.ID, ip)
		}
		bw := e.Bandwidth
		if bw == "" {
			bw = "5"
		}
		a.eips[e.ID] = &eipRec{ID: e.ID, Region: r, IP: ip, Name: e.Name, Bandwidth: bw, ISP: "BGP", ChargeType: "PostPaid",
			InternetChargeType: "PayByBandwidth", Status: rulebook.StatusAvailable, Created: now}
		a.eipSeq[e.ID] = a.nextSeq()
	}
	for _, h := range fx.HaVips {
		if h.ID == "" {
			h.ID = a.newID("havip-")
		}
		if err := claim("HaVip", h.ID); err != nil {
			return err
		}
		vsw := a.vswitches[h.VSwitchID]
		if vsw == nil {
			return fmt.Errorf("fixtures: HaVip %s: vSwitch %q is not declared", h.ID, h.VSwitchID)
		}
		ip := h.IP
		if ip == "" {
			ip = a.freeIP(vsw)
			if ip == "" {
				return fmt.Errorf("fixtures: HaVip %s: vSwitch %s has no free address", h.ID, vsw.ID)
			}
		} else if _, err := checkIP("HaVip", h.ID, h.VSwitchID, ip); err != nil {
			return err
		}
		rec := &havipRec{ID: h.ID, Region: vsw.Region, VpcID: vsw.VpcID, VSwitchID: vsw.ID, IP: ip, Name: h.Name,
			Status: rulebook.StatusAvailable, Created: now}
		for _, m := range h.Members {
			typ, err := a.memberCheckFixture(rec, m)
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
				return fmt.Errorf("fixtures: HaVip %s: master %q is not a member", h.ID, h.Master)
			}
			rec.Master = h.Master
		}
		for _, eid := range h.EIPs {
			e := a.eips[eid]
			if e == nil || e.InstanceID != "" {
				return fmt.Errorf("fixtures: HaVip %s: EIP %q is not declared or already bound", h.ID, eid)
			}
			e.InstanceID, e.InstanceType, e.Status = rec.ID, "HaVip", rulebook.StatusInUse
			rec.EIPs = append(rec.EIPs, eid)
		}
		a.havips[h.ID] = rec
		a.havipSeq[h.ID] = a.nextSeq()
	}
	return a.loadRoutes(fx, now, claim)
}

func (a *account) memberCheckFixture(h *havipRec, id string) (string, error) {
	if in := a.instances[id]; in != nil {
		if in.VSwitchID != h.VSwitchID {
			return "", fmt.Errorf("fixtures: HaVip %s: member %s is in another vSwitch", h.ID, id)
		}
		if h.MemberType == InstanceTypeEni {
			return "", fmt.Errorf("fixtures: HaVip %s mixes ECS and ENI members", h.ID)
		}
		return InstanceTypeEcs, nil
	}
	if e := a.enis[id]; e != nil {
		if e.VSwitchID != h.VSwitchID {
			return "", fmt.Errorf("fixtures: HaVip %s: member %s is in another vSwitch", h.ID, id)
		}
		if h.MemberType == InstanceTypeEcs {
			return "", fmt.Errorf("fixtures: HaVip %s mixes ECS and ENI members", h.ID)
		}
		return InstanceTypeEni, nil
	}
	return "", fmt.Errorf("fixtures: HaVip %s: member %q is not declared", h.ID, id)
}

func (a *account) newMAC() string {
	return fmt.Sprintf("00:16:3e:%02x:%02x:%02x", a.rng.IntN(256), a.rng.IntN(256), a.rng.IntN(256))
}

// ipOwner names the instance, ENI or HaVip using addr in the vSwitch.
func (a *account) ipOwner(vsw *vswitchRec, addr netip.Addr) string {
	s := addr.String()
	for _, in := range a.instances {
		if in.VSwitchID == vsw.ID && in.PrivateIP == s {
			return in.ID
		}
	}
	for _, e := range a.enis {
		if e.VSwitchID == vsw.ID && e.PrivateIP == s {
			return e.ID
		}
	}
	for _, h := range a.havips {
		if h.VSwitchID == vsw.ID && h.IP == s {
			return h.ID
		}
	}
	return ""
}

// freeIP picks a random unused, unreserved address of the vSwitch, drawn
// from the seeded generator so that runs repeat.
func (a *account) freeIP(vsw *vswitchRec) string {
	used := map[string]bool{}
	for _, in := range a.instances {
		if in.VSwitchID == vsw.ID {
			used[in.PrivateIP] = true
		}
	}
	for _, e := range a.enis {
		if e.VSwitchID == vsw.ID {
			used[e.PrivateIP] = true
		}
	}
	for _, h := range a.havips {
		if h.VSwitchID == vsw.ID {
			used[h.IP] = true
		}
	}
	n, _, _ := rulebook.Usable(vsw.prefix)
	at := func(i uint64) string { return netutil.Nth(vsw.prefix, uint64(rulebook.ReservedHead)+i).String() }
	for try := 0; try < 32 && n > 0; try++ {
		if s := at(uint64(a.rng.IntN(int(n)))); !used[s] {
			return s
		}
	}
	for i := uint64(0); i < n; i++ {
		if s := at(i); !used[s] {
			return s
		}
	}
	return ""
}

func (a *account) nextEIPAddress() string {
	used := map[string]bool{}
	for _, e := range a.eips {
		used[e.IP] = true
	}
	for ad := a.eipPool.Addr().Next(); a.eipPool.Contains(ad); ad = ad.Next() {
		if !used[ad.String()] && ad != netutil.Last(a.eipPool) {
			return ad.String()
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	out := list[:0:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// settle applies every transition that is due. describing counts a describe
// call against "describes"-mode transitions of the resources it returns.
func (a *account) settle(now time.Time) {
	for id, h := range a.havips {
		if p := h.Pending; p != nil && p.due(now) {
			a.finishHaVip(id, h)
		}
	}
	for _, e := range a.eips {
		if p := e.Pending; p != nil && p.due(now) {
			e.Status, e.Pending = p.Final, nil
		}
	}
	a.settleRoutes(now)
}

func (a *account) finishHaVip(id string, h *havipRec) {
	p := h.Pending
	h.Pending = nil
	if p.Gone {
		delete(a.havips, id)
		delete(a.havipSeq, id)
		return
	}
	// Members may have changed while the transition ran (an instance or ENI
	// deleted by an event), so the settled status follows the members rather
	// than the target recorded when the transition began.
	h.Status = rulebook.StatusAvailable
	if len(h.Members) > 0 {
		h.Status = rulebook.StatusInUse
	}
}

// described counts one describe that showed h's transitional status; the
// status settles after the Describes-th such describe, so exactly that many
// describes show it (fixtures.go: "the next Describes describe calls").
func (a *account) described(h *havipRec) {
	if p := h.Pending; p != nil && p.seen() {
		a.finishHaVip(h.ID, h)
	}
}

func (a *account) describedEIP(e *eipRec) {
	if p := e.Pending; p != nil && p.seen() {
		e.Status, e.Pending = p.Final, nil
	}
}

func (h *havipRec) shownStatus() string {
	if h.Pending != nil {
		return h.Pending.Shown
	}
	return h.Status
}

func (e *eipRec) shownStatus() string {
	if e.Pending != nil {
		return e.Pending.Shown
	}
	return e.Status
}

// sortedHaVips lists HaVips in creation order, the stable order paging needs.
func (a *account) sortedHaVips() []*havipRec {
	out := make([]*havipRec, 0, len(a.havips))
	for _, h := range a.havips {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return a.havipSeq[out[i].ID] < a.havipSeq[out[j].ID] })
	return out
}

func (a *account) sortedEIPs() []*eipRec {
	out := make([]*eipRec, 0, len(a.eips))
	for _, e := range a.eips {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return a.eipSeq[out[i].ID] < a.eipSeq[out[j].ID] })
	return out
}

// havipCount counts HaVips against the account and VPC quotas; a HaVip
// being deleted still counts until it is gone. The account quota is that
// of one region, as Quota Center holds quotas per region and as the
// provider's plan predicts it.
func (a *account) havipCount(region, vpcID string) (acct, vpc int) {
	for _, h := range a.havips {
		if h.Region != region {
			continue
		}
		acct++
		if h.VpcID == vpcID {
			vpc++
		}
	}
	return
}

// havipsOf lists the HaVips instanceID is a member of, in creation order.
func (a *account) havipsOf(instanceID string) []string {
	var out []string
	for _, h := range a.sortedHaVips() {
		if contains(h.Members, instanceID) {
			out = append(out, h.ID)
		}
	}
	return out
}
