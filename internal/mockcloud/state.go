package mockcloud

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"
)

const stateFormat = "mockcloud-state"
const stateVersion = 1

type stateFile struct {
	Format      string         `json:"format"`
	Version     int            `json:"version"`
	Seed        uint64         `json:"seed"`
	SavedAt     time.Time      `json:"saved_at"`
	Credentials []Credential   `json:"credentials"`
	Fixtures    *Fixtures      `json:"fixtures"`
	Accounts    []accountState `json:"accounts"`
}

type accountState struct {
	ID            string                `json:"id"`
	RNG           []byte                `json:"rng"`
	Regions       []string              `json:"regions"`
	DefaultRegion string                `json:"default_region"`
	Quotas        map[string]int        `json:"quotas"`
	Transitions   map[string]Transition `json:"transitions"`
	AutoMaster    bool                  `json:"auto_master"`
	EIPPool       string                `json:"eip_pool"`
	Seq           int64                 `json:"seq"`
	VPCs          []*vpcRec             `json:"vpcs"`
	VSwitches     []*vswitchRec         `json:"vswitches"`
	Instances     []*instanceRec        `json:"instances"`
	ENIs          []*eniRec             `json:"enis"`
	EIPs          []*eipRec             `json:"eips"`
	EIPSeq        map[string]int64      `json:"eip_seq"`
	HaVips        []*havipRec           `json:"havips"`
	HaVipSeq      map[string]int64      `json:"havip_seq"`
	Tokens        map[string]*tokenRec  `json:"tokens"`
	RouteTables   []*routeTableRec      `json:"route_tables,omitempty"`
	RouteEntries  []*routeEntryRec      `json:"route_entries,omitempty"`
	RouteSeq      map[string]int64      `json:"route_seq,omitempty"`
}

