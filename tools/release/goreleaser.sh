#!/usr/bin/env bash
# GoReleaser, pinned: installed from the Go module proxy into GOBIN (or
# GOPATH/bin) unless that exact version is already there.
#
#   tools/release/goreleaser.sh install          install the pinned version (make goreleaser)
#   tools/release/goreleaser.sh check            goreleaser check (make check-release)
#   tools/release/goreleaser.sh snapshot         a full local release without signing or publishing
#
# `check` installs GoReleaser in CI (CI=true). Elsewhere it skips, saying so,
# when the pinned version is missing: building it takes a few minutes.
set -euo pipefail

# v2.16.0 is the newest release whose go.mod accepts Go 1.26 (v2.18 needs
# Go 1.27) and whose dependencies the module proxy serves in full (v2.17.x
# needs go.digitalxero.dev/go-msix, which the proxy refuses).
version="${GORELEASER_VERSION:-v2.16.0}"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bindir=$(go env GOBIN)
[ -n "$bindir" ] || bindir="$(go env GOPATH)/bin"
bin="$bindir/goreleaser"

have() { [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -Eq "^GitVersion:[[:space:]]+${version}\$"; }

install() {
  if have; then
    echo "goreleaser: $version already in $bindir"
    return
  fi
  echo "goreleaser: installing $version into $bindir (a few minutes the first time)"
  local start=$SECONDS
  GOFLAGS= go install "github.com/goreleaser/goreleaser/v2@$version"
  echo "goreleaser: installed in $((SECONDS - start)) s"
}

case ${1:-check} in
install)
  install
  ;;
check)
  if ! have; then
    if [ "${CI:-}" = true ]; then
      install
    else
      echo "goreleaser: SKIP check: $version is not installed in $bindir (make goreleaser installs it; CI does so itself)"
      exit 0
    fi
  fi
  cd "$root"
  "$bin" check
  ;;
snapshot)
  install
  cd "$root"
  "$bin" release --snapshot --clean --skip=sign,publish
  ;;
*)
  echo "usage: $0 install|check|snapshot" >&2
  exit 2
  ;;
esac
