package mockcloud

import (
	"encoding/json"
	"net/http"
)

// tokenRec remembers the outcome of a call made with a ClientToken so that a
// retry returns it instead of acting twice.
type tokenRec struct {
	Fingerprint string `json:"fingerprint"`
	Processing  bool   `json:"processing,omitempty"`
	Body        []byte `json:"body,omitempty"`
}

// claimToken handles a call carrying a ClientToken: a finished call with
// the same parameters is answered from the record, a different request
// reusing the token is refused, and a call still running makes a retry wait
// its turn with LastTokenProcessing.
func (s *Server) claimToken(req *request, key string) (int, []byte, bool) {
	a := req.acct
	fp := req.p.fingerprint()
	a.mu.Lock()
	defer a.mu.Unlock()
	rec := a.tokens[key]
	if rec == nil {
		a.tokens[key] = &tokenRec{Fingerprint: fp, Processing: true}
		return 0, nil, false
	}
	if rec.Fingerprint != fp {
		st, b := s.errorBody(req, "", badRequest("IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request."))
		return st, b, true
	}
	if rec.Processing {
		st, b := s.errorBody(req, "", badRequest("LastTokenProcessing", "The last token request is processing; try again later."))
		return st, b, true
	}
	// Same answer as the first call, under this call's RequestId.
	var m map[string]any
	if json.Unmarshal(rec.Body, &m) == nil {
		m["RequestId"] = req.requestID
		if b, err := json.Marshal(m); err == nil {
			req.replayed = true
			return http.StatusOK, b, true
		}
	}
	req.replayed = true
	return http.StatusOK, rec.Body, true
}

func (s *Server) settleToken(req *request, key string, status int, body []byte) {
	a := req.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if status == http.StatusOK {
		a.tokens[key] = &tokenRec{Fingerprint: req.p.fingerprint(), Body: body}
	} else {
		// A refused call did nothing, so its token may be used again.
		delete(a.tokens, key)
	}
}
