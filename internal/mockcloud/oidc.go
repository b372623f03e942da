package mockcloud

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// OIDCIssuer plays an external identity provider (a CI system's token
// service) for tests: it holds an RSA key, publishes its JWKS for a
// fixture's OIDC provider to trust, and signs RS256 tokens.
type OIDCIssuer struct {
	url    string
	key    *rsa.PrivateKey
	kid    string
	signer jose.Signer
}

// OIDCClaims are the claims a test token carries. A zero IssuedAt is now;
// a zero Expiry is an hour after IssuedAt.
type OIDCClaims struct {
	Subject  string
	Audience string
	IssuedAt time.Time
	Expiry   time.Time
}

// NewOIDCIssuer makes an issuer whose tokens say iss=issuerURL.
func NewOIDCIssuer(issuerURL string) (*OIDCIssuer, error) {
	if issuerURL == "" {
		return nil, errors.New("mockcloud: an OIDC issuer needs a URL")
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	kid := randomString(16, alnum)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, err
	}
	return &OIDCIssuer{url: issuerURL, key: key, kid: kid, signer: signer}, nil
}

// URL is the issuer URL its tokens carry.
func (i *OIDCIssuer) URL() string { return i.url }

// JWKS is the public key set a fixture's OIDC provider trusts.
func (i *OIDCIssuer) JWKS() json.RawMessage {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &i.key.PublicKey, KeyID: i.kid, Algorithm: string(jose.RS256), Use: "sig"}}}
	b, err := json.Marshal(set)
	if err != nil {
		panic(err) // an RSA public key always marshals
	}
	return b
}

// Token signs a JWT with the issuer's key.
func (i *OIDCIssuer) Token(c OIDCClaims) (string, error) {
	if c.IssuedAt.IsZero() {
		c.IssuedAt = time.Now()
	}
	if c.Expiry.IsZero() {
		c.Expiry = c.IssuedAt.Add(time.Hour)
	}
	claims := jwt.Claims{Issuer: i.url, Subject: c.Subject, IssuedAt: jwt.NewNumericDate(c.IssuedAt),
		NotBefore: jwt.NewNumericDate(c.IssuedAt), Expiry: jwt.NewNumericDate(c.Expiry), ID: randomString(16, alnum)}
	if c.Audience != "" {
		claims.Audience = jwt.Audience{c.Audience}
	}
	return jwt.Signed(i.signer).Claims(claims).Serialize()
}

// FixtureOIDCProvider is a RAM OIDC identity provider every account has,
// ARN acs:ram::<account>:oidc-provider/<name>. JWKS is the key set its
// issuer signs with (OIDCIssuer.JWKS); without one the mock makes a key of
// its own for the issuer and mints its tokens through the admin API
// (POST /_mockcloud/oidc/token), so a user can play a CI job against the
// standalone mock. Such a key lives as long as the loaded fixtures.
type FixtureOIDCProvider struct {
	Name      string   `json:"name"`
	IssuerURL string   `json:"issuer_url"`
	ClientIDs []string `json:"client_ids"`
	// IssuanceLimitHours: tokens issued longer ago are refused; 1-168,
	// default 12 as CreateOIDCProvider documents.
	IssuanceLimitHours int             `json:"issuance_limit_hours,omitempty"`
	JWKS               json.RawMessage `json:"jwks,omitempty"`
}

type oidcProvider struct {
	name      string
	issuerURL string
	clientIDs []string
	limit     time.Duration
	keys      jose.JSONWebKeySet
	issuer    *OIDCIssuer // set when the mock holds the key
}

func compileOIDCProvider(fp FixtureOIDCProvider) (*oidcProvider, error) {
	if !roleNameRE.MatchString(fp.Name) {
		return nil, fmt.Errorf("fixtures: OIDC provider name %q must be 1-64 letters, digits, '.' or '-'", fp.Name)
	}
	if u, err := url.Parse(fp.IssuerURL); err != nil || u.Host == "" {
		return nil, fmt.Errorf("fixtures: OIDC provider %s: issuer_url %q is not a URL", fp.Name, fp.IssuerURL)
	}
	if len(fp.ClientIDs) == 0 || len(fp.ClientIDs) > 50 {
		return nil, fmt.Errorf("fixtures: OIDC provider %s: client_ids must list 1 to 50 audiences", fp.Name)
	}
	p := &oidcProvider{name: fp.Name, issuerURL: fp.IssuerURL, clientIDs: fp.ClientIDs, limit: 12 * time.Hour}
	if h := fp.IssuanceLimitHours; h != 0 {
		if h < 1 || h > 168 {
			return nil, fmt.Errorf("fixtures: OIDC provider %s: issuance_limit_hours %d is outside 1-168", fp.Name, h)
		}
		p.limit = time.Duration(h) * time.Hour
	}
	if len(fp.JWKS) == 0 {
		iss, err := NewOIDCIssuer(fp.IssuerURL)
		if err != nil {
			return nil, err
		}
		p.issuer = iss
		if err := json.Unmarshal(iss.JWKS(), &p.keys); err != nil {
			return nil, err
		}
		return p, nil
	}
	if err := json.Unmarshal(fp.JWKS, &p.keys); err != nil {
		return nil, fmt.Errorf("fixtures: OIDC provider %s: jwks: %w", fp.Name, err)
	}
	if len(p.keys.Keys) == 0 {
		return nil, fmt.Errorf("fixtures: OIDC provider %s: jwks holds no key", fp.Name)
	}
	for _, k := range p.keys.Keys {
		if !k.IsPublic() {
			return nil, fmt.Errorf("fixtures: OIDC provider %s: jwks must hold public keys only", fp.Name)
		}
	}
	return p, nil
}

