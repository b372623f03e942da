package mockcloud

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// AdminPrefix is the reserved path under which the admin API lives.
const AdminPrefix = "/_mockcloud/"

// Options configure a Server. The zero value is usable: loopback on a free
// port, seed 1, the HaVip guide's topology, one generated credential.
type Options struct {
	Addr          string       // listen address; default 127.0.0.1:0
	Seed          uint64       // drives IDs, assigned IPs and RequestIds
	Fixtures      *Fixtures    // world every account starts with; default SeedFixtures()
	Credentials   []Credential // default: one derived from the seed
	SignatureMode string       // strict (default), log-only, off
	Loose         bool         // ignore unknown parameters instead of rejecting them
	TLS           bool         // serve HTTPS with a self-signed certificate
	// TLSListener opens a second listener on 127.0.0.1 serving HTTPS (every
	// product, STS included) beside the plain one: the STS clients speak
	// HTTPS only. See TLSEndpoint.
	TLSListener bool
	// TLSAddr is where that listener listens; default 127.0.0.1:0. A test
	// owning a network namespace may put it on :443 of an address a hosts
	// entry gives the STS host.
	TLSAddr string
	// TLSCert is the certificate every TLS listener serves (CA.Issue);
	// default: a self-signed one for localhost and loopback (CACertPEM).
	TLSCert *tls.Certificate
	// MetadataTokenRequired makes the ECS metadata service hardened-only:
	// a GET without a session token is refused.
	MetadataTokenRequired bool
	JournalLimit          int          // entries kept; default 100000
	Logger                *slog.Logger // per-request log; default discards
	// Transitions lay per-kind transition settings over the fixtures' for
	// every account; TransitionProfile("realistic") builds them.
	Transitions map[string]Transition
}

// Server is the mock endpoint: an http.Handler plus, once started, a
// listener. It is safe for concurrent use.
type Server struct {
	opts     Options
	seed     uint64
	fixtures *Fixtures
	log      *slog.Logger

	mu       sync.RWMutex
	keys     map[string]Credential
	accounts map[string]*account
	order    []string // account IDs in creation order
	nextAcct int

	nonces  *nonceCache
	journal *journal
	faults  faultSet
	offset  atomic.Int64 // virtual clock offset in nanoseconds
	changes atomic.Int64 // bumped by every request and admin change

	reqMu  sync.Mutex
	reqRng *rand.Rand

	ident    *identity // roles, OIDC providers, session limits; under mu
	sessions sessions
	metadata metadataTokens

	admin *http.ServeMux // adminRoutes, built once

	listener    net.Listener
	http        *http.Server
	scheme      string
	caPEM       []byte
	tlsListener net.Listener
	tlsHTTP     *http.Server
}

