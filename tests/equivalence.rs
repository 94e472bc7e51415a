//! The compiled decision tree decides every order exactly as the rule-by-rule reference
//! evaluator does (values *and* deciding rules), for random rule files and random orders.
//!
//! Rule files are generated as source text (by `common/rulegen.rs`) and go through
//! `routebook::load`, so the test covers the whole pipeline from text.
//!
//! Every case is checked with the default node budget, with a budget of 3 nodes (most of
//! the work then happens in residual leaves, rule by rule) and with a budget of 0.

mod common;

use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

use common::rulegen::{
    Owned, Slot, as_order, describe_order, describe_outcome, file, load, make_order, orders,
    render_file, with_derived,
};
use routebook::check::{FieldType, RuleSet};
use routebook::compile::{Tree, compile, compile_with_budget};
use routebook::decide::{Scratch, decide, decide_raw, reference};
use routebook::input::{RawOrder, typing};
use routebook::time::{parse_instant, seconds, show_seconds, timestamp};

/// Checks every order against every tree; the first mismatch, fully described.
fn mismatch(
    text: &str,
    set: &RuleSet,
    trees: &[(&str, Tree)],
    orders: &[Vec<Owned>],
) -> Option<String> {
    for (label, tree) in trees {
        let mut scratch = Scratch::new(tree);
        for values in orders {
            let order = as_order(values);
            let want = reference::evaluate(set, &order);
            let got = decide(set, tree, &order, &mut scratch);
            if *got != want {
                return Some(format!(
                    "tree ({label}, {} nodes, {} residuals) and reference disagree\n\
                     --- rule file:\n{text}\n--- order:\n{}\n--- tree:\n{}\n--- reference:\n{}",
                    tree.nodes.len(),
                    tree.residuals.len(),
                    describe_order(set, values),
                    describe_outcome(set, &got),
                    describe_outcome(set, &want),
                ));
            }
        }
    }
    None
}

