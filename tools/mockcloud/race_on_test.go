//go:build race

package main

// raceBuild: the test binary runs under the race detector, so the command
// it builds does too, from the same cached race-built packages.
const raceBuild = true
