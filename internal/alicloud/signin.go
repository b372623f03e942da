package alicloud

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/credentials-go/credentials/providers"
)

// SignIn is every way of signing in the provider accepts, resolved from
// the provider block and the environment. Which one is used is decided
// by Source, in the order the docs' precedence table gives.
type SignIn struct {
	// Static keys (the block, or the environment).
	AccessKey, SecretKey, SecurityToken string

	// Profile names an aliyun CLI profile; ProfileExplicit says the user
	// asked for it (the block or ALIBABA_CLOUD_PROFILE), not that the file's
	// current profile is merely being tried as a last resort.
	Profile         string
	ProfileFile     string
	ProfileExplicit bool

	CredentialsURI string
	ECSRoleName    string
	OIDC           *OIDCSignIn
	AssumeRole     *AssumeRoleSignIn

	// STSEndpoint is host[:port] of STS for assume_role and OIDC (always
	// HTTPS, as the credential library calls it). Empty: sts.<region>.aliyuncs.com.
	STSEndpoint string
	Region      string
}

// AssumeRoleSignIn assumes a RAM role on top of the base credentials.
type AssumeRoleSignIn struct {
	RoleARN     string
	SessionName string
	ExternalID  string
	Policy      string
	Duration    int // seconds; 0: the library's default, 3600
}

// OIDCSignIn exchanges an OIDC token (a CI job's, an ACK pod's) for an
// STS session of a role.
type OIDCSignIn struct {
	ProviderARN string
	RoleARN     string
	Token       string // the raw JWT; alternatively TokenFile
	TokenFile   string
	SessionName string
	Policy      string
	Duration    int
}

// Mode names, as the docs' precedence table and the logs write them.
const (
	ModeStatic         = "access_key"
	ModeProfile        = "profile"
	ModeCredentialsURI = "credentials_uri"
	ModeECSRole        = "ecs_role_name"
	ModeOIDC           = "assume_role_with_oidc"
	ModeAssumeRole     = "assume_role"
)

// SignInError says which setting a failed sign-in came from, so that the
// provider can put its diagnostic on that attribute.
type SignInError struct {
	Mode string // one of the Mode constants
	Err  error
}

func (e *SignInError) Error() string { return e.Err.Error() }
func (e *SignInError) Unwrap() error { return e.Err }

// ErrNoCredentials is returned by Source when nothing to sign in with is
// configured.
var ErrNoCredentials = errors.New("no credentials are configured")

// Source builds the credential source SignIn describes. It makes no call:
// the first Credentials does (an AssumeRole, a metadata read...). The base
// credentials are the first of: static keys, the named profile, the
// credentials URI, the ECS instance role, OIDC, the file's current profile;
// assume_role then applies on top of them.
func (s SignIn) Source() (*CredentialSource, error) {
	src, err := s.base()
	if err != nil {
		return nil, err
	}
	if s.AssumeRole != nil {
		src, err = s.assumeRole(src)
		if err != nil {
			return nil, &SignInError{Mode: ModeAssumeRole, Err: err}
		}
	}
	return src, nil
}

