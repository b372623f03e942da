// Package rulebook holds Alibaba Cloud's HaVip rules as data and pure
// functions: the documented limits, the address rules of a vSwitch, the
// text and tag rules, the membership rules, the API's error codes and the
// statuses it reports.
//
// It is written once and read twice: the mock (internal/mockcloud) turns a
// Violation into the API's error answer, and the provider's plan checks
// (internal/provider) turn the same Violation into a diagnostic on the
// attribute it names, so what the plan predicts is what the API enforces.
// The facts and their sources are in shared/reference/havip-api.md; the
// package imports nothing but the standard library and internal/netutil.
package rulebook

// Violation is one broken rule: the API's error code, the request
// parameter it is about (the API's name, such as "IpAddress"), a short
// title and a message that names the values involved.
type Violation struct {
	Code    string
	Field   string
	Title   string
	Message string
}

func (v *Violation) Error() string { return v.Code + ": " + v.Message }
