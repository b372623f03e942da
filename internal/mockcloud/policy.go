package mockcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Policy is a RAM policy document in Alibaba's policy language (Version
// "1"), reduced to what this mock evaluates: Effect, Action and Resource.
// Anything else a real policy may hold (Condition, NotAction, NotResource,
// Principal) is refused when the policy is loaded, because a mock that
// silently ignored a Condition would allow what the cloud denies.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one rule of a Policy.
type Statement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// Effects of a statement.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// ParsePolicy reads a policy document and rejects, with the statement and
// element at fault, anything this mock would not evaluate as the cloud does.
func ParsePolicy(doc []byte) (*Policy, error) {
	version, stmts, err := parseDocument(doc, "a policy", parseStatement)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return &Policy{Version: version, Statement: stmts}, nil
}

// parseDocument reads the frame RAM policies and trust policies share:
// Version "1" and a non-empty list of statements, each read by parse;
// what names the document in errors.
func parseDocument[S any](doc []byte, what string, parse func(json.RawMessage) (S, error)) (string, []S, error) {
	var top map[string]json.RawMessage
	if err := decodeStrict(doc, &top); err != nil {
		return "", nil, err
	}
	var version string
	var stmts []S
	for k, v := range top {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &version); err != nil {
				return "", nil, fmt.Errorf("Version must be a string: %w", err)
			}
		case "Statement":
			var raws []json.RawMessage
			if err := json.Unmarshal(v, &raws); err != nil {
				return "", nil, fmt.Errorf("Statement must be a list of statements: %w", err)
			}
			for i, raw := range raws {
				st, err := parse(raw)
				if err != nil {
					return "", nil, fmt.Errorf("Statement[%d]: %w", i, err)
				}
				stmts = append(stmts, st)
			}
		default:
			return "", nil, fmt.Errorf("unknown element %q (%s has Version and Statement)", k, what)
		}
	}
	if version != "1" {
		return "", nil, fmt.Errorf("Version must be \"1\", not %q", version)
	}
	if len(stmts) == 0 {
		return "", nil, errors.New("Statement is missing or empty")
	}
	return version, stmts, nil
}

func parseStatement(raw json.RawMessage) (Statement, error) {
	var m map[string]json.RawMessage
	if err := decodeStrict(raw, &m); err != nil {
		return Statement{}, err
	}
	var st Statement
	for k, v := range m {
		var err error
		switch k {
		case "Effect":
			err = json.Unmarshal(v, &st.Effect)
		case "Action":
			st.Action, err = stringOrList(v)
		case "Resource":
			st.Resource, err = stringOrList(v)
		case "Condition", "NotAction", "NotResource", "Principal":
			return st, fmt.Errorf("%s is not supported by this mock; it evaluates Effect, Action and Resource only, and refuses the policy rather than ignore part of it", k)
		default:
			return st, fmt.Errorf("unknown element %q (a statement has Effect, Action and Resource)", k)
		}
		if err != nil {
			return st, fmt.Errorf("%s: %w", k, err)
		}
	}
	if st.Effect != EffectAllow && st.Effect != EffectDeny {
		return st, fmt.Errorf("Effect must be %q or %q, not %q", EffectAllow, EffectDeny, st.Effect)
	}
	if len(st.Action) == 0 {
		return st, errors.New("Action is missing or empty")
	}
	for _, a := range st.Action {
		if err := checkActionPattern(a); err != nil {
			return st, err
		}
	}
	if len(st.Resource) == 0 {
		return st, errors.New("Resource is missing or empty")
	}
	for _, r := range st.Resource {
		if err := checkResourcePattern(r); err != nil {
			return st, err
		}
	}
	return st, nil
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON document")
	}
	return nil
}

// stringOrList reads an element that the policy language lets be either
// one string or a list of strings.
func stringOrList(v json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(v, &many); err != nil {
		return nil, errors.New("must be a string or a list of strings")
	}
	return many, nil
}

func checkActionPattern(a string) error {
	if a == "*" {
		return nil
	}
	product, name, ok := strings.Cut(a, ":")
	if !ok || product == "" || name == "" || strings.Contains(name, ":") {
		return fmt.Errorf("Action %q must be \"*\" or product:ApiName, such as vpc:CreateHaVip or vpc:*HaVip*", a)
	}
	return nil
}

func checkResourcePattern(r string) error {
	if r == "*" {
		return nil
	}
	parts := strings.SplitN(r, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" || parts[1] == "" || parts[4] == "" {
		return fmt.Errorf("Resource %q must be \"*\" or an ARN acs:service:region:account:relative-id, such as acs:vpc:*:*:havip/*", r)
	}
	return nil
}

// Decision is the outcome of evaluating a request against a policy.
type Decision struct {
	Allowed bool
	// ExplicitDeny is set when a Deny statement matched; otherwise a
	// refusal is the implicit deny of no matching Allow.
	ExplicitDeny bool
	// Resource is the resource that was refused.
	Resource string
}

// Evaluate decides whether action (product:ApiName) may act on every one
// of resources (ARNs, or "*" for an action without a resource). As in RAM,
// an explicit Deny wins over any Allow, and what no Allow matches is
// denied. Actions match case-insensitively, resources case-sensitively.
func (p *Policy) Evaluate(action string, resources []string) Decision {
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	for _, r := range resources {
		for _, st := range p.Statement {
			if st.Effect == EffectDeny && st.matches(action, r) {
				return Decision{ExplicitDeny: true, Resource: r}
			}
		}
	}
	for _, r := range resources {
		allowed := false
		for _, st := range p.Statement {
			if st.Effect == EffectAllow && st.matches(action, r) {
				allowed = true
				break
			}
		}
		if !allowed {
			return Decision{Resource: r}
		}
	}
	return Decision{Allowed: true}
}

func (st Statement) matches(action, resource string) bool {
	return anyGlob(st.Action, action, true) && anyGlob(st.Resource, resource, false)
}

func anyGlob(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if glob(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches s against a pattern where * stands for any run of
// characters (colons and slashes included, as in RAM) and ? for one.
func glob(pattern, s string) bool {
	// Iterative matching with one backtrack point: linear in practice and
	// never exponential, whatever a policy holds.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pattern) && (pattern[pi] == '?' || pattern[pi] == s[si]):
			pi++
			si++
		case pi < len(pattern) && pattern[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
