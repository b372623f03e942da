package mockcloud

import (
	"crypto/hmac"
	"sync"
	"time"
)

// nonceCache remembers spent SignatureNonces for as long as a request
// carrying them could still pass the timestamp check. Nonces are bucketed
// by minute so forgetting old ones is a map deletion, not a scan.
type nonceCache struct {
	mu      sync.Mutex
	buckets map[int64]map[string]struct{}
}

func newNonceCache() *nonceCache { return &nonceCache{buckets: map[int64]map[string]struct{}{}} }

// keep is how many minutes a nonce is remembered: the skew window on both
// sides plus one bucket of slack.
const nonceKeepMinutes = int64(2*timestampSkew/time.Minute) + 1

// use records the nonce and reports whether it was fresh.
func (c *nonceCache) use(akid, nonce string, now time.Time) bool {
	key := akid + "\x00" + nonce
	minute := now.Unix() / 60
	c.mu.Lock()
	defer c.mu.Unlock()
	for m, b := range c.buckets {
		if m <= minute-nonceKeepMinutes {
			delete(c.buckets, m)
			continue
		}
		if _, seen := b[key]; seen {
			return false
		}
	}
	b := c.buckets[minute]
	if b == nil {
		b = map[string]struct{}{}
		c.buckets[minute] = b
	}
	b[key] = struct{}{}
	return true
}

func hmacEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
