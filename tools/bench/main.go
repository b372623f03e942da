// Command bench times terraform apply + destroy of the HaVip graph with
// the real provider against the mock, next to the floor: the same graph
// served by a no-op provider (./floor). It writes a markdown report.
//
// It also times the scale case (-scale HaVips × 10 ENI members each, as
// havip_attachment resources), splits one HaVip's create→destroy into
// lifecycle calls and plan-time lookups from the mock's journal, and
// measures the mock's throughput with BenchmarkStandaloneDescribeHaVips.
//
//	go run ./tools/bench -runs 3 -sizes 1,50 -scale 50 -out tools/bench/report.md
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func main() {
	runs := flag.Int("runs", 3, "timed runs per case (median reported)")
	sizes := flag.String("sizes", "1,50", "HaVip counts to time")
	out := flag.String("out", "", "write the markdown report here as well as to stdout")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	scale := flag.Int("scale", 50, "HaVips of the scale case, each with 10 ENI members (0: skip)")
	benchtime := flag.String("benchtime", "3s", "-benchtime of the mock throughput benchmark (empty: skip)")
	note := flag.String("note", "", "a sentence on the conditions of the run, appended to the report")
	seedRuns := flag.Int("seed-runs", 3, "timed runs of the seed stack under realistic transitions (0: skip the waiter benchmark)")
	seedRunsImmediate := flag.Int("seed-runs-immediate", 31, "timed runs of the seed stack under immediate transitions (each well under a second; its ratio to the floor needs more runs than the realistic one)")
	seedProfiles := flag.String("seed-profiles", "immediate,realistic", "transition profiles of the seed stack benchmark")
	realisticScale := flag.Bool("realistic-scale", true, "also apply and destroy the scale graph under realistic transitions (minutes)")
	flag.Parse()
	opts = options{scale: *scale, benchtime: *benchtime, note: *note, seedRuns: *seedRuns, seedRunsImmediate: *seedRunsImmediate, seedProfiles: strings.Split(*seedProfiles, ","), realisticScale: *realisticScale}
	if err := run(*runs, *sizes, *out, *parallelism); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	scale             int
	benchtime         string
	note              string
	seedRuns          int
	seedRunsImmediate int
	seedProfiles      []string
	realisticScale    bool
}

var opts options

// Targets the report states next to each figure.
const (
	targetRatio      = 2.0
	targetLifecycle  = 5
	targetThroughput = 5000.0
)

// Scale fixtures: a /20 vSwitch in the seed VPC, ten instances, and ten
// ENIs of its own per HaVip (an ENI takes at most 5 HaVips).
const (
	scaleVSwitch = "vsw-bp1scalevsw00000000001"
	scaleCIDR    = "192.168.16.0/20"
	scaleMembers = 10
)

func scaleECS(j int) string    { return fmt.Sprintf("i-bp1scaleecs%011d", j) }
func scaleENI(i, j int) string { return fmt.Sprintf("eni-bp1scaleeni%06d%05d", i, j) }
func addr4(n int) string       { return fmt.Sprintf("192.168.%d.%d", 16+n/256, n%256) }

func addScaleFixtures(fx *mockcloud.Fixtures, n int) {
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: scaleVSwitch, VpcID: fx.VPCs[0].ID, Zone: fx.VSwitches[0].Zone, CIDR: scaleCIDR, Name: "scale"})
	for j := 0; j < scaleMembers; j++ {
		fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: scaleECS(j), VSwitchID: scaleVSwitch, PrivateIP: addr4(10 + j)})
	}
	for i := 0; i < n; i++ {
		for j := 0; j < scaleMembers; j++ {
			fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: scaleENI(i, j), VSwitchID: scaleVSwitch,
				PrivateIP: addr4(256 + i*scaleMembers + j), InstanceID: scaleECS(j)})
		}
	}
}

