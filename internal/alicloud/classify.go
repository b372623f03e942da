package alicloud

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// classify maps an API error code (and HTTP status when the code says
// nothing) to a Class. Order matters: the auth codes include a ".NotFound"
// code that must not read as a missing resource.
func classify(code string, status int) Class {
	switch {
	case code == "":
		switch {
		case status >= 500 || status == 429:
			return ClassTransient
		case status == 404:
			return ClassNotFound
		case status >= 400:
			return ClassInvalid
		}
		return ClassUnknown

	// RAM refusals: VPC and ECS answer Forbidden.RAM, newer gateways
	// NoPermission. Other Forbidden.* codes (Forbidden.HaVip, the feature
	// is not enabled; Forbidden.UnassociateMaster) are about the request.
	case ramDeniedCodes[code]:
		return ClassDenied

	case code == "SignatureDoesNotMatch", code == "IncompleteSignature", code == "SignatureNonceUsed",
		strings.HasPrefix(code, "InvalidAccessKeyId"), strings.HasPrefix(code, "InvalidTimeStamp"),
		strings.HasPrefix(code, "InvalidSecurityToken"):
		return ClassAuth

	case strings.HasPrefix(code, "Throttling"), code == "ServiceUnavailable", code == "SystemBusy",
		code == "InternalError", code == "UnknownError":
		return ClassTransient

	case conflictCodes[code], strings.HasPrefix(code, "TaskConflict"):
		return ClassConflict

	case strings.HasPrefix(code, "QuotaExceeded"), strings.HasPrefix(code, "CountLimitExceed"),
		code == rulebook.CodeEIPDuplicated:
		return ClassQuota

	// These name a wrong request, not a missing resource: a bad region or
	// action would otherwise make a delete "succeed" against nothing.
	case code == rulebook.CodeRegionNotFound, code == "InvalidAction.NotFound", code == "InvalidApi.NotFound",
		code == "InvalidParams.NotFound":
		return ClassInvalid

	case strings.HasSuffix(code, ".NotFound"):
		return ClassNotFound
	}
	switch {
	case status >= 500:
		return ClassTransient
	case status >= 400:
		return ClassInvalid
	}
	return ClassUnknown
}

var ramDeniedCodes = map[string]bool{"Forbidden.RAM": true, "NoPermission": true, "Forbidden.NoPermission": true}

// ramResourceRe finds the refused resource in a denial's message, where
// the service names it ("…, Resource: acs:vpc:…:havip/havip-1, …").
var ramResourceRe = regexp.MustCompile(`Resource: ?([^\s,;]+)`)

// describeDenial fills in what a RAM refusal was about: the action from the
// AccessDeniedDetail object the service sends with it (or, without one,
// the product the answering host names and the operation), the resource
// from the message, and whether an explicit Deny refused it. The message
// is rewritten in those terms: the service's own text is generic.
func describeDenial(e *Error, se *sdkerrors.ServerError) {
	detail := se.AccessDeniedDetail()
	str := func(k string) string { s, _ := detail[k].(string); return s }
	e.Action = str("AuthAction")
	if e.Action == "" {
		product, _, _ := strings.Cut(se.HostId(), ".")
		if product == "" {
			product = "vpc"
		}
		e.Action = strings.ToLower(product) + ":" + e.Op
	}
	if m := ramResourceRe.FindStringSubmatch(e.Message); m != nil {
		e.Resource = m[1]
	}
	e.ExplicitDeny = str("NoPermissionType") == "ExplicitDeny"
	why := "no statement of the credentials' RAM policy allows it"
	if e.ExplicitDeny {
		why = "a Deny statement of the credentials' RAM policy refuses it"
	}
	on := ""
	if e.Resource != "" {
		on = " on " + e.Resource
	}
	e.Message = fmt.Sprintf("access denied to %s%s: %s", e.Action, on, why)
}

