package alicloud

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var sdkTables sync.Once

// PrepareSDK fills the SDK's endpoint tables. The SDK fills each
// product's table on first use without a lock, and every new SDK client
// reads it: two clients built at once in one process (providers in the
// acceptance tests, aliased providers, a test's own SDK client) would race
// on it. Anything in this module that builds an SDK client calls this
// first, so the tables are filled once, before any of them is read.
func PrepareSDK() {
	sdkTables.Do(func() {
		vpc.GetEndpointMap()
		ecs.GetEndpointMap()
	})
}

// Client is safe for concurrent use.
type Client struct {
	cfg   Config
	red   *redactor
	vpc   *sdkPool[*vpc.Client]
	ecs   *sdkPool[*ecs.Client]
	locks keyedLocks
	reads readers
	// haVipEpoch counts the starts and ends of this process's HaVip
	// changes (changing); listing holds the last listing of every HaVip.
	haVipEpoch atomic.Uint64
	listing    haVipListing
	pace       pacer
	sleep      func(context.Context, time.Duration) error // nil: a real sleep; tests record the schedule
	creds      *sessionCredentials
}

const (
	defaultMaxRetries   = 4
	defaultRetryWaitMin = 200 * time.Millisecond
	defaultRetryWaitMax = 5 * time.Second
	defaultReadTimeout  = 60 * time.Second
	defaultPollMin      = 200 * time.Millisecond
	defaultPollMax      = 5 * time.Second

	// The waiters promise a first re-poll within 200 ms and never more
	// than 5 s between polls, whatever the configuration says.
	maxPollMin = 200 * time.Millisecond
	maxPollMax = 5 * time.Second

	// sdkClientsPerProduct bounds concurrent calls per product. The SDK
	// client is not goroutine-safe, so each is held by one call at a time;
	// a few of them keep parallel Terraform resources from queueing
	// behind one another's waiters.
	sdkClientsPerProduct = 4

	// defaultOpTimeout bounds conflict loops and waiters when the caller's
	// context has no deadline (Terraform always sets one).
	defaultOpTimeout = 20 * time.Minute
)

var regionRe = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

func validateEndpoint(name, v string) error {
	if v == "" {
		return nil
	}
	if strings.Contains(v, "://") {
		return fmt.Errorf("alicloud: %s endpoint %q must be host[:port] without a scheme; set the protocol separately", name, v)
	}
	if strings.ContainsAny(v, "/?# \t") {
		return fmt.Errorf("alicloud: %s endpoint %q must be host[:port] only, without path, query or spaces", name, v)
	}
	return nil
}

// normalise validates cfg and fills in defaults.
func normalise(cfg Config) (Config, error) {
	if cfg.Region == "" {
		return cfg, errors.New("alicloud: region is required")
	}
	if !regionRe.MatchString(cfg.Region) {
		return cfg, fmt.Errorf("alicloud: region %q may contain only letters, digits, '-' and '_'", cfg.Region)
	}
	if cfg.Credentials == nil {
		if strings.TrimSpace(cfg.AccessKey) == "" {
			return cfg, errors.New("alicloud: access key is required")
		}
		if strings.TrimSpace(cfg.SecretKey) == "" {
			return cfg, errors.New("alicloud: secret key is required")
		}
		cfg.Credentials = StaticCredentials(Credentials{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, SecurityToken: cfg.SecurityToken})
	}
	if err := validateEndpoint("VPC", cfg.VPCEndpoint); err != nil {
		return cfg, err
	}
	if err := validateEndpoint("ECS", cfg.ECSEndpoint); err != nil {
		return cfg, err
	}
	switch strings.ToUpper(cfg.Protocol) {
	case "":
		// The SDK defaults to plain HTTP; credentials must not travel so.
		cfg.Protocol = "HTTPS"
	case "HTTPS", "HTTP":
		cfg.Protocol = strings.ToUpper(cfg.Protocol)
	default:
		return cfg, fmt.Errorf("alicloud: protocol %q must be HTTP or HTTPS", cfg.Protocol)
	}
	for name, d := range map[string]time.Duration{"retry wait min": cfg.RetryWaitMin, "retry wait max": cfg.RetryWaitMax,
		"read timeout": cfg.ReadTimeout, "poll min": cfg.PollMin, "poll max": cfg.PollMax} {
		if d < 0 {
			return cfg, fmt.Errorf("alicloud: %s must not be negative (got %s)", name, d)
		}
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = defaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = defaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = defaultReadTimeout
	}
	if cfg.PollMin == 0 {
		cfg.PollMin = defaultPollMin
	}
	if cfg.PollMax == 0 {
		cfg.PollMax = defaultPollMax
	}
	cfg.PollMin = min(cfg.PollMin, maxPollMin)
	cfg.PollMax = min(cfg.PollMax, maxPollMax)
	if cfg.PollMax < cfg.PollMin {
		cfg.PollMax = cfg.PollMin
	}
	return cfg, nil
}

