package alicloud

import (
	"context"
	"strings"
	"sync"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// codeSessionExpired is the gateway's answer to a request signed with an
// STS session that has ended.
const codeSessionExpired = "InvalidSecurityToken.Expired"

// sessionCredentials is the SDK's credentials provider: the credentials
// every SDK client signs with, replaced as a whole when an expired STS
// session is renewed, so that no request is signed with half of each.
type sessionCredentials struct {
	mu      sync.RWMutex
	cur     Credentials
	secrets map[string]string // AccessKeyId → secret of every key used, for re-signing retries
	refresh func(context.Context) (Credentials, error)
	renewMu sync.Mutex // one renewal at a time; the others wait for its outcome
}

func newSessionCredentials(c Credentials, refresh func(context.Context) (Credentials, error)) *sessionCredentials {
	return &sessionCredentials{cur: c, secrets: map[string]string{c.AccessKey: c.SecretKey}, refresh: refresh}
}

func (s *sessionCredentials) GetCredentials() (*credentials.Credentials, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return &credentials.Credentials{AccessKeyId: s.cur.AccessKey, AccessKeySecret: s.cur.SecretKey, SecurityToken: s.cur.SecurityToken,
		ProviderName: s.GetProviderName()}, nil
}

func (s *sessionCredentials) GetProviderName() string { return "havip_session" }

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
// another call has renewed the session already, or Refresh gave a
// session other than the expired one.
func (c *Client) renewSession(ctx context.Context, used string) bool {
	s := c.creds
	if s.refresh == nil || used == "" {
		return false
	}
	s.renewMu.Lock()
	defer s.renewMu.Unlock()
	if s.token() != used {
		return true // renewed while this call waited
	}
	next, err := s.refresh(ctx)
	if err != nil {
		tflog.Warn(ctx, "alicloud: the STS session expired and reading new credentials failed", map[string]any{"error": c.red.scrub(err.Error())})
		return false
	}
	if strings.TrimSpace(next.AccessKey) == "" || strings.TrimSpace(next.SecretKey) == "" || next.SecurityToken == used {
		tflog.Warn(ctx, "alicloud: the STS session expired and the credentials source holds no newer session", nil)
		return false
	}
	c.red.add(next.SecretKey, next.SecurityToken)
	s.mu.Lock()
	s.cur = next
	s.secrets[next.AccessKey] = next.SecretKey
	s.mu.Unlock()
	tflog.Info(ctx, "alicloud: renewed the STS session from the credentials source", map[string]any{"access_key_id": maskKey(next.AccessKey)})
	return true
}
