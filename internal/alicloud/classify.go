package alicloud

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
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
		code == "InvalidAssociation.Duplicated":
		return ClassQuota

	// These name a wrong request, not a missing resource: a bad region or
	// action would otherwise make a delete "succeed" against nothing.
	case code == "InvalidRegionId.NotFound", code == "InvalidAction.NotFound", code == "InvalidApi.NotFound",
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

// conflictCodes mean "busy or in transition". Whether a given answer is
// really transient is decided per operation (see the transient checks in
// havip.go): IncorrectStatus on DeleteHaVip, for one, also means "still has
// members", which waiting will not fix.
var conflictCodes = map[string]bool{
	"IncorrectHaVipStatus":                      true,
	"IncorrectStatus":                           true,
	"OperationConflict":                         true,
	"LastTokenProcessing":                       true,
	"OperationFailed.IdempotentTokenProcessing": true,
	"OperationFailed.LastTokenProcessing":       true,
	"IncorrectEipStatus":                        true,
	"IncorrectRouteEntryStatus":                 true, // the route table is changing

	"OperationFailed.DistibuteLock":  true, // sic, as documented
	"OperationFailed.DistributeLock": true,
	"Operation.Conflict":             true,
}

// redactor removes credentials from text that may reach logs or users.
type redactor struct {
	secrets []string
}

var signedParamRe = regexp.MustCompile(`(?i)(Signature|SecurityToken|BearerToken|AccessKeySecret)(=|%3D)[^&\s"']*`)

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// The raw value and each encoding it can appear in: a signed URL,
		// a string to sign (encoded twice) or a JSON body.
		r.secrets = append(r.secrets, s, url.QueryEscape(s), percentEncode(s), percentEncode(percentEncode(s)))
	}
	return r
}

func (r *redactor) scrub(s string) string {
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
