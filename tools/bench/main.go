// Command bench times terraform apply + destroy of the HaVip graph with
// the real provider against the mock, next to the floor: the same graph
// served by a no-op provider (./floor). It writes a markdown report.
//
//	go run ./tools/bench -runs 3 -sizes 1,50 -out tools/bench/report.md
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func main() {
	runs := flag.Int("runs", 3, "timed runs per case (median reported)")
	sizes := flag.String("sizes", "1,50", "HaVip counts to time")
	out := flag.String("out", "", "write the markdown report here as well as to stdout")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	flag.Parse()
	if err := run(*runs, *sizes, *out, *parallelism); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	provider string
	size     int
	median   time.Duration
	all      []time.Duration
	calls    map[string]int
}

func run(runs int, sizesFlag, out string, parallelism int) error {
	var sizes []int
	for _, s := range strings.Split(sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad size %q", s)
		}
		sizes = append(sizes, n)
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return fmt.Errorf("terraform is not on PATH")
	}
	work, err := os.MkdirTemp("", "havip-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	dirs := map[string]string{"havip": filepath.Join(work, "real"), "floor": filepath.Join(work, "floor")}
	for name, pkg := range map[string]string{"havip": ".", "floor": "./tools/bench/floor"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dirs[name], "terraform-provider-havip"), pkg)
		cmd.Dir, cmd.Stderr = root, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s: %w", name, err)
		}
	}
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 1000, mockcloud.QuotaHaVipsPerVPC: 1000}
	srv, err := mockcloud.Start(mockcloud.Options{Fixtures: fx})
	if err != nil {
		return err
	}
	defer srv.Close()
	cred := srv.Credentials()

	var results []result
	for _, size := range sizes {
		for _, prov := range []string{"floor", "havip"} {
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", prov, size))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			rc := filepath.Join(dir, "terraformrc")
			if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"havip-oss/havip\" = %q\n  }\n  direct {}\n}\n", dirs[prov])), 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config(srv, cred, size)), 0o644); err != nil {
				return err
			}
			env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
			cycle := func() (time.Duration, error) {
				start := time.Now()
				for _, args := range [][]string{
					{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism)},
					{"destroy", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism)},
				} {
					cmd := exec.Command(tf, args...)
					cmd.Dir, cmd.Env = dir, env
					var buf bytes.Buffer
					cmd.Stdout, cmd.Stderr = &buf, &buf
					if err := cmd.Run(); err != nil {
						return 0, fmt.Errorf("%s %s (%d HaVips): %v\n%s", prov, args[0], size, err, buf.String())
					}
				}
				return time.Since(start), nil
			}
			if _, err := cycle(); err != nil { // warm-up: page cache, plugin start
				return err
			}
			r := result{provider: prov, size: size}
			before := srv.JournalCounts(cred.AccountID)
			for i := 0; i < runs; i++ {
				d, err := cycle()
				if err != nil {
					return err
				}
				r.all = append(r.all, d)
			}
			after := srv.JournalCounts(cred.AccountID)
			r.calls = map[string]int{}
			for k, v := range after {
				if d := v - before[k]; d > 0 {
					r.calls[k] = d / runs
				}
			}
			sorted := append([]time.Duration(nil), r.all...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			r.median = sorted[len(sorted)/2]
			results = append(results, r)
			fmt.Fprintf(os.Stderr, "bench: %-5s %3d HaVips: median %v of %v\n", prov, size, r.median.Round(time.Millisecond), r.all)
		}
	}
	report := render(results, runs, parallelism)
	fmt.Print(report)
	if out != "" {
		return os.WriteFile(out, []byte(report), 0o644)
	}
	return nil
}

func config(srv *mockcloud.Server, cred mockcloud.Credential, size int) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    havip = { source = "havip-oss/havip" }
  }
}

provider "havip" {
  region     = %q
  access_key = %q
  secret_key = %q
  protocol   = "HTTP"
  endpoints {
    vpc = %q
    ecs = %q
  }
}

resource "havip" "bench" {
  count      = %d
  vswitch_id = %q
  ip_address = "192.168.0.${count.index + 30}"
  name       = "bench-${count.index}"
}
`, srv.Region(), cred.AccessKeyID, cred.AccessKeySecret, srv.Endpoint(), srv.Endpoint(), size, mockcloud.SeedFixtures().VSwitches[0].ID)
}

func render(results []result, runs, parallelism int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# terraform-provider-havip benchmark\n\n")
	fmt.Fprintf(&b, "`terraform apply` + `terraform destroy` of N `havip` resources against the in-process mock, "+
		"median of %d runs after a warm-up, `-parallelism=%d`, %s/%s, %d CPUs, %s. "+
		"The floor is the same graph served by a no-op provider built with the same framework (tools/bench/floor): "+
		"Terraform and plugin start-up with zero API work.\n\n", runs, parallelism, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "| HaVips | floor | havip | ratio | API calls per run (havip) |\n|---:|---:|---:|---:|---|\n")
	bySize := map[int]map[string]result{}
	var sizes []int
	for _, r := range results {
		if bySize[r.size] == nil {
			bySize[r.size] = map[string]result{}
			sizes = append(sizes, r.size)
		}
		bySize[r.size][r.provider] = r
	}
	for _, n := range sizes {
		f, h := bySize[n]["floor"], bySize[n]["havip"]
		var calls []string
		total := 0
		for _, k := range sortedKeys(h.calls) {
			calls = append(calls, fmt.Sprintf("%s %d", k, h.calls[k]))
			total += h.calls[k]
		}
		fmt.Fprintf(&b, "| %d | %.2f s | %.2f s | %.2f× | %d: %s |\n", n, f.median.Seconds(), h.median.Seconds(),
			h.median.Seconds()/f.median.Seconds(), total, strings.Join(calls, ", "))
	}
	return b.String()
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