func oidcProviderArn(account, name string) string {
	return "acs:ram::" + account + ":oidc-provider/" + name
}

func parseOIDCProviderArn(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	if !ok {
		return "", "", false
	}
	account, name, ok = strings.Cut(rest, ":oidc-provider/")
	return account, name, ok && account != "" && name != ""
}

// verifiedToken is what AssumeRoleWithOIDC learns from a good token.
type verifiedToken struct {
	issuer, subject string
	audience        string // the audience that matched the provider's client IDs
	issuedAt, exp   time.Time
}

// Algorithms an OIDC provider's keys may sign with; HS256 and "none" are
// refused as the token being invalid, as STS documents.
var oidcAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512}

func oidcFail(code, format string, args ...any) *APIError {
	return apiErr(http.StatusUnauthorized, "AuthenticationFail.OIDCToken."+code, format, args...)
}

// verify checks a token the way STS documents it: the issuer URL is
// HTTPS, the signature holds against the provider's keys, the token is
// from the provider's issuer, not expired, issued within the provider's
// issuance limit, and for one of its client IDs. Times are the mock's.
// The codes for a wrong issuer (IssuerNotMatch) and an issuance older than
// the limit (Expired) are unconfirmed.
func (p *oidcProvider) verify(token string, now time.Time) (*verifiedToken, *APIError) {
	if token == "" {
		return nil, oidcFail("Invalid", "The OIDC token is empty.")
	}
	if !strings.HasPrefix(p.issuerURL, "https://") {
		return nil, oidcFail("HttpsUrlInvalid", "The issuer URL of the OIDC provider must use HTTPS: %s.", p.issuerURL)
	}
	if strings.Count(token, ".") != 2 {
		return nil, oidcFail("Invalid", "The OIDC token is not a JWT of three parts.")
	}
	tok, err := jwt.ParseSigned(token, oidcAlgorithms)
	if err != nil {
		return nil, oidcFail("Invalid", "The OIDC token cannot be parsed: %v.", err)
	}
	// The token's key ID picks the key; keys published without an ID are
	// tried for any token.
	var keys []jose.JSONWebKey
	kid := tok.Headers[0].KeyID
	for _, k := range p.keys.Keys {
		if kid == "" || k.KeyID == "" || k.KeyID == kid {
			keys = append(keys, k)
		}
	}
	var claims jwt.Claims
	verified := false
	for _, k := range keys {
		if tok.Claims(k.Key, &claims) == nil {
			verified = true
			break
		}
	}
	if !verified {
		return nil, oidcFail("InvalidSignature", "The signature of the OIDC token does not verify against the keys of the OIDC provider.")
	}
	if claims.Issuer != p.issuerURL {
		return nil, oidcFail("IssuerNotMatch", "The issuer of the OIDC token %q is not the issuer URL of the OIDC provider.", claims.Issuer)
	}
	if claims.Expiry == nil || claims.IssuedAt == nil {
		return nil, oidcFail("Invalid", "The OIDC token must carry exp and iat.")
	}
	exp, iat := claims.Expiry.Time(), claims.IssuedAt.Time()
	if !now.Before(exp) {
		return nil, oidcFail("Expired", "The OIDC token expired at %s.", exp.UTC().Format(stsTime))
	}
	if now.Sub(iat) > p.limit {
		return nil, oidcFail("Expired", "The OIDC token was issued at %s, longer ago than the provider's issuance limit of %s.", iat.UTC().Format(stsTime), p.limit)
	}
	for _, aud := range claims.Audience {
		if contains(p.clientIDs, aud) {
			return &verifiedToken{issuer: claims.Issuer, subject: claims.Subject, audience: aud, issuedAt: iat, exp: exp}, nil
		}
	}
	return nil, oidcFail("AudienceNotMatch", "The audience of the OIDC token %q is not a client ID of the OIDC provider.", strings.Join(claims.Audience, ","))
}
