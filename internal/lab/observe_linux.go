package lab

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// probeLoop is the guide's `curl VIP:8000` from the client, started every
// 50 ms without waiting for earlier probes: a probe whose SYN went to the
// old owner's MAC hangs until its timeout, and later probes must not queue
// behind it or failover times would be inflated by up to a second.
func (r *runner) probeLoop(ctx context.Context) {
	tr := &http.Transport{DialContext: r.client.dial, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: probeTimeout}
	url := fmt.Sprintf("http://%s/", net.JoinHostPort(r.cfg.VIP, strconv.Itoa(r.cfg.Port)))
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		select {
		case sem <- struct{}{}:
		default:
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p := probe{start: time.Now()}
			p.answer, p.err = get(ctx, client, url)
			p.end = time.Now()
			if ctx.Err() != nil {
				return
			}
			r.tl.mu.Lock()
			r.tl.probes = append(r.tl.probes, p)
			r.tl.mu.Unlock()
		}()
	}
}

func get(ctx context.Context, c *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %s", resp.Status)
	}
	return strings.TrimSpace(string(b)), nil
}

// sampleLoop records which namespaces hold the VIP, the lab's
// `ip -n NS addr show`.
func (r *runner) sampleLoop(ctx context.Context) {
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	reported := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s := sample{at: time.Now()}
		for _, in := range r.insts {
			has, err := in.ns.hasAddr(in.Interface, r.vip)
			if err != nil {
				if !reported[in.Name] {
					r.logf("%s: reading addresses: %v", in.Name, err)
					reported[in.Name] = true
				}
				continue
			}
			if has {
				s.all = append(s.all, in.Name)
				if !in.down.Load() {
					s.live = append(s.live, in.Name)
				}
			}
		}
		r.tl.mu.Lock()
		r.tl.samples = append(r.tl.samples, s)
		r.tl.mu.Unlock()
	}
}

// eventLoop tails the notify script's file and relays each MASTER
// transition, in order, to OnMaster.
func (r *runner) eventLoop(ctx context.Context) {
	t := time.NewTicker(eventsEvery)
	defer t.Stop()
	var offset int64
	var partial []byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f, err := os.Open(r.l.events)
		if err != nil {
			continue
		}
		_, _ = f.Seek(offset, io.SeekStart)
		b, _ := io.ReadAll(f)
		f.Close()
		offset += int64(len(b))
		partial = append(partial, b...)
		i := bytes.LastIndexByte(partial, '\n')
		if i < 0 {
			continue
		}
		lines := partial[:i+1]
		partial = append([]byte(nil), partial[i+1:]...)
		sc := bufio.NewScanner(bytes.NewReader(lines))
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) == 0 {
				continue
			}
			ev := masterEvent{at: time.Now(), node: fields[0]}
			if in, ok := r.byNS[fields[0]]; ok {
				ev.node = in.Name
			}
			if len(fields) > 1 {
				if ts, err := strconv.ParseFloat(fields[1], 64); err == nil {
					sec := int64(ts)
					ev.at = time.Unix(sec, int64((ts-float64(sec))*1e9))
				}
			}
			r.tl.mu.Lock()
			r.tl.masters = append(r.tl.masters, ev)
			r.tl.mu.Unlock()
			r.logf("notify: %s became MASTER", ev.node)
			r.relay(ev.node)
		}
	}
}

// relay calls OnMaster, containing a panic: the callback runs on the
// lab's goroutine, and a crash there would skip the teardown.
func (r *runner) relay(node string) {
	if r.cfg.OnMaster == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.logf("OnMaster(%s) panicked: %v", node, p)
		}
	}()
	r.cfg.OnMaster(node)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ownership is what the timeline says happened after t0.
type ownership struct {
	// answerAt: first probe answered by want; aloneAt: first sample with
	// want the only holder; notifyAt: want's notify_master.
	answerAt, aloneAt, notifyAt time.Time
	// confirmed: a probe that started after aloneAt was answered by want,
	// so the client follows the single owner rather than a stale ARP
	// entry that happened to point the right way.
	confirmed  bool
	lastAnswer string
	lastErr    error
	holders    []string
	// current: the latest sample still shows want alone.
	current bool
	// On the wire, kernel-stamped at the hub: want's takeover GARP for
	// the VIP and its first answer to the client after it.
	garpAt, wireAnswerAt time.Time
}

