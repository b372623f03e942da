package alicloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
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

// waitFor polls at once, then after PollMin, doubling up to PollMax, until
// check is done, fails, or ctx ends. There is never a sleep before the
// first look: with an immediate service (or mock) a wait costs one call.
func (c *Client) waitFor(ctx context.Context, op, what string, check probe) error {
	delay := c.cfg.PollMin
	state, transient := "unknown", 0
	for polls := 1; ; polls++ {
		done, st, err := check(ctx)
		switch {
		case err == nil:
			transient = 0
			if done {
				tflog.Debug(ctx, "alicloud: wait finished", map[string]any{"op": op, "what": what, "polls": polls})
				return nil
			}
			state = st
		case ClassOf(err) == ClassTransient && ctx.Err() == nil && transient < maxTransientPolls:
			transient++
			state = "error: " + err.Error()
		default:
			return err
		}
		tflog.Trace(ctx, "alicloud: waiting", map[string]any{"op": op, "what": what, "state": state, "poll": polls, "next_ms": delay.Milliseconds()})
		if err := sleep(ctx, delay); err != nil {
			return &Error{Op: op, Class: ClassConflict,
				Message: fmt.Sprintf("timed out waiting for %s (last seen: %s)", what, state), Err: err}
		}
		delay = min(delay*2, c.cfg.PollMax)
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
			return false, "", c.notListed("DescribeHaVips", "InvalidHaVipId.NotFound", "HaVip", id, "")
		}
		h = got
		return st == statusAvailable, st, nil
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
			return false, "", c.notListed("DescribeHaVips", "InvalidHaVipId.NotFound", "HaVip", havipID, "")
		}
		member := h.HasMember(instanceID)
		if member && st == statusInUse {
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
		return !member && st != statusUnassociating, fmt.Sprintf("%s, member listed: %t", st, member), nil
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
			return false, "", c.notListed("DescribeEipAddresses", "InvalidAllocationId.NotFound", "EIP", allocationID, "")
		}
		onHaVip := eip.InstanceID == havipID
		if onHaVip && st == statusInUse {
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
		if eip == nil || st == statusAvailable {
			return true, "", nil
		}
		if eip.InstanceID != "" && eip.InstanceID != havipID && !inTransition(st) {
			return true, "", nil
		}
		return false, fmt.Sprintf("%s, bound to %q", st, eip.InstanceID), nil
	})
}
