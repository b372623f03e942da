// Command mockcloud serves the mock Alibaba Cloud VPC + ECS (+ STS) endpoint for
// acceptance tests, the demo and users' own CI.
//
//	go run ./tools/mockcloud -fixtures fixtures.json -state state.json
//
// It prints the endpoint and the environment a provider needs, then serves
// until SIGINT or SIGTERM. Every flag can also be set through the
// environment variable named in its help (MOCKCLOUD_*).
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mockcloud:", err)
		os.Exit(1)
	}
}

type config struct {
	addr, fixtures, state, signature, caFile, envFile, readyFile string
	transitions, tlsHosts                                        string
	accessKeyID, accessKeySecret, accountID                      string
	seed                                                         uint64
	loose, tls, tlsListener, metadataHardened, verbose           bool
	saveEvery                                                    time.Duration
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("mockcloud", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, env, def, usage string) {
		if v, ok := os.LookupEnv(env); ok {
			def = v
		}
		fs.StringVar(p, name, def, usage+" ($"+env+")")
	}
	boolean := func(p *bool, name, env, usage string) {
		def := false
		if v, ok := os.LookupEnv(env); ok {
			def = v == "1" || strings.EqualFold(v, "true")
		}
		fs.BoolVar(p, name, def, usage+" ($"+env+")")
	}
	str(&c.addr, "addr", "MOCKCLOUD_ADDR", "127.0.0.1:0", "listen address; loopback by default, port 0 picks a free one")
	str(&c.fixtures, "fixtures", "MOCKCLOUD_FIXTURES", "", "fixtures JSON file (default: the HaVip guide's topology)")
	str(&c.state, "state", "MOCKCLOUD_STATE", "", "state file: loaded at start when present, saved while running and on exit")
	str(&c.signature, "signature", "MOCKCLOUD_SIGNATURE", mockcloud.SignatureStrict, "signature checks: strict, log-only or off")
	str(&c.transitions, "transitions", "MOCKCLOUD_TRANSITIONS", "", "transition profile for every account: immediate, short or realistic (2 s each), with overrides such as realistic,havip.create=5s,eip=describes:2 (default: the fixtures' settings)")
	str(&c.caFile, "ca-file", "MOCKCLOUD_CA_FILE", "", "with -tls or -tls-listener: write the certificate clients must trust here (point SSL_CERT_FILE at it)")
	str(&c.tlsHosts, "tls-hosts", "MOCKCLOUD_TLS_HOSTS", "", "with -tls-listener: more names or addresses, comma-separated, the certificate is issued for besides localhost and loopback (sts.cn-hangzhou.aliyuncs.com, say, for a hosts entry)")
	str(&c.envFile, "env-file", "MOCKCLOUD_ENV_FILE", "", "also write the provider environment as KEY=VALUE lines to this file")
	str(&c.readyFile, "ready-file", "MOCKCLOUD_READY_FILE", "", "write endpoint and credentials as JSON here once serving")
	str(&c.accessKeyID, "access-key-id", "MOCKCLOUD_ACCESS_KEY_ID", "", "fixed AccessKeyId for the default account (default: derived from the seed)")
	str(&c.accessKeySecret, "access-key-secret", "MOCKCLOUD_ACCESS_KEY_SECRET", "", "secret for -access-key-id")
	str(&c.accountID, "account-id", "MOCKCLOUD_ACCOUNT_ID", "", "account ID for -access-key-id")
	seed := fs.Uint64("seed", 1, "seed for IDs, assigned IPs and request IDs ($MOCKCLOUD_SEED)")
	if v, ok := os.LookupEnv("MOCKCLOUD_SEED"); ok {
		var n uint64
		if _, err := fmt.Sscan(v, &n); err != nil {
			return nil, fmt.Errorf("MOCKCLOUD_SEED=%q is not a number", v)
		}
		*seed = n
	}
	boolean(&c.loose, "loose", "MOCKCLOUD_LOOSE", "ignore unknown request parameters instead of rejecting them")
	boolean(&c.tls, "tls", "MOCKCLOUD_TLS", "serve HTTPS with a self-signed certificate")
	boolean(&c.tlsListener, "tls-listener", "MOCKCLOUD_TLS_LISTENER", "also serve HTTPS on a second loopback port, with a certificate of a fresh test CA; STS clients speak HTTPS only (needs -ca-file)")
	boolean(&c.metadataHardened, "metadata-hardened", "MOCKCLOUD_METADATA_HARDENED", "the ECS metadata service refuses reads without a session token")
	boolean(&c.verbose, "v", "MOCKCLOUD_VERBOSE", "log every request to stderr")
	fs.DurationVar(&c.saveEvery, "save-every", 2*time.Second, "with -state: how often to save when something changed")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if (c.accessKeyID == "") != (c.accessKeySecret == "") {
		return nil, errors.New("-access-key-id and -access-key-secret go together")
	}
	if c.tlsListener && c.caFile == "" {
		return nil, errors.New("-tls-listener needs -ca-file: clients must trust the CA of its certificate")
	}
	c.seed = *seed
	return c, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts, caPEM, err := cfg.options(stderr)
	if err != nil {
		return err
	}
	srv, err := mockcloud.New(opts)
	if err != nil {
		return err
	}
	if cfg.state != "" {
		if b, err := os.ReadFile(cfg.state); err == nil {
			if err := srv.Restore(b); err != nil {
				return fmt.Errorf("%s: %w", cfg.state, err)
			}
			fmt.Fprintf(stderr, "mockcloud: restored state from %s\n", cfg.state)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	if caPEM == nil {
		caPEM = srv.CACertPEM()
	}
	if caPEM != nil && cfg.caFile != "" {
		if err := os.WriteFile(cfg.caFile, caPEM, 0o644); err != nil {
			return err
		}
	}
	// Signals are caught before readiness is announced: a supervisor that
	// stops the mock as soon as it reads the ready file must still get the
	// state saved, not a process killed by the default SIGTERM action.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	withdraw, err := cfg.announce(srv, caPEM != nil, stdout)
	defer withdraw()
	if err != nil {
		return err
	}
	return cfg.serve(ctx, srv, stderr)
}

// options turns the flags into the server's options; caPEM is the CA of
// the -tls-listener certificate, if any.
func (cfg *config) options(stderr io.Writer) (opts mockcloud.Options, caPEM []byte, err error) {
	opts = mockcloud.Options{Addr: cfg.addr, Seed: cfg.seed, SignatureMode: cfg.signature, Loose: cfg.loose, TLS: cfg.tls,
		TLSListener: cfg.tlsListener, MetadataTokenRequired: cfg.metadataHardened}
	if cfg.tlsListener {
		if caPEM, opts.TLSCert, err = issueCert(cfg.tlsHosts); err != nil {
			return opts, nil, err
		}
	}
	level := slog.LevelInfo
	if cfg.verbose {
		level = slog.LevelDebug
	}
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if cfg.fixtures != "" {
		if opts.Fixtures, err = mockcloud.LoadFixturesFile(cfg.fixtures); err != nil {
			return opts, nil, err
		}
	}
	if cfg.transitions != "" {
		if opts.Transitions, err = mockcloud.TransitionProfile(cfg.transitions); err != nil {
			return opts, nil, fmt.Errorf("-transitions: %w", err)
		}
	}
	if cfg.accessKeyID != "" {
		opts.Credentials = []mockcloud.Credential{{AccessKeyID: cfg.accessKeyID, AccessKeySecret: cfg.accessKeySecret, AccountID: cfg.accountID}}
	}
	return opts, caPEM, nil
}

// announce prints the endpoint and the provider's environment and writes
// the env and ready files. Those describe this process only: written
// whole (a waiting script never reads half of one) and removed by
// withdraw when it stops, so that no later script finds one naming a port
// nobody serves.
func (cfg *config) announce(srv *mockcloud.Server, haveCA bool, stdout io.Writer) (withdraw func(), err error) {
	var written []string
	withdraw = func() {
		for _, f := range written {
			os.Remove(f)
		}
	}
	env := srv.Env()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(stdout, "mockcloud: serving Vpc 2016-04-28, Ecs 2014-05-26 and Sts 2015-04-01 at %s (admin: %s%s)\n", srv.URL(), srv.URL(), mockcloud.AdminPrefix)
	if ep := srv.TLSEndpoint(); ep != "" {
		fmt.Fprintf(stdout, "mockcloud: HTTPS (STS included) at https://%s; ECS metadata through the HTTP proxy http://%s\n", ep, srv.Endpoint())
	}
	var envLines strings.Builder
	for _, k := range keys {
		fmt.Fprintf(stdout, "export %s=%s\n", k, env[k])
		fmt.Fprintf(&envLines, "%s=%s\n", k, env[k])
	}
	if haveCA && cfg.caFile != "" {
		fmt.Fprintf(stdout, "export SSL_CERT_FILE=%s\n", cfg.caFile)
		fmt.Fprintf(&envLines, "SSL_CERT_FILE=%s\n", cfg.caFile)
	}
	if cfg.envFile != "" {
		if err := writeWhole(cfg.envFile, []byte(envLines.String())); err != nil {
			return withdraw, err
		}
		written = append(written, cfg.envFile)
	}
	if cfg.readyFile != "" {
		c := srv.Credentials()
		b, _ := json.MarshalIndent(map[string]string{
			"endpoint": srv.Endpoint(), "url": srv.URL(), "region": srv.Region(),
			"access_key_id": c.AccessKeyID, "access_key_secret": c.AccessKeySecret, "account_id": c.AccountID,
			"tls_endpoint": srv.TLSEndpoint(), "ca_file": cfg.caFile,
		}, "", " ")
		if err := writeWhole(cfg.readyFile, b); err != nil {
			return withdraw, err
		}
		written = append(written, cfg.readyFile)
	}
	return withdraw, nil
}

// serve runs until ctx is cancelled, saving the state (with -state) every
// saveEvery when something changed, and once more after shutting down.
func (cfg *config) serve(ctx context.Context, srv *mockcloud.Server, stderr io.Writer) error {
	saved := srv.Generation()
	save := func() error {
		if cfg.state == "" {
			return nil
		}
		b, err := srv.Dump()
		if err != nil {
			return err
		}
		// Through a rename, so a crash mid-save never leaves half a file.
		return writeWhole(cfg.state, b)
	}
	var tick <-chan time.Time
	if cfg.state != "" && cfg.saveEvery > 0 {
		t := time.NewTicker(cfg.saveEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdownCtx); err != nil {
				fmt.Fprintln(stderr, "mockcloud: shutdown:", err)
			}
			if err := save(); err != nil {
				return fmt.Errorf("saving state: %w", err)
			}
			fmt.Fprintln(stderr, "mockcloud: stopped")
			return nil
		case <-tick:
			if seq := srv.Generation(); seq != saved {
				if err := save(); err != nil {
					fmt.Fprintln(stderr, "mockcloud: saving state:", err)
				} else {
					saved = seq
				}
			}
		}
	}
}

// issueCert makes a fresh test CA and a certificate of it for localhost,
// loopback and the extra hosts.
func issueCert(extra string) ([]byte, *tls.Certificate, error) {
	ca, err := mockcloud.NewCA()
	if err != nil {
		return nil, nil, err
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	for _, h := range strings.Split(extra, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	cert, err := ca.Issue(hosts...)
	if err != nil {
		return nil, nil, err
	}
	return ca.CertPEM(), &cert, nil
}

// writeWhole writes a file through a temporary one and a rename.
func writeWhole(name string, b []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
