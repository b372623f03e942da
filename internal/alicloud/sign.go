package alicloud

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The SDK signs once when it builds the request; a retrying transport
// below it must sign again, because the service refuses a replayed
// SignatureNonce (SignatureNonceUsed) and a stale Timestamp. This is the
// RPC signature V1 (HMAC-SHA1) of alibaba-sdk.md §12, kept independent of
// the SDK's internals so that an SDK upgrade cannot silently change it.

const timestampFormat = "2006-01-02T15:04:05Z"

// percentEncode is RFC 3986 as Alibaba applies it: space is %20, '*' is
// escaped, '~' is not.
func percentEncode(s string) string {
	e := url.QueryEscape(s)
	e = strings.ReplaceAll(e, "+", "%20")
	e = strings.ReplaceAll(e, "*", "%2A")
	return strings.ReplaceAll(e, "%7E", "~")
}

// stringToSignV1 covers every parameter but Signature, query and form
// together, sorted by key in byte order.
func stringToSignV1(method string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	first := true
	for _, k := range keys {
		vals := params[k]
		if len(vals) == 0 {
			vals = []string{""}
		}
		for _, v := range vals {
			if !first {
				b.WriteByte('&')
			}
			first = false
			b.WriteString(percentEncode(k))
			b.WriteByte('=')
			b.WriteString(percentEncode(v))
		}
	}
	return method + "&%2F&" + percentEncode(b.String())
}

func signV1(method string, params url.Values, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSignV1(method, params)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// newNonce is 32 lower-case hex characters, the SDK's own format.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// newClientToken makes the idempotency token of one logical operation:
// ASCII, well under the 64-character limit, random enough that two
// operations never share one (which the service would answer with the
// first operation's result or IdempotentParameterMismatch).
func newClientToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "tf-havip-" + hex.EncodeToString(b[:])
}

// resignQuery gives query a fresh nonce, the current time and a signature
// over query plus form. It returns the new raw query.
func resignQuery(method string, query, form url.Values, secret string, now time.Time) string {
	query.Del("Signature")
	query.Set("SignatureNonce", newNonce())
	query.Set("Timestamp", now.UTC().Format(timestampFormat))
	all := url.Values{}
	for k, v := range query {
		all[k] = append(all[k], v...)
	}
	for k, v := range form {
		all[k] = append(all[k], v...)
	}
	query.Set("Signature", signV1(method, all, secret))
	return query.Encode()
}
