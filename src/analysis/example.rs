//! Turning a path through the cell space into a concrete example order, and describing
//! paths as readable regions. An example is only used once the reference evaluator has
//! confirmed it shows what the warning claims.

use rust_decimal::Decimal;

use super::sample;
use super::search::Choice;
use crate::check::{FieldId, FieldType, Part, RuleSet};
use crate::compile::domain::{Domain, Kind, MISSING, has_bit};
use crate::decide::{Order, Value, derive_values, derived};
use crate::time::seconds;

/// An order built for a warning, owning its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub values: Vec<Owned>,
    /// The fields the path constrained, in path order: the ones worth showing.
    pub shown: Vec<FieldId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Owned {
    Missing,
    Text(String),
    Enum(u32),
    Decimal(Decimal),
    Bool(bool),
    Tags(Vec<String>),
}

impl Owned {
    /// A value owned: what an example keeps of a value computed for it.
    pub fn from_value(v: &Value<'_>) -> Self {
        match v {
            Value::Missing => Owned::Missing,
            Value::Text(s) => Owned::Text((*s).to_string()),
            Value::Enum(i) => Owned::Enum(*i),
            Value::Decimal(d) => Owned::Decimal(*d),
            Value::Bool(b) => Owned::Bool(*b),
            Value::Tags(t) => Owned::Tags(t.iter().map(|s| (*s).to_string()).collect()),
        }
    }

    /// The value borrowed, as the deciders take it.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            Owned::Missing => Value::Missing,
            Owned::Text(s) => Value::Text(s),
            Owned::Enum(i) => Value::Enum(*i),
            Owned::Decimal(d) => Value::Decimal(*d),
            Owned::Bool(b) => Value::Bool(*b),
            Owned::Tags(t) => Value::Tags(t.iter().map(String::as_str).collect()),
        }
    }
}

