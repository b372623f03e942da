package mockcloud

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Signature modes.
const (
	SignatureStrict  = "strict"   // reject bad or missing signatures (default)
	SignatureLogOnly = "log-only" // verify, journal the outcome, serve anyway
	SignatureOff     = "off"      // skip signature, nonce and timestamp checks
)

// AdminPrefix is the reserved path under which the admin API lives.
const AdminPrefix = "/_mockcloud/"

const (
	maxBodyBytes   = 1 << 20
	timestampSkew  = 15 * time.Minute
	timestampV1Fmt = "2006-01-02T15:04:05Z"
)

// Credential is one AccessKey pair; each maps to one account with its own
// isolated state.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	AccountID       string `json:"account_id"`
}

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
	JournalLimit  int          // entries kept; default 100000
	Logger        *slog.Logger // per-request log; default discards
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

	listener net.Listener
	http     *http.Server
	scheme   string
	caPEM    []byte
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
	s := &Server{
		opts:     opts,
		seed:     opts.Seed,
		fixtures: fx,
		log:      opts.Logger,
		keys:     map[string]Credential{},
		accounts: map[string]*account{},
		nonces:   newNonceCache(),
		journal:  newJournal(opts.JournalLimit),
		reqRng:   rand.New(rand.NewPCG(opts.Seed, opts.Seed+7)),
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	creds := opts.Credentials
	if len(creds) == 0 {
		creds = []Credential{s.deriveCredential()}
	}
	for _, c := range creds {
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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.scheme = "http"
	if s.opts.TLS {
		cert, caPEM, err := selfSignedCert()
		if err != nil {
			ln.Close()
			return err
		}
		s.caPEM = caPEM
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		s.scheme = "https"
	}
	s.listener = ln
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 20,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	go func() { _ = s.http.Serve(ln) }()
	return nil
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

// CACertPEM is the self-signed certificate when serving TLS.
func (s *Server) CACertPEM() []byte { return s.caPEM }

// Close stops the listener and waits up to ctx for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.http == nil {
		return nil
	}
	return s.http.Shutdown(ctx)
}

// Close stops serving at once.
func (s *Server) Close() error {
	if s.http == nil {
		return nil
	}
	return s.http.Close()
}

// Generation changes whenever state may have changed: after any API
// request or admin change. The command saves its state file on a change.
func (s *Server) Generation() int64 { return s.changes.Load() }

// Credentials returns the first (default) credential.
func (s *Server) Credentials() Credential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, c := range s.keys {
		if c.AccountID == s.order[0] {
			return c
		}
	}
	return Credential{}
}

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
	return map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     c.AccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": c.AccessKeySecret,
		"ALIBABA_CLOUD_REGION":            s.Region(),
		"ALIBABA_CLOUD_ENDPOINT_VPC":      s.Endpoint(),
		"ALIBABA_CLOUD_ENDPOINT_ECS":      s.Endpoint(),
		"HAVIP_PROTOCOL":                  strings.ToUpper(s.scheme),
	}
}

func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.offset.Load())) }

// SetClockOffset moves the server's virtual clock, which timestamps,
// signature skew and timed transitions read.
func (s *Server) SetClockOffset(d time.Duration) { s.offset.Store(int64(d)) }

func (s *Server) deriveCredential() Credential {
	s.nextAcct++
	r := rand.New(rand.NewPCG(s.seed, uint64(s.nextAcct)))
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	pick := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = upper[r.IntN(len(upper))]
		}
		return string(b)
	}
	return Credential{
		AccessKeyID:     "LTAI5mock" + pick(15),
		AccessKeySecret: pick(30),
		AccountID:       fmt.Sprintf("%016d", 1000000000000000+r.Int64N(8999999999999999)),
	}
}

