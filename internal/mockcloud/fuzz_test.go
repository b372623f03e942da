package mockcloud

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fuzzServer(f *testing.F) *Server {
	s, err := New(Options{Credentials: []Credential{{AccessKeyID: "fuzzkey", AccessKeySecret: "fuzzsecret"}}})
	if err != nil {
		f.Fatal(err)
	}
	return s
}

func signedQuery(action string, extra url.Values, nonce string) url.Values {
	v := url.Values{
		"Action": {action}, "Version": {"2016-04-28"}, "Format": {"JSON"}, "AccessKeyId": {"fuzzkey"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {nonce},
		"Timestamp": {time.Now().UTC().Format(timestampV1Fmt)}, "RegionId": {"cn-hangzhou"}, "SignatureType": {""},
	}
	for k, vals := range extra {
		v[k] = vals
	}
	v.Set("Signature", SignV1("POST", v, "fuzzsecret"))
	return v
}

// FuzzRequest throws arbitrary methods, queries, bodies and headers at the
// whole request pipeline (parser, router, signature checks, actions). It
// must never panic, and every answer must be the API's JSON: a success or
// the error envelope with string fields.
func FuzzRequest(f *testing.F) {
	s := fuzzServer(f)
	f.Add("POST", signedQuery("DescribeHaVips", url.Values{"Filter.1.Key": {"Status"}, "Filter.1.Value.1": {"InUse"}}, "n1").Encode(), "", "")
	f.Add("POST", signedQuery("CreateHaVip", url.Values{"VSwitchId": {"vsw-bp1seedvsw000000000001"}, "IpAddress": {"192.168.0.24"}}, "n2").Encode(), "", "")
	f.Add("GET", "Action=DescribeHaVips&Version=2016-04-28&Filter.0.Key=x&%zz", "", "")
	f.Add("POST", "", "Action=DescribeInstances&Version=2014-05-26&InstanceIds=[\"i-1\"", "")
	f.Add("POST", "", "", "ACS3-HMAC-SHA256 Credential=fuzzkey,SignedHeaders=host,Signature=00")
	f.Add("PUT", "Tag.1.Key=a&Tag.99999999999999999999.Value=b", "", "ACS3-")
	f.Fuzz(func(t *testing.T, method, rawQuery, body, authz string) {
		if !strings.HasPrefix(method, "G") {
			method = "POST"
		} else {
			method = "GET"
		}
		r := httptest.NewRequest(method, "http://127.0.0.1/", strings.NewReader(body))
		r.URL.RawQuery = rawQuery
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if authz != "" {
			r.Header.Set("Authorization", authz)
			r.Header.Set("x-acs-action", "DescribeHaVips")
			r.Header.Set("x-acs-version", "2016-04-28")
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("status %d with a body that is not JSON: %q", w.Code, w.Body.String())
		}
		if _, ok := m["RequestId"].(string); !ok {
			t.Fatalf("answer lacks a string RequestId: %s", w.Body.String())
		}
		if w.Code >= 300 {
			for _, k := range []string{"HostId", "Code", "Message", "Recommend"} {
				if _, ok := m[k].(string); !ok {
					t.Fatalf("error envelope field %s is not a string: %s", k, w.Body.String())
				}
			}
		}
	})
}

// FuzzSignatureV1 checks the verifier both ways: whatever the parameters,
// a request signed with the right secret is not refused for its signature,
// and one whose signature is altered is.
func FuzzSignatureV1(f *testing.F) {
	s := fuzzServer(f)
	f.Add("Name", "web server *~+ é", uint8(3))
	f.Add("Description", "a&b=c%20d", uint8(0))
	f.Add("Filter.1.Key", "HaVipId", uint8(200))
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, key, value string, flip uint8) {
		if key == "" || commonParams[key] {
			t.Skip("the signer's own fields are not business parameters")
		}
		extra := url.Values{key: {value}}
		q := signedQuery("DescribeHaVips", extra, "nonce-"+strconv.FormatInt(n.Add(1), 10))
		good := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/?"+q.Encode(), nil)
		s.ServeHTTP(good, r)
		if code := errCode(good); code == "SignatureDoesNotMatch" || code == "IncompleteSignature" {
			t.Fatalf("a correctly signed request was refused: %s", good.Body.String())
		}
		sig := []byte(q.Get("Signature"))
		i := int(flip) % len(sig)
		if sig[i] == 'A' {
			sig[i] = 'B'
		} else {
			sig[i] = 'A'
		}
		q.Set("Signature", string(sig))
		q.Set("SignatureNonce", q.Get("SignatureNonce")+"-bad")
		bad := httptest.NewRecorder()
		s.ServeHTTP(bad, httptest.NewRequest(http.MethodPost, "http://127.0.0.1/?"+q.Encode(), nil))
		if code := errCode(bad); code != "SignatureDoesNotMatch" {
			t.Fatalf("a tampered signature was not refused: %d %s", bad.Code, bad.Body.String())
		}
	})
}

func errCode(w *httptest.ResponseRecorder) string {
	var e errorEnvelope
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	return e.Code
}
