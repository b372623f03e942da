package keepalived

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"2.2.4":   {2, 2, 4},
		"v2.2.7":  {2, 2, 7},
		" 2.4.0 ": {2, 4, 0},
		"2.3.10":  {2, 3, 10},
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2.2", "2.2.7.1", "2.2.x", "2.02.7", "-2.2.7", "2..7", "latest"} {
		if v, err := ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %v, want an error", in, v)
		}
	}
}

func TestVersionRange(t *testing.T) {
	for v, want := range map[string]bool{
		"2.2.3": false, "2.2.4": true, "2.2.7": true, "2.2.8": true, "2.3.0": true,
		"2.4.0": true, "2.4.99": true, "2.5.0": false, "3.0.0": false, "1.4.5": false,
	} {
		got, err := ParseVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		if got.Supported() != want {
			t.Errorf("%s: Supported() = %v, want %v", v, got.Supported(), want)
		}
	}
}

func TestLintKeepalivedVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    string // "" = no finding on keepalived_version
	}{
		{"", ""},
		{"2.2.4", ""},
		{"2.4.2", ""},
		{"2.2.3", "outside the supported range 2.2.4 to 2.4.x"},
		{"2.5.0", "outside the supported range 2.2.4 to 2.4.x"},
		{"2.2", "not a keepalived version"},
	} {
		c := seedCluster()
		c.KeepalivedVersion = tc.version
		var got []string
		for _, f := range Lint(c) {
			if f.Field == "keepalived_version" {
				if f.Severity != SeverityError {
					t.Errorf("%q: %v is not an error", tc.version, f)
				}
				got = append(got, f.Message)
			}
		}
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%q: unexpected findings %v", tc.version, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%q: findings %v, want one containing %q", tc.version, got, tc.want)
		}
		if _, _, err := Render(c); (err != nil) != (tc.want != "") {
			t.Errorf("%q: Render error %v", tc.version, err)
		}
	}
}

// supportedSamples are the releases the renderer is checked against: the
// range's ends, each keyword's first release inside it, and the releases
// of the distributions named in the docs, and the newest series.
var supportedSamples = []string{"2.2.4", "2.2.5", "2.2.7", "2.3.0", "2.4.9"}

// Every config rendered for a target holds only keywords that target knows,
// for the golden scenarios and hundreds of random clusters covering every
// branch of the renderer; and a target that has unicast_fault_no_peer gets it.
func TestRenderedKeywordsSuitEachSupportedVersion(t *testing.T) {
	for _, vs := range supportedSamples {
		target, err := ParseVersion(vs)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(vs, func(t *testing.T) {
			var clusters []Cluster
			for _, sc := range goldenScenarios() {
				clusters = append(clusters, sc.cluster)
			}
			g := newClusterGen(20261202)
			// Enough to reach every branch of the renderer (the generator's
			// own test checks that with 200), cheap under -race.
			for range 200 {
				clusters = append(clusters, g.cluster())
			}
			configs := 0
			for i, c := range clusters {
				c.KeepalivedVersion = vs
				out, _, err := Render(c)
				if err != nil {
					t.Fatalf("cluster %d: %v", i, err)
				}
				for _, name := range SortedNodeNames(out) {
					conf := out[name].Config
					configs++
					if errs := CheckKeywords(conf, target); len(errs) > 0 {
						t.Fatalf("cluster %d node %s: %v\n%s", i, name, errs, conf)
					}
					wantFault := target.AtLeast(Version{2, 2, 5})
					if got := strings.Contains(conf, "\n    unicast_fault_no_peer\n"); got != wantFault {
						t.Fatalf("cluster %d node %s: unicast_fault_no_peer rendered = %v, want %v for %s", i, name, got, wantFault, vs)
					}
				}
			}
			t.Logf("%d configs, every keyword known to keepalived %s", configs, vs)
		})
	}
}

// Without a version the config suits the oldest supported release, so the
// rendered text of existing users does not change.
func TestDefaultTargetIsOldestSupported(t *testing.T) {
	c := seedCluster()
	def, _, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	c.KeepalivedVersion = OldestSupported.String()
	oldest, _, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	for name := range def {
		if def[name].Config != oldest[name].Config {
			t.Errorf("node %s: the default differs from a %s target", name, OldestSupported)
		}
	}
}

