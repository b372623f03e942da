package mockcloud

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cgproviders "github.com/aliyun/credentials-go/credentials/providers"
)

// ecsCredentials is credentials-go's ECS RAM role provider reaching the
// metadata host through the mock as its HTTP proxy.
func ecsCredentials(t testing.TB, s *Server, mod func(*cgproviders.ECSRAMRoleCredentialsProviderBuilder)) cgproviders.CredentialsProvider {
	t.Helper()
	b := cgproviders.NewECSRAMRoleCredentialsProviderBuilder().WithHttpOptions(&cgproviders.HttpOptions{Proxy: "http://" + s.Endpoint()})
	if mod != nil {
		mod(b)
	}
	p, err := b.Build()
	must(t, err)
	return p
}

// The instance role through credentials-go: token handshake, role
// discovery, credentials, each journaled, and the session signs the SDK.
func TestMetadata_ecsRoleWithCredentialsGo(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	p := ecsCredentials(t, s, nil)
	c, err := p.GetCredentials()
	must(t, err)
	is := sessionBy(t, s, c.AccessKeyId)
	if is.Via != ViaEcsMetadata || is.RoleArn != roleArnA("ecs-node") || is.Account != acctA {
		t.Fatalf("issued session: %+v", is)
	}
	var actions []string
	for _, e := range s.Journal(JournalFilter{}) {
		if e.Product == metadataProduct {
			actions = append(actions, e.Action)
			if e.Signature != "token" || e.Status == 0 {
				if e.Action != "GetMetadataToken" {
					t.Fatalf("metadata read without a token or status: %+v", e)
				}
			}
		}
	}
	if strings.Join(actions, ",") != "GetMetadataToken,ListRamRoles,GetMetadataToken,GetRamRoleCredentials" {
		t.Fatalf("metadata calls %v", actions)
	}
	if e := lastEntry(t, s, "GetRamRoleCredentials"); e.AccessKeyID != c.AccessKeyId || e.Account != acctA {
		t.Fatalf("journal entry: %+v", e)
	}
	signedWith, err := describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{p}))
	must(t, err)
	if signedWith != c.AccessKeyId {
		t.Fatalf("signed with %s", signedWith)
	}
	// A role name the instance does not have.
	_, err = ecsCredentials(t, s, func(b *cgproviders.ECSRAMRoleCredentialsProviderBuilder) { b.WithRoleName("deploy") }).GetCredentials()
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("another role's credentials: %v", err)
	}
}

