#!/usr/bin/env bash
# Where a one-thread run's wall time goes, by stage: the baseline and three rule files run
# in turn over 1 M generated orders, N rounds, so that a slow spell of the machine falls
# on all alike. Each rule file adds stages to the one before:
#   read-and-write  the export read and a record written per order (one `one of` test)
#   no-bits         every cell the pet rules read, and the tree walked; no text searched
#   pets            rules/crossborder-pets.rules: `has`, `contains` and `matches` too
# Prints each one's fastest and median seconds, its median against the baseline's, and
# what each stage adds, in ns per order. With valgrind on the machine and CALLGRIND=1,
# also each one's instructions per order on the first 100,000 lines. Not part of CI.
#
#   benches/stages.sh [ROUNDS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-9} bin=${2:-target/release/routebook}
source benches/in-turn.sh
# How many orders a file holds, as `run` counts them (a note may span lines).
orders() { "$bin" run benches/stages/read-and-write.rules --input "$1" --allow-invalid --threads 1 \
    -o /dev/null --summary 2>&1 | awk '/ orders: / { print $1; exit }'; }
orders=$(orders "$csv")

declare -A rules=(
    [read-and-write]=benches/stages/read-and-write.rules
    [no-bits]=benches/stages/no-bits.rules
    [pets]=rules/crossborder-pets.rules
)
stages="read-and-write no-bits pets"

for _ in $(seq "$rounds"); do
    timed baseline target/release/examples/baseline "$csv"
    for s in $stages; do
        timed "$s" "$bin" run "${rules[$s]}" --input "$csv" --allow-invalid --threads 1 -o /dev/null
    done
done | sort -k1,1 -k2n | awk -v n="$rounds" -v orders="$orders" -v stages="$stages" '
    { t[$1, ++k[$1]] = $2 }
    END {
        printf "%-15s %8s %8s %11s %14s\n", "", "fastest", "median", "x baseline", "adds ns/order"
        m = split("baseline " stages, order, " ")
        for (i = 1; i <= m; i++) {
            w = order[i]; med[w] = t[w, int((n + 1) / 2)]
            adds = i > 2 ? sprintf("%14.0f", (med[w] - med[order[i - 1]]) * 1e9 / orders) : ""
            printf "%-15s %8.2f %8.2f %11.2f %s\n", w, t[w, 1], med[w], med["baseline"] / med[w], adds
        }
    }'

if [[ ${CALLGRIND:-} == 1 ]] && command -v valgrind >/dev/null; then
    head -n 100001 "$csv" >"$stats.csv"
    first=$(orders "$stats.csv")
    count() { # command...: instructions per order of the first 100,000 lines
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk -v n="$first" '/Collected/ { printf "%.0f\n", $NF / n }'
    }
    echo "instructions per order, first 100,000 lines:"
    echo "baseline $(count target/release/examples/baseline "$stats.csv")"
    for s in $stages; do
        echo "$s $(count "$bin" run "${rules[$s]}" --input "$stats.csv" --allow-invalid --threads 1 -o /dev/null)"
    done
    rm -f "$stats.csv"
fi
