#!/usr/bin/env bash
# make check-examples: every directory under examples/ is a configuration of
# its own that `terraform fmt`, `terraform init` and `terraform validate`
# accept, with the provider built from this tree and served from a local
# filesystem mirror (nothing is downloaded; no API is called). A directory
# that needs another provider (examples/real-cloud needs aliyun/alicloud
# from the public registry) cannot initialise offline: it gets the format
# check only, and is listed as such.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version="${HAVIP_EXAMPLES_VERSION:-0.1.0}"
goos=$(go env GOOS)
goarch=$(go env GOARCH)

die() { printf 'check-examples: %s\n' "$*" >&2; exit 1; }
# Like the acceptance tests: without Terraform skip locally, fail in CI.
if ! command -v terraform >/dev/null 2>&1; then
  [ "${CI:-}" = true ] && die "terraform is not on PATH"
  echo "check-examples: SKIP: terraform is not on PATH"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/havip-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The environment may name a CLI config that does not exist (Terraform then
# warns on every command); ours names only the mirror.
cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/havip-oss/havip"]
  }
  direct {
    exclude = ["registry.terraform.io/havip-oss/havip"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_validate

echo "==> terraform fmt -check -recursive examples/"
terraform fmt -check -recursive -diff "$root/examples" || die "run: terraform fmt -recursive examples/"

echo "==> building terraform-provider-havip $version into a filesystem mirror"
plugin="$work/mirror/registry.terraform.io/havip-oss/havip/$version/${goos}_${goarch}"
mkdir -p "$plugin"
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$plugin/terraform-provider-havip_v$version" .)

dirs=$(cd "$root" && find examples -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
[ -n "$dirs" ] || die "no examples found"
failed=0
fmt_only=()
for dir in $dirs; do
  others=$(cd "$root/$dir" && grep -hoE 'source[[:space:]]*=[[:space:]]*"[^"]+"' ./*.tf | sed 's/.*"\(.*\)"/\1/' | grep -v '^havip-oss/havip$' | sort -u | tr '\n' ' ' || true)
  if [ -n "$others" ]; then
    fmt_only+=("$dir (needs ${others% })")
    continue
  fi
  # A copy, so that .terraform/ and lock files never land in the tree.
  ex="$work/ex/$dir"
  mkdir -p "$ex"
  cp "$root/$dir"/*.tf "$ex/"
  if ! out=$(terraform -chdir="$ex" init -backend=false -input=false -no-color 2>&1); then
    printf '%s\n' "$out" >&2
    echo "FAIL $dir: terraform init" >&2
    if grep -q 'hashicorp/havip' <<<"$out"; then
      echo "     the directory lacks required_providers { havip = { source = \"havip-oss/havip\" } } (see the versions.tf of the other examples)" >&2
    fi
    failed=1
    continue
  fi
  if ! out=$(terraform -chdir="$ex" validate -no-color 2>&1); then
    printf '%s\n' "$out" >&2
    echo "FAIL $dir: terraform validate" >&2
    failed=1
    continue
  fi
  if grep -q 'Warning' <<<"$out"; then
    printf '%s\n' "$out" >&2
    echo "FAIL $dir: terraform validate warns" >&2
    failed=1
    continue
  fi
  echo "ok   $dir"
done
[ $failed = 0 ] || die "some examples do not validate"
for d in "${fmt_only[@]}"; do echo "fmt  $d: formatting checked; init and validate need the public registry"; done
echo "==> every example directory is formatted; every one that uses only havip-oss/havip initialises offline and validates"
