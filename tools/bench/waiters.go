package main

// The waiter benchmark (issue 14): the seed stack (a HaVip, two ECS
// attachments, an EIP association) under instant and realistic (2 s)
// transitions, each command timed against the floor and against the
// cloud-side critical path computed from the mock's journal; the reads of
// its lifecycle; a no-change plan of the scale graph; and the scale graph
// under realistic transitions.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Targets of issue 14.
const (
	targetCritical     = 1.15 // × the critical path, realistic transitions
	targetSeedFloor    = 1.15 // × the floor, instant transitions
	targetReadsInstant = 16
	targetReadsSlow    = 24
	targetNoChangePlan = 40
)

// tfDir is one Terraform working directory wired to a provider build.
type tfDir struct {
	dir string
	env []string
	tf  string
}

func newTFDir(work, name, providerDir, config string) (*tfDir, error) {
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"havip-oss/havip\" = %q\n  }\n  direct {}\n}\n", providerDir)), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return nil, err
	}
	return &tfDir{dir: dir, tf: tf, env: append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")}, nil
}

// run runs one terraform command and returns how long it took. A plan
// with -detailed-exitcode that finds changes is an error here: the
// no-change plan must find none.
func (d *tfDir) run(args ...string) (time.Duration, error) {
	cmd := exec.Command(d.tf, args...)
	cmd.Dir, cmd.Env = d.dir, d.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		return took, fmt.Errorf("terraform %s in %s: %v\n%s", strings.Join(args, " "), filepath.Base(d.dir), err, buf.String())
	}
	return took, nil
}

func applyArgs(p int) []string {
	return []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", p)}
}

