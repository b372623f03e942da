package mockcloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// FixtureRole is a RAM role every account has. TrustPolicy says who may
// assume it (RAM users and role sessions, a Service, an OIDC provider);
// Policy is the policy attached to it, which judges its sessions' requests
// (none attached: the sessions may do nothing).
type FixtureRole struct {
	Name        string          `json:"name"`
	TrustPolicy json.RawMessage `json:"trust_policy"`
	// MaxSessionDuration in seconds, 3600 to 43200; default 3600.
	MaxSessionDuration int             `json:"max_session_duration,omitempty"`
	Policy             json.RawMessage `json:"policy,omitempty"`
}

// Session length limits as STS documents them.
const (
	minDurationSeconds     = 900
	defaultDurationSeconds = 3600
	maxRoleSessionSeconds  = 43200
)

var roleNameRE = regexp.MustCompile(`^[A-Za-z0-9.\-]{1,64}$`)

// role is a FixtureRole checked and parsed once, when the fixtures load.
type role struct {
	name       string
	maxSession int
	policy     json.RawMessage
	trust      *trustPolicy // ${AccountId} still unexpanded: see trustIn
	trustRaw   string
}

// roleArn is the ARN of a role in an account.
func roleArn(account, name string) string { return "acs:ram::" + account + ":role/" + name }

// parseRoleArn splits acs:ram::<account>:role/<name>.
func parseRoleArn(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "acs:ram::")
	if !ok {
		return "", "", false
	}
	account, name, ok = strings.Cut(rest, ":role/")
	return account, name, ok && account != "" && name != "" && !strings.Contains(name, "/")
}

// roleID is the role's numeric ID, stable for an account and a name as a
// real role's is for its life; AssumedRoleId is <roleID>:<session>.
func roleID(account, name string) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", account, name)
	return fmt.Sprintf("3%018d", h.Sum64()%1_000_000_000_000_000_000)
}

func compileRole(fr FixtureRole) (*role, error) {
	if !roleNameRE.MatchString(fr.Name) {
		return nil, fmt.Errorf("fixtures: role name %q must be 1-64 letters, digits, '.' or '-'", fr.Name)
	}
	r := &role{name: fr.Name, maxSession: fr.MaxSessionDuration, policy: fr.Policy}
	if r.maxSession == 0 {
		r.maxSession = defaultDurationSeconds
	}
	if r.maxSession < defaultDurationSeconds || r.maxSession > maxRoleSessionSeconds {
		return nil, fmt.Errorf("fixtures: role %s: max_session_duration %d is outside 3600-43200 seconds", fr.Name, fr.MaxSessionDuration)
	}
	if len(fr.Policy) > 0 && string(fr.Policy) != "null" {
		if _, err := ParsePolicy(fr.Policy); err != nil {
			return nil, fmt.Errorf("fixtures: role %s: policy: %w", fr.Name, err)
		}
	} else {
		r.policy = nil
	}
	if len(fr.TrustPolicy) == 0 {
		return nil, fmt.Errorf("fixtures: role %s: trust_policy is required", fr.Name)
	}
	tp, err := parseTrustPolicy(fr.TrustPolicy)
	if err != nil {
		return nil, fmt.Errorf("fixtures: role %s: trust_policy: %w", fr.Name, err)
	}
	r.trust, r.trustRaw = tp, string(fr.TrustPolicy)
	return r, nil
}

// trustIn is the role's trust policy in one account: ${AccountId} becomes
// that account, so one fixture role trusts "its own" account anywhere.
func (r *role) trustIn(account string) *trustPolicy {
	return r.trust.expand(account)
}

// trustPolicy is a role's trust policy, reduced to what the mock
// evaluates. As for RAM policies (policy.go), an element the mock would
// not evaluate is refused when the fixtures load rather than ignored.
type trustPolicy struct {
	Statement []trustStatement
}

type trustStatement struct {
	Effect    string
	Action    []string
	RAM       []string // acs:ram::<id>:root, acs:ram::<id>:user/<name>
	Service   []string // ecs.aliyuncs.com
	Federated []string // acs:ram::<id>:oidc-provider/<name>
	// Condition: operator → key → allowed values.
	Condition map[string]map[string][]string
}

// Condition keys a trust policy may test. oidc:iss, oidc:aud and oidc:sub
// are documented for OIDC roles; sts:ExternalId is the mock's name for the
// ExternalId of AssumeRole: Alibaba's docs show the parameter but not the
// condition key (unconfirmed).
const (
	condExternalID = "sts:ExternalId"
	condOIDCIssuer = "oidc:iss"
	condOIDCAud    = "oidc:aud"
	condOIDCSub    = "oidc:sub"
)

var trustConditionKeys = map[string]bool{condExternalID: true, condOIDCIssuer: true, condOIDCAud: true, condOIDCSub: true}

