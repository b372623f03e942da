package lab

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
		problems, err := textLayoutProblems(tl.SVG())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// textLayoutProblems lists the texts of an SVG that lie outside its
// viewBox or overlap another, with text boxes estimated as the layout
// estimates them.
func textLayoutProblems(svg []byte) ([]string, error) {
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Texts   []struct {
			X        float64 `xml:"x,attr"`
			Y        float64 `xml:"y,attr"`
			Anchor   string  `xml:"text-anchor,attr"`
			Baseline string  `xml:"dominant-baseline,attr"`
			Size     float64 `xml:"font-size,attr"`
			Body     string  `xml:",chardata"`
		} `xml:"text"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		return nil, err
	}
	var minX, minY, width, height float64
	if _, err := fmt.Sscanf(doc.ViewBox, "%g %g %g %g", &minX, &minY, &width, &height); err != nil {
		return nil, fmt.Errorf("viewBox %q: %v", doc.ViewBox, err)
	}
	var problems []string
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
		if b.x0 < minX || b.y0 < minY || b.x1 > minX+width || b.y1 > minY+height {
			problems = append(problems, fmt.Sprintf("%q lies outside the viewBox %s: %+v", x.Body, doc.ViewBox, b))
		}
		for i, o := range boxes {
			if b.overlaps(o) {
				problems = append(problems, fmt.Sprintf("%q overlaps %q", x.Body, doc.Texts[i].Body))
			}
		}
		boxes = append(boxes, b)
	}
	return problems, nil
}

// The timelines the guides show are lab output committed under
// templates/images (and copied to docs/images by make docs): each keeps
// to the same layout rules, so an image left over from an older layout
// fails here until it is drawn again (make timelines).
func TestCommittedTimelinesLayout(t *testing.T) {
	for _, dir := range []string{"../../templates/images", "../../docs/images"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.svg"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < 3 {
			t.Fatalf("%s holds %d timelines; the keepalived guide shows 3", dir, len(files))
		}
		for _, f := range files {
			svg, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			problems, err := textLayoutProblems(svg)
			if err != nil {
				t.Errorf("%s: %v", f, err)
			}
			for _, p := range problems {
				t.Errorf("%s: %s", f, p)
			}
			if dir == "../../docs/images" {
				src, err := os.ReadFile(filepath.Join("../../templates/images", filepath.Base(f)))
				if err != nil || !bytes.Equal(src, svg) {
					t.Errorf("%s differs from its source in templates/images (%v); run make docs", f, err)
				}
			}
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

// A budget past the end of the picture (the lab stops drawing a second
// after the takeover) has no line at the edge, where it would mark the
// wrong time; its label says it lies further on. Inside the picture it
// has its line.
func TestTimelineMarkerPastTheEnd(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	tl := Timeline{Title: "check on ecs1 hangs", Fault: t0, Start: at(-1), End: at(3.3), Budget: 5.16, Observed: 3.18,
		Nodes: []string{"ecs1", "ecs2"}}
	budgetLine := regexp.MustCompile(`<line [^>]*stroke="#2ca02c"`)
	svg := string(tl.SVG())
	if budgetLine.MatchString(svg) || !strings.Contains(svg, ">budget 5.16 s →</text>") {
		t.Errorf("a budget past the end should have no line and an arrow:\n%s", svg)
	}
	tl.End = at(6.16)
	svg = string(tl.SVG())
	if !budgetLine.MatchString(svg) || !strings.Contains(svg, ">budget 5.16 s</text>") {
		t.Errorf("a budget inside the picture should have its line and a plain label:\n%s", svg)
	}
}
