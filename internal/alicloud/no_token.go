package alicloud

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// looksBeforeResend is how many times the HaVip is read before a call
// without a ClientToken whose outcome is unknown is sent again.
const looksBeforeResend = 3

// sendUnlessApplied sends a call on HaVip id that carries no ClientToken
// (TagResources, UnTagResources, MoveResourceGroup): the service cannot
// tell a resent request from a new one, and a resent one commits again,
// or, arriving late, undoes a later change. So a request whose fate is
// unknown (no answer, a 5xx, a timeout) is never resent blind, by the
// transport or here: the HaVip is read again, and the call goes out once
// more only if applied says the HaVip does not show it yet.
func (c *Client) sendUnlessApplied(ctx context.Context, op, id string, send func(*vpc.Client) (string, error), applied func(*HaVip) bool) error {
	ctx = withoutBlindResend(ctx)
	rounds := 0
	return c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, send)
	}, func(ctx context.Context, e *Error) (verdict, error) {
		if e.Class != ClassTransient {
			return defaultJudge(ctx, e)
		}
		if rounds++; rounds > maxTransientRounds {
			return fail, e
		}
		// A request the client gave up on may still be running at the
		// service, so a first look that finds nothing is not trusted
		// alone: the call is sent again only after looks spread over
		// the poll schedule all find it not yet carried out.
		for look := 0; look < looksBeforeResend; look++ {
			if look > 0 {
				if err := c.pause(ctx, expJitter(c.cfg.PollMin, c.cfg.PollMax, look-1)); err != nil {
					return fail, e
				}
			}
			h, err := c.FreshHaVip(ctx, id)
			if err != nil {
				// Without the HaVip the outcome stays unknown, and
				// sending again could apply the change twice.
				return fail, e
			}
			if applied(h) {
				tflog.Debug(ctx, "alicloud: the call whose answer was lost had been carried out", map[string]any{"op": op, "havip_id": id})
				return settled, nil
			}
		}
		return retry, nil
	})
}