// Condition operators the mock evaluates.
const (
	opStringEquals = "StringEquals"
	opStringLike   = "StringLike"
)

func parseTrustPolicy(doc []byte) (*trustPolicy, error) {
	_, stmts, err := parseDocument(doc, "a trust policy", parseTrustStatement)
	if err != nil {
		return nil, err
	}
	return &trustPolicy{Statement: stmts}, nil
}

func parseTrustStatement(raw json.RawMessage) (trustStatement, error) {
	var m map[string]json.RawMessage
	if err := decodeStrict(raw, &m); err != nil {
		return trustStatement{}, err
	}
	var st trustStatement
	for k, v := range m {
		var err error
		switch k {
		case "Effect":
			err = json.Unmarshal(v, &st.Effect)
		case "Action":
			st.Action, err = stringOrList(v)
		case "Principal":
			err = st.parsePrincipal(v)
		case "Condition":
			err = st.parseCondition(v)
		default:
			return st, fmt.Errorf("unknown or unsupported element %q (the mock evaluates Effect, Action, Principal and Condition)", k)
		}
		if err != nil {
			return st, fmt.Errorf("%s: %w", k, err)
		}
	}
	if st.Effect != EffectAllow && st.Effect != EffectDeny {
		return st, fmt.Errorf("Effect must be %q or %q, not %q", EffectAllow, EffectDeny, st.Effect)
	}
	if len(st.Action) == 0 {
		return st, errors.New("Action is missing (sts:AssumeRole)")
	}
	if len(st.RAM)+len(st.Service)+len(st.Federated) == 0 {
		return st, errors.New("Principal is missing or names nobody")
	}
	return st, nil
}

func (st *trustStatement) parsePrincipal(v json.RawMessage) error {
	var m map[string]json.RawMessage
	if err := decodeStrict(v, &m); err != nil {
		return err
	}
	for k, raw := range m {
		vals, err := stringOrList(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "RAM":
			for _, p := range vals {
				if !strings.HasPrefix(p, "acs:ram::") || !(strings.HasSuffix(p, ":root") || strings.Contains(p, ":user/")) {
					return fmt.Errorf("RAM principal %q must be acs:ram::<account>:root or acs:ram::<account>:user/<name>", p)
				}
			}
			st.RAM = vals
		case "Service":
			st.Service = vals
		case "Federated":
			for _, p := range vals {
				if _, _, ok := parseOIDCProviderArn(strings.ReplaceAll(p, "${AccountId}", "0")); !ok {
					return fmt.Errorf("Federated principal %q must be acs:ram::<account>:oidc-provider/<name> (SAML is not served by this mock)", p)
				}
			}
			st.Federated = vals
		default:
			return fmt.Errorf("principal type %q is not supported (RAM, Service, Federated)", k)
		}
	}
	return nil
}

func (st *trustStatement) parseCondition(v json.RawMessage) error {
	var m map[string]map[string]json.RawMessage
	if err := decodeStrict(v, &m); err != nil {
		return err
	}
	st.Condition = map[string]map[string][]string{}
	for op, keys := range m {
		if op != opStringEquals && op != opStringLike {
			return fmt.Errorf("operator %q is not supported by this mock (%s, %s)", op, opStringEquals, opStringLike)
		}
		st.Condition[op] = map[string][]string{}
		for key, raw := range keys {
			if !trustConditionKeys[key] {
				return fmt.Errorf("condition key %q is not supported by this mock (%s)", key, strings.Join(slices.Sorted(maps.Keys(trustConditionKeys)), ", "))
			}
			vals, err := stringOrList(raw)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", op, key, err)
			}
			st.Condition[op][key] = vals
		}
	}
	return nil
}

// expand replaces ${AccountId} in principals and condition values.
func (tp *trustPolicy) expand(account string) *trustPolicy {
	rep := strings.NewReplacer("${AccountId}", account)
	each := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = rep.Replace(s)
		}
		return out
	}
	out := &trustPolicy{}
	for _, st := range tp.Statement {
		c := trustStatement{Effect: st.Effect, Action: st.Action, RAM: each(st.RAM), Service: each(st.Service), Federated: each(st.Federated)}
		if st.Condition != nil {
			c.Condition = map[string]map[string][]string{}
			for op, keys := range st.Condition {
				c.Condition[op] = map[string][]string{}
				for k, vals := range keys {
					c.Condition[op][k] = each(vals)
				}
			}
		}
		out.Statement = append(out.Statement, c)
	}
	return out
}

// principal is who asks to assume a role: a RAM user or role session of
// an account, a cloud service, or the holder of an OIDC provider's token.
type principal struct {
	account   string
	user      string // RAM user name
	role      string // role name of a session
	service   string
	federated string // OIDC provider ARN
}

