package mockcloud

import "fmt"

// Reset puts one account ("" = every account) back to the fixtures.
func (s *Server) Reset(accountRef string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.changes.Add(1)
	ids := s.order
	if accountRef != "" {
		id := accountRef
		if c, ok := s.keys[accountRef]; ok {
			id = c.AccountID
		}
		if s.accounts[id] == nil {
			return fmt.Errorf("no account or AccessKeyId %q", accountRef)
		}
		ids = []string{id}
	}
	for _, id := range ids {
		a, err := newAccount(id, s.seed, s.now(), s.fixtures)
		if err != nil {
			return err
		}
		s.accounts[id] = a
	}
	return nil
}

// LoadFixtures replaces the fixtures and resets every account to them.
func (s *Server) LoadFixtures(fx *Fixtures) error {
	// Build once first so a bad file changes nothing. Restore writes s.seed
	// under s.mu, so read it there.
	s.mu.RLock()
	seed := s.seed
	s.mu.RUnlock()
	if _, err := newAccount("0000000000000000", seed, s.now(), fx); err != nil {
		return err
	}
	for _, c := range fx.Credentials {
		if err := c.loadPolicy(); err != nil {
			return err
		}
	}
	ident, err := compileIdentity(fx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.fixtures, s.ident = fx, ident
	s.mu.Unlock()
	s.sessions.forgetCurrent()
	if err := s.Reset(""); err != nil {
		return err
	}
	return s.registerFixtureCredentials(fx.Credentials)
}
