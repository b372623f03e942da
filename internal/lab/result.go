package lab

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is one scenario's outcome.
type Result struct {
	// Scenario names the fault, e.g. "crash of ecs1".
	Scenario string
	// Expected is the node that should answer the client afterwards;
	// Observed is the node that did ("" if none answered).
	Expected string
	Observed string
	// Seconds is fault → Expected answers the client and alone holds the
	// VIP. For a hold scenario it is how long the lab watched the VIP stay
	// put.
	Seconds float64
	// VIPSeconds is fault → the VIP on Expected's interface and on no
	// other live node's, NotifySeconds fault → Expected's notify_master
	// hook firing; -1 when it did not happen (or, for a hold, was not
	// expected to). Seconds is the later of VIPSeconds and the first
	// answer from Expected.
	VIPSeconds    float64
	NotifySeconds float64
	// Budget is the limit for Seconds, tolerance included: the computed
	// takeover time plus Config.Tolerance. For a hold it is the minimum
	// watch time.
	Budget float64
	// BudgetBase is Budget without the tolerance (the rendered timing).
	BudgetBase float64
	// Hold marks scenarios that pass by nothing changing.
	Hold bool
	// Holders are the nodes whose interface held the VIP at the end
	// (a crashed node's stale address excluded).
	Holders []string
	Pass    bool
	// Detail says why a scenario failed, or what else was seen.
	Detail string
	// AnswerSeconds is fault → the client's first answer from Expected as
	// it crossed the bridge, -1 if none.
	AnswerSeconds float64
	// Timeline is what happened around the fault, for a picture.
	Timeline *Timeline
	// at is the fault's time, where the timeline is centred.
	at time.Time
}

// Passed reports whether every scenario passed (and there was at least one).
func Passed(results []Result) bool {
	for _, r := range results {
		if !r.Pass {
			return false
		}
	}
	return len(results) > 0
}

func (r Result) cells() []string {
	secs := func(v float64) string {
		if v < 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", v)
	}
	observed := r.Observed
	if observed == "" {
		observed = "(none)"
	}
	budget := fmt.Sprintf("≤ %.2f (%.2f+%.2f)", r.Budget, r.BudgetBase, r.Budget-r.BudgetBase)
	if r.Hold {
		budget = fmt.Sprintf("hold ≥ %.2f", r.Budget)
	}
	verdict := "ok"
	if !r.Pass {
		verdict = "FAIL"
	}
	return []string{r.Scenario, r.Expected, observed, secs(r.Seconds), budget, secs(r.AnswerSeconds), secs(r.NotifySeconds), verdict}
}

var header = []string{"scenario", "expected", "observed", "takeover s", "budget", "answer", "notify", "result"}

// Table renders results as aligned plain text, failure details below.
func Table(results []Result) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range results {
		fmt.Fprintln(w, strings.Join(r.cells(), "\t"))
	}
	_ = w.Flush()
	b.WriteString(details(results))
	return b.String()
}

// Markdown renders results as a GitHub table, details below.
func Markdown(results []Result) string {
	var b strings.Builder
	row := func(cells []string) {
		for i := range cells {
			cells[i] = strings.ReplaceAll(cells[i], "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	row(append([]string(nil), header...))
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	row(sep)
	for _, r := range results {
		row(r.cells())
	}
	b.WriteString(details(results))
	return b.String()
}

func details(results []Result) string {
	var b strings.Builder
	for _, r := range results {
		if r.Detail != "" {
			fmt.Fprintf(&b, "\n%s: %s", r.Scenario, r.Detail)
		}
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}
