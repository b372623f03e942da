package lab

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Timeline is what the lab saw around one scenario, for a picture of the
// failover: which node answered each probe, who held the VIP, what the
// nodes put on the wire and when their notify_master hook ran.
type Timeline struct {
	Title string
	// Trigger names what happens at t0 (the fault, or the change the
	// scenario makes); "" draws t0 unnamed.
	Trigger string
	// Fault is the scenario's t0; Start and End bound the picture.
	Fault, Start, End time.Time
	// Budget and Observed are seconds after Fault; Observed < 0 when
	// nothing was measured (a hold).
	Budget, Observed float64
	Hold             bool
	// Nodes in priority order, highest first.
	Nodes   []string
	Probes  []TimelineProbe
	Holding []TimelineSpan
	Events  []TimelineEvent
}

// TimelineProbe is one client request; Node is who answered ("" = none).
type TimelineProbe struct {
	Start, End time.Time
	Node       string
}

// TimelineSpan is a stretch of time during which Node held the VIP.
type TimelineSpan struct {
	Node     string
	From, To time.Time
}

// Event kinds on a Timeline.
const (
	EventAdvert = "advert"   // VRRP advert as MASTER
	EventResign = "advert 0" // priority-0 advert: leaving MASTER
	EventGARP   = "garp"     // gratuitous ARP for the VIP
	EventNotify = "notify"   // notify_master ran
	EventFault  = "fault"    // the lab's fault on this node
)

// TimelineEvent is one instant on a node's row.
type TimelineEvent struct {
	At   time.Time
	Node string
	Kind string
}

// Node colours, in priority order; failed probes are grey.
var nodeColours = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"}

