//! Generates realistic order exports for benchmarks, deterministic by seed.
//!
//! The columns are the fields of `rules/crossborder-pets.rules` plus two that no rule reads
//! (`currency`, `placed_at`), as real exports have more columns than rules need: English and Chinese
//! addresses (quoted when they hold commas), buyer notes with commas, doubled quotes and
//! line breaks, `;`-separated tags, amounts on and around the rules' thresholds, and one
//! order in a thousand with a bad amount, as real exports have.
//!
//! ```sh
//! cargo run --release --example gen -- 1000000 orders.csv [--seed 7] [--format csv|jsonl]
//! cargo run --release --example gen -- --rules 10000 bench.rules   # a rule file of 10,000 rules
//! ```
//!
//! The rule files are those of the rule benches (`benches/common/rule_sets.rs`), over
//! the same fields as the orders.

use std::io::{BufWriter, Write};

#[path = "../benches/common/rule_sets.rs"]
mod rule_sets;

/// splitmix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("n fits usize")
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }
}

const CHANNELS: [&str; 5] = ["shopify", "amazon", "tmall", "douyin", "site"];
const TIERS: [&str; 4] = ["new", "member", "member", "vip"];
const DEALER: &str = "dealer";
/// (country, regions; an empty region is left blank)
const COUNTRIES: [(&str, &[&str]); 10] = [
    ("US", &["CA", "TX", "NY", "WA", "FL", ""]),
    ("US", &["IL", "MA", "AK", ""]),
    (
        "CN",
        &[
            "Zhejiang",
            "Jiangsu",
            "Shanghai",
            "Guangdong",
            "Beijing",
            "Sichuan",
        ],
    ),
    ("CN", &["Zhejiang", "Fujian", "Hubei", ""]),
    ("CA", &["ON", "BC", "QC"]),
    ("DE", &["BY", "BE", ""]),
    ("FR", &[""]),
    ("IT", &["MI", ""]),
    ("GB", &[""]),
    ("JP", &[""]),
];
const CN_CITIES: [&str; 6] = ["杭州市", "南京市", "上海市", "广州市", "北京市", "成都市"];
const CN_STREETS: [&str; 6] = [
    "文三路",
    "中山北路",
    "张江路",
    "天河路",
    "建国门外大街",
    "人民南路",
];
const STREETS: [&str; 8] = [
    "Harbor Blvd",
    "Elm St",
    "Queen St W",
    "Leopoldstr.",
    "Rue de la Paix",
    "Via Roma",
    "Mill Lane",
    "Marunouchi",
];
const CITIES: [&str; 8] = [
    "Oakland", "Austin", "Toronto", "München", "Paris", "Milano", "Leeds", "Tokyo",
];
const ODD_ADDRESSES: [&str; 5] = [
    "TBD",
    "same as billing",
    "General Delivery, Juneau AK 99801",
    "PO Box 1450, Vancouver",
    "P.O. Box 77, Miami",
];
const TAGS: [&str; 14] = [
    "cat-food",
    "dog-food",
    "grain-free",
    "bulk",
    "dog-bed",
    "aquarium",
    "filter",
    "cat-litter",
    "dog-toy",
    "flea-tick",
    "liquid",
    "cat-tree",
    "dog-treats",
    "reptile-lamp",
];
const RARE_TAGS: [&str; 2] = ["live-animal", "restricted"];
const NOTES: [&str; 9] = [
    "Dock 3, weekdays only",
    "It's a gift, no invoice please",
    "Please pack with a heat pack.\nFragile - live fish!",
    "Need a \"liftgate\" truck, no loading dock",
    "address to follow",
    "请用礼盒包装, 谢谢",
    "急！周五前送到，电话13812345678",
    "Gift for our vet clinic, thanks",
    "leave at the door",
];
/// The rules' thresholds and their neighbours, so every band edge is exercised.
const BOUNDARY_AMOUNTS: [&str; 8] = [
    "2000", "2000.00", "2000.01", "1999.99", "10000", "10000.00", "10000.01", "0.00",
];

struct Order {
    id: String,
    channel: &'static str,
    tier: &'static str,
    amount: String,
    country: &'static str,
    region: &'static str,
    tags: Vec<&'static str>,
    address: String,
    note: &'static str,
    first_order: bool,
    placed_at: String,
}

