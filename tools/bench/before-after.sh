#!/usr/bin/env bash
# Compares the seed stack's apply and destroy between two trees on one
# machine: tools/bench/before-after.sh BEFORE_DIR [ROUNDS]
# BEFORE_DIR is a checkout of the older revision (for example
# `git worktree add --detach /tmp/before REV`); this tree is "after". The
# two take turns, round by round, each round being one `tools/bench` run of
# the seed stack under immediate transitions (31 timed runs after a
# warm-up, the floor provider alternating with the real one), so that a
# change of load slows both alike. Prints each round's medians and, last,
# the median of the rounds for each tree and after ÷ before.
set -euo pipefail
before=$(cd "$1" && pwd)
rounds=${2:-3}
after=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GO=${GO:-go}
out=$(mktemp -d "${TMPDIR:-/tmp}/havip-before-after.XXXXXX")
trap 'rm -rf "$out"' EXIT

bench() { # tree label
  (cd "$1" && "$GO" run ./tools/bench -runs 1 -sizes 1 -scale 0 -benchtime '' \
    -seed-profiles immediate -seed-runs-immediate 31 -realistic-scale=false 2>&1 >/dev/null) |
    sed -n 's/^bench: seed stack, immediate transitions: apply \([0-9.a-z]*\) (critical path [^,]*, floor \([0-9.a-z]*\)), destroy \([0-9.a-z]*\) ([^,]*, floor \([0-9.a-z]*\)).*/\1 \2 \3 \4/p' |
    awk '{for (i = 1; i <= NF; i++) { v = $i; if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; $i = v } print}' |
    tee -a "$out/$2"
}

echo "uptime at start: $(uptime)"
for r in $(seq "$rounds"); do
  for t in before after; do
    dir=$before; [ "$t" = after ] && dir=$after
    read -r a af d df < <(bench "$dir" "$t")
    echo "round $r $t: apply ${a} ms (floor ${af}), destroy ${d} ms (floor ${df})"
  done
done
echo "uptime at end: $(uptime)"
med() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for col in 1:apply 3:destroy; do
  i=${col%%:*}; name=${col#*:}
  b=$(awk -v i="$i" '{print $i}' "$out/before" | med)
  a=$(awk -v i="$i" '{print $i}' "$out/after" | med)
  awk -v n="$name" -v b="$b" -v a="$a" 'BEGIN {printf "%s: before %.0f ms, after %.0f ms, after/before %.3f\n", n, b, a, a/b}'
done
