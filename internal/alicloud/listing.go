package alicloud

import (
	"context"
	"sync"
)

// haVipListing is the last listing of every HaVip of the account in the
// region, and the one in flight.
type haVipListing struct {
	mu     sync.Mutex
	flight *listingCall
	last   *listingCall // answered without error
}

type listingCall struct {
	done  chan struct{}
	epoch uint64 // the process's HaVip epoch when the listing started
	all   []HaVip
	err   error
}

// AllHaVips lists every HaVip of the account in the region, for the
// plan-time checks (quotas, used addresses, HaVips per instance), each of
// which needs the whole list. Terraform plans up to -parallelism
// resources at once: a check that arrives while a listing is in flight
// waits for it, and a finished listing keeps serving until this process
// changes a HaVip (its epoch moves on), so a plan lists the HaVips once,
// and the re-plan at apply lists them again only after a change. What
// other clients do meanwhile is not seen, as with any plan.
func (c *Client) AllHaVips(ctx context.Context) ([]HaVip, error) {
	l := &c.listing
	l.mu.Lock()
	if last := l.last; last != nil && last.epoch == c.haVipEpoch.Load() {
		l.mu.Unlock()
		return append([]HaVip(nil), last.all...), nil
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
	f.all, f.err = c.ListHaVips(ctx, HaVipFilter{})
	c.keepListing(f, gens)
	return append([]HaVip(nil), f.all...), f.err
}

// keepListing ends a listing call: it serves later AllHaVips calls and,
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
	resp, err := c.describeHaVips(ctx, nil, 1, pageSize)
	if err != nil {
		return err
	}
	f := &listingCall{done: make(chan struct{}), epoch: epoch}
	for _, s := range resp.HaVips.HaVip {
		f.all = append(f.all, fromSDKHaVip(s))
	}
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
