package mockcloud

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// How a session was issued: IssuedSession.Via.
const (
	ViaAssumeRole         = "AssumeRole"
	ViaAssumeRoleWithOIDC = "AssumeRoleWithOIDC"
	ViaEcsMetadata        = "EcsMetadata"
	ViaCredentialsURI     = "CredentialsURI"
)

// IssuedSession records one STS session the mock handed out, so a test can
// tell that a stack's calls were signed with a session's key (the journal's
// AccessKeyID) and when each was renewed. Secrets are not kept here.
type IssuedSession struct {
	AccessKeyID string    `json:"access_key_id"`
	Account     string    `json:"account"`
	RoleArn     string    `json:"role_arn"`
	Via         string    `json:"via"`
	SessionName string    `json:"session_name"`
	IssuedAt    time.Time `json:"issued_at"`
	Expiration  time.Time `json:"expiration"`
	// SourceAccessKeyID is the key that called AssumeRole (a RAM user's or
	// another session's, when chaining); empty for the other ways.
	SourceAccessKeyID string `json:"source_access_key_id,omitempty"`
	// SourceIdentity is AssumeRole's SourceIdentity, kept as given (its
	// semantics are unconfirmed).
	SourceIdentity string `json:"source_identity,omitempty"`
}

// sessionGrant is what a session is issued from: a role in an account,
// for so long, optionally narrowed by a session policy.
type sessionGrant struct {
	account        string
	role           *role
	name           string
	duration       time.Duration
	sessionPolicy  json.RawMessage
	via            string
	source         string
	sourceIdentity string
}

// sessions holds the issued-session record and the sessions the metadata
// service and the credentials URI hand out again until they near expiry.
type sessions struct {
	mu     sync.Mutex
	issued []IssuedSession

	cacheMu sync.Mutex // held across an issue, so concurrent reads share one session
	current map[string]cachedSession
}

type cachedSession struct {
	accessKeyID string
	issued      time.Time
	lifetime    time.Duration
}

// maxIssuedRecords bounds the record as the journal is bounded.
const maxIssuedRecords = 100000

// issueSession registers a new STS session as a credential of the role's
// account and records it. Expiration is whole seconds, as the answers
// carry it, so the client and the mock agree on the instant it ends.
func (s *Server) issueSession(g sessionGrant) (Credential, error) {
	now := s.now()
	exp := now.Add(g.duration).Truncate(time.Second)
	if !exp.After(now) {
		exp = exp.Add(time.Second)
	}
	c := Credential{
		AccessKeyID:     "STS." + randomString(28, alnum),
		AccessKeySecret: randomString(44, alnum),
		SecurityToken:   "CAIS" + randomString(320, alnum+"+/"),
		AccountID:       g.account,
		Expiration:      exp.UTC(),
		Policy:          g.role.policy,
		RoleArn:         roleArn(g.account, g.role.name),
		SessionName:     g.name,
		SessionPolicy:   g.sessionPolicy,
	}
	c, err := s.addCredential(c)
	if err != nil {
		return c, err
	}
	s.sessions.mu.Lock()
	if len(s.sessions.issued) >= maxIssuedRecords {
		s.sessions.issued = s.sessions.issued[1:]
	}
	s.sessions.issued = append(s.sessions.issued, IssuedSession{
		AccessKeyID: c.AccessKeyID, Account: g.account, RoleArn: c.RoleArn, Via: g.via, SessionName: g.name,
		IssuedAt: now.UTC(), Expiration: c.Expiration, SourceAccessKeyID: g.source, SourceIdentity: g.sourceIdentity,
	})
	s.sessions.mu.Unlock()
	return c, nil
}

// forgetCurrent makes the metadata service and the credentials URI issue
// new sessions: after new fixtures or a restored state, the roles the old
// ones were issued for may have changed.
func (ss *sessions) forgetCurrent() {
	ss.cacheMu.Lock()
	ss.current = nil
	ss.cacheMu.Unlock()
}

// IssuedSessions lists every session issued so far, oldest first.
func (s *Server) IssuedSessions() []IssuedSession {
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	return append([]IssuedSession(nil), s.sessions.issued...)
}

// currentSession is the session the metadata service or the credentials
// URI hands out for a role: the same one until less than half its life is
// left, then a new one. The libraries fetch again once 180 s or less are
// left, so even a short session (a fixture's session_duration_cap of
// 200 s, say) is replaced before it ends and never handed out expired.
// How early ECS itself rotates is unconfirmed; half the lifetime is the
// mock's choice.
func (s *Server) currentSession(via, account, roleName, sessionName string) (Credential, time.Time, error) {
	s.mu.RLock()
	id := s.ident
	s.mu.RUnlock()
	r := id.roles[roleName]
	if r == nil {
		return Credential{}, time.Time{}, fmt.Errorf("no role %q", roleName)
	}
	s.sessions.cacheMu.Lock()
	defer s.sessions.cacheMu.Unlock()
	if s.sessions.current == nil {
		s.sessions.current = map[string]cachedSession{}
	}
	key := via + "\x00" + account + "\x00" + roleName
	now := s.now()
	if cur, ok := s.sessions.current[key]; ok {
		s.mu.RLock()
		c, live := s.keys[cur.accessKeyID]
		s.mu.RUnlock()
		if live && c.Expiration.Sub(now) > cur.lifetime/2 {
			return c, cur.issued, nil
		}
	}
	d := id.issuedLength(time.Duration(defaultDurationSeconds) * time.Second)
	c, err := s.issueSession(sessionGrant{account: account, role: r, name: sessionName, duration: d, via: via})
	if err != nil {
		return c, time.Time{}, err
	}
	s.sessions.current[key] = cachedSession{accessKeyID: c.AccessKeyID, issued: now, lifetime: c.Expiration.Sub(now)}
	return c, now, nil
}

// issuedLength applies the fixtures' session_duration_cap.
func (id *identity) issuedLength(asked time.Duration) time.Duration {
	if id.sessionCap > 0 && asked > id.sessionCap {
		return id.sessionCap
	}
	return asked
}

// stsTime is the one layout STS and the metadata service give times in;
// the libraries parse exactly this.
const stsTime = "2006-01-02T15:04:05Z"

// sessionJSON is the credential part of every answer that hands out a
// session: STS Credentials, the metadata service, the credentials URI.
type sessionJSON struct {
	AccessKeyId     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      string
}

func sessionOf(c Credential) sessionJSON {
	return sessionJSON{AccessKeyId: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret,
		SecurityToken: c.SecurityToken, Expiration: c.Expiration.UTC().Format(stsTime)}
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString draws from crypto/rand: session keys must not collide with
// keys a restored state or another server already holds.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
