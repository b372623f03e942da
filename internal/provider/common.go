package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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
		switch code := alicloud.CodeOf(err); {
		case strings.HasPrefix(code, "InvalidSecurityToken") && strings.HasSuffix(code, "Expired"):
			msg += "\n\nThe STS session of the provider's credentials has expired. " +
				"Get a new session (security_token, or refresh the aliyun CLI profile) and run Terraform again; " +
				"what was done before this call is in the state."
		case strings.HasPrefix(code, "InvalidSecurityToken"):
			msg += "\n\nThe STS security_token is missing, or does not belong to the access key: STS credentials " +
				"(an access key ID starting with STS.) need the security_token of the same session. " +
				"Set security_token (or ALIBABA_CLOUD_SECURITY_TOKEN) with the access key and secret it came with."
		default:
			msg += "\n\nCheck the provider's access_key, secret_key and security_token, and that the machine's clock is right."
		}
	case alicloud.ClassDenied:
		msg += "\n\n" + deniedAdvice(alicloud.Denial(err))
	case alicloud.ClassTransient:
		if unreachable(err) {
			msg += "\n\nNothing answers at that address (the endpoint in the message above), so more retries would not help. " +
				"Check the provider's endpoints (or ALIBABA_CLOUD_ENDPOINT_VPC and ALIBABA_CLOUD_ENDPOINT_ECS), region and protocol, " +
				"and that this machine can reach the endpoint."
		} else {
			msg += "\n\nThe call was retried with backoff and kept failing; raise max_retries or try again later."
		}
	case alicloud.ClassConflict:
		msg += "\n\nAlibaba Cloud still reported the resource busy (a change in progress: this operation's own, or another's) " +
			"when the timeout ran out; raise the timeout in the resource's timeouts block, or apply again."
	}
	return msg
}

// unreachable reports a transport error in which nothing answered: a
// refused connection, a host or network out of reach, a name that does
// not resolve.
func unreachable(err error) bool {
	var dns *net.DNSError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.As(err, &dns)
}

// withTimeout bounds an operation by its configured timeout (a method
// value of the timeouts block, such as plan.Timeouts.Create).
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, dd := get(ctx, def)
	diags.Append(dd...)
	return context.WithTimeout(ctx, d)
}

// planCompositeID sets a child resource's planned id, HAVIP_ID:OTHER_ID,
// as soon as both parts are known, so that the plan shows it.
func planCompositeID(ctx context.Context, resp *resource.ModifyPlanResponse, havipID, otherID types.String) {
	if !havipID.IsUnknown() && !otherID.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), havipID.ValueString()+":"+otherID.ValueString())...)
	}
}

// storePlan is Update for a resource whose in-place changes are settings
// of its own (timeouts, force) that no API call carries: the plan becomes
// the state, and the resource identity stays.
func storePlan[M any](ctx context.Context, id identity, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer id.keep(ctx, &resp.State, req.Identity, resp.Identity, &resp.Diagnostics)
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}
