// Package release holds the release checks of terraform-provider-havip
// that run with `go test ./...`: install_test.go installs the provider the
// way Terraform installs a published release (a registry-shaped zip from a
// filesystem mirror) and plans against the mock. check-examples.sh
// (make check-examples) validates every example directory.
package release
