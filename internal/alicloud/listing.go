package alicloud

import (
	"context"
	"sort"
	"sync"
)

// haVipListing is the last listing of every HaVip of the account in the
// region, and the one in flight.
type haVipListing struct {
	mu     sync.Mutex
	flight *listingCall
	last   *listingCall // answered without error
	// touched is, per HaVip this process changes, the epoch at the last
	// start or end of a change: a listing that started at or before it may
	// not show the HaVip as it is.
	touched map[string]uint64
	// creating counts CreateHaVip calls whose HaVip ID is not known yet:
	// meanwhile a listing cannot be brought up to date HaVip by HaVip.
	creating int
}

type listingCall struct {
	done  chan struct{}
	epoch uint64 // the process's HaVip epoch when the listing started
	all   []HaVip
	err   error
}

// ReadAllHaVips lists every HaVip of the account in the region, for the
// plan-time checks (quotas, used addresses, HaVips per instance), each of
// which needs the whole list. Terraform plans up to -parallelism
// resources at once: a check that arrives while a listing is in flight
// waits for it, and a finished listing keeps serving. Once this process
// changes HaVips, the listing is brought up to date with what it knows of
// those HaVips (uptodate) instead of being listed again: the re-plan at
// apply, which checks each resource again after the ones it depends on
// were created, would otherwise list every HaVip once per change. What
// other clients do meanwhile is not seen, as with any plan.
func (c *Client) ReadAllHaVips(ctx context.Context) ([]HaVip, error) {
	l := &c.listing
	l.mu.Lock()
	if last := l.last; last != nil {
		now := c.haVipEpoch.Load()
		if last.epoch == now {
			l.mu.Unlock()
			return append([]HaVip(nil), last.all...), nil
		}
		if l.creating == 0 {
			ids := l.touchedSince(last.epoch)
			l.mu.Unlock()
			return c.uptodate(ctx, last, now, ids)
		}
	}
	if f := l.flight; f != nil {
		l.mu.Unlock()
		select {
		case <-f.done:
			return append([]HaVip(nil), f.all...), f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &listingCall{done: make(chan struct{}), epoch: c.haVipEpoch.Load()}
	l.flight = f
	l.mu.Unlock()

	gens := c.reads.haVips.generations()
	f.all, f.err = c.ListHaVips(ctx, HaVipQuery{})
	c.keepListing(f, gens)
	return append([]HaVip(nil), f.all...), f.err
}

// touchedSince is the HaVips changed since a listing that started at
// epoch; l.mu must be held.
func (l *haVipListing) touchedSince(epoch uint64) []string {
	var ids []string
	for id, e := range l.touched {
		if e >= epoch {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// uptodate is the listing last with each HaVip in ids as the HaVip reader
// has it: what the waiter of the process's own change saw last, or else
// one describe for all of them. A HaVip gone is dropped; one created
// since is added. The result is kept as the listing at epoch now.
func (c *Client) uptodate(ctx context.Context, last *listingCall, now uint64, ids []string) ([]HaVip, error) {
	got := make([]*HaVip, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Together, so that the reader asks for every one not known
			// in one call.
			got[i], errs[i] = c.reads.haVips.get(ctx, id, false)
		}()
	}
	wg.Wait()
	fresh := make(map[string]*HaVip, len(ids))
	for i, id := range ids {
		switch {
		case errs[i] == nil:
			fresh[id] = got[i]
		case IsNotFound(errs[i]):
			fresh[id] = nil
		default:
			return nil, errs[i]
		}
	}
	all := make([]HaVip, 0, len(last.all)+len(ids))
	for _, h := range last.all {
		if v, ok := fresh[h.ID]; ok {
			delete(fresh, h.ID)
			if v == nil {
				continue
			}
			h = *v
		}
		all = append(all, h)
	}
	for _, id := range ids {
		if v := fresh[id]; v != nil {
			all = append(all, *v)
		}
	}
	c.listing.mu.Lock()
	if c.listing.last == last {
		c.listing.last = &listingCall{done: last.done, epoch: now, all: all}
	}
	c.listing.mu.Unlock()
	return append([]HaVip(nil), all...), nil
}

// touch records that the process starts or ends a change of HaVips ids
// at epoch.
func (l *haVipListing) touch(ids []string, epoch uint64) {
	if len(ids) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.touchLocked(ids, epoch)
}

func (l *haVipListing) touchLocked(ids []string, epoch uint64) {
	if l.touched == nil {
		l.touched = map[string]uint64{}
	}
	for _, id := range ids {
		l.touched[id] = epoch
	}
}

// startCreate and endCreate bracket a CreateHaVip call: the HaVip it
// makes is known by ID only once the call returns.
func (l *haVipListing) startCreate() {
	l.mu.Lock()
	l.creating++
	l.mu.Unlock()
}

func (l *haVipListing) endCreate(id string, err error, epoch uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.creating--
	if id == "" {
		if c := ClassOf(err); c == ClassTransient || c == ClassUnknown {
			// The outcome is unknown: a HaVip may exist that no ID names,
			// and only a new listing can show it.
			l.last = nil
		}
		return
	}
	l.touchLocked([]string{id}, epoch)
}

// keepListing ends a listing call: it serves later ReadAllHaVips calls and,
// HaVip by HaVip, later Reads (observe).
func (c *Client) keepListing(f *listingCall, gens map[string]uint64) {
	l := &c.listing
	l.mu.Lock()
	if l.flight == f {
		l.flight = nil
	}
	if f.err == nil {
		l.last = f
	}
	l.mu.Unlock()
	close(f.done)
	if f.err == nil {
		c.observeHaVips(f.all, gens)
	}
}

// observeHaVips hands what a listing saw to the HaVip reader (observe).
func (c *Client) observeHaVips(all []HaVip, gens map[string]uint64) {
	items := make(map[string]*HaVip, len(all))
	for i := range all {
		h := all[i]
		items[h.ID] = &h
	}
	c.reads.haVips.observe(items, gens)
}

// CheckRegion makes one call in the configured region, so that a region
// that does not exist is reported once, by the provider, instead of by
// every check that needs the API; it returns the service's error. The
// call is the first page of the region's HaVips, which the process keeps:
// with up to a page of them (50) it is the whole listing that plan checks
// need, and each HaVip on it serves the first Read of that HaVip, so in a
// refresh or a plan the check costs no call of its own.
func (c *Client) CheckRegion(ctx context.Context) error {
	gens := c.reads.haVips.generations()
	epoch := c.haVipEpoch.Load()
	resp, err := c.describeHaVips(ctx, haVipRequest{}, 1, pageSize)
	if err != nil {
		return err
	}
	f := &listingCall{done: make(chan struct{}), epoch: epoch, all: fromSDKHaVips(resp)}
	if len(f.all) < resp.TotalCount {
		// Not the whole listing: its HaVips still serve their Reads.
		c.observeHaVips(f.all, gens)
		return nil
	}
	c.listing.mu.Lock()
	if c.listing.last != nil || c.listing.flight != nil {
		// A listing of the process's own got there first.
		c.listing.mu.Unlock()
		return nil
	}
	c.listing.flight = f
	c.listing.mu.Unlock()
	c.keepListing(f, gens)
	return nil
}
