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
	for _, want := range []string{"crash of ecs1", "takeover 3.27 s", "budget 4.16 s", "ecs2 (VIP)", "#ff7f0e", "#b0b0b0", "seconds after t = 0"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	tl.Hold, tl.Observed = true, -1
	if s := string(tl.SVG()); strings.Contains(s, "takeover") || !strings.Contains(s, "held 4.16 s") {
		t.Errorf("hold timeline should mark the watch, not a takeover")
	}
}

// Every text of a timeline lies inside its viewBox and no two overlap
// (text boxes estimated at 0.6 em a character): the legend clear of the
// axis title, a budget label near the right edge not clipped, marker
// labels that would collide on two rows.
func TestTimelineSVGTextLayout(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	base := func() Timeline {
		return Timeline{Title: "crash of ecs1", Fault: t0, Start: at(-1), End: at(5), Budget: 4.16, Observed: 3.27,
			Nodes: []string{"ecs1", "ecs2"}, Holding: []TimelineSpan{{Node: "ecs1", From: at(-1), To: at(0)}}}
	}
	cases := map[string]Timeline{"seed": base()}
	late := base()
	late.Budget, late.Observed = 4.95, 4.9 // both labels at the right edge
	cases["labels at the right edge"] = late
	over := base()
	over.Budget, over.Observed, over.Trigger = 2, 2.1, "ecs1 returns" // the takeover after the budget, close to it
	cases["takeover just after the budget"] = over
	early := base()
	early.Start, early.Budget, early.Observed = t0, 0.05, 0.02 // labels at the left edge
	cases["labels at the left edge"] = early
	hold := base()
	hold.Hold, hold.Observed, hold.Budget = true, -1, 4.99
	cases["hold"] = hold
	for name, tl := range cases {
		svg := tl.SVG()
		var doc struct {
			Width  float64 `xml:"width,attr"`
			Height float64 `xml:"height,attr"`
			Texts  []struct {
				X        float64 `xml:"x,attr"`
				Y        float64 `xml:"y,attr"`
				Anchor   string  `xml:"text-anchor,attr"`
				Baseline string  `xml:"dominant-baseline,attr"`
				Size     float64 `xml:"font-size,attr"`
				Body     string  `xml:",chardata"`
			} `xml:"text"`
		}
		if err := xml.Unmarshal(svg, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var boxes []textBox
		for _, x := range doc.Texts {
			size := x.Size
			if size == 0 {
				size = 12
			}
			y := x.Y
			if x.Baseline == "middle" {
				y += 0.3 * size // the box's middle on y
			}
			b := newTextBox(x.X, y, textWidth(x.Body, size), size, x.Anchor)
			if b.x0 < 0 || b.y0 < 0 || b.x1 > doc.Width || b.y1 > doc.Height {
				t.Errorf("%s: %q lies outside the %gx%g viewBox: %+v", name, x.Body, doc.Width, doc.Height, b)
			}
			for i, o := range boxes {
				if b.overlaps(o) {
					t.Errorf("%s: %q overlaps %q", name, x.Body, doc.Texts[i].Body)
				}
			}
			boxes = append(boxes, b)
		}
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