// metadataDo sends one request to the metadata host through the mock as
// a proxy, as the libraries do.
func metadataDo(t testing.TB, s *Server, method, path string, header map[string]string) (int, string) {
	t.Helper()
	proxy, _ := url.Parse("http://" + s.Endpoint())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 5 * time.Second}
	req, err := http.NewRequest(method, "http://"+metadataHost+path, nil)
	must(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMetadata_tokenAndHardenedMode(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	for _, ttl := range []string{"", "0", "21601", "x"} {
		h := map[string]string{}
		if ttl != "" {
			h[metadataTTLHeader] = ttl
		}
		if st, _ := metadataDo(t, s, http.MethodPut, metadataTokenPath, h); st != 400 {
			t.Fatalf("TTL %q: %d", ttl, st)
		}
	}
	st, tok := metadataDo(t, s, http.MethodPut, metadataTokenPath, map[string]string{metadataTTLHeader: "21600"})
	if st != 200 || len(tok) < 20 {
		t.Fatalf("token: %d %q", st, tok)
	}
	if st, body := metadataDo(t, s, http.MethodGet, metadataCredsPrefix, map[string]string{metadataTokenHeader: tok}); st != 200 || body != "ecs-node" {
		t.Fatalf("role name: %d %q", st, body)
	}
	if st, _ := metadataDo(t, s, http.MethodGet, metadataCredsPrefix, map[string]string{metadataTokenHeader: "forged"}); st != 401 {
		t.Fatalf("forged token: %d", st)
	}
	if st, _ := metadataDo(t, s, http.MethodGet, metadataCredsPrefix, nil); st != 200 {
		t.Fatalf("tokenless read on a normal instance: %d", st)
	}
	// The token expires on the mock's clock.
	_, short := metadataDo(t, s, http.MethodPut, metadataTokenPath, map[string]string{metadataTTLHeader: "5"})
	s.SetClockOffset(6 * time.Second)
	if st, _ := metadataDo(t, s, http.MethodGet, metadataCredsPrefix, map[string]string{metadataTokenHeader: short}); st != 401 {
		t.Fatalf("expired token: %d", st)
	}
	s.SetClockOffset(0)
	st, body := metadataDo(t, s, http.MethodGet, metadataCredsPrefix+"ecs-node", map[string]string{metadataTokenHeader: tok})
	var creds map[string]string
	must(t, json.Unmarshal([]byte(body), &creds))
	for _, k := range []string{"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration", "LastUpdated"} {
		if creds[k] == "" {
			t.Fatalf("%d: field %s missing: %s", st, k, body)
		}
	}
	if creds["Code"] != "Success" {
		t.Fatalf("Code %q", creds["Code"])
	}

	hard, _ := identityServer(t, func(o *Options) { o.MetadataTokenRequired = true })
	if st, _ := metadataDo(t, hard, http.MethodGet, metadataCredsPrefix, nil); st != 403 {
		t.Fatalf("tokenless read in hardened mode: %d", st)
	}
	// credentials-go gets its token first, so it works in hardened mode,
	// with IMDSv1 fallback disabled or not.
	_, err := ecsCredentials(t, hard, func(b *cgproviders.ECSRAMRoleCredentialsProviderBuilder) { b.WithDisableIMDSv1(true) }).GetCredentials()
	must(t, err)

	none, _ := identityServer(t, func(o *Options) { o.Fixtures.EcsRamRole = "" })
	if st, _ := metadataDo(t, none, http.MethodGet, metadataCredsPrefix, nil); st != 404 {
		t.Fatalf("instance without a role: %d", st)
	}
}

// The service hands out the same session until less than half its life
// is left, then a new one: with 200 s sessions and the libraries asking
// again at 180 s or less, none is ever handed out expired.
func TestMetadata_renewsBeforeExpiry(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) { o.Fixtures.SessionDurationCap = Duration(200 * time.Second) })
	read := func() (string, time.Time) {
		t.Helper()
		st, body := metadataDo(t, s, http.MethodGet, metadataCredsPrefix+"ecs-node", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		var c map[string]string
		must(t, json.Unmarshal([]byte(body), &c))
		exp, err := time.Parse(stsTime, c["Expiration"])
		must(t, err)
		return c["AccessKeyId"], exp
	}
	seen := map[string]bool{}
	var last string
	for offset := time.Duration(0); offset <= 600*time.Second; offset += 10 * time.Second {
		s.SetClockOffset(offset)
		ak, exp := read()
		now := s.now()
		if !exp.After(now) {
			t.Fatalf("at +%s the service handed out a session that ended at %s", offset, exp)
		}
		if left := exp.Sub(now); left < 90*time.Second {
			t.Fatalf("at +%s the session has only %s left; the service should have renewed it", offset, left)
		}
		if ak != last {
			seen[ak] = true
			last = ak
		}
	}
	if len(seen) < 5 {
		t.Fatalf("%d sessions over 600 s of 200 s sessions", len(seen))
	}
	if n := len(s.IssuedSessions()); n != len(seen) {
		t.Fatalf("%d sessions issued, %d handed out", n, len(seen))
	}
}

// The same with credentials-go in real time: 4 s sessions, read every
// 100 ms for 6 s; each signs a call and none is refused as expired.
func TestMetadata_renewalInRealTime(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) { o.Fixtures.SessionDurationCap = Duration(4 * time.Second) })
	vc := vpcWith(t, s, sdkProvider{ecsCredentials(t, s, nil)})
	keys := map[string]bool{}
	for end := time.Now().Add(6 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ak, err := describeVpcsAs(t, s, vc)
		must(t, err)
		keys[ak] = true
	}
	if len(keys) < 2 {
		t.Fatalf("one session over 6 s of 4 s sessions")
	}
	if n := len(s.Journal(JournalFilter{Code: "InvalidSecurityToken.Expired"})); n != 0 {
		t.Fatalf("%d calls refused as expired", n)
	}
}

// The mock as a proxy serves the metadata host and itself, nothing else.
func TestMetadata_proxyForwardsNothing(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, nil)
	proxy, _ := url.Parse("http://" + s.Endpoint())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}, Timeout: 5 * time.Second}
	resp, err := client.Get("http://example.com/")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("proxied request to example.com: %d", resp.StatusCode)
	}
	// CONNECT, as an HTTPS_PROXY client would send.
	conn, err := net.Dial("tcp", s.Endpoint())
	must(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("CONNECT sts.aliyuncs.com:443 HTTP/1.1\r\nHost: sts.aliyuncs.com:443\r\n\r\n"))
	must(t, err)
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	if !strings.Contains(string(buf[:n]), " 405 ") {
		t.Fatalf("CONNECT answered %q", buf[:n])
	}
	// Its own address through itself is served as usual.
	resp, err = client.Get(s.URL() + AdminPrefix + "health")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("own health through the proxy: %d", resp.StatusCode)
	}
}

// The test guard refuses a connection off loopback: the ECS provider
// without the proxy aims at the real metadata host and is stopped.
func TestGuard_refusesTheRealMetadataHost(t *testing.T) {
	p, err := cgproviders.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName("ecs-node").Build()
	must(t, err)
	_, err = p.GetCredentials()
	if err == nil || !strings.Contains(err.Error(), "sandbox:") {
		t.Fatalf("the ECS provider was not stopped by the guard: %v", err)
	}
	var hit bool
	for _, a := range takeOffLoopbackAttempts() {
		if a == metadataHost || strings.HasPrefix(a, metadataHost+":") {
			hit = true
		} else {
			t.Errorf("unexpected attempt off loopback: %s", a)
		}
	}
	if !hit {
		t.Fatal("the guard did not record the attempt")
	}
}

