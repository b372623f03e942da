#!/usr/bin/env bash
# make run-examples: every directory under examples/ that holds a
# configuration is run as a reader would run it, unchanged, against a mock of
# its own: terraform init (the provider from a local filesystem mirror),
# apply, a second plan that must be empty, destroy, and nothing left in the
# state or in the mock. A directory's import.sh is run as written too, on a
# fresh mock, followed by an apply, an empty plan and a destroy.
#
# A directory's mock starts from the directory's fixtures.json when it has
# one (for example the existing HaVip an import block adopts), else from the
# mock's default world, the HaVip guide's topology. A directory that needs a
# provider other than havip-oss/havip (the real-cloud example needs
# aliyun/alicloud from the public registry) cannot run offline: it is listed
# as such, and make check-examples still checks its formatting.
#
# TERRAFORM names the CLI (default terraform; tofu works the same).
# Arguments restrict the run to some directories: run.sh examples/complete
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tfcli=${TERRAFORM:-terraform}
# No call home for a version check (there may be no internet at all).
export CHECKPOINT_DISABLE=1
version=0.1.0
goos=$(go env GOOS)
goarch=$(go env GOARCH)

die() { printf 'run-examples: %s\n' "$*" >&2; exit 1; }
if ! command -v "$tfcli" >/dev/null 2>&1; then
  [ "${CI:-}" = true ] && die "$tfcli is not on PATH"
  echo "run-examples: SKIP: $tfcli is not on PATH"
  exit 0
fi
command -v curl >/dev/null 2>&1 || die "curl is needed to ask the mock what it holds"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read the mock's state"

work=$(mktemp -d "${TMPDIR:-/tmp}/havip-run-examples.XXXXXX")
mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill -TERM "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  mock_pid=""
}
trap 'stop_mock; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "==> building terraform-provider-havip $version and the mock"
plugin="$work/mirror/registry.terraform.io/havip-oss/havip/$version/${goos}_${goarch}"
mkdir -p "$plugin" "$work/mirror/registry.opentofu.org/havip-oss/havip/$version"
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$plugin/terraform-provider-havip_v$version" .)
cp -r "$plugin" "$work/mirror/registry.opentofu.org/havip-oss/havip/$version/"
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$work/mockcloud" ./tools/mockcloud)