// maskKey shows enough of an AccessKeyId to tell keys apart in logs.
func maskKey(k string) string {
	if len(k) <= 8 {
		return "****"
	}
	return k[:4] + "****" + k[len(k)-4:]
}

// New validates cfg and builds the SDK clients. It makes no API call.
func New(ctx context.Context, cfg Config) (*Client, error) {
	PrepareSDK()
	cfg, err := normalise(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, red: newRedactor(cfg.SecretKey, cfg.SecurityToken), locks: keyedLocks{m: map[string]*keyLock{}}}
	c.creds = newSessionCredentials(cfg.Credentials, c.red)
	var cred auth.Credential = c.creds
	// One retrying client (and connection pool) behind every SDK client:
	// it holds no per-call state, so sharing it is safe.
	rc := newRetryClient(cfg, c.creds.secretOf)

	sdkConfig := func() *sdk.Config {
		sc := sdk.NewConfig()
		sc.Scheme = cfg.Protocol
		// The transport retries; SDK retries on top would multiply attempts.
		sc.AutoRetry = false
		sc.UserAgent = cfg.UserAgent
		return sc
	}
	c.vpc = newPool(sdkClientsPerProduct, productClient(cfg, sdkConfig, cred, cfg.VPCEndpoint, vpc.NewClientWithOptions), rc)
	c.ecs = newPool(sdkClientsPerProduct, productClient(cfg, sdkConfig, cred, cfg.ECSEndpoint, ecs.NewClientWithOptions), rc)
	c.initReaders()
	if c.vpc.err != nil {
		return nil, fmt.Errorf("alicloud: building the VPC client: %w", c.vpc.err)
	}
	if c.ecs.err != nil {
		return nil, fmt.Errorf("alicloud: building the ECS client: %w", c.ecs.err)
	}
	tflog.Debug(ctx, "alicloud: client configured", map[string]any{
		"region": cfg.Region, "vpc_endpoint": cfg.VPCEndpoint, "ecs_endpoint": cfg.ECSEndpoint, "protocol": cfg.Protocol,
		"credentials": cfg.Credentials.Mode(), "max_retries": cfg.MaxRetries,
	})
	return c, nil
}

// SignIn gets the first credentials: for a role, an AssumeRole (or an
// AssumeRoleWithOIDC, a metadata read...) now, so that a sign-in that
// fails does so at configuration time, on the setting that caused it.
// The error is a *SignInError.
func (c *Client) SignIn(ctx context.Context) error {
	cr, err := c.creds.current()
	if err != nil {
		return err
	}
	tflog.Debug(ctx, "alicloud: signed in", map[string]any{"credentials": c.creds.src.Mode(), "access_key_id": maskKey(cr.AccessKey), "sts": cr.SecurityToken != ""})
	return nil
}

// CredentialsMode says how the client signs in (CredentialSource.Mode).
func (c *Client) CredentialsMode() string { return c.creds.src.Mode() }

// Region is the configured region.
func (c *Client) Region() string { return c.cfg.Region }

// sdkPool hands out SDK clients one call at a time.
type sdkPool[T any] struct {
	ch  chan *sdkConn[T]
	err error
}

type sdkConn[T any] struct {
	cli T
	rt  *boundTransport
}