// conflictCodes mean "busy or in transition". Whether a given answer is
// really transient is decided per operation (see the transient checks in
// havip.go): IncorrectStatus on DeleteHaVip, for one, also means "still has
// members", which waiting will not fix.
var conflictCodes = map[string]bool{
	rulebook.CodeIncorrectHaVipStatus:           true,
	rulebook.CodeIncorrectStatus:                true,
	"OperationConflict":                         true,
	"LastTokenProcessing":                       true,
	"OperationFailed.IdempotentTokenProcessing": true,
	"OperationFailed.LastTokenProcessing":       true,
	rulebook.CodeIncorrectEIPStatus:             true,
	"IncorrectRouteEntryStatus":                 true, // the route table is changing

	"OperationFailed.DistibuteLock":  true, // sic, as documented
	"OperationFailed.DistributeLock": true,
	"Operation.Conflict":             true,
}

// redactor removes credentials from text that may reach logs or users.
type redactor struct {
	mu      sync.RWMutex
	secrets []string
}

var signedParamRe = regexp.MustCompile(`(?i)(Signature|SecurityToken|BearerToken|AccessKeySecret)(=|%3D)[^&\s"']*`)

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	r.add(secrets...)
	return r
}

// add takes the secrets of a renewed session as well.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// The raw value and each encoding it can appear in: a signed URL,
		// a string to sign (encoded twice) or a JSON body.
		r.secrets = append(r.secrets, s, url.QueryEscape(s), percentEncode(s), percentEncode(percentEncode(s)))
	}
}

func (r *redactor) scrub(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "REDACTED")
		}
	}
	return signedParamRe.ReplaceAllString(s, "${1}${2}REDACTED")
}

// redactURL keeps scheme, host and path: the query of an SDK request holds
// AccessKeyId, Signature and, with STS, the SecurityToken.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(url redacted)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}

// scrubbedError stands in for an underlying error whose text held secrets
// while still answering errors.Is for the cause (context deadline, ...).
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// rootCause digs below *url.Error and similar wrappers, which carry the
// signed URL in their text, to the error that says what went wrong.
func rootCause(err error) error {
	for {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Err != nil {
			err = ue.Err
			continue
		}
		return err
	}
}

// toError turns whatever the SDK returned into an *Error without secrets.
func (c *Client) toError(ctx context.Context, op string, ci *callInfo, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var si *SignInError
	if errors.As(err, &si) {
		// Nothing was sent: the request could not be signed.
		return &Error{Op: op, Class: ClassAuth, Message: "signing in (" + si.Mode + ") failed: " + si.Error(), Err: si}
	}
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		code, status := se.ErrorCode(), se.HttpStatus()
		out := &Error{Op: op, Class: classify(code, status), Code: code, Message: c.red.scrub(se.Message()),
			RequestID: se.RequestId(), HTTPStatus: status}
		if out.RequestID == "" {
			if v := se.RespHeaders["X-Acs-Request-Id"]; len(v) > 0 {
				out.RequestID = v[0]
			}
		}
		if out.Class == ClassDenied {
			describeDenial(out, se)
		}
		if code == "" && status >= 500 {
			out.Message = fmt.Sprintf("HTTP %d from the API gateway", status)
		}
		if out.Class == ClassTransient && ci.attempts > 1 {
			out.Message += fmt.Sprintf(" (gave up after %d attempts)", ci.attempts)
		}
		return out
	}
	var ce *sdkerrors.ClientError
	if errors.As(err, &ce) {
		cause := ce.OriginError()
		if cause == nil {
			cause = errors.New(ce.Message())
		}
		return c.transportError(ctx, op, ci, ce.ErrorCode(), cause)
	}
	return c.transportError(ctx, op, ci, "", err)
}

func (c *Client) transportError(ctx context.Context, op string, ci *callInfo, code string, err error) *Error {
	cause := rootCause(err)
	msg := c.red.scrub(cause.Error())
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = fmt.Sprintf("%s %s: %s", ue.Op, redactURL(ue.URL), msg)
	}
	cls := ClassUnknown
	switch {
	case ctx.Err() != nil:
		cls = ClassTransient
		msg += " (the operation's deadline or cancellation stopped the call)"
	case ue != nil || errors.Is(err, context.DeadlineExceeded) || code == "SDK.TimeoutError":
		cls = ClassTransient
		if ci.attempts > 1 {
			msg += fmt.Sprintf(" (gave up after %d attempts)", ci.attempts)
		}
	}
	return &Error{Op: op, Class: cls, Code: code, Message: msg, RequestID: ci.lastRequestID,
		HTTPStatus: ci.lastStatus, Err: &scrubbedError{msg: msg, cause: cause}}
}
