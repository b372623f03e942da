package mockcloud

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The ECS metadata service's instance-RAM-role paths, as documented
// (shared/reference/credentials-and-sts.md §4). The role it hands out is
// the fixtures' ecs_ram_role, in the default (first) account.
const (
	metadataHost        = "100.100.100.200"
	metadataProduct     = "EcsMetadata"
	metadataTokenPath   = "/latest/api/token"
	metadataCredsPrefix = "/latest/meta-data/ram/security-credentials/"
	metadataTTLHeader   = "X-aliyun-ecs-metadata-token-ttl-seconds"
	metadataTokenHeader = "X-aliyun-ecs-metadata-token"
	metadataMaxTTL      = 21600
	// metadataSessionName names the sessions the service issues (what ECS
	// names them is unconfirmed).
	metadataSessionName = "EcsRamRoleSession"
)

// metadataTokens are the session tokens PUT /latest/api/token handed out,
// each with its expiry on the mock's clock.
type metadataTokens struct {
	mu     sync.Mutex
	tokens map[string]time.Time
}

func (m *metadataTokens) issue(now time.Time, ttl time.Duration) string {
	tok := randomString(56, alnum)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = map[string]time.Time{}
	}
	for t, exp := range m.tokens {
		if !now.Before(exp) {
			delete(m.tokens, t)
		}
	}
	m.tokens[tok] = now.Add(ttl)
	return tok
}

func (m *metadataTokens) valid(tok string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.tokens[tok]
	return ok && now.Before(exp)
}

// MetadataHandler serves the metadata service's RAM-role paths. The mock's
// listeners route to it any request for host 100.100.100.200, so a client
// whose HTTP proxy is the mock (credentials-go's HttpOptions.Proxy, or
// HTTP_PROXY) reaches it; a test that owns a network namespace can also
// serve it on 100.100.100.200:80 itself.
func (s *Server) MetadataHandler() http.Handler { return http.HandlerFunc(s.serveMetadata) }

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	entry := JournalEntry{Time: start, Product: metadataProduct, RequestID: s.newRequestID(), Params: map[string]string{"Path": r.URL.Path}}
	var body []byte
	status, contentType := http.StatusOK, "text/plain"
	reply := func(st int, code, msg string) {
		status, entry.Code, body = st, code, []byte(msg)
	}
	now := s.now()
	path := r.URL.Path
	s.mu.RLock()
	roleName, account := s.ident.ecsRole, s.order[0]
	s.mu.RUnlock()
	entry.Account = account
	switch {
	case path == metadataTokenPath:
		entry.Action = "GetMetadataToken"
		if r.Method != http.MethodPut {
			reply(http.StatusMethodNotAllowed, "MethodNotAllowed", "Use PUT to get a metadata token.")
			break
		}
		ttl, err := strconv.Atoi(r.Header.Get(metadataTTLHeader))
		if err != nil || ttl < 1 || ttl > metadataMaxTTL {
			reply(http.StatusBadRequest, "InvalidTokenTTL", "The header "+metadataTTLHeader+" must be an integer from 1 to 21600.")
			break
		}
		reply(http.StatusOK, "", s.metadata.issue(now, time.Duration(ttl)*time.Second))
	case strings.HasPrefix(path, metadataCredsPrefix):
		entry.Action = "GetRamRoleCredentials"
		if path == metadataCredsPrefix {
			entry.Action = "ListRamRoles"
		}
		if r.Method != http.MethodGet {
			reply(http.StatusMethodNotAllowed, "MethodNotAllowed", "Use GET to read instance metadata.")
			break
		}
		tok := r.Header.Get(metadataTokenHeader)
		entry.Signature = "token"
		switch {
		case tok == "" && s.opts.MetadataTokenRequired:
			// Hardened-only instances refuse a tokenless read; the
			// status ECS gives is unconfirmed.
			entry.Signature = "tokenless"
			reply(http.StatusForbidden, "TokenRequired", "This instance accepts metadata requests in hardened mode only: PUT "+metadataTokenPath+" first.")
			break
		case tok == "":
			entry.Signature = "tokenless"
		case !s.metadata.valid(tok, now):
			reply(http.StatusUnauthorized, "InvalidToken", "The metadata token is unknown or expired.")
		}
		if status != http.StatusOK {
			break
		}
		asked := strings.TrimPrefix(path, metadataCredsPrefix)
		switch {
		case roleName == "":
			reply(http.StatusNotFound, "NotFound", "No RAM role is attached to this instance.")
		case asked == "":
			reply(http.StatusOK, "", roleName)
		case asked != roleName:
			reply(http.StatusNotFound, "NotFound", "The instance has no RAM role named "+asked+".")
		default:
			c, issued, err := s.currentSession(ViaEcsMetadata, account, roleName, metadataSessionName)
			if err != nil {
				reply(http.StatusInternalServerError, "InternalError", err.Error())
				break
			}
			entry.AccessKeyID = c.AccessKeyID
			b, _ := json.Marshal(struct {
				sessionJSON
				LastUpdated string
				Code        string
			}{sessionOf(c), issued.UTC().Format(stsTime), "Success"})
			reply(http.StatusOK, "", string(b))
			contentType = "application/json"
		}
	default:
		entry.Action = "Get"
		reply(http.StatusNotFound, "NotFound", "The mock serves the RAM role paths of the metadata service only.")
	}
	entry.Status = status
	entry.Millis = float64(time.Since(start).Microseconds()) / 1000
	s.journal.add(entry)
	s.changes.Add(1)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// routeNonAPI sends a request meant for another host to where the mock
// serves it, and refuses what it would have to forward: the mock is never
// a way off loopback. It reports whether it answered the request.
func (s *Server) routeNonAPI(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodConnect {
		http.Error(w, "mockcloud is not a proxy: CONNECT is refused.", http.StatusMethodNotAllowed)
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == metadataHost {
		s.serveMetadata(w, r)
		return true
	}
	// An absolute-form request on a listener asks the mock to act as a
	// proxy for some host; only the mock's own address is served. (A
	// handler called in process, without a listener, forwards nothing.)
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if r.URL.IsAbs() && local != nil && !isOwnAddress(r.URL.Host, local) {
		http.Error(w, "mockcloud is not a proxy: it serves "+metadataHost+" and itself, not "+r.URL.Host+".", http.StatusForbidden)
		return true
	}
	return false
}

// isOwnAddress: host:port names the listener at local (by its address,
// or localhost with its port).
func isOwnAddress(hostport string, local net.Addr) bool {
	h, p, err := net.SplitHostPort(hostport)
	lh, lp, lerr := net.SplitHostPort(local.String())
	if err != nil || lerr != nil || p != lp {
		return false
	}
	return h == lh || h == "localhost"
}
