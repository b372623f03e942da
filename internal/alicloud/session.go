package alicloud

import (
	"context"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// codeSessionExpired is the gateway's answer to a request signed with an
// STS session that has ended.
const codeSessionExpired = "InvalidSecurityToken.Expired"

// sessionCredentials is the SDK's credentials provider. The SDK asks it
// once per request and signs the request with the one whole set it gets,
// so a renewal between two requests never mixes two sessions in one.
type sessionCredentials struct {
	src *CredentialSource
	red *redactor

	mu      sync.RWMutex
	cur     Credentials       // the last set handed out
	secrets map[string]string // AccessKeyId → secret of every key used, for re-signing retries
	renewMu sync.Mutex        // one forced renewal at a time; the others wait for its outcome
}

func newSessionCredentials(src *CredentialSource, red *redactor) *sessionCredentials {
	red.add(src.secrets...)
	return &sessionCredentials{src: src, red: red, secrets: map[string]string{}}
}

func (s *sessionCredentials) GetCredentials() (*credentials.Credentials, error) {
	c, err := s.current()
	if err != nil {
		return nil, err
	}
	return &credentials.Credentials{AccessKeyId: c.AccessKey, AccessKeySecret: c.SecretKey, SecurityToken: c.SecurityToken,
		ProviderName: s.GetProviderName()}, nil
}

func (s *sessionCredentials) GetProviderName() string { return "havip_session" }

// current asks the source (which renews a session that is due) and
// remembers a new set: its secrets join the redactor before any request
// signed with it can be logged.
func (s *sessionCredentials) current() (Credentials, error) {
	c, err := s.src.Credentials()
	if err != nil {
		return Credentials{}, &SignInError{Mode: s.src.Mode(), Err: &scrubbedError{msg: s.red.scrub(err.Error()), cause: err}}
	}
	s.mu.RLock()
	same := c == s.cur
	s.mu.RUnlock()
	if !same {
		s.red.add(c.SecretKey, c.SecurityToken)
		s.mu.Lock()
		s.cur = c
		s.secrets[c.AccessKey] = c.SecretKey
		s.mu.Unlock()
	}
	return c, nil
}

func (s *sessionCredentials) token() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cur.SecurityToken
}

func (s *sessionCredentials) secretOf(accessKeyID string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.secrets[accessKeyID]; ok {
		return v
	}
	return s.cur.SecretKey
}

// renewSession is called when a call signed with the session token used
// was refused as expired. It reports whether the call may be sent again:
// another call has renewed the session already, or the source, built
// again (the profile read again, a new AssumeRole), gave a session other
// than the expired one.
func (c *Client) renewSession(ctx context.Context, used string) bool {
	s := c.creds
	if used == "" {
		return false
	}
	s.renewMu.Lock()
	defer s.renewMu.Unlock()
	if now, err := s.current(); err == nil && now.SecurityToken != used {
		return true // renewed while this call waited
	}
	if !s.src.rebuild() {
		return false
	}
	next, err := s.current()
	if err != nil {
		tflog.Warn(ctx, "alicloud: the STS session expired and signing in again failed", map[string]any{"error": err.Error()})
		return false
	}
	if next.SecurityToken == used {
		tflog.Warn(ctx, "alicloud: the STS session expired and the credentials source holds no newer session", nil)
		return false
	}
	tflog.Info(ctx, "alicloud: renewed the STS session", map[string]any{"access_key_id": maskKey(next.AccessKey), "mode": s.src.Mode()})
	return true
}
