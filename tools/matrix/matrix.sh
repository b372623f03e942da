#!/usr/bin/env bash
# make matrix: the acceptance suite (every TestAcc* test and the install test)
# against each CLI named as NAME@VERSION or NAME@path, for example
#   tools/matrix/matrix.sh terraform@1.5.7 terraform@1.15.9 tofu@1.12.6 terraform@path
# NAME@VERSION comes from tools/matrix/cli.sh (built from the Go module proxy
# once, then cached); NAME@path is the NAME on PATH, whatever its version.
# Each CLI's tests are tallied (tools/matrix/tally): passed, skipped by CLI
# version (a test's tfversion check, such as import by identity before
# Terraform 1.12), skipped otherwise, failed. In CI (CI=true) any other skip
# fails the CLI. Ends with one line per CLI; exits non-zero if any failed.
# Each CLI's record goes to TEST_RECORDS (GNUmakefile), beside make test's,
# for make matrix-check: every test passed on at least one CLI.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
# No call home for a version check (there may be no internet at all).
export CHECKPOINT_DISABLE=1
# A CLI configuration that does not exist only makes every command warn.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
[ $# -gt 0 ] || { echo "usage: $0 terraform@VERSION|tofu@VERSION ..." >&2; exit 2; }

long="$(make -s print-LONG_TESTS)|$(make -s print-CLI_INDEPENDENT_TESTS)"
records=$(make -s print-TEST_RECORDS)
mkdir -p "$records"
strict=()
[ "${CI:-}" = true ] && strict=(-strict)
# Built once: go run would link it again for every CLI.
tally=$(mktemp "${TMPDIR:-/tmp}/havip-tally.XXXXXX")
trap 'rm -f "$tally"' EXIT
go build -o "$tally" ./tools/matrix/tally || exit 1

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
  record="$records/matrix-$name-$version.tsv"
  rm -f "$record"
  log=$(mktemp "${TMPDIR:-/tmp}/havip-matrix.XXXXXX")
  start=$SECONDS
  # No -race: make test runs the same tests under the race detector; here the
  # CLI is what varies. make test-long's tests are left out: what they
  # prove happens between the provider and the API, where the CLI has no
  # part (the fault matrix: retries, ClientTokens, no duplicate commits; the
  # RAM proof: which action each step needs), and they are the longest. So
  # are the sign-in tests (CLI_INDEPENDENT_TESTS): between the provider and
  # STS or the metadata service.
  env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" CHECKPOINT_DISABLE=1 "${env_extra[@]}" \
    go test -json -count=1 -timeout 45m -run '^(TestAcc|TestInstall)' -skip "^($long)\$" ./internal/provider/ ./tools/release/ 2>&1 |
    "$tally" "${strict[@]}" -record "$record" >"$log" 2>&1
  rc=$?
  secs=$((SECONDS - start))
  # The failing tests' output, the packages' results and the tally.
  cat "$log"
  counts=$(sed -n 's/^tally: \([0-9]*\) passed, \([0-9]*\) skipped by CLI version, \([0-9]*\) skipped otherwise, \([0-9]*\) failed$/\1 \2 \3 \4/p' "$log")
  read -r npass nversion nskip nfail <<<"${counts:-0 0 0 0}"
  result=PASS
  if [ $rc -ne 0 ]; then
    result=FAIL
  elif [ "$npass" -eq 0 ]; then
    result="FAIL (no test ran)"
  fi
  [ "$result" = PASS ] || failed=1
  summary+=("$(printf '%-20s %3d passed, %2d skipped by version, %d skipped otherwise, %d failed in %4d s: %s' \
    "$name $version" "$npass" "$nversion" "$nskip" "$nfail" "$secs" "$result")")
  rm -f "$log"
done

echo
echo "==> version matrix (acceptance suite per CLI)"
for line in "${summary[@]}"; do echo "matrix: $line"; done

exit $failed