impl Example {
    pub fn order(&self) -> Order<'_> {
        Order {
            values: self.values.iter().map(Owned::as_value).collect(),
        }
    }

    /// `channel = "tmall", amount = 2000.01, ship_region blank`. A derived field is
    /// shown as its datetime (with the "now" an age is measured from).
    pub fn describe(&self, set: &RuleSet) -> String {
        let mut parts = Vec::new();
        let mut shown: Vec<FieldId> = Vec::new();
        let mut aged = false;
        for &f in &self.shown {
            let d = set.fields[f].derived;
            aged |= d.is_some_and(|d| d.part == Part::Age);
            let f = d.map_or(f, |d| d.of);
            if !shown.contains(&f) {
                shown.push(f);
            }
        }
        for &f in &shown {
            let name = &set.fields[f].name;
            parts.push(match (&self.values[f], &set.fields[f].ty) {
                (Owned::Missing, FieldType::Tags) => format!("{name} empty"),
                (Owned::Missing, _) => format!("{name} blank"),
                (Owned::Text(s), _) => format!("{name} = {s:?}"),
                (Owned::Enum(i), FieldType::OneOf(vs)) => format!("{name} = {:?}", vs[*i as usize]),
                (Owned::Decimal(d), _) => format!("{name} = {}", set.show_number(f, *d)),
                (Owned::Bool(b), _) => format!("{name} = {b}"),
                (Owned::Tags(t), _) => format!(
                    "{name} = [{}]",
                    t.iter()
                        .map(|x| format!("{x:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                (Owned::Enum(i), _) => format!("{name} = #{i}"),
            });
        }
        if aged {
            parts.push(format!("now = {}", set.clock.now_text()));
        }
        if parts.is_empty() {
            "any order".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Builds an order that follows the path, or `None` if the path's combination of cells
/// and bits is one no real value has (or one this builder cannot find, such as a
/// required regex match).
pub fn build(set: &RuleSet, domains: &[Domain], path: &[Choice]) -> Option<Example> {
    let mut values = Vec::with_capacity(set.fields.len());
    let mut shown = Vec::new();
    for c in path {
        let f = match c {
            Choice::Cells(f, _) | Choice::Bit(f, _, _) => *f,
        };
        if !shown.contains(&f) {
            shown.push(f);
        }
    }
    let cells_of = |id: FieldId| -> Option<&Vec<u32>> {
        path.iter().find_map(|c| match c {
            Choice::Cells(f, cells) if *f == id => Some(cells),
            _ => None,
        })
    };
    for (id, field) in set.fields.iter().enumerate() {
        if field.derived.is_some() {
            // Computed from its datetime below, once that is chosen.
            values.push(Owned::Missing);
            continue;
        }
        let cells = cells_of(id);
        let bits: Vec<(u32, bool)> = path
            .iter()
            .filter_map(|c| match c {
                Choice::Bit(f, b, v) if *f == id => Some((*b, *v)),
                _ => None,
            })
            .collect();
        let blank_ok = field.optional || field.ty == FieldType::Tags;
        // Prefer a present value, trying each cell the path allows (a text literal's
        // cell may carry bits another cell cannot); a blank only where the path asks.
        let tries: Vec<u32> = match cells {
            Some(cs) => {
                let mut order: Vec<u32> = cs.iter().copied().filter(|c| *c != MISSING).collect();
                order.extend(cs.iter().copied().filter(|c| *c == MISSING));
                order
            }
            None if blank_ok && bits.iter().all(|(_, v)| !v) && field.ty != FieldType::Bool => {
                vec![MISSING]
            }
            None => vec![1],
        };
        let d = &domains[id];
        // The value must land where the path says: same cell, same bits.
        let lands = |v: &Owned| {
            let mut words = vec![0; d.words()];
            let got = d.classify(&v.as_value(), &mut words);
            cells.is_none_or(|cs| cs.contains(&got))
                && bits.iter().all(|(b, want)| has_bit(&words, *b) == *want)
        };
        let v = tries
            .into_iter()
            .find_map(|cell| candidates(d, cell, &bits).into_iter().find(|v| lands(v)))?;
        values.push(v);
    }
    for (id, field) in set.inputs().iter().enumerate() {
        if field.ty == FieldType::DateTime {
            values[id] = instant(set, domains, id, &cells_of, &values[id])?;
        }
    }
    values.truncate(set.declared);
    with_derived(set, &mut values);
    Some(Example { values, shown })
}

/// Appends the derived fields' values (`hour of placed_at`, ages) to an order's declared
/// values, as typing computes them.
pub fn with_derived(set: &RuleSet, values: &mut Vec<Owned>) {
    let mut typed: Vec<Value<'_>> = values.iter().map(Owned::as_value).collect();
    derive_values(set, &mut typed);
    let derived: Vec<Owned> = typed[values.len()..]
        .iter()
        .map(Owned::from_value)
        .collect();
    values.extend(derived);
}

/// A datetime's value that lands in the path's cells for the field itself and for every
/// field derived from it (its age, local hour and weekday): `first`, the value chosen
/// for the field's own cell, if it fits, else the first fit found hour by hour within
/// eight days of it (or of what the path asks of the age), which meets every hour of
/// every weekday.
fn instant<'p>(
    set: &RuleSet,
    domains: &[Domain],
    id: FieldId,
    cells_of: &dyn Fn(FieldId) -> Option<&'p Vec<u32>>,
    first: &Owned,
) -> Option<Owned> {
    let deps: Vec<(FieldId, Part)> = set
        .fields
        .iter()
        .enumerate()
        .filter_map(|(j, f)| f.derived.filter(|d| d.of == id).map(|d| (j, d.part)))
        .collect();
    let lands = |field: FieldId, v: &Value<'_>| {
        let got = domains[field].classify(v, &mut []);
        cells_of(field).is_none_or(|cs| cs.contains(&got))
    };
    let fits = |v: &Owned| {
        lands(id, &v.as_value())
            && deps.iter().all(|(j, part)| match v {
                Owned::Decimal(t) => lands(*j, &derived(&set.clock, *part, *t)),
                _ => lands(*j, &Value::Missing),
            })
    };
    if fits(first) {
        return Some(first.clone());
    }
    let now = seconds(set.clock.now);
    let mut seeds: Vec<Decimal> = Vec::new();
    if let Owned::Decimal(t) = first {
        seeds.push(*t);
    }
    for (j, part) in &deps {
        if let (Part::Age, Some(cells), Kind::Decimal { points, .. }) =
            (part, cells_of(*j), &domains[*j].kind)
        {
            seeds.extend(
                cells
                    .iter()
                    .filter(|c| **c != MISSING)
                    .map(|c| now - Domain::representative(points, *c)),
            );
        }
    }
    seeds.push(now - Decimal::from(86_400));
    let hour = Decimal::from(3_600);
    for seed in seeds {
        for k in 0..=8 * 24 {
            for step in [k, -k] {
                let v = Owned::Decimal(seed + hour * Decimal::from(step));
                if fits(&v) {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// Values that may land in `cell` with `bits`, the likeliest first; the caller keeps the
/// first that does.
fn candidates(d: &Domain, cell: u32, bits: &[(u32, bool)]) -> Vec<Owned> {
    if cell == MISSING {
        return vec![Owned::Missing];
    }
    let wanted = |prefix: &str| -> Vec<String> {
        bits.iter()
            .filter(|(_, v)| *v)
            .filter_map(|(b, _)| d.bit_names[*b as usize].strip_prefix(prefix))
            .filter_map(|lit| serde_json::from_str::<String>(lit).ok())
            .collect()
    };
    match &d.kind {
        Kind::Decimal { points, .. } => vec![Owned::Decimal(Domain::representative(points, cell))],
        Kind::Enum { .. } => vec![Owned::Enum(cell - 1)],
        Kind::Bool => vec![Owned::Bool(cell == 2)],
        Kind::Text { literals, .. } => {
            if let Some(lit) = literals.literal(cell) {
                return vec![Owned::Text(lit.to_string())];
            }
            let longest =
                |v: Vec<String>| v.into_iter().max_by_key(String::len).unwrap_or_default();
            let starts = longest(wanted("starts with "));
            let ends = longest(wanted("ends with "));
            let mut middle = String::new();
            for c in wanted("contains ") {
                if !middle.contains(c.as_str()) && !starts.contains(c.as_str()) {
                    middle.push_str(&c);
                }
            }
            // A text a required regex matches, placed where its anchors may want it: alone,
            // first, last, or between the other parts.
            let mut matched: Vec<String> = vec![String::new()];
            for pattern in wanted("matches ") {
                let texts = sample::matching(&pattern);
                matched = matched
                    .iter()
                    .flat_map(|m| texts.iter().map(move |t| format!("{m}{t}")))
                    .take(16)
                    .collect();
            }
            let mut texts: Vec<String> = Vec::new();
            for m in &matched {
                texts.extend([
                    format!("{starts}{middle}{m}{ends}"),
                    format!("{m}{starts}{middle}{ends}"),
                    format!("{starts}{middle}{ends}{m}"),
                    format!("{starts}{m}{middle}{ends}"),
                    m.clone(),
                ]);
            }
            let mut out: Vec<Owned> = Vec::new();
            for mut text in texts {
                if text.is_empty() {
                    text.push_str("other");
                }
                // "Other" text must not be one of the literals the rules compare with.
                while literals.get(text.as_bytes()).is_some() {
                    text.push('~');
                }
                let v = Owned::Text(text);
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            out
        }
        Kind::Tags { .. } => {
            let has = wanted("has ");
            let contains = wanted("contains ");
            // A tag that contains a text without being it (`has "x"` false, `contains "x"`
            // true) needs more than the text itself.
            let padded = contains.iter().map(|c| {
                if has.contains(c) {
                    c.clone()
                } else {
                    format!("{c}~")
                }
            });
            let mut plain: Vec<String> = has.iter().chain(&contains).cloned().collect();
            let mut longer: Vec<String> = has.iter().cloned().chain(padded).collect();
            for tags in [&mut plain, &mut longer] {
                if tags.is_empty() {
                    tags.push("other".into());
                }
            }
            vec![Owned::Tags(plain), Owned::Tags(longer)]
        }
    }
}

/// A region as conditions a person reads: `amount > 2000 and channel in ["tmall"]`.
pub fn describe_path(set: &RuleSet, domains: &[Domain], path: &[Choice]) -> String {
    let mut parts = Vec::new();
    for c in path {
        match c {
            // A group of every cell says nothing about the field.
            Choice::Cells(f, cells)
                if cells.len() as u32 + u32::from(!cells.contains(&MISSING))
                    >= domains[*f].ncells => {}
            Choice::Cells(f, cells) => parts.push(describe_cells(set, &domains[*f], cells)),
            Choice::Bit(f, b, v) => {
                let test = format!(
                    "{} {}",
                    set.fields[*f].name, domains[*f].bit_names[*b as usize]
                );
                parts.push(if *v { test } else { format!("not ({test})") });
            }
        }
    }
    if parts.is_empty() {
        "every order".to_string()
    } else {
        parts.join(" and ")
    }
}

fn describe_cells(set: &RuleSet, d: &Domain, cells: &[u32]) -> String {
    let name = &set.fields[d.field].name;
    let blank = cells.contains(&MISSING);
    let present: Vec<u32> = cells.iter().copied().filter(|c| *c != MISSING).collect();
    let mut text = match &d.kind {
        Kind::Decimal { points, .. } if !present.is_empty() => {
            // Consecutive cells make one interval; show each run.
            let mut runs: Vec<(u32, u32)> = Vec::new();
            for c in &present {
                match runs.last_mut() {
                    Some((_, end)) if *end + 1 == *c => *end = *c,
                    _ => runs.push((*c, *c)),
                }
            }
            let texts: Vec<String> = runs
                .iter()
                .map(|(a, b)| interval(name, points, *a, *b, &|v| set.show_number(d.field, v)))
                .collect();
            if texts.len() > 1 {
                format!("({})", texts.join(" or "))
            } else {
                texts.join("")
            }
        }
        _ if present.is_empty() => String::new(),
        _ => {
            let labels: Vec<String> = present.iter().map(|c| d.describe_cell(set, *c)).collect();
            if labels.len() == 1 {
                match labels[0].as_str() {
                    "other" => format!("{name} is another value"),
                    "some" => format!("{name} is not empty"),
                    l => format!("{name} = {l}"),
                }
            } else {
                format!("{name} in [{}]", labels.join(", "))
            }
        }
    };
    if blank {
        let b = format!("{name} is blank");
        text = if text.is_empty() {
            b
        } else {
            format!("({text} or {b})")
        };
    }
    text
}

fn interval(
    name: &str,
    points: &[Decimal],
    from: u32,
    to: u32,
    show: &dyn Fn(Decimal) -> String,
) -> String {
    let p = |i: usize| show(points[i]);
    // Cell 2i+2 is the point i; cell 2i+1 is the open interval below point i.
    let lower = |c: u32| -> Option<String> {
        let c = c as usize;
        if c % 2 == 0 {
            Some(format!(">= {}", p(c / 2 - 1)))
        } else {
            (c / 2).checked_sub(1).map(|j| format!("> {}", p(j)))
        }
    };
    let upper = |c: u32| -> Option<String> {
        let c = c as usize;
        if c % 2 == 0 {
            Some(format!("<= {}", p(c / 2 - 1)))
        } else {
            (c / 2 < points.len()).then(|| format!("< {}", p(c / 2)))
        }
    };
    if from == to && from % 2 == 0 {
        return format!("{name} = {}", p(from as usize / 2 - 1));
    }
    match (lower(from), upper(to)) {
        (Some(l), Some(u)) => format!("{name} {l} and {name} {u}"),
        (Some(l), None) => format!("{name} {l}"),
        (None, Some(u)) => format!("{name} {u}"),
        (None, None) => format!("{name} is any number"),
    }
}