func (s *Server) addCredential(c Credential) (Credential, error) {
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return c, errors.New("mockcloud: a credential needs an AccessKeyId and a secret")
	}
	if c.AccountID == "" {
		c.AccountID = deriveAccountID(s.seed, c.AccessKeyID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.keys[c.AccessKeyID]; dup {
		return c, fmt.Errorf("mockcloud: AccessKeyId %q is configured twice", c.AccessKeyID)
	}
	if s.accounts[c.AccountID] == nil {
		a, err := newAccount(c.AccountID, s.seed, s.now(), s.fixtures)
		if err != nil {
			return c, err
		}
		s.accounts[c.AccountID] = a
		s.order = append(s.order, c.AccountID)
	}
	s.keys[c.AccessKeyID] = c
	s.changes.Add(1)
	return c, nil
}

func deriveAccountID(seed uint64, ak string) string {
	a, _ := seedFor(seed, "account/"+ak)
	return fmt.Sprintf("%016d", 1000000000000000+a%8999999999999999)
}

// NewAccount registers a fresh credential whose account starts from the
// fixtures: one per parallel test gives isolation for free.
func (s *Server) NewAccount() (Credential, error) {
	s.mu.Lock()
	c := s.deriveCredential()
	s.mu.Unlock()
	return s.addCredential(c)
}

func (s *Server) newRequestID() string {
	s.reqMu.Lock()
	hi, lo := s.reqRng.Uint64(), s.reqRng.Uint64()
	s.reqMu.Unlock()
	return strings.ToUpper(fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		uint32(hi>>32), uint16(hi>>16), uint16(hi)&0x0fff, (uint16(lo>>48)&0x3fff)|0x8000, lo&0xffffffffffff))
}

// resolveAccount finds an account by ID or by one of its AccessKeyIds; ""
// is the default account.
func (s *Server) resolveAccount(ref string) (*account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ref == "" {
		return s.accounts[s.order[0]], nil
	}
	if a := s.accounts[ref]; a != nil {
		return a, nil
	}
	if c, ok := s.keys[ref]; ok {
		return s.accounts[c.AccountID], nil
	}
	return nil, fmt.Errorf("mockcloud: no account or AccessKeyId %q", ref)
}

// request is one API call on its way through the pipeline.
type request struct {
	start     time.Time
	requestID string
	product   string
	version   string
	action    string
	meta      *actionMeta
	cred      Credential
	acct      *account
	p         *params
	raw       url.Values
	sigKind   string
	fault     string
	replayed  bool
	committed bool
}

var productHost = map[string]string{"Vpc": "vpc.aliyuncs.com", "Ecs": "ecs.aliyuncs.com"}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPrefix) || r.URL.Path+"/" == AdminPrefix {
		s.serveAdmin(w, r)
		return
	}
	req := &request{start: time.Now(), requestID: s.newRequestID()}
	status, body, hijack := s.serveAPI(w, r, req)
	// Journal first: a client that has its answer must find the request
	// in the journal.
	s.record(req, status, body, hijack)
	if hijack {
		s.dropConnection(w)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", req.requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, as a crashed front end would give
			}
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

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

func (s *Server) errorBody(req *request, host string, e *APIError) (int, []byte) {
	if host == "" {
		host = productHost[req.product]
	}
	if host == "" {
		host = "mockcloud"
	}
	env := errorEnvelope{
		RequestId: req.requestID, HostId: host, Code: e.Code, Message: e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) + "&product=" + req.product + "&requestId=" + req.requestID,
	}
	b, _ := json.Marshal(env)
	return e.Status, b
}

