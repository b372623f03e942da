package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// configureData takes the provider's data in a resource's or data
// source's Configure; nil data means the provider is not configured yet
// (validation runs before Configure).
func configureData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", raw))
		return nil
	}
	return d
}

// api returns the client or explains why there is none.
func (d *providerData) api(diags *diag.Diagnostics) *alicloud.Client {
	if d == nil {
		diags.AddError("Provider not configured", "The havip provider was not configured. This is a bug in the provider or in Terraform.")
		return nil
	}
	if d.client == nil {
		diags.AddError("The havip provider cannot reach Alibaba Cloud", d.clientErr)
		return nil
	}
	return d.client
}

// skippedChecks warns, on the resource being planned, that the checks which
// need the API did not run and why; the schema's own checks (IPv4, text,
// tags, ID prefixes) ran regardless. what lists the skipped checks.
func (d *providerData) skippedChecks(diags *diag.Diagnostics, what string) {
	diags.AddWarning("Plan-time checks against Alibaba Cloud were skipped",
		fmt.Sprintf("%s\n\nWithout API access the plan could not check %s. Apply needs that access too, and runs "+
			"these checks again before its first change.", d.clientErr, what))
}

// checkedOnlyAtApply warns, on havip_id, that a resource whose HaVip is
// created in the same apply is checked only when Terraform plans it again
// during apply, after the HaVip (and maybe other resources) exist: a
// refusal then leaves the configuration partly applied. what lists the
// checks; instead names what checks them at plan.
func checkedOnlyAtApply(diags *diag.Diagnostics, resource, what, instead string) {
	diags.AddAttributeWarning(path.Root("havip_id"), "Checked only during apply: havip_id is not known yet",
		fmt.Sprintf("The HaVip is created by this apply, so this %s is checked only when Terraform plans it again during the apply, "+
			"after the HaVip and perhaps other resources were created: %s. A refusal then leaves the configuration partly applied "+
			"(terraform destroy still removes it). %s.", resource, what, instead))
}

func stringList(ctx context.Context, v []string, diags *diag.Diagnostics) types.List {
	if v == nil {
		v = []string{}
	}
	l, d := types.ListValueFrom(ctx, types.StringType, v)
	diags.Append(d...)
	return l
}

// apiErrorDetail is the detail text of a diagnostic for an API error: the
// error itself plus what to do about its class.
func apiErrorDetail(err error) string {
	msg := err.Error()
	switch alicloud.ClassOf(err) {
	case alicloud.ClassAuth:
		if strings.HasPrefix(alicloud.CodeOf(err), "InvalidSecurityToken") {
			msg += "\n\nThe STS session of the provider's credentials has expired or its security_token is wrong. " +
				"Get a new session (security_token, or refresh the aliyun CLI profile) and run Terraform again; " +
				"what was done before this call is in the state."
		} else {
			msg += "\n\nCheck the provider's access_key, secret_key and security_token, and that the machine's clock is right."
		}
	case alicloud.ClassDenied:
		msg += "\n\n" + deniedAdvice(alicloud.Denial(err))
	case alicloud.ClassTransient:
		msg += "\n\nThe call was retried with backoff and kept failing; raise max_retries or try again later."
	case alicloud.ClassConflict:
		msg += "\n\nThe resource stayed busy with another operation until the timeout; raise the timeout or try again."
	}
	return msg
}

// withTimeout bounds an operation by its configured timeout (a method
// value of the timeouts block, such as plan.Timeouts.Create).
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, dd := get(ctx, def)
	diags.Append(dd...)
	return context.WithTimeout(ctx, d)
}