// allows evaluates the trust policy for sts:AssumeRole by p with the
// request's condition values (key → values; the token's audiences can be
// several). A matching Deny wins; otherwise an Allow must match.
func (tp *trustPolicy) allows(p principal, ctx map[string][]string) bool {
	allowed := false
	for _, st := range tp.Statement {
		if !anyGlob(st.Action, "sts:AssumeRole", true) || !st.names(p) || !st.conditionsHold(ctx) {
			continue
		}
		if st.Effect == EffectDeny {
			return false
		}
		allowed = true
	}
	return allowed
}

func (st trustStatement) names(p principal) bool {
	if p.service != "" {
		return contains(st.Service, p.service)
	}
	if p.federated != "" {
		return contains(st.Federated, p.federated)
	}
	if p.account == "" || (p.user == "" && p.role == "") {
		return false // an account's own key never assumes a role
	}
	for _, r := range st.RAM {
		if r == "acs:ram::"+p.account+":root" || (p.user != "" && r == "acs:ram::"+p.account+":user/"+p.user) {
			return true
		}
	}
	return false
}

func (st trustStatement) conditionsHold(ctx map[string][]string) bool {
	for op, keys := range st.Condition {
		for key, want := range keys {
			have := ctx[key]
			ok := false
			for _, h := range have {
				for _, w := range want {
					if (op == opStringEquals && h == w) || (op == opStringLike && glob(w, h)) {
						ok = true
					}
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// identity is the parsed identity side of the fixtures: roles, OIDC
// providers, the ECS role and session limits.
type identity struct {
	roles      map[string]*role
	oidc       map[string]*oidcProvider
	ecsRole    string
	minSession time.Duration
	sessionCap time.Duration
}

// compileIdentity checks and parses the identity fixtures; a mistake in
// them is an error when they load, not a refusal in the middle of a test.
func compileIdentity(fx *Fixtures) (*identity, error) {
	id := &identity{ecsRole: fx.EcsRamRole, minSession: time.Duration(fx.MinSessionDuration), sessionCap: time.Duration(fx.SessionDurationCap)}
	if id.minSession < 0 || id.sessionCap < 0 {
		return nil, errors.New("fixtures: min_session_duration and session_duration_cap must not be negative")
	}
	if id.minSession > 0 && id.minSession < time.Second {
		return nil, errors.New("fixtures: min_session_duration must be at least 1s")
	}
	var err error
	if id.roles, err = compileNamed(fx.Roles, compileRole, func(r *role) string { return r.name }, "role"); err != nil {
		return nil, err
	}
	if id.oidc, err = compileNamed(fx.OIDCProviders, compileOIDCProvider, func(p *oidcProvider) string { return p.name }, "OIDC provider"); err != nil {
		return nil, err
	}
	if id.ecsRole != "" {
		r := id.roles[id.ecsRole]
		if r == nil {
			return nil, fmt.Errorf("fixtures: ecs_ram_role %q is not among the roles", id.ecsRole)
		}
		if !r.trust.allows(principal{service: ecsService}, nil) {
			return nil, fmt.Errorf("fixtures: ecs_ram_role %q: its trust policy does not allow the Service %s, so ECS could not attach it", id.ecsRole, ecsService)
		}
	}
	return id, nil
}

// compileNamed compiles declarations into a map by the name each is
// declared under; kind says what they are when a name is declared twice,
// which would otherwise let the second replace the first unseen.
func compileNamed[D, T any](decls []D, compile func(D) (T, error), name func(T) string, kind string) (map[string]T, error) {
	out := make(map[string]T, len(decls))
	for _, d := range decls {
		v, err := compile(d)
		if err != nil {
			return nil, err
		}
		n := name(v)
		if _, dup := out[n]; dup {
			return nil, fmt.Errorf("fixtures: %s %q is declared twice", kind, n)
		}
		out[n] = v
	}
	return out, nil
}

// ecsService is the Service principal ECS assumes instance roles as.
const ecsService = "ecs.aliyuncs.com"

// SetRolePolicy replaces the policy of a fixture role in every account;
// sessions issued from now on get it, those issued before keep theirs (as
// a real session keeps the policy it was issued with until it ends).
func (s *Server) SetRolePolicy(name string, doc []byte) error {
	if _, err := ParsePolicy(doc); err != nil {
		return fmt.Errorf("mockcloud: role %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.ident.roles[name]
	if !ok {
		return fmt.Errorf("mockcloud: no role %q", name)
	}
	// The identity is read without the lock once its pointer is taken, so
	// it is replaced, never changed in place.
	id := *s.ident
	id.roles = maps.Clone(s.ident.roles)
	changed := *r
	changed.policy = json.RawMessage(doc)
	id.roles[name] = &changed
	s.ident = &id
	s.changes.Add(1)
	return nil
}
