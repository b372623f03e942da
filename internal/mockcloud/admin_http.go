package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// adminRoot is AdminPrefix without its trailing slash: admin paths are
// matched relative to it, and a trailing slash never matters.
var adminRoot = strings.TrimSuffix(AdminPrefix, "/")

// The admin API over HTTP. Every route is also a Go method (events.go,
// faults.go, journal.go, reset.go, state.go, accounts.go, credentials.go),
// so in-process tests and users of the standalone binary drive the same
// code. Patterns are relative to AdminPrefix.
func (s *Server) adminRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range []struct {
		pattern string
		handle  http.HandlerFunc
	}{
		{"GET /health", s.adminHealth},
		{"POST /reset", s.adminReset},
		{"PUT /fixtures", s.adminLoadFixtures},
		{"POST /fixtures", s.adminLoadFixtures},
		{"GET /state", s.adminDump},
		{"PUT /state", s.adminRestore},
		{"POST /state", s.adminRestore},
		{"GET /journal", s.adminJournal},
		{"GET /journal/counts", s.adminJournalCounts},
		{"DELETE /journal", s.adminClearJournal},
		{"POST /events", s.adminApplyEvent},
		{"GET /faults", s.adminFaults},
		{"POST /faults", s.adminAddFault},
		{"DELETE /faults", s.adminClearFaults},
		{"DELETE /faults/{id...}", s.adminRemoveFault},
		{"GET /accounts", s.adminAccounts},
		{"POST /accounts", s.adminNewAccount},
		{"POST /credentials", s.adminAddCredential},
		{"PUT /credentials/{akid}/policy", s.adminSetPolicy},
		{"DELETE /credentials/{akid}/policy", s.adminSetPolicy},
		{"POST /credentials/{akid}/expire", s.adminExpireSession},
		{"GET /clock", s.adminClock},
		{"PUT /clock", s.adminSetClock},
		{"POST /clock", s.adminSetClock},
		// The identity side (admin_identity.go). The credentials URI
		// answers every method itself, as the service it stands in for.
		{"/" + credentialsURIPath + "{role...}", s.adminCredentialsURI},
		{"/" + strings.TrimSuffix(credentialsURIPath, "/"), adminNoRoute}, // not a redirect to the above
		{"GET /sessions", s.adminSessions},
		{"POST /oidc/token", s.adminMintOIDCToken},
		// Anything else, a known path with another method included, is a
		// JSON 404 rather than the mux's plain-text 404 or 405.
		{"/", adminNoRoute},
	} {
		mux.HandleFunc(r.pattern, r.handle)
	}
	return mux
}

// serveAdmin hands a request under AdminPrefix to the admin routes, with
// its path made relative to AdminPrefix.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, adminRoot), "/")
	u := *r.URL
	u.Path = rel
	u.RawPath = strings.TrimSuffix(strings.TrimPrefix(r.URL.RawPath, adminRoot), "/")
	in := *r
	in.URL = &u
	// The mux would redirect an unclean path and let HEAD in where GET is
	// routed; the admin API has always answered both with a 404.
	_, pattern := s.admin.Handler(&in)
	if rel != path.Clean(rel) || r.Method == http.MethodHead && strings.HasPrefix(pattern, http.MethodGet+" ") {
		adminNoRoute(w, &in)
		return
	}
	s.admin.ServeHTTP(w, &in)
}

func adminNoRoute(w http.ResponseWriter, r *http.Request) {
	adminFail(w, http.StatusNotFound, fmt.Errorf("no admin route %s %s%s", r.Method, adminRoot, r.URL.Path))
}

func adminJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}

func adminFail(w http.ResponseWriter, code int, err error) {
	adminJSON(w, code, map[string]string{"error": err.Error()})
}

func adminStatus(w http.ResponseWriter, status string) {
	adminJSON(w, http.StatusOK, map[string]string{"status": status})
}

// adminBody reads a body of at most limit bytes; on failure it has
// answered already.
func adminBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		adminFail(w, http.StatusRequestEntityTooLarge, err)
		return nil, false
	}
	return b, true
}

// adminDecode reads a JSON body into v, refusing unknown fields so that a
// misspelt field is an error rather than a silent default.
func adminDecode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, ok := adminBody(w, r, 16<<20)
	if !ok {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		adminFail(w, http.StatusBadRequest, fmt.Errorf("body: %w", err))
		return false
	}
	return true
}

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, map[string]any{"status": "ok", "endpoint": s.Endpoint(), "region": s.Region(), "accounts": len(s.Accounts())})
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	if err := s.Reset(r.URL.Query().Get("account")); err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "reset")
}

