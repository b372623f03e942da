package alicloud

import (
	"context"
	"sync"
	"time"
)

// batchReader shares the reads of one kind of object across every caller
// in the provider process:
//
//   - at most one describe call is in flight per reader, so never two for
//     the same object; callers that arrive meanwhile queue, and the queue
//     is answered by the next call, one request for up to maxBatch IDs;
//   - a caller that needs fresh data (a waiter) is answered only by a call
//     that started after it asked; a Read or plan-time check also accepts
//     what this process last saw of the object, unless the process has
//     changed the object since (forget), so a refresh of many resources
//     costs one call per maxBatch objects, and the Read after a mutation is
//     served from what its waiter saw last.
//
// Nothing is kept across provider processes: each Terraform command
// configures a new client and reads afresh.
type batchReader[T any] struct {
	op       string // the describe action, for errors
	idName   string // "a HaVip ID", for a read without one
	maxBatch int
	timeout  time.Duration // of one shared call, which no caller's context bounds
	// fetch describes ids in one call; an ID missing from the answer does
	// not exist. requestID is the answer's, for not-found errors.
	fetch    func(ctx context.Context, ids []string) (found map[string]*T, requestID string, err error)
	notFound func(id, requestID string) error

	mu       sync.Mutex
	queue    []string // IDs waiting for the next call, in arrival order
	waiting  map[string][]chan result[T]
	inFlight bool
	known    map[string]seen[T] // last answer per ID, while still valid
	gen      map[string]uint64  // bumped by forget; a call started before drops its answer
}

// gatherWindow is how long the first Read of a quiet reader waits for
// others to join its call. Terraform starts the Reads and plan checks of up
// to -parallelism resources within a few milliseconds of each other; 5 ms
// is a small price next to a round trip to the cloud.
const gatherWindow = 5 * time.Millisecond

type result[T any] struct {
	v   *T
	err error
}

type seen[T any] struct {
	v         *T // nil: not found
	requestID string
}

func newBatchReader[T any](op, idName string, maxBatch int, timeout time.Duration, fetch func(context.Context, []string) (map[string]*T, string, error), notFound func(id, requestID string) error) *batchReader[T] {
	return &batchReader[T]{op: op, idName: idName, maxBatch: maxBatch, timeout: timeout, fetch: fetch, notFound: notFound,
		waiting: map[string][]chan result[T]{}, known: map[string]seen[T]{}, gen: map[string]uint64{}}
}

// get returns the object with ID id. fresh demands a describe that starts
// after this call; otherwise what this process last saw serves.
func (b *batchReader[T]) get(ctx context.Context, id string, fresh bool) (*T, error) {
	if id == "" {
		return nil, invalid(b.op, "%s is required", b.idName)
	}
	b.mu.Lock()
	if s, ok := b.known[id]; ok && !fresh {
		b.mu.Unlock()
		return b.answer(id, s)
	}
	ch := make(chan result[T], 1)
	if len(b.waiting[id]) == 0 {
		b.queue = append(b.queue, id)
	}
	b.waiting[id] = append(b.waiting[id], ch)
	if !b.inFlight {
		b.inFlight = true
		// A Read or plan check waits a moment for the others Terraform is
		// running at the same time, so that they share one call; a waiter
		// does not, its poll is due now.
		gather := gatherWindow
		if fresh {
			gather = 0
		}
		// The call outlives a caller that gives up: others may share it.
		go b.run(context.WithoutCancel(ctx), gather)
	}
	b.mu.Unlock()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *batchReader[T]) answer(id string, s seen[T]) (*T, error) {
	if s.v == nil {
		return nil, b.notFound(id, s.requestID)
	}
	v := *s.v // callers may modify their copy
	return &v, nil
}

// generations is what a listing that starts now passes to observe.
func (b *batchReader[T]) generations() map[string]uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string]uint64, len(b.gen))
	for id, g := range b.gen {
		out[id] = g
	}
	return out
}

// observe keeps what a listing saw of each object, so that the Reads and
// plan checks that follow in this process need no describe of their own:
// a refresh, or a plan check, after the listing costs no call. Only IDs
// of which nothing is known yet are filled (a describe answered since the
// listing started may be newer), and none that the process began to
// change after the listing started (gens, from generations).
func (b *batchReader[T]) observe(items map[string]*T, gens map[string]uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, v := range items {
		if _, ok := b.known[id]; ok || b.gen[id] != gens[id] {
			continue
		}
		b.known[id] = seen[T]{v: v}
	}
}

// forget drops what is known of id: the process is about to change it.
func (b *batchReader[T]) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.known, id)
	b.gen[id]++
}

// run answers the queue one call at a time until it is empty.
func (b *batchReader[T]) run(ctx context.Context, gather time.Duration) {
	if gather > 0 {
		time.Sleep(gather)
	}
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.inFlight = false
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), b.maxBatch)
		ids := append([]string(nil), b.queue[:n]...)
		b.queue = b.queue[n:]
		waiters := map[string][]chan result[T]{}
		gens := map[string]uint64{}
		for _, id := range ids {
			waiters[id] = b.waiting[id]
			delete(b.waiting, id)
			gens[id] = b.gen[id]
		}
		b.mu.Unlock()

		cctx, cancel := context.WithTimeout(ctx, b.timeout)
		found, requestID, err := b.fetch(cctx, ids)
		cancel()

		b.mu.Lock()
		for _, id := range ids {
			var r result[T]
			switch {
			case err != nil:
				r.err = err
			default:
				s := seen[T]{v: found[id], requestID: requestID}
				if b.gen[id] == gens[id] {
					b.known[id] = s
				}
				r.v, r.err = b.answer(id, s)
			}
			for _, ch := range waiters[id] {
				ch <- r
			}
		}
		b.mu.Unlock()
	}
}

// changing marks the HaVips and EIPs the process is about to change: what
// it knew of them no longer serves a Read. Call the returned func once the
// mutating call has returned, so that a read that was in flight during the
// call cannot serve either; the waiter's reads then refill what is known.
//
// Every change also moves the process's HaVip epoch on, at both ends, so
// that a listing of the HaVips taken before or during it no longer serves
// (listing.go); a HaVip being created has no ID yet and passes none.
func (c *Client) changing(haVipIDs, eipIDs []string) func() {
	forget := func() {
		c.listing.touch(haVipIDs, c.haVipEpoch.Add(1))
		for _, id := range haVipIDs {
			c.reads.haVips.forget(id)
		}
		for _, id := range eipIDs {
			c.reads.eips.forget(id)
		}
	}
	forget()
	return forget
}
