package provider

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// The steps of havipProvider.Configure.

// knownFromEnv names, by attribute path, the environment variable that
// can stand in for a provider value that is unknown until apply.
var knownFromEnv = map[string][]string{
	"region": envRegion, "access_key": envAccessKey, "secret_key": envSecretKey, "security_token": envSecurityToken,
	"profile": envProfile, "profile_file": envProfileFile, "protocol": envProtocol, "shared_credentials_file": envProfileFile,
	"credentials_uri": envCredentialsURI, "ecs_role_name": envECSRoleName,
	"endpoints.vpc": envEndpointVPC, "endpoints.ecs": envEndpointECS, "endpoints.sts": envEndpointSTS,
	"assume_role.role_arn": envAssumeRoleARN, "assume_role.session_name": envAssumeRoleSession,
	"assume_role.session_expiration":          envAssumeRoleDuration,
	"assume_role_with_oidc.oidc_provider_arn": envOIDCProviderARN, "assume_role_with_oidc.role_arn": envOIDCRoleARN,
	"assume_role_with_oidc.oidc_token": envOIDCToken, "assume_role_with_oidc.oidc_token_file": envOIDCTokenFile,
	"assume_role_with_oidc.role_session_name": envOIDCSession,
}

// requireKnown refuses every provider value that is unknown until apply:
// the provider needs each of them to connect. It walks the model, so an
// attribute added to it is covered without being listed here.
func requireKnown(cfg providerModel, diags *diag.Diagnostics) {
	var walk func(v reflect.Value, at path.Path)
	walk = func(v reflect.Value, at path.Path) {
		for i := range v.NumField() {
			name, f := v.Type().Field(i).Tag.Get("tfsdk"), v.Field(i)
			here := path.Root(name)
			if len(at.Steps()) > 0 {
				here = at.AtName(name)
			}
			switch val := f.Interface().(type) {
			case interface{ IsUnknown() bool }:
				if val.IsUnknown() {
					addUnknown(diags, here)
				}
			default:
				if f.Kind() == reflect.Pointer && !f.IsNil() {
					walk(f.Elem(), here)
				}
			}
		}
	}
	walk(reflect.ValueOf(cfg), path.Empty())
}

func addUnknown(diags *diag.Diagnostics, at path.Path) {
	how := "Set it statically"
	if env := knownFromEnv[at.String()]; len(env) > 0 {
		how += " or use the " + env[0] + " environment variable"
	}
	diags.AddAttributeError(at, "Unknown provider configuration value",
		fmt.Sprintf("The value of %s is not known until apply, but the provider needs it to connect. %s.", at, how))
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
