package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Event types: out-of-band changes a test makes to the world, as the cloud
// or a person outside Terraform would.
const (
	EventDeleteInstance    = "delete_instance"     // instance_id: the instance and its primary ENI disappear, leaving every HaVip
	EventDeleteENI         = "delete_eni"          // eni_id: the ENI disappears, leaving every HaVip
	EventDetachENI         = "detach_eni"          // eni_id: detached from its instance; HaVip associations stay (user guide)
	EventSetMaster         = "set_master"          // havip_id, instance_id ("" clears): keepalived moved the VIP
	EventSetQuota          = "set_quota"           // quota, value
	EventSetInstanceStatus = "set_instance_status" // instance_id, status
	EventSetTransition     = "set_transition"      // kind (havip|eip|havip.create|…), transition
	EventSetAutoMaster     = "set_auto_master"     // value (0|1): the first member becomes master
)

// Event is one out-of-band change, for the Go API and POST /_mockcloud/events.
type Event struct {
	Type       string      `json:"type"`
	Account    string      `json:"account,omitempty"` // account ID or AccessKeyId; empty = default account
	InstanceID string      `json:"instance_id,omitempty"`
	ENIID      string      `json:"eni_id,omitempty"`
	HaVipID    string      `json:"havip_id,omitempty"`
	Quota      string      `json:"quota,omitempty"`
	Value      int         `json:"value,omitempty"`
	Status     string      `json:"status,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	Transition *Transition `json:"transition,omitempty"`
}

// Apply carries out an event.
func (s *Server) Apply(ev Event) error {
	a, err := s.resolveAccount(ev.Account)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	defer s.changes.Add(1)
	a.settle(s.now())
	switch ev.Type {
	case EventDeleteInstance:
		in := a.instances[ev.InstanceID]
		if in == nil {
			return fmt.Errorf("no instance %q", ev.InstanceID)
		}
		delete(a.instances, in.ID)
		a.detachFromHaVips(in.ID)
		for id, e := range a.enis {
			if e.InstanceID != in.ID {
				continue
			}
			if e.Type == "Primary" {
				delete(a.enis, id)
				a.detachFromHaVips(id)
			} else {
				e.InstanceID = ""
			}
		}
	case EventDeleteENI:
		e := a.enis[ev.ENIID]
		if e == nil || e.Type == "Primary" {
			return fmt.Errorf("no secondary ENI %q", ev.ENIID)
		}
		delete(a.enis, e.ID)
		a.detachFromHaVips(e.ID)
	case EventDetachENI:
		e := a.enis[ev.ENIID]
		if e == nil || e.Type == "Primary" {
			return fmt.Errorf("no secondary ENI %q", ev.ENIID)
		}
		e.InstanceID = ""
	case EventSetMaster:
		h := a.havips[ev.HaVipID]
		if h == nil {
			return fmt.Errorf("no HaVip %q", ev.HaVipID)
		}
		if ev.InstanceID != "" && !contains(h.Members, ev.InstanceID) {
			return fmt.Errorf("%s is not a member of %s (members: %s)", ev.InstanceID, h.ID, strings.Join(h.Members, ", "))
		}
		h.Master = ev.InstanceID
	case EventSetQuota:
		if _, ok := a.quotas[ev.Quota]; !ok {
			return fmt.Errorf("unknown quota %q", ev.Quota)
		}
		if ev.Value < 0 {
			return fmt.Errorf("quota %s must not be negative", ev.Quota)
		}
		a.quotas[ev.Quota] = ev.Value
	case EventSetInstanceStatus:
		in := a.instances[ev.InstanceID]
		if in == nil {
			return fmt.Errorf("no instance %q", ev.InstanceID)
		}
		switch ev.Status {
		case "Pending", "Running", "Starting", "Stopping", "Stopped":
		default:
			return fmt.Errorf("unknown instance status %q", ev.Status)
		}
		in.Status = ev.Status
	case EventSetTransition:
		if !validTransitionKind(ev.Kind) {
			return fmt.Errorf("transition kind must be havip, eip, route_entry or one of %s, not %q", strings.Join(TransitionKinds, ", "), ev.Kind)
		}
		t := Transition{}
		if ev.Transition != nil {
			t = *ev.Transition
		}
		if err := t.validate(); err != nil {
			return err
		}
		a.transitions[ev.Kind] = t
	case EventSetAutoMaster:
		a.autoMaster = ev.Value != 0
	default:
		return fmt.Errorf("unknown event type %q", ev.Type)
	}
	return nil
}

// detachFromHaVips is what the platform does when a member disappears.
func (a *account) detachFromHaVips(id string) {
	for _, h := range a.havips {
		if contains(h.Members, id) {
			a.dropMember(h, id)
		}
	}
}

// Convenience wrappers over Apply for in-process tests.
func (s *Server) DeleteInstance(account, id string) error {
	return s.Apply(Event{Type: EventDeleteInstance, Account: account, InstanceID: id})
}

func (s *Server) SetMaster(account, havipID, instanceID string) error {
	return s.Apply(Event{Type: EventSetMaster, Account: account, HaVipID: havipID, InstanceID: instanceID})
}

func (s *Server) SetQuota(account, quota string, value int) error {
	return s.Apply(Event{Type: EventSetQuota, Account: account, Quota: quota, Value: value})
}

// AddFault installs a fault rule and returns its ID.
func (s *Server) AddFault(r FaultRule) (string, error) { return s.faults.add(r) }

// RemoveFault deletes one rule; ClearFaults all of them.
func (s *Server) RemoveFault(id string) bool { return s.faults.remove(id) }
func (s *Server) ClearFaults()               { s.faults.clear() }
func (s *Server) Faults() []FaultRule        { return s.faults.list() }

// Fault returns a rule with its match and fire counters.
func (s *Server) Fault(id string) (FaultRule, bool) { return s.faults.get(id) }

// Journal lists recorded requests; JournalCounts counts calls per action.
func (s *Server) Journal(f JournalFilter) []JournalEntry { return s.journal.list(f) }
func (s *Server) JournalCounts(account string) map[string]int {
	if a, err := s.resolveAccount(account); err == nil && account != "" {
		account = a.ID
	}
	return s.journal.countsFor(account)
}
func (s *Server) JournalSeq() int64 { return s.journal.lastSeq() }
func (s *Server) ClearJournal()     { s.journal.clear() }

// Reset puts one account ("" = every account) back to the fixtures.
func (s *Server) Reset(accountRef string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changes.Add(1)
	ids := s.order
	if accountRef != "" {
		id := accountRef
		if c, ok := s.keys[accountRef]; ok {
			id = c.AccountID
		}
		if s.accounts[id] == nil {
			return fmt.Errorf("no account or AccessKeyId %q", accountRef)
		}
		ids = []string{id}
	}
	for _, id := range ids {
		a, err := newAccount(id, s.seed, s.now(), s.fixtures)
		if err != nil {
			return err
		}
		s.accounts[id] = a
	}
	return nil
}

// LoadFixtures replaces the fixtures and resets every account to them.
func (s *Server) LoadFixtures(fx *Fixtures) error {
	// Build once first so a bad file changes nothing. Restore writes s.seed
	// under s.mu, so read it there.
	s.mu.RLock()
	seed := s.seed
	s.mu.RUnlock()
	if _, err := newAccount("0000000000000000", seed, s.now(), fx); err != nil {
		return err
	}
	for _, c := range fx.Credentials {
		if err := c.loadPolicy(); err != nil {
			return err
		}
	}
	ident, err := compileIdentity(fx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.fixtures, s.ident = fx, ident
	s.mu.Unlock()
	s.sessions.forgetCurrent()
	if err := s.Reset(""); err != nil {
		return err
	}
	return s.registerFixtureCredentials(fx.Credentials)
}

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
		pcg := &rand.PCG{}
		if err := pcg.UnmarshalBinary(as.RNG); err != nil {
			return fmt.Errorf("state: account %s: %w", as.ID, err)
		}
		pool, err := netip.ParsePrefix(as.EIPPool)
		if err != nil {
			return fmt.Errorf("state: account %s: eip_pool: %w", as.ID, err)
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
				return fmt.Errorf("state: vSwitch %s: %w", v.ID, err)
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
		a.ensureSystemTables(st.SavedAt)
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

func orEmpty(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}

// Accounts lists every credential.
func (s *Server) Accounts() []Credential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Credential, 0, len(s.keys))
	for _, k := range slices.Sorted(maps.Keys(s.keys)) {
		out = append(out, s.keys[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AccountID < out[j].AccountID })
	return out
}

// serveAdmin is the HTTP face of the admin API. Everything here is also a
// Go method for in-process tests.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(AdminPrefix, "/")), "/")
	if s.serveIdentityAdmin(w, r, path) {
		return
	}
	q := r.URL.Query()
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		_ = enc.Encode(v)
	}
	fail := func(code int, err error) { reply(code, map[string]string{"error": err.Error()}) }
	readBody := func(v any) bool {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			fail(http.StatusRequestEntityTooLarge, err)
			return false
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			fail(http.StatusBadRequest, fmt.Errorf("body: %w", err))
			return false
		}
		return true
	}
	route := r.Method + " " + path
	switch {
	case route == "GET /health":
		reply(200, map[string]any{"status": "ok", "endpoint": s.Endpoint(), "region": s.Region(), "accounts": len(s.Accounts())})
	case route == "POST /reset":
		if err := s.Reset(q.Get("account")); err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "reset"})
	case route == "PUT /fixtures" || route == "POST /fixtures":
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
		if err != nil {
			fail(http.StatusRequestEntityTooLarge, err)
			return
		}
		fx, err := ParseFixtures(b)
		if err == nil {
			err = s.LoadFixtures(fx)
		}
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "loaded"})
	case route == "GET /state":
		b, err := s.Dump()
		if err != nil {
			fail(500, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	case route == "PUT /state" || route == "POST /state":
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
		if err == nil {
			err = s.Restore(b)
		}
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "restored"})
	case route == "GET /journal":
		f := JournalFilter{Action: q.Get("action"), Code: q.Get("code"), Mutating: q.Get("mutating") == "true"}
		if ref := q.Get("account"); ref != "" {
			a, err := s.resolveAccount(ref)
			if err != nil {
				fail(http.StatusNotFound, err)
				return
			}
			f.Account = a.ID
		}
		if v := q.Get("since"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fail(http.StatusBadRequest, fmt.Errorf("since: %w", err))
				return
			}
			f.Since = n
		}
		reply(200, s.Journal(f))
	case route == "GET /journal/counts":
		reply(200, s.JournalCounts(q.Get("account")))
	case route == "DELETE /journal":
		s.ClearJournal()
		reply(200, map[string]string{"status": "cleared"})
	case route == "POST /events":
		var ev Event
		if !readBody(&ev) {
			return
		}
		if err := s.Apply(ev); err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "applied"})
	case route == "GET /faults":
		reply(200, s.Faults())
	case route == "POST /faults":
		var rule FaultRule
		if !readBody(&rule) {
			return
		}
		id, err := s.AddFault(rule)
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"id": id})
	case route == "DELETE /faults":
		s.ClearFaults()
		reply(200, map[string]string{"status": "cleared"})
	case r.Method == http.MethodDelete && strings.HasPrefix(path, "/faults/"):
		if !s.RemoveFault(strings.TrimPrefix(path, "/faults/")) {
			fail(http.StatusNotFound, fmt.Errorf("no fault rule %q", strings.TrimPrefix(path, "/faults/")))
			return
		}
		reply(200, map[string]string{"status": "removed"})
	case route == "GET /accounts":
		reply(200, s.Accounts())
	case route == "POST /accounts":
		c, err := s.NewAccount()
		if err != nil {
			fail(500, err)
			return
		}
		reply(200, c)
	case route == "POST /credentials":
		var c Credential
		if !readBody(&c) {
			return
		}
		c, err := s.AddCredential(c)
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, c)
	case strings.HasPrefix(path, "/credentials/") && strings.HasSuffix(path, "/policy") && (r.Method == http.MethodPut || r.Method == http.MethodDelete):
		akid := strings.TrimSuffix(strings.TrimPrefix(path, "/credentials/"), "/policy")
		var doc []byte
		if r.Method == http.MethodPut {
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
			if err != nil {
				fail(http.StatusRequestEntityTooLarge, err)
				return
			}
			doc = b
		}
		if err := s.SetPolicy(akid, doc); err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "policy set"})
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/credentials/") && strings.HasSuffix(path, "/expire"):
		if err := s.ExpireSession(strings.TrimSuffix(strings.TrimPrefix(path, "/credentials/"), "/expire")); err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		reply(200, map[string]string{"status": "expired"})
	case route == "GET /clock":
		reply(200, map[string]string{"now": s.now().UTC().Format(time.RFC3339Nano), "offset": time.Duration(s.offset.Load()).String()})
	case route == "PUT /clock" || route == "POST /clock":
		var body struct {
			Offset Duration `json:"offset"`
		}
		if !readBody(&body) {
			return
		}
		s.SetClockOffset(time.Duration(body.Offset))
		reply(200, map[string]string{"now": s.now().UTC().Format(time.RFC3339Nano)})
	default:
		fail(http.StatusNotFound, fmt.Errorf("no admin route %s %s%s", r.Method, strings.TrimSuffix(AdminPrefix, "/"), path))
	}
}
