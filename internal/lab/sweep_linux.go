package lab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Sweep removes namespaces and run directories left by lab processes that
// no longer exist (killed with SIGKILL, or a machine reset mid-run), killing
// any keepalived still running inside first. Names carry the creating
// process's ID, so runs of live processes, including concurrent labs and
// this one, are never touched.
func Sweep(log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	l := &Lab{ip: findTool("ip")}
	if l.ip == "" {
		return errors.New("iproute2's ip is not installed")
	}
	out, err := l.ipOut("netns", "list")
	if err != nil {
		return err
	}
	var errs []error
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], NamespacePrefix) {
			continue
		}
		name := fields[0]
		if !leftover(name) {
			continue
		}
		fmt.Fprintf(log, "lab: removing leftover namespace %s\n", name)
		if err := l.deleteNS(name); err != nil {
			errs = append(errs, err)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), NamespacePrefix+"*"))
	for _, d := range dirs {
		if leftover(filepath.Base(d)) {
			fmt.Fprintf(log, "lab: removing leftover run directory %s\n", d)
			if err := os.RemoveAll(d); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// leftover reports whether name ("havlab-PID-...") belongs to a process
// that is gone. Unparseable names are left alone.
func leftover(name string) bool {
	rest := strings.TrimPrefix(name, NamespacePrefix)
	pidStr, _, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH)
}
