package mockcloud

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// credentialsURIPath is where the mock serves a credentials URI: GET
// <AdminPrefix>credentials-uri/<role>[?account=<id or AccessKeyId>] answers
// {"Code":"Success","AccessKeyId","AccessKeySecret","SecurityToken",
// "Expiration"} with a session of that role, as a credentials service
// would (shared/reference/credentials-and-sts.md §6). It stands in for a
// service that assumes the role itself, so no trust policy is consulted.
const credentialsURIPath = "credentials-uri/"

// CredentialsURI is the URL that hands out sessions of a role in the
// default account, on the plain listener.
func (s *Server) CredentialsURI(roleName string) string {
	return s.URL() + AdminPrefix + credentialsURIPath + roleName
}

// credentialsURISessionName names the sessions it issues.
const credentialsURISessionName = "CredentialsUriSession"

func (s *Server) serveCredentialsURI(w http.ResponseWriter, r *http.Request, roleName string) {
	start := time.Now()
	entry := JournalEntry{Time: start, Product: ViaCredentialsURI, Action: "GetCredentials", RequestID: s.newRequestID(),
		Params: map[string]string{"Role": roleName}}
	status := http.StatusOK
	var body any
	fail := func(st int, code, msg string) {
		status, entry.Code = st, code
		body = map[string]string{"Code": code, "Message": msg}
	}
	a, err := s.resolveAccount(r.URL.Query().Get("account"))
	switch {
	case r.Method != http.MethodGet:
		fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "Use GET.")
	case err != nil:
		fail(http.StatusNotFound, "NotFound", err.Error())
	case roleName == "" || strings.Contains(roleName, "/"):
		fail(http.StatusNotFound, "NotFound", "Name one role: "+AdminPrefix+credentialsURIPath+"<role>.")
	default:
		entry.Account = a.ID
		c, _, err := s.currentSession(ViaCredentialsURI, a.ID, roleName, credentialsURISessionName)
		if err != nil {
			fail(http.StatusNotFound, "EntityNotExist.Role", err.Error())
			break
		}
		entry.AccessKeyID = c.AccessKeyID
		body = struct {
			Code string
			sessionJSON
		}{"Success", sessionOf(c)}
	}
	entry.Status = status
	entry.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.journal.add(entry)
	s.changes.Add(1)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
