#!/usr/bin/env bash
# make demo: build the provider, start the mock with the HaVip guide's
# topology, apply examples/complete with Terraform finding the fresh build
# in a local filesystem mirror (never the network), show the result, then
# destroy and stop the mock. Any failure exits non-zero.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$root/.demo"
version="0.1.0"
example="$root/examples/complete"
goos=$(go env GOOS)
goarch=$(go env GOARCH)

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

command -v terraform >/dev/null 2>&1 || die "terraform is not on PATH (install Terraform >= 1.5, or: go install github.com/hashicorp/terraform@v1.5.7)"

mock_pid=""
cleanup() {
  local rc=$?
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill -TERM "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ]; then
    printf '\ndemo: FAILED (exit %d); mock log: %s\n' "$rc" "$work/mockcloud.log" >&2
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$work"
mkdir -p "$work/tf"

step "Building terraform-provider-havip $version and the mock"
mirror="$work/mirror/registry.terraform.io/havip-oss/havip/$version/${goos}_${goarch}"
mkdir -p "$mirror"
(cd "$root" && go build -trimpath -ldflags "-X main.version=$version" -o "$mirror/terraform-provider-havip_v$version" .)
(cd "$root" && go build -trimpath -o "$work/mockcloud" ./tools/mockcloud)

step "Starting the mock Alibaba Cloud endpoint on loopback (fixtures: $example/fixtures.json)"
"$work/mockcloud" -fixtures "$example/fixtures.json" -ready-file "$work/ready.json" -env-file "$work/mock.env" \
  >"$work/mockcloud.out" 2>"$work/mockcloud.log" &
mock_pid=$!
for _ in $(seq 1 200); do
  [ -s "$work/ready.json" ] && break
  kill -0 "$mock_pid" 2>/dev/null || die "the mock exited: $(cat "$work/mockcloud.log")"
  sleep 0.05
done
[ -s "$work/ready.json" ] || die "the mock did not start within 10 s"
sed -n '1p' "$work/mockcloud.out"
set -a
# shellcheck disable=SC1091
. "$work/mock.env"
set +a
export CHECKPOINT_DISABLE=1

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
export TF_IN_AUTOMATION=1
cp "$example"/*.tf "$work/tf/"
tf() { terraform -chdir="$work/tf" "$@"; }

step "terraform init (provider from the local mirror)"
tf init -input=false -no-color | grep -E "Installing|Installed|initialized" || true
grep -q 'havip-oss/havip' "$work/tf/.terraform.lock.hcl" || die "the lock file does not record havip-oss/havip"

step "terraform apply"
tf apply -input=false -auto-approve -no-color | grep -E "Creat|Apply complete|Error" || true
tf output -no-color

step "What the cloud holds (terraform state show havip.web)"
tf state show -no-color havip.web

step "terraform plan again: nothing should change"
set +e
tf plan -input=false -detailed-exitcode -no-color >"$work/plan.txt"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/plan.txt"; die "the second plan is not empty (exit $rc)"; }
echo "No changes."

step "terraform destroy"
tf destroy -input=false -auto-approve -no-color | grep -E "Destroy|destroyed|Error" || true

left=$(curl -fsS "$(sed -n 's/.*"url": "\(.*\)".*/\1/p' "$work/ready.json")/_mockcloud/journal/counts" || true)
step "API calls the mock served"
echo "$left"

step "Demo finished: HaVip created, shown and destroyed against the mock"