func (s *Server) adminLoadFixtures(w http.ResponseWriter, r *http.Request) {
	b, ok := adminBody(w, r, 16<<20)
	if !ok {
		return
	}
	fx, err := ParseFixtures(b)
	if err == nil {
		err = s.LoadFixtures(fx)
	}
	if err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "loaded")
}

func (s *Server) adminDump(w http.ResponseWriter, _ *http.Request) {
	b, err := s.Dump()
	if err != nil {
		adminFail(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) adminRestore(w http.ResponseWriter, r *http.Request) {
	b, ok := adminBody(w, r, 64<<20)
	if !ok {
		return
	}
	if err := s.Restore(b); err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "restored")
}

// adminJournal answers GET /journal?action=&code=&mutating=true&account=&since=.
func (s *Server) adminJournal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := JournalFilter{Action: q.Get("action"), Code: q.Get("code"), Mutating: q.Get("mutating") == "true"}
	if ref := q.Get("account"); ref != "" {
		a, err := s.resolveAccount(ref)
		if err != nil {
			adminFail(w, http.StatusNotFound, err)
			return
		}
		f.Account = a.ID
	}
	if v := q.Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			adminFail(w, http.StatusBadRequest, fmt.Errorf("since: %w", err))
			return
		}
		f.Since = n
	}
	adminJSON(w, http.StatusOK, s.Journal(f))
}

func (s *Server) adminJournalCounts(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, s.JournalCounts(r.URL.Query().Get("account")))
}

func (s *Server) adminClearJournal(w http.ResponseWriter, _ *http.Request) {
	s.ClearJournal()
	adminStatus(w, "cleared")
}

func (s *Server) adminApplyEvent(w http.ResponseWriter, r *http.Request) {
	var ev Event
	if !adminDecode(w, r, &ev) {
		return
	}
	if err := s.Apply(ev); err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "applied")
}

func (s *Server) adminFaults(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, s.Faults())
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var rule FaultRule
	if !adminDecode(w, r, &rule) {
		return
	}
	id, err := s.AddFault(rule)
	if err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, map[string]string{"id": id})
}

func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request) {
	s.ClearFaults()
	adminStatus(w, "cleared")
}

func (s *Server) adminRemoveFault(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.RemoveFault(id) {
		adminFail(w, http.StatusNotFound, fmt.Errorf("no fault rule %q", id))
		return
	}
	adminStatus(w, "removed")
}

func (s *Server) adminAccounts(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, s.Accounts())
}

func (s *Server) adminNewAccount(w http.ResponseWriter, _ *http.Request) {
	c, err := s.NewAccount()
	if err != nil {
		adminFail(w, http.StatusInternalServerError, err)
		return
	}
	adminJSON(w, http.StatusOK, c)
}

func (s *Server) adminAddCredential(w http.ResponseWriter, r *http.Request) {
	var c Credential
	if !adminDecode(w, r, &c) {
		return
	}
	c, err := s.AddCredential(c)
	if err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, c)
}

// adminSetPolicy sets (PUT, the body is the policy document) or removes
// (DELETE) the policy of a key.
func (s *Server) adminSetPolicy(w http.ResponseWriter, r *http.Request) {
	var doc []byte
	if r.Method == http.MethodPut {
		b, ok := adminBody(w, r, 1<<20)
		if !ok {
			return
		}
		doc = b
	}
	if err := s.SetPolicy(r.PathValue("akid"), doc); err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "policy set")
}

func (s *Server) adminExpireSession(w http.ResponseWriter, r *http.Request) {
	if err := s.ExpireSession(r.PathValue("akid")); err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminStatus(w, "expired")
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, map[string]string{"now": s.now().UTC().Format(time.RFC3339Nano), "offset": time.Duration(s.offset.Load()).String()})
}

func (s *Server) adminSetClock(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Offset Duration `json:"offset"`
	}
	if !adminDecode(w, r, &body) {
		return
	}
	s.SetClockOffset(time.Duration(body.Offset))
	adminJSON(w, http.StatusOK, map[string]string{"now": s.now().UTC().Format(time.RFC3339Nano)})
}
