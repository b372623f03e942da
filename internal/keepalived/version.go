package keepalived

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a keepalived release, such as 2.2.4 (Ubuntu 22.04) or 2.2.7
// (Debian 12). Configs are rendered for one target version so that they
// hold no keyword the installed keepalived does not know: an unknown keyword
// makes `keepalived -t` fail and the boot script refuse to start.
type Version struct {
	Major, Minor, Patch int
}

// The supported range: from 2.2.4 (Ubuntu 22.04's package) through the 2.4
// series. Later releases are refused until their keywords are reviewed.
var (
	OldestSupported = Version{2, 2, 4}
	// FirstUnsupported is the first release past the supported range.
	FirstUnsupported = Version{2, 5, 0}
)

// SupportedRange describes the supported versions for messages and docs.
const SupportedRange = "2.2.4 to 2.4.x"

// ParseVersion reads "MAJOR.MINOR.PATCH" (a leading "v" is allowed, as in
// keepalived's banner "Keepalived v2.2.7").
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("%q is not a keepalived version: want MAJOR.MINOR.PATCH, such as 2.2.7", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p == "" || (len(p) > 1 && p[0] == '0') {
			return Version{}, fmt.Errorf("%q is not a keepalived version: want MAJOR.MINOR.PATCH, such as 2.2.7", s)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Less reports whether v is an older release than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// AtLeast reports whether v is w or newer.
func (v Version) AtLeast(w Version) bool { return !v.Less(w) }

// Supported reports whether configs can be rendered for v.
func (v Version) Supported() bool {
	return v.AtLeast(OldestSupported) && v.Less(FirstUnsupported)
}

// targetVersion is the version a cluster is rendered for: the one it names,
// else the oldest supported, whose keywords every supported keepalived
// knows. ok is false when the name does not parse.
func (c Cluster) targetVersion() (v Version, ok bool) {
	if c.KeepalivedVersion == "" {
		return OldestSupported, true
	}
	v, err := ParseVersion(c.KeepalivedVersion)
	return v, err == nil
}
