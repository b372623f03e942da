package lab

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the timeline golden SVGs in testdata from the current code")

// goldenTimelines are fixed timelines that between them take every branch
// of the drawing: each kind of event, a probe nobody answered, an event and
// a band on a node not in the picture, a takeover before and after its
// budget, markers past either end, labels near both edges and colliding,
// a hold, a named trigger, every axis step, more nodes than colours.
func goldenTimelines() map[string]Timeline {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	crash := Timeline{
		Title: "crash of ecs1 <&>", Fault: t0, Start: at(-1), End: at(5),
		Budget: 4.16, Observed: 3.27, Nodes: []string{"ecs1", "ecs2"},
		Probes: []TimelineProbe{{Start: at(-0.5), End: at(-0.49), Node: "ecs1"}, {Start: at(1), End: at(3)},
			{Start: at(3.3), End: at(3.31), Node: "ecs2"}},
		Holding: []TimelineSpan{{Node: "ecs1", From: at(-1), To: at(0)}, {Node: "ecs2", From: at(3.25), To: at(5)},
			{Node: "ecs9", From: at(1), To: at(2)}, {Node: "ecs2", From: at(4), To: at(4)}},
		Events: []TimelineEvent{
			{At: at(3.3), Node: "ecs2", Kind: EventNotify}, {At: at(-0.2), Node: "ecs1", Kind: EventAdvert},
			{At: at(0), Node: "ecs1", Kind: EventFault}, {At: at(0.01), Node: "ecs1", Kind: EventResign},
			{At: at(3.27), Node: "ecs2", Kind: EventGARP}, {At: at(3.27), Node: "ecs2", Kind: EventAdvert},
			{At: at(2), Node: "ecs9", Kind: EventGARP}, {At: at(2.5), Node: "ecs2", Kind: "unknown"},
			{At: at(-3), Node: "ecs1", Kind: EventAdvert}, {At: at(9), Node: "ecs2", Kind: EventAdvert},
		},
	}
	late := crash
	late.Title, late.Trigger, late.Budget, late.Observed = "ecs1 returns", "ecs1 returns", 2, 2.1
	edge := crash
	edge.Title, edge.Budget, edge.Observed = "labels at the right edge", 4.95, 4.9
	left := crash
	left.Title, left.Start, left.End, left.Budget, left.Observed = "labels at the left edge", t0, at(2.5), 0.05, 0.02
	past := crash
	past.Title, past.End, past.Budget, past.Observed = "budget past the end", at(3.3), 5.16, 3.18
	before := crash
	before.Title, before.Start, before.Budget, before.Observed = "markers before the start", at(0.5), 0.2, 0.1
	none := crash
	none.Title, none.Observed = "no takeover measured", -1
	hold := crash
	hold.Title, hold.Hold, hold.Observed, hold.Budget, hold.Trigger = "hold", true, -1, 4.99, "ecs2 restarts"
	long := crash
	long.Title, long.Start, long.End = "a long watch", at(-2), at(25)
	medium := crash
	medium.Title, medium.End = "a medium watch", at(8)
	empty := Timeline{Title: "", Fault: t0, Start: t0, End: t0, Budget: 1, Observed: 0.5}
	many := crash
	many.Title = "eleven nodes"
	many.Nodes = []string{"n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "ecs2"}
	trigRight := crash
	trigRight.Title, trigRight.Trigger, trigRight.Start, trigRight.End = "a named trigger at the right edge", "ecs1 loses its uplink", at(-4), at(0)
	trigLeft := crash
	trigLeft.Title, trigLeft.Start = "a long trigger at the left edge", t0
	trigLeft.Trigger = "the operator moves the VIP from ecs1 to ecs2 by hand"
	offTick := crash
	offTick.Title, offTick.Start, offTick.End = "axis starting between ticks", at(0.6), at(3)
	return map[string]Timeline{
		"trigger-right-edge": trigRight, "trigger-left-edge": trigLeft, "axis-off-tick": offTick,
		"crash": crash, "takeover-after-budget": late, "right-edge": edge, "left-edge": left,
		"budget-past-end": past, "markers-before-start": before, "no-takeover": none, "hold": hold,
		"long": long, "medium": medium, "empty": empty, "many-nodes": many,
	}
}

// The SVG of each golden timeline is byte for byte the one recorded in
// testdata: a change to the drawing code that changes the picture shows
// here, and is accepted by rerunning with -update and reviewing the diff.
func TestTimelineSVGGolden(t *testing.T) {
	for name, tl := range goldenTimelines() {
		path := filepath.Join("testdata", "timeline-"+name+".svg")
		got := tl.SVG()
		if *updateGolden {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -run TestTimelineSVGGolden -update)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: SVG differs from %s:\n%s", name, path, got)
		}
	}
}