// serveAPI runs the gateway checks, faults, idempotency and the action.
// It returns the status and body to send, or hijack=true to drop the
// connection instead.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, req *request) (int, []byte, bool) {
	fail := func(e *APIError) (int, []byte, bool) {
		st, b := s.errorBody(req, "", e)
		return st, b, false
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return fail(notFound("InvalidApi.NotFound", "Specified api is not found, please check your url and method."))
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return fail(apiErr(http.StatusMethodNotAllowed, "UnsupportedHTTPMethod", "The HTTP method %s is not supported; use GET or POST.", r.Method))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return fail(apiErr(http.StatusRequestEntityTooLarge, "InvalidParameter", "The request body is larger than %d bytes.", maxBodyBytes))
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fail(badRequest("InvalidParameter", "The query string is malformed: %v.", err))
	}
	all := url.Values{}
	for k, v := range query {
		all[k] = append(all[k], v...)
	}
	if len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		if ct == "" || strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return fail(badRequest("InvalidParameter", "The form body is malformed: %v.", err))
			}
			for k, v := range form {
				all[k] = append(all[k], v...)
			}
		}
	}
	req.raw = all

	v3 := strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-")
	action, version := all.Get("Action"), all.Get("Version")
	if action == "" {
		action = r.Header.Get("x-acs-action")
	}
	if version == "" {
		version = r.Header.Get("x-acs-version")
	}
	req.action, req.version = action, version
	if action == "" {
		return fail(missingParam("Action"))
	}
	if version == "" {
		return fail(missingParam("Version"))
	}
	actions, ok := apiMeta[version]
	if !ok {
		return fail(badRequest("InvalidVersion", "Specified parameter Version is not valid: this mock serves Vpc 2016-04-28 and Ecs 2014-05-26."))
	}
	meta := actions[action]
	if meta == nil {
		hint := ""
		for v, acts := range apiMeta {
			if acts[action] != nil {
				hint = fmt.Sprintf(" (this mock serves %s only in version %s)", action, v)
			}
		}
		return fail(notFound("InvalidAction.NotFound", "Specified api is not found, please check your url and method: %s %s is not served by this mock%s.", action, version, hint))
	}
	req.meta, req.product = meta, meta.Product
	if f := all.Get("Format"); f != "" && !strings.EqualFold(f, "JSON") {
		return fail(badRequest("InvalidParameter", "Format %q is not supported by this mock; only JSON.", f))
	}

	if e := s.authenticate(r, req, all, body, v3); e != nil {
		return fail(e)
	}

	p, perr := parseParams(meta, all, !s.opts.Loose)
	if perr != nil {
		return fail(perr)
	}
	req.p = p
	region := p.str("RegionId")
	if region == "" {
		region = req.acct.defaultRegion
		p.scalars["RegionId"] = region
	}
	if !req.acct.regions[region] {
		return fail(notFound("InvalidRegionId.NotFound", "The specified region %q does not exist.", region))
	}

	eff, label := s.faults.pick(faultReq{product: req.product, action: action, account: req.acct.ID, accessKey: req.cred.AccessKeyID, p: p})
	if eff != nil {
		req.fault = label
		switch eff.Type {
		case FaultError:
			msg := eff.Message
			if msg == "" {
				msg = "Injected fault."
			}
			return fail(&APIError{Status: eff.Status, Code: eff.Code, Message: msg})
		case FaultThrottle:
			return fail(badRequest("Throttling.User", "Request was denied due to user flow control."))
		case FaultConflict:
			return fail(conflictFor(action))
		case FaultDropBefore:
			return 0, nil, true
		}
	}

	tokenKey := ""
	if meta.param("ClientToken") != nil && p.str("ClientToken") != "" {
		tokenKey = action + "\x00" + p.str("ClientToken")
		if st, b, done := s.claimToken(req, tokenKey); done {
			return st, b, eff != nil && eff.Type == FaultDropAfter
		}
	}
	if eff != nil && eff.Type == FaultLatency {
		select {
		case <-time.After(time.Duration(eff.Latency)):
		case <-r.Context().Done():
			// The client gave up; the work still happens, as on a real
			// service whose front end lost the caller.
		}
	}

	out, aerr := s.dispatch(req)
	req.committed = aerr == nil && meta.mutating()
	var status int
	var b []byte
	if aerr != nil {
		status, b = s.errorBody(req, "", aerr)
	} else {
		status = http.StatusOK
		b, err = json.Marshal(out)
		if err != nil {
			status, b = s.errorBody(req, "", apiErr(500, "InternalError", "The mock could not encode its answer: %v", err))
		}
	}
	if tokenKey != "" {
		s.settleToken(req, tokenKey, status, b)
	}
	if eff != nil && eff.Type == FaultDropAfter {
		return status, b, true
	}
	return status, b, false
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

