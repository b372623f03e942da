package alicloud

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// verdict is what an operation makes of an error from its API call.
type verdict int

const (
	retry   verdict = iota // busy: call again, same ClientToken
	fail                   // give the error to the caller
	settled                // the outcome already holds (gone, already associated...)
)

// judgeFunc decides about one error; it may describe the resource to
// tell a transient conflict from a lasting one, and may replace the error
// (for instance to reclassify a conflict that waiting will not resolve).
type judgeFunc func(ctx context.Context, e *Error) (verdict, error)

func defaultJudge(_ context.Context, e *Error) (verdict, error) {
	if e.Class == ClassConflict {
		return retry, nil
	}
	return fail, e
}

// settleVPC sends one VPC request until it is settled: untilSettled with
// the request as the call.
func (c *Client) settleVPC(ctx context.Context, op string, call func(*vpc.Client) (string, error), judge judgeFunc) error {
	return c.untilSettled(ctx, op, func(ctx context.Context) error { return c.vpcCall(ctx, op, call) }, judge)
}

// untilSettled calls call until it succeeds, judge says stop, or ctx
// (the Terraform operation's timeout) leaves no room for another attempt.
// call must send the same ClientToken every time, so that an attempt the
// service did carry out is answered from its record instead of repeated.
// No SDK client or lock other than the caller's HaVip lock is held while
// sleeping between attempts.
func (c *Client) untilSettled(ctx context.Context, op string, call func(context.Context) error, judge judgeFunc) error {
	if judge == nil {
		judge = defaultJudge
	}
	var last *Error
	transient := 0
	for attempt := 1; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		if ctx.Err() != nil && last != nil {
			// The deadline cut the last attempt short: the busy answer
			// before it says more than "context deadline exceeded".
			return gaveUp(last, attempt-1, ctx.Err())
		}
		v, jerr := retry, error(nil)
		if e.Class == ClassTransient && ctx.Err() == nil && transient < maxTransientRounds && blindResendAllowed(ctx) {
			// The transport has given up, but the request carries its
			// ClientToken: one more round cannot act twice, and it keeps
			// a commit whose answer was lost from orphaning a resource.
			transient++
		} else {
			v, jerr = judge(ctx, e)
		}
		switch v {
		case settled:
			tflog.Debug(ctx, "alicloud: outcome already in place", map[string]any{"op": op, "code": e.Code, "request_id": e.RequestID})
			return nil
		case fail:
			if jerr == nil {
				jerr = e
			}
			return jerr
		}
		last = e
		wait := expJitter(c.cfg.PollMin, c.cfg.PollMax, attempt-1)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return gaveUp(last, attempt, nil)
		}
		tflog.Debug(ctx, "alicloud: resource busy, retrying", map[string]any{
			"op": op, "code": e.Code, "request_id": e.RequestID, "attempt": attempt, "wait_ms": wait.Milliseconds(),
		})
		if err := c.pause(ctx, wait); err != nil {
			return gaveUp(last, attempt, err)
		}
	}
}

// gaveUp reports the last refusal (busy, throttled) rather than the bare
// context error that ended the loop.
func gaveUp(last *Error, attempts int, cause error) *Error {
	out := *last
	out.Message = fmt.Sprintf("%s (still refused after %d attempts; the operation's timeout leaves no room for another)", last.Message, attempts)
	if cause != nil {
		out.Err = cause
	}
	return &out
}

// pause is every sleep of the retry loops and waiters; tests replace it
// (Client.sleep) to see the schedule without timing it.
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	return sleep(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// maxTransientRounds is how many times a mutation is sent again after the
// transport has exhausted its own retries on throttling, 5xx or a broken
// connection. Few, so that a wrong endpoint still fails in seconds.
const maxTransientRounds = 2
