//! How long `check`'s analysis takes as rule sets grow: 100, 1,000 and 10,000 rules over
//! ten fields (the issue's aim: 10,000 rules in under a second on one core).
//!
//! The rule sets are generated the way real ones grow: routes per region (ship country) ×
//! channel × customer tier × amount band, approvals per tier and amount threshold, flags
//! from `contains` tests on the address and the buyer's note and `has` tests on the tags,
//! and a few planted problems (a shadowed route, a duplicated route, an outranked
//! approval, a flag implied by another, an impossible band), so that the analysis has
//! something to find and prove at every size.
//!
//! ```sh
//! cargo bench --bench analysis                         # all of it
//! cargo bench --bench analysis -- '/(100|1000)$'       # skip the 10,000-rule size
//! cargo bench --bench analysis -- findings/            # only the analysis, not the lowering
//! ```
//!
//! Each size is first analysed once, printing the time and the warnings (the planted ones
//! must be among them). At today's speed the 10,000-rule size takes tens of seconds per
//! run, so the full bench takes minutes; the two smaller sizes about a minute.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use routebook::analysis::{Kind, Options, findings};
use routebook::check::RuleSet;
use routebook::compile::lower::lower;
use routebook::source::Source;

const COUNTRIES: [&str; 10] = ["US", "CA", "DE", "FR", "IT", "GB", "AU", "JP", "CN", "NL"];
const CHANNELS: [&str; 5] = ["shopify", "amazon", "tmall", "douyin", "site"];
const TIERS: [&str; 4] = ["new", "member", "vip", "dealer"];
const APPROVALS: [&str; 3] = ["regional-manager", "director", "cfo"];
/// Amounts fall in 0..20,000; the route rules cut that into bands.
const TOP: u64 = 20_000;
const SIZES: [usize; 3] = [100, 1_000, 10_000];

const HEADER: &str = r#"ruleset "analysis-bench" version "1"

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
decision approval: highest ["auto", "regional-manager", "director", "cfo"], default "auto"
decision flags:    all
"#;

/// The planted problems, the same at every size: `late_us_vip` is shadowed by the route
/// grid (a different value), `r0_again` repeats `r0` (redundant), `small_cap` is always
/// outranked by `a0`, `urgent_again` is implied by `urgent`, `no_band` is impossible.
const PLANTED: &str = r#"
rule late_us_vip
  when ship_country = "US" and customer_tier = "vip" and amount > 100 and amount <= 200
  then route "vip-dc"

rule r0_again
  when ship_country = "US" and channel = "shopify" and customer_tier = "new" and amount > 0 and amount <= BAND
  then route "dc-0"

rule small_cap
  when ship_country = "US" and customer_tier = "new" and channel = "shopify" and amount > 19000 and first_order
  then approval "auto"

rule urgent
  when buyer_note contains "urgent"
  then flag "urgent"

rule urgent_again
  when buyer_note contains "very urgent"
  then flag "urgent"

rule no_band
  when amount > 500 and amount < 100
  then flag "never"
"#;