func (r *runner) observe(t0 time.Time, want *instance, all bool) ownership {
	r.tl.mu.Lock()
	defer r.tl.mu.Unlock()
	var o ownership
	holders := func(s sample) []string {
		if all {
			return s.all
		}
		return s.live
	}
	alone := func(s sample) bool {
		h := holders(s)
		return len(h) == 1 && h[0] == want.Name
	}
	for _, s := range r.tl.samples {
		if s.at.After(t0) && alone(s) {
			o.aloneAt = s.at
			break
		}
	}
	var last probe
	for _, p := range r.tl.probes {
		if !p.end.After(t0) {
			continue
		}
		if p.err == nil && p.answer == want.Answer {
			if o.answerAt.IsZero() || p.end.Before(o.answerAt) {
				o.answerAt = p.end
			}
			if !o.aloneAt.IsZero() && !p.start.Before(o.aloneAt) {
				o.confirmed = true
			}
		}
		if p.end.After(last.end) {
			last = p
		}
	}
	o.lastAnswer, o.lastErr = last.answer, last.err
	// The takeover on the wire: want's first GARP after the last GARP of
	// any other node since t0. ARP is what moves a HaVip, so traffic has
	// moved from then on. Adverts do not count: an old MASTER's last
	// advert may cross the new MASTER's first, and counting it moved the
	// clock to the new MASTER's next GARP burst, a garp_master_delay (1 s)
	// later. A loser that keeps the VIP still fails the holder check.
	var lastOther time.Time
	for _, w := range r.tl.wire {
		if w.at.After(t0) && w.node != want.Name && w.kind == wireGARP {
			lastOther = w.at
		}
	}
	for _, w := range r.tl.wire {
		if !w.at.After(t0) || w.node != want.Name {
			continue
		}
		switch {
		case w.kind == wireGARP && o.garpAt.IsZero() && !w.at.Before(lastOther):
			o.garpAt = w.at
		case w.kind == wireAnswer && o.wireAnswerAt.IsZero() && !o.garpAt.IsZero():
			o.wireAnswerAt = w.at
		}
	}
	for _, e := range r.tl.masters {
		if e.at.After(t0) && e.node == want.Name {
			o.notifyAt = e.at
			break
		}
	}
	if n := len(r.tl.samples); n > 0 {
		o.holders = holders(r.tl.samples[n-1])
		o.current = alone(r.tl.samples[n-1])
	}
	return o
}

// sleepCtx waits d or until ctx ends. Since Go 1.23 an unreferenced timer
// is collected whether or not it fired, so time.After needs no Stop.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func secondsSince(t0, t time.Time) float64 {
	if t.IsZero() {
		return -1
	}
	return t.Sub(t0).Seconds()
}

