package mockcloud

import (
	"encoding/json"
	"sync"
	"time"
)

// JournalEntry records one API request as the mock saw it. Secrets never
// reach it: signatures and security tokens are replaced before storing.
type JournalEntry struct {
	Seq         int64             `json:"seq"`
	Time        time.Time         `json:"time"`
	Account     string            `json:"account,omitempty"`
	AccessKeyID string            `json:"access_key_id,omitempty"`
	Product     string            `json:"product,omitempty"`
	Version     string            `json:"version,omitempty"`
	Action      string            `json:"action,omitempty"`
	Mutating    bool              `json:"mutating"`
	Params      map[string]string `json:"params,omitempty"`
	Status      int               `json:"status"`
	Code        string            `json:"code,omitempty"`
	RequestID   string            `json:"request_id"`
	Fault       string            `json:"fault,omitempty"`
	Replayed    bool              `json:"replayed,omitempty"` // answered from a ClientToken record
	// Committed: a mutating action ran and changed state, whether or not
	// its answer reached the client. Counting these finds duplicates.
	Committed bool    `json:"committed,omitempty"`
	Signature string  `json:"signature,omitempty"`
	Millis    float64 `json:"millis"`
}

// JournalFilter selects entries; zero values match everything.
type JournalFilter struct {
	Account  string // account ID
	Action   string
	Since    int64 // entries with Seq > Since
	Mutating bool  // only mutating actions
	Code     string
}

func (f JournalFilter) match(e *JournalEntry) bool {
	return (f.Account == "" || f.Account == e.Account) &&
		(f.Action == "" || f.Action == e.Action) &&
		e.Seq > f.Since &&
		(!f.Mutating || e.Mutating) &&
		(f.Code == "" || f.Code == e.Code)
}

var redacted = map[string]bool{"Signature": true, "SecurityToken": true, "BearerToken": true, "OIDCToken": true, "SAMLAssertion": true}

type journal struct {
	mu      sync.Mutex
	limit   int
	seq     int64
	entries []JournalEntry // ring once len == limit
	start   int
	counts  map[string]map[string]int // account → action → calls
}

func newJournal(limit int) *journal {
	if limit <= 0 {
		limit = 100000
	}
	return &journal{limit: limit, counts: map[string]map[string]int{}}
}

func (j *journal) add(e JournalEntry) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if len(j.entries) < j.limit {
		j.entries = append(j.entries, e)
	} else {
		j.entries[j.start] = e
		j.start = (j.start + 1) % j.limit
	}
	if e.Action != "" {
		c := j.counts[e.Account]
		if c == nil {
			c = map[string]int{}
			j.counts[e.Account] = c
		}
		c[e.Action]++
	}
	return e.Seq
}

func (j *journal) list(f JournalFilter) []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []JournalEntry{}
	n := len(j.entries)
	for i := 0; i < n; i++ {
		e := &j.entries[(j.start+i)%n]
		if f.match(e) {
			c := *e
			out = append(out, c)
		}
	}
	return out
}

// countsFor returns calls per action for an account ("" = all accounts).
func (j *journal) countsFor(account string) map[string]int {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := map[string]int{}
	for acct, c := range j.counts {
		if account != "" && acct != account {
			continue
		}
		for k, v := range c {
			out[k] += v
		}
	}
	return out
}

func (j *journal) lastSeq() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.start = nil, 0
	j.counts = map[string]map[string]int{}
}

// record journals one request with its outcome; dropped means the
// connection was cut instead of answered.
func (s *Server) record(req *request, status int, body []byte, dropped bool) {
	e := JournalEntry{
		Time: req.start, Product: req.product, Version: req.version, Action: req.action,
		Status: status, RequestID: req.requestID, Fault: req.fault, Replayed: req.replayed, Committed: req.committed,
		Signature: req.sigKind, Millis: float64(time.Since(req.start).Microseconds()) / 1000,
	}
	if req.meta != nil {
		e.Mutating = req.meta.mutating()
	}
	if req.acct != nil {
		e.Account = req.acct.ID
	}
	e.AccessKeyID = req.cred.AccessKeyID
	if req.raw != nil {
		e.Params = map[string]string{}
		for k, v := range req.raw {
			if redacted[k] {
				e.Params[k] = "REDACTED"
			} else if len(v) > 0 {
				val := v[0]
				if len(val) > 256 {
					val = val[:256] + "…"
				}
				e.Params[k] = val
			}
		}
	}
	if status >= 300 && !dropped {
		var env errorEnvelope
		if json.Unmarshal(body, &env) == nil {
			e.Code = env.Code
		}
	}
	if dropped {
		e.Status = 0
	}
	s.journal.add(e)
	s.changes.Add(1)
	s.log.Debug("request", "request_id", req.requestID, "action", req.action, "status", e.Status, "code", e.Code, "fault", req.fault)
}

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