fn check(text: &str, orders: &[Vec<Slot>]) -> Result<(), TestCaseError> {
    let set = load(text);
    let trees = [
        ("default budget", compile(&set)),
        ("budget 3", compile_with_budget(&set, 3)),
        ("budget 0", compile_with_budget(&set, 0)),
    ];
    let orders: Vec<Vec<Owned>> = orders.iter().map(|slots| make_order(&set, slots)).collect();
    match mismatch(text, &set, &trees, &orders) {
        Some(msg) => Err(TestCaseError::fail(msg)),
        None => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn tree_decides_like_the_reference(spec in file(), orders in orders()) {
        let text = render_file(&spec);
        check(&text, &orders)?;
    }

    /// `run` decides an order from its raw text (`decide_raw`); typing it and deciding
    /// the typed order must give the same verdict (good or bad) and the same outcome.
    #[test]
    fn raw_text_decides_like_typed_values(
        spec in file(),
        orders in orders(),
        spellings in prop::collection::vec(prop::collection::vec(0u8..10, 12), 1..8),
    ) {
        let text = render_file(&spec);
        let set = load(&text);
        for (label, tree) in [("default budget", compile(&set)), ("budget 3", compile_with_budget(&set, 3))] {
            let (mut s1, mut s2) = (Scratch::new(&tree), Scratch::new(&tree));
            for (slots, spell) in orders.iter().zip(spellings.iter().cycle()) {
                let values = make_order(&set, slots);
                let raw = raw_order(&set, &values, spell);
                let typed = typing::typed(&set, &raw);
                let fast = decide_raw(&set, &tree, &raw, &mut s1);
                let shown = format!("{label}\n--- rule file:\n{text}\n--- raw order:\n{raw:?}\n--- typed: {typed:?}");
                match (typed, fast) {
                    (Ok(order), Some(fast)) => {
                        let want = decide(&set, &tree, &order, &mut s2);
                        prop_assert_eq!(&*fast, &*want, "{}", shown);
                    }
                    (Err(_), None) => {}
                    (typed, fast) => prop_assert!(
                        false,
                        "typing says {:?}, the raw lane says {}\n{}",
                        typed.map(|_| "good"),
                        if fast.is_some() { "good" } else { "bad" },
                        shown
                    ),
                }
            }
        }
    }
}

/// An order's values as an export might spell them (`spell` picks, per field, one of
/// several good spellings or a bad one), in a raw order as a reader leaves it.
fn raw_order(set: &RuleSet, values: &[Owned], spell: &[u8]) -> RawOrder {
    let mut raw = RawOrder::default();
    let inputs = set.inputs();
    raw.clear(inputs.len());
    for (id, (field, v)) in inputs.iter().zip(values).enumerate() {
        let k = spell[id % spell.len()];
        let text = match (v, &field.ty) {
            (Owned::Tags(ts), _) if k == 1 => {
                raw.set_list(id, ts.iter().map(String::as_str).chain([""]));
                continue;
            }
            (Owned::Tags(ts), _) => ts.join(if k % 2 == 0 { ";" } else { " , " }),
            (_, FieldType::Text) if k == 9 => "\u{3000}\u{feff}".into(),
            (_, _) if k == 9 => " ".into(),
            (Owned::Missing, FieldType::Tags) if k == 8 => " ; ,".into(),
            (Owned::Missing, _) => String::new(),
            (Owned::Text(t), _) => {
                if k == 2 {
                    format!(" {t}\t")
                } else {
                    t.clone()
                }
            }
            (Owned::Enum(i), FieldType::OneOf(names)) => match k {
                3 => names[*i as usize].to_uppercase(),
                4 => format!("{}x", names[*i as usize]),
                _ => names[*i as usize].clone(),
            },
            (Owned::Decimal(d), FieldType::DateTime) => match k {
                3 => "2026-13-01".into(),
                4 => show_seconds(*d, &set.clock.zone),
                _ => timestamp(*d).to_string(),
            },
            (Owned::Decimal(d), _) => match k {
                3 => format!("+{d}"),
                4 => format!("{d}x"),
                5 => format!("{}e0", d.normalize()),
                6 => format!("{d}00000000000000000000000000000"),
                _ => d.to_string(),
            },
            (Owned::Bool(b), _) => match (k, b) {
                (3, _) => "maybe".into(),
                (4, true) => "YES".into(),
                (4, false) => "n".into(),
                (5, _) => u8::from(*b).to_string(),
                _ => b.to_string(),
            },
            (v, ty) => unreachable!("make_order gives {ty:?} no {v:?}"),
        };
        raw.set_text(id, &text);
    }
    raw
}

// ---------------------------------------------------------------- fixed cases

/// Runs fixed orders through both deciders, asserting they agree, and returns the
/// outcome as `decision=values` strings for readable expectations.
fn decide_both(text: &str, orders: &[Vec<Owned>]) -> Vec<Vec<String>> {
    let set = load(text);
    let trees = [
        ("default budget", compile(&set)),
        ("budget 3", compile_with_budget(&set, 3)),
        ("budget 0", compile_with_budget(&set, 0)),
    ];
    if let Some(msg) = mismatch(text, &set, &trees, orders) {
        panic!("{msg}");
    }
    orders
        .iter()
        .map(|values| {
            let o = reference::evaluate(&set, &as_order(values));
            set.decisions
                .iter()
                .zip(&o.decisions)
                .map(|(d, x)| format!("{}={}", d.name, x.values.join("+")))
                .collect()
        })
        .collect()
}

fn txt(s: &str) -> Owned {
    Owned::Text(s.to_string())
}

fn num(s: &str) -> Owned {
    Owned::Decimal(Decimal::from_str(s).expect("a decimal"))
}

fn tags(ts: &[&str]) -> Owned {
    Owned::Tags(ts.iter().map(|t| (*t).to_string()).collect())
}

#[test]
fn missing_values_equal_nothing() {
    let text = r#"
fields {
  id   text, key
  note text, optional
  amt  decimal, optional
  tg   tags
}
decision flags: all
rule eq      when note = "a"          then flag "eq"
rule ne      when note != "a"         then flag "ne"
rule notin   when note not in ["a"]   then flag "notin"
rule lt      when amt < 10            then flag "lt"
rule notge   when not (amt >= 10)     then flag "notge"
rule hasnone when tg has none ["x"]   then flag "hasnone"
rule hasall0 when tg has all []       then flag "hasall0"
rule ctany0  when tg contains any []  then flag "ctany0"
rule miss    when tg is missing       then flag "miss"
"#;
    let got = decide_both(
        text,
        &[vec![
            txt("o1"),
            Owned::Missing,
            Owned::Missing,
            Owned::Missing,
        ]],
    );
    assert_eq!(got, vec![vec!["flags=ne+notin+notge+hasnone+miss"]]);
    let got = decide_both(text, &[vec![txt("o1"), txt("a"), num("10"), tags(&["y"])]]);
    assert_eq!(got, vec![vec!["flags=eq+hasnone+hasall0"]]);
}

#[test]
fn empty_literals_in_text_tests() {
    let text = r#"
fields { id text, key  t text }
decision flags: all
rule c  when t contains ""        then flag "c"
rule s  when t starts with ""     then flag "s"
rule e  when t ends with ""       then flag "e"
rule eq when t = ""               then flag "eq"
rule ca when t contains any []    then flag "ca"
rule ein when t in []             then flag "ein"
rule ni when t not in []          then flag "ni"
"#;
    let got = decide_both(text, &[vec![txt("o1"), txt("abc")]]);
    assert_eq!(got, vec![vec!["flags=c+s+e+ni"]]);
}

#[test]
fn hit_policies() {
    let text = r#"
fields { id text, key  amt decimal }
decision route: first, default "manual"
decision approval: highest ["auto", "lead", "boss"], default "auto"
decision flags: all
rule small  when amt < 100           then route "post", approval "auto"
rule mid    when amt >= 50           then approval "lead", flag "look", flag "mid"
rule mid2   when amt between 50 and 500 then route "truck", approval "lead", flag "look"
rule big    when amt > 1000          then approval "boss"
"#;
    let got = decide_both(
        text,
        &[
            vec![txt("o1"), num("10")],
            vec![txt("o2"), num("60")],
            vec![txt("o3"), num("600")],
            vec![txt("o4"), num("5000.00")],
        ],
    );
    assert_eq!(
        got,
        vec![
            vec!["route=post", "approval=auto", "flags="],
            vec!["route=post", "approval=lead", "flags=look+mid"],
            vec!["route=manual", "approval=lead", "flags=look+mid"],
            vec!["route=manual", "approval=boss", "flags=look+mid"],
        ]
    );
    // Ties in `highest` go to the first rule in file order.
    let set = load(text);
    let order = vec![txt("o2"), num("60")];
    let o = reference::evaluate(&set, &as_order(&order));
    assert_eq!(
        o.decisions[1].rules,
        vec![1],
        "`mid` (rule 1) sets `lead` before `mid2`"
    );
    assert!(o.decisions[0].rules == vec![0] && o.decisions[2].rules == vec![1, 2]);
}

#[test]
fn decimal_boundaries_are_exact() {
    let text = r#"
fields { id text, key  amt decimal }
decision flags: all
rule gt  when amt > 2000               then flag "gt"
rule ge  when amt >= 2000.00           then flag "ge"
rule eq  when amt = 2000               then flag "eq"
rule btw when amt between 1.999 and 2000 then flag "btw"
"#;
    let got = decide_both(
        text,
        &[
            vec![txt("a"), num("2000.00")],
            vec![txt("b"), num("2000.0000001")],
            vec![txt("c"), num("1.999")],
            vec![txt("d"), num("1.9989")],
        ],
    );
    assert_eq!(
        got,
        vec![
            vec!["flags=ge+eq+btw"],
            vec!["flags=gt+ge"],
            vec!["flags=btw"],
            vec!["flags="],
        ]
    );
}

#[test]
fn shipped_rule_sets_decide_like_the_reference() {
    for name in ["crossborder-pets", "home-furnishing", "kids-apparel"] {
        let path = format!("{}/rules/{name}.rules", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("shipped rule set");
        let set = load(&text);
        // A few values per field, taken from the file's own literals where it helps.
        let per_field: Vec<Vec<Owned>> = set
            .inputs()
            .iter()
            .enumerate()
            .map(|(id, f)| {
                let mut v = match &f.ty {
                    FieldType::Text if id == set.key => vec![txt("o-1")],
                    FieldType::Text => {
                        let mut lits = string_literals(&text);
                        lits.retain(|l| !l.is_empty());
                        let pick = |i: usize| txt(&lits[(i * 7 + id * 3) % lits.len()]);
                        vec![pick(0), pick(1), txt("TBD street, 大学城, 本人"), txt("US")]
                    }
                    FieldType::OneOf(values) => {
                        (0..values.len()).map(|i| Owned::Enum(i as u32)).collect()
                    }
                    FieldType::Decimal => {
                        vec![num("49.99"), num("2000"), num("2000.01"), num("10000.5")]
                    }
                    FieldType::Bool => vec![Owned::Bool(true), Owned::Bool(false)],
                    // Either side of the file's dates and of its ages from "now".
                    FieldType::DateTime => {
                        let zone = &set.clock.zone;
                        let now = seconds(set.clock.now);
                        let mut at: Vec<Decimal> = time_literals(&text)
                            .iter()
                            .filter_map(|t| parse_instant(t, zone).ok())
                            .map(seconds)
                            .flat_map(|t| [t - Decimal::ONE, t, t + Decimal::ONE])
                            .collect();
                        for hours in [1, 48, 24 * 30] {
                            let t = now - Decimal::from(hours * 3_600);
                            at.extend([t - Decimal::ONE, t, t + Decimal::ONE]);
                        }
                        at.into_iter().map(Owned::Decimal).collect()
                    }
                    FieldType::Tags => vec![
                        tags(&["liquid", "live-animal"]),
                        tags(&["presale", "fragile"]),
                    ],
                };
                if f.optional || f.ty == FieldType::Tags {
                    v.push(Owned::Missing);
                }
                v
            })
            .collect();
        // Not the full product (too many in a debug build): each field cycles through its
        // values at its own pace, so that every pair of neighbouring values meets.
        let orders: Vec<Vec<Owned>> = (0..3000usize)
            .map(|n| {
                let mut stride = 1usize;
                per_field
                    .iter()
                    .map(|choices| {
                        let c = &choices[(n / stride + n % 7) % choices.len()];
                        stride = (stride * choices.len()).min(1 << 20);
                        c.clone()
                    })
                    .collect()
            })
            .map(|mut values| {
                with_derived(&set, &mut values);
                values
            })
            .collect();
        let trees = [
            ("default budget", compile(&set)),
            ("budget 3", compile_with_budget(&set, 3)),
        ];
        if let Some(msg) = mismatch(&text, &set, &trees, &orders) {
            panic!("{name}: {msg}");
        }
    }
}

/// Every double-quoted string of a rule file (roughly; enough to pick test values).
fn string_literals(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| {
            l.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every date and time written in a rule file (`2026-11-11`, `2026-11-11T20:00+08:00`).
fn time_literals(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?")
        .expect("a valid regex");
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

#[test]
fn more_than_64_bits_on_one_field() {
    // 70 `contains` literals and 70 `has` literals: each field's bits span two words.
    // `first` decisions keep the tree small (a chain of bit tests per field).
    let mut text = String::from(
        "fields { id text, key  t text  g tags }\ndecision route: first, default \"none\"\ndecision gift: first\n",
    );
    for i in 0..70 {
        text.push_str(&format!(
            "rule c{i} when t contains \"k{i}-\" then route \"c{i}\"\n"
        ));
        text.push_str(&format!(
            "rule h{i} when g has \"k{i}\" then gift \"h{i}\"\n"
        ));
    }
    let cases = [0usize, 1, 63, 64, 65, 69, 70];
    let orders: Vec<Vec<Owned>> = cases
        .iter()
        .map(|i| {
            vec![
                txt("o"),
                txt(&format!("xk{i}-")),
                tags(&["zz", &format!("k{i}")]),
            ]
        })
        .collect();
    assert!(
        compile(&load(&text)).residuals.is_empty(),
        "the whole tree fits the default budget"
    );
    let got = decide_both(&text, &orders);
    for (i, got) in cases.iter().zip(got) {
        let want = if *i < 70 {
            vec![format!("route=c{i}"), format!("gift=h{i}")]
        } else {
            vec!["route=none".to_string(), "gift=".to_string()]
        };
        assert_eq!(got, want);
    }
}

#[test]
fn extreme_decimal_literals_in_orders() {
    let text = r#"
fields { id text, key  amt decimal }
decision flags: all
rule big when amt > 10000 then flag "big"
rule neg when amt < 0     then flag "neg"
"#;
    let got = decide_both(
        text,
        &[
            vec![txt("a"), Owned::Decimal(Decimal::MAX)],
            vec![txt("b"), Owned::Decimal(Decimal::MIN)],
            vec![txt("c"), num("0.0000000000000000000000000001")],
        ],
    );
    assert_eq!(
        got,
        vec![vec!["flags=big"], vec!["flags=neg"], vec!["flags="]]
    );
}

#[test]
fn regression_extreme_decimal_literals_in_rules_compile() {
    for cond in [
        "amt > 79228162514264337593543950335",
        "amt < -79228162514264337593543950335",
        "amt between 50000000000000000000000000000 and 60000000000000000000000000000",
    ] {
        let text = format!(
            "fields {{ id text, key  amt decimal }}\ndecision d: first\nrule r when {cond} then d \"v\"\n"
        );
        let orders = vec![
            vec![txt("a"), num("1")],
            vec![txt("b"), Owned::Decimal(Decimal::MAX)],
        ];
        decide_both(&text, &orders);
    }
}
