#!/usr/bin/env bash
# Two builds of routebook compared on one machine that is shared: the baseline, binary A
# and binary B are run in turn, N rounds, so that a slow spell of the machine falls on
# all three alike; prints each one's fastest and median wall time, and the medians'
# ratios. Not part of CI.
#
#   benches/turns.sh OLD_BINARY NEW_BINARY [ROUNDS] [THREADS]
#
# e.g. build the commit before a change into another target dir and compare:
#   git worktree add /tmp/old HEAD~1 && (cd /tmp/old && cargo build --release)
#   benches/turns.sh /tmp/old/target/release/routebook target/release/routebook 9 1
set -euo pipefail
cd "$(dirname "$0")/.."

a=$1 b=$2 rounds=${3:-9} threads=${4:-1}
source benches/in-turn.sh
for _ in $(seq "$rounds"); do
    timed baseline target/release/examples/baseline "$csv"
    for which in a b; do
        timed "$which" "${!which}" run rules/crossborder-pets.rules --input "$csv" \
            --allow-invalid --threads "$threads" -o /dev/null
    done
done | sort -k1,1 -k2n | awk -v n="$rounds" '
    { t[$1, ++k[$1]] = $2 }
    END {
        for (w in k) { min[w] = t[w, 1]; med[w] = t[w, int((n + 1) / 2)] }
        printf "%-9s %8s %8s\n", "", "fastest", "median"
        split("baseline a b", order, " ")
        for (i = 1; i <= 3; i++) printf "%-9s %8.2f %8.2f\n", order[i], min[order[i]], med[order[i]]
        printf "median ratios: baseline/a %.2f, baseline/b %.2f, b/a %.2f\n",
            med["baseline"] / med["a"], med["baseline"] / med["b"], med["b"] / med["a"]
    }'
