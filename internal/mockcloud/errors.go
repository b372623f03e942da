package mockcloud

import (
	"fmt"
	"net/http"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// APIError is an error the mock answers with, in Alibaba's envelope. Status
// and Code follow the API reference; where the reference leaves a code
// undocumented the mock's choice is listed in the package docs.
type APIError struct {
	Status  int
	Code    string
	Message string
	// AccessDenied is set on a RAM refusal and travels in the envelope.
	AccessDenied *AccessDeniedDetail
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func apiErr(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(code, format string, args ...any) *APIError {
	return apiErr(http.StatusBadRequest, code, format, args...)
}

func notFound(code, format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, code, format, args...)
}

// refuse answers a broken rule of the rulebook with its code and message.
func refuse(v *rulebook.Violation) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: v.Code, Message: v.Message}
}

func invalidParam(name, format string, args ...any) *APIError {
	return badRequest(rulebook.CodeInvalidParameter, "The specified parameter %q is not valid. %s", name, fmt.Sprintf(format, args...))
}

func missingParam(name string) *APIError {
	return badRequest("Missing"+name, "%s is mandatory for this action.", name)
}

// errorEnvelope is the body of every non-2xx answer. Every field is a JSON
// string: the SDK panics on any other type (alibaba-sdk.md §10).
type errorEnvelope struct {
	RequestId string `json:"RequestId"`
	HostId    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
	// AccessDeniedDetail is an object, as the SDK expects it.
	AccessDeniedDetail *AccessDeniedDetail `json:"AccessDeniedDetail,omitempty"`
}
