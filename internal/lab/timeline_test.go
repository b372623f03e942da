package lab

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTimelineSVG(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	tl := Timeline{
		Title: "crash of ecs1", Fault: t0, Start: at(-1), End: at(5),
		Budget: 4.16, Observed: 3.27, Nodes: []string{"ecs1", "ecs2"},
		Probes:  []TimelineProbe{{Start: at(-0.5), End: at(-0.49), Node: "ecs1"}, {Start: at(1), End: at(3), Node: ""}, {Start: at(3.3), End: at(3.31), Node: "ecs2"}},
		Holding: []TimelineSpan{{Node: "ecs1", From: at(-1), To: at(5)}, {Node: "ecs2", From: at(3.25), To: at(5)}},
		Events: []TimelineEvent{
			{At: at(-0.2), Node: "ecs1", Kind: EventAdvert}, {At: at(0), Node: "ecs1", Kind: EventFault},
			{At: at(3.27), Node: "ecs2", Kind: EventGARP}, {At: at(3.3), Node: "ecs2", Kind: EventNotify},
		},
	}
	svg := tl.SVG()
	// Well-formed XML, and what the picture promises is in it.
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			break
		}
	}
	for _, want := range []string{"crash of ecs1", "takeover 3.27 s", "budget 4.16 s", "ecs2 (VIP)", "#ff7f0e", "#b0b0b0", "seconds after the fault"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	tl.Hold, tl.Observed = true, -1
	if s := string(tl.SVG()); strings.Contains(s, "takeover") || !strings.Contains(s, "held 4.16 s") {
		t.Errorf("hold timeline should mark the watch, not a takeover")
	}
}

func TestWriteTimelines(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Unix(1000, 0)
	results := []Result{
		{Scenario: "crash of ecs1", Timeline: &Timeline{Title: "crash of ecs1", Fault: t0, Start: t0, End: t0.Add(time.Second), Nodes: []string{"a"}}},
		{Scenario: "not run"},
	}
	paths, err := WriteTimelines(dir, "seed", results)
	if err != nil || len(paths) != 1 || paths[0] != filepath.Join(dir, "seed-crash-of-ecs1.svg") {
		t.Fatalf("WriteTimelines = %v, %v", paths, err)
	}
	if b, err := os.ReadFile(paths[0]); err != nil || !strings.HasPrefix(string(b), "<svg") {
		t.Errorf("%s: %v", paths[0], err)
	}
	if got := TimelineFile("", "ecs1 returns (nopreempt)"); got != "ecs1-returns-nopreempt.svg" {
		t.Errorf("TimelineFile = %q", got)
	}
}
