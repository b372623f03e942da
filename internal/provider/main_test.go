package provider

import (
	"flag"
	"strconv"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest/sandbox"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// acceptanceParallel is how many parallel tests of this package run at
// once unless -parallel says otherwise. An acceptance test spends most of
// its time waiting: on the Terraform processes it starts one after the
// other and on the mock's transitions. With go test's default (one per
// CPU) a 2-core machine was half idle through the suite; measured on one,
// the suite took 113 s at 2, 81 s at 4 and 63 s at 8 (125 s and 79 s
// under -race), the CPU time staying the same.
const acceptanceParallel = 8

// TestMain also keeps the package off Alibaba Cloud (internal/acctest/sandbox).
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			explicit = true
		}
	})
	if !explicit {
		if err := flag.Set("test.parallel", strconv.Itoa(acceptanceParallel)); err != nil {
			panic(err)
		}
	}
	sandbox.MainWith(m, trustProcessCA)
}

// trustProcessCA makes the process trust the CA whose certificates the
// sign-in tests' mocks serve for STS (HTTPS only in the libraries).
func trustProcessCA() error {
	ca, err := mockcloud.ProcessCA()
	if err != nil {
		return err
	}
	return sandbox.TrustCA(ca.CertPEM())
}