// awaitOwner waits until want holds the VIP alone (all: counting crashed
// nodes too), answers the client and, if notify, its notify_master hook
// fired; or until the deadline. The scenario's time is fault → the later of
// the first answer from want and want holding the VIP alone: when traffic
// has moved and nothing else still claims the address. fatal reports a
// wrong or unknown end state, as opposed to a right one over budget.
func (r *runner) awaitOwner(ctx context.Context, res *Result, t0 time.Time, want *instance, notify, all bool) (fatal bool) {
	// The clock stops on the wire; the lab's own view (samples, probes,
	// the notify hook) only has to agree eventually, and on a busy host
	// the lab itself may be scheduled late, so it gets more time.
	deadline := t0.Add(time.Duration((res.Budget + max(res.Budget, 5)) * float64(time.Second)))
	var o ownership
	for {
		o = r.observe(t0, want, all)
		done := !o.garpAt.IsZero() && !o.answerAt.IsZero() && o.confirmed && o.current && (!notify || !o.notifyAt.IsZero())
		if done || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		_ = sleepCtx(ctx, 10*time.Millisecond)
	}
	res.at = t0
	res.VIPSeconds = secondsSince(t0, o.aloneAt)
	res.NotifySeconds = secondsSince(t0, o.notifyAt)
	res.AnswerSeconds = secondsSince(t0, o.wireAnswerAt)
	res.Holders = o.holders
	res.Seconds = secondsSince(t0, o.garpAt)
	if !o.answerAt.IsZero() {
		res.Observed = want.Name
	} else {
		res.Observed = r.answers[o.lastAnswer]
	}
	var problems []string
	if o.garpAt.IsZero() {
		problems = append(problems, fmt.Sprintf("no gratuitous ARP from %s for the VIP after the others' last", want.Name))
	}
	switch {
	case o.answerAt.IsZero() && o.lastErr != nil:
		problems = append(problems, fmt.Sprintf("client never got %q; last probe: %v", want.Answer, o.lastErr))
	case o.answerAt.IsZero():
		problems = append(problems, fmt.Sprintf("client never got %q; last answer %q", want.Answer, o.lastAnswer))
	}
	if o.aloneAt.IsZero() || !o.current {
		problems = append(problems, fmt.Sprintf("VIP holders at the end: %v, want only %s", o.holders, want.Name))
	}
	if !o.answerAt.IsZero() && !o.aloneAt.IsZero() && !o.confirmed {
		problems = append(problems, fmt.Sprintf("no probe started after %s held the VIP alone was answered by it; last probe: %q %v", want.Name, o.lastAnswer, o.lastErr))
	}
	if notify && o.notifyAt.IsZero() {
		problems = append(problems, fmt.Sprintf("notify_master of %s never fired", want.Name))
	}
	fatal = len(problems) > 0
	if !fatal && res.Seconds > res.Budget {
		problems = append(problems, fmt.Sprintf("took %.2f s, budget %.2f s", res.Seconds, res.Budget))
	}
	res.Pass = len(problems) == 0
	if res.Detail != "" {
		problems = append(problems, res.Detail)
	}
	res.Detail = strings.Join(problems, "; ")
	return fatal
}

// hold watches for window after t0 and passes if every probe is answered
// by want, want alone holds the VIP in every sample, and no other node's
// notify_master fires.
func (r *runner) hold(ctx context.Context, res *Result, t0 time.Time, want *instance, window time.Duration) (fatal bool) {
	res.at = t0
	if err := sleepCtx(ctx, time.Until(t0.Add(window))); err != nil {
		res.Detail = err.Error()
		return true
	}
	end := t0.Add(window)
	// Probes started in the window count even if the lab, starved on a
	// busy host, finishes reading them after it: let them complete.
	if err := sleepCtx(ctx, probeTimeout+100*time.Millisecond); err != nil {
		res.Detail = err.Error()
		return true
	}
	r.tl.mu.Lock()
	answered, failed := 0, 0
	var problems []string
	wrong := map[string]int{}
	var firstErr error
	for _, p := range r.tl.probes {
		if p.start.Before(t0) || p.start.After(end) {
			continue
		}
		switch {
		case p.err != nil:
			failed++
			if firstErr == nil {
				firstErr = p.err
			}
		case p.answer == want.Answer:
			answered++
		default:
			wrong[p.answer]++
		}
	}
	var badSample *sample
	for i, s := range r.tl.samples {
		if s.at.Before(t0) || s.at.After(end) {
			continue
		}
		if len(s.live) != 1 || s.live[0] != want.Name {
			badSample = &r.tl.samples[i]
			break
		}
		res.Holders = s.live
	}
	var others []string
	for _, e := range r.tl.masters {
		if e.at.After(t0) && !e.at.After(end) && e.node != want.Name {
			others = append(others, e.node)
		}
	}
	claims := map[string]int{}
	for _, w := range r.tl.wire {
		if w.at.After(t0) && !w.at.After(end) && w.node != want.Name && (w.kind == wireGARP || w.kind == wireAdvert && w.prio > 0) {
			claims[w.node]++
		}
	}
	r.tl.mu.Unlock()
	for n, c := range claims {
		problems = append(problems, fmt.Sprintf("%s sent %d adverts as MASTER or GARPs for the VIP", n, c))
	}

	res.Seconds = window.Seconds()
	res.Observed = want.Name
	if answered == 0 {
		res.Observed = ""
		problems = append(problems, fmt.Sprintf("no probe answered %q", want.Answer))
	}
	for a, n := range wrong {
		res.Observed = r.answers[a]
		problems = append(problems, fmt.Sprintf("%d probes answered %q", n, a))
	}
	if failed > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d probes failed (first: %v)", failed, failed+answered, firstErr))
	}
	if badSample != nil {
		problems = append(problems, fmt.Sprintf("at +%.2f s the VIP was on %v", badSample.at.Sub(t0).Seconds(), badSample.live))
		res.Holders = badSample.live
	}
	if len(others) > 0 {
		problems = append(problems, fmt.Sprintf("notify_master fired on %v", others))
	}
	res.Pass = len(problems) == 0
	if !res.Pass {
		res.Detail = strings.Join(problems, "; ")
	} else {
		res.Detail = fmt.Sprintf("%d probes, all answered %q", answered, want.Answer)
	}
	return !res.Pass
}