func destroyArgs(p int) []string {
	return []string{"destroy", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", p)}
}

func providerBlock(srv *mockcloud.Server, cred mockcloud.Credential) string {
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
`, srv.Region(), cred.AccessKeyID, cred.AccessKeySecret, srv.Endpoint(), srv.Endpoint())
}

func seedConfig(srv *mockcloud.Server, cred mockcloud.Credential) string {
	fx := mockcloud.SeedFixtures()
	return providerBlock(srv, cred) + fmt.Sprintf(`
resource "havip" "seed" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
  name       = "seed"
}

resource "havip_attachment" "ecs" {
  for_each    = toset([%q, %q])
  havip_id    = havip.seed.id
  instance_id = each.value
}

resource "havip_eip_association" "seed" {
  havip_id      = havip.seed.id
  allocation_id = %q
}
`, fx.VSwitches[0].ID, fx.Instances[0].ID, fx.Instances[1].ID, fx.EIPs[0].ID)
}

// transitionOf is the transition kind a committed mutating call starts.
var transitionOf = map[string]string{
	"CreateHaVip":           mockcloud.TransitionHaVipCreate,
	"AssociateHaVip":        mockcloud.TransitionHaVipAssociate,
	"UnassociateHaVip":      mockcloud.TransitionHaVipUnassociate,
	"DeleteHaVip":           mockcloud.TransitionHaVipDelete,
	"AssociateEipAddress":   mockcloud.TransitionEIPAssociate,
	"UnassociateEipAddress": mockcloud.TransitionEIPUnassociate,
}

// criticalPath is the time the cloud itself needs for the committed
// mutating calls in entries: along the chain of each HaVip (every call on
// a HaVip waits for the transition before it to end, as the service
// refuses calls in a transitional state), the call's own service time
// from the journal plus the transition it starts; the longest chain, or
// the total of all chains divided by Terraform's parallelism when that is
// longer (no more than p operations run at once).
func criticalPath(entries []mockcloud.JournalEntry, ts map[string]mockcloud.Transition, parallelism int) (time.Duration, int) {
	chains := map[string]time.Duration{}
	created := 0
	var total time.Duration
	for _, e := range entries {
		if !e.Mutating || !e.Committed || e.Replayed {
			continue
		}
		kind, ok := transitionOf[e.Action]
		if !ok {
			continue
		}
		d := time.Duration(e.Millis*float64(time.Millisecond)) + transitionDelay(ts, kind)
		key := e.Params["HaVipId"]
		if e.Action == "CreateHaVip" {
			key = "new:" + e.Params["IpAddress"]
		}
		if e.Params["InstanceType"] == "HaVip" {
			key = e.Params["InstanceId"]
		}
		chains[key] += d
		total += d
		created++
	}
	// A HaVip's create and its later calls are one chain: the create is
	// keyed by its address, the rest by ID; with one HaVip per address the
	// longest chain is the create plus the longest ID chain.
	var longestID, longestCreate time.Duration
	for k, d := range chains {
		if strings.HasPrefix(k, "new:") {
			longestCreate = max(longestCreate, d)
		} else {
			longestID = max(longestID, d)
		}
	}
	cp := longestCreate + longestID
	if parallelism > 0 {
		cp = max(cp, total/time.Duration(parallelism))
	}
	return cp, created
}

func transitionDelay(ts map[string]mockcloud.Transition, kind string) time.Duration {
	t, ok := ts[kind]
	if !ok || t.Mode != "delay" {
		return 0
	}
	return time.Duration(t.Delay)
}

// reads counts the non-mutating calls of entries by action.
func reads(entries []mockcloud.JournalEntry) (int, map[string]int) {
	n, by := 0, map[string]int{}
	for _, e := range entries {
		if e.Action != "" && !e.Mutating {
			n++
			by[e.Action]++
		}
	}
	return n, by
}

type seedRun struct {
	apply, destroy     time.Duration
	cpApply, cpDestroy time.Duration
	reads              int
	readsBy            map[string]int
	calls              int
}

type seedResult struct {
	profile string
	floor   *seedRun // medians, floor provider
	havip   *seedRun // medians, real provider
	sample  seedRun  // the median run's journal figures
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// benchSeed applies and destroys the seed stack runs times (after a
// warm-up) with each provider against a mock with the given transitions.
func benchSeed(work string, dirs map[string]string, profile string, runs int) (seedResult, error) {
	ts, err := mockcloud.TransitionProfile(profile)
	if err != nil {
		return seedResult{}, err
	}
	srv, err := mockcloud.Start(mockcloud.Options{Transitions: ts})
	if err != nil {
		return seedResult{}, err
	}
	defer srv.Close()
	cred := srv.Credentials()
	res := seedResult{profile: profile}
	provs := []string{"floor", "havip"}
	tfdirs := map[string]*tfDir{}
	for _, prov := range provs {
		d, err := newTFDir(work, "seed-"+profile+"-"+prov, dirs[prov], seedConfig(srv, cred))
		if err != nil {
			return res, err
		}
		tfdirs[prov] = d
	}
	applies, destroys := map[string][]time.Duration{}, map[string][]time.Duration{}
	var samples []seedRun
	// The two providers take turns, run by run, so that whatever else the
	// machine does in the meantime slows both alike; one after the other,
	// a change of load between the halves moved the ratio by a quarter.
	for i := 0; i <= runs; i++ {
		for _, prov := range provs {
			d := tfdirs[prov]
			var r seedRun
			from := srv.JournalSeq()
			if r.apply, err = d.run(applyArgs(10)...); err != nil {
				return res, err
			}
			mid := srv.JournalSeq()
			if r.destroy, err = d.run(destroyArgs(10)...); err != nil {
				return res, err
			}
			if prov == "floor" {
				if i > 0 {
					applies[prov], destroys[prov] = append(applies[prov], r.apply), append(destroys[prov], r.destroy)
				}
				continue
			}
			applyLog := journalRange(srv, cred, from, mid)
			destroyLog := journalRange(srv, cred, mid, 0)
			r.cpApply, _ = criticalPath(applyLog, ts, 10)
			r.cpDestroy, _ = criticalPath(destroyLog, ts, 10)
			r.reads, r.readsBy = reads(append(applyLog, destroyLog...))
			r.calls = len(applyLog) + len(destroyLog)
			if os.Getenv("BENCH_TRACE") != "" {
				for _, e := range append(applyLog, destroyLog...) {
					fmt.Fprintf(os.Stderr, "trace %s %s %-24s %6.1fms %s %v\n", profile, e.Time.Format("05.000"), e.Action, e.Millis, e.Code, e.Params["HaVipId"]+e.Params["Filter.1.Value.1"]+e.Params["AllocationId"])
				}
			}
			if i == 0 {
				continue // warm-up
			}
			applies[prov], destroys[prov] = append(applies[prov], r.apply), append(destroys[prov], r.destroy)
			samples = append(samples, r)
		}
	}
	res.floor = &seedRun{apply: median(applies["floor"]), destroy: median(destroys["floor"])}
	m := &seedRun{apply: median(applies["havip"]), destroy: median(destroys["havip"])}
	res.havip = m
	sort.Slice(samples, func(i, j int) bool { return samples[i].apply+samples[i].destroy < samples[j].apply+samples[j].destroy })
	res.sample = samples[len(samples)/2]
	m.cpApply, m.cpDestroy = res.sample.cpApply, res.sample.cpDestroy
	fmt.Fprintf(os.Stderr, "bench: seed stack, %s transitions: apply %v (critical path %v, floor %v), destroy %v (%v, floor %v), %d reads\n",
		profile, m.apply.Round(time.Millisecond), m.cpApply.Round(time.Millisecond), res.floor.apply.Round(time.Millisecond),
		m.destroy.Round(time.Millisecond), m.cpDestroy.Round(time.Millisecond), res.floor.destroy.Round(time.Millisecond), res.sample.reads)
	return res, nil
}

type scaleResult struct {
	planCalls   int
	planBy      map[string]int
	planOK      bool
	realistic   bool
	apply       time.Duration
	destroy     time.Duration
	cpApply     time.Duration
	cpDestroy   time.Duration
	mutations   int
	parallelism int
	err         error
}

// benchScaleWaiters applies the scale graph with instant transitions,
// counts the calls of a no-change plan, destroys it; then applies and
// destroys it once under realistic transitions.
func benchScaleWaiters(work string, dirs map[string]string, n, parallelism int, realistic bool) scaleResult {
	res := scaleResult{parallelism: parallelism, realistic: realistic}
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 1000, mockcloud.QuotaHaVipsPerVPC: 1000}
	addScaleFixtures(fx, n)
	srv, err := mockcloud.Start(mockcloud.Options{Fixtures: fx})
	if err != nil {
		res.err = err
		return res
	}
	defer srv.Close()
	cred := srv.Credentials()
	d, err := newTFDir(work, "scale-plan", dirs["havip"], scaleConfig(srv, cred, n))
	if err == nil {
		_, err = d.run(applyArgs(parallelism)...)
	}
	if err == nil {
		from := srv.JournalSeq()
		_, err = d.run("plan", "-detailed-exitcode", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism))
		log := journalRange(srv, cred, from, 0)
		res.planCalls = len(log)
		_, res.planBy = reads(log)
		res.planOK = err == nil
	}
	if err == nil {
		_, err = d.run(destroyArgs(parallelism)...)
	}
	if err != nil {
		res.err = err
		return res
	}
	fmt.Fprintf(os.Stderr, "bench: no-change plan of the %d×%d graph: %d calls\n", n, scaleMembers, res.planCalls)
	if !realistic {
		return res
	}
	ts, _ := mockcloud.TransitionProfile(mockcloud.ProfileRealistic)
	srv2, err := mockcloud.Start(mockcloud.Options{Fixtures: fx, Transitions: ts})
	if err != nil {
		res.err = err
		return res
	}
	defer srv2.Close()
	cred2 := srv2.Credentials()
	d2, err := newTFDir(work, "scale-realistic", dirs["havip"], scaleConfig(srv2, cred2, n))
	if err != nil {
		res.err = err
		return res
	}
	from := srv2.JournalSeq()
	if res.apply, err = d2.run(applyArgs(parallelism)...); err != nil {
		res.err = err
		return res
	}
	mid := srv2.JournalSeq()
	if res.destroy, err = d2.run(destroyArgs(parallelism)...); err != nil {
		res.err = err
		return res
	}
	var m1, m2 int
	res.cpApply, m1 = criticalPath(journalRange(srv2, cred2, from, mid), ts, parallelism)
	res.cpDestroy, m2 = criticalPath(journalRange(srv2, cred2, mid, 0), ts, parallelism)
	res.mutations = m1 + m2
	fmt.Fprintf(os.Stderr, "bench: %d×%d graph, realistic: apply %v (critical path %v), destroy %v (%v)\n", n, scaleMembers,
		res.apply.Round(time.Millisecond), res.cpApply.Round(time.Millisecond), res.destroy.Round(time.Millisecond), res.cpDestroy.Round(time.Millisecond))
	return res
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func renderWaiters(seeds []seedResult, sc scaleResult, n int, runs map[string]int) string {
	var b strings.Builder
	b.WriteString("\n## Waiters on the cloud's clock (issue 14)\n\n")
	var counts []string
	for _, s := range seeds {
		counts = append(counts, fmt.Sprintf("%d with %s transitions", runs[s.profile], s.profile))
	}
	b.WriteString("The seed stack (`havip`, two ECS `havip_attachment`, `havip_eip_association`), apply and destroy timed separately, " +
		"median of the runs after a warm-up (" + strings.Join(counts, ", ") + "), the floor provider and this one taking turns run by run, " +
		"in the same run as everything above. " +
		"Critical path: from the mock's journal, each committed mutating call's own service time plus the transition it starts, " +
		"summed along the HaVip's chain (the service refuses a call on a HaVip in transition, so they cannot overlap); " +
		"Terraform's own start-up is not in it, which is why the floor column is given too.\n\n")
	b.WriteString("| transitions | command | floor | havip | critical path | havip ÷ critical path | havip ÷ floor | reads (apply + destroy) |\n|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, s := range seeds {
		if s.havip == nil || s.floor == nil {
			continue
		}
		target := targetReadsInstant
		if s.profile != mockcloud.ProfileImmediate {
			target = targetReadsSlow
		}
		for _, c := range []struct {
			name           string
			floor, h, crit time.Duration
		}{{"apply", s.floor.apply, s.havip.apply, s.havip.cpApply}, {"destroy", s.floor.destroy, s.havip.destroy, s.havip.cpDestroy}} {
			critCell, floorCell := "—", fmt.Sprintf("%.2f×", c.h.Seconds()/c.floor.Seconds())
			if c.crit > time.Second/10 {
				r := c.h.Seconds() / c.crit.Seconds()
				critCell = fmt.Sprintf("%.2f× (target ≤ %.2f×: %s)", r, targetCritical, verdict(r <= targetCritical))
			} else {
				r := c.h.Seconds() / c.floor.Seconds()
				floorCell = fmt.Sprintf("%.2f× (target ≤ %.2f×: %s)", r, targetSeedFloor, verdict(r <= targetSeedFloor))
			}
			readsCell := ""
			if c.name == "apply" {
				readsCell = fmt.Sprintf("%d (target ≤ %d: %s): %s", s.sample.reads, target, verdict(s.sample.reads <= target), fmtCounts(s.sample.readsBy))
			}
			fmt.Fprintf(&b, "| %s | %s | %.2f s | %.2f s | %.2f s | %s | %s | %s |\n", s.profile, c.name,
				c.floor.Seconds(), c.h.Seconds(), c.crit.Seconds(), critCell, floorCell, readsCell)
		}
	}
	if sc.err != nil {
		fmt.Fprintf(&b, "\nScale graph under realistic transitions: not measured: %v\n", sc.err)
		return b.String()
	}
	fmt.Fprintf(&b, "\nNo-change `terraform plan` of the %d × %d graph (%d resources) after applying it: **%d API calls** (target ≤ %d: %s): %s.\n",
		n, scaleMembers, n*(scaleMembers+1), sc.planCalls, targetNoChangePlan, verdict(sc.planCalls <= targetNoChangePlan && sc.planOK), fmtCounts(sc.planBy))
	if sc.realistic {
		fmt.Fprintf(&b, "\nThe %d × %d graph under realistic transitions, `-parallelism=%d`, one run: apply %.1f s against a critical path of %.1f s (%.2f×), "+
			"destroy %.1f s against %.1f s (%.2f×); %d transitions. Its critical path is the longer of the longest HaVip chain and the sum of all "+
			"transitions divided by the parallelism.\n", n, scaleMembers, sc.parallelism, sc.apply.Seconds(), sc.cpApply.Seconds(), sc.apply.Seconds()/sc.cpApply.Seconds(),
			sc.destroy.Seconds(), sc.cpDestroy.Seconds(), sc.destroy.Seconds()/sc.cpDestroy.Seconds(), sc.mutations)
	}
	return b.String()
}

// journalRange lists an account's entries with from < Seq ≤ to (to 0: no
// upper bound).
func journalRange(srv *mockcloud.Server, cred mockcloud.Credential, from, to int64) []mockcloud.JournalEntry {
	var out []mockcloud.JournalEntry
	for _, e := range srv.Journal(mockcloud.JournalFilter{Account: cred.AccountID, Since: from}) {
		if to == 0 || e.Seq <= to {
			out = append(out, e)
		}
	}
	return out
}
