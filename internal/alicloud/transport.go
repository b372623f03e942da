package alicloud

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// callInfo follows one SDK call through the retrying transport, so that
// logs and the final error can say how many attempts it took and what the
// last answer was. Attempts of one call run sequentially in one goroutine.
type callInfo struct {
	op        string
	attempts  int
	uncertain int // attempts that may have acted unseen: no answer, or 5xx
	// noBlindResend: the call has no ClientToken, so an attempt with an
	// unknown outcome ends the call instead of being retried.
	noBlindResend bool
	lastStatus    int
	lastCode      string
	lastRequestID string
}

type callInfoKey struct{}

func callInfoFrom(ctx context.Context) *callInfo {
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return ci
	}
	return &callInfo{}
}

// newInnerTransport is the connection pool every SDK client shares. Because
// the SDK's transport is replaced, its own proxy, connect-timeout and TLS
// knobs no longer apply (alibaba-sdk.md §7): they are set here. Like
// Alibaba's credential library, it starts from a clone of Go's default
// transport, so the process's proxy settings (never applied to loopback,
// so a local mock works even where HTTPS_PROXY is set) and dialer (the
// test sandbox's guard) apply to both.
func newInnerTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // bounds the connect only
		defer cancel()
		return dial(ctx, network, addr)
	}
	t.TLSHandshakeTimeout = 10 * time.Second
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 16
	return t
}

// newRetryClient builds the retrying HTTP client. It retries transport
// errors, 5xx except 501, 429, and the 400 answers Alibaba uses for
// throttling; every retry is re-signed; the last answer, good or bad, is
// passed through so the SDK turns it into a ServerError with its Code.
func newRetryClient(cfg Config, secretOf func(accessKeyID string) string) *retryablehttp.Client {
	rc := retryablehttp.NewClient()
	rc.Logger = nil
	rc.HTTPClient = &http.Client{Transport: newInnerTransport()}
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = jitterBackoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.PrepareRetry = resigner(secretOf)
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, i int) {
		ci := callInfoFrom(req.Context())
		ci.attempts = i + 1
		if i > 0 {
			tflog.Debug(req.Context(), "alicloud: retrying API request", map[string]any{
				"op": ci.op, "attempt": ci.attempts, "code": ci.lastCode, "request_id": ci.lastRequestID, "http_status": ci.lastStatus,
			})
		}
	}
	return rc
}

// retryableCodes are the error codes Alibaba answers with HTTP 400 that
// still mean "try again shortly".
func retryableCode(code string) bool {
	return strings.HasPrefix(code, "Throttling") || code == "ServiceUnavailable" || code == "SystemBusy"
}

// peekError reads the error envelope of a non-2xx answer and puts the bytes
// back so that the SDK can still parse them.
func peekError(resp *http.Response) (code, requestID string) {
	if resp.Body == nil {
		return "", ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	var env struct {
		Code      any
		RequestId any
	}
	if json.Unmarshal(b, &env) == nil {
		code, _ = env.Code.(string)
		requestID, _ = env.RequestId.(string)
	}
	if requestID == "" {
		requestID = resp.Header.Get("x-acs-request-id")
	}
	return code, requestID
}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	ci := callInfoFrom(ctx)
	if err != nil {
		ci.uncertain++
		ci.lastStatus, ci.lastCode, ci.lastRequestID = 0, "", ""
		// The default policy already refuses to retry what cannot heal
		// (bad certificates, bad schemes, redirect loops).
		retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return retry && !ci.noBlindResend, nil
	}
	ci.lastStatus, ci.lastCode, ci.lastRequestID = resp.StatusCode, "", resp.Header.Get("x-acs-request-id")
	if resp.StatusCode < 400 {
		return false, nil
	}
	ci.lastCode, ci.lastRequestID = peekError(resp)
	if resp.StatusCode >= 500 {
		ci.uncertain++
		if ci.noBlindResend {
			return false, nil
		}
	}
	switch {
	case resp.StatusCode == http.StatusNotImplemented:
		return false, nil
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	}
	return retryableCode(ci.lastCode), nil
}

// jitterBackoff is exponential from min, capped at max, with half of each
// wait random so that parallel Terraform resources that were throttled
// together do not come back together.
func jitterBackoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			if d := time.Duration(s) * time.Second; d <= max {
				return max2(d, min)
			}
		}
	}
	return expJitter(min, max, attempt)
}

func expJitter(min, max time.Duration, attempt int) time.Duration {
	if min <= 0 {
		return 0
	}
	d := max
	if attempt < 30 {
		if v := min << uint(attempt); v > 0 && v < max {
			d = v
		}
	}
	half := d / 2
	d = half + time.Duration(rand.Int64N(int64(half)+1))
	return max2(d, min)
}

func max2(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// resigner gives each retry a fresh SignatureNonce, the current Timestamp
// and a new signature. Everything else, the ClientToken included, stays as
// the SDK built it, so the service sees the same logical request again.
// For STS credentials the SecurityToken is already in the query and is
// kept; only the secret is needed to sign.
func resigner(secretOf func(accessKeyID string) string) retryablehttp.PrepareRetry {
	return func(req *http.Request) error {
		query, err := url.ParseQuery(req.URL.RawQuery)
		if err != nil {
			return err
		}
		form := url.Values{}
		if req.GetBody != nil && strings.HasPrefix(strings.ToLower(req.Header.Get("Content-Type")), "application/x-www-form-urlencoded") {
			rc, err := req.GetBody()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			if form, err = url.ParseQuery(string(b)); err != nil {
				return err
			}
		}
		u := *req.URL // the previous attempt's request shares the URL
		// The secret of the key the request was signed with: a renewed
		// session may have replaced the current one since.
		secret := secretOf(query.Get("AccessKeyId"))
		u.RawQuery = resignQuery(req.Method, query, form, secret, time.Now())
		req.URL = &u
		return nil
	}
}

// boundTransport carries the caller's context into the SDK, which builds
// its http.Request without one. It belongs to one pooled SDK client and is
// only touched by the goroutine holding that client, between begin and end.
type boundTransport struct {
	next     http.RoundTripper
	ctx      context.Context
	cleanups []func()
}

func (t *boundTransport) begin(ctx context.Context) { t.ctx = ctx }

// end releases what RoundTrip set up; it runs after the SDK has read the
// response body, which a context cancelled earlier would have cut off.
func (t *boundTransport) end() {
	for _, f := range t.cleanups {
		f()
	}
	t.cleanups, t.ctx = nil, nil
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ctx == nil {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithCancel(t.ctx)
	// http.Client.Timeout (the SDK's read timeout, meant to bound the call
	// and all its retries) lives on req.Context(): keep honouring it.
	if d, ok := req.Context().Deadline(); ok {
		var c2 context.CancelFunc
		ctx, c2 = context.WithDeadline(ctx, d)
		prev := cancel
		cancel = func() { c2(); prev() }
	}
	stop := context.AfterFunc(req.Context(), cancel)
	t.cleanups = append(t.cleanups, func() { stop(); cancel() })
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil && resp != nil {
		// net/http logs and drops a response returned with an error.
		resp.Body.Close()
		resp = nil
	}
	return resp, err
}
