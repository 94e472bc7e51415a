//! Rule files of any size over the fields of `rules/crossborder-pets.rules`, the way
//! real ones grow: routes per region (ship country) × channel × customer tier × amount
//! band, plus the same six approval and flag rules in every size. Shared by the rule
//! benches (`benches/rules.rs`) and the generator (`gen --rules N FILE`).

pub const COUNTRIES: [&str; 10] = ["US", "CA", "DE", "FR", "IT", "GB", "AU", "JP", "CN", "NL"];
pub const CHANNELS: [&str; 5] = ["shopify", "amazon", "tmall", "douyin", "site"];
pub const TIERS: [&str; 4] = ["new", "member", "vip", "dealer"];
/// Amounts fall in 0..20,000; a rule set of n route rules cuts that into bands.
pub const TOP: u64 = 20_000;

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

/// A rule file with `n` rules (at least 7): `n - 6` route rules and the six shared ones.
pub fn rule_file(n: usize) -> String {
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