// base finds the base credentials: the first way that is set, in the
// order of Source's comment. The file's current profile is the last
// resort, read only when the file exists and the CLI profile is not
// turned off (ALIBABA_CLOUD_CLI_PROFILE_DISABLED, as the library reads it).
func (s SignIn) base() (*CredentialSource, error) {
	switch {
	case s.AccessKey != "" || s.SecretKey != "":
		if s.AccessKey == "" || s.SecretKey == "" {
			return nil, &SignInError{Mode: ModeStatic, Err: errors.New("access_key and secret_key must be set together")}
		}
		src := StaticCredentials(Credentials{AccessKey: s.AccessKey, SecretKey: s.SecretKey, SecurityToken: s.SecurityToken})
		if _, err := src.build(); err != nil {
			return nil, &SignInError{Mode: ModeStatic, Err: err}
		}
		return src, nil
	case s.ProfileExplicit:
		return s.profile()
	case s.CredentialsURI != "":
		build := func() (providers.CredentialsProvider, error) {
			return providers.NewURLCredentialsProviderBuilder().WithUrl(s.CredentialsURI).Build()
		}
		return s.checked(ModeCredentialsURI, build)
	case s.ECSRoleName != "":
		build := func() (providers.CredentialsProvider, error) {
			return providers.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(s.ECSRoleName).Build()
		}
		return s.checked(ModeECSRole, build)
	case s.OIDC != nil:
		return s.oidc()
	case s.ProfileFile != "" && !strings.EqualFold(os.Getenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"), "true"):
		if _, err := os.Stat(s.ProfileFile); err == nil {
			return s.profile()
		}
	}
	return nil, ErrNoCredentials
}

// checked builds the source once now, so that a setting the library
// refuses (an empty ARN, IMDS disabled) fails at configuration time.
func (s SignIn) checked(mode string, build func() (providers.CredentialsProvider, error)) (*CredentialSource, error) {
	if _, err := build(); err != nil {
		return nil, &SignInError{Mode: mode, Err: err}
	}
	return newCredentialSource(mode, build, true), nil
}

func staticProvider(ak, sk, token string) (providers.CredentialsProvider, error) {
	if token != "" {
		return providers.NewStaticSTSCredentialsProviderBuilder().WithAccessKeyId(ak).WithAccessKeySecret(sk).WithSecurityToken(token).Build()
	}
	return providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(ak).WithAccessKeySecret(sk).Build()
}

func (s SignIn) stsEndpoint() string {
	if s.STSEndpoint != "" {
		return s.STSEndpoint
	}
	if s.Region != "" {
		return "sts." + s.Region + ".aliyuncs.com"
	}
	return "sts.aliyuncs.com"
}

func (s SignIn) assumeRole(base *CredentialSource) (*CredentialSource, error) {
	a := s.AssumeRole
	build := func() (providers.CredentialsProvider, error) {
		return providers.NewRAMRoleARNCredentialsProviderBuilder().
			WithCredentialsProvider(base.asProvider()).
			WithRoleArn(a.RoleARN).
			WithRoleSessionName(orDefault(a.SessionName, "terraform")).
			WithDurationSeconds(a.Duration).
			WithExternalId(a.ExternalID).
			WithPolicy(a.Policy).
			WithStsEndpoint(s.stsEndpoint()).
			Build()
	}
	if _, err := build(); err != nil {
		return nil, err
	}
	src := newCredentialSource(base.mode+"+"+ModeAssumeRole, build, true)
	src.secrets = append(append([]string(nil), base.secrets...), a.ExternalID)
	return src, nil
}

func (s SignIn) oidc() (*CredentialSource, error) {
	o := s.OIDC
	tokenFile := o.TokenFile
	var wrap func(providers.CredentialsProvider) providers.CredentialsProvider
	if o.Token != "" {
		// The library reads the token only from a file. The raw token is
		// written to a file of its own (0600 in a 0700 directory) just for
		// the call that may read it, and removed as soon as it returns.
		dir, err := os.MkdirTemp("", "havip-oidc-")
		if err != nil {
			return nil, &SignInError{Mode: ModeOIDC, Err: err}
		}
		tokenFile = filepath.Join(dir, "token")
		wrap = func(p providers.CredentialsProvider) providers.CredentialsProvider {
			return &transientTokenFile{inner: p, path: tokenFile, token: o.Token}
		}
		if err := checkTokenExpiry(o.Token, "the OIDC token (oidc_token)"); err != nil {
			return nil, &SignInError{Mode: ModeOIDC, Err: err}
		}
	} else if err := checkTokenFile(tokenFile); err != nil {
		return nil, &SignInError{Mode: ModeOIDC, Err: err}
	}
	build := func() (providers.CredentialsProvider, error) {
		p, err := providers.NewOIDCCredentialsProviderBuilder().
			WithOIDCProviderARN(o.ProviderARN).
			WithRoleArn(o.RoleARN).
			WithOIDCTokenFilePath(tokenFile).
			WithRoleSessionName(orDefault(o.SessionName, "terraform")).
			WithDurationSeconds(o.Duration).
			WithPolicy(o.Policy).
			WithSTSEndpoint(s.stsEndpoint()).
			Build()
		if err != nil || wrap == nil {
			return p, err
		}
		return wrap(p), nil
	}
	src, err := s.checked(ModeOIDC, build)
	if err != nil {
		return nil, err
	}
	src.secrets = []string{o.Token}
	if o.Token == "" {
		if b, err := os.ReadFile(tokenFile); err == nil {
			src.secrets = []string{strings.TrimSpace(string(b))}
		}
	}
	return src, nil
}

// checkTokenFile names the file when it cannot be read: the library's
// own error would come at the first call, without saying which setting.
func checkTokenFile(path string) error {
	if path == "" {
		return errors.New("neither oidc_token nor oidc_token_file is set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read the OIDC token file %s: %w", path, err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return fmt.Errorf("the OIDC token file %s is empty", path)
	}
	return checkTokenExpiry(string(b), "the OIDC token in "+path)
}

// checkTokenExpiry refuses a JWT whose exp has passed, by this machine's
// clock, before STS is asked. Nothing else of the token is judged here:
// STS checks its signature, issuer and audience.
func checkTokenExpiry(token, what string) error {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return nil
	}
	if exp := time.Unix(int64(*claims.Exp), 0); !time.Now().Before(exp) {
		return fmt.Errorf("%s expired at %s; ask the CI system or the cluster for a new one", what, exp.UTC().Format(time.RFC3339))
	}
	return nil
}

// transientTokenFile puts a raw OIDC token on disk only while the wrapped
// provider may read it. Calls are serialised by CredentialSource.
type transientTokenFile struct {
	inner providers.CredentialsProvider
	path  string
	token string
}

func (t *transientTokenFile) GetCredentials() (*providers.Credentials, error) {
	if err := os.WriteFile(t.path, []byte(t.token), 0o600); err != nil {
		return nil, fmt.Errorf("writing the OIDC token for the library: %w", err)
	}
	defer os.Remove(t.path)
	return t.inner.GetCredentials()
}

func (t *transientTokenFile) GetProviderName() string { return t.inner.GetProviderName() }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// CredentialSource hands out the credentials each request is signed with.
// The library's providers cache a session and renew it when 180 s or less
// are left (by this process's clock); they are not safe for concurrent
// use, so every call goes through one lock: one renewal at a time, the
// other callers waiting for its outcome.
type CredentialSource struct {
	mode string
	// renewable: a refused (expired) session may be fixed by building the
	// provider again (a profile file rewritten, a forced new AssumeRole).
	renewable bool
	build     func() (providers.CredentialsProvider, error)
	// secrets of the sign-in itself (an OIDC token, an ExternalId), kept
	// out of every error text and log line as the keys are.
	secrets []string

	mu    sync.Mutex
	inner providers.CredentialsProvider
}

func newCredentialSource(mode string, build func() (providers.CredentialsProvider, error), renewable bool) *CredentialSource {
	return &CredentialSource{mode: mode, build: build, renewable: renewable}
}

// StaticCredentials is a source of one fixed set of credentials.
func StaticCredentials(c Credentials) *CredentialSource {
	return newCredentialSource(ModeStatic, func() (providers.CredentialsProvider, error) {
		return staticProvider(c.AccessKey, c.SecretKey, c.SecurityToken)
	}, false)
}

// Mode says which way of signing in the source uses, for logs and tests:
// one of the Mode constants, "+assume_role" appended when a role is
// assumed on top.
func (s *CredentialSource) Mode() string { return s.mode }

// Credentials returns the set to sign one request with, renewing the
// session first when the library says it is due.
func (s *CredentialSource) Credentials() (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inner == nil {
		p, err := s.build()
		if err != nil {
			return Credentials{}, err
		}
		s.inner = p
	}
	c, err := s.inner.GetCredentials()
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{AccessKey: c.AccessKeyId, SecretKey: c.AccessKeySecret, SecurityToken: c.SecurityToken}, nil
}

// rebuild drops the cached provider, so the next Credentials reads the
// profile again or asks STS for a new session. It reports whether that
// can give anything new.
func (s *CredentialSource) rebuild() bool {
	if !s.renewable {
		return false
	}
	s.mu.Lock()
	s.inner = nil
	s.mu.Unlock()
	return true
}

// asProvider lets a source stand as the base of a library provider
// (assume_role signs its AssumeRole with the base's credentials).
func (s *CredentialSource) asProvider() providers.CredentialsProvider { return sourceProvider{s} }

type sourceProvider struct{ s *CredentialSource }

func (p sourceProvider) GetCredentials() (*providers.Credentials, error) {
	c, err := p.s.Credentials()
	if err != nil {
		return nil, err
	}
	return &providers.Credentials{AccessKeyId: c.AccessKey, AccessKeySecret: c.SecretKey, SecurityToken: c.SecurityToken, ProviderName: p.s.mode}, nil
}

func (p sourceProvider) GetProviderName() string { return p.s.mode }
