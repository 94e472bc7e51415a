//! Compile time and per-order decide time as rule sets grow: 12, 1,000 and 10,000 rules.
//!
//! The rule sets are generated the way real ones grow (see `common/rule_sets.rs`; `gen
//! --rules N FILE` writes one). The orders are generated too, over the same fields,
//! deterministically, each on a path of its own: the worst case for the tree's memory.
//!
//! ```sh
//! cargo bench --bench rules              # all of it, a couple of minutes
//! cargo bench --bench rules -- decide    # only the decide benches
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use routebook::check::RuleSet;
use routebook::compile::compile;
use routebook::decide::{Outcomes, Scratch, decide_id};
use routebook::input::RawOrder;
use routebook::input::typing::typed;
use routebook::source::Source;

#[path = "common/rule_sets.rs"]
mod rule_sets;

use rule_sets::{CHANNELS, COUNTRIES, TIERS, TOP, rule_file};

const SIZES: [usize; 3] = [12, 1_000, 10_000];

fn load(text: &str) -> RuleSet {
    routebook::load(&Source::new("bench.rules", text)).unwrap_or_else(|d| panic!("{d:?}"))
}

/// `n` orders over the fields, deterministic, as raw records (what a reader produces).
fn orders(set: &RuleSet, n: usize) -> Vec<RawOrder> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let addresses = [
        "1200 Harbor Blvd, Apt 4, Oakland",
        "杭州市文三路796号752室",
        "PO Box 1450, Vancouver",
        "Leopoldstr. 10, 80802 München",
        "same as billing",
    ];
    let tags = ["cat-food;grain-free", "liquid", "", "dog-bed;bulk"];
    (0..n)
        .map(|i| {
            let mut raw = RawOrder::default();
            raw.clear(set.fields.len());
            let amount = format!("{}.{:02}", next(TOP as usize), next(100));
            let values = [
                format!("B-{i}"),
                CHANNELS[next(5)].to_string(),
                TIERS[next(4)].to_string(),
                amount,
                COUNTRIES[next(10)].to_string(),
                String::new(),
                tags[next(4)].to_string(),
                addresses[next(5)].to_string(),
                String::new(),
                (next(10) == 0).to_string(),
            ];
            for (f, v) in values.iter().enumerate() {
                raw.set_text(f, v);
            }
            raw
        })
        .collect()
}

fn compile_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    for n in SIZES {
        let text = rule_file(n);
        g.bench_with_input(BenchmarkId::new("check", n), &text, |b, text| {
            b.iter(|| load(black_box(text)));
        });
        let set = load(&text);
        g.bench_with_input(BenchmarkId::new("tree", n), &set, |b, set| {
            b.iter(|| compile(black_box(set)));
        });
    }
    g.finish();
}

fn decide_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("decide");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let set = load(&rule_file(n));
        let tree = compile(&set);
        let raw = orders(&set, 10_000);
        let typed: Vec<_> = raw
            .iter()
            .map(|r| typed(&set, r).expect("generated orders are valid"))
            .collect();
        g.throughput(Throughput::Elements(typed.len() as u64));
        g.bench_with_input(BenchmarkId::new("order", n), &typed, |b, typed| {
            let mut scratch = Scratch::new(&tree);
            let mut seen = Outcomes::default();
            b.iter(|| {
                for order in typed {
                    black_box(decide_id(&set, &tree, order, &mut scratch, &mut seen));
                }
            });
        });
    }
    g.finish();
}

criterion_group!(benches, compile_time, decide_time);
criterion_main!(benches);
