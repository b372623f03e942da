package alicloud

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// maxNotFoundPolls is how long a freshly created HaVip may stay invisible
// to DescribeHaVips (eventual consistency) before the wait gives up.
const maxNotFoundPolls = 10

// maxStablePolls is how long an association may stay missing while the
// HaVip (or EIP) looks settled before the wait stops pretending it will
// appear: a refused association must not wait out the whole timeout.
const maxStablePolls = 10

// maxTransientPolls is how many consecutive throttled or failed polls a
// waiter rides out (after the transport's own retries) before giving up.
const maxTransientPolls = 5

// probe is one look at a resource during a wait: done, or the state to
// report if the wait times out.
type probe func(ctx context.Context) (done bool, state string, err error)

// The poll schedule, chosen from measurements against the mock with 2 s
// transitions (issue 14): a doubling interval from 200 ms saw each
// transition about 1 s late (polls at 0, 0.2, 0.6, 1.4, 3.0 s), and every
// waiter on the same HaVip polled on its own. A constant short interval
// finds the end quickly but costs ten describes per transition. Transitions
// of one kind take about the same time on a given cloud, so:
//
//   - the first poll is immediate: an instant transition costs one call;
//   - a kind of transition this client has not timed yet is polled at 0.2,
//     0.6, 1.0, 1.4… s (doubling, then steps of 4×PollMin until 5 s, then
//     doubling up to PollMax): at most 0.4 s late, about five describes for
//     a 2 s transition;
//   - a kind timed before (or, failing that, any kind: the shortest) is
//     polled once just before its expected end (the last duration seen,
//     less half PollMin), then every half PollMin
//     until a quarter past it; after that the wait falls back to the
//     doubling schedule, so a transition much slower than the last one does
//     not turn into a busy loop. A 2 s transition then costs two or three
//     describes and is seen within about 0.1 s of its end.
//
// The durations are per operation and per client, so per Terraform command.
type pacer struct {
	mu   sync.Mutex
	took map[string]time.Duration
}

// expected is how long op's transitions took last time; for an op not
// timed yet, the shortest of the others: on one cloud they are alike, and
// aiming short costs one extra poll while aiming long costs time.
func (p *pacer) expected(op string) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d, ok := p.took[op]; ok {
		return d, true
	}
	var best time.Duration
	for _, d := range p.took {
		if best == 0 || d < best {
			best = d
		}
	}
	return best, best > 0
}

func (p *pacer) record(op string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.took == nil {
		p.took = map[string]time.Duration{}
	}
	p.took[op] = d
}

// schedule returns the pause before the next poll of a wait that began
// elapsed ago; backoff carries the doubling interval between calls.
func (c *Client) schedule(op string, elapsed time.Duration, backoff *time.Duration) time.Duration {
	tick := max(c.cfg.PollMin/2, time.Millisecond)
	if est, ok := c.pace.expected(op); ok {
		aim := est - tick
		switch {
		case elapsed < aim:
			return aim - elapsed
		case elapsed < est+est/4+2*tick:
			return tick
		}
	}
	d := *backoff
	if elapsed < 5*time.Second {
		*backoff = min(*backoff*2, max(4*c.cfg.PollMin, *backoff), c.cfg.PollMax)
	} else {
		*backoff = min(*backoff*2, c.cfg.PollMax)
	}
	return d
}

// waitFor polls check at once, then on the schedule above, until check is
// done, fails, or ctx ends. There is never a sleep before the first look.
func (c *Client) waitFor(ctx context.Context, op, what string, check probe) error {
	start := time.Now()
	backoff := c.cfg.PollMin
	state, transient := "unknown", 0
	for polls := 1; ; polls++ {
		done, st, err := check(ctx)
		switch {
		case err == nil:
			transient = 0
			if done {
				if polls > 1 {
					c.pace.record(op, time.Since(start))
				}
				tflog.Debug(ctx, "alicloud: wait finished", map[string]any{"op": op, "what": what, "polls": polls,
					"elapsed_ms": time.Since(start).Milliseconds()})
				return nil
			}
			state = st
		case ClassOf(err) == ClassTransient && ctx.Err() == nil && transient < maxTransientPolls:
			transient++
			state = "error: " + err.Error()
		default:
			return err
		}
		delay := c.schedule(op, time.Since(start), &backoff)
		tflog.Trace(ctx, "alicloud: waiting", map[string]any{"op": op, "what": what, "state": state, "poll": polls, "next_ms": delay.Milliseconds()})
		if err := c.pause(ctx, delay); err != nil {
			return &Error{Op: op, Class: ClassConflict,
				Message: fmt.Sprintf("timed out waiting for %s (last seen: %s)", what, state), Err: err}
		}
	}
}

// waitHaVipAvailable waits for a new HaVip to leave Creating, riding out
// a short spell of not being listed yet. It returns the HaVip as last
// seen, which carries at least the ID even when the wait fails.
func (c *Client) waitHaVipAvailable(ctx context.Context, op, id string) (*HaVip, error) {
	h := &HaVip{ID: id}
	status := c.statusHaVip(id)
	notFound := 0
	err := c.waitFor(ctx, op, "HaVip "+id+" to become Available", func(ctx context.Context) (bool, string, error) {
		got, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		if got == nil {
			if notFound < maxNotFoundPolls {
				notFound++
				return false, "not listed yet", nil
			}
			return false, "", c.notListed("DescribeHaVips", rulebook.CodeHaVipNotFound, "HaVip", id, "")
		}
		h = got
		return st == rulebook.StatusAvailable, st, nil
	})
	return h, err
}

