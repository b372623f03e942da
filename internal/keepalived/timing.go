package keepalived

import (
	"math"
	"sort"
)

// Timing is how long a node needs to take the HaVip over when it is the
// backup that wins, in seconds rounded to 0.01 s. It ignores GARP
// propagation and the platform's own remapping time.
type Timing struct {
	// CrashSeconds: the MASTER dies or is cut off, so adverts just stop and
	// this node waits out its master-down timer. The timer restarts with
	// every advert, so measured from the crash itself the takeover lands
	// between CrashSeconds - advert_int and CrashSeconds; this is the bound.
	CrashSeconds float64
	// GracefulSeconds: the MASTER stops cleanly or enters FAULT and sends a
	// priority-0 advert, so this node only waits out its skew.
	GracefulSeconds float64
	// CheckSeconds: the MASTER's service fails and its health check says
	// so at once (a refused connection, a non-zero exit): the check fails
	// `fall` times in a row, the first within one interval, then the
	// takeover that triggers. 0 without a health check.
	CheckSeconds float64
	// HungCheckSeconds: the same when the check hangs instead and
	// keepalived kills it after its timeout (see HungCheck). Equal to
	// CheckSeconds for process checks, 0 without a health check.
	HungCheckSeconds float64
}

// Skew is the priority-dependent part of the master-down timer. It exists
// so the highest-priority backup fires first. VRRPv2 (RFC 3768) does not
// scale it by advert_int; VRRPv3 (RFC 5798) does, which keepalived 2.2.7
// follows (VRRP_TIMER_SKEW in include/vrrp.h).
func Skew(version int, advertInt float64, priority int) float64 {
	s := float64(256-priority) / 256
	if version == 3 {
		s *= advertInt
	}
	return s
}

// MasterDown is how long a backup waits without adverts before it takes
// over: downTimerAdverts × advert_int + skew (VRRP_MS_DOWN_TIMER).
func MasterDown(version int, advertInt float64, downTimerAdverts, priority int) float64 {
	return float64(downTimerAdverts)*advertInt + Skew(version, advertInt, priority)
}

// NodeTiming is the failover timing for a backup with the given priority in
// cluster c (defaults applied by the caller).
func NodeTiming(c Cluster, priority int) Timing {
	t := Timing{
		CrashSeconds:    round2(MasterDown(c.Version, c.AdvertInt, c.DownTimerAdverts, priority)),
		GracefulSeconds: round2(Skew(c.Version, c.AdvertInt, priority)),
	}
	if hc := c.HealthCheck; hc != nil {
		// Weight 0 means FAULT, which is the graceful path; a weighted
		// check only lowers the master's priority, and the backup discards
		// the lower adverts until its master-down timer fires.
		after := Skew(c.Version, c.AdvertInt, priority)
		if hc.Weight != 0 {
			after = MasterDown(c.Version, c.AdvertInt, c.DownTimerAdverts, priority)
		}
		if hc.Process != "" {
			t.CheckSeconds = round2(hc.Delay + after)
			t.HungCheckSeconds = t.CheckSeconds
		} else {
			t.CheckSeconds = round2(float64(hc.Fall)*hc.Interval + after)
			t.HungCheckSeconds = round2(HungCheck(hc.Interval, hc.Timeout, hc.Fall) + after)
		}
	}
	return t
}

// HungCheck is how long a vrrp_script that starts hanging takes to fail
// `fall` times. keepalived starts the script every interval but skips a
// run while the previous one is still running, and kills a run after
// timeout; with timeout ≥ interval the run due when the hung one is killed
// has already been skipped (its timer was set first). So hung runs start
// every interval × (⌊timeout/interval⌋ + 1): the first within one interval
// of the hang, the last failing timeout after it started.
func HungCheck(interval, timeout float64, fall int) float64 {
	period := interval * (math.Floor(timeout/interval) + 1)
	return interval + float64(fall-1)*period + timeout
}

// round2 rounds half away from zero to 0.01; the +1e-9 keeps binary noise
// such as 3.6049999999 from deciding the last digit.
func round2(v float64) float64 {
	return math.Round(v*100+math.Copysign(1e-9, v)) / 100
}

// Profile is a named pair of VRRP version and advert interval with a known
// crash-failover budget.
type Profile struct {
	Name        string
	Version     int
	AdvertInt   float64
	Description string
}

// Budget is the worst crash failover this profile allows: the slowest
// possible backup (priority 1) with the default three missed adverts.
func (p Profile) Budget() float64 {
	return round2(MasterDown(p.Version, p.AdvertInt, DefaultDownTimerAdverts, 1))
}

// FastestFailover is the best case: a priority-254 backup.
func (p Profile) FastestFailover() float64 {
	return round2(MasterDown(p.Version, p.AdvertInt, DefaultDownTimerAdverts, 254))
}

// profiles is a function rather than a package variable so callers cannot
// mutate shared state.
func profiles() map[string]Profile {
	return map[string]Profile{
		"seed": {
			Name:      "seed",
			Version:   2,
			AdvertInt: 1,
			Description: "Alibaba's HaVip walkthrough: VRRPv2, 1 s adverts. Crash failover 3.01-4.00 s " +
				"depending on the backup's priority (3.61 s at 100, 3.96 s at 10); clean stop 0.01-1.00 s. " +
				"Tolerant of jitter and live migration.",
		},
		"fast": {
			Name:      "fast",
			Version:   3,
			AdvertInt: 0.25,
			Description: "VRRPv3, 0.25 s adverts: crash failover 0.75-1.00 s (0.90 s at priority 100); " +
				"clean stop under 0.25 s. Needs a quiet host; on busy VMs late timers cause false failovers.",
		},
	}
}

// LookupProfile returns the named profile. The empty name is no profile.
func LookupProfile(name string) (Profile, bool) {
	p, ok := profiles()[name]
	return p, ok
}

// ProfileNames lists the known profiles, sorted.
func ProfileNames() []string {
	var names []string
	for n := range profiles() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
