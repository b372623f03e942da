#!/usr/bin/env bash
# make matrix: the acceptance suite (every TestAcc* test and the install test)
# against each CLI named as NAME@VERSION or NAME@path, for example
#   tools/matrix/matrix.sh terraform@1.5.7 tofu@1.10.10 terraform@path
# NAME@VERSION comes from tools/matrix/cli.sh (built from the Go module proxy
# once, then cached); NAME@path is the NAME on PATH, whatever its version (the
# newest Terraform, which the proxy cannot build). Ends with one line per CLI;
# exits non-zero if any failed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
# No call home for a version check (there may be no internet at all).
export CHECKPOINT_DISABLE=1
# A CLI configuration that does not exist only makes every command warn.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
[ $# -gt 0 ] || { echo "usage: $0 terraform@VERSION|tofu@VERSION ..." >&2; exit 2; }

long=$(make -s print-LONG_TESTS)
summary=()
failed=0
for spec in "$@"; do
  name=${spec%@*}
  version=${spec#*@}
  if [ "$version" = path ]; then
    if ! bin=$(command -v "$name"); then
      summary+=("$(printf '%-20s %s' "$name (PATH)" "FAIL: no $name on PATH")")
      failed=1
      continue
    fi
    version=$("$bin" version 2>/dev/null | sed -n 1p | sed -n 's/^[A-Za-z]* v//p')
  fi
  echo
  echo "==> acceptance suite on $name $version"
  if [ "$spec" = "$name@path" ]; then
    echo "$name on PATH: $bin"
  elif ! bin=$(bash tools/matrix/cli.sh "$name" "$version"); then
    summary+=("$(printf '%-20s %s' "$name $version" "FAIL: could not build the CLI")")
    failed=1
    continue
  fi
  "$bin" version 2>/dev/null | sed -n 1p
  env_extra=()
  # OpenTofu resolves an unqualified provider in its own registry; the test
  # framework must serve the in-process provider under that address.
  [ "$name" = tofu ] && env_extra+=(TF_ACC_PROVIDER_HOST=registry.opentofu.org)
  log=$(mktemp "${TMPDIR:-/tmp}/havip-matrix.XXXXXX")
  start=$SECONDS
  # No -race: make test runs the same tests under the race detector; here the
  # CLI is what varies. make test-long's tests are left out: what they
  # prove happens between the provider and the API, where the CLI has no
  # part (the fault matrix: retries, ClientTokens, no duplicate commits; the
  # RAM proof: which action each step needs), and they are the longest.
  env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" CHECKPOINT_DISABLE=1 "${env_extra[@]}" \
    go test -count=1 -v -timeout 45m -run '^(TestAcc|TestInstall)' -skip "^($long)\$" ./internal/provider/ ./tools/release/ >"$log" 2>&1
  rc=$?
  secs=$((SECONDS - start))
  passed=$(grep -c '^--- PASS' "$log")
  skipped=$(grep -c '^--- SKIP' "$log")
  nfailed=$(grep -c '^--- FAIL' "$log")
  grep -E '^(--- (FAIL|SKIP)|ok |FAIL|panic)' "$log"
  result=PASS
  if [ $rc -ne 0 ]; then
    result=FAIL
    # A timeout prints no --- FAIL line, but names the tests still running.
    grep -q '^--- FAIL' "$log" || grep -A20 '^panic: ' "$log" || tail -n 50 "$log"
    grep -B2 -A30 '^--- FAIL' "$log" | head -n 200
  elif [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
    result="FAIL (tests skipped in CI)"
  elif [ "$passed" -eq 0 ]; then
    result="FAIL (no test ran)"
  fi
  [ "$result" = PASS ] || failed=1
  summary+=("$(printf '%-20s %3d passed, %d failed, %d skipped in %4d s: %s' "$name $version" "$passed" "$nfailed" "$skipped" "$secs" "$result")")
  rm -f "$log"
done

echo
echo "==> version matrix (acceptance suite per CLI)"
for line in "${summary[@]}"; do echo "matrix: $line"; done
exit $failed
