package acctest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/havip-oss/terraform-provider-havip/internal/provider"
)

// CLI is a working directory in which the terraform CLI runs against the
// provider served in-process, as a user's terraform would, for tests that
// need what terraform-plugin-testing does not show: warnings, and how
// many times a diagnostic appears.
type CLI struct {
	t   *testing.T
	dir string
	env []string // added to the test's environment
}

// NewCLI writes config to main.tf in a fresh directory, serves the
// provider and runs terraform init. The provider stops when the test ends.
func NewCLI(t *testing.T, config string) *CLI {
	t.Helper()
	PreCheck(t)
	dir := t.TempDir()
	files := map[string]string{
		"main.tf":      config,
		"versions.tf":  "terraform {\n  required_providers {\n    havip = { source = \"havip-oss/havip\" }\n  }\n}\n",
		".terraformrc": "",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	attached := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	address := cliProviderAddress()
	go func() {
		_ = tf6server.Serve(address, func() tfprotov6.ProviderServer {
			return providerserver.NewProtocol6(provider.New("test")())()
		}, tf6server.WithDebug(ctx, attached, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()))
	}()
	t.Cleanup(func() { cancel(); <-closed })
	var rc *plugin.ReattachConfig
	select {
	case rc = <-attached:
	case <-closed:
		t.Fatal("the provider server stopped before it listened")
	}
	b, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := &CLI{t: t, dir: dir, env: []string{"TF_REATTACH_PROVIDERS=" + string(b), "TF_CLI_CONFIG_FILE=" + filepath.Join(dir, ".terraformrc")}}
	if out, err := c.Run("init", "-no-color", "-input=false"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return c
}

// cliProviderAddress is where the CLI looks for the unqualified source
// "havip-oss/havip" that users write: OpenTofu resolves it in its own
// registry, so the in-process provider must answer there. The host comes
// from TF_ACC_PROVIDER_HOST, as in terraform-plugin-testing, so both
// harnesses follow one setting.
func cliProviderAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		return provider.Address
	}
	return host + "/havip-oss/havip"
}

// Run runs terraform with args and returns its combined output.
func (c *CLI) Run(args ...string) (string, error) {
	c.t.Helper()
	tf, err := Terraform()
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command(tf, args...)
	cmd.Dir = c.dir
	cmd.Env = append(append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"), c.env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Diagnostic is one diagnostic of terraform's machine-readable output.
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Snippet  *struct {
		Code string `json:"code"`
	} `json:"snippet"`
}

// Line is the source line Terraform shows under the diagnostic: the
// attribute it is about, or the enclosing block's header.
func (d Diagnostic) Line() string {
	if d.Snippet == nil {
		return ""
	}
	return strings.TrimSpace(d.Snippet.Code)
}

// Plan runs terraform plan -json and returns every diagnostic, each once,
// as Terraform reported it, and whether the plan failed.
func (c *CLI) Plan() (diags []Diagnostic, failed bool, out string) {
	c.t.Helper()
	out, err := c.Run("plan", "-json", "-input=false")
	for _, line := range strings.Split(out, "\n") {
		var msg struct {
			Type       string      `json:"type"`
			Diagnostic *Diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic != nil {
			diags = append(diags, *msg.Diagnostic)
		}
	}
	return diags, err != nil, out
}

// Dir is the working directory, for tests that add files to it (a
// .tfquery.hcl) or read what terraform wrote there.
func (c *CLI) Dir() string { return c.dir }

// SkipBelow skips a test the CLI is too old for, with the message and the
// check of terraform-plugin-testing's tfversion.SkipBelow, for tests that
// run the CLI themselves; make matrix counts it as a skip by version.
func SkipBelow(t *testing.T, minimum *version.Version) {
	t.Helper()
	PreCheck(t)
	tf, err := Terraform()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	cli, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s version -json: %v", tf, err)
	}
	var resp tfversion.CheckTerraformVersionResponse
	tfversion.SkipBelow(minimum).CheckTerraformVersion(context.Background(), tfversion.CheckTerraformVersionRequest{TerraformVersion: cli}, &resp)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	if resp.Skip != "" {
		t.Skip(resp.Skip)
	}
}

// SetConfig replaces main.tf, as a user editing the configuration between
// commands.
func (c *CLI) SetConfig(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}