// productClient builds one product's SDK client on a pool's transport:
// its own endpoint when one is set, and the read timeout.
func productClient[T *vpc.Client | *ecs.Client](cfg Config, sdkConfig func() *sdk.Config, cred auth.Credential, endpoint string,
	newClient func(string, *sdk.Config, auth.Credential) (T, error)) func(*boundTransport) (T, error) {
	return func(rt *boundTransport) (T, error) {
		cli, err := newClient(cfg.Region, sdkConfig(), cred)
		if err != nil {
			return cli, err
		}
		var base *sdk.Client
		switch c := any(cli).(type) {
		case *vpc.Client:
			base = &c.Client
		case *ecs.Client:
			base = &c.Client
		}
		if endpoint != "" {
			base.Domain = endpoint
		}
		base.SetTransport(rt)
		base.SetReadTimeout(cfg.ReadTimeout)
		return cli, nil
	}
}

func newPool[T any](n int, build func(*boundTransport) (T, error), rc *retryablehttp.Client) *sdkPool[T] {
	p := &sdkPool[T]{ch: make(chan *sdkConn[T], n)}
	for i := 0; i < n; i++ {
		rt := &boundTransport{next: &retryablehttp.RoundTripper{Client: rc}}
		cli, err := build(rt)
		if err != nil {
			p.err = err
			return p
		}
		p.ch <- &sdkConn[T]{cli: cli, rt: rt}
	}
	return p
}

func (p *sdkPool[T]) acquire(ctx context.Context) (*sdkConn[T], error) {
	select {
	case cn := <-p.ch:
		return cn, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// invoke runs one SDK call on a pooled client with ctx bound to its
// transport, and turns a failure into an *Error. fn returns the RequestId.
func invoke[T any](c *Client, ctx context.Context, p *sdkPool[T], op string, fn func(T) (string, error)) error {
	ci := &callInfo{op: op, noBlindResend: !blindResendAllowed(ctx)}
	cn, err := p.acquire(ctx)
	if err != nil {
		return c.transportError(ctx, op, ci, "", err)
	}
	start := time.Now()
	var reqID string
	token, renewed := c.creds.token(), false
again:
	func() {
		defer func() {
			if r := recover(); r != nil {
				// The SDK panics on error bodies whose fields are not
				// strings (alibaba-sdk.md §10); that must not take the
				// provider down.
				err = fmt.Errorf("the SDK failed decoding the answer: %v", r)
			}
			cn.rt.end()
			p.ch <- cn
		}()
		cn.rt.begin(context.WithValue(ctx, callInfoKey{}, ci))
		reqID, err = fn(cn.cli)
	}()
	noteUncertain(ctx, ci.uncertain)
	ci.uncertain = 0
	fields := map[string]any{"op": op, "attempt": max(ci.attempts, 1), "duration_ms": time.Since(start).Milliseconds()}
	if err == nil {
		fields["request_id"] = reqID
		tflog.Debug(ctx, "alicloud: API call succeeded", fields)
		return nil
	}
	e := c.toError(ctx, op, ci, err)
	if e.Code == codeSessionExpired && !renewed && c.renewSession(ctx, token) {
		// The gateway refused the call before it did anything, so sending
		// it again (same ClientToken) with the new session is safe.
		tflog.Info(ctx, "alicloud: the STS session expired; continuing with the renewed one", map[string]any{"op": op})
		token, renewed = c.creds.token(), true
		if cn, err = p.acquire(ctx); err != nil {
			return c.transportError(ctx, op, ci, "", err)
		}
		goto again
	}
	fields["request_id"], fields["code"], fields["http_status"], fields["class"] = e.RequestID, e.Code, e.HTTPStatus, e.Class.String()
	tflog.Debug(ctx, "alicloud: API call failed", fields)
	return e
}

func (c *Client) vpcCall(ctx context.Context, op string, fn func(*vpc.Client) (string, error)) error {
	return invoke(c, ctx, c.vpc, op, fn)
}

func (c *Client) ecsCall(ctx context.Context, op string, fn func(*ecs.Client) (string, error)) error {
	return invoke(c, ctx, c.ecs, op, fn)
}

// opContext bounds a logical operation (call, conflict retries, wait).
func opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, defaultOpTimeout)
}

func invalid(op, format string, args ...any) *Error {
	return &Error{Op: op, Class: ClassInvalid, Message: fmt.Sprintf(format, args...)}
}
