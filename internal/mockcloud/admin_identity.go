package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The admin routes of the identity side: the credentials URI, the
// sessions issued, and OIDC tokens minted by the fixtures' mock-held
// issuers (a user plays a CI job against the standalone mock with them).
//
//	GET  /_mockcloud/credentials-uri/<role>[?account=]
//	GET  /_mockcloud/sessions
//	POST /_mockcloud/oidc/token {"provider","subject","audience","ttl"} → {"token"}
func (s *Server) serveIdentityAdmin(w http.ResponseWriter, r *http.Request, path string) bool {
	switch {
	case strings.HasPrefix(path, "/"+credentialsURIPath):
		s.serveCredentialsURI(w, r, strings.TrimPrefix(path, "/"+credentialsURIPath))
	case r.Method == http.MethodGet && path == "/sessions":
		adminJSON(w, http.StatusOK, s.IssuedSessions())
	case r.Method == http.MethodPost && path == "/oidc/token":
		var req struct {
			Provider string   `json:"provider"`
			Subject  string   `json:"subject"`
			Audience string   `json:"audience"`
			TTL      Duration `json:"ttl"`
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
			return true
		}
		claims := OIDCClaims{Subject: req.Subject, Audience: req.Audience}
		if req.TTL > 0 {
			claims.IssuedAt = s.now()
			claims.Expiry = claims.IssuedAt.Add(time.Duration(req.TTL))
		}
		tok, err := s.MintOIDCToken(req.Provider, claims)
		if err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return true
		}
		adminJSON(w, http.StatusOK, map[string]string{"token": tok})
	default:
		return false
	}
	return true
}

// MintOIDCToken signs a token with the key the mock holds for a fixture
// OIDC provider declared without jwks. Times default to the mock's clock:
// issued now, valid for an hour.
func (s *Server) MintOIDCToken(provider string, c OIDCClaims) (string, error) {
	s.mu.RLock()
	p := s.ident.oidc[provider]
	s.mu.RUnlock()
	if p == nil {
		return "", fmt.Errorf("no OIDC provider %q in the fixtures", provider)
	}
	if p.issuer == nil {
		return "", fmt.Errorf("OIDC provider %q trusts a jwks of its own; the mock holds no key for it", provider)
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = s.now()
	}
	return p.issuer.Token(c)
}

func adminJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(v)
}
