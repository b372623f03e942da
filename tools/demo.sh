#!/usr/bin/env bash
# make demo: build the provider, start the mock with the HaVip guide's
# topology, apply examples/complete with Terraform finding the fresh build
# in a local filesystem mirror (never the network), show the result, then
# destroy and stop the mock. Any failure exits non-zero.
#
# TERRAFORM names the CLI (default terraform; OpenTofu's tofu works the same:
# make demo-opentofu). HAVIP_DEMO_LAB=0 leaves out the failover lab.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work="$root/.demo"
version="0.1.0"
example="$root/examples/complete"
goos=$(go env GOOS)
goarch=$(go env GOARCH)

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

tfcli=${TERRAFORM:-terraform}
# No call home for a version check (there may be no internet at all).
export CHECKPOINT_DISABLE=1
command -v "$tfcli" >/dev/null 2>&1 || die "$tfcli is not on PATH (install Terraform >= 1.5 or OpenTofu, or: go install github.com/hashicorp/terraform@v1.5.7)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to split the rendered configs out of terraform output"

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

step "Building terraform-provider-havip $version and the mock ($("$tfcli" version | head -n1))"
# Terraform reads source "havip-oss/havip" as registry.terraform.io/havip-oss/havip,
# OpenTofu as registry.opentofu.org/havip-oss/havip: the mirror serves both.
mirror="$work/mirror/registry.terraform.io/havip-oss/havip/$version/${goos}_${goarch}"
mkdir -p "$mirror"
(cd "$root" && go build -trimpath -ldflags "-X main.version=$version" -o "$mirror/terraform-provider-havip_v$version" .)
mkdir -p "$work/mirror/registry.opentofu.org/havip-oss/havip/$version"
cp -r "$mirror" "$work/mirror/registry.opentofu.org/havip-oss/havip/$version/"
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
mock_url=$(sed -n 's/.*"url": "\(.*\)".*/\1/p' "$work/ready.json")
set -a
# shellcheck disable=SC1091
. "$work/mock.env"
set +a
export CHECKPOINT_DISABLE=1

cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/havip-oss/havip", "registry.opentofu.org/havip-oss/havip"]
  }
  direct {
    exclude = ["registry.terraform.io/havip-oss/havip", "registry.opentofu.org/havip-oss/havip"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
cp "$example"/*.tf "$work/tf/"
tf() { "$tfcli" -chdir="$work/tf" "$@"; }
# run_tf shows the lines that matter, or everything when Terraform fails.
run_tf() {
  local pattern=$1 log="$work/tf-$RANDOM.log"
  shift
  if ! tf "$@" >"$log" 2>&1; then
    cat "$log" >&2
    die "terraform $1 failed"
  fi
  grep -E "$pattern" "$log" || true
}

step "terraform init (provider from the local mirror)"
run_tf "Installing|Installed|initialized" init -input=false -no-color
grep -q 'havip-oss/havip' "$work/tf/.terraform.lock.hcl" || die "the lock file does not record havip-oss/havip"

step "terraform apply: HaVip, its members and EIP (havip_members), keepalived for both nodes"
run_tf "Creat|Read complete|Apply complete" apply -input=false -auto-approve -no-color

step "Outputs"
tf output -no-color
havip_id=$(tf output -raw havip_id)

rendered="$work/rendered"
mkdir -p "$rendered"
tf output -json keepalived_configs >"$work/configs.json"
tf output -json user_data >"$work/user_data.json"
python3 - "$work/configs.json" "$work/user_data.json" "$rendered" <<'PY'
import json, os, sys
configs, user_data, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
for name in sorted(configs):
    for suffix, text, mode in ((".conf", configs[name], 0o640), (".user_data.sh", user_data[name], 0o750)):
        path = os.path.join(out, name + suffix)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        print(path)
PY

if command -v keepalived >/dev/null 2>&1; then
  step "keepalived -t on every rendered config (must print nothing)"
  for conf in "$rendered"/*.conf; do
    ns="havipdemo$$"
    # keepalived checks that the interface exists: test inside a throwaway
    # namespace with a dummy eth0 when root, else in this namespace.
    if [ "$(id -u)" = 0 ] && ip netns add "$ns" 2>/dev/null; then
      # A veth pair: every kernel with namespaces has it (dummy is often a missing module).
      ip -n "$ns" link add eth0 type veth peer name eth0p && ip -n "$ns" link set eth0 up && ip -n "$ns" link set eth0p up
      out=$(ip netns exec "$ns" keepalived -t -f "$conf" 2>&1) && rc=0 || rc=$?
      ip netns del "$ns"
    else
      out=$(keepalived -t -f "$conf" 2>&1) && rc=0 || rc=$?
    fi
    [ $rc -eq 0 ] && [ -z "$out" ] || die "keepalived -t on $conf: rc=$rc: $out"
    echo "$(basename "$conf"): clean"
  done
fi


if [ "${HAVIP_DEMO_LAB:-1}" = 0 ]; then
  step "Skipping the failover lab (HAVIP_DEMO_LAB=0)"
elif [ "$(id -u)" = 0 ] && command -v keepalived >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  step "Failover lab: real keepalived in network namespaces, on the configs just rendered"
  (cd "$root" && go build -o "$work/lab" ./tools/lab)
  account=$(sed -n 's/.*"account_id": "\(.*\)".*/\1/p' "$work/ready.json")
  instances=$(tf output -json node_instance_ids | python3 -c 'import json,sys; print(",".join(f"{k}={v}" for k,v in sorted(json.load(sys.stdin).items())))')
  "$work/lab" -configs "$rendered" -mock "$mock_url" -account "$account" -havip "$havip_id" -instances "$instances" -q \
    -timelines "$work/timelines" || die "the failover lab failed"
  echo "Timelines of every failover (SVG): $work/timelines/"
  step "terraform refresh: master_instance_id follows keepalived's MASTER"
  run_tf "master_instance_id" apply -refresh-only -input=false -auto-approve -no-color
  tf output -no-color master_instance_id
else
  step "Skipping the failover lab (it needs root, keepalived and iproute2)"
fi

master=$(tf output -raw master_instance_id)
if [ -z "$master" ]; then
  # Without the lab nothing announced the address: make the first node
  # MASTER as keepalived would, so the destroy below runs against a live
  # cluster.
  step "Simulating keepalived: the first node becomes MASTER (POST /_mockcloud/events set_master)"
  account=$(sed -n 's/.*"account_id": "\(.*\)".*/\1/p' "$work/ready.json")
  first=$(tf output -json node_instance_ids | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sorted(d)[0]])')
  python3 - "$mock_url" "$account" "$havip_id" "$first" <<'PY'
import json, sys, urllib.request
url, account, havip, instance = sys.argv[1:]
body = json.dumps({"type": "set_master", "account": account, "havip_id": havip, "instance_id": instance}).encode()
req = urllib.request.Request(url + "/_mockcloud/events", data=body, headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=10).read()
PY
  run_tf "master_instance_id" apply -refresh-only -input=false -auto-approve -no-color
fi
master=$(tf output -raw master_instance_id)
[ -n "$master" ] || die "no member holds the HaVip: the destroy would not prove anything"
echo "master_instance_id = $master"

step "What the cloud holds (terraform state show havip.web)"
tf apply -refresh-only -input=false -auto-approve -no-color >/dev/null
tf state show -no-color havip.web

step "terraform plan again: nothing should change"
set +e
tf plan -input=false -detailed-exitcode -no-color >"$work/plan.txt"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/plan.txt"; die "the second plan is not empty (exit $rc)"; }
echo "No changes."

step "terraform destroy: one command, although $master holds the HaVip (havip_members detaches it last)"
run_tf "Destroy complete" destroy -input=false -auto-approve -no-color
[ "$(tf state list | wc -l)" = 0 ] || die "resources left in state after destroy"

step "API calls the mock served"
if command -v curl >/dev/null 2>&1; then
  curl -fsS "$mock_url/_mockcloud/journal/counts"
else
  echo "(curl is not installed; the counts are at $mock_url/_mockcloud/journal/counts)"
fi

step "Demo finished: the HaVip guide's topology applied, shown and destroyed against the mock"
