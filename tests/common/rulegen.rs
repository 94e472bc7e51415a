//! Random valid rule files, as source text, and random orders for them: the generator
//! shared by the property tests (`equivalence.rs`, `analysis.rs`).
//!
//! The generator is abstract (indices into small pools, resolved against the generated
//! schema when rendering) so that proptest can shrink a failure to a small file. Literal
//! pools are tiny on purpose: tests overlap, thresholds coincide, and orders often sit
//! exactly on a boundary.

use std::fmt::Write as _;
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use routebook::check::{FieldType, RuleSet};
use routebook::decide::{Order, Outcome};
use routebook::diag::render;
use routebook::source::Source;

// ---------------------------------------------------------------- pools

const TEXT_LITS: [&str; 5] = ["a", "b", "ab", "ba", ""];
const REGEXES: [&str; 5] = ["^a|b$", "a", "^(ab)+$", "b{2}", "^.$"];
const DEC_LITS: [&str; 10] = [
    "-1", "0", "0.5", "1", "2", "2000", "2000.01", "10000", "10_000", "2000.00",
];
const TAG_LITS: [&str; 3] = ["x", "y", "xy"];
const ENUM_VALUES: [&str; 4] = ["p", "q", "r", "s"];
const FIRST_VALUES: [&str; 3] = ["go-a", "go-b", "go-c"];
const ALL_VALUES: [&str; 3] = ["f1", "f2", "f3"];
const RANKS: [&str; 4] = ["low", "mid", "high", "top"];

// Order values: the literal pools plus values no literal names and boundary values.
// Never the empty text: a blank cell is `Missing` (or an input error), never `Text("")`.
const TEXT_VALUES: [&str; 11] = [
    "a", "b", "ab", "ba", "aab", "bab", "abab", "bb", "c", "中文a", "a b",
];
const DEC_VALUES: [&str; 18] = [
    "-1", "0", "0.5", "1", "2", "2000", "2000.01", "10000", "1.999", "2000.00", "1999.99",
    "2000.001", "-0.5", "3", "10000.0", "99999", "-1.00", "0.50",
];
const TAG_VALUES: [&str; 6] = ["x", "y", "xy", "z", "yx", "X"];

// Time: zones with and without changes of clocks; literals on both sides of a change of
// clocks in New York (2026-11-01T01:30 happens twice there) and of the date line between
// UTC and China time; durations around "now", which `load` fixes.
const ZONES: [&str; 3] = ["UTC", "Asia/Shanghai", "America/New_York"];
const TIME_LITS: [&str; 6] = [
    "2026-11-11",
    "2026-11-11T12:00",
    "2026-11-11T20:00:00+08:00",
    "2026-11-01T01:30",
    "2026-11-12T00:00:00Z",
    "2026-11-10T16:00Z",
];
const DUR_LITS: [&str; 5] = ["30m", "48h", "1d", "1d12h", "2m"];
const HOUR_LITS: [&str; 5] = ["0", "5", "6", "12", "23"];
pub const NOW: &str = "2026-11-11T12:00:00Z";

// ---------------------------------------------------------------- abstract rule files

#[derive(Debug, Clone)]
struct Schema {
    /// Optional flags of the text fields (the key is an extra, required text field).
    text: Vec<bool>,
    /// Number of values (2–4) and optional flag of each one-of field.
    enums: Vec<(usize, bool)>,
    decimals: Vec<bool>,
    bools: Vec<bool>,
    tags: usize,
    /// Optional flags of the datetime fields (maybe none).
    times: Vec<bool>,
    /// Index into [`ZONES`].
    zone: usize,
}

#[derive(Debug, Clone)]
struct DecisionSpec {
    /// 0 first, 1 highest, 2 all.
    policy: u8,
    /// Length of the `highest` list (2–4).
    ranks: usize,
    default: Option<usize>,
    /// For `all` decisions: write the action word in the singular.
    singular: bool,
}

