//! Compile time and per-order decide time as rule sets grow: 12, 1,000 and 10,000 rules.
//!
//! The rule sets are generated the way real ones grow: routes per region (ship country) ×
//! channel × customer tier × amount band, plus the same six approval and flag rules in
//! every size. The orders are generated too, over the same fields, deterministically.
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

const COUNTRIES: [&str; 10] = ["US", "CA", "DE", "FR", "IT", "GB", "AU", "JP", "CN", "NL"];
const CHANNELS: [&str; 5] = ["shopify", "amazon", "tmall", "douyin", "site"];
const TIERS: [&str; 4] = ["new", "member", "vip", "dealer"];
/// Amounts fall in 0..20,000; a rule set of n route rules cuts that into bands.
const TOP: u64 = 20_000;
const SIZES: [usize; 3] = [12, 1_000, 10_000];

/// The rules every size shares: approvals by amount and tier, flags by address and tags.
const FIXED: &str = r#"
rule mid_amount
  when amount > 2000 and amount <= 10000
  then approval "regional-manager"

rule large_amount
  when amount > 10000
  then approval "director-finance"

rule big_first_order
  when first_order and amount > 2000
  then approval "director-finance", flag "second-review"

rule vague_address
  when address contains any ["TBD", "TBA", "General Delivery", "same as billing"]
  then flag "vague-address"

rule po_box
  when address contains any ["PO Box", "P.O. Box"]
  then flag "po-box"

rule liquid_by_air
  when sku_tags has "liquid" and ship_country not in ["US", "CA", "CN"]
  then flag "dg-check"
"#;

/// A rule file with `n` rules: `n - 6` route rules and the six shared ones.
fn rule_file(n: usize) -> String {
    let routes = n - 6;
    let combos = COUNTRIES.len() * CHANNELS.len() * TIERS.len();
    let bands = routes.div_ceil(combos);
    let width = TOP / bands as u64;
    let mut text = String::from(
        r#"ruleset "bench" version "1"

fields {
  order_id      text, key
  channel       one of "shopify", "amazon", "tmall", "douyin", "site"
  customer_tier one of "new", "member", "vip", "dealer"
  amount        decimal
  ship_country  text
  ship_region   text, optional
  sku_tags      tags
  address       text
  buyer_note    text, optional
  first_order   bool
}

decision route:    first, default "manual-review"
decision approval: highest ["auto", "regional-manager", "director-finance"], default "auto"
decision flags:    all
"#,
    );
    let mut made = 0;
    'all: for c in COUNTRIES {
        for ch in CHANNELS {
            for t in TIERS {
                for b in 0..bands as u64 {
                    if made == routes {
                        break 'all;
                    }
                    text.push_str(&format!(
                        "\nrule r{made}\n  when ship_country = \"{c}\" and channel = \"{ch}\" and customer_tier = \"{t}\" and amount > {} and amount <= {}\n  then route \"dc-{}\"\n",
                        b * width,
                        (b + 1) * width,
                        made % 17
                    ));
                    made += 1;
                }
            }
        }
    }
    text.push_str(FIXED);
    text
}

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
