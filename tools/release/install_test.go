package release

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

const (
	providerNamespace = "havip-oss"
	providerType      = "havip"
	releaseVersion    = "0.1.0"
)

// TestInstallFromFilesystemMirror builds the release zip of the host
// platform exactly as GoReleaser names it, serves it from a packed
// filesystem mirror, and checks that `terraform init` installs it for
// `source = "havip-oss/havip"`, records its hashes in the lock file, and
// that `terraform plan` of the guide's configuration works against the
// mock. Nothing is downloaded. With OpenTofu (TF_ACC_TERRAFORM_PATH=tofu)
// the same zip is installed as registry.opentofu.org/havip-oss/havip, the
// address OpenTofu gives the same source.
func TestInstallFromFilesystemMirror(t *testing.T) {
	tf := terraformOrSkip(t)
	providerHost := registryHost(t, tf)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()

	// The provider binary and its zip, named as .goreleaser.yml names them.
	binName := fmt.Sprintf("terraform-provider-%s_v%s", providerType, releaseVersion)
	if runtime.GOOS == "windows" {
		binName += ".exe"
	}
	bin := filepath.Join(work, "build", binName)
	build := exec.Command("go", "build", "-trimpath",
		"-ldflags", "-s -w -X main.version="+releaseVersion+" -X main.commit=installtest",
		"-o", bin, ".")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	zipName := fmt.Sprintf("terraform-provider-%s_%s_%s_%s.zip", providerType, releaseVersion, runtime.GOOS, runtime.GOARCH)
	mirror := filepath.Join(work, "mirror")
	zipPath := filepath.Join(mirror, providerHost, providerNamespace, providerType, zipName)
	if err := writeZip(zipPath, bin); err != nil {
		t.Fatal(err)
	}
	zh, h1, err := packageHashes(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: zh:%s %s", zipName, zh, h1)

	// A CLI configuration that takes havip-oss/havip from the mirror only.
	source := providerHost + "/" + providerNamespace + "/" + providerType
	cliConfig := filepath.Join(work, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, filepath.ToSlash(mirror), source, source))

	// The guide's configuration, as users write it (source = "havip-oss/havip").
	dir := filepath.Join(work, "config")
	mainTF, err := os.ReadFile(filepath.Join(root, "examples", "complete", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mainTF, []byte(`source  = "havip-oss/havip"`)) {
		t.Fatal(`examples/complete/main.tf no longer declares source = "havip-oss/havip"`)
	}
	writeFile(t, filepath.Join(dir, "main.tf"), string(mainTF))

	srv, err := mockcloud.Start(mockcloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	env := cleanEnv(os.Environ())
	env = append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_DATA_DIR="+filepath.Join(dir, ".terraform"),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(tf, append([]string{"-chdir=" + dir}, args...)...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		t.Logf("terraform %s: %v", args[0], time.Since(start).Round(time.Millisecond))
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("terraform %s: %v", args[0], err)
			}
			code = ee.ExitCode()
		}
		return out.String(), code
	}

	out, code := run("init", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("terraform init failed (exit %d):\n%s", code, out)
	}
	if !strings.Contains(out, "Installed havip-oss/havip v"+releaseVersion) {
		t.Errorf("terraform init did not report installing havip-oss/havip v%s:\n%s", releaseVersion, out)
	}

	// The lock file pins the version and records the hashes of the package.
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatalf("no lock file after init: %v", err)
	}
	block := lockBlock(string(lock), source)
	if block == "" {
		t.Fatalf("the lock file has no provider %q block:\n%s", source, lock)
	}
	if !regexp.MustCompile(`(?m)^\s*version\s*=\s*"` + regexp.QuoteMeta(releaseVersion) + `"$`).MatchString(block) {
		t.Errorf("the lock file does not pin version %s:\n%s", releaseVersion, block)
	}
	// From a mirror Terraform records the h1: hash of the package's
	// contents; zh: (the zip's SHA-256, as in SHA256SUMS) appears only when
	// a registry vouches for it, so it is accepted but not required here.
	hashes := lockHashes(block)
	if !contains(hashes, h1) {
		t.Errorf("the lock file does not record the package's %s; it has %v", h1, hashes)
	}
	for _, h := range hashes {
		if h != h1 && h != "zh:"+zh {
			t.Errorf("the lock file records a hash that is not of this package: %s", h)
		}
	}

	// The installed binary is the one in the zip.
	installed, err := filepath.Glob(filepath.Join(dir, ".terraform", "providers", providerHost, providerNamespace, providerType, releaseVersion, runtime.GOOS+"_"+runtime.GOARCH, binName))
	if err != nil || len(installed) != 1 {
		t.Fatalf("the provider is not installed under .terraform/providers (%v, %v)", installed, err)
	}
	if a, b := fileSHA256(t, installed[0]), fileSHA256(t, bin); a != b {
		t.Errorf("installed binary %s differs from the built one", installed[0])
	}

	// A plan against the mock: the provider starts, configures itself from
	// the environment and runs its plan-time checks through the API.
	before := srv.JournalCounts("")
	out, code = run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("terraform plan: exit %d, want 2 (changes):\n%s", code, out)
	}
	for _, want := range []string{
		"havip.web will be created",
		"havip_members.web will be created",
		`"i-bp1seedecs0000000000001",`,
		`"i-bp1seedecs0000000000002",`,
		`eip_allocation_id  = "eip-bp1seedeip000000000001"`,
		"Plan: 2 to add, 0 to change, 0 to destroy.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	after := srv.JournalCounts("")
	if after["DescribeVSwitchAttributes"] <= before["DescribeVSwitchAttributes"] {
		t.Errorf("the plan made no DescribeVSwitchAttributes call to the mock (calls: %v)", after)
	}
	for _, action := range []string{"CreateHaVip", "AssociateHaVip", "AssociateEipAddress"} {
		if after[action] != 0 {
			t.Errorf("a plan called %s %d times", action, after[action])
		}
	}

	// The lock file is enforced: a different package under the same name
	// and version is refused.
	if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(work, "tampered", binName)
	writeFile(t, tampered, "#!/bin/sh\necho not the provider\n")
	if err := writeZip(zipPath, tampered); err != nil {
		t.Fatal(err)
	}
	out, code = run("init", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("terraform init accepted a package whose hash is not in the lock file:\n%s", out)
	}
	if !strings.Contains(out, "checksum") {
		t.Errorf("terraform init failed, but not on the checksum:\n%s", out)
	}
}