// timelineFor cuts the scenario's window out of everything recorded: from
// a second before the fault until a second after the later of the
// takeover and the budget (for a hold, the end of the watch).
func (r *runner) timelineFor(res *Result, nodes []*instance) *Timeline {
	t0 := res.at
	span := max(res.Budget, res.Seconds)
	if span < 0 {
		span = res.Budget
	}
	end := t0.Add(time.Duration((span + 1) * float64(time.Second)))
	if now := time.Now(); end.After(now) {
		end = now
	}
	tl := &Timeline{
		Title: res.Scenario, Fault: t0, Start: t0.Add(-time.Second), End: end,
		Budget: res.Budget, Observed: res.Seconds, Hold: res.Hold,
	}
	if res.Hold {
		tl.Observed = -1
	}
	for _, in := range nodes {
		tl.Nodes = append(tl.Nodes, in.Name)
	}
	in := func(t time.Time) bool { return !t.Before(tl.Start) && !t.After(tl.End) }
	r.tl.mu.Lock()
	defer r.tl.mu.Unlock()
	for _, p := range r.tl.probes {
		if in(p.start) {
			node := ""
			if p.err == nil {
				node = r.answers[p.answer]
			}
			tl.Probes = append(tl.Probes, TimelineProbe{Start: p.start, End: p.end, Node: node})
		}
	}
	open := map[string]time.Time{}
	for _, s := range r.tl.samples {
		if !in(s.at) {
			continue
		}
		for _, n := range tl.Nodes {
			// A crashed node keeps the address on its interface, but
			// nothing answers there: its band ends with the crash.
			has := contains(s.live, n)
			from, holding := open[n]
			switch {
			case has && !holding:
				open[n] = s.at
			case !has && holding:
				tl.Holding = append(tl.Holding, TimelineSpan{Node: n, From: from, To: s.at})
				delete(open, n)
			}
		}
	}
	for n, from := range open {
		tl.Holding = append(tl.Holding, TimelineSpan{Node: n, From: from, To: tl.End})
	}
	for _, w := range r.tl.wire {
		if !in(w.at) {
			continue
		}
		switch {
		case w.kind == wireGARP:
			tl.Events = append(tl.Events, TimelineEvent{At: w.at, Node: w.node, Kind: EventGARP})
		case w.kind == wireAdvert && w.prio == 0:
			tl.Events = append(tl.Events, TimelineEvent{At: w.at, Node: w.node, Kind: EventResign})
		case w.kind == wireAdvert:
			tl.Events = append(tl.Events, TimelineEvent{At: w.at, Node: w.node, Kind: EventAdvert})
		}
	}
	for _, m := range r.tl.masters {
		if in(m.at) {
			tl.Events = append(tl.Events, TimelineEvent{At: m.at, Node: m.node, Kind: EventNotify})
		}
	}
	for _, f := range r.tl.faults {
		if in(f.At) {
			tl.Events = append(tl.Events, f)
		}
	}
	return tl
}

// fault records a lab action on a node for the timeline.
func (r *runner) fault(in *instance, at time.Time) {
	r.tl.mu.Lock()
	r.tl.faults = append(r.tl.faults, TimelineEvent{At: at, Node: in.Name, Kind: EventFault})
	r.tl.mu.Unlock()
}
