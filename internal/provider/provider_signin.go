package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

var (
	roleARN         = regexp.MustCompile(`^acs:ram::[0-9]+:role/[^/]+$`)
	oidcProviderARN = regexp.MustCompile(`^acs:ram::[0-9]+:oidc-provider/[^/]+$`)
	sessionName     = regexp.MustCompile(`^[A-Za-z0-9.@_-]{2,64}$`)
)

// signInAttributes are the provider's top-level sign-in settings beside
// the keys, named as in Alibaba's own provider so a block can be copied.
func signInAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"shared_credentials_file": schema.StringAttribute{
			Optional: true,
			Description: "Path of the aliyun CLI configuration (the alicloud provider's name for `profile_file`). " +
				"Falls back to `ALICLOUD_SHARED_CREDENTIALS_FILE`, `ALIBABA_CLOUD_CREDENTIALS_FILE`.",
		},
		"credentials_uri": schema.StringAttribute{
			Optional: true,
			Description: "URL that answers temporary credentials (`{\"Code\":\"Success\",\"AccessKeyId\",\"AccessKeySecret\",\"SecurityToken\",\"Expiration\"}`), " +
				"asked again before they expire. Plain `http://` only to a loopback or private address. " +
				"Falls back to `ALIBABA_CLOUD_CREDENTIALS_URI`, `ALICLOUD_CREDENTIALS_URI`.",
			Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https?://`), "must be an http:// or https:// URL")},
		},
		"ecs_role_name": schema.StringAttribute{
			Optional: true,
			Description: "RAM role of the ECS instance Terraform runs on: its credentials are read from the instance metadata service " +
				"(100.100.100.200), which is asked only when this (or `ALIBABA_CLOUD_ECS_METADATA`, `ALICLOUD_ECS_ROLE_NAME`) is set.",
		},
	}
}

// The attributes both role blocks have, with the variables each reads.
func roleARNAttr(env string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Description: "ARN of the role, `acs:ram::<account>:role/<name>`. Falls back to " + env + ".",
		Validators:  []validator.String{stringvalidator.RegexMatches(roleARN, "must be a RAM role ARN, acs:ram::<account>:role/<name>")},
	}
}

func sessionNameAttr(env string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Description: "Session name, 2-64 letters, digits or `.@-_` (default `terraform`). Falls back to " + env + ".",
		Validators:  []validator.String{stringvalidator.RegexMatches(sessionName, "must be 2-64 letters, digits or .@-_")},
	}
}

func sessionExpirationAttr(env string) schema.Int64Attribute {
	fallback := ""
	if env != "" {
		fallback = " Falls back to " + env + "."
	}
	return schema.Int64Attribute{
		Optional:    true,
		Description: "Seconds the session lasts, 900-43200 and at most the role's maximum (default 3600)." + fallback,
		Validators:  []validator.Int64{int64validator.Between(900, 43200)},
	}
}

func sessionPolicyAttr(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:    true,
		Description: "A session policy (JSON) that narrows the " + what + " session to less than the role allows.",
		Validators:  []validator.String{jsonPolicy{}},
	}
}

func signInBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"assume_role": schema.SingleNestedBlock{
			Description: "Assume a RAM role (STS AssumeRole) with the base credentials, which are found as the precedence table says. " +
				"The session is renewed before it expires.",
			Attributes: map[string]schema.Attribute{
				"role_arn":           roleARNAttr("`ALICLOUD_ASSUME_ROLE_ARN`, `ALIBABA_CLOUD_ROLE_ARN`"),
				"session_name":       sessionNameAttr("`ALICLOUD_ASSUME_ROLE_SESSION_NAME`, `ALIBABA_CLOUD_ROLE_SESSION_NAME`"),
				"session_expiration": sessionExpirationAttr("`ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION`"),
				"external_id": schema.StringAttribute{
					Optional: true, Sensitive: true,
					Description: "External ID the role's trust policy asks for (2-1224 characters).",
					Validators:  []validator.String{stringvalidator.LengthBetween(2, 1224)},
				},
				"policy": sessionPolicyAttr("assumed"),
			},
		},
		"assume_role_with_oidc": schema.SingleNestedBlock{
			Description: "Exchange an OIDC token (a CI job's, an ACK pod's) for an STS session of a role (STS AssumeRoleWithOIDC). " +
				"The session is renewed before it expires.",
			Attributes: map[string]schema.Attribute{
				"oidc_provider_arn": schema.StringAttribute{
					Optional:    true,
					Description: "ARN of the RAM OIDC provider, `acs:ram::<account>:oidc-provider/<name>`. Falls back to `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.",
					Validators:  []validator.String{stringvalidator.RegexMatches(oidcProviderARN, "must be a RAM OIDC provider ARN, acs:ram::<account>:oidc-provider/<name>")},
				},
				"role_arn": roleARNAttr("`ALIBABA_CLOUD_ROLE_ARN`"),
				"oidc_token": schema.StringAttribute{
					Optional: true, Sensitive: true,
					Description: "The OIDC token (a JWT). The credential library reads tokens only from files, so the provider writes it to a private " +
						"temporary file for each exchange and removes it as soon as the call returns. Falls back to `ALIBABA_CLOUD_OIDC_TOKEN`.",
					Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("oidc_token_file"))},
				},
				"oidc_token_file": schema.StringAttribute{
					Optional:    true,
					Description: "File holding the OIDC token, read again for each exchange (CI systems and ACK rotate it). Falls back to `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.",
				},
				"role_session_name":  sessionNameAttr("`ALIBABA_CLOUD_ROLE_SESSION_NAME`"),
				"session_expiration": sessionExpirationAttr(""),
				"policy":             sessionPolicyAttr("OIDC"),
			},
		},
	}
}

