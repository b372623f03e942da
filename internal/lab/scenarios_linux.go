package lab

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// settle gives a freshly started keepalived two adverts to hear the
// current MASTER, so the next fault finds it a listening BACKUP rather than
// still initialising.
func (r *runner) settle(ctx context.Context) error {
	return sleepCtx(ctx, time.Duration((2*r.cfg.AdvertInt+0.3)*float64(time.Second)))
}

func (r *runner) secs(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

// scenarios runs the five scenarios in order; each starts from the state the
// previous one left (see doc.go), so a wrong end state skips the rest.
func (r *runner) scenarios(ctx context.Context) []Result {
	byPrio := append([]*instance(nil), r.insts...)
	sort.SliceStable(byPrio, func(i, j int) bool { return byPrio[i].Priority > byPrio[j].Priority })
	primary, second := byPrio[0], byPrio[1]
	s := &sequence{r: r, ctx: ctx, byPrio: byPrio}
	s.step("initial election", primary.Name, primary.CrashBudget+r.cfg.StartupDelay, false, func(res *Result) bool {
		return r.initialElection(ctx, res, byPrio)
	})
	if r.cfg.Health {
		r.healthScenarios(ctx, s.step, fail, primary, second)
		return s.results
	}
	s.step("graceful stop of "+primary.Name, second.Name, second.GracefulBudget, false, func(res *Result) bool {
		return r.gracefulStop(ctx, res, primary, second)
	})
	s.step("crash of "+primary.Name, second.Name, second.CrashBudget, false, func(res *Result) bool {
		return r.crash(ctx, res, primary, second)
	})
	// Watched for longer than the primary would need to claim the VIP.
	window := primary.CrashBudget + r.cfg.StartupDelay + 2*r.cfg.AdvertInt
	s.step(primary.Name+" returns (nopreempt)", second.Name, window, true, func(res *Result) bool {
		return r.rejoin(ctx, res, primary, second, window)
	})
	s.step("split brain heals", primary.Name, 2*r.cfg.AdvertInt, false, func(res *Result) bool {
		return r.splitBrainHeals(ctx, res, primary)
	})
	return s.results
}

// sequence runs scenarios one after the other and collects their results.
type sequence struct {
	r      *runner
	ctx    context.Context
	byPrio []*instance
	// broken says which scenario left the cluster in an unknown state;
	// the scenarios after it are not run.
	broken  string
	results []Result
}

// step runs one scenario unless an earlier one left an unknown state; fn
// reports whether the state it leaves is unknown.
func (s *sequence) step(name, expected string, base float64, hold bool, fn func(res *Result) bool) {
	r, ctx := s.r, s.ctx
	res := Result{Scenario: name, Expected: expected, BudgetBase: base, Budget: base + r.cfg.Tolerance, Hold: hold, Seconds: -1, VIPSeconds: -1, NotifySeconds: -1}
	if len(s.results) == 0 {
		// The first scenario is the initial election. A tracked check
		// holds the instance in FAULT until its first run reports, which
		// keepalived bounds by the check's timeout.
		res.Budget += startAllowance + r.cfg.CheckTimeout
	}
	if hold {
		res.Budget = base
	}
	switch {
	case ctx.Err() != nil:
		res.Detail = "not run: " + ctx.Err().Error()
	case s.broken != "":
		res.Detail = "not run: " + s.broken
	default:
		r.logf("scenario: %s (expect %s)", name, expected)
		if fn(&res) {
			s.broken = fmt.Sprintf("%q left the cluster in an unknown state", name)
		}
		if !res.at.IsZero() {
			res.Timeline = r.timelineFor(&res, s.byPrio)
		}
		if err := ctx.Err(); err != nil {
			// Whatever was observed is cut short, not wrong.
			res.Pass = false
			res.Detail = "interrupted: " + err.Error()
		}
		for _, in := range r.insts {
			if in.wantRunning && !in.proc.running() {
				res.Pass = false
				res.Detail = strings.TrimPrefix(res.Detail+fmt.Sprintf("; keepalived on %s exited: %v", in.Name, in.proc.err), "; ")
			}
		}
		verdict := "ok"
		if !res.Pass {
			verdict = "FAIL"
		}
		r.logf("  -> %s: observed %q in %.2f s (budget %.2f) %s", verdict, res.Observed, res.Seconds, res.Budget, res.Detail)
	}
	s.results = append(s.results, res)
}

// fail records err on res and reports the cluster's state as unknown.
func fail(res *Result, err error) bool {
	res.Pass = false
	res.Detail = strings.TrimPrefix(res.Detail+"; "+err.Error(), "; ")
	return true
}

// initialElection: every node starts BACKUP; the highest priority's
// master-down timer fires first. That only holds if the nodes start within
// the skew difference of each other (90 ms between priorities 100 and 10
// with the fast profile), a boot race rather than a property of the
// configs, so they start in priority order, each once the previous one's
// VRRP process has started its election (see waitVRRP), and the clock
// starts when the primary's did: exec'ing keepalived and reading its
// config on a busy host is the host's time, not the election's.
func (r *runner) initialElection(ctx context.Context, res *Result, byPrio []*instance) bool {
	primary := byPrio[0]
	var t0 time.Time
	for _, in := range byPrio {
		if err := r.startKA(in); err != nil {
			return fail(res, err)
		}
		started, err := r.waitVRRP(ctx, in)
		if err != nil {
			return fail(res, err)
		}
		if in == primary {
			t0 = started
		}
	}
	return r.awaitOwner(ctx, res, t0, primary, true, true)
}

// gracefulStop: SIGTERM, the primary sends priority 0, the next backup only
// waits out its skew. Then the primary is made the owner again.
func (r *runner) gracefulStop(ctx context.Context, res *Result, primary, second *instance) bool {
	t0 := time.Now()
	if err := r.stopKA(primary, true); err != nil {
		return fail(res, err)
	}
	fatal := r.awaitOwner(ctx, res, t0, second, true, true)
	if fatal {
		return true
	}
	// Back to the primary owning the VIP: with nopreempt it will not
	// take it back by itself, so it rejoins as BACKUP and the
	// current owner steps down cleanly, then rejoins too.
	if err := r.startKA(primary); err != nil {
		return fail(res, err)
	}
	if _, err := r.waitVRRP(ctx, primary); err != nil {
		return fail(res, err)
	}
	if err := r.settle(ctx); err != nil {
		return fail(res, err)
	}
	t1 := time.Now()
	if err := r.stopKA(second, true); err != nil {
		return fail(res, err)
	}
	var reset Result
	reset.Budget = primary.CrashBudget + r.cfg.Tolerance
	if r.awaitOwner(ctx, &reset, t1, primary, true, true) {
		return fail(res, fmt.Errorf("reset to %s: %s", primary.Name, reset.Detail))
	}
	if err := r.startKA(second); err != nil {
		return fail(res, err)
	}
	if _, err := r.waitVRRP(ctx, second); err != nil {
		return fail(res, err)
	}
	if err := r.settle(ctx); err != nil {
		return fail(res, err)
	}
	return false
}

// crash: power loss. keepalived dies without a word and the node drops off
// the network, so the VIP it still carries cannot answer ARP.
func (r *runner) crash(ctx context.Context, res *Result, primary, second *instance) bool {
	t0 := time.Now()
	r.fault(primary, t0)
	primary.down.Store(true)
	if err := r.stopKA(primary, false); err != nil {
		return fail(res, err)
	}
	if err := r.ipCmd("-n", r.hub.name, "link", "set", primary.port, "down"); err != nil {
		return fail(res, err)
	}
	return r.awaitOwner(ctx, res, t0, second, true, false)
}

// rejoin: the primary reboots (its VIP is gone) and rejoins; nopreempt
// keeps the VIP where it is for the whole window.
func (r *runner) rejoin(ctx context.Context, res *Result, primary, second *instance, window float64) bool {
	_ = r.ipCmd("-n", primary.ns.name, "addr", "del", r.cfg.VIP+"/32", "dev", primary.Interface)
	if err := r.ipCmd("-n", r.hub.name, "link", "set", primary.port, "up"); err != nil {
		return fail(res, err)
	}
	primary.down.Store(false)
	t0 := time.Now()
	if err := r.startKA(primary); err != nil {
		return fail(res, err)
	}
	return r.hold(ctx, res, t0, second, r.secs(window))
}

// splitBrainHeals: the instances' bridge ports are isolated from each other
// (the bridge's own "isolated" flag: isolated ports only reach non-isolated
// ones), so adverts between instances are lost while links stay up (no
// node goes FAULT) and the client still reaches every node. Once every
// node is MASTER the isolation is lifted; the highest priority must end up
// the only owner.
func (r *runner) splitBrainHeals(ctx context.Context, res *Result, primary *instance) bool {
	isolate := func(on string) error {
		var errs []error
		for _, in := range r.insts {
			errs = append(errs, r.ipCmd("-n", r.hub.name, "link", "set", "dev", in.port, "type", "bridge_slave", "isolated", on))
		}
		return errors.Join(errs...)
	}
	healed := false
	defer func() {
		if !healed {
			_ = isolate("off")
		}
	}()
	tSplit := time.Now()
	if err := isolate("on"); err != nil {
		return fail(res, err)
	}
	maxCrash := 0.0
	for _, in := range r.insts {
		maxCrash = max(maxCrash, in.CrashBudget)
	}
	deadline := tSplit.Add(r.secs(maxCrash + r.cfg.Tolerance + 2))
	var split time.Time
	for split.IsZero() && time.Now().Before(deadline) && ctx.Err() == nil {
		r.tl.mu.Lock()
		if n := len(r.tl.samples); n > 0 && r.tl.samples[n-1].at.After(tSplit) && len(r.tl.samples[n-1].live) == len(r.insts) {
			split = r.tl.samples[n-1].at
		}
		r.tl.mu.Unlock()
		_ = sleepCtx(ctx, 10*time.Millisecond)
	}
	if split.IsZero() {
		return fail(res, fmt.Errorf("split brain did not form within %.2f s", time.Since(tSplit).Seconds()))
	}
	r.logf("  split brain: every node holds the VIP after %.2f s", split.Sub(tSplit).Seconds())
	t0 := time.Now()
	healed = true
	if err := isolate("off"); err != nil {
		return fail(res, err)
	}
	res.Detail = fmt.Sprintf("all %d nodes MASTER %.2f s after adverts were cut", len(r.insts), split.Sub(tSplit).Seconds())
	return r.awaitOwner(ctx, res, t0, primary, false, true)
}