// New builds a Server without listening; use Handler or Start.
func New(opts Options) (*Server, error) {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	switch opts.SignatureMode {
	case "":
		opts.SignatureMode = SignatureStrict
	case SignatureStrict, SignatureLogOnly, SignatureOff:
	default:
		return nil, fmt.Errorf("mockcloud: unknown signature mode %q", opts.SignatureMode)
	}
	fx := opts.Fixtures
	if fx == nil {
		fx = SeedFixtures()
	}
	fx, err := withTransitions(fx, opts.Transitions)
	if err != nil {
		return nil, err
	}
	ident, err := compileIdentity(fx)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		seed:     opts.Seed,
		fixtures: fx,
		ident:    ident,
		log:      opts.Logger,
		keys:     map[string]Credential{},
		accounts: map[string]*account{},
		nonces:   newNonceCache(),
		journal:  newJournal(opts.JournalLimit),
		reqRng:   rand.New(rand.NewPCG(opts.Seed, opts.Seed+7)),
	}
	s.admin = s.adminRoutes()
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	creds := opts.Credentials
	if len(creds) == 0 {
		creds = []Credential{s.deriveCredential()}
	}
	for _, c := range append(creds, fx.Credentials...) {
		if _, err := s.addCredential(c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Start creates a Server and listens on opts.Addr (127.0.0.1:0 by default).
func Start(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.Listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// Listen starts serving in the background.
func (s *Server) Listen() error {
	addr := s.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var tlsConf *tls.Config
	if s.opts.TLS || s.opts.TLSListener {
		cert := s.opts.TLSCert
		if cert == nil {
			c, caPEM, err := selfSignedCert()
			if err != nil {
				return err
			}
			s.caPEM, cert = caPEM, &c
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.scheme = "http"
	if s.opts.TLS {
		ln = tls.NewListener(ln, tlsConf)
		s.scheme = "https"
	}
	if s.opts.TLSListener {
		tlsAddr := s.opts.TLSAddr
		if tlsAddr == "" {
			tlsAddr = "127.0.0.1:0"
		}
		tln, err := net.Listen("tcp", tlsAddr)
		if err != nil {
			ln.Close()
			return err
		}
		s.tlsListener = tls.NewListener(tln, tlsConf)
		s.tlsHTTP = s.newHTTPServer()
		go func() { _ = s.tlsHTTP.Serve(s.tlsListener) }()
	}
	s.listener = ln
	s.http = s.newHTTPServer()
	go func() { _ = s.http.Serve(ln) }()
	return nil
}

func (s *Server) newHTTPServer() *http.Server {
	return &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 20,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
}

// TLSEndpoint is host:port of the HTTPS listener Options.TLSListener
// opens, the form an STS endpoint setting takes; "" when there is none.
func (s *Server) TLSEndpoint() string {
	if s.tlsListener == nil {
		return ""
	}
	return s.tlsListener.Addr().String()
}

// Endpoint is host:port, the form the SDK's Domain and the provider's
// endpoints block take.
func (s *Server) Endpoint() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// URL is the base URL, scheme included.
func (s *Server) URL() string { return s.scheme + "://" + s.Endpoint() }

// Scheme is "http" or "https".
func (s *Server) Scheme() string { return s.scheme }

// CACertPEM is the self-signed certificate when serving TLS without
// Options.TLSCert (with one, trust the CA that issued it).
func (s *Server) CACertPEM() []byte { return s.caPEM }

// Close stops the listener and waits up to ctx for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	if s.tlsHTTP != nil {
		if err := s.tlsHTTP.Shutdown(ctx); err != nil {
			return err
		}
	}
	return s.http.Shutdown(ctx)
}

// Close stops serving at once.
func (s *Server) Close() error {
	if s.http == nil {
		return nil
	}
	if s.tlsHTTP != nil {
		s.tlsHTTP.Close()
	}
	return s.http.Close()
}

// Generation changes whenever state may have changed: after any API
// request or admin change. The command saves its state file on a change.
func (s *Server) Generation() int64 { return s.changes.Load() }

// Region is the first region of the fixtures.
func (s *Server) Region() string {
	s.mu.RLock() // LoadFixtures and Restore replace s.fixtures under s.mu
	defer s.mu.RUnlock()
	return s.fixtures.Regions[0]
}

// Env lists the environment a provider (or the aliyun SDK) needs to reach
// this server with the default credential.
func (s *Server) Env() map[string]string {
	c := s.Credentials()
	env := map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     c.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": c.AccessKeySecret,
		"ALIBABA_CLOUD_REGION":            s.Region(),
		"ALIBABA_CLOUD_ENDPOINT_VPC":      s.Endpoint(),
		"ALIBABA_CLOUD_ENDPOINT_ECS":      s.Endpoint(),
		"HAVIP_PROTOCOL":                  strings.ToUpper(s.scheme),
	}
	if ep := s.TLSEndpoint(); ep != "" {
		// The variable the aliyun CLI reads for its STS host.
		env["ALIBABA_CLOUD_STS_ENDPOINT"] = ep
	}
	return env
}

func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) }

// SetClockOffset moves the server's virtual clock, which timestamps,
// signature skew and timed transitions read.
func (s *Server) SetClockOffset(d time.Duration) { s.offset.Store(int64(d)) }
