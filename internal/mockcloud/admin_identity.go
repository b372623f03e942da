package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The admin routes of the identity side (routed in admin_http.go): the
// credentials URI, the sessions issued, and OIDC tokens minted by the
// fixtures' mock-held issuers (a user plays a CI job against the
// standalone mock with them).
//
//	GET  /_mockcloud/credentials-uri/<role>[?account=]
//	GET  /_mockcloud/sessions
//	POST /_mockcloud/oidc/token {"provider","subject","audience","ttl"} → {"token"}

func (s *Server) adminCredentialsURI(w http.ResponseWriter, r *http.Request) {
	s.serveCredentialsURI(w, r, r.PathValue("role"))
}

func (s *Server) adminSessions(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, s.IssuedSessions())
}

func (s *Server) adminMintOIDCToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Provider string   `json:"provider"`
		Subject  string   `json:"subject"`
		Audience string   `json:"audience"`
		TTL      Duration `json:"ttl"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		adminFail(w, http.StatusBadRequest, fmt.Errorf("body: %w", err))
		return
	}
	claims := OIDCClaims{Subject: req.Subject, Audience: req.Audience}
	if req.TTL > 0 {
		claims.IssuedAt = s.now()
		claims.Expiry = claims.IssuedAt.Add(time.Duration(req.TTL))
	}
	tok, err := s.MintOIDCToken(req.Provider, claims)
	if err != nil {
		adminFail(w, http.StatusBadRequest, err)
		return
	}
	adminJSON(w, http.StatusOK, map[string]string{"token": tok})
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