// SVG draws the timeline as a self-contained SVG image: a time axis in
// seconds from the fault, one row of probes coloured by the node that
// answered, and per node a band while it held the VIP with its adverts,
// GARPs and notify_master on top; the fault, the observed takeover and
// the budget as vertical lines.
func (t Timeline) SVG() []byte {
	const (
		width   = 960
		left    = 150
		right   = 30
		top     = 78 // two rows of marker labels above the plot
		rowH    = 34
		axisGap = 26
	)
	rows := 1 + len(t.Nodes)
	height := top + rows*rowH + axisGap + 92
	span := t.End.Sub(t.Start).Seconds()
	if span <= 0 {
		span = 1
	}
	plotW := float64(width - left - right)
	x := func(at time.Time) float64 {
		v := at.Sub(t.Start).Seconds() / span
		return float64(left) + min(max(v, 0), 1)*plotW
	}
	xs := func(sec float64) float64 { return x(t.Fault.Add(time.Duration(sec * float64(time.Second)))) }
	colour := map[string]string{}
	for i, n := range t.Nodes {
		colour[n] = nodeColours[i%len(nodeColours)]
	}
	rowY := func(i int) float64 { return float64(top + i*rowH) }
	nodeRow := map[string]int{}
	for i, n := range t.Nodes {
		nodeRow[n] = i + 1
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", left, esc(t.Title))
	summary := "hold: nothing may move"
	if !t.Hold {
		summary = fmt.Sprintf("budget %.2f s", t.Budget)
		if t.Observed >= 0 {
			summary = fmt.Sprintf("takeover %.2f s, %s", t.Observed, summary)
		}
	} else {
		summary = fmt.Sprintf("held %.2f s, nothing may move", t.Budget)
	}
	fmt.Fprintf(&b, `<text x="%d" y="40" fill="#444">%s (kernel timestamps at the bridge)</text>`+"\n", left, esc(summary))

	// Row labels and guides.
	labels := append([]string{"client probes"}, t.Nodes...)
	for i, l := range labels {
		y := rowY(i)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eeeeee"/>`+"\n", left, y+rowH/2, width-right, y+rowH/2)
		text := l
		if i > 0 {
			text = l + " (VIP)"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-8, y+rowH/2, esc(text))
	}

	// VIP bands.
	for _, s := range t.Holding {
		i, ok := nodeRow[s.Node]
		if !ok {
			continue
		}
		x1, x2 := x(s.From), x(s.To)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s" fill-opacity="0.25"/>`+"\n", x1, rowY(i)+7, max(x2-x1, 1), rowH-14, colour[s.Node])
	}

	// Probes: a tick at each start, coloured by who answered.
	for _, p := range t.Probes {
		c := "#b0b0b0"
		if p.Node != "" {
			c = colour[p.Node]
		}
		px := x(p.Start)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", px, rowY(0)+6, px, rowY(0)+rowH-6, c)
	}

	// Wire and hook events.
	evs := append([]TimelineEvent(nil), t.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	for _, e := range evs {
		i, ok := nodeRow[e.Node]
		if !ok {
			continue
		}
		ex, y := x(e.At), rowY(i)
		c := colour[e.Node]
		switch e.Kind {
		case EventAdvert:
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", ex, y+10, ex, y+rowH-10, c)
		case EventResign:
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000" stroke-width="2"/>`+"\n", ex, y+4, ex, y+rowH-4)
		case EventGARP:
			fmt.Fprintf(&b, `<path d="M%.1f %.1f l-4 -7 h8 z" fill="%s" stroke="#000000" stroke-width="0.5"/>`+"\n", ex, y+11, c)
		case EventNotify:
			fmt.Fprintf(&b, `<path d="M%.1f %.1f l5 5 l-5 5 l-5 -5 z" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`+"\n", ex, y+rowH-15, c)
		case EventFault:
			fmt.Fprintf(&b, `<path d="M%.1f %.1f l10 10 m0 -10 l-10 10" stroke="#d62728" stroke-width="2.5"/>`+"\n", ex-5, y+rowH/2-5)
		}
	}

	// Vertical markers. Each label stays inside the picture (its anchor
	// turns toward the middle near an edge) and takes the lower of two
	// rows above the plot unless a label there is in the way.
	bottom := rowY(rows)
	var placed []textBox
	// A marker past either end of the picture (a budget the takeover
	// beat by more than the second drawn after it) gets no line, which
	// would stand at the edge, at the wrong time: its label points the
	// way instead.
	marker := func(sec float64, c, dash, label string, anchor string) {
		mx := xs(sec)
		at := t.Fault.Add(time.Duration(sec * float64(time.Second)))
		switch {
		case at.After(t.End):
			label += " →"
		case at.Before(t.Start):
			label = "← " + label
		default:
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="%s"/>`+"\n", mx, top-6, mx, bottom, c, dash)
		}
		w := textWidth(label, 12)
		switch {
		case anchor == "start" && mx+w > width-4:
			anchor = "end"
		case anchor == "end" && mx-w < 4:
			anchor = "start"
		case anchor == "middle" && (mx-w/2 < 4 || mx+w/2 > width-4):
			anchor = "start"
			if mx+w > width-4 {
				anchor = "end"
			}
		}
		y := float64(top) - 10
		box := newTextBox(mx, y, w, 12, anchor)
		for _, p := range placed {
			if box.overlaps(p) {
				y -= 16
				box = newTextBox(mx, y, w, 12, anchor)
				break
			}
		}
		placed = append(placed, box)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" text-anchor="%s">%s</text>`+"\n", mx, y, c, anchor, esc(label))
	}
	trigger := "t = 0"
	if t.Trigger != "" {
		trigger = t.Trigger
	}
	marker(0, "#d62728", "4 3", trigger, "middle")
	if t.Hold {
		marker(t.Budget, "#2ca02c", "6 3", fmt.Sprintf("held %.2f s", t.Budget), "end")
	} else {
		if t.Observed >= 0 {
			anchor := "end"
			if t.Observed > t.Budget {
				anchor = "start"
			}
			marker(t.Observed, "#000000", "", fmt.Sprintf("takeover %.2f s", t.Observed), anchor)
		}
		marker(t.Budget, "#2ca02c", "6 3", fmt.Sprintf("budget %.2f s", t.Budget), "start")
	}

	// Axis: whole (or half) seconds relative to the fault.
	ay := bottom + 4
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#000000"/>`+"\n", left, ay, width-right, ay)
	step := 1.0
	switch {
	case span <= 3:
		step = 0.25
	case span <= 6:
		step = 0.5
	case span > 20:
		step = 2
	}
	from := t.Start.Sub(t.Fault).Seconds()
	to := t.End.Sub(t.Fault).Seconds()
	for s := step * float64(int(from/step)); s <= to+1e-9; s += step {
		if s < from-1e-9 {
			continue
		}
		tx := xs(s)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000"/>`+"\n", tx, ay, tx, ay+5)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", tx, ay+18, trimSeconds(s))
	}
	axisTitle := "seconds after t = 0"
	if t.Trigger != "" {
		axisTitle = "seconds after " + t.Trigger
	}
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", width-right, ay+34, esc(axisTitle))

	// Legend, below the axis title: the nodes, then the key on two lines.
	ly := ay + 56
	lx := float64(left)
	for _, n := range t.Nodes {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="10" fill="%s" fill-opacity="0.6"/>`+"\n", lx, ly-9, colour[n])
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+16, ly, esc(n))
		lx += 28 + textWidth(n, 12)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#444">band: holds the VIP · tick: advert · ▼ GARP · ◇ notify_master</text>`+"\n", lx+8, ly)
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="#444">black bar: priority-0 advert · ✕ fault on that node · grey probe: no answer</text>`+"\n", left, ly+18)
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

func esc(s string) string { return html.EscapeString(s) }

// textWidth estimates the width of text in the picture's sans-serif font:
// 0.6 em per character, generous for most glyphs.
func textWidth(s string, size float64) float64 {
	return 0.6 * size * float64(utf8.RuneCountInString(s))
}

// textBox is the estimated extent of a text element.
type textBox struct{ x0, y0, x1, y1 float64 }

// newTextBox places a text of width w and font size at (x, y) as SVG
// does: y is the baseline, anchor says where x is.
func newTextBox(x, y, w, size float64, anchor string) textBox {
	switch anchor {
	case "middle":
		x -= w / 2
	case "end":
		x -= w
	}
	return textBox{x, y - 0.8*size, x + w, y + 0.2*size}
}

func (a textBox) overlaps(b textBox) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func trimSeconds(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// TimelineFile is the file name WriteTimelines gives a scenario: its
// title in lower case with runs of other characters as single dashes.
func TimelineFile(prefix, title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimSuffix(b.String(), "-")
	if prefix != "" {
		name = prefix + "-" + name
	}
	return name + ".svg"
}

// WriteTimelines writes one SVG per result that has a timeline into dir
// and returns the paths written.
func WriteTimelines(dir, prefix string, results []Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, r := range results {
		if r.Timeline == nil {
			continue
		}
		p := filepath.Join(dir, TimelineFile(prefix, r.Scenario))
		if err := os.WriteFile(p, r.Timeline.SVG(), 0o644); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