func TestCheckKeywords(t *testing.T) {
	conf := func(extraGlobal, extraInstance string) string {
		return "# comment with vrrp_delay_after_boot in it\n" +
			"global_defs {\n    router_id n1 ! a comment\n" + extraGlobal + "}\n" +
			"vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n" +
			"    unicast_peer {\n        192.168.0.26 # ecs2\n    }\n" +
			"    virtual_ipaddress {\n        192.168.0.24/32 dev eth0\n    }\n" +
			"    track_script {\n        chk_web\n    }\n" +
			"    notify_master \"/usr/local/bin/tell #1\"\n" + extraInstance + "}\n"
	}
	v := func(s string) Version {
		t.Helper()
		ver, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		return ver
	}
	for _, tc := range []struct {
		name   string
		conf   string
		target string
		want   string // "" = accepted
	}{
		{"plain config", conf("", ""), "2.2.4", ""},
		{"2.4 keyword on 2.2.7", conf("    vrrp_delay_after_boot 30\n", ""), "2.2.7", `"vrrp_delay_after_boot" needs keepalived 2.4.0 or later; the target is 2.2.7`},
		{"2.4 keyword on 2.4.0", conf("    vrrp_delay_after_boot 30\n", ""), "2.4.0", ""},
		{"2.2.5 keyword on 2.2.4", conf("", "    unicast_fault_no_peer\n"), "2.2.4", `"unicast_fault_no_peer" needs keepalived 2.2.5`},
		{"2.2.5 keyword on 2.2.5", conf("", "    unicast_fault_no_peer\n"), "2.2.5", ""},
		{"2.2.3 keyword on 2.2.2", conf("", "    down_timer_adverts 5\n"), "2.2.2", `"down_timer_adverts" needs keepalived 2.2.3`},
		{"typo", conf("", "    unicast_peers {\n        192.168.0.27\n    }\n"), "2.4.0", `keyword "unicast_peers" is not known`},
		{"unbalanced", conf("", "    authentication {\n"), "2.2.7", "not closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckKeywords(tc.conf, v(tc.target))
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("refused: %v\n%s", errs, tc.conf)
				}
				return
			}
			// The first error names the culprit (a typo's block contents
			// follow as unknown keywords).
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors %v, want the first containing %q", errs, tc.want)
			}
		})
	}
}

var bannerRE = regexp.MustCompile(`Keepalived v(\d+\.\d+\.\d+)`)

// The table agrees with a real keepalived: a config rendered for the
// installed release passes `keepalived -t` without a word (with
// unicast_fault_no_peer from 2.2.5 on), and the newest keyword in the table
// that the installed release lacks is refused by it as unknown.
func TestKeepalivedAcceptsConfigsForItsOwnVersion(t *testing.T) {
	env := newKeepalivedEnv(t)
	out, _ := exec.Command(env.keepalived, "--version").CombinedOutput()
	m := bannerRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("cannot read the version from keepalived --version:\n%s", out)
	}
	installed, err := ParseVersion(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if !installed.Supported() {
		t.Skipf("the installed keepalived %s is outside the supported range %s", installed, SupportedRange)
	}
	var jobs []checkJob
	for _, sc := range goldenScenarios() {
		c := sc.cluster
		c.KeepalivedVersion = installed.String()
		rendered, _, err := Render(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range SortedNodeNames(rendered) {
			jobs = append(jobs, checkJob{sc.name + "/" + name, rendered[name].Config})
		}
	}
	for _, r := range env.checkAll(t, jobs) {
		if r.rc != 0 || r.out != "" {
			t.Errorf("%s: keepalived %s -t exit %d, output:\n%s\nconfig:\n%s", r.label, installed, r.rc, r.out, r.conf)
		}
		if want := installed.AtLeast(Version{2, 2, 5}); strings.Contains(r.conf, "unicast_fault_no_peer") != want {
			t.Errorf("%s: unicast_fault_no_peer rendered for %s: %v", r.label, installed, !want)
		}
	}

	// The table says vrrp_delay_after_boot (a global_defs keyword) arrived
	// in 2.4.0: an older keepalived must not know it.
	since, _ := KeywordSince("vrrp_delay_after_boot")
	if !installed.Less(since) {
		t.Logf("keepalived %s knows vrrp_delay_after_boot", installed)
		return
	}
	conf := strings.Replace(jobs[0].conf, "global_defs {\n", "global_defs {\n    vrrp_delay_after_boot 30\n", 1)
	res := env.checkAll(t, []checkJob{{"with vrrp_delay_after_boot", conf}})[0]
	if res.rc == 0 || !strings.Contains(res.out, "Unknown keyword 'vrrp_delay_after_boot'") {
		t.Errorf("keepalived %s accepted vrrp_delay_after_boot (%s+ per the table): exit %d\n%s", installed, since, res.rc, res.out)
	}
}
