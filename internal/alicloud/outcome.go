package alicloud

import (
	"context"
	"sync/atomic"
)

// sendRecord counts, across every attempt of one logical operation (one
// ClientToken), the requests whose outcome is unknown: the connection
// failed or the service answered 5xx, so the request may have been carried
// out without the client hearing of it. An "already done" answer is this
// operation's own work only if such a request went before it; otherwise
// it is someone else's, and taking it as success would let two resources
// claim one association.
type sendRecord struct{ uncertain atomic.Int64 }

type sendRecordKey struct{}

// withSendRecord starts counting the uncertain requests of one operation.
func withSendRecord(ctx context.Context) (context.Context, *sendRecord) {
	r := &sendRecord{}
	return context.WithValue(ctx, sendRecordKey{}, r), r
}

// noteUncertain adds the uncertain requests of one SDK call to the
// operation's record, when the caller keeps one.
func noteUncertain(ctx context.Context, n int) {
	if r, ok := ctx.Value(sendRecordKey{}).(*sendRecord); ok && n > 0 {
		r.uncertain.Add(int64(n))
	}
}

// mayHaveActed reports whether an earlier request of the operation may
// have been carried out unseen.
func (r *sendRecord) mayHaveActed() bool { return r.uncertain.Load() > 0 }

type blindResendKey struct{}

// withoutBlindResend marks calls that carry no ClientToken: a request of
// theirs whose outcome is unknown must not be sent again without first
// looking at what it may have done.
func withoutBlindResend(ctx context.Context) context.Context {
	return context.WithValue(ctx, blindResendKey{}, true)
}

// blindResendAllowed: the call carries its ClientToken, so sending it again
// cannot act twice.
func blindResendAllowed(ctx context.Context) bool {
	off, _ := ctx.Value(blindResendKey{}).(bool)
	return !off
}