/// One test, as indices resolved against the schema when rendered.
#[derive(Debug, Clone)]
struct Leaf {
    kind: u8,
    field: usize,
    form: u8,
    a: usize,
    b: usize,
    items: Vec<usize>,
    named: bool,
}

#[derive(Debug, Clone)]
enum C {
    Leaf(Leaf),
    Not(Box<C>),
    And(Vec<C>),
    Or(Vec<C>),
    Paren(Box<C>),
}

#[derive(Debug, Clone)]
struct RuleSpec {
    cond: C,
    actions: Vec<(usize, usize)>,
    description: bool,
    dashed: bool,
}

#[derive(Debug, Clone)]
pub struct FileSpec {
    schema: Schema,
    decisions: Vec<DecisionSpec>,
    rules: Vec<RuleSpec>,
}

/// One order slot per possible field: missing roll, value index, tag indices.
#[derive(Debug, Clone)]
pub struct Slot {
    missing: bool,
    pick: usize,
    tags: Vec<usize>,
}

// ---------------------------------------------------------------- strategies

fn schema() -> impl Strategy<Value = Schema> {
    (
        prop::collection::vec(any::<bool>(), 1..=3),
        prop::collection::vec((2usize..=4, any::<bool>()), 1..=3),
        prop::collection::vec(any::<bool>(), 1..=3),
        prop::collection::vec(any::<bool>(), 1..=3),
        1usize..=3,
        prop::collection::vec(any::<bool>(), 0..=2),
        0usize..ZONES.len(),
    )
        .prop_map(|(text, enums, decimals, bools, tags, times, zone)| Schema {
            text,
            enums,
            decimals,
            bools,
            tags,
            times,
            zone,
        })
}

fn decision() -> impl Strategy<Value = DecisionSpec> {
    (
        0u8..3,
        2usize..=4,
        prop::option::of(0usize..4),
        any::<bool>(),
    )
        .prop_map(|(policy, ranks, default, singular)| DecisionSpec {
            policy,
            ranks,
            default,
            singular,
        })
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (
        0u8..6,
        0usize..4,
        0u8..12,
        0usize..16,
        0usize..16,
        prop::collection::vec(0usize..16, 0..=3),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(kind, field, form, a, b, items, named)| Leaf {
            kind,
            field,
            form,
            a,
            b,
            items,
            named,
        })
}

fn cond() -> impl Strategy<Value = C> {
    leaf().prop_map(C::Leaf).prop_recursive(3, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| C::Not(Box::new(c))),
            prop::collection::vec(inner.clone(), 2..=3).prop_map(C::And),
            prop::collection::vec(inner.clone(), 2..=3).prop_map(C::Or),
            inner.prop_map(|c| C::Paren(Box::new(c))),
        ]
    })
}

fn rule() -> impl Strategy<Value = RuleSpec> {
    (
        cond(),
        prop::collection::vec((0usize..3, 0usize..4), 1..=3),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(cond, actions, description, dashed)| RuleSpec {
            cond,
            actions,
            description,
            dashed,
        })
}

pub fn file() -> impl Strategy<Value = FileSpec> {
    (
        schema(),
        prop::collection::vec(decision(), 1..=3),
        prop::collection::vec(rule(), 1..=12),
    )
        .prop_map(|(schema, decisions, rules)| FileSpec {
            schema,
            decisions,
            rules,
        })
}

const SLOTS: usize = 16;

fn slot() -> impl Strategy<Value = Slot> {
    (
        prop::bool::weighted(0.25),
        0usize..64,
        prop::collection::vec(0usize..TAG_VALUES.len(), 0..=3),
    )
        .prop_map(|(missing, pick, tags)| Slot {
            missing,
            pick,
            tags,
        })
}

pub fn orders() -> impl Strategy<Value = Vec<Vec<Slot>>> {
    prop::collection::vec(prop::collection::vec(slot(), SLOTS), 1..=48)
}

// ---------------------------------------------------------------- rendering

