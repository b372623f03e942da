package mockcloud

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"
)

// Transition kinds. Each documented asynchronous transition has its own
// kind, so a profile can give create and associate different durations;
// the coarse kinds "havip" and "eip" (what fixtures and set_transition
// used first) still apply to every transition of that resource that has
// no setting of its own. Route entries have only the coarse kind.
const (
	TransitionHaVipCreate      = "havip.create"      // Creating → Available
	TransitionHaVipAssociate   = "havip.associate"   // Associating → InUse
	TransitionHaVipUnassociate = "havip.unassociate" // Unassociating → InUse or Available
	TransitionHaVipDelete      = "havip.delete"      // Deleting → gone
	TransitionEIPAssociate     = "eip.associate"     // Associating → InUse
	TransitionEIPUnassociate   = "eip.unassociate"   // Unassociating → Available
)

// TransitionKinds lists every fine-grained kind, in a stable order.
var TransitionKinds = []string{
	TransitionHaVipCreate, TransitionHaVipAssociate, TransitionHaVipUnassociate, TransitionHaVipDelete,
	TransitionEIPAssociate, TransitionEIPUnassociate,
}

func validTransitionKind(kind string) bool {
	switch kind {
	case "havip", "eip", "route_entry":
		return true
	}
	for _, k := range TransitionKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// transitionFor is the setting that governs kind: its own, else its
// resource's coarse one, else immediate.
func (a *account) transitionFor(kind string) Transition {
	if t, ok := a.transitions[kind]; ok {
		return t
	}
	coarse, _, _ := strings.Cut(kind, ".")
	return a.transitions[coarse]
}

// RealisticTransitionDelay is the duration of every transition in the
// realistic profile. The project has no measurements of the live service
// to go by; 2 s per transition is the figure the waiter work (issue 14)
// was measured against, and each kind can be overridden.
const RealisticTransitionDelay = 2 * time.Second

// ShortTransitionDelay is the duration of every transition in the short
// profile, which the acceptance suite runs with: short enough to keep the
// suite quick, and each state is also held until at least one describe has
// shown it, so that every waiter path runs even on a slow machine.
const ShortTransitionDelay = 20 * time.Millisecond

// Transition profiles by name (-transitions on tools/mockcloud).
const (
	ProfileImmediate = "immediate"
	ProfileShort     = "short"
	ProfileRealistic = "realistic"
)

// TransitionProfile returns the per-kind settings of a named profile with
// optional overrides: "realistic", "realistic,havip.create=5s",
// "short,eip=describes:3", "immediate,havip.associate=1s". An override's
// value is a duration (delay mode), "immediate", or "describes:N".
func TransitionProfile(spec string) (map[string]Transition, error) {
	parts := strings.Split(strings.TrimSpace(spec), ",")
	out := map[string]Transition{}
	switch name := strings.TrimSpace(parts[0]); name {
	case "", ProfileImmediate:
	case ProfileShort:
		for _, k := range TransitionKinds {
			out[k] = Transition{Mode: "delay", Delay: Duration(ShortTransitionDelay), Describes: 1}
		}
	case ProfileRealistic:
		for _, k := range TransitionKinds {
			out[k] = Transition{Mode: "delay", Delay: Duration(RealisticTransitionDelay)}
		}
	default:
		return nil, fmt.Errorf("unknown transition profile %q (immediate, short, realistic)", name)
	}
	for _, p := range parts[1:] {
		kind, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !validTransitionKind(kind) {
			return nil, fmt.Errorf("transition override %q: want KIND=VALUE with KIND one of havip, eip, %s", p, strings.Join(TransitionKinds, ", "))
		}
		t, err := parseTransitionValue(val)
		if err != nil {
			return nil, fmt.Errorf("transition override %q: %w", p, err)
		}
		if kind == "havip" || kind == "eip" {
			// A coarse override replaces the profile's fine settings too,
			// or it would change nothing.
			for _, k := range TransitionKinds {
				if strings.HasPrefix(k, kind+".") {
					out[k] = t
				}
			}
		}
		out[kind] = t
	}
	return out, nil
}

func parseTransitionValue(v string) (Transition, error) {
	switch {
	case v == "immediate":
		return Transition{Mode: "immediate"}, nil
	case strings.HasPrefix(v, "describes:"):
		var n int
		if _, err := fmt.Sscanf(v, "describes:%d", &n); err != nil || n <= 0 {
			return Transition{}, fmt.Errorf("describes:N needs a positive N, got %q", v)
		}
		return Transition{Mode: "describes", Describes: n}, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return Transition{}, fmt.Errorf("want a positive duration, immediate or describes:N, got %q", v)
	}
	return Transition{Mode: "delay", Delay: Duration(d)}, nil
}

// withTransitions is fx with ts laid over its transition settings, so
// that every account the server creates starts with them.
func withTransitions(fx *Fixtures, ts map[string]Transition) (*Fixtures, error) {
	if len(ts) == 0 {
		return fx, nil
	}
	for _, k := range sortedKinds(ts) {
		if !validTransitionKind(k) {
			return nil, fmt.Errorf("mockcloud: unknown transition kind %q", k)
		}
		if err := ts[k].validate(); err != nil {
			return nil, fmt.Errorf("mockcloud: transition %s: %w", k, err)
		}
	}
	out := *fx
	out.Transitions = maps.Clone(fx.Transitions)
	if out.Transitions == nil {
		out.Transitions = map[string]Transition{}
	}
	maps.Copy(out.Transitions, ts)
	return &out, nil
}

func sortedKinds(ts map[string]Transition) []string {
	out := make([]string, 0, len(ts))
	for k := range ts {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// begin starts an asynchronous transition of the given kind; with an
// immediate setting it returns nil and the caller settles at once. In
// delay mode a positive Describes is a minimum: the state lasts its
// delay and until that many describes have shown it.
func (a *account) begin(kind string, now time.Time, shown, final string, gone bool) *pending {
	t := a.transitionFor(kind)
	switch t.Mode {
	case "delay":
		return &pending{Shown: shown, Final: final, At: now.Add(time.Duration(t.Delay)), Describes: t.Describes, Gone: gone}
	case "describes":
		return &pending{Shown: shown, Final: final, Describes: t.Describes, Gone: gone}
	}
	return nil
}

// due reports whether a timed transition has run its course at now.
func (p *pending) due(now time.Time) bool {
	return !p.At.IsZero() && !now.Before(p.At) && p.Describes <= 0
}

// seen counts one describe that showed the transitional state; it reports
// whether a describes-mode transition is now over (a timed one settles in
// settle, at its time).
func (p *pending) seen() bool {
	if p.Describes > 0 {
		p.Describes--
	}
	return p.At.IsZero() && p.Describes <= 0
}
