package provider_test

import (
	"os"
	"syscall"
	"testing"
)

// captureOutput sends everything written to this process's stdout and
// stderr (the in-process provider's, the log package's, a stray Print)
// into a file until the returned func restores them and returns the text.
// It works on the file descriptors, so writers that kept their own
// *os.File are caught too.
func captureOutput(t *testing.T) func() string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "output")
	if err != nil {
		t.Fatal(err)
	}
	var saved [2]int
	for i, fd := range []int{1, 2} {
		if saved[i], err = syscall.Dup(fd); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Dup3(int(f.Fd()), fd, 0); err != nil {
			t.Fatal(err)
		}
	}
	return func() string {
		for i, fd := range []int{1, 2} {
			_ = syscall.Dup3(saved[i], fd, 0)
			_ = syscall.Close(saved[i])
		}
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		os.Stdout.Write(b) // what the test printed still reaches go test
		return string(b)
	}
}
