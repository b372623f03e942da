package keepalived

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ConfInfo is what ParseConf reads from one keepalived.conf: the first
// vrrp_instance's settings, the check it tracks and a few global_defs.
type ConfInfo struct {
	Instance         string
	State            string
	Interface        string
	Priority         int
	Version          int
	AdvertInt        float64
	DownTimerAdverts int
	NoPreempt        bool
	SrcIP            string
	Peers            []string
	VIPs             []string
	NotifyMaster     string
	StartupDelay     float64
	ScriptSecurity   bool
	ScriptUser       string
	// RTPriority is vrrp_rt_priority: the VRRP process switches to
	// realtime scheduling once it has started up (0: it never does).
	RTPriority int
	// Check is the vrrp_script or vrrp_track_process the instance tracks
	// (nil if none), with keepalived's defaults for what the file leaves
	// out. A script check's Script is the command line as the file has it,
	// so a TCP check shows as the command that makes the connection.
	Check *HealthCheck
}

// ParseConf reads a keepalived.conf into a ConfInfo. It understands the
// subset of keepalived's grammar the renderer emits (one keyword per line,
// blocks opened at the end of a line), which hand-written configs also
// follow, and refuses what a node could not run: no vrrp_instance, no
// interface or VIP, a priority outside 1..255, an address that is not IPv4.
func ParseConf(conf string) (ConfInfo, error) {
	p := confParser{
		info:    ConfInfo{Version: DefaultVersion, AdvertInt: DefaultAdvertInt, DownTimerAdverts: DefaultDownTimerAdverts},
		checks:  map[string]map[string]*HealthCheck{"vrrp_script": {}, "vrrp_track_process": {}},
		tracked: map[string]string{},
	}
	for n, raw := range strings.Split(conf, "\n") {
		if err := p.line(Tokens(raw)); err != nil {
			return ConfInfo{}, fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	return p.finish()
}

// confParser is ParseConf's state between lines.
type confParser struct {
	info ConfInfo
	// stack holds the keywords of the open blocks, outermost first.
	stack []string
	// Global vrrp_version and vrrp_down_timer_adverts override the
	// instance's own settings, wherever they appear (0: not given).
	globalVersion, globalDownTimerAdverts int
	instances                             int
	// checks are the vrrp_script and vrrp_track_process blocks by kind and
	// name, the one being read is current; tracked maps "track_script" and
	// "track_process" to the first name the instance tracks under each.
	checks  map[string]map[string]*HealthCheck
	current *HealthCheck
	tracked map[string]string
}

// line reads one tokenized line.
func (p *confParser) line(toks []string) error {
	if len(toks) == 0 {
		return nil
	}
	key := toks[0]
	if key == "}" {
		if len(p.stack) == 0 {
			return errors.New("unbalanced }")
		}
		p.stack = p.stack[:len(p.stack)-1]
		return nil
	}
	opens := toks[len(toks)-1] == "{"
	args := toks[1:]
	if opens {
		args = toks[1 : len(toks)-1]
	}
	// Only the first instance is read.
	if len(p.stack) == 0 || p.stack[0] != "vrrp_instance" || p.instances == 1 {
		if err := p.setting(key, args); err != nil {
			return err
		}
	}
	if opens {
		return p.open(key, args)
	}
	return nil
}

// open enters the block that key opens.
func (p *confParser) open(key string, args []string) error {
	if len(p.stack) == 0 {
		switch key {
		case "vrrp_script", "vrrp_track_process":
			if len(args) == 0 {
				return fmt.Errorf("%s needs a name", key)
			}
			// keepalived's defaults: interval 1, timeout = interval, fall 1,
			// rise 1, weight 0 (a tracked process: quorum 1, no delay).
			p.current = &HealthCheck{Interval: 1, Fall: 1, Rise: 1}
			if key == "vrrp_track_process" {
				p.current = &HealthCheck{}
			}
			p.checks[key][args[0]] = p.current
		case "vrrp_instance":
			p.instances++
			if p.instances == 1 && len(args) > 0 {
				p.info.Instance = args[0]
			}
		}
	}
	p.stack = append(p.stack, key)
	return nil
}

// setting reads one keyword inside the block it stands in.
func (p *confParser) setting(key string, args []string) error {
	block, outer := "", ""
	if len(p.stack) > 0 {
		block, outer = p.stack[len(p.stack)-1], p.stack[0]
	}
	switch {
	case block == "global_defs":
		return p.global(key, args)
	case block == "vrrp_instance":
		return p.instance(key, args)
	case (block == "vrrp_script" || block == "vrrp_track_process") && len(p.stack) == 1:
		p.check(key, args)
	case (block == "track_script" || block == "track_process") && outer == "vrrp_instance":
		if p.tracked[block] == "" {
			p.tracked[block] = key
		}
	case block == "unicast_peer" && outer == "vrrp_instance":
		p.info.Peers = append(p.info.Peers, key)
	case block == "virtual_ipaddress" && outer == "vrrp_instance":
		ip, _, _ := strings.Cut(key, "/")
		p.info.VIPs = append(p.info.VIPs, ip)
	}
	return nil
}

func (p *confParser) global(key string, args []string) error {
	switch key {
	case "vrrp_startup_delay":
		v, err := value(key, args)
		if err == nil {
			p.info.StartupDelay, err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			return fmt.Errorf("vrrp_startup_delay: %w", err)
		}
	case "enable_script_security":
		p.info.ScriptSecurity = true
	case "script_user":
		p.info.ScriptUser = strings.Join(args, " ")
	case "vrrp_rt_priority":
		p.info.RTPriority = lenientInt(args)
	case "vrrp_version":
		p.globalVersion = lenientInt(args)
	case "vrrp_down_timer_adverts":
		p.globalDownTimerAdverts = lenientInt(args)
	}
	return nil
}

func (p *confParser) instance(key string, args []string) error {
	var err error
	info := &p.info
	switch key {
	case "state":
		info.State, err = value(key, args)
	case "interface":
		info.Interface, err = value(key, args)
	case "priority":
		info.Priority, err = intValue(key, args)
	case "version":
		info.Version, err = intValue(key, args)
		p.globalVersion = 0
	case "advert_int":
		var v string
		if v, err = value(key, args); err == nil {
			info.AdvertInt, err = strconv.ParseFloat(v, 64)
		}
	case "down_timer_adverts":
		info.DownTimerAdverts, err = intValue(key, args)
		p.globalDownTimerAdverts = 0
	case "nopreempt":
		info.NoPreempt = true
	case "unicast_src_ip":
		info.SrcIP, err = value(key, args)
	case "notify_master":
		info.NotifyMaster = unquote(args)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// check reads a setting of a vrrp_script or vrrp_track_process block. Like
// keepalived's own reader, it takes a malformed number as 0.
func (p *confParser) check(key string, args []string) {
	hc := p.current
	v := ""
	if len(args) > 0 {
		v = args[0]
	}
	switch key {
	case "script":
		hc.Script = unquote(args)
	case "process":
		hc.Process = v
	case "interval":
		hc.Interval, _ = strconv.ParseFloat(v, 64)
	case "timeout":
		hc.Timeout, _ = strconv.ParseFloat(v, 64)
	case "fall":
		hc.Fall, _ = strconv.Atoi(v)
	case "rise":
		hc.Rise, _ = strconv.Atoi(v)
	case "weight":
		hc.Weight, _ = strconv.Atoi(v)
	case "delay":
		hc.Delay, _ = strconv.ParseFloat(v, 64)
	}
}

// finish applies what only the whole file decides and checks the result.
func (p *confParser) finish() (ConfInfo, error) {
	info := p.info
	if len(p.stack) != 0 {
		return ConfInfo{}, fmt.Errorf("unclosed block %s", p.stack[len(p.stack)-1])
	}
	if p.instances == 0 {
		return ConfInfo{}, errors.New("no vrrp_instance")
	}
	if p.globalVersion != 0 {
		info.Version = p.globalVersion
	}
	if p.globalDownTimerAdverts != 0 {
		info.DownTimerAdverts = p.globalDownTimerAdverts
	}
	info.Check = p.trackedCheck()
	if info.Interface == "" {
		return ConfInfo{}, fmt.Errorf("vrrp_instance %s has no interface", info.Instance)
	}
	if info.Priority < 1 || info.Priority > 255 {
		return ConfInfo{}, fmt.Errorf("vrrp_instance %s: priority %d (an explicit 1..255 is needed)", info.Instance, info.Priority)
	}
	if len(info.VIPs) == 0 {
		return ConfInfo{}, fmt.Errorf("vrrp_instance %s has no virtual_ipaddress", info.Instance)
	}
	for _, ip := range append([]string{info.SrcIP}, info.VIPs...) {
		if ip == "" {
			continue
		}
		if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() {
			return ConfInfo{}, fmt.Errorf("%q is not an IPv4 address", ip)
		}
	}
	return info, nil
}

// trackedCheck is the check the instance tracks, a script before a process
// (the renderer writes one or the other), nil if it tracks none that the
// file defines.
func (p *confParser) trackedCheck() *HealthCheck {
	if hc, ok := p.checks["vrrp_script"][p.tracked["track_script"]]; ok {
		if hc.Timeout == 0 {
			hc.Timeout = hc.Interval
		}
		return hc
	}
	return p.checks["vrrp_track_process"][p.tracked["track_process"]]
}

func value(key string, args []string) (string, error) {
	if len(args) == 0 {
		return "", fmt.Errorf("%s needs a value", key)
	}
	return args[0], nil
}

func intValue(key string, args []string) (int, error) {
	v, err := value(key, args)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(v)
}

// lenientInt is the first argument as a number, 0 when it is missing or
// malformed: how the parser has always read the global numbers it does not
// validate.
func lenientInt(args []string) int {
	if len(args) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(args[0])
	return n
}

// unquote joins a command's tokens and drops the quotes around it.
func unquote(args []string) string {
	return strings.Trim(strings.Join(args, " "), `"`)
}

// Tokens splits one line of a keepalived.conf into tokens with the comment
// removed and quotes kept, so `notify_master "/x y"` is two tokens and
// braces are tokens of their own.
func Tokens(line string) []string {
	code, _ := SplitComment(line)
	var toks []string
	var cur strings.Builder
	inQuote, has := false, false
	flush := func() {
		if has {
			toks = append(toks, cur.String())
			cur.Reset()
			has = false
		}
	}
	for _, r := range code {
		switch {
		case inQuote:
			cur.WriteRune(r)
			if r == '"' {
				inQuote = false
			}
		case r == '"':
			inQuote, has = true, true
			cur.WriteRune(r)
		case r == ' ' || r == '\t' || r == '\r':
			flush()
		case r == '{' || r == '}':
			flush()
			toks = append(toks, string(r))
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	flush()
	return toks
}

// SplitComment separates a line's code from its comment, which starts at
// the first '#' or '!' outside double quotes, as in keepalived's parser.
func SplitComment(line string) (code, comment string) {
	inQuote := false
	for i, r := range line {
		switch {
		case r == '"':
			inQuote = !inQuote
		case !inQuote && (r == '#' || r == '!'):
			return line[:i], line[i:]
		}
	}
	return line, ""
}
