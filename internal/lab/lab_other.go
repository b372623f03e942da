//go:build !linux

package lab

import (
	"context"
	"errors"
	"io"
)

// NamespacePrefix starts every namespace and run directory the lab creates.
const NamespacePrefix = "havlab-"

var errLinux = errors.New("the failover lab needs Linux network namespaces")

// Options configure a Lab.
type Options struct {
	Log     io.Writer
	NoSweep bool
}

// Lab is only implemented on Linux.
type Lab struct{}

// Available says why the lab cannot run here.
func Available() error { return errLinux }

// New fails outside Linux.
func New(Options) (*Lab, error) { return nil, errLinux }

// NotifyCommand is empty outside Linux.
func (*Lab) NotifyCommand() string { return "" }

// Dir is empty outside Linux.
func (*Lab) Dir() string { return "" }

// Close does nothing outside Linux.
func (*Lab) Close() error { return nil }

// Run fails outside Linux.
func (*Lab) Run(context.Context, Config) ([]Result, error) { return nil, errLinux }

// Run fails outside Linux.
func Run(context.Context, Config) ([]Result, error) { return nil, errLinux }

// Sweep does nothing outside Linux.
func Sweep(io.Writer) error { return nil }

// CheckCommand is empty outside Linux.
func (*Lab) CheckCommand(int) string { return "" }
