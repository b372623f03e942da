//go:build !linux

package provider_test

import (
	"os"
	"testing"
)

// captureOutput swaps os.Stdout and os.Stderr for a file (writers that
// kept the old *os.File escape it; on Linux the descriptors are swapped).
func captureOutput(t *testing.T) func() string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "output")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = f, f
	return func() string {
		os.Stdout, os.Stderr = stdout, stderr
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		os.Stdout.Write(b)
		return string(b)
	}
}