// waitHaVipDeleted waits until DescribeHaVips no longer lists the HaVip.
func (c *Client) waitHaVipDeleted(ctx context.Context, op, id string) error {
	status := c.statusHaVip(id)
	return c.waitFor(ctx, op, "HaVip "+id+" to be deleted", func(ctx context.Context) (bool, string, error) {
		h, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		return h == nil, st, nil
	})
}

// waitHaVipMemberAssociated waits until the HaVip is InUse with the member
// listed, and returns the HaVip as the waiter last saw it. A member that
// stays missing while the HaVip is settled means the service dropped the
// association: that fails after maxStablePolls instead of the timeout.
func (c *Client) waitHaVipMemberAssociated(ctx context.Context, op, havipID, instanceID string) (*HaVip, error) {
	status := c.statusHaVip(havipID)
	stable := 0
	var settled *HaVip
	err := c.waitFor(ctx, op, fmt.Sprintf("%s to be associated with HaVip %s", instanceID, havipID), func(ctx context.Context) (bool, string, error) {
		h, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		if h == nil {
			return false, "", c.notListed("DescribeHaVips", rulebook.CodeHaVipNotFound, "HaVip", havipID, "")
		}
		member := h.HasMember(instanceID)
		if member && st == rulebook.StatusInUse {
			settled = h
			return true, "", nil
		}
		if !member && !inTransition(st) {
			if stable++; stable >= maxStablePolls {
				return false, "", &Error{Op: op, Class: ClassConflict, Message: fmt.Sprintf(
					"the association did not take effect: HaVip %s is %s without member %s", havipID, st, instanceID)}
			}
		}
		return false, fmt.Sprintf("%s, member listed: %t", st, member), nil
	})
	return settled, err
}

// waitHaVipMemberGone waits until the member has left the HaVip (or the
// HaVip is gone, taking its members with it).
func (c *Client) waitHaVipMemberGone(ctx context.Context, op, havipID, instanceID string) error {
	status := c.statusHaVip(havipID)
	return c.waitFor(ctx, op, fmt.Sprintf("%s to leave HaVip %s", instanceID, havipID), func(ctx context.Context) (bool, string, error) {
		h, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		if h == nil {
			return true, "", nil
		}
		member := h.HasMember(instanceID)
		return !member && st != rulebook.StatusUnassociating, fmt.Sprintf("%s, member listed: %t", st, member), nil
	})
}

// waitEIPBound waits until the EIP is InUse on the HaVip and returns it as
// last seen.
func (c *Client) waitEIPBound(ctx context.Context, op, allocationID, havipID string) (*EIP, error) {
	status := c.statusEIP(allocationID)
	stable := 0
	var bound *EIP
	err := c.waitFor(ctx, op, fmt.Sprintf("EIP %s to be bound to HaVip %s", allocationID, havipID), func(ctx context.Context) (bool, string, error) {
		eip, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		if eip == nil {
			return false, "", c.notListed("DescribeEipAddresses", rulebook.CodeAllocationNotFound, "EIP", allocationID, "")
		}
		onHaVip := eip.InstanceID == havipID
		if onHaVip && st == rulebook.StatusInUse {
			bound = eip
			return true, "", nil
		}
		if !onHaVip && !inTransition(st) {
			if stable++; stable >= maxStablePolls {
				return false, "", &Error{Op: op, Class: ClassConflict, Message: fmt.Sprintf(
					"the association did not take effect: EIP %s is %s, bound to %q", allocationID, st, eip.InstanceID)}
			}
		}
		return false, fmt.Sprintf("%s, bound to %q", st, eip.InstanceID), nil
	})
	return bound, err
}

// waitEIPLeftHaVip waits until the EIP is Available, gone, or settled on
// another instance: it has left this HaVip, which is all an unbind promises.
func (c *Client) waitEIPLeftHaVip(ctx context.Context, op, allocationID, havipID string) error {
	status := c.statusEIP(allocationID)
	return c.waitFor(ctx, op, fmt.Sprintf("EIP %s to leave HaVip %s", allocationID, havipID), func(ctx context.Context) (bool, string, error) {
		eip, st, err := status(ctx)
		if err != nil {
			return false, "", err
		}
		if eip == nil || st == rulebook.StatusAvailable {
			return true, "", nil
		}
		if eip.InstanceID != "" && eip.InstanceID != havipID && !inTransition(st) {
			return true, "", nil
		}
		return false, fmt.Sprintf("%s, bound to %q", st, eip.InstanceID), nil
	})
}

// waitRouteEntry polls until the entry shows want, or is gone when want
// is "". A fresh entry may be missing from the list for a few polls
// (eventual consistency) before the wait gives up on it.
func (c *Client) waitRouteEntry(ctx context.Context, op, tableID, id, want string) (*RouteEntry, error) {
	var last *RouteEntry
	notFound := 0
	what := "route entry " + id + " to become " + want
	if want == "" {
		what = "route entry " + id + " to be deleted"
	}
	err := c.waitFor(ctx, op, what, func(ctx context.Context) (bool, string, error) {
		got, err := c.FreshRouteEntry(ctx, tableID, id)
		if IsNotFound(err) {
			if want == "" {
				return true, "gone", nil
			}
			if notFound < maxNotFoundPolls {
				notFound++
				return false, "not listed yet", nil
			}
		}
		if err != nil {
			return false, "", err
		}
		last = got
		return want != "" && got.Status == want, got.Status, nil
	})
	return last, err
}