// authenticate resolves the AccessKeyId and checks timestamp, signature
// and nonce, in that order: a nonce is spent only by a request whose
// signature is good.
func (s *Server) authenticate(r *http.Request, req *request, all url.Values, body []byte, v3 bool) *APIError {
	var akid, nonce, ts string
	var auth *v3Auth
	if v3 {
		var ok bool
		auth, ok = parseV3Authorization(r.Header.Get("Authorization"))
		if !ok {
			return badRequest("IncompleteSignature", "The request signature does not conform to Aliyun standards: malformed ACS3-HMAC-SHA256 Authorization header.")
		}
		akid, nonce, ts = auth.AccessKeyID, r.Header.Get("x-acs-signature-nonce"), r.Header.Get("x-acs-date")
		req.sigKind = "v3"
	} else {
		akid, nonce, ts = all.Get("AccessKeyId"), all.Get("SignatureNonce"), all.Get("Timestamp")
		req.sigKind = "v1"
	}
	if akid == "" {
		return missingParam("AccessKeyId")
	}
	s.mu.RLock()
	cred, ok := s.keys[akid]
	var acct *account
	if ok {
		acct = s.accounts[cred.AccountID]
	}
	s.mu.RUnlock()
	if !ok {
		return notFound("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	req.cred, req.acct = cred, acct
	if s.opts.SignatureMode == SignatureOff {
		req.sigKind += "-unchecked"
		return nil
	}
	strict := s.opts.SignatureMode == SignatureStrict
	soft := func(e *APIError) *APIError {
		if strict {
			return e
		}
		req.sigKind += "-bad:" + e.Code
		return nil
	}
	if ts == "" {
		if e := soft(missingParam("Timestamp")); e != nil {
			return e
		}
	} else {
		t, err := time.Parse(timestampV1Fmt, ts)
		if err != nil {
			if e := soft(badRequest("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted: %q.", ts)); e != nil {
				return e
			}
		} else if d := s.now().Sub(t); d > timestampSkew || d < -timestampSkew {
			if e := soft(badRequest("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired: %s is more than 15 minutes from the server time %s.", ts, s.now().UTC().Format(timestampV1Fmt))); e != nil {
				return e
			}
		}
	}
	if nonce == "" {
		if e := soft(missingParam("SignatureNonce")); e != nil {
			return e
		}
	}
	if v3 {
		if e := s.verifyV3(r, auth, body, cred.AccessKeySecret); e != nil {
			if e := soft(e); e != nil {
				return e
			}
		}
	} else {
		sig := all.Get("Signature")
		if sig == "" {
			if e := soft(badRequest("IncompleteSignature", "The request signature does not conform to Aliyun standards: Signature is missing.")); e != nil {
				return e
			}
		} else if m := all.Get("SignatureMethod"); m != "" && m != "HMAC-SHA1" {
			if e := soft(badRequest("InvalidParameter", "SignatureMethod %q is not supported by this mock; use HMAC-SHA1 or ACS3-HMAC-SHA256.", m)); e != nil {
				return e
			}
		} else if want := SignV1(r.Method, all, cred.AccessKeySecret); !hmacEqual(sig, want) {
			sts := StringToSignV1(r.Method, all)
			if e := soft(badRequest("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s", sts)); e != nil {
				return e
			}
		}
	}
	if nonce != "" && !s.nonces.use(akid, nonce, s.now()) {
		return soft(badRequest("SignatureNonceUsed", "Specified signature nonce was used already."))
	}
	return nil
}

func (s *Server) verifyV3(r *http.Request, auth *v3Auth, body []byte, secret string) *APIError {
	declared := r.Header.Get("x-acs-content-sha256")
	actual := hexSHA256(body)
	if declared != "" && declared != actual {
		return badRequest("SignatureDoesNotMatch", "The x-acs-content-sha256 header does not match the body.")
	}
	for _, h := range auth.SignedHeaders {
		if h != strings.ToLower(h) {
			return badRequest("IncompleteSignature", "SignedHeaders must be lower case.")
		}
	}
	query, _ := url.ParseQuery(r.URL.RawQuery)
	cr := CanonicalRequestV3(r, query, auth.SignedHeaders, actual)
	if !hmacEqual(auth.Signature, SignV3(cr, secret)) {
		return badRequest("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server canonical request is:%s", cr)
	}
	return nil
}
