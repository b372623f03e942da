package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// A full apply and destroy at TF_LOG=TRACE (Terraform's and the
// provider's logs in one file) never shows the secret key, the security
// token or the VRRP password, in the log file or on the process's stdout
// and stderr (where the in-process provider would print).
func TestAccSecrets_notInTraceLog(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	const token, vrrpPass = "STStoken-7f3a9c2e-do-not-log", "Zq7x9Kp4"
	// Secrets arrive the way operators pass them: environment variables and
	// a sensitive variable, never literals in the configuration (which the
	// test harness itself logs).
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", env.Cred.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", env.Cred.AccessKeySecret)
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", token)
	t.Setenv("TF_VAR_vrrp_password", vrrpPass)
	cfg := fmt.Sprintf(`
provider "havip" {
  region   = %q
  protocol = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
}

variable "vrrp_password" {
  type      = string
  sensitive = true
}
`, env.Server.Region(), env.Server.Endpoint(), env.Server.Endpoint()) + seedTopology() + `
data "havip_keepalived_config" "web" {
  virtual_ips       = [havip.web.ip_address]
  virtual_router_id = 51
  auth_pass         = var.vrrp_password
  nodes = [
    { name = "ecs1", private_ip = "192.168.0.25", priority = 100 },
    { name = "ecs2", private_ip = "192.168.0.26", priority = 10 },
  ]
}
`
	log, output := traceApply(t, cfg, "CreateHaVip", "AssociateHaVip", "configured the havip provider")
	assertNoSecrets(t, map[string]string{"secret_key": env.Cred.AccessKeySecret, "security_token": token, "auth_pass": vrrpPass}, log, output)
}

// traceApply applies cfg with TF_LOG=TRACE (Terraform's and the
// provider's logs in one file) and returns that log and what the process
// printed on stdout and stderr, where the in-process provider would. The
// log must be real: it must hold each of want.
func traceApply(t *testing.T, cfg string, want ...string) (log, output string) {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	stop := captureOutput(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: cfg}},
	})
	output = stop()
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log = string(b)
	for _, w := range want {
		if !strings.Contains(log, w) {
			t.Fatalf("trace log (%d bytes) lacks %q; the test would prove nothing", len(log), w)
		}
	}
	return log, output
}

// assertNoSecrets fails for each secret (name → value) found in the log
// or the output.
func assertNoSecrets(t *testing.T, secrets map[string]string, log, output string) {
	t.Helper()
	for name, secret := range secrets {
		for where, text := range map[string]string{"the trace log": log, "stdout or stderr": output} {
			if i := strings.Index(text, secret); i >= 0 {
				lo, hi := max(0, i-200), min(len(text), i+len(secret)+50)
				t.Errorf("%s appears in %s:\n…%s…", name, where, text[lo:hi])
			}
		}
	}
}

// The sign-in secrets stay out of a TF_LOG=TRACE apply too: an OIDC token
// (a JWT), an ExternalId, a RAM user's secret, and every session secret
// and token STS issued during the run.
func TestAccSecrets_signInNotInTraceLog(t *testing.T) {
	e := acctest.NewSignInEnv(t, acctest.AllowAll, nil)
	token := e.Token(t, time.Hour)
	// As operators pass them: the token in the environment, the keys and
	// the ExternalId in sensitive variables. Two applies, each signing in
	// its own way: OIDC, then keys with assume_role. (Not two providers in
	// one apply: the in-process provider would serve both configurations
	// from one server, which the framework does not allow; Terraform
	// starts a process for each.)
	t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN", token)
	t.Setenv("TF_VAR_partner_secret", acctest.SecretOf(acctest.PartnerUser))
	t.Setenv("TF_VAR_external_id", acctest.ExternalID)
	endpoints := fmt.Sprintf(`
  region   = %q
  protocol = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
    sts = %q
  }`, e.Server.Region(), e.Server.Endpoint(), e.Server.Endpoint(), e.Server.TLSEndpoint())
	oidc := fmt.Sprintf(`
provider "havip" {
%s
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
  }
}
`, endpoints, acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI)) + seedTopology()
	partner := fmt.Sprintf(`
variable "external_id" {
  type      = string
  sensitive = true
}

variable "partner_secret" {
  type      = string
  sensitive = true
}

provider "havip" {
  access_key = %q
  secret_key = var.partner_secret
%s
  assume_role {
    role_arn    = %q
    external_id = var.external_id
  }
}
`, acctest.PartnerUser, endpoints, acctest.RoleARN(acctest.RolePartner)) + seedTopology()
	log1, output1 := traceApply(t, oidc, "CreateHaVip", "signed in", "assume_role_with_oidc")
	log2, output2 := traceApply(t, partner, "CreateHaVip", "signed in", "access_key+assume_role")
	log, output := log1+log2, output1+output2
	secrets := map[string]string{"the OIDC token": token, "the ExternalId": acctest.ExternalID,
		"the partner's secret": acctest.SecretOf(acctest.PartnerUser)}
	sessions := map[string]bool{}
	for _, s := range e.Server.IssuedSessions() {
		sessions[s.AccessKeyID] = true
	}
	for _, c := range e.Server.Accounts() {
		if sessions[c.AccessKeyID] {
			secrets["the secret of session "+c.AccessKeyID] = c.AccessKeySecret
			secrets["the token of session "+c.AccessKeyID] = c.SecurityToken
		}
	}
	if len(sessions) < 2 {
		t.Fatalf("%d sessions issued; the test would prove nothing", len(sessions))
	}
	assertNoSecrets(t, secrets, log, output)
}
