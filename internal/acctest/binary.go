package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildProvider builds the provider as a binary into a directory of the
// test, for the tests that need Terraform to start it as it starts any
// provider: as the CLI's own child process, which is how the provider
// reads the command it runs for (a served and attached provider is
// nobody's child). It is built with the compiler flags of make demo
// (tools/demo.sh), which CI runs before make test, so on a cold cache the
// two compile the provider's dependencies once.
func BuildProvider(t *testing.T) (dir string) {
	t.Helper()
	PreCheck(t)
	dir = t.TempDir()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=0.1.0",
		"-o", filepath.Join(dir, "terraform-provider-havip"), "github.com/havip-oss/terraform-provider-havip")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the provider: %v\n%s", err, out)
	}
	return dir
}

// NewBinaryCLI is NewCLI with the provider binary of BuildProvider, which
// the CLI starts itself (a dev_overrides entry, so no terraform init).
func NewBinaryCLI(t *testing.T, providerDir, config string) *CLI {
	t.Helper()
	dir := t.TempDir()
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "havip-oss/havip", providerDir)
	files := map[string]string{
		"main.tf":      config,
		"versions.tf":  "terraform {\n  required_providers {\n    havip = { source = \"havip-oss/havip\" }\n  }\n}\n",
		".terraformrc": rc,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return &CLI{t: t, dir: dir, env: []string{"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, ".terraformrc")}}
}
