package provider

import (
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// Environment variables, in order of precedence after the provider block:
// Alibaba's own names first, then those of the alicloud provider, so that
// a shell or CI job set up for either works unchanged.
var (
	envAccessKey      = []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"}
	envSecretKey      = []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"}
	envSecurityToken  = []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"}
	envRegion         = []string{"ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"}
	envProfile        = []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"}
	envProfileFile    = []string{"ALIBABA_CLOUD_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE"}
	envCredentialsURI = []string{"ALIBABA_CLOUD_CREDENTIALS_URI", "ALICLOUD_CREDENTIALS_URI"}
	envECSRoleName    = []string{"ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"}
	envEndpointVPC    = []string{"ALIBABA_CLOUD_ENDPOINT_VPC", "VPC_ENDPOINT"}
	envEndpointECS    = []string{"ALIBABA_CLOUD_ENDPOINT_ECS", "ECS_ENDPOINT"}
	envEndpointSTS    = []string{"ALIBABA_CLOUD_STS_ENDPOINT", "ALICLOUD_STS_ENDPOINT"}
	envProtocol       = []string{"HAVIP_PROTOCOL"}

	// assume_role. ALIBABA_CLOUD_ROLE_ARN counts only inside an assume_role
	// block: it is also the role of the OIDC variables (an ACK pod with
	// RRSA has all three), which must not be assumed a second time.
	envAssumeRoleARN        = []string{"ALICLOUD_ASSUME_ROLE_ARN"}
	envAssumeRoleARNInBlock = []string{"ALICLOUD_ASSUME_ROLE_ARN", "ALIBABA_CLOUD_ROLE_ARN"}
	envAssumeRoleSession    = []string{"ALICLOUD_ASSUME_ROLE_SESSION_NAME", "ALIBABA_CLOUD_ROLE_SESSION_NAME"}
	envAssumeRoleDuration   = []string{"ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION"}

	// assume_role_with_oidc, as the credential library and the alicloud
	// provider read them; all of provider ARN, role ARN and a token make
	// an OIDC sign-in without the block.
	envOIDCProviderARN = []string{"ALIBABA_CLOUD_OIDC_PROVIDER_ARN"}
	envOIDCRoleARN     = []string{"ALIBABA_CLOUD_ROLE_ARN"}
	envOIDCTokenFile   = []string{"ALIBABA_CLOUD_OIDC_TOKEN_FILE"}
	envOIDCToken       = []string{"ALIBABA_CLOUD_OIDC_TOKEN"}
	envOIDCSession     = []string{"ALIBABA_CLOUD_ROLE_SESSION_NAME"}
)

func firstEnv(names []string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// pick is the attribute when set, else the first environment variable set.
func pick(v types.String, env []string) string {
	if s := v.ValueString(); s != "" {
		return s
	}
	return firstEnv(env)
}

func pickInt(v types.Int64, env []string) int {
	if !v.IsNull() && !v.IsUnknown() {
		return int(v.ValueInt64())
	}
	n, _ := strconv.Atoi(firstEnv(env))
	return n
}

// signIn resolves every sign-in setting from the block and the
// environment; alicloud.SignIn.Source decides which one is used.
func signIn(cfg providerModel, region string) alicloud.SignIn {
	s := alicloud.SignIn{
		AccessKey:      pick(cfg.AccessKey, envAccessKey),
		SecretKey:      pick(cfg.SecretKey, envSecretKey),
		SecurityToken:  pick(cfg.SecurityToken, envSecurityToken),
		Profile:        pick(cfg.Profile, envProfile),
		CredentialsURI: pick(cfg.CredentialsURI, envCredentialsURI),
		ECSRoleName:    pick(cfg.ECSRoleName, envECSRoleName),
		Region:         region,
	}
	s.ProfileExplicit = s.Profile != ""
	s.ProfileFile = profileFile(cfg)
	if cfg.Endpoints != nil {
		s.STSEndpoint = cfg.Endpoints.STS.ValueString()
	}
	if s.STSEndpoint == "" {
		s.STSEndpoint = firstEnv(envEndpointSTS)
	}

	if a := cfg.AssumeRole; a != nil {
		s.AssumeRole = &alicloud.AssumeRoleSignIn{
			RoleARN:     pick(a.RoleARN, envAssumeRoleARNInBlock),
			SessionName: pick(a.SessionName, envAssumeRoleSession),
			ExternalID:  a.ExternalID.ValueString(),
			Policy:      a.Policy.ValueString(),
			Duration:    pickInt(a.SessionExpiration, envAssumeRoleDuration),
		}
	} else if arn := firstEnv(envAssumeRoleARN); arn != "" {
		s.AssumeRole = &alicloud.AssumeRoleSignIn{RoleARN: arn, SessionName: firstEnv(envAssumeRoleSession),
			Duration: pickInt(types.Int64Null(), envAssumeRoleDuration)}
	}

	if o := cfg.AssumeRoleWithOIDC; o != nil {
		s.OIDC = &alicloud.OIDCSignIn{
			ProviderARN: pick(o.OIDCProviderARN, envOIDCProviderARN),
			RoleARN:     pick(o.RoleARN, envOIDCRoleARN),
			Token:       pick(o.OIDCToken, envOIDCToken),
			TokenFile:   pick(o.OIDCTokenFile, envOIDCTokenFile),
			SessionName: pick(o.RoleSessionName, envOIDCSession),
			Policy:      o.Policy.ValueString(),
			Duration:    int(o.SessionExpiration.ValueInt64()),
		}
		if !o.OIDCToken.IsNull() || !o.OIDCTokenFile.IsNull() {
			// The block names its token; a variable does not add the other kind.
			s.OIDC.Token, s.OIDC.TokenFile = o.OIDCToken.ValueString(), o.OIDCTokenFile.ValueString()
		}
	} else if p, r := firstEnv(envOIDCProviderARN), firstEnv(envOIDCRoleARN); p != "" && r != "" {
		tok, file := firstEnv(envOIDCToken), firstEnv(envOIDCTokenFile)
		if tok != "" || file != "" {
			s.OIDC = &alicloud.OIDCSignIn{ProviderARN: p, RoleARN: r, Token: tok, TokenFile: file, SessionName: firstEnv(envOIDCSession)}
		}
	}
	return s
}

// profileFile is the aliyun CLI configuration to read: profile_file or
// shared_credentials_file (the alicloud provider's name for it), a
// variable, else ~/.aliyun/config.json.
func profileFile(cfg providerModel) string {
	if f := cfg.ProfileFile.ValueString(); f != "" {
		return f
	}
	if f := pick(cfg.SharedCredentialsFile, envProfileFile); f != "" {
		return f
	}
	return alicloud.DefaultProfileFile()
}
