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

// The picture's fixed geometry, in pixels.
const (
	svgWidth   = 960
	svgLeft    = 150 // room for the row labels
	svgRight   = 30
	svgTop     = 78 // two rows of marker labels above the plot
	svgRowH    = 34
	svgAxisGap = 26
)

// SVG draws the timeline as a self-contained SVG image: a time axis in
// seconds from the fault, one row of probes coloured by the node that
// answered, and per node a band while it held the VIP with its adverts,
// GARPs and notify_master on top; the fault, the observed takeover and
// the budget as vertical lines.
func (t Timeline) SVG() []byte {
	d := newTimelineDrawing(t)
	d.header()
	d.rows()
	d.bands()
	d.probes()
	d.events()
	d.markers()
	d.axis()
	d.legend()
	d.b.WriteString("</svg>\n")
	return []byte(d.b.String())
}

// timelineDrawing is one SVG being drawn: the timeline, its scales and
// what has been written so far. Its parts are drawn in order, each over
// the ones before.
type timelineDrawing struct {
	t      Timeline
	b      strings.Builder
	height int
	// span is the picture's length in seconds; bottom the y of the
	// plot's lower edge.
	span   float64
	bottom float64
	// colour and row of each node (row 0 is the probes).
	colour  map[string]string
	nodeRow map[string]int
	// placed are the marker labels drawn so far, for the next to avoid.
	placed []textBox
}

func newTimelineDrawing(t Timeline) *timelineDrawing {
	d := &timelineDrawing{t: t, colour: map[string]string{}, nodeRow: map[string]int{}}
	rows := 1 + len(t.Nodes)
	d.height = svgTop + rows*svgRowH + svgAxisGap + 92
	d.span = t.End.Sub(t.Start).Seconds()
	if d.span <= 0 {
		d.span = 1
	}
	for i, n := range t.Nodes {
		d.colour[n] = nodeColours[i%len(nodeColours)]
		d.nodeRow[n] = i + 1
	}
	d.bottom = rowY(rows)
	return d
}

// x is where an instant falls, clamped to the plot.
func (d *timelineDrawing) x(at time.Time) float64 {
	v := at.Sub(d.t.Start).Seconds() / d.span
	return float64(svgLeft) + min(max(v, 0), 1)*float64(svgWidth-svgLeft-svgRight)
}

// afterFault is the instant sec seconds after the fault.
func (d *timelineDrawing) afterFault(sec float64) time.Time {
	return d.t.Fault.Add(time.Duration(sec * float64(time.Second)))
}

// axisY is the height of the time axis, just below the plot.
func (d *timelineDrawing) axisY() float64 { return d.bottom + 4 }

// rowY is the top of row i.
func rowY(i int) float64 { return float64(svgTop + i*svgRowH) }