// A credentials URI hands out sessions of a role, through credentials-go.
func TestCredentialsURI(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) { o.Fixtures.SessionDurationCap = Duration(600 * time.Second) })
	p, err := cgproviders.NewURLCredentialsProviderBuilder().WithUrl(s.CredentialsURI("deploy")).Build()
	must(t, err)
	c, err := p.GetCredentials()
	must(t, err)
	is := sessionBy(t, s, c.AccessKeyId)
	if is.Via != ViaCredentialsURI || is.RoleArn != roleArnA("deploy") || is.Expiration.Sub(is.IssuedAt) > 600*time.Second {
		t.Fatalf("issued session: %+v", is)
	}
	if e := lastEntry(t, s, "GetCredentials"); e.Product != ViaCredentialsURI || e.AccessKeyID != c.AccessKeyId || e.Status != 200 {
		t.Fatalf("journal entry: %+v", e)
	}
	signedWith, err := describeVpcsAs(t, s, vpcWith(t, s, sdkProvider{p}))
	must(t, err)
	if signedWith != c.AccessKeyId {
		t.Fatalf("signed with %s", signedWith)
	}
	st, m := rawGet(t, s.CredentialsURI("deploy"))
	if st != 200 || m["Code"] != "Success" || m["AccessKeyId"] != c.AccessKeyId {
		t.Fatalf("second read: %d %v", st, m)
	}
	var listed []IssuedSession
	resp, err := http.Get(s.URL() + AdminPrefix + "sessions")
	must(t, err)
	must(t, json.NewDecoder(resp.Body).Decode(&listed))
	resp.Body.Close()
	if len(listed) != 1 || listed[0].AccessKeyID != c.AccessKeyId || listed[0].Via != ViaCredentialsURI {
		t.Fatalf("GET %ssessions: %+v", AdminPrefix, listed)
	}
	st, m = rawGet(t, s.CredentialsURI("nosuch"))
	if st != 404 {
		t.Fatalf("unknown role: %d %v", st, m)
	}
	// Sessions of a role in another account.
	st, m = rawGet(t, s.CredentialsURI("deploy")+"?account="+partnerKey)
	if st != 200 {
		t.Fatalf("%d %v", st, m)
	}
	if is := sessionBy(t, s, m["AccessKeyId"].(string)); is.Account != acctB {
		t.Fatalf("session in %s, not B", is.Account)
	}
}

// Parallel reads when a renewal is due share one new session, and
// parallel AssumeRole calls each get their own; -race checks the locking.
func TestSessions_concurrent(t *testing.T) {
	t.Parallel()
	s, _ := identityServer(t, func(o *Options) { o.Fixtures.SessionDurationCap = Duration(200 * time.Second) })
	_, _, err := s.currentSession(ViaEcsMetadata, acctA, "ecs-node", metadataSessionName)
	must(t, err)
	s.SetClockOffset(150 * time.Second) // past half the first session's life
	const n = 16
	keys := make(chan string, 2*n)
	errs := make(chan error, 2*n)
	u := Credential{AccessKeyID: userKey, AccessKeySecret: secretOf(userKey)}
	for i := 0; i < n; i++ {
		go func() {
			c, _, err := s.currentSession(ViaEcsMetadata, acctA, "ecs-node", metadataSessionName)
			keys <- "md:" + c.AccessKeyID
			errs <- err
		}()
		go func() {
			form := url.Values{"RoleArn": {roleArnA("deploy")}, "RoleSessionName": {"par"}}
			all := signedValues(u, http.MethodPost, "AssumeRole", stsVersion, form)
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(all.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				var m struct{ Credentials struct{ AccessKeyId string } }
				err = json.NewDecoder(resp.Body).Decode(&m)
				resp.Body.Close()
				keys <- "ar:" + m.Credentials.AccessKeyId
			} else {
				keys <- ""
			}
			errs <- err
		}()
	}
	md, ar := map[string]bool{}, map[string]bool{}
	for i := 0; i < 2*n; i++ {
		must(t, <-errs)
		k := <-keys
		if strings.HasPrefix(k, "md:") {
			md[k] = true
		} else {
			ar[k] = true
		}
	}
	if len(md) != 1 {
		t.Fatalf("parallel metadata reads got %d sessions, want the one renewal", len(md))
	}
	if len(ar) != n || ar["ar:"] {
		t.Fatalf("%d parallel AssumeRole calls got %d distinct sessions", n, len(ar))
	}
	if got := len(s.IssuedSessions()); got != 2+n {
		t.Fatalf("%d sessions issued, want %d", got, 2+n)
	}
}
