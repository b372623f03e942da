package lab

import (
	"testing"
	"time"
)

// A crashed node keeps the VIP on its interface, yet nothing answers
// there: its band in the timeline ends at the crash, not at the edge of
// the picture, while the node that took over holds it to the end.
func TestTimelineBandEndsAtCrash(t *testing.T) {
	t0 := time.Now().Add(-10 * time.Second)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	r := &runner{answers: map[string]string{}}
	for s := -1.0; s <= 4; s += 0.5 {
		smp := sample{at: at(s), all: []string{"ecs1"}, live: []string{"ecs1"}}
		if s >= 0 { // crashed at t0: the stale VIP is no longer live
			smp.live = nil
		}
		if s >= 3 {
			smp.all = append(smp.all, "ecs2")
			smp.live = append(smp.live, "ecs2")
		}
		r.tl.samples = append(r.tl.samples, smp)
	}
	res := &Result{Scenario: "crash of ecs1", at: t0, Budget: 3, Seconds: 3}
	tl := r.timelineFor(res, []*instance{{Node: Node{Name: "ecs1"}}, {Node: Node{Name: "ecs2"}}})
	got := map[string]TimelineSpan{}
	for _, s := range tl.Holding {
		if _, dup := got[s.Node]; dup {
			t.Errorf("%s holds twice: %+v", s.Node, tl.Holding)
		}
		got[s.Node] = s
	}
	if s := got["ecs1"]; !s.To.Equal(at(0)) {
		t.Errorf("ecs1's band ends at %+.2f s, want at the crash (0)", s.To.Sub(t0).Seconds())
	}
	if s := got["ecs2"]; !s.From.Equal(at(3)) || !s.To.Equal(tl.End) {
		t.Errorf("ecs2's band is %+.2f s to %+.2f s, want 3 s to the end", s.From.Sub(t0).Seconds(), s.To.Sub(t0).Seconds())
	}
}