// terraformOrSkip finds the CLI: TF_ACC_TERRAFORM_PATH, else PATH. Locally
// a missing CLI skips the test; in CI (CI=true) it fails it.
func terraformOrSkip(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the install test must run in CI: terraform is not on PATH")
		}
		t.Skip("skipping the install test: terraform is not on PATH")
	}
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the install test must run in CI: go is not on PATH")
		}
		t.Skip("skipping the install test: go is not on PATH")
	}
	return p
}

// registryHost is the registry an unqualified source means to this CLI:
// OpenTofu's own for OpenTofu, the Terraform Registry for Terraform.
func registryHost(t *testing.T, tf string) string {
	t.Helper()
	out, err := exec.Command(tf, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	if strings.HasPrefix(string(out), "OpenTofu ") {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// cleanEnv drops what would make Terraform or the provider look elsewhere:
// the caller's CLI configuration, plugin cache and extra arguments, and
// any real cloud credentials or endpoints.
func cleanEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "TF_CLI_CONFIG_FILE", k == "TERRAFORM_CONFIG", k == "TF_PLUGIN_CACHE_DIR", k == "TF_DATA_DIR",
			k == "TF_LOG", k == "TF_LOG_PATH", k == "TF_WORKSPACE",
			strings.HasPrefix(k, "TF_CLI_ARGS"), strings.HasPrefix(k, "TF_VAR_"), strings.HasPrefix(k, "TF_REATTACH"),
			strings.HasPrefix(k, "ALIBABA_CLOUD_"), strings.HasPrefix(k, "ALICLOUD_"), strings.HasPrefix(k, "HAVIP_"):
			continue
		}
		out = append(out, kv)
	}
	// No aliyun CLI profile either.
	return append(out, "ALIBABA_CLOUD_CONFIG_FILE="+os.DevNull)
}

// writeZip packs the binary alone, executable, as the Registry expects.
func writeZip(path, bin string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	src, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	hdr, err := zip.FileInfoHeader(fi)
	if err != nil {
		return err
	}
	hdr.Name = filepath.Base(bin)
	hdr.Method = zip.Deflate
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// packageHashes returns the hex SHA-256 of the zip (Terraform's zh: hash,
// the one in SHA256SUMS) and the h1: hash of its contents (dirhash Hash1:
// SHA-256 over the sorted "sha256hex  name" lines of the files).
func packageHashes(zipPath string) (zh, h1 string, err error) {
	b, err := os.ReadFile(zipPath)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(b)
	zh = hex.EncodeToString(sum[:])

	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", "", err
	}
	var lines []string
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", "", err
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			return "", "", err
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", h.Sum(nil), f.Name))
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return zh, "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// lockBlock returns the provider block of the given source address.
func lockBlock(lock, source string) string {
	start := strings.Index(lock, fmt.Sprintf("provider %q {", source))
	if start < 0 {
		return ""
	}
	rest := lock[start:]
	if end := strings.Index(rest, "\n}\n"); end >= 0 {
		return rest[:end+3]
	}
	return rest
}

var hashRE = regexp.MustCompile(`"((?:h1|zh):[^"]+)"`)

func lockHashes(block string) []string {
	var out []string
	for _, m := range hashRE.FindAllStringSubmatch(block, -1) {
		out = append(out, m[1])
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