// benchCase is one graph: size plain HaVips, or (scale) size HaVips with
// ten ENI attachments each.
type benchCase struct {
	size  int
	scale bool
}

func (c benchCase) key() string {
	if c.scale {
		return fmt.Sprintf("scale-%d", c.size)
	}
	return fmt.Sprintf("%d", c.size)
}

func (c benchCase) label() string {
	if c.scale {
		return fmt.Sprintf("%d HaVips × %d ENI members (%d resources)", c.size, scaleMembers, c.size*(scaleMembers+1))
	}
	return fmt.Sprintf("%d HaVips", c.size)
}

type result struct {
	provider string
	c        benchCase
	size     int
	median   time.Duration
	all      []time.Duration
	calls    map[string]int
}

func run(runs int, sizesFlag, out string, parallelism int) error {
	sizes, err := parseSizes(sizesFlag)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		return fmt.Errorf("terraform is not on PATH")
	}
	work, err := os.MkdirTemp("", "havip-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	dirs, err := buildProviders(root, work)
	if err != nil {
		return err
	}
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 1000, mockcloud.QuotaHaVipsPerVPC: 1000}
	addScaleFixtures(fx, opts.scale)
	load0 := loadavg()
	srv, err := mockcloud.Start(mockcloud.Options{Fixtures: fx})
	if err != nil {
		return err
	}
	defer srv.Close()

	var cases []benchCase
	for _, size := range sizes {
		cases = append(cases, benchCase{size: size})
	}
	if opts.scale > 0 {
		cases = append(cases, benchCase{size: opts.scale, scale: true})
	}
	b := bench{srv: srv, cred: srv.Credentials(), work: work, dirs: dirs, runs: runs, parallelism: parallelism}
	var results []result
	var life lifecycle
	for _, bc := range cases {
		rs, err := b.runCase(bc, &life)
		if err != nil {
			return err
		}
		results = append(results, rs...)
	}
	var waiters string
	if opts.seedRuns > 0 {
		if waiters, err = benchWaiters(work, dirs, parallelism); err != nil {
			return err
		}
	}
	load1 := loadavg()
	var tput throughput
	if opts.benchtime != "" {
		tput = measureThroughput(root, opts.benchtime)
		fmt.Fprintf(os.Stderr, "bench: mock throughput %.0f req/s (%v)\n", tput.reqPerSec, tput.err)
	}
	report := render(results, runs, parallelism) + waiters + renderExtra(results, life, tput, load0, load1, loadavg())
	fmt.Print(report)
	if out != "" {
		return os.WriteFile(out, []byte(report), 0o644)
	}
	return nil
}

func parseSizes(sizesFlag string) ([]int, error) {
	var sizes []int
	for _, s := range strings.Split(sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad size %q", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// buildProviders builds the provider and the floor, each into a directory
// of its own (provider name → directory).
func buildProviders(root, work string) (map[string]string, error) {
	dirs := map[string]string{"havip": filepath.Join(work, "real"), "floor": filepath.Join(work, "floor")}
	for name, pkg := range map[string]string{"havip": ".", "floor": "./tools/bench/floor"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dirs[name], "terraform-provider-havip"), pkg)
		cmd.Dir, cmd.Stderr = root, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("building %s: %w", name, err)
		}
	}
	return dirs, nil
}

// bench is what every case of the apply/destroy benchmark shares.
type bench struct {
	srv               *mockcloud.Server
	cred              mockcloud.Credential
	work              string
	dirs              map[string]string
	runs, parallelism int
}

