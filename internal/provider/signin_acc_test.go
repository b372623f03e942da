package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Each way of signing in applies and destroys the seed stack against the
// mock, and every call of the stack is signed with a session of that way
// (the RAM users here may only assume roles, so a fallback to their keys
// would be refused, and the check would name it).
func TestAccSignIn_modes(t *testing.T) {
	type mode struct {
		block func(t *testing.T, e *acctest.SignInEnv) string
		via   string // the way its sessions are issued; "" for a RAM user's own key
		role  string
	}
	modes := map[string]mode{
		"keys": {block: func(t *testing.T, e *acctest.SignInEnv) string {
			return fmt.Sprintf(`
  access_key = %q
  secret_key = %q`, acctest.AdminUser, acctest.SecretOf(acctest.AdminUser))
		}},
		"profile AK": {block: func(t *testing.T, e *acctest.SignInEnv) string {
			profiles := filepath.Join(t.TempDir(), "config.json")
			doc := fmt.Sprintf(`{"current":"admin","profiles":[{"name":"admin","mode":"AK","access_key_id":%q,"access_key_secret":%q}]}`,
				acctest.AdminUser, acctest.SecretOf(acctest.AdminUser))
			if err := os.WriteFile(profiles, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf(`
  profile      = "admin"
  profile_file = %q`, profiles)
		}},
		"assume_role": {via: mockcloud.ViaAssumeRole, role: acctest.RoleDeployer, block: func(t *testing.T, e *acctest.SignInEnv) string {
			return fmt.Sprintf(`
  access_key = %q
  secret_key = %q
  assume_role {
    role_arn = %q
  }`, acctest.PlatformUser, acctest.SecretOf(acctest.PlatformUser), acctest.RoleARN(acctest.RoleDeployer))
		}},
		// From another account, with the ExternalId the role's trust policy
		// asks for and a session policy that narrows the session to what
		// the stack needs.
		"assume_role cross-account": {via: mockcloud.ViaAssumeRole, role: acctest.RolePartner, block: func(t *testing.T, e *acctest.SignInEnv) string {
			return fmt.Sprintf(`
  access_key = %q
  secret_key = %q
  assume_role {
    role_arn           = %q
    session_name       = "partner-ci"
    session_expiration = 1800
    external_id        = %q
    policy = jsonencode({
      Version   = "1"
      Statement = [{ Effect = "Allow", Action = ["vpc:*", "ecs:DescribeInstances", "ecs:DescribeNetworkInterfaces"], Resource = "*" }]
    })
  }`, acctest.PartnerUser, acctest.SecretOf(acctest.PartnerUser), acctest.RoleARN(acctest.RolePartner), acctest.ExternalID)
		}},
		"assume_role_with_oidc token file": {via: mockcloud.ViaAssumeRoleWithOIDC, role: acctest.RoleCI, block: func(t *testing.T, e *acctest.SignInEnv) string {
			file := filepath.Join(t.TempDir(), "oidc-token")
			if err := os.WriteFile(file, []byte(e.Token(t, time.Hour)), 0o600); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token_file   = %q
    role_session_name = "github-actions"
  }`, acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI), file)
		}},
		"assume_role_with_oidc token": {via: mockcloud.ViaAssumeRoleWithOIDC, role: acctest.RoleCI, block: func(t *testing.T, e *acctest.SignInEnv) string {
			return fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token        = %q
  }`, acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI), e.Token(t, time.Hour))
		}},
		"credentials_uri": {via: mockcloud.ViaCredentialsURI, role: acctest.RoleDeployer, block: func(t *testing.T, e *acctest.SignInEnv) string {
			return fmt.Sprintf(`
  credentials_uri = %q`, e.Server.CredentialsURI(acctest.RoleDeployer))
		}},
		// A profile whose External command prints a session: the command
		// here assumes nothing, it prints one a credentials URI handed out.
		"profile External": {via: mockcloud.ViaCredentialsURI, role: acctest.RoleDeployer, block: func(t *testing.T, e *acctest.SignInEnv) string {
			dir := t.TempDir()
			script := filepath.Join(dir, "credential-helper")
			body := fmt.Sprintf("#!/bin/sh\ncurl -sf %s | python3 -c 'import json,sys; d=json.load(sys.stdin); "+
				"print(json.dumps({\"mode\":\"StsToken\",\"access_key_id\":d[\"AccessKeyId\"],\"access_key_secret\":d[\"AccessKeySecret\"],\"sts_token\":d[\"SecurityToken\"],\"expiration\":d[\"Expiration\"]}))'\n",
				e.Server.CredentialsURI(acctest.RoleDeployer))
			if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
				t.Fatal(err)
			}
			profiles := filepath.Join(dir, "config.json")
			doc := fmt.Sprintf(`{"current":"helper","profiles":[{"name":"helper","mode":"External","process_command":%q,"region_id":%q}]}`, script, e.Server.Region())
			if err := os.WriteFile(profiles, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf(`
  profile                 = "helper"
  shared_credentials_file = %q`, profiles)
		}},
	}
	for name, m := range modes {
		t.Run(name, func(t *testing.T) {
			e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
			signed := func() error {
				if m.via == "" {
					return e.CheckSignedBy(acctest.AdminUser)
				}
				return e.CheckSignedVia(m.via, m.role)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: e.SignInBlock(m.block(t, e)) + seedTopology(),
					Check:  func(*terraform.State) error { return signed() },
				}, {
					Config:  e.SignInBlock(m.block(t, e)) + seedTopology(),
					Destroy: true,
					Check: func(*terraform.State) error {
						if hs := e.HaVips(t); len(hs) != 0 {
							return fmt.Errorf("%d HaVips left after destroy", len(hs))
						}
						return signed()
					},
				}},
			})
		})
	}
}

