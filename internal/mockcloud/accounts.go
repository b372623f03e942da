package mockcloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// Credential is one AccessKey pair; each maps to one account with its own
// isolated state.
type Credential struct {
	AccessKeyID     string `json:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret"`
	AccountID       string `json:"account_id"`
	// UserName names the RAM user the key belongs to; empty is the
	// account's own (root) key, which may not assume a role.
	UserName string `json:"user_name,omitempty"`
	// SecurityToken makes the key an STS session: every request must carry
	// the token, and none is served after Expiration (when set).
	SecurityToken string    `json:"security_token,omitempty"`
	Expiration    time.Time `json:"expiration,omitzero"`
	// Policy is a RAM policy document (policy.go); a key without one may do
	// everything, as an account's own AccessKey can.
	Policy json.RawMessage `json:"policy,omitempty"`
	// RoleArn marks a session a role was assumed for (sessions.go): its
	// Policy is the role's (none: no permission), and SessionPolicy, when
	// set, narrows it further; a request needs both to allow it.
	RoleArn       string          `json:"role_arn,omitempty"`
	SessionName   string          `json:"session_name,omitempty"`
	SessionPolicy json.RawMessage `json:"session_policy,omitempty"`
	policy        *Policy
	sessionPolicy *Policy
}

// Credentials returns the default account's own key: the first account's
// key that is neither a RAM user's nor an STS session's (the account may
// hold those too), the lowest AccessKeyId if there are several.
func (s *Server) Credentials() Credential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var best Credential
	for _, c := range s.keys {
		if c.AccountID != s.order[0] || c.UserName != "" || c.SecurityToken != "" {
			continue
		}
		if best.AccessKeyID == "" || c.AccessKeyID < best.AccessKeyID {
			best = c
		}
	}
	return best
}

func (s *Server) deriveCredential() Credential {
	s.nextAcct++
	r := rand.New(rand.NewPCG(s.seed, uint64(s.nextAcct)))
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	pick := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = upper[r.IntN(len(upper))]
		}
		return string(b)
	}
	return Credential{
		AccessKeyID:     "LTAI5mock" + pick(15),
		AccessKeySecret: pick(30),
		AccountID:       fmt.Sprintf("%016d", 1000000000000000+r.Int64N(8999999999999999)),
	}
}

func (s *Server) addCredential(c Credential) (Credential, error) {
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return c, errors.New("mockcloud: a credential needs an AccessKeyId and a secret")
	}
	if c.AccountID == "" {
		c.AccountID = deriveAccountID(s.seed, c.AccessKeyID)
	}
	if err := c.loadPolicy(); err != nil {
		return c, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.keys[c.AccessKeyID]; dup {
		return c, fmt.Errorf("mockcloud: AccessKeyId %q is configured twice", c.AccessKeyID)
	}
	if s.accounts[c.AccountID] == nil {
		a, err := newAccount(c.AccountID, s.seed, s.now(), s.fixtures)
		if err != nil {
			return c, err
		}
		s.accounts[c.AccountID] = a
		s.order = append(s.order, c.AccountID)
	}
	s.keys[c.AccessKeyID] = c
	s.changes.Add(1)
	return c, nil
}

func deriveAccountID(seed uint64, ak string) string {
	a, _ := seedFor(seed, "account/"+ak)
	return fmt.Sprintf("%016d", 1000000000000000+a%8999999999999999)
}

// NewAccount registers a fresh credential whose account starts from the
// fixtures: one per parallel test gives isolation for free.
func (s *Server) NewAccount() (Credential, error) {
	s.mu.Lock()
	c := s.deriveCredential()
	s.mu.Unlock()
	return s.addCredential(c)
}

// resolveAccount finds an account by ID or by one of its AccessKeyIds; ""
// is the default account.
func (s *Server) resolveAccount(ref string) (*account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ref == "" {
		return s.accounts[s.order[0]], nil
	}
	if a := s.accounts[ref]; a != nil {
		return a, nil
	}
	if c, ok := s.keys[ref]; ok {
		return s.accounts[c.AccountID], nil
	}
	return nil, fmt.Errorf("mockcloud: no account or AccessKeyId %q", ref)
}

// Accounts lists every credential.
func (s *Server) Accounts() []Credential {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Credential, 0, len(s.keys))
	for _, k := range slices.Sorted(maps.Keys(s.keys)) {
		out = append(out, s.keys[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AccountID < out[j].AccountID })
	return out
}
