package keepalived

import "testing"

// Reference numbers from keepalived 2.2.7's VRRP_MS_DOWN_TIMER and
// VRRP_TIMER_SKEW (reference §6).
func TestMasterDownReference(t *testing.T) {
	for _, tc := range []struct {
		name      string
		version   int
		advert    float64
		downTimer int
		priority  int
		want      float64
	}{
		{"v2 1s prio 100", 2, 1, 3, 100, 3.61},
		{"v3 1s prio 100", 3, 1, 3, 100, 3.61},
		{"v2 2s prio 100 (skew not scaled)", 2, 2, 3, 100, 6.61},
		{"v3 2s prio 100 (skew scaled)", 3, 2, 3, 100, 7.22},
		{"v3 0.5s", 3, 0.5, 3, 100, 1.80},
		{"v3 0.1s", 3, 0.1, 3, 100, 0.36},
		{"v2 1s prio 200", 2, 1, 3, 200, 3.22},
		{"v3 0.5s down_timer 6", 3, 0.5, 6, 100, 3.30},
		{"seed backup prio 10", 2, 1, 3, 10, 3.96},
		{"fast profile worst", 3, 0.25, 3, 1, 1.00},
		{"fast profile best", 3, 0.25, 3, 254, 0.75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Cluster{Version: tc.version, AdvertInt: tc.advert, DownTimerAdverts: tc.downTimer}
			if got := NodeTiming(c, tc.priority).CrashSeconds; got != tc.want {
				t.Errorf("crash failover = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGracefulIsSkewOnly(t *testing.T) {
	for _, tc := range []struct {
		version  int
		advert   float64
		priority int
		want     float64
	}{
		{2, 1, 100, 0.61},
		{2, 5, 100, 0.61}, // v2 skew ignores advert_int
		{3, 5, 100, 3.05},
		{3, 0.25, 100, 0.15},
		{2, 1, 254, 0.01},
	} {
		c := Cluster{Version: tc.version, AdvertInt: tc.advert, DownTimerAdverts: 3}
		if got := NodeTiming(c, tc.priority).GracefulSeconds; got != tc.want {
			t.Errorf("v%d advert %v prio %d: graceful = %v, want %v", tc.version, tc.advert, tc.priority, got, tc.want)
		}
	}
}

func TestCheckTiming(t *testing.T) {
	base := Cluster{Version: 2, AdvertInt: 1, DownTimerAdverts: 3}
	for _, tc := range []struct {
		name string
		hc   *HealthCheck
		want float64
	}{
		{"none", nil, 0},
		{"weight 0: fall x interval + skew", &HealthCheck{TCPPort: 80, Interval: 2, Fall: 2}, 4.61},
		{"weighted: fall x interval + master_down", &HealthCheck{TCPPort: 80, Interval: 2, Fall: 2, Weight: -50}, 7.61},
		{"process: delay + skew", &HealthCheck{Process: "nginx", Delay: 1.5}, 2.11},
	} {
		c := base
		c.HealthCheck = tc.hc
		if got := NodeTiming(c, 100).CheckSeconds; got != tc.want {
			t.Errorf("%s: check = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A hanging script fails only when keepalived kills it, and while it runs
// the runs due meanwhile are skipped (vrrp_script_thread in keepalived
// 2.2.7's vrrp_scheduler.c).
func TestHungCheckTiming(t *testing.T) {
	for _, tc := range []struct {
		interval, timeout float64
		fall              int
		want              float64
	}{
		// Runs every interval; the first within one, each killed after 1 s.
		{2, 1, 2, 2 + 2 + 1},
		// timeout = interval: every other run is skipped.
		{2, 2, 2, 2 + 4 + 2},
		{1, 1, 3, 1 + 2*2 + 1},
		{1, 3, 2, 1 + 4 + 3},
		{5, 2, 1, 5 + 2},
	} {
		if got := HungCheck(tc.interval, tc.timeout, tc.fall); got != tc.want {
			t.Errorf("interval %v timeout %v fall %d: %v, want %v", tc.interval, tc.timeout, tc.fall, got, tc.want)
		}
	}
	c := Cluster{Version: 2, AdvertInt: 1, DownTimerAdverts: 3,
		HealthCheck: &HealthCheck{Script: "/bin/true", Interval: 2, Timeout: 2, Fall: 2}}
	if got := NodeTiming(c, 100); got.CheckSeconds != 4.61 || got.HungCheckSeconds != 8.61 {
		t.Errorf("script check: %+v, want check 4.61, hung 8.61", got)
	}
	c.HealthCheck = &HealthCheck{Process: "nginx", Delay: 1}
	if got := NodeTiming(c, 100); got.HungCheckSeconds != got.CheckSeconds {
		t.Errorf("process check: %+v, hung must equal check", got)
	}
	if got := NodeTiming(Cluster{Version: 2, AdvertInt: 1, DownTimerAdverts: 3}, 100); got.CheckSeconds != 0 || got.HungCheckSeconds != 0 {
		t.Errorf("no check: %+v", got)
	}
}

func TestProfiles(t *testing.T) {
	seed, ok := LookupProfile("seed")
	if !ok || seed.Version != 2 || seed.AdvertInt != 1 {
		t.Fatalf("seed profile = %+v", seed)
	}
	if seed.Budget() != 4.00 || seed.FastestFailover() != 3.01 {
		t.Errorf("seed budget %v..%v, want 3.01..4.00", seed.FastestFailover(), seed.Budget())
	}
	fast, ok := LookupProfile("fast")
	if !ok || fast.Version != 3 || fast.AdvertInt >= 1 {
		t.Fatalf("fast profile = %+v", fast)
	}
	if fast.Budget() > 1.0 {
		t.Errorf("fast profile worst case %v s exceeds 1 s", fast.Budget())
	}
	if _, ok := LookupProfile(""); ok {
		t.Error("empty name must not be a profile")
	}
	if got := ProfileNames(); len(got) != 2 || got[0] != "fast" || got[1] != "seed" {
		t.Errorf("ProfileNames() = %v", got)
	}
	// A profile must not trip its own warnings.
	c := fastCluster()
	if fs := Lint(c); len(fs) != 0 {
		t.Errorf("fast profile cluster has findings: %v", fs)
	}
}

func TestRound2(t *testing.T) {
	for in, want := range map[float64]float64{
		3.609375:  3.61,
		1.8046875: 1.80,
		3.21875:   3.22,
		0.005:     0.01,
		0.0049:    0,
		2.675:     2.68, // 2.67499999... in binary
	} {
		if got := round2(in); got != want {
			t.Errorf("round2(%v) = %v, want %v", in, got, want)
		}
	}
}
