#!/usr/bin/env bash
# Print the path of a Terraform or OpenTofu CLI of an exact version, building
# it from the Go module proxy the first time. Binaries are cached by name and
# version, so a warm machine (or CI) never rebuilds them.
#
#   tools/matrix/cli.sh terraform 1.5.7     -> .../terraform/1.5.7/terraform
#   tools/matrix/cli.sh tofu 1.10.10        -> .../tofu/1.10.10/tofu
#
# Cache: $HAVIP_CLI_CACHE, else $(go env GOPATH)/havip-cli. Build logs go to
# stderr; stdout carries the path only.
set -euo pipefail

name=${1:?usage: cli.sh terraform|tofu VERSION}
version=${2:?usage: cli.sh terraform|tofu VERSION}
version=${version#v}
# No call home for a version check (there may be no internet at all).
export CHECKPOINT_DISABLE=1
cache=${HAVIP_CLI_CACHE:-$(go env GOPATH)/havip-cli}
dir="$cache/$name/$version"
bin="$dir/$name"

log() { printf 'cli: %s\n' "$*" >&2; }

# A cached binary counts only if it runs and reports the version asked for;
# anything else (a half-written file, another version) is rebuilt. sed, not
# head: head would close the pipe early, and pipefail would count the CLI's
# SIGPIPE as a failed check.
if [ -x "$bin" ] && "$bin" version 2>/dev/null | sed -n 1p | grep -Eq "^(Terraform|OpenTofu) v${version//./\\.}\$"; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/havip-cli.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
start=$SECONDS
# The module's own go.mod decides its dependencies; ours must not interfere.
export GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0
case $name in
terraform | tofu)
  # `go install` refuses modules whose go.mod has replace directives (OpenTofu,
  # and Terraform from 1.6 on), so every CLI is built inside a writable copy
  # of the downloaded module.
  # The linker flags are the project's own release ones: OpenTofu calls any
  # build without version.dev=no a "-dev" build.
  case $name in
  terraform) module=github.com/hashicorp/terraform pkg=. ldflags="-s -w" ;;
  tofu) module=github.com/opentofu/opentofu pkg=./cmd/tofu ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no" ;;
  esac
  log "building $name v$version from the Go module proxy (a few minutes the first time)"
  src=$(cd "$tmp" && go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || { log "go mod download gave no module directory"; exit 1; }
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  (cd "$tmp/src" && go build -trimpath -ldflags "$ldflags" -o "$bin.new" "$pkg") >&2
  ;;
*)
  log "unknown CLI $name (terraform or tofu)"
  exit 2
  ;;
esac
mv "$bin.new" "$bin"
got=$("$bin" version 2>/dev/null | sed -n 1p)
log "$got built in $((SECONDS - start)) s into $dir"
case $got in
*" v$version") ;;
*) log "built $got, wanted v$version"; exit 1 ;;
esac
echo "$bin"
