package mockcloud

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
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
func (a *account) sortedHaVips() []*havipRec { return inCreationOrder(a.havips, a.havipSeq) }

func (a *account) sortedEIPs() []*eipRec { return inCreationOrder(a.eips, a.eipSeq) }

// inCreationOrder lists records by the sequence numbers seq gave them when
// they were created. The numbers are unique, so the order is total.
func inCreationOrder[R any](recs map[string]R, seq map[string]int64) []R {
	ids := slices.SortedFunc(maps.Keys(recs), func(x, y string) int { return cmp.Compare(seq[x], seq[y]) })
	out := make([]R, 0, len(ids))
	for _, id := range ids {
		out = append(out, recs[id])
	}
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