// header opens the SVG on a white ground with the title and a summary
// of the budget and what was measured against it.
func (d *timelineDrawing) header() {
	t, b := d.t, &d.b
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", svgWidth, d.height, svgWidth, d.height)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, d.height)
	fmt.Fprintf(b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", svgLeft, esc(t.Title))
	summary := fmt.Sprintf("held %.2f s, nothing may move", t.Budget)
	if !t.Hold {
		summary = fmt.Sprintf("budget %.2f s", t.Budget)
		if t.Observed >= 0 {
			summary = fmt.Sprintf("takeover %.2f s, %s", t.Observed, summary)
		}
	}
	fmt.Fprintf(b, `<text x="%d" y="40" fill="#444">%s (kernel timestamps at the bridge)</text>`+"\n", svgLeft, esc(summary))
}

// rows labels each row and draws its guide line.
func (d *timelineDrawing) rows() {
	labels := append([]string{"client probes"}, d.t.Nodes...)
	for i, l := range labels {
		y := rowY(i)
		fmt.Fprintf(&d.b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eeeeee"/>`+"\n", svgLeft, y+svgRowH/2, svgWidth-svgRight, y+svgRowH/2)
		text := l
		if i > 0 {
			text = l + " (VIP)"
		}
		fmt.Fprintf(&d.b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", svgLeft-8, y+svgRowH/2, esc(text))
	}
}

// bands shades a node's row while it held the VIP.
func (d *timelineDrawing) bands() {
	for _, s := range d.t.Holding {
		i, ok := d.nodeRow[s.Node]
		if !ok {
			continue
		}
		x1, x2 := d.x(s.From), d.x(s.To)
		fmt.Fprintf(&d.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s" fill-opacity="0.25"/>`+"\n", x1, rowY(i)+7, max(x2-x1, 1), svgRowH-14, d.colour[s.Node])
	}
}

// probes draws a tick at each probe's start, coloured by who answered.
func (d *timelineDrawing) probes() {
	for _, p := range d.t.Probes {
		c := "#b0b0b0"
		if p.Node != "" {
			c = d.colour[p.Node]
		}
		px := d.x(p.Start)
		fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", px, rowY(0)+6, px, rowY(0)+svgRowH-6, c)
	}
}

// events draws the wire and hook events on their nodes' rows, in time
// order.
func (d *timelineDrawing) events() {
	evs := append([]TimelineEvent(nil), d.t.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	for _, e := range evs {
		i, ok := d.nodeRow[e.Node]
		if !ok {
			continue
		}
		ex, y := d.x(e.At), rowY(i)
		c := d.colour[e.Node]
		switch e.Kind {
		case EventAdvert:
			fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", ex, y+10, ex, y+svgRowH-10, c)
		case EventResign:
			fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000" stroke-width="2"/>`+"\n", ex, y+4, ex, y+svgRowH-4)
		case EventGARP:
			fmt.Fprintf(&d.b, `<path d="M%.1f %.1f l-4 -7 h8 z" fill="%s" stroke="#000000" stroke-width="0.5"/>`+"\n", ex, y+11, c)
		case EventNotify:
			fmt.Fprintf(&d.b, `<path d="M%.1f %.1f l5 5 l-5 5 l-5 -5 z" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`+"\n", ex, y+svgRowH-15, c)
		case EventFault:
			fmt.Fprintf(&d.b, `<path d="M%.1f %.1f l10 10 m0 -10 l-10 10" stroke="#d62728" stroke-width="2.5"/>`+"\n", ex-5, y+svgRowH/2-5)
		}
	}
}

// markers draws the vertical lines: t0 (the fault or trigger), then the
// hold's watch, or the observed takeover and the budget.
func (d *timelineDrawing) markers() {
	t := d.t
	trigger := "t = 0"
	if t.Trigger != "" {
		trigger = t.Trigger
	}
	d.marker(0, "#d62728", "4 3", trigger, "middle")
	if t.Hold {
		d.marker(t.Budget, "#2ca02c", "6 3", fmt.Sprintf("held %.2f s", t.Budget), "end")
		return
	}
	if t.Observed >= 0 {
		anchor := "end"
		if t.Observed > t.Budget {
			anchor = "start"
		}
		d.marker(t.Observed, "#000000", "", fmt.Sprintf("takeover %.2f s", t.Observed), anchor)
	}
	d.marker(t.Budget, "#2ca02c", "6 3", fmt.Sprintf("budget %.2f s", t.Budget), "start")
}

// marker draws one vertical line sec seconds after the fault and its
// label above the plot. The label stays inside the picture (its anchor
// turns toward the middle near an edge) and takes the lower of two rows
// unless a label there is in the way. A marker past either end of the
// picture (a budget the takeover beat by more than the second drawn after
// it) gets no line, which would stand at the edge, at the wrong time: its
// label points the way instead.
func (d *timelineDrawing) marker(sec float64, c, dash, label, anchor string) {
	at := d.afterFault(sec)
	mx := d.x(at)
	switch {
	case at.After(d.t.End):
		label += " →"
	case at.Before(d.t.Start):
		label = "← " + label
	default:
		fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5" stroke-dasharray="%s"/>`+"\n", mx, svgTop-6, mx, d.bottom, c, dash)
	}
	w := textWidth(label, 12)
	anchor = anchorInside(anchor, mx, w)
	y := float64(svgTop) - 10
	box := newTextBox(mx, y, w, 12, anchor)
	for _, p := range d.placed {
		if box.overlaps(p) {
			y -= 16
			box = newTextBox(mx, y, w, 12, anchor)
			break
		}
	}
	d.placed = append(d.placed, box)
	fmt.Fprintf(&d.b, `<text x="%.1f" y="%.1f" fill="%s" text-anchor="%s">%s</text>`+"\n", mx, y, c, anchor, esc(label))
}

// anchorInside turns the anchor of a text of width w at x toward the
// middle of the picture when the text would cross its edge.
func anchorInside(anchor string, x, w float64) string {
	switch {
	case anchor == "start" && x+w > svgWidth-4:
		return "end"
	case anchor == "end" && x-w < 4:
		return "start"
	case anchor == "middle" && (x-w/2 < 4 || x+w/2 > svgWidth-4):
		if x+w > svgWidth-4 {
			return "end"
		}
		return "start"
	}
	return anchor
}

// axis draws the time axis below the plot, ticked in whole (or half,
// quarter, double) seconds relative to the fault, and its title.
func (d *timelineDrawing) axis() {
	t := d.t
	ay := d.axisY()
	fmt.Fprintf(&d.b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#000000"/>`+"\n", svgLeft, ay, svgWidth-svgRight, ay)
	step := 1.0
	switch {
	case d.span <= 3:
		step = 0.25
	case d.span <= 6:
		step = 0.5
	case d.span > 20:
		step = 2
	}
	from := t.Start.Sub(t.Fault).Seconds()
	to := t.End.Sub(t.Fault).Seconds()
	for s := step * float64(int(from/step)); s <= to+1e-9; s += step {
		if s < from-1e-9 {
			continue
		}
		tx := d.x(d.afterFault(s))
		fmt.Fprintf(&d.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000000"/>`+"\n", tx, ay, tx, ay+5)
		fmt.Fprintf(&d.b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", tx, ay+18, trimSeconds(s))
	}
	axisTitle := "seconds after t = 0"
	if t.Trigger != "" {
		axisTitle = "seconds after " + t.Trigger
	}
	fmt.Fprintf(&d.b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", svgWidth-svgRight, ay+34, esc(axisTitle))
}

// legend draws, below the axis title, the nodes' colours and then the
// key to the marks on two lines.
func (d *timelineDrawing) legend() {
	ly := d.axisY() + 56
	lx := float64(svgLeft)
	for _, n := range d.t.Nodes {
		fmt.Fprintf(&d.b, `<rect x="%.1f" y="%.1f" width="12" height="10" fill="%s" fill-opacity="0.6"/>`+"\n", lx, ly-9, d.colour[n])
		fmt.Fprintf(&d.b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+16, ly, esc(n))
		lx += 28 + textWidth(n, 12)
	}
	fmt.Fprintf(&d.b, `<text x="%.1f" y="%.1f" fill="#444">band: holds the VIP · tick: advert · ▼ GARP · ◇ notify_master</text>`+"\n", lx+8, ly)
	fmt.Fprintf(&d.b, `<text x="%d" y="%.1f" fill="#444">black bar: priority-0 advert · ✕ fault on that node · grey probe: no answer</text>`+"\n", svgLeft, ly+18)
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
