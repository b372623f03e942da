package mockcloud

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// percentEncode is RFC 3986 encoding as Alibaba's signers apply it: spaces
// become %20, '*' is escaped and '~' is not.
func percentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// canonicalQuery sorts by key in byte order and encodes keys and values; the
// Signature parameter itself is never part of what is signed.
func canonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		for j, val := range v[k] {
			if i > 0 || j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(percentEncode(k))
			b.WriteByte('=')
			b.WriteString(percentEncode(val))
		}
	}
	return b.String()
}

// StringToSignV1 is the RPC signature V1 string: METHOD&%2F&enc(canonical).
func StringToSignV1(method string, v url.Values) string {
	return method + "&%2F&" + percentEncode(canonicalQuery(v))
}

// SignV1 computes the HMAC-SHA1 RPC signature of all parameters (query and
// form together) with the account's secret.
func SignV1(method string, v url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(StringToSignV1(method, v)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// v3Auth is the parsed ACS3-HMAC-SHA256 Authorization header.
type v3Auth struct {
	AccessKeyID   string
	SignedHeaders []string
	Signature     string
}

func parseV3Authorization(h string) (*v3Auth, bool) {
	const prefix = "ACS3-HMAC-SHA256 "
	if !strings.HasPrefix(h, prefix) {
		return nil, false
	}
	a := &v3Auth{}
	for _, part := range strings.Split(strings.TrimPrefix(h, prefix), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, false
		}
		switch k {
		case "Credential":
			a.AccessKeyID = v
		case "SignedHeaders":
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKeyID == "" || a.Signature == "" || len(a.SignedHeaders) == 0 {
		return nil, false
	}
	return a, true
}

// CanonicalRequestV3 builds the ACS3 canonical request from the query, the
// signed headers and the body hash the client declared.
func CanonicalRequestV3(r *http.Request, query url.Values, signedHeaders []string, bodyHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteString("\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	b.WriteString("\n")
	b.WriteString(canonicalQuery(query))
	b.WriteString("\n")
	for _, h := range signedHeaders {
		val := r.Header.Get(h)
		if h == "host" {
			val = r.Host
		}
		b.WriteString(h + ":" + strings.TrimSpace(val) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteString("\n")
	b.WriteString(bodyHash)
	return b.String()
}

// SignV3 computes the hex HMAC-SHA256 signature over a canonical request.
func SignV3(canonicalRequest, secret string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	sts := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
