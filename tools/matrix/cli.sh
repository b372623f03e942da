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
# A CLI configuration that does not exist makes every command warn, and
# OpenTofu warns on stdout, before the version line read below.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
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

# Terraform 1.6 and later keep some packages in nested modules of their own
# (the remote-state backends azure, consul, cos, gcs, kubernetes, oci, oss,
# pg, s3, and internal/legacy), reached through `replace ... => ./dir`
# directives. A module zip never holds a nested module, so those directories
# are missing from the proxy's copy and the build cannot resolve them. They
# are dropped here: each such replace and its require line, and, in
# internal/backend/init/init.go (the only non-test file importing any of
# them), the backends' imports and their registrations. The result is the
# release's CLI without those nine state backends; provider tests keep state
# in the local backend and never configure one. internal/legacy needs no
# source edit: only tests of the main module import it. Run in the copy's
# root; a no-op for modules without local replaces (Terraform 1.5, OpenTofu).
drop_nested_modules() {
  local nested mod alias init=internal/backend/init/init.go
  # `go mod edit -json` lists each replace as Old.Path then New.Path.
  nested=$(go mod edit -json | awk '
    /^\t"Replace"/ { inrep = 1 }
    inrep && /^\t\]/ { inrep = 0 }
    inrep && /"Old"/ { side = "old" }
    inrep && /"New"/ { side = "new" }
    inrep && /"Path"/ { gsub(/[",]/, "", $2); if (side == "old") old = $2; else if ($2 ~ /^\.\.?\//) print old }')
  [ -n "$nested" ] || return 0
  for mod in $nested; do
    log "dropping nested module $mod (not in the module zip)"
    go mod edit -dropreplace="$mod" -droprequire="$mod"
    [ -f "$init" ] || continue
    # The import line is `alias "path"`; the registration calls alias.New.
    alias=$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\)[[:space:]]*\"$mod\"\$|\1|p" "$init")
    [ -n "$alias" ] || continue
    sed -i -e "\|\"$mod\"\$|d" -e "/[^A-Za-z0-9_]$alias\.New(/d" "$init"
  done
  # Anything else still importing a dropped module fails the build below,
  # naming the file; say why first.
  for mod in $nested; do
    if grep -rlF --include='*.go' --exclude='*_test.go' -e "\"$mod\"" -e "\"$mod/" . >&2; then
      log "the files above import $mod, which this recipe drops"
      return 1
    fi
  done
}

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
  # The linker flags are the projects' own release ones: Terraform from 1.6
  # on and OpenTofu call any build without version.dev=no a "-dev" build
  # (Terraform 1.5 has no such variable, and the linker ignores it there).
  case $name in
  terraform) module=github.com/hashicorp/terraform pkg=. ldflags="-s -w -X github.com/hashicorp/terraform/version.dev=no" ;;
  tofu) module=github.com/opentofu/opentofu pkg=./cmd/tofu ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no" ;;
  esac
  log "building $name v$version from the Go module proxy (a few minutes the first time)"
  src=$(cd "$tmp" && go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || { log "go mod download gave no module directory"; exit 1; }
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  (cd "$tmp/src" && drop_nested_modules) >&2
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