// A session shorter than the apply is renewed before it expires: with a
// 3 s session every call finds less than 180 s left, so the library asks
// again (STS, or the credentials URI), and no call is signed with an
// expired session.
func TestAccSignIn_sessionRenewedDuringApply(t *testing.T) {
	ways := map[string]struct {
		via   string
		block func(e *acctest.SignInEnv) string
	}{
		"assume_role": {mockcloud.ViaAssumeRole, func(*acctest.SignInEnv) string {
			return fmt.Sprintf(`
  access_key = %q
  secret_key = %q
  assume_role {
    role_arn = %q
  }`, acctest.PlatformUser, acctest.SecretOf(acctest.PlatformUser), acctest.RoleARN(acctest.RoleDeployer))
		}},
		"credentials_uri": {mockcloud.ViaCredentialsURI, func(e *acctest.SignInEnv) string {
			return fmt.Sprintf("  credentials_uri = %q", e.Server.CredentialsURI(acctest.RoleDeployer))
		}},
	}
	for name, w := range ways {
		t.Run(name, func(t *testing.T) {
			e := acctest.NewSignInEnv(t, acctest.AllowAll, func(o *mockcloud.Options) {
				o.Fixtures.SessionDurationCap = mockcloud.Duration(3 * time.Second)
				o.Fixtures.Transitions = map[string]mockcloud.Transition{"havip": {Mode: "delay", Delay: mockcloud.Duration(2 * time.Second)}}
			})
			start := time.Now()
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: e.SignInBlock(w.block(e)) + seedTopology(),
					Check: func(*terraform.State) error {
						if err := e.CheckSignedVia(w.via, acctest.RoleDeployer); err != nil {
							return err
						}
						var expiredInRun int
						for _, s := range e.Server.IssuedSessions() {
							if s.Expiration.Before(time.Now()) && s.IssuedAt.After(start) {
								expiredInRun++
							}
						}
						if expiredInRun < 2 {
							return fmt.Errorf("only %d sessions expired during the apply; the test would prove nothing", expiredInRun)
						}
						if n := len(e.Server.Journal(mockcloud.JournalFilter{Code: "InvalidSecurityToken.Expired"})); n != 0 {
							return fmt.Errorf("%d calls were refused with an expired session", n)
						}
						return nil
					},
				}},
			})
		})
	}
}

// Each way sign-in fails is reported at plan, on the setting at fault,
// with what to do, and nothing is changed.
func TestAccSignIn_failures(t *testing.T) {
	e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
	dir := t.TempDir()
	expired := filepath.Join(dir, "expired-token")
	if err := os.WriteFile(expired, []byte(e.Token(t, -time.Minute)), 0o600); err != nil {
		t.Fatal(err)
	}
	keys := fmt.Sprintf(`
  access_key = %q
  secret_key = %q`, acctest.PlatformUser, acctest.SecretOf(acctest.PlatformUser))
	oidc := func(attr string) string {
		return fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    %s
  }`, acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI), attr)
	}
	cases := map[string]struct {
		block string
		want  string
	}{
		"trust policy refuses": {keys + fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n  }", acctest.RoleARN(acctest.RolePartner)),
			`(?s)Cannot sign in.*role_arn.*NoPermission.*trust\s+policy\s+does\s+not\s+allow`},
		"ExternalId missing": {fmt.Sprintf("\n  access_key = %q\n  secret_key = %q\n  assume_role {\n    role_arn = %q\n  }",
			acctest.PartnerUser, acctest.SecretOf(acctest.PartnerUser), acctest.RoleARN(acctest.RolePartner)), `(?s)Cannot sign in.*NoPermission.*external_id`},
		"unknown role": {keys + fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n  }", acctest.RoleARN("no-such-role")),
			`(?s)Cannot sign in.*EntityNotExist.Role.*does\s+not\s+exist`},
		"session policy not JSON": {keys + fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n    policy = \"allow all\"\n  }", acctest.RoleARN(acctest.RoleDeployer)),
			`(?s)Session policy is not JSON`},
		"OIDC token file missing": {oidc(fmt.Sprintf("oidc_token_file = %q", filepath.Join(dir, "missing"))),
			`(?s)Cannot sign in.*` + regexp.QuoteMeta(filepath.Join(dir, "missing"))},
		"OIDC token expired":              {oidc(fmt.Sprintf("oidc_token_file = %q", expired)), `(?s)Cannot sign in.*` + regexp.QuoteMeta(expired) + `.*expired`},
		"not on ECS":                      {`  ecs_role_name = "ecs-runner"`, `(?s)Cannot sign in.*ecs_role_name`},
		"plain HTTP to a public endpoint": {"", `(?s)Plain HTTP would send credentials unencrypted.*203\.0\.113\.10\s+is\s+neither\s+a\s+loopback\s+nor\s+a\s+private\s+address`},
		"credentials_uri over plain HTTP to a public address": {`  credentials_uri = "http://203.0.113.10/credentials"`,
			`(?s)Plain HTTP would send credentials unencrypted.*203\.0\.113\.10\s+is\s+neither\s+a\s+loopback\s+nor\s+a\s+private\s+address.*https://`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := e.SignInBlock(c.block) + seedTopology()
			if name == "plain HTTP to a public endpoint" {
				cfg = strings.Replace(e.SignInBlock(keys), fmt.Sprintf("vpc = %q", e.Server.Endpoint()), `vpc = "203.0.113.10"`, 1) + seedTopology()
			}
			since := e.Server.JournalSeq()
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      cfg,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
			if calls := e.MutatingCalls(since); len(calls) != 0 {
				t.Fatalf("a failed sign-in changed something:\n%s", acctest.Describe(calls))
			}
		})
	}
}