// runCase times apply + destroy of one case on the floor and the provider;
// the provider's warm-up with one HaVip classifies its lifecycle into life.
func (b bench) runCase(bc benchCase, life *lifecycle) ([]result, error) {
	srv, cred, size := b.srv, b.cred, bc.size
	provs := []string{"floor", "havip"}
	cycles := map[string]func() (time.Duration, error){}
	for _, prov := range provs {
		d, err := newTFDir(b.work, fmt.Sprintf("%s-%s", prov, bc.key()), b.dirs[prov], config(srv, cred, bc))
		if err != nil {
			return nil, err
		}
		cycles[prov] = func() (time.Duration, error) {
			up, err := d.run(applyArgs(b.parallelism)...)
			if err != nil {
				return 0, err
			}
			down, err := d.run(destroyArgs(b.parallelism)...)
			return up + down, err
		}
		warmFrom := srv.JournalSeq()
		if _, err := cycles[prov](); err != nil { // warm-up: page cache, plugin start
			return nil, err
		}
		if prov == "havip" && !bc.scale && size == 1 {
			*life = classify(srv.Journal(mockcloud.JournalFilter{Account: cred.AccountID, Since: warmFrom}))
		}
	}
	// The providers take turns, run by run, so that a change of load
	// on the machine slows both alike. The floor makes no API calls:
	// every call in the journal meanwhile is the provider's.
	all := map[string][]time.Duration{}
	before := srv.JournalCounts(cred.AccountID)
	for i := 0; i < b.runs; i++ {
		for _, prov := range provs {
			d, err := cycles[prov]()
			if err != nil {
				return nil, err
			}
			all[prov] = append(all[prov], d)
		}
	}
	after := srv.JournalCounts(cred.AccountID)
	var results []result
	for _, prov := range provs {
		r := result{provider: prov, c: bc, size: size, all: all[prov], calls: map[string]int{}}
		if prov == "havip" {
			for k, v := range after {
				if d := v - before[k]; d > 0 {
					r.calls[k] = d / b.runs
				}
			}
		}
		r.median = median(r.all)
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "bench: %-5s %s: median %v of %v\n", prov, bc.label(), r.median.Round(time.Millisecond), r.all)
	}
	return results, nil
}

// benchWaiters times the seed stack on each waiter profile and, with
// -scale, the waiters at scale, as a report section.
func benchWaiters(work string, dirs map[string]string, parallelism int) (string, error) {
	var seeds []seedResult
	for _, profile := range opts.seedProfiles {
		runs := opts.seedRuns
		if profile == mockcloud.ProfileImmediate {
			runs = opts.seedRunsImmediate
		}
		sr, err := benchSeed(work, dirs, profile, runs)
		if err != nil {
			return "", err
		}
		seeds = append(seeds, sr)
	}
	sc := scaleResult{err: fmt.Errorf("-scale 0")}
	if opts.scale > 0 {
		sc = benchScaleWaiters(work, dirs, opts.scale, parallelism, opts.realisticScale)
	}
	return renderWaiters(seeds, sc, opts.scale, map[string]int{mockcloud.ProfileImmediate: opts.seedRunsImmediate, mockcloud.ProfileRealistic: opts.seedRuns}), nil
}

func config(srv *mockcloud.Server, cred mockcloud.Credential, bc benchCase) string {
	if bc.scale {
		return scaleConfig(srv, cred, bc.size)
	}
	size := bc.size
	return fmt.Sprintf(`
terraform {
  required_providers {
    havip = { source = "havip-oss/havip" }
  }
}

provider "havip" {
  region     = %q
  access_key = %q
  secret_key = %q
  protocol   = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
}

resource "havip" "bench" {
  count      = %d
  vswitch_id = %q
  ip_address = "192.168.0.${count.index + 30}"
  name       = "bench-${count.index}"
}
`, srv.Region(), cred.AccessKeyID, cred.AccessKeySecret, srv.Endpoint(), srv.Endpoint(), size, mockcloud.SeedFixtures().VSwitches[0].ID)
}

