package keepalived

import (
	"fmt"
	"strings"
)

// keywordSince records, for every keyword the renderer can write, the first
// keepalived release that parses it. A zero Version means the keyword is
// older than the supported range (2.2.4): every supported release has it.
// The versions are those of the project's keepalived notes
// (../shared/reference/keepalived.md, §2 and §4).
//
// CheckKeywords refuses a keyword missing from this table, so a renderer
// change that adds one fails the tests until its version is recorded here.
var keywordSince = map[string]Version{
	// global_defs
	"global_defs":            {},
	"router_id":              {},
	"max_auto_priority":      {},
	"vrrp_rt_priority":       {},
	"vrrp_rlimit_rttime":     {},
	"vrrp_startup_delay":     {2, 0, 14},
	"enable_script_security": {},
	"script_user":            {},
	// vrrp_delay_after_boot is not rendered (vrrp_startup_delay does the job
	// on every supported release); it is listed because it is the keyword
	// users copy from 2.4 documentation onto older hosts.
	"vrrp_delay_after_boot": {2, 4, 0},

	// health checks
	"vrrp_script":        {},
	"script":             {},
	"interval":           {},
	"timeout":            {},
	"fall":               {},
	"rise":               {},
	"weight":             {},
	"vrrp_track_process": {2, 0, 11},
	"process":            {2, 0, 11},
	"quorum":             {2, 0, 11},
	"delay":              {2, 0, 11},

	// vrrp_instance
	"vrrp_instance":           {},
	"state":                   {},
	"interface":               {},
	"virtual_router_id":       {},
	"priority":                {},
	"version":                 {},
	"advert_int":              {},
	"down_timer_adverts":      {2, 2, 3},
	"nopreempt":               {},
	"preempt_delay":           {},
	"authentication":          {},
	"auth_type":               {},
	"auth_pass":               {},
	"unicast_src_ip":          {},
	"unicast_peer":            {},
	"check_unicast_src":       {},
	"unicast_fault_no_peer":   {2, 2, 5},
	"virtual_ipaddress":       {},
	"garp_master_delay":       {},
	"garp_master_repeat":      {},
	"garp_master_refresh":     {},
	"garp_lower_prio_repeat":  {},
	"higher_prio_send_advert": {},
	"track_interface":         {},
	"track_script":            {},
	"track_process":           {2, 0, 11},
	"notify_master":           {},
	"notify_backup":           {},
	"notify_fault":            {},
	"notify_stop":             {},
}

// listBlocks hold values, not keywords: addresses, interface or check names.
var listBlocks = map[string]bool{
	"unicast_peer":      true,
	"virtual_ipaddress": true,
	"track_interface":   true,
	"track_script":      true,
	"track_process":     true,
}

// KeywordSince returns the first release that knows keyword, and whether
// the keyword is known at all.
func KeywordSince(keyword string) (Version, bool) {
	v, ok := keywordSince[keyword]
	return v, ok
}

// CheckKeywords reads a keepalived.conf and returns one error per keyword
// that target does not know: newer than target, or not in the table at all.
// It understands what the renderer writes (one keyword per line, "#"
// comments, blocks opened at the end of a line), not every config keepalived
// accepts.
func CheckKeywords(conf string, target Version) []error {
	var errs []error
	var stack []string
	for i, raw := range strings.Split(conf, "\n") {
		code, _ := SplitComment(raw)
		fields := strings.Fields(code)
		if len(fields) == 0 {
			continue
		}
		if fields[0] == "}" {
			if len(stack) == 0 {
				errs = append(errs, fmt.Errorf("line %d: unbalanced '}'", i+1))
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		}
		opens := fields[len(fields)-1] == "{"
		inList := len(stack) > 0 && listBlocks[stack[len(stack)-1]]
		if !inList {
			kw := fields[0]
			since, known := keywordSince[kw]
			switch {
			case !known:
				errs = append(errs, fmt.Errorf("line %d: keyword %q is not known to be accepted by keepalived %s", i+1, kw, target))
			case target.Less(since):
				errs = append(errs, fmt.Errorf("line %d: keyword %q needs keepalived %s or later; the target is %s", i+1, kw, since, target))
			}
		}
		if opens {
			stack = append(stack, fields[0])
		}
	}
	if len(stack) > 0 {
		errs = append(errs, fmt.Errorf("%d block(s) not closed", len(stack)))
	}
	return errs
}
