package alicloud

import (
	"errors"
	"fmt"
)

// Class sorts API errors by what a caller should do about them.
type Class int

const (
	ClassUnknown   Class = iota
	ClassNotFound        // the resource does not exist (any more)
	ClassConflict        // busy or in transition: retry later
	ClassQuota           // a limit is reached
	ClassInvalid         // the request is wrong: do not retry
	ClassTransient       // throttling, 5xx, transport: retried, then given up
	ClassAuth            // credentials or signature refused
	ClassDenied          // RAM: the credentials are valid but not allowed this action
)

func (c Class) String() string {
	switch c {
	case ClassNotFound:
		return "not found"
	case ClassConflict:
		return "conflict"
	case ClassQuota:
		return "quota"
	case ClassInvalid:
		return "invalid"
	case ClassTransient:
		return "transient"
	case ClassAuth:
		return "auth"
	case ClassDenied:
		return "denied"
	}
	return "unknown"
}

// Error is an API or transport failure with the service's RequestId.
type Error struct {
	Op         string // e.g. "CreateHaVip"
	Class      Class
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	Err        error // underlying error, with secrets already removed

	// On a RAM refusal (ClassDenied): the action as a policy names it
	// (vpc:CreateHaVip), the resource it was refused on when the service
	// says, and ExplicitDeny when a Deny statement refused it.
	Action       string
	Resource     string
	ExplicitDeny bool
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Op, e.Message)
	if e.Code != "" {
		msg = fmt.Sprintf("%s: %s: %s", e.Op, e.Code, e.Message)
	}
	if e.RequestID != "" {
		msg += " (RequestId: " + e.RequestID + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of err, ClassUnknown when it is not an *Error.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassUnknown
}

func IsNotFound(err error) bool { return ClassOf(err) == ClassNotFound }

// Denial returns the RAM refusal inside err, or nil.
func Denial(err error) *Error {
	var e *Error
	if errors.As(err, &e) && e.Class == ClassDenied {
		return e
	}
	return nil
}

// CodeOf returns the API error code of err, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