/// Field names by kind, in declaration order; `text[0]` is the key.
struct Names {
    text: Vec<String>,
    enums: Vec<(String, usize)>,
    decimals: Vec<String>,
    bools: Vec<String>,
    tags: Vec<String>,
    times: Vec<String>,
}

fn quote(s: &str) -> String {
    format!("{s:?}")
}

fn list_lit(items: &[usize], pool: &[&str]) -> String {
    let parts: Vec<String> = items.iter().map(|i| quote(pool[i % pool.len()])).collect();
    format!("[{}]", parts.join(", "))
}

impl Names {
    fn new(s: &Schema) -> Self {
        Names {
            text: std::iter::once("order_id".to_string())
                .chain((0..s.text.len()).map(|i| format!("txt{i}")))
                .collect(),
            enums: s
                .enums
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (format!("kind{i}"), *n))
                .collect(),
            decimals: (0..s.decimals.len())
                .map(|i| format!("amount{i}"))
                .collect(),
            bools: (0..s.bools.len()).map(|i| format!("flag_{i}")).collect(),
            // A Unicode name too, to keep non-ASCII identifiers in the loop.
            tags: (0..s.tags)
                .map(|i| {
                    if i == 0 {
                        "标签".to_string()
                    } else {
                        format!("tags{i}")
                    }
                })
                .collect(),
            times: (0..s.times.len()).map(|i| format!("at{i}")).collect(),
        }
    }

    fn time_leaf(&self, l: &Leaf) -> String {
        let f = &self.times[l.field % self.times.len()];
        let (x, y) = (
            TIME_LITS[l.a % TIME_LITS.len()],
            TIME_LITS[l.b % TIME_LITS.len()],
        );
        let d = DUR_LITS[l.a % DUR_LITS.len()];
        let (h, h2) = (
            HOUR_LITS[l.a % HOUR_LITS.len()],
            HOUR_LITS[l.b % HOUR_LITS.len()],
        );
        let day = quote(routebook::time::WEEKDAYS[l.a % 7]);
        match l.form % 12 {
            0 => format!("{f} before {x}"),
            1 => format!("{f} after {x}"),
            2 => format!("{f} between {x} and {y}"),
            3 => format!("{f} older than {d}"),
            4 => format!("{f} within {d}"),
            5 => format!("hour of {f} between {h} and {h2}"),
            6 => format!("hour of {f} >= {h}"),
            7 => format!("hour of {f} = {h}"),
            8 => format!("weekday of {f} = {day}"),
            9 => format!(
                "weekday of {f} not in {}",
                list_lit(&l.items, &routebook::time::WEEKDAYS)
            ),
            10 => format!("{f} is missing"),
            _ => format!("{f} is present"),
        }
    }

    fn leaf(&self, l: &Leaf) -> String {
        let text_list = |l: &Leaf| {
            if l.named {
                ["text_list", "empty_list"][l.a % 2].to_string()
            } else {
                list_lit(&l.items, &TEXT_LITS)
            }
        };
        let tag_list = |l: &Leaf| {
            if l.named {
                ["tag_list", "empty_list"][l.a % 2].to_string()
            } else {
                list_lit(&l.items, &TAG_LITS)
            }
        };
        match l.kind {
            0 => {
                let f = &self.text[l.field % self.text.len()];
                let lit = quote(TEXT_LITS[l.a % TEXT_LITS.len()]);
                match l.form % 11 {
                    0 => format!("{f} = {lit}"),
                    1 => format!("{f} != {lit}"),
                    2 => format!("{f} in {}", text_list(l)),
                    3 => format!("{f} not in {}", text_list(l)),
                    4 => format!("{f} contains {lit}"),
                    5 => format!("{f} contains any {}", text_list(l)),
                    6 => format!("{f} starts with {lit}"),
                    7 => format!("{f} ends with {lit}"),
                    8 => format!("{f} matches {}", quote(REGEXES[l.b % REGEXES.len()])),
                    9 => format!("{f} is missing"),
                    _ => format!("{f} is present"),
                }
            }
            1 => {
                let (f, n) = &self.enums[l.field % self.enums.len()];
                let values = &ENUM_VALUES[..*n];
                let v = quote(values[l.a % n]);
                match l.form % 6 {
                    0 => format!("{f} = {v}"),
                    1 => format!("{f} != {v}"),
                    2 => format!("{f} in {}", list_lit(&l.items, values)),
                    3 => format!("{f} not in {}", list_lit(&l.items, values)),
                    4 => format!("{f} is missing"),
                    _ => format!("{f} is present"),
                }
            }
            2 => {
                let f = &self.decimals[l.field % self.decimals.len()];
                let (x, y) = (
                    DEC_LITS[l.a % DEC_LITS.len()],
                    DEC_LITS[l.b % DEC_LITS.len()],
                );
                match l.form % 9 {
                    0 => format!("{f} = {x}"),
                    1 => format!("{f} != {x}"),
                    2 => format!("{f} < {x}"),
                    3 => format!("{f} <= {x}"),
                    4 => format!("{f} > {x}"),
                    5 => format!("{f} >= {x}"),
                    6 => format!("{f} between {x} and {y}"),
                    7 => format!("{f} is missing"),
                    _ => format!("{f} is present"),
                }
            }
            3 => {
                let f = &self.bools[l.field % self.bools.len()];
                match l.form % 7 {
                    0 => f.clone(),
                    1 => format!("{f} = true"),
                    2 => format!("{f} = false"),
                    3 => format!("{f} != true"),
                    4 => format!("{f} != false"),
                    5 => format!("{f} is missing"),
                    _ => format!("{f} is present"),
                }
            }
            5 if !self.times.is_empty() => self.time_leaf(l),
            _ => {
                let f = &self.tags[l.field % self.tags.len()];
                let lit = quote(TAG_LITS[l.a % TAG_LITS.len()]);
                match l.form % 8 {
                    0 => format!("{f} has {lit}"),
                    1 => format!("{f} has any {}", tag_list(l)),
                    2 => format!("{f} has all {}", tag_list(l)),
                    3 => format!("{f} has none {}", tag_list(l)),
                    4 => format!("{f} contains {lit}"),
                    5 => format!("{f} contains any {}", tag_list(l)),
                    6 => format!("{f} is missing"),
                    _ => format!("{f} is present"),
                }
            }
        }
    }

    /// Renders a condition; `need` is the binding strength the context requires
    /// (1 or, 2 and, 3 not/atom). Parentheses are added exactly where needed, plus
    /// wherever the generator asked for them.
    fn cond(&self, c: &C, need: u8, out: &mut String) {
        let (strength, body) = match c {
            C::Leaf(l) => (3, self.leaf(l)),
            C::Paren(inner) => {
                let mut s = String::new();
                self.cond(inner, 1, &mut s);
                (3, format!("({s})"))
            }
            C::Not(inner) => {
                let mut s = String::from("not ");
                self.cond(inner, 3, &mut s);
                (3, s)
            }
            C::And(parts) | C::Or(parts) => {
                let (strength, word) = if matches!(c, C::And(_)) {
                    (2, " and ")
                } else {
                    (1, " or ")
                };
                let mut s = String::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(word);
                    }
                    self.cond(p, strength + 1, &mut s);
                }
                (strength, s)
            }
        };
        if strength < need {
            let _ = write!(out, "({body})");
        } else {
            out.push_str(&body);
        }
    }
}

