package lab

import (
	"context"
	"fmt"
	"time"
)

// healthScenarios run after the initial election on configs that track a
// health check: the service dies while its node and keepalived live on.
//
//  1. the service on the primary stops (connections refused): its check
//     fails `fall` times, the primary enters FAULT, and the next priority
//     answers within its check_failover_seconds;
//  2. the service returns: with nopreempt the VIP stays where it is;
//     without, the primary takes it back once the check has risen and its
//     master-down timer has run out, and keeps it (no flapping);
//  3. with the lab's own check script and preemption, the service hangs
//     (accepts, never answers): the check hangs until keepalived kills it,
//     and the next priority answers within its hung_check_failover_seconds.
func (r *runner) healthScenarios(ctx context.Context,
	step func(name, expected string, base float64, hold bool, fn func(res *Result) bool),
	fail func(res *Result, err error) bool, primary, second *instance) {
	adv := r.cfg.AdvertInt
	interval, rise := r.cfg.CheckInterval, r.cfg.CheckRise

	step("service on "+primary.Name+" stops", second.Name, second.CheckBudget, false, func(res *Result) bool {
		t0 := time.Now()
		r.fault(primary, t0)
		if err := primary.web.stop(); err != nil {
			return fail(res, err)
		}
		return r.awaitOwner(ctx, res, t0, second, true, false)
	})

	// Long enough for the check to rise and the primary to run out its
	// master-down timer, which is when it would take the VIP back.
	back := float64(rise)*interval + primary.CrashBudget
	if r.cfg.NoPreempt {
		window := back + 2*adv
		step("service on "+primary.Name+" returns (nopreempt)", second.Name, window, true, func(res *Result) bool {
			t0 := time.Now()
			if err := primary.web.start(); err != nil {
				return fail(res, err)
			}
			return r.hold(ctx, res, t0, second, r.secs(window))
		})
		return
	}
	step("service on "+primary.Name+" returns (preempt)", primary.Name, back, false, func(res *Result) bool {
		t0 := time.Now()
		if err := primary.web.start(); err != nil {
			return fail(res, err)
		}
		if r.awaitOwner(ctx, res, t0, primary, true, false) {
			return true
		}
		// No flapping: the VIP stays on the primary for a while after.
		var after Result
		window := max(2, 4*adv)
		t1 := time.Now()
		if r.hold(ctx, &after, t1, primary, r.secs(window)) {
			res.Pass = false
			res.Detail = fmt.Sprintf("flapped within %.2f s after returning: %s", window, after.Detail)
			return true
		}
		res.Detail = fmt.Sprintf("then held for %.2f s: %s", window, after.Detail)
		return false
	})
	if !r.cfg.CheckHangs {
		return
	}
	step("check on "+primary.Name+" hangs", second.Name, second.HungCheckBudget, false, func(res *Result) bool {
		t0 := time.Now()
		r.fault(primary, t0)
		primary.web.hang()
		return r.awaitOwner(ctx, res, t0, second, true, false)
	})
}