# Terraform reads source "havip-oss/havip" as registry.terraform.io/…,
# OpenTofu as registry.opentofu.org/…: the mirror serves both, and nothing
# else may be fetched.
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
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0
echo "    for $("$tfcli" version | head -n1)"
unset TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_apply TF_CLI_ARGS_plan TF_CLI_ARGS_destroy TF_DATA_DIR TF_WORKSPACE
# The mock's environment replaces any real credentials for every example.
for v in $(env | sed -n 's/^\(\(ALIBABA_CLOUD\|ALICLOUD\|HAVIP\)_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
for v in $(env | sed -n 's/^\(TF_VAR_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

start_mock() { # dir
  local fixtures=() n=$RANDOM
  [ -f "$root/$1/fixtures.json" ] && fixtures=(-fixtures "$root/$1/fixtures.json")
  rm -f "$work/ready.json" "$work/mock.env"
  "$work/mockcloud" "${fixtures[@]}" -ready-file "$work/ready.json" -env-file "$work/mock.env" \
    >"$work/mock.out" 2>"$work/mock.log" &
  mock_pid=$!
  for _ in $(seq 1 200); do
    [ -s "$work/ready.json" ] && break
    kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; return 1; }
    sleep 0.05
  done
  [ -s "$work/ready.json" ] || return 1
  mock_url=$(sed -n 's/.*"url": "\(.*\)".*/\1/p' "$work/ready.json")
  set -a
  # shellcheck disable=SC1091
  . "$work/mock.env"
  set +a
}

# havips_in_mock prints the IDs of the HaVips the mock holds, one a line.
havips_in_mock() {
  curl -fsS "$mock_url/_mockcloud/state" | python3 -c '
import json, sys
for account in json.load(sys.stdin)["accounts"]:
    for h in account.get("havips") or []:
        print(h.get("ID") or h["id"])' | sort
}

if [ $# -gt 0 ]; then
  dirs=$(printf '%s\n' "$@" | sed 's:/*$::')
else
  dirs=$(cd "$root" && find examples -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
fi
[ -n "$dirs" ] || die "no examples found"

# apply_stages DIR EX [STEP…]: init, then apply and check the plan is empty,
# once for the whole directory or once after adding each step file.
apply_stages() {
  local dir=$1 ex=$2 first=1 stage
  shift 2
  for stage in "${@:-all}"; do
    local what="everything"
    [ "$stage" = all ] || { cp "$root/$dir/$stage" "$ex/"; echo "-- $stage"; what="up to $stage"; }
    if [ $first = 1 ]; then
      tf init -input=false || { fail "$tfcli init"; return 1; }
      first=0
    fi
    tf apply -input=false -auto-approve || { fail "$tfcli apply ($what)"; return 1; }
    if [[ " $only_imports " == *" $dir "* ]] && ! grep -qE '^Apply complete! Resources: [1-9][0-9]* imported, 0 added, 0 changed, 0 destroyed' "$log"; then
      fail "the apply did more than import (its guide promises a plan of imports only)"
      return 1
    fi
    grep -E '^(Apply complete|.*: (Creation|Import|Modifications) complete)' "$log" || true
    local rc=0
    tf plan -input=false -detailed-exitcode || rc=$?
    [ $rc = 0 ] || { fail "the plan after applying $what is not empty (exit $rc)"; return 1; }
    echo "plan again: no changes"
  done
}

# run_import_script DIR: the directory's import.sh as a reader runs it,
# against a fresh mock from its fixtures.json and its configuration without
# the import blocks: every terraform command of the script, then an apply,
# a plan that must be empty, and a destroy.
run_import_script() {
  local dir=$1 ex="$work/ex-import/$1" line
  mkdir -p "$ex"
  for f in "$root/$dir"/*.tf; do
    case $(basename "$f") in import*.tf | step-*.tf) ;; *) cp "$f" "$ex/" ;; esac
  done
  echo "-- import.sh"
  if ! start_mock "$dir"; then fail "the mock did not start (import.sh)"; return 1; fi
  tf init -input=false || { fail "$tfcli init (import.sh)"; return 1; }
  while IFS= read -r line; do
    case $line in
    "terraform "*)
      # shellcheck disable=SC2086 # the script's words, as the shell splits them
      tf ${line#terraform } || { fail "import.sh: $line"; return 1; }
      echo "$line"
      ;;
    esac
  done <"$root/$dir/import.sh"
  tf apply -input=false -auto-approve || { fail "$tfcli apply after import.sh"; return 1; }
  local rc=0
  tf plan -input=false -detailed-exitcode || rc=$?
  [ $rc = 0 ] || { fail "the plan after import.sh and an apply is not empty (exit $rc)"; return 1; }
  tf destroy -input=false -auto-approve || { fail "$tfcli destroy after import.sh"; return 1; }
  stop_mock
}

# Directories whose first apply must only import (a migration adopts what
# exists and changes nothing).
only_imports="examples/migrate-from-alicloud"

ran=0 offline=0 failed=0
results=()
for dir in $dirs; do
  others=$(cd "$root/$dir" && grep -hoE 'source[[:space:]]*=[[:space:]]*"[^"]+"' ./*.tf | sed 's/.*"\(.*\)"/\1/' | grep -v '^havip-oss/havip$' | sort -u | tr '\n' ' ' || true)
  if [ -n "$others" ]; then
    results+=("not run  $dir (needs ${others% } from the public registry; make check-examples checks its formatting)")
    offline=$((offline + 1))
    continue
  fi
  echo
  echo "==> $dir"
  ex="$work/ex/$dir"
  mkdir -p "$ex"
  # A directory of steps (step-1-….tf, step-2-….tf, …: a guide's snippets)
  # is run as its reader builds it: the other files, then one step at a
  # time, each applied with an empty plan after it.
  steps=$(cd "$root/$dir" && ls step-*.tf 2>/dev/null | sort -V || true)
  # Import blocks adopt what exists: they run when the directory's
  # fixtures.json gives the mock those objects, and are left out (and
  # listed) when it does not.
  left_out=""
  for f in "$root/$dir"/*.tf; do
    case $(basename "$f") in
    step-*.tf) ;;
    import*.tf)
      if [ -f "$root/$dir/fixtures.json" ]; then cp "$f" "$ex/"; else left_out="$left_out $(basename "$f")"; fi
      ;;
    *) cp "$f" "$ex/" ;;
    esac
  done
  [ -z "$left_out" ] || echo "left out:$left_out (no fixtures.json holds what it imports)"
  log="$work/log"
  tf() { "$tfcli" -chdir="$ex" "$@" -no-color >"$log" 2>&1; }
  fail() { cat "$log" >&2; echo "FAIL $dir: $*" >&2; results+=("FAIL     $dir: $*"); failed=$((failed + 1)); stop_mock; }
  if ! start_mock "$dir"; then fail "the mock did not start"; continue; fi
  havips_in_mock >"$work/before" || { fail "could not read the mock's state"; continue; }
  if ! apply_stages "$dir" "$ex" $steps; then continue; fi
  if ! tf destroy -input=false -auto-approve; then fail "$tfcli destroy"; continue; fi
  grep -E '^Destroy complete' "$log" || true
  "$tfcli" -chdir="$ex" state list >"$log" 2>&1 || true
  if [ -s "$log" ]; then fail "resources left in the state after destroy"; continue; fi
  # What the example created must be gone; what it found (fixtures) it may
  # have adopted and destroyed, or left alone.
  havips_in_mock >"$work/after" || { fail "could not read the mock's state"; continue; }
  left=$(comm -13 "$work/before" "$work/after")
  if [ -n "$left" ]; then
    echo "HaVips created by the example and still in the mock: $left" >"$log"
    fail "HaVips left in the mock after destroy"
    continue
  fi
  stop_mock
  imported=""
  if [ -f "$root/$dir/import.sh" ] && [ -f "$root/$dir/fixtures.json" ]; then
    run_import_script "$dir" || continue
    imported="; import.sh run as written"
  fi
  results+=("ok       $dir (applied, plan empty, destroyed; HaVips in the mock: $(wc -l <"$work/before") before, $(wc -l <"$work/after") after$imported)${left_out:+; not run:$left_out, no fixtures.json holds what it imports}")
  ran=$((ran + 1))
done

echo
echo "==> examples against the mock ($("$tfcli" version | head -n1))"
for r in "${results[@]}"; do echo "run-examples: $r"; done
[ $failed = 0 ] || die "$failed example(s) failed"
[ $ran -gt 0 ] || die "no example ran"
echo "run-examples: $ran applied and destroyed, $offline need the public registry"