fn decision_name(i: usize, d: &DecisionSpec) -> String {
    match d.policy {
        0 => format!("route{i}"),
        1 => format!("approval{i}"),
        _ => format!("note{i}s"),
    }
}

pub fn render_file(f: &FileSpec) -> String {
    let names = Names::new(&f.schema);
    let s = &f.schema;
    let mut out = String::new();
    let _ = write!(
        out,
        "# generated by tests/common/rulegen.rs\nruleset \"generated\" version \"1\" timezone {}\n\nfields {{\n",
        quote(ZONES[s.zone % ZONES.len()])
    );
    let opt = |o: bool| if o { ", optional" } else { "" };
    let _ = writeln!(out, "  order_id text, key");
    for (i, o) in s.text.iter().enumerate() {
        let _ = writeln!(out, "  {} text{}", names.text[i + 1], opt(*o));
    }
    for ((name, n), (_, o)) in names.enums.iter().zip(&s.enums) {
        let values: Vec<String> = ENUM_VALUES[..*n].iter().map(|v| quote(v)).collect();
        let _ = writeln!(out, "  {name} one of {}{}", values.join(", "), opt(*o));
    }
    for (name, o) in names.decimals.iter().zip(&s.decimals) {
        let _ = writeln!(out, "  {name} decimal{}", opt(*o));
    }
    for (name, o) in names.bools.iter().zip(&s.bools) {
        let _ = writeln!(out, "  {name} bool{}", opt(*o));
    }
    for name in &names.tags {
        let _ = writeln!(out, "  {name} tags");
    }
    for (name, o) in names.times.iter().zip(&s.times) {
        let _ = writeln!(out, "  {name} datetime{}", opt(*o));
    }
    out.push_str("}\n\nlist text_list = [\"a\", \"ab\"]\nlist tag_list = [\"x\", \"xy\"]\nlist empty_list = []\n\n");
    for (i, d) in f.decisions.iter().enumerate() {
        let name = decision_name(i, d);
        let (policy, default) = match d.policy {
            0 => ("first".to_string(), d.default.map(|k| FIRST_VALUES[k % 3])),
            1 => {
                let ranks: Vec<String> = RANKS[..d.ranks].iter().map(|v| quote(v)).collect();
                (
                    format!("highest [{}]", ranks.join(", ")),
                    d.default.map(|k| RANKS[k % d.ranks]),
                )
            }
            _ => ("all".to_string(), d.default.map(|k| ALL_VALUES[k % 3])),
        };
        let _ = write!(out, "decision {name}: {policy}");
        if let Some(v) = default {
            let _ = write!(out, ", default {}", quote(v));
        }
        out.push('\n');
    }
    for (i, r) in f.rules.iter().enumerate() {
        let name = if r.dashed {
            format!("rule-{i}")
        } else {
            format!("rule_{i}")
        };
        let _ = write!(out, "\nrule {name}");
        if r.description {
            let _ = write!(out, " \"rule number {i}, a \\\"generated\\\" one\"");
        }
        out.push_str("\n  when ");
        names.cond(&r.cond, 1, &mut out);
        out.push_str("\n  then ");
        let mut set: Vec<usize> = Vec::new();
        let mut actions = Vec::new();
        for &(dp, vp) in &r.actions {
            let di = dp % f.decisions.len();
            let d = &f.decisions[di];
            let name = decision_name(di, d);
            match d.policy {
                0 | 1 if set.contains(&di) => continue,
                0 => actions.push(format!("{name} {}", quote(FIRST_VALUES[vp % 3]))),
                1 => actions.push(format!("{name} {}", quote(RANKS[vp % d.ranks]))),
                _ => {
                    let word = if d.singular {
                        name.trim_end_matches('s')
                    } else {
                        name.as_str()
                    };
                    actions.push(format!("{word} {}", quote(ALL_VALUES[vp % 3])));
                }
            }
            set.push(di);
        }
        out.push_str(&actions.join(", "));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- orders

/// An order's values, owned; [`as_order`] borrows them as the decider wants.
pub use routebook::analysis::example::{Owned, with_derived};

/// Instants an order's datetime may hold: each literal, a second either side of it,
/// the same around "now" minus each duration, and one in the future.
fn instants(set: &RuleSet) -> Vec<Decimal> {
    use routebook::time::{parse_duration, parse_instant, seconds};
    let zone = &set.clock.zone;
    let now = seconds(set.clock.now);
    let mut out = vec![now + Decimal::from(3_600)];
    let around = |t: Decimal, out: &mut Vec<Decimal>| {
        out.extend([t, t - Decimal::ONE, t + Decimal::ONE]);
    };
    for lit in TIME_LITS {
        around(
            seconds(parse_instant(lit, zone).expect("a literal")),
            &mut out,
        );
    }
    for d in DUR_LITS {
        around(
            now - Decimal::from(parse_duration(d).expect("a duration")),
            &mut out,
        );
    }
    out
}

pub fn make_order(set: &RuleSet, slots: &[Slot]) -> Vec<Owned> {
    let times = instants(set);
    let mut values: Vec<Owned> = set
        .inputs()
        .iter()
        .zip(slots.iter().cycle())
        .map(|(field, slot)| {
            if field.optional && slot.missing {
                return Owned::Missing;
            }
            match &field.ty {
                FieldType::Text => {
                    Owned::Text(TEXT_VALUES[slot.pick % TEXT_VALUES.len()].to_string())
                }
                FieldType::OneOf(values) => {
                    Owned::Enum(u32::try_from(slot.pick % values.len()).expect("small"))
                }
                FieldType::Decimal => {
                    let raw = DEC_VALUES[slot.pick % DEC_VALUES.len()];
                    Owned::Decimal(Decimal::from_str(raw).expect("a decimal"))
                }
                FieldType::Bool => Owned::Bool(slot.pick % 2 == 1),
                FieldType::DateTime => Owned::Decimal(times[slot.pick % times.len()]),
                FieldType::Tags => {
                    // An empty set is `Missing`, never `Tags(vec![])`.
                    if slot.tags.is_empty() || slot.missing {
                        Owned::Missing
                    } else {
                        Owned::Tags(
                            slot.tags
                                .iter()
                                .map(|t| TAG_VALUES[*t].to_string())
                                .collect(),
                        )
                    }
                }
            }
        })
        .collect();
    with_derived(set, &mut values);
    values
}

pub fn as_order(values: &[Owned]) -> Order<'_> {
    Order {
        values: values.iter().map(Owned::as_value).collect(),
    }
}

pub fn describe_order(set: &RuleSet, values: &[Owned]) -> String {
    set.fields
        .iter()
        .zip(values)
        .map(|(f, v)| {
            let shown = match (v, &f.ty) {
                (Owned::Enum(i), FieldType::OneOf(names)) => format!("{:?}", names[*i as usize]),
                (Owned::Missing, _) => "<missing>".to_string(),
                (Owned::Text(s), _) => format!("{s:?}"),
                (Owned::Decimal(d), _) => d.to_string(),
                (Owned::Bool(b), _) => b.to_string(),
                (Owned::Tags(ts), _) => format!("{ts:?}"),
                (Owned::Enum(i), _) => format!("enum #{i}"),
            };
            format!("  {} = {shown}", f.name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn describe_outcome(set: &RuleSet, o: &Outcome) -> String {
    set.decisions
        .iter()
        .zip(&o.decisions)
        .map(|(d, x)| {
            let rules: Vec<&str> = x
                .rules
                .iter()
                .map(|r| set.rules[*r].name.as_str())
                .collect();
            format!("  {} = {:?} by {:?}", d.name, x.values, rules)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn load(text: &str) -> RuleSet {
    let src = Source::new("generated.rules", text);
    match routebook::load(&src) {
        Ok(mut set) => {
            // A fixed "now", so that a failure repeats.
            set.clock.now = NOW.parse().expect("an instant");
            set
        }
        Err(errs) => {
            let shown: Vec<String> = errs.iter().map(|d| render(d, &src, false)).collect();
            panic!(
                "the generator wrote a file that does not load:\n{text}\n{}",
                shown.join("\n")
            );
        }
    }
}
