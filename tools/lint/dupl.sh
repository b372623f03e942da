#!/usr/bin/env bash
# make lint's duplicate check: dupl over the product's Go files (not tests,
# not the generated zz_ files) at the threshold $1, less the file pairs
# accepted in tools/lint/dupl-allowed.txt. Prints what remains and fails
# when anything does, or when dupl itself fails.
set -euo pipefail
threshold=$1
GO=${GO:-go}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
found=$(git ls-files -- '*.go' ':!:*_test.go' ':!:*/zz_*.go' | "$GO" tool dupl -files -plumbing -t "$threshold")
left=$(awk '
  NR == FNR { if ($0 !~ /^#/ && NF == 2) { ok[$1 " " $2] = 1; ok[$2 " " $1] = 1 } next }
  {
    a = $1; sub(/:[0-9]+-[0-9]+:$/, "", a)
    b = $4; sub(/:[0-9]+-[0-9]+$/, "", b)
    if (!((a " " b) in ok)) print
  }' tools/lint/dupl-allowed.txt - <<<"$found" | sort)
if [ -n "$left" ]; then
  echo "duplicated code (dupl -t $threshold): write it once, or accept the pair in tools/lint/dupl-allowed.txt with the reason"
  echo "$left"
  exit 1
fi
