package mockcloud

import (
	"encoding/json"
	"fmt"
	"time"
)

// loadPolicy parses the credential's policy document, so that a policy the
// mock cannot evaluate is refused when it is given, not when it is used.
func (c *Credential) loadPolicy() error {
	c.policy, c.sessionPolicy = nil, nil
	if len(c.SessionPolicy) == 0 || string(c.SessionPolicy) == "null" {
		c.SessionPolicy = nil
	} else {
		p, err := ParsePolicy(c.SessionPolicy)
		if err != nil {
			return fmt.Errorf("mockcloud: credential %s: session policy: %w", c.AccessKeyID, err)
		}
		c.sessionPolicy = p
	}
	if len(c.Policy) == 0 || string(c.Policy) == "null" {
		c.Policy = nil
		if c.RoleArn != "" {
			// A role with no policy attached may do nothing, as in RAM; an
			// account's own key without one may do everything.
			c.policy = &Policy{Version: "1"}
		}
		return nil
	}
	p, err := ParsePolicy(c.Policy)
	if err != nil {
		return fmt.Errorf("mockcloud: credential %s: %w", c.AccessKeyID, err)
	}
	c.policy = p
	return nil
}

// checkSession refuses a request of an STS session that does not carry its
// token or comes after the session expired (on the virtual clock). Codes
// as Alibaba's STS documentation names them; it lists HTTP 400 or 403 for
// them depending on the product, and the mock answers 400 for all three.
func checkSession(c Credential, token string, now time.Time) *APIError {
	if c.SecurityToken == "" {
		return nil
	}
	switch {
	case token == "":
		return badRequest("InvalidSecurityToken.Missing", "The AccessKeyId %s belongs to an STS session; the request must carry its SecurityToken.", c.AccessKeyID)
	case token != c.SecurityToken:
		return badRequest("InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey.")
	case !c.Expiration.IsZero() && !now.Before(c.Expiration):
		return badRequest("InvalidSecurityToken.Expired", "Specified SecurityToken is expired: the session ended at %s.", c.Expiration.UTC().Format(time.RFC3339))
	}
	return nil
}

// AddCredential registers an AccessKey (with an optional policy, or as an
// STS session) on the account it names, a new account when it names none
// or one that does not exist yet.
func (s *Server) AddCredential(c Credential) (Credential, error) {
	return s.addCredential(c)
}

// updateCredential changes a registered key under the server lock.
func (s *Server) updateCredential(akid string, change func(*Credential) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.keys[akid]
	if !ok {
		return fmt.Errorf("no AccessKeyId %q", akid)
	}
	if err := change(&c); err != nil {
		return err
	}
	s.keys[akid] = c
	s.changes.Add(1)
	return nil
}

// SetPolicy attaches a RAM policy document to a key; an empty document
// removes it, giving the key full access again.
func (s *Server) SetPolicy(akid string, doc []byte) error {
	return s.updateCredential(akid, func(c *Credential) error {
		c.Policy = json.RawMessage(doc)
		return c.loadPolicy()
	})
}

// ExpireSession ends an STS session now: its next request is refused
// with InvalidSecurityToken.Expired.
func (s *Server) ExpireSession(akid string) error {
	return s.updateCredential(akid, func(c *Credential) error {
		if c.SecurityToken == "" {
			return fmt.Errorf("AccessKeyId %s is not an STS session", akid)
		}
		c.Expiration = s.now()
		return nil
	})
}

// registerFixtureCredentials adds the keys of newly loaded fixtures; a key
// already registered takes the fixture's policy, session and user name.
func (s *Server) registerFixtureCredentials(cs []Credential) error {
	for _, fc := range cs {
		s.mu.RLock()
		_, known := s.keys[fc.AccessKeyID]
		s.mu.RUnlock()
		if !known {
			if _, err := s.addCredential(fc); err != nil {
				return err
			}
			continue
		}
		err := s.updateCredential(fc.AccessKeyID, func(c *Credential) error {
			c.Policy, c.SecurityToken, c.Expiration, c.UserName = fc.Policy, fc.SecurityToken, fc.Expiration, fc.UserName
			return c.loadPolicy()
		})
		if err != nil {
			return err
		}
	}
	return nil
}
