// Command lab runs the network-namespace failover lab (internal/lab) on
// keepalived configs and prints how each scenario went.
//
//	sudo go run ./tools/lab [-profile seed|fast] [-configs DIR] [-markdown] [-timelines DIR]
//	    [-mock URL -account ID -havip ID -instances ecs1=i-...,ecs2=i-...]
//
// Without -configs it renders the HaVip guide's cluster with the chosen
// profile; with it, it runs DIR/<node>.conf as the demo writes them (the
// lab injects its notify hook). With -mock every MASTER transition is
// relayed to the mock cloud's admin API as a set_master event, so the
// mock's HaVip follows keepalived. It exits 1 when any scenario fails, 2 on
// usage or setup errors and 130 when interrupted, after removing everything
// it created.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/keepalived"
	"github.com/havip-oss/terraform-provider-havip/internal/lab"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	profile, configs               string
	mock, account, havip, instance string
	tolerance                      float64
	markdown, quiet, sweep         bool
	timelines                      string
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.profile, "profile", "seed", "timing profile for the rendered seed cluster: "+strings.Join(keepalived.ProfileNames(), ", "))
	fs.StringVar(&o.configs, "configs", "", "run DIR/<node>.conf instead of rendering the seed cluster")
	fs.StringVar(&o.mock, "mock", "", "mock cloud base URL; relay MASTER changes to its admin API")
	fs.StringVar(&o.account, "account", "", "mock account ID or AccessKeyId (default: the mock's default account)")
	fs.StringVar(&o.havip, "havip", "", "HaVip ID in the mock (with -mock)")
	fs.StringVar(&o.instance, "instances", "", "node=instance-id pairs, comma separated (with -mock)")
	fs.Float64Var(&o.tolerance, "tolerance", lab.DefaultTolerance, "seconds added to every computed budget")
	fs.BoolVar(&o.markdown, "markdown", false, "print the table as markdown")
	fs.StringVar(&o.timelines, "timelines", "", "write an SVG timeline per scenario into this directory")
	fs.BoolVar(&o.quiet, "q", false, "no progress log on stderr")
	fs.BoolVar(&o.sweep, "sweep", false, "only remove leftovers of dead lab runs, then exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lab: unexpected arguments %q\n", fs.Args())
		return 2
	}
	logw := stderr
	if o.quiet {
		logw = io.Discard
	}
	if o.sweep {
		if err := lab.Sweep(logw); err != nil {
			fmt.Fprintln(stderr, "lab:", err)
			return 1
		}
		return 0
	}

	relay, err := newRelay(o)
	if err != nil {
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	}
	if err := lab.Available(); err != nil {
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	}

	// The first SIGINT/SIGTERM cancels the run, whose teardown then stops
	// keepalived and removes the namespaces; later signals are absorbed
	// until that is done, so a second ^C cannot interrupt the cleanup.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	l, err := lab.New(lab.Options{Log: logw})
	if err != nil {
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	}
	defer l.Close()

	cfg, err := buildConfig(o, l)
	if err != nil {
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	}
	cfg.Tolerance = o.tolerance
	if relay != nil {
		if err := relay.check(cfg); err != nil {
			fmt.Fprintln(stderr, "lab:", err)
			return 2
		}
		cfg.OnMaster = func(node string) {
			if err := relay.send(node); err != nil {
				fmt.Fprintf(logw, "lab: relaying %s to the mock: %v\n", node, err)
			} else {
				fmt.Fprintf(logw, "lab: mock HaVip %s master -> %s (%s)\n", relay.havip, relay.ids[node], node)
			}
		}
	}

	results, err := l.Run(ctx, cfg)
	if len(results) > 0 {
		if o.markdown {
			fmt.Fprint(stdout, lab.Markdown(results))
		} else {
			fmt.Fprint(stdout, lab.Table(results))
		}
		if o.timelines != "" {
			paths, werr := lab.WriteTimelines(o.timelines, "", results)
			if werr != nil {
				fmt.Fprintln(stderr, "lab: timelines:", werr)
			} else {
				fmt.Fprintf(stdout, "timelines: %d SVG files in %s\n", len(paths), o.timelines)
			}
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "lab: interrupted; everything the run created has been removed")
		return 130
	case err != nil:
		fmt.Fprintln(stderr, "lab:", err)
		return 2
	case !lab.Passed(results):
		return 1
	}
	return 0
}

func buildConfig(o options, l *lab.Lab) (lab.Config, error) {
	if o.configs == "" {
		c, err := lab.SeedCluster(o.profile)
		if err != nil {
			return lab.Config{}, err
		}
		c.Notify.Master = l.NotifyCommand()
		out, _, err := keepalived.Render(c)
		if err != nil {
			return lab.Config{}, err
		}
		return lab.FromRender(out)
	}
	paths, err := filepath.Glob(filepath.Join(o.configs, "*.conf"))
	if err != nil {
		return lab.Config{}, err
	}
	if len(paths) == 0 {
		return lab.Config{}, fmt.Errorf("no *.conf files in %s", o.configs)
	}
	configs := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return lab.Config{}, err
		}
		configs[strings.TrimSuffix(filepath.Base(p), ".conf")] = string(b)
	}
	return lab.FromConfigs(configs)
}

type relay struct {
	url, account, havip string
	ids                 map[string]string
	client              *http.Client
}

func newRelay(o options) (*relay, error) {
	if o.mock == "" {
		if o.havip != "" || o.instance != "" || o.account != "" {
			return nil, errors.New("-havip, -instances and -account need -mock")
		}
		return nil, nil
	}
	if o.havip == "" || o.instance == "" {
		return nil, errors.New("-mock needs -havip and -instances")
	}
	r := &relay{
		url:     strings.TrimSuffix(o.mock, "/") + "/_mockcloud/events",
		account: o.account, havip: o.havip, ids: map[string]string{},
		client: &http.Client{Timeout: 5 * time.Second},
	}
	for _, pair := range strings.Split(o.instance, ",") {
		node, id, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || node == "" || id == "" {
			return nil, fmt.Errorf("-instances: %q is not node=instance-id", pair)
		}
		r.ids[node] = id
	}
	return r, nil
}

// check refuses a mapping that misses a node before anything starts,
// rather than failing to relay in the middle of a scenario.
func (r *relay) check(cfg lab.Config) error {
	for _, n := range cfg.Nodes {
		if r.ids[n.Name] == "" {
			return fmt.Errorf("-instances has no instance ID for node %s", n.Name)
		}
	}
	return nil
}

func (r *relay) send(node string) error {
	id, ok := r.ids[node]
	if !ok {
		return fmt.Errorf("no instance ID for node %q", node)
	}
	body, _ := json.Marshal(map[string]string{"type": "set_master", "account": r.account, "havip_id": r.havip, "instance_id": id})
	resp, err := r.client.Post(r.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
