# Sourced by benches/turns.sh and benches/stages.sh, which run programs in turn over the
# same 1 M generated orders: builds the baseline and the generator, makes the export when
# it is missing ($csv, in BENCH_DIR), and gives `timed`.

dir=${BENCH_DIR:-target/bench-data}
csv=$dir/orders-1000000.csv
cargo build --release --quiet --bin routebook --example gen --example baseline
[[ -s $csv ]] || { mkdir -p "$dir"; target/release/examples/gen 1000000 "$csv" --seed 7; }

stats=$(mktemp)
trap 'rm -f "$stats"' EXIT
timed() { # label command...: prints "label seconds"
    local label=$1
    shift
    /usr/bin/time -o "$stats" -f "%e" "$@" >/dev/null 2>&1 || true
    echo "$label $(cat "$stats")"
}