func render(results []result, runs, parallelism int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# terraform-provider-havip benchmark\n\n")
	fmt.Fprintf(&b, "`terraform apply` + `terraform destroy` of N `havip` resources, and of the scale graph (N `havip` with 10 ENI `havip_attachment` each), against the in-process mock, "+
		"median of %d runs after a warm-up, the floor provider and this one taking turns run by run, `-parallelism=%d`, %s/%s, %d CPUs, %s. "+
		"The floor is the same graph served by a no-op provider built with the same framework (tools/bench/floor): "+
		"Terraform and plugin start-up with zero API work.\n\n", runs, parallelism, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "| graph | floor | havip | ratio (target ≤ %.0f×) | API calls per run (havip) |\n|---|---:|---:|---:|---|\n", targetRatio)
	byCase := map[string]map[string]result{}
	var keys []benchCase
	for _, r := range results {
		if byCase[r.c.key()] == nil {
			byCase[r.c.key()] = map[string]result{}
			keys = append(keys, r.c)
		}
		byCase[r.c.key()][r.provider] = r
	}
	for _, c := range keys {
		f, h := byCase[c.key()]["floor"], byCase[c.key()]["havip"]
		var calls []string
		total := 0
		for _, k := range slices.Sorted(maps.Keys(h.calls)) {
			calls = append(calls, fmt.Sprintf("%s %d", k, h.calls[k]))
			total += h.calls[k]
		}
		ratio := h.median.Seconds() / f.median.Seconds()
		verdict := "met"
		if ratio > targetRatio {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "| %s | %.2f s | %.2f s | %.2f× (%s) | %d: %s |\n", c.label(), f.median.Seconds(), h.median.Seconds(),
			ratio, verdict, total, strings.Join(calls, ", "))
	}
	return b.String()
}

func scaleConfig(srv *mockcloud.Server, cred mockcloud.Credential, n int) string {
	var enis []string
	for i := 0; i < n; i++ {
		for j := 0; j < scaleMembers; j++ {
			enis = append(enis, fmt.Sprintf("%q", scaleENI(i, j)))
		}
	}
	return fmt.Sprintf(`
terraform {
  required_providers {
    havip = { source = "havip-oss/havip" }
  }
}

provider "havip" {
  region     = %q
  access_key = %q
  secret_key = %q
  protocol   = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
  quotas {
    havips_per_account = 1000
    havips_per_vpc     = 1000
  }
}

locals {
  enis = [%s]
}

resource "havip" "s" {
  count      = %d
  vswitch_id = %q
  ip_address = cidrhost(%q, 3000 + count.index)
  name       = "scale-${count.index}"
}

resource "havip_attachment" "m" {
  count       = length(local.enis)
  havip_id    = havip.s[floor(count.index / %d)].id
  instance_id = local.enis[count.index]
}
`, srv.Region(), cred.AccessKeyID, cred.AccessKeySecret, srv.Endpoint(), srv.Endpoint(), strings.Join(enis, ", "), n, scaleVSwitch, scaleCIDR, scaleMembers)
}

// lifecycle is one HaVip's create→destroy (apply + destroy of one
// resource) split by what each call is for.
type lifecycle struct {
	ok        bool
	sequence  []string // every call in order, tagged L (lifecycle) or P (plan-time)
	lifecycle map[string]int
	plan      map[string]int
}

func (l lifecycle) total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// classify: the mutating calls and the describes of the HaVip itself
// (a HaVipId filter: waits after create/delete and the refresh before
// destroy) are the lifecycle; account-wide lists (quota and IP checks)
// and vSwitch lookups are plan-time checks.
func classify(entries []mockcloud.JournalEntry) lifecycle {
	l := lifecycle{ok: true, lifecycle: map[string]int{}, plan: map[string]int{}}
	for _, e := range entries {
		if e.Action == "" {
			continue
		}
		own := e.Mutating
		if e.Action == "DescribeHaVips" {
			for _, v := range e.Params {
				if strings.HasPrefix(v, "havip-") {
					own = true
				}
			}
		}
		tag := "P"
		if own {
			l.lifecycle[e.Action]++
			tag = "L"
		} else {
			l.plan[e.Action]++
		}
		l.sequence = append(l.sequence, tag+":"+e.Action)
	}
	return l
}

