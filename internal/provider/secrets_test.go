package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// A full apply and destroy at TF_LOG=TRACE (Terraform's and the
// provider's logs in one file) never shows the secret key, the security
// token or the VRRP password, in the log file or on the process's stdout
// and stderr (where the in-process provider would print).
func TestAccSecrets_notInTraceLog(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
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
	stop := captureOutput(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: cfg}},
	})
	output := stop()
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	// The log must be real: the provider's own API logging is in it.
	for _, want := range []string{"CreateHaVip", "AssociateHaVip", "configured the havip provider"} {
		if !strings.Contains(log, want) {
			t.Fatalf("trace log (%d bytes) lacks %q; the test would prove nothing", len(log), want)
		}
	}
	for name, secret := range map[string]string{"secret_key": env.Cred.AccessKeySecret, "security_token": token, "auth_pass": vrrpPass} {
		for where, text := range map[string]string{"the trace log": log, "stdout or stderr": output} {
			if i := strings.Index(text, secret); i >= 0 {
				lo, hi := max(0, i-200), min(len(text), i+len(secret)+50)
				t.Errorf("%s appears in %s:\n…%s…", name, where, text[lo:hi])
			}
		}
	}
}
