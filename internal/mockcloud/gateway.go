package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// maxBodyBytes bounds a request body; the real gateway refuses larger ones.
const maxBodyBytes = 1 << 20

func (s *Server) newRequestID() string {
	s.reqMu.Lock()
	hi, lo := s.reqRng.Uint64(), s.reqRng.Uint64()
	s.reqMu.Unlock()
	return strings.ToUpper(fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		uint32(hi>>32), uint16(hi>>16), uint16(hi)&0x0fff, (uint16(lo>>48)&0x3fff)|0x8000, lo&0xffffffffffff))
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

var productHost = map[string]string{"Vpc": "vpc.aliyuncs.com", "Ecs": "ecs.aliyuncs.com", stsProduct: "sts.aliyuncs.com"}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.routeNonAPI(w, r) {
		return
	}
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

func (s *Server) errorBody(req *request, host string, e *APIError) (int, []byte) {
	if host == "" {
		host = productHost[req.product]
	}
	if host == "" {
		host = "mockcloud"
	}
	env := errorEnvelope{
		RequestId: req.requestID, HostId: host, Code: e.Code, Message: e.Message, AccessDeniedDetail: e.AccessDenied,
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
	all, body, e := readRequest(w, r)
	if e != nil {
		return fail(e)
	}
	req.raw = all
	if e := route(r, req, all); e != nil {
		return fail(e)
	}
	if req.product == stsProduct && anonymousSTS[req.action] {
		s.anonymousCaller(req, all)
	} else if e := s.authenticate(r, req, all, body, strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-")); e != nil {
		return fail(e)
	}
	p, e := parseParams(req.meta, all, !s.opts.Loose)
	if e != nil {
		return fail(e)
	}
	req.p = p
	if req.acct != nil {
		if e := resolveRegion(req); e != nil {
			return fail(e)
		}
	}
	// RAM decides on the action and the resources its parameters name, so
	// it comes once the caller is known and the request is parsed.
	if e := authorize(req.cred, req.meta, p, p.str("RegionId")); e != nil {
		return fail(e)
	}

	acctID := ""
	if req.acct != nil {
		acctID = req.acct.ID
	}
	eff, label := s.faults.pick(faultReq{product: req.product, action: req.action, account: acctID, accessKey: req.cred.AccessKeyID, p: p})
	if eff != nil {
		req.fault = label
		if e, drop := refusalOf(eff, req.action); drop {
			return 0, nil, true
		} else if e != nil {
			return fail(e)
		}
	}
	dropAfter := eff != nil && eff.Type == FaultDropAfter

	tokenKey := ""
	if req.meta.param("ClientToken") != nil && p.str("ClientToken") != "" {
		tokenKey = req.action + "\x00" + p.str("ClientToken")
		if st, b, done := s.claimToken(req, tokenKey); done {
			return st, b, dropAfter
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

	status, b := s.run(req)
	if tokenKey != "" {
		s.settleToken(req, tokenKey, status, b)
	}
	return status, b, dropAfter
}

// readRequest merges the query string and a form body into one set of
// parameters, as the gateway accepts either.
func readRequest(w http.ResponseWriter, r *http.Request) (url.Values, []byte, *APIError) {
	if r.URL.Path != "/" && r.URL.Path != "" {
		return nil, nil, notFound("InvalidApi.NotFound", "Specified api is not found, please check your url and method.")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, nil, apiErr(http.StatusMethodNotAllowed, "UnsupportedHTTPMethod", "The HTTP method %s is not supported; use GET or POST.", r.Method)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, nil, apiErr(http.StatusRequestEntityTooLarge, rulebook.CodeInvalidParameter, "The request body is larger than %d bytes.", maxBodyBytes)
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, badRequest(rulebook.CodeInvalidParameter, "The query string is malformed: %v.", err)
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
				return nil, nil, badRequest(rulebook.CodeInvalidParameter, "The form body is malformed: %v.", err)
			}
			for k, v := range form {
				all[k] = append(all[k], v...)
			}
		}
	}
	return all, body, nil
}

// anonymousCaller places an anonymous STS call: no key to check, and the
// account is the one its OIDC provider ARN names, when the mock knows it,
// so the journal and faults see the call where its session will live.
func (s *Server) anonymousCaller(req *request, all url.Values) {
	req.sigKind = "anonymous"
	account, _, ok := parseOIDCProviderArn(all.Get("OIDCProviderArn"))
	if !ok {
		return
	}
	s.mu.RLock()
	req.acct = s.accounts[account]
	s.mu.RUnlock()
}

// route names the action (from the parameters, or the V3 headers) and finds
// its metadata; an action the metadata does not describe is not served.
func route(r *http.Request, req *request, all url.Values) *APIError {
	action, version := all.Get("Action"), all.Get("Version")
	if action == "" {
		action = r.Header.Get("x-acs-action")
	}
	if version == "" {
		version = r.Header.Get("x-acs-version")
	}
	req.action, req.version = action, version
	if action == "" {
		return missingParam("Action")
	}
	if version == "" {
		return missingParam("Version")
	}
	actions, ok := apiMeta[version]
	if !ok {
		return badRequest("InvalidVersion", "Specified parameter Version is not valid: this mock serves Vpc 2016-04-28, Ecs 2014-05-26 and Sts 2015-04-01.")
	}
	meta := actions[action]
	if meta == nil {
		hint := ""
		for v, acts := range apiMeta {
			if acts[action] != nil {
				hint = fmt.Sprintf(" (this mock serves %s only in version %s)", action, v)
			}
		}
		return notFound("InvalidAction.NotFound", "Specified api is not found, please check your url and method: %s %s is not served by this mock%s.", action, version, hint)
	}
	req.meta, req.product = meta, meta.Product
	if f := all.Get("Format"); f != "" && !strings.EqualFold(f, "JSON") {
		return badRequest(rulebook.CodeInvalidParameter, "Format %q is not supported by this mock; only JSON.", f)
	}
	return nil
}

// resolveRegion defaults RegionId to the account's first region and refuses
// a region the account does not have.
func resolveRegion(req *request) *APIError {
	region := req.p.str("RegionId")
	if region == "" {
		region = req.acct.defaultRegion
		req.p.scalars["RegionId"] = region
	}
	if !req.acct.regions[region] {
		return notFound(rulebook.CodeRegionNotFound, "The specified region %q does not exist.", region)
	}
	return nil
}

// refusalOf is the answer a fault gives before the action runs: an error,
// or drop=true to cut the connection. Latency and drop-after faults act
// later and give neither.
func refusalOf(eff *FaultEffect, action string) (e *APIError, drop bool) {
	switch eff.Type {
	case FaultError:
		msg := eff.Message
		if msg == "" {
			msg = "Injected fault."
		}
		return &APIError{Status: eff.Status, Code: eff.Code, Message: msg}, false
	case FaultThrottle:
		return badRequest("Throttling.User", "Request was denied due to user flow control."), false
	case FaultConflict:
		return conflictFor(action), false
	case FaultDropBefore:
		return nil, true
	}
	return nil, false
}

// run dispatches the action and encodes its answer.
func (s *Server) run(req *request) (int, []byte) {
	out, aerr := s.dispatch(req)
	req.committed = aerr == nil && req.meta.mutating()
	if aerr != nil {
		return s.errorBody(req, "", aerr)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return s.errorBody(req, "", apiErr(500, "InternalError", "The mock could not encode its answer: %v", err))
	}
	return http.StatusOK, b
}
