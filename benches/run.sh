#!/usr/bin/env bash
# End-to-end speed of `routebook run` against the parse-only baseline, in one session so
# that the ratios hold on a shared machine. Not part of CI: it writes about 420 MB of
# generated orders per million (CSV and JSON Lines) and takes a few minutes.
#
#   benches/run.sh                   # 1 M orders
#   benches/run.sh 1000000 10000000  # 1 M and 10 M
#
# Then, on the first size, the cost per order as the rule set grows: generated rule
# files of 12, 1,000 and 10,000 rules (`gen --rules N`), one thread, the time to start
# and compile (a run over one order) taken off.
#
# Each figure is the best of RUNS runs (default 3); peak RSS is the largest seen.
# Records go to /dev/null, so the figures are CPU, not disk. Data is kept in
# BENCH_DIR (default target/bench-data) and generated only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("${@:-1000000}")
dir=${BENCH_DIR:-target/bench-data}
runs=${RUNS:-3}
rules=rules/crossborder-pets.rules
cores=$(nproc)

cargo build --release --quiet --bin routebook --example gen --example baseline
bin=target/release
mkdir -p "$dir"

# best_of CMD...: prints "seconds peak_kb" (fastest wall time, largest peak RSS).
best_of() {
    local best="" peak=0 secs kb stats
    stats=$(mktemp)
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$stats" -f "%e %M" "$@" >/dev/null 2>&1 || true
        read -r secs kb <"$stats"
        if [[ -z $best ]] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
        ((kb > peak)) && peak=$kb
    done
    rm -f "$stats"
    echo "$best $peak"
}

for n in "${sizes[@]}"; do
    csv=$dir/orders-$n.csv
    jsonl=$dir/orders-$n.jsonl
    [[ -s $csv ]] || "$bin/examples/gen" "$n" "$csv" --seed 7
    [[ -s $jsonl ]] || "$bin/examples/gen" "$n" "$jsonl" --seed 7 --format jsonl
    csv_mb=$(awk "BEGIN{print $(stat -c %s "$csv") / 1e6}")
    jsonl_mb=$(awk "BEGIN{print $(stat -c %s "$jsonl") / 1e6}")

    read -r base_s base_kb < <(best_of "$bin/examples/baseline" "$csv")
    echo
    echo "== $n orders: $csv (${csv_mb} MB), $jsonl (${jsonl_mb} MB), $cores cores"
    printf '%-34s %8s %12s %8s %9s %9s\n' "what" "seconds" "orders/s" "MB/s" "×baseline" "peak RSS"
    row() { # label seconds kb mb
        awk -v l="$1" -v s="$2" -v kb="$3" -v mb="$4" -v n="$n" -v b="$base_s" 'BEGIN{
            printf "%-34s %8.2f %12.0f %8.0f %9.2f %7.1f MB\n", l, s, n / s, mb / s, b / s, kb / 1024 }'
    }
    row "baseline: ByteRecord + decimal" "$base_s" "$base_kb" "$csv_mb"
    for threads in 1 "$cores"; do
        read -r s kb < <(best_of "$bin/routebook" run "$rules" --input "$csv" --allow-invalid --threads "$threads")
        row "run CSV→CSV, $threads thread(s)" "$s" "$kb" "$csv_mb"
    done
    for threads in 1 "$cores"; do
        read -r s kb < <(best_of "$bin/routebook" run "$rules" --input "$jsonl" --allow-invalid --threads "$threads")
        row "run JSONL→CSV, $threads thread(s)" "$s" "$kb" "$jsonl_mb"
    done
done

n=${sizes[0]}
csv=$dir/orders-$n.csv
head -n 2 "$csv" >"$dir/one-order.csv"
echo
echo "== rule count: $n orders of $csv, 1 thread"
printf '%-8s %16s %12s %14s %9s\n' "rules" "start+compile s" "run s" "ns per order" "×12 rules"
per12=""
for r in 12 1000 10000; do
    rules_file=$dir/rules-$r.rules
    [[ -s $rules_file ]] || "$bin/examples/gen" --rules "$r" "$rules_file"
    read -r start _ < <(best_of "$bin/routebook" run "$rules_file" --input "$dir/one-order.csv" --allow-invalid --threads 1)
    read -r s _ < <(best_of "$bin/routebook" run "$rules_file" --input "$csv" --allow-invalid --threads 1)
    per=$(awk "BEGIN{print ($s - $start) / $n * 1e9}")
    [[ -n $per12 ]] || per12=$per
    awk -v r="$r" -v st="$start" -v s="$s" -v p="$per" -v b="$per12" 'BEGIN{
        printf "%-8s %16.2f %12.2f %14.0f %9.2f\n", r, st, s, p, p / b }'
done