fn order(rng: &mut Rng, n: u64) -> Order {
    let (country, regions) = COUNTRIES[rng.below(COUNTRIES.len())];
    let region = rng.pick(regions);
    let tier = if rng.chance(50) {
        DEALER
    } else {
        rng.pick(&TIERS)
    };
    let amount = if rng.chance(1) {
        "12,00x".to_string()
    } else if rng.chance(40) {
        rng.pick(&BOUNDARY_AMOUNTS).to_string()
    } else if rng.chance(30) {
        format!("{}.{:02}", 2000 + rng.below(14_000), rng.below(100))
    } else {
        format!("{}.{:02}", 5 + rng.below(600), rng.below(100))
    };
    let address = if rng.chance(30) {
        rng.pick(&ODD_ADDRESSES).to_string()
    } else if country == "CN" {
        format!(
            "{}{}{}号{}室",
            rng.pick(&CN_CITIES),
            rng.pick(&CN_STREETS),
            1 + rng.below(999),
            101 + rng.below(2000)
        )
    } else {
        format!(
            "{} {}, Apt {}, {}",
            1 + rng.below(9999),
            rng.pick(&STREETS),
            1 + rng.below(40),
            rng.pick(&CITIES)
        )
    };
    let mut tags: Vec<&str> = (0..rng.below(4)).map(|_| rng.pick(&TAGS)).collect();
    if rng.chance(10) {
        tags.push(rng.pick(&RARE_TAGS));
    }
    Order {
        id: format!("CP-{n:08}"),
        channel: rng.pick(&CHANNELS),
        tier,
        amount,
        country,
        region,
        tags,
        address,
        note: if rng.chance(150) {
            rng.pick(&NOTES)
        } else {
            ""
        },
        first_order: rng.chance(200),
        placed_at: format!(
            "2026-11-{:02}T{:02}:{:02}:{:02}+08:00",
            1 + rng.below(30),
            rng.below(24),
            rng.below(60),
            rng.below(60)
        ),
    }
}

/// A CSV field, quoted when it must be (commas, quotes, line breaks).
fn csv_field(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", s.replace('"', "\"\""))
    } else {
        out.write_all(s.as_bytes())
    }
}

fn write_csv(out: &mut impl Write, o: &Order) -> std::io::Result<()> {
    let tags = o.tags.join(";");
    let fields: [&str; 12] = [
        &o.id,
        o.channel,
        o.tier,
        &o.amount,
        "USD",
        o.country,
        o.region,
        &tags,
        &o.address,
        o.note,
        if o.first_order { "true" } else { "false" },
        &o.placed_at,
    ];
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        csv_field(out, f)?;
    }
    out.write_all(b"\n")
}

fn write_jsonl(out: &mut impl Write, o: &Order) -> std::io::Result<()> {
    let s = |x: &str| serde_json::to_string(x).expect("strings serialize");
    let tags: Vec<String> = o.tags.iter().map(|t| s(t)).collect();
    write!(
        out,
        "{{\"order_id\":{},\"channel\":{},\"customer_tier\":{},\"amount\":{},\"currency\":\"USD\",\"ship_country\":{},",
        s(&o.id),
        s(o.channel),
        s(o.tier),
        s(&o.amount),
        s(o.country),
    )?;
    if !o.region.is_empty() {
        write!(out, "\"ship_region\":{},", s(o.region))?;
    }
    writeln!(
        out,
        "\"sku_tags\":[{}],\"address\":{},\"buyer_note\":{},\"first_order\":{},\"placed_at\":{}}}",
        tags.join(","),
        s(&o.address),
        s(o.note),
        o.first_order,
        s(&o.placed_at)
    )
}

fn usage() -> ! {
    eprintln!(
        "usage: gen N OUT [--seed S] [--format csv|jsonl]   (OUT `-` is standard output)\n       gen --rules N OUT.rules"
    );
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let (mut seed, mut jsonl, mut rules) = (7u64, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rules" => rules = true,
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--format" => match it.next().map(String::as_str) {
                Some("csv") => jsonl = false,
                Some("jsonl") => jsonl = true,
                _ => usage(),
            },
            _ => positional.push(a),
        }
    }
    let [n, path] = positional[..] else { usage() };
    let n: u64 = n.parse().unwrap_or_else(|_| usage());
    if rules {
        let n = usize::try_from(n)
            .ok()
            .filter(|n| *n >= 7)
            .unwrap_or_else(|| usage());
        return std::fs::write(path, rule_sets::rule_file(n));
    }
    let sink: Box<dyn Write> = if path == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path)?)
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let mut rng = Rng(seed);
    if !jsonl {
        out.write_all(b"order_id,channel,customer_tier,amount,currency,ship_country,ship_region,sku_tags,address,buyer_note,first_order,placed_at\n")?;
    }
    for i in 0..n {
        let o = order(&mut rng, i + 1);
        if jsonl {
            write_jsonl(&mut out, &o)?;
        } else {
            write_csv(&mut out, &o)?;
        }
    }
    out.flush()
}