type throughput struct {
	reqPerSec float64
	line      string
	err       error
}

var reqPerSec = regexp.MustCompile(`([0-9.]+) req/s`)

// measureThroughput runs BenchmarkStandaloneDescribeHaVips: the built
// mock binary, 8 concurrent SDK clients, every request signed.
func measureThroughput(root, benchtime string) throughput {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "StandaloneDescribeHaVips", "-benchtime", benchtime, "./tools/mockcloud/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return throughput{err: fmt.Errorf("%v\n%s", err, out)}
	}
	for _, line := range strings.Split(string(out), "\n") {
		if m := reqPerSec.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			return throughput{reqPerSec: v, line: strings.Join(strings.Fields(line), " ")}
		}
	}
	return throughput{err: fmt.Errorf("no req/s in the benchmark output:\n%s", out)}
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

func fmtCounts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func renderExtra(results []result, l lifecycle, t throughput, load0, load1, load2 string) string {
	var b strings.Builder
	for _, r := range results {
		if r.provider == "havip" && r.c.scale {
			total := 0
			for _, v := range r.calls {
				total += v
			}
			res := r.c.size * (scaleMembers + 1)
			fmt.Fprintf(&b, "\nScale graph: %d resources applied and destroyed with 0 failures in every run; %d API calls per run, %.1f per resource.\n",
				res, total, float64(total)/float64(res))
		}
	}
	b.WriteString("\n## API calls of one HaVip's create → destroy\n\n")
	if !l.ok {
		b.WriteString("Not measured (run with 1 in -sizes).\n")
	} else {
		n := l.total(l.lifecycle)
		verdict := "met"
		if n > targetLifecycle {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "From the mock's journal for `apply` + `destroy` of one `havip` (the warm-up run):\n\n")
		fmt.Fprintf(&b, "| kind | calls | target | |\n|---|---:|---:|---|\n")
		fmt.Fprintf(&b, "| lifecycle: create, wait, refresh, delete, wait | %d (%s) | ≤ %d | %s |\n", n, fmtCounts(l.lifecycle), targetLifecycle, verdict)
		fmt.Fprintf(&b, "| plan-time lookups (vSwitch, quota and IP checks; plan and the re-plan at apply) | %d (%s) | — | |\n", l.total(l.plan), fmtCounts(l.plan))
		fmt.Fprintf(&b, "\nOrder (L lifecycle, P plan-time): %s.\n", strings.Join(l.sequence, ", "))
	}
	b.WriteString("\n## Mock throughput\n\n")
	switch {
	case t.err != nil:
		fmt.Fprintf(&b, "Not measured: %v\n", t.err)
	case t.reqPerSec == 0:
		b.WriteString("Not measured (-benchtime empty).\n")
	default:
		verdict := "met"
		if t.reqPerSec < targetThroughput {
			verdict = "**missed**"
		}
		fmt.Fprintf(&b, "`BenchmarkStandaloneDescribeHaVips` (tools/mockcloud: the built binary, 8 concurrent SDK clients, every request signed, `-benchtime %s`): "+
			"**%.0f req/s** (target ≥ %.0f: %s).\n\n    %s\n", opts.benchtime, t.reqPerSec, targetThroughput, verdict, t.line)
	}
	fmt.Fprintf(&b, "\nLoad average (1, 5, 15 min) at start %s, after the Terraform runs %s, at the end %s, on %d CPUs.", load0, load1, load2, runtime.NumCPU())
	if f := strings.Fields(load0); len(f) > 0 {
		if v, err := strconv.ParseFloat(f[0], 64); err == nil && v > float64(runtime.NumCPU()) {
			b.WriteString(" The machine was busy when the run started (load above the CPU count), which inflates the timings.")
		}
	}
	if opts.note != "" {
		b.WriteString(" " + opts.note)
	}
	b.WriteString("\n")
	return b.String()
}