// values lists m's values in the order of their keys.
func values[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// Dump serialises every account, taken under each account's lock, as
// versioned JSON that Restore (of this or a later mock) reads back.
func (s *Server) Dump() ([]byte, error) {
	s.mu.RLock()
	st := stateFile{Format: stateFormat, Version: stateVersion, Seed: s.seed, SavedAt: s.now().UTC(), Fixtures: s.fixtures}
	for _, k := range slices.Sorted(maps.Keys(s.keys)) {
		st.Credentials = append(st.Credentials, s.keys[k])
	}
	accts := make([]*account, 0, len(s.order))
	for _, id := range s.order {
		accts = append(accts, s.accounts[id])
	}
	s.mu.RUnlock()
	for _, a := range accts {
		a.mu.Lock()
		rng, err := a.pcg.MarshalBinary()
		if err != nil {
			a.mu.Unlock()
			return nil, err
		}
		st.Accounts = append(st.Accounts, accountState{
			ID: a.ID, RNG: rng, Regions: slices.Sorted(maps.Keys(a.regions)), DefaultRegion: a.defaultRegion, Quotas: a.quotas,
			Transitions: a.transitions, AutoMaster: a.autoMaster, EIPPool: a.eipPool.String(), Seq: a.seq,
			VPCs: values(a.vpcs), VSwitches: values(a.vswitches), Instances: values(a.instances), ENIs: values(a.enis),
			EIPs: values(a.eips), EIPSeq: a.eipSeq, HaVips: values(a.havips), HaVipSeq: a.havipSeq, Tokens: a.tokens,
			RouteTables: values(a.routeTables), RouteEntries: values(a.routeEntries), RouteSeq: a.routeSeq,
		})
		b, err := json.Marshal(st.Accounts[len(st.Accounts)-1])
		a.mu.Unlock()
		if err != nil {
			return nil, err
		}
		// Re-decode so the dump holds a copy, not maps still shared with
		// the live account.
		var cp accountState
		_ = json.Unmarshal(b, &cp)
		st.Accounts[len(st.Accounts)-1] = cp
	}
	return json.MarshalIndent(st, "", " ")
}

// Restore replaces all state with a dump. A dump from a newer format
// version is refused rather than half-read.
func (s *Server) Restore(b []byte) error {
	var st stateFile
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if st.Format != stateFormat {
		return fmt.Errorf("state: format %q is not %q", st.Format, stateFormat)
	}
	if st.Version > stateVersion || st.Version < 1 {
		return fmt.Errorf("state: version %d is not supported by this mock (it reads version %d)", st.Version, stateVersion)
	}
	if st.Fixtures == nil || len(st.Fixtures.Regions) == 0 {
		return fmt.Errorf("state: fixtures are missing")
	}
	accounts := map[string]*account{}
	var order []string
	for _, as := range st.Accounts {
		a, err := as.restore(st.SavedAt)
		if err != nil {
			return err
		}
		accounts[a.ID] = a
		order = append(order, a.ID)
	}
	keys := map[string]Credential{}
	for _, c := range st.Credentials {
		if accounts[c.AccountID] == nil {
			return fmt.Errorf("state: credential %s points at unknown account %s", c.AccessKeyID, c.AccountID)
		}
		if err := c.loadPolicy(); err != nil {
			return fmt.Errorf("state: %w", err)
		}
		keys[c.AccessKeyID] = c
	}
	if len(order) == 0 {
		return fmt.Errorf("state: no accounts")
	}
	ident, err := compileIdentity(st.Fixtures)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	s.mu.Lock()
	s.seed, s.fixtures, s.accounts, s.order, s.keys, s.ident = st.Seed, st.Fixtures, accounts, order, keys, ident
	s.nextAcct = len(order)
	s.mu.Unlock()
	s.sessions.forgetCurrent()
	s.changes.Add(1)
	return nil
}

// restore rebuilds one account from its dump.
func (as accountState) restore(savedAt time.Time) (*account, error) {
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(as.RNG); err != nil {
		return nil, fmt.Errorf("state: account %s: %w", as.ID, err)
	}
	pool, err := netip.ParsePrefix(as.EIPPool)
	if err != nil {
		return nil, fmt.Errorf("state: account %s: eip_pool: %w", as.ID, err)
	}
	a := &account{ID: as.ID, pcg: pcg, rng: rand.New(pcg), regions: set(as.Regions), defaultRegion: as.DefaultRegion,
		quotas: as.Quotas, transitions: as.Transitions, autoMaster: as.AutoMaster, eipPool: pool, seq: as.Seq,
		vpcs: map[string]*vpcRec{}, vswitches: map[string]*vswitchRec{}, instances: map[string]*instanceRec{},
		enis: map[string]*eniRec{}, eips: map[string]*eipRec{}, havips: map[string]*havipRec{},
		havipSeq: orEmpty(as.HaVipSeq), eipSeq: orEmpty(as.EIPSeq), tokens: as.Tokens,
		routeTables: map[string]*routeTableRec{}, routeEntries: map[string]*routeEntryRec{}, routeSeq: orEmpty(as.RouteSeq)}
	if a.tokens == nil {
		a.tokens = map[string]*tokenRec{}
	}
	if a.transitions == nil {
		a.transitions = map[string]Transition{}
	}
	if a.quotas == nil {
		a.quotas = DefaultQuotas()
	}
	for _, v := range as.VPCs {
		a.vpcs[v.ID] = v
	}
	for _, v := range as.VSwitches {
		p, err := netip.ParsePrefix(v.CIDR)
		if err != nil {
			return nil, fmt.Errorf("state: vSwitch %s: %w", v.ID, err)
		}
		v.prefix = p
		a.vswitches[v.ID] = v
	}
	for _, v := range as.Instances {
		a.instances[v.ID] = v
	}
	for _, v := range as.ENIs {
		a.enis[v.ID] = v
	}
	for _, v := range as.EIPs {
		a.eips[v.ID] = v
	}
	for _, v := range as.HaVips {
		a.havips[v.ID] = v
	}
	for _, v := range as.RouteTables {
		a.routeTables[v.ID] = v
	}
	for _, v := range as.RouteEntries {
		a.routeEntries[v.ID] = v
	}
	a.ensureSystemTables(savedAt)
	return a, nil
}

func orEmpty(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}