/// A rule file with `n` rules: 84% route rules, 5% approvals, the rest flags, and the
/// six planted ones.
fn rule_file(n: usize) -> String {
    let approvals = (n / 20).max(4);
    let flags = (n / 10).max(4);
    let routes = n - approvals - flags - 6;
    let combos = COUNTRIES.len() * CHANNELS.len() * TIERS.len();
    let bands = routes.div_ceil(combos) as u64;
    let width = TOP / bands;
    let mut text = String::from(HEADER);
    // The route grid. Each band's last rule is open-ended, so that every order of a
    // (country, channel, tier) that gets a band at all gets a route.
    let mut made = 0;
    'grid: for c in COUNTRIES {
        for ch in CHANNELS {
            for t in TIERS {
                for b in 0..bands {
                    if made == routes {
                        break 'grid;
                    }
                    let upper = if b + 1 == bands {
                        String::new()
                    } else {
                        format!(" and amount <= {}", (b + 1) * width)
                    };
                    let _ = write!(
                        text,
                        "\nrule r{made}\n  when ship_country = \"{c}\" and channel = \"{ch}\" and customer_tier = \"{t}\" and amount > {}{upper}\n  then route \"dc-{}\"\n",
                        b * width,
                        made % 17
                    );
                    made += 1;
                }
            }
        }
    }
    // Approvals: per (country, tier, channel), up to three thresholds with rising values,
    // so that none is outranked everywhere.
    let mut made = 0;
    'approvals: for k in 0..APPROVALS.len() {
        for c in COUNTRIES {
            for t in TIERS {
                for ch in CHANNELS {
                    if made == approvals {
                        break 'approvals;
                    }
                    let threshold = [2_000, 8_000, 15_000][k] + (made as u64 * 37) % 500;
                    let _ = write!(
                        text,
                        "\nrule a{made}\n  when ship_country = \"{c}\" and customer_tier = \"{t}\" and channel = \"{ch}\" and amount > {threshold}\n  then approval \"{}\"\n",
                        APPROVALS[k]
                    );
                    made += 1;
                }
            }
        }
    }
    // Flags: address keywords, note keywords, tags; the keywords are delimited so that no
    // one is part of another (which would make rules redundant by accident).
    for i in 0..flags {
        let (cond, flag) = match i % 4 {
            0 => (
                format!("address contains \"<kw{i}>\""),
                format!("addr-{}", i % 23),
            ),
            1 => (
                format!("buyer_note contains any [\"<note{i}>\", \"<memo{i}>\"]"),
                format!("note-{}", i % 19),
            ),
            2 => (
                format!("sku_tags has \"tag{i}\""),
                format!("tag-{}", i % 13),
            ),
            _ => (
                format!(
                    "address contains \"<po{i}>\" and ship_country in [\"US\", \"CA\"] and amount > {}",
                    (i as u64 * 131) % TOP
                ),
                format!("po-box-{i}"),
            ),
        };
        let _ = write!(text, "\nrule f{i}\n  when {cond}\n  then flag \"{flag}\"\n");
    }
    text.push_str(&PLANTED.replace("BAND", &width.to_string()));
    text
}

fn load(text: &str) -> RuleSet {
    routebook::load(&Source::new("bench.rules", text)).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The analysis as `check` runs it, but without a work budget: the default budget
/// (2,000,000 steps) runs out at about 2,000 rules of this shape, and then every rule gets
/// an "analysis incomplete" warning instead of an answer, which would time nothing useful.
fn unlimited() -> Options {
    Options {
        budget: usize::MAX,
        ..Options::default()
    }
}

/// The planted findings, as `kind rule`, that every size must report.
const EXPECTED: [&str; 5] = [
    "redundant r0_again",
    "redundant small_cap",
    "redundant urgent_again",
    "unreachable late_us_vip",
    "unsatisfiable no_band",
];

fn analysis_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("analysis");
    // Flat sampling: ten runs of the largest size, not 55 as linear sampling would do.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let mut conflicts = unlimited();
    conflicts.kinds.push(Kind::Conflict);
    for n in SIZES {
        let set = load(&rule_file(n));
        assert_eq!(set.rules.len(), n);
        // One run first: what it finds, and how long one run takes.
        let start = Instant::now();
        let found = findings(&set, &unlimited());
        let took = start.elapsed();
        let mut got: Vec<String> = found
            .iter()
            .map(|w| {
                let rule = w.rule.map_or("-", |r| set.rules[r].name.as_str());
                format!("{} {rule}", w.kind.code())
            })
            .collect();
        got.sort();
        eprintln!("{n} rules: {} warnings in {took:.2?}: {got:?}", found.len());
        for want in EXPECTED {
            assert!(
                got.iter().any(|g| g == want),
                "{n} rules: `{want}` not found"
            );
        }
        g.bench_with_input(BenchmarkId::new("lower", n), &set, |b, set| {
            b.iter(|| lower(black_box(set)));
        });
        g.bench_with_input(BenchmarkId::new("findings", n), &set, |b, set| {
            b.iter(|| findings(black_box(set), &unlimited()));
        });
        if n <= 1_000 {
            g.bench_with_input(BenchmarkId::new("findings+conflicts", n), &set, |b, set| {
                b.iter(|| findings(black_box(set), &conflicts));
            });
        }
    }
    g.finish();
}

criterion_group!(benches, analysis_time);
criterion_main!(benches);
