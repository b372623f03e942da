package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// The steps of havipProvider.Configure.

// requireKnown refuses a provider value that is unknown until apply: the
// provider needs every one of them to connect.
func requireKnown(cfg providerModel, diags *diag.Diagnostics) {
	unknown := func(v interface{ IsUnknown() bool }, at path.Path, env string) {
		if v.IsUnknown() {
			how := "Set it statically"
			if env != "no" {
				how += " or use the " + env + " environment variable"
			}
			diags.AddAttributeError(at, "Unknown provider configuration value",
				fmt.Sprintf("The value of %s is not known until apply, but the provider needs it to connect. %s.", at, how))
		}
	}
	unknown(cfg.Region, path.Root("region"), envRegion[0])
	unknown(cfg.AccessKey, path.Root("access_key"), envAccessKey[0])
	unknown(cfg.SecretKey, path.Root("secret_key"), envSecretKey[0])
	unknown(cfg.SecurityToken, path.Root("security_token"), envSecurityToken[0])
	unknown(cfg.Profile, path.Root("profile"), envProfile[0])
	unknown(cfg.ProfileFile, path.Root("profile_file"), envProfileFile[0])
	unknown(cfg.Protocol, path.Root("protocol"), envProtocol[0])
	unknown(cfg.MaxRetries, path.Root("max_retries"), "no")
	unknown(cfg.ReadTimeout, path.Root("client_read_timeout"), "no")
	unknown(cfg.SharedCredentialsFile, path.Root("shared_credentials_file"), envProfileFile[0])
	unknown(cfg.CredentialsURI, path.Root("credentials_uri"), envCredentialsURI[0])
	unknown(cfg.ECSRoleName, path.Root("ecs_role_name"), envECSRoleName[0])
	if cfg.Endpoints != nil {
		unknown(cfg.Endpoints.VPC, path.Root("endpoints").AtName("vpc"), envEndpointVPC[0])
		unknown(cfg.Endpoints.ECS, path.Root("endpoints").AtName("ecs"), envEndpointECS[0])
		unknown(cfg.Endpoints.STS, path.Root("endpoints").AtName("sts"), envEndpointSTS[0])
	}
	if a := cfg.AssumeRole; a != nil {
		at := path.Root("assume_role")
		unknown(a.RoleARN, at.AtName("role_arn"), envAssumeRoleARN[0])
		unknown(a.SessionName, at.AtName("session_name"), envAssumeRoleSession[0])
		unknown(a.SessionExpiration, at.AtName("session_expiration"), envAssumeRoleDuration[0])
		unknown(a.ExternalID, at.AtName("external_id"), "no")
		unknown(a.Policy, at.AtName("policy"), "no")
	}
	if o := cfg.AssumeRoleWithOIDC; o != nil {
		at := path.Root("assume_role_with_oidc")
		unknown(o.OIDCProviderARN, at.AtName("oidc_provider_arn"), envOIDCProviderARN[0])
		unknown(o.RoleARN, at.AtName("role_arn"), envOIDCRoleARN[0])
		unknown(o.OIDCToken, at.AtName("oidc_token"), envOIDCToken[0])
		unknown(o.OIDCTokenFile, at.AtName("oidc_token_file"), envOIDCTokenFile[0])
		unknown(o.RoleSessionName, at.AtName("role_session_name"), envOIDCSession[0])
		unknown(o.SessionExpiration, at.AtName("session_expiration"), "no")
		unknown(o.Policy, at.AtName("policy"), "no")
	}
	if cfg.Quotas != nil {
		unknown(cfg.Quotas.HaVipsPerAccount, path.Root("quotas").AtName("havips_per_account"), "no")
		unknown(cfg.Quotas.HaVipsPerVPC, path.Root("quotas").AtName("havips_per_vpc"), "no")
		unknown(cfg.Quotas.RoutesPerTable, path.Root("quotas").AtName("havip_route_entries_per_table"), "no")
	}
}

// clientConfig is the API client's configuration from the provider block
// and the environment (sign-in apart).
func clientConfig(cfg providerModel, region, version string) alicloud.Config {
	ac := alicloud.Config{
		Region:    region,
		Protocol:  pick(cfg.Protocol, envProtocol),
		UserAgent: "terraform-provider-havip/" + version,
	}
	if cfg.Endpoints != nil {
		ac.VPCEndpoint = cfg.Endpoints.VPC.ValueString()
		ac.ECSEndpoint = cfg.Endpoints.ECS.ValueString()
	}
	if ac.VPCEndpoint == "" {
		ac.VPCEndpoint = firstEnv(envEndpointVPC)
	}
	if ac.ECSEndpoint == "" {
		ac.ECSEndpoint = firstEnv(envEndpointECS)
	}
	if !cfg.MaxRetries.IsNull() {
		ac.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if ac.MaxRetries == 0 {
			ac.MaxRetries = -1 // 0 in the config means no retries; the client reads 0 as "default"
		}
	}
	if !cfg.ReadTimeout.IsNull() {
		ac.ReadTimeout = time.Duration(cfg.ReadTimeout.ValueInt64()) * time.Millisecond
	}
	return ac
}

// limitsOf is the rulebook's limits with the configured quotas.
func limitsOf(q *quotasModel) rulebook.Limits {
	limits := rulebook.DefaultLimits()
	if q == nil {
		return limits
	}
	if !q.HaVipsPerAccount.IsNull() {
		limits.HaVipsPerAccount = int(q.HaVipsPerAccount.ValueInt64())
	}
	if !q.HaVipsPerVPC.IsNull() {
		limits.HaVipsPerVPC = int(q.HaVipsPerVPC.ValueInt64())
	}
	if !q.RoutesPerTable.IsNull() {
		limits.HaVipRoutesPerTable = int(q.RoutesPerTable.ValueInt64())
	}
	return limits
}

// connect signs in and checks the region when there are a region and
// credentials, or records in data why the API cannot be used. false: the
// configuration was refused (diags says why).
func connect(ctx context.Context, data *providerData, ac alicloud.Config, src *alicloud.CredentialSource, diags *diag.Diagnostics) bool {
	switch {
	case ac.Region == "":
		data.clientErr = "No region is configured: set region in the provider block, ALIBABA_CLOUD_REGION, or a profile with a region."
	case src == nil:
		data.clientErr = "No credentials are configured: set access_key and secret_key in the provider block (or ALIBABA_CLOUD_ACCESS_KEY_ID and " +
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET), a profile, assume_role_with_oidc, ecs_role_name or credentials_uri: see the provider's Authentication docs."
	default:
		ac.Credentials = src
		client, err := alicloud.New(ctx, ac)
		if err != nil {
			diags.AddError("Invalid provider configuration", err.Error())
			return false
		}
		if err := client.SignIn(ctx); err != nil {
			addSignInError(diags, err)
			return false
		}
		data.client = client
		if regionMissing(ctx, client) {
			diags.AddAttributeError(path.Root("region"), "Region not found",
				fmt.Sprintf("Alibaba Cloud has no region %q (or none this account can use). Set region, ALIBABA_CLOUD_REGION or the profile's region "+
					"to a region ID such as cn-hangzhou.", ac.Region))
			return false
		}
	}
	return true
}
