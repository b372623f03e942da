package provider

import (
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// What apiErrorDetail advises for each kind of failure: an expired STS
// session, a missing or foreign security token, an endpoint where nothing
// answers, a service that kept failing, a resource busy until the timeout.
func TestAPIErrorAdvice(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	for _, tc := range []struct {
		name      string
		err       error
		want, not string
	}{
		{"expired session", &alicloud.Error{Class: alicloud.ClassAuth, Code: "InvalidSecurityToken.Expired"}, "has expired", "missing"},
		{"missing token", &alicloud.Error{Class: alicloud.ClassAuth, Code: "InvalidSecurityToken.Missing"}, "security_token is missing", "expired"},
		{"foreign token", &alicloud.Error{Class: alicloud.ClassAuth, Code: "InvalidSecurityToken.MismatchWithAccessKey"}, "does not belong to the access key", "expired"},
		{"connection refused", &alicloud.Error{Class: alicloud.ClassTransient, Err: refused}, "Nothing answers at that address", "max_retries"},
		{"name not found", &alicloud.Error{Class: alicloud.ClassTransient, Err: &net.DNSError{Err: "no such host", Name: "vpc.example", IsNotFound: true}},
			"Check the provider's endpoints", "max_retries"},
		{"throttled", &alicloud.Error{Class: alicloud.ClassTransient, Code: "Throttling", HTTPStatus: 400}, "raise max_retries", "Nothing answers"},
		{"busy until the timeout", &alicloud.Error{Class: alicloud.ClassConflict, Code: "IncorrectHaVipStatus"}, "this operation's own, or another's", "stayed busy with another operation"},
	} {
		got := apiErrorDetail(tc.err)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%s: want %q and not %q in:\n%s", tc.name, tc.want, tc.not, got)
		}
	}
}