// jsonPolicy refuses a session policy that is not a JSON object at plan,
// instead of as STS's InvalidParameter.PolicyGrammar at the first call.
type jsonPolicy struct{}

func (jsonPolicy) Description(context.Context) string               { return "must be a JSON policy document" }
func (v jsonPolicy) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (jsonPolicy) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &doc); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Session policy is not JSON",
			fmt.Sprintf("The policy must be a JSON policy document such as {\"Version\":\"1\",\"Statement\":[...]}: %s. Tip: jsonencode({...}) builds one.", err))
	}
}

// signInPath is the attribute a failed sign-in is reported on.
func signInPath(mode string) path.Path {
	switch {
	case mode == alicloud.ModeAssumeRole || strings.HasSuffix(mode, "+"+alicloud.ModeAssumeRole):
		return path.Root("assume_role").AtName("role_arn")
	case mode == alicloud.ModeOIDC:
		return path.Root("assume_role_with_oidc")
	case mode == alicloud.ModeECSRole:
		return path.Root("ecs_role_name")
	case mode == alicloud.ModeCredentialsURI:
		return path.Root("credentials_uri")
	case strings.HasPrefix(mode, alicloud.ModeProfile):
		return path.Root("profile")
	}
	return path.Root("access_key")
}

// signInHint adds what to do to the library's or the service's words.
func signInHint(mode string, err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "NoPermission") && strings.Contains(msg, "root"):
		return "An account's own AccessKey cannot assume a role: sign in as a RAM user (or another role) that the role's trust policy names."
	case strings.Contains(msg, "NoPermission"):
		return "The role's trust policy does not allow this caller (or its ExternalId condition does not match external_id), " +
			"or the caller lacks sts:AssumeRole. Check the role's trust policy and the caller's RAM policies."
	case strings.Contains(msg, "EntityNotExist.Role") || strings.Contains(msg, "NotExist"):
		return "The role does not exist in that account: check the role ARN."
	case strings.Contains(msg, "OIDCToken.Expired"):
		return "The OIDC token has expired: CI systems issue short-lived tokens, so ask for a new one in the job that runs Terraform."
	case strings.Contains(msg, "AuthenticationFail"):
		return "STS refused the OIDC token: check that the OIDC provider's issuer and client IDs match the token's iss and aud, and the role's trust policy conditions."
	case strings.Contains(msg, "PolicyGrammar"):
		return "The session policy is not a valid RAM policy document."
	case mode == alicloud.ModeECSRole && strings.Contains(msg, "100.100.100.200"):
		return "The ECS instance metadata service (100.100.100.200) did not answer: ecs_role_name works only on an ECS instance with that RAM role attached."
	}
	return ""
}

// addSignInError reports a sign-in that failed on the setting it came from.
func addSignInError(diags *diag.Diagnostics, err error) {
	var si *alicloud.SignInError
	mode := alicloud.ModeStatic
	if errors.As(err, &si) {
		mode = si.Mode
	}
	detail := fmt.Sprintf("Signing in with %s failed: %s", strings.ReplaceAll(mode, "+", " and then "), err)
	if hint := signInHint(mode, err); hint != "" {
		detail += "\n\n" + hint
	}
	diags.AddAttributeError(signInPath(mode), "Cannot sign in to Alibaba Cloud", detail)
}
