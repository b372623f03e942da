package mockcloud

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Signature modes.
const (
	SignatureStrict  = "strict"   // reject bad or missing signatures (default)
	SignatureLogOnly = "log-only" // verify, journal the outcome, serve anyway
	SignatureOff     = "off"      // skip signature, nonce and timestamp checks
)

const (
	timestampSkew  = 15 * time.Minute
	timestampV1Fmt = "2006-01-02T15:04:05Z"
)

// authenticate resolves the AccessKeyId and checks timestamp, signature
// and nonce, in that order: a nonce is spent only by a request whose
// signature is good.
func (s *Server) authenticate(r *http.Request, req *request, all url.Values, body []byte, v3 bool) *APIError {
	var akid, nonce, ts string
	var auth *v3Auth
	if v3 {
		var ok bool
		auth, ok = parseV3Authorization(r.Header.Get("Authorization"))
		if !ok {
			return badRequest("IncompleteSignature", "The request signature does not conform to Aliyun standards: malformed ACS3-HMAC-SHA256 Authorization header.")
		}
		akid, nonce, ts = auth.AccessKeyID, r.Header.Get("x-acs-signature-nonce"), r.Header.Get("x-acs-date")
		req.sigKind = "v3"
	} else {
		akid, nonce, ts = all.Get("AccessKeyId"), all.Get("SignatureNonce"), all.Get("Timestamp")
		req.sigKind = "v1"
	}
	if akid == "" {
		return missingParam("AccessKeyId")
	}
	s.mu.RLock()
	cred, ok := s.keys[akid]
	var acct *account
	if ok {
		acct = s.accounts[cred.AccountID]
	}
	s.mu.RUnlock()
	if !ok {
		return notFound("InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	req.cred, req.acct = cred, acct
	token := all.Get("SecurityToken")
	if v3 {
		token = r.Header.Get("x-acs-security-token")
	}
	if s.opts.SignatureMode == SignatureOff {
		// A session's token and expiry are no part of the signature: they
		// hold whatever the signature mode.
		req.sigKind += "-unchecked"
		return checkSession(cred, token, s.now())
	}
	strict := s.opts.SignatureMode == SignatureStrict
	soft := func(e *APIError) *APIError {
		if strict {
			return e
		}
		req.sigKind += "-bad:" + e.Code
		return nil
	}
	if ts == "" {
		if e := soft(missingParam("Timestamp")); e != nil {
			return e
		}
	} else {
		t, err := time.Parse(timestampV1Fmt, ts)
		if err != nil {
			if e := soft(badRequest("InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted: %q.", ts)); e != nil {
				return e
			}
		} else if d := s.now().Sub(t); d > timestampSkew || d < -timestampSkew {
			if e := soft(badRequest("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired: %s is more than 15 minutes from the server time %s.", ts, s.now().UTC().Format(timestampV1Fmt))); e != nil {
				return e
			}
		}
	}
	if nonce == "" {
		if e := soft(missingParam("SignatureNonce")); e != nil {
			return e
		}
	}
	if v3 {
		if e := s.verifyV3(r, auth, body, cred.AccessKeySecret); e != nil {
			if e := soft(e); e != nil {
				return e
			}
		}
	} else {
		sig := all.Get("Signature")
		if sig == "" {
			if e := soft(badRequest("IncompleteSignature", "The request signature does not conform to Aliyun standards: Signature is missing.")); e != nil {
				return e
			}
		} else if m := all.Get("SignatureMethod"); m != "" && m != "HMAC-SHA1" {
			if e := soft(badRequest(rulebook.CodeInvalidParameter, "SignatureMethod %q is not supported by this mock; use HMAC-SHA1 or ACS3-HMAC-SHA256.", m)); e != nil {
				return e
			}
		} else if want := SignV1(r.Method, all, cred.AccessKeySecret); !hmacEqual(sig, want) {
			sts := StringToSignV1(r.Method, all)
			if e := soft(badRequest("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:%s", sts)); e != nil {
				return e
			}
		}
	}
	if nonce != "" && !s.nonces.use(akid, nonce, s.now()) {
		return soft(badRequest("SignatureNonceUsed", "Specified signature nonce was used already."))
	}
	return checkSession(cred, token, s.now())
}

func (s *Server) verifyV3(r *http.Request, auth *v3Auth, body []byte, secret string) *APIError {
	declared := r.Header.Get("x-acs-content-sha256")
	actual := hexSHA256(body)
	if declared != "" && declared != actual {
		return badRequest("SignatureDoesNotMatch", "The x-acs-content-sha256 header does not match the body.")
	}
	for _, h := range auth.SignedHeaders {
		if h != strings.ToLower(h) {
			return badRequest("IncompleteSignature", "SignedHeaders must be lower case.")
		}
	}
	query, _ := url.ParseQuery(r.URL.RawQuery)
	cr := CanonicalRequestV3(r, query, auth.SignedHeaders, actual)
	if !hmacEqual(auth.Signature, SignV3(cr, secret)) {
		return badRequest("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server canonical request is:%s", cr)
	}
	return nil
}
