package mockcloud

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// TestAdminRouting pins what the admin API answers where a plain
// http.ServeMux would answer otherwise: a wrong method, HEAD on a GET
// route, an unclean path or a path without the slash of a subtree get the
// admin API's JSON 404 (not a plain-text 404 or 405, nor a redirect), a
// trailing slash does not matter, and an escaped slash reaches an ID that
// contains one.
func TestAdminRouting(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	must(t, err)
	_, err = s.AddCredential(Credential{AccessKeyID: "odd/key", AccessKeySecret: "s"})
	must(t, err)
	for _, c := range []struct {
		method, path string
		status       int
		want         map[string]string // nil: only the status is checked
	}{
		{"GET", "/_mockcloud/health/", 200, nil},
		{"GET", "/_mockcloud/journal/counts/", 200, nil},
		{"HEAD", "/_mockcloud/health", 404, nil}, // a HEAD answer has no body
		{"POST", "/_mockcloud/health", 404, map[string]string{"error": "no admin route POST /_mockcloud/health"}},
		{"OPTIONS", "/_mockcloud/faults", 404, map[string]string{"error": "no admin route OPTIONS /_mockcloud/faults"}},
		{"GET", "/_mockcloud", 404, map[string]string{"error": "no admin route GET /_mockcloud"}},
		{"GET", "/_mockcloud//health", 404, map[string]string{"error": "no admin route GET /_mockcloud//health"}},
		{"GET", "/_mockcloud/faults/../health", 404, map[string]string{"error": "no admin route GET /_mockcloud/faults/../health"}},
		{"GET", "/_mockcloud/credentials-uri", 404, map[string]string{"error": "no admin route GET /_mockcloud/credentials-uri"}},
		{"HEAD", "/_mockcloud/credentials-uri/some-role", 405, nil},
		{"DELETE", "/_mockcloud/faults/a/b", 404, map[string]string{"error": `no fault rule "a/b"`}},
		{"DELETE", "/_mockcloud/credentials/odd%2Fkey/policy", 200, map[string]string{"status": "policy set"}},
		{"POST", "/_mockcloud/credentials/nobody/expire", 400, nil},
	} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(c.method, "http://127.0.0.1"+c.path, nil))
		if w.Code != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.method, c.path, w.Code, c.status, w.Body)
			continue
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, ct)
		}
		if c.want == nil {
			continue
		}
		var got map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Errorf("%s %s: %v in %s", c.method, c.path, err, w.Body)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.path, k, got[k], v)
			}
		}
	}
}
