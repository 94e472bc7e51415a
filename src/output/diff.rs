//! The impact of a rule change on real orders: per decision, how many orders move from
//! which value to which, the money they carry, and a few example keys; orders whose
//! input turns valid or invalid; and each changed order on its own (JSON Lines).

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::check::{FieldType, Policy, RuleSet};
use crate::decide::Outcome;
use crate::input::InputError;

/// Example keys kept per transition.
const EXAMPLES: usize = 5;

/// The label of an empty decision (no rule set it and there is no default).
const EMPTY: &str = "(empty)";
/// The label of a decision the other rule set does not have.
const ABSENT: &str = "(absent)";

/// Orders that went from one value to another.
#[derive(Debug, Clone)]
pub struct Transition {
    pub from: String,
    pub to: String,
    pub orders: u64,
    /// Sum of `amount` over those orders, when both rule sets have a decimal `amount`.
    pub amount: Decimal,
    pub examples: Vec<String>,
}

impl Transition {
    fn add(&mut self, key: &str, amount: Option<Decimal>) {
        self.orders += 1;
        if let Some(a) = amount {
            self.amount = self.amount.checked_add(a).unwrap_or(self.amount);
        }
        if self.examples.len() < EXAMPLES {
            self.examples.push(key.to_string());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Both,
    /// Only in the new rule set.
    Added,
    /// Only in the old rule set.
    Removed,
}

/// One decision's changes.
#[derive(Debug, Clone)]
pub struct DecisionDiff {
    pub name: String,
    pub status: Status,
    old: Option<usize>,
    new: Option<usize>,
    /// Compare as a set (an `all` decision in either file): the order of its values
    /// follows the rules' order in the file, which a reordering must not count.
    as_set: bool,
    pub transitions: Vec<Transition>,
}

impl DecisionDiff {
    pub fn changed(&self) -> u64 {
        self.transitions.iter().map(|t| t.orders).sum()
    }

    fn record(&mut self, from: String, to: String, key: &str, amount: Option<Decimal>) {
        let t = match self
            .transitions
            .iter_mut()
            .position(|t| t.from == from && t.to == to)
        {
            Some(i) => &mut self.transitions[i],
            None => {
                self.transitions.push(Transition {
                    from,
                    to,
                    orders: 0,
                    amount: Decimal::ZERO,
                    examples: Vec::new(),
                });
                self.transitions.last_mut().expect("just pushed")
            }
        };
        t.add(key, amount);
    }
}

/// The whole comparison, filled one order at a time.
pub struct Diff {
    pub orders: u64,
    /// Orders with any change: a decision value or their validity.
    pub changed: u64,
    /// Orders with bad input under both rule sets.
    pub invalid_both: u64,
    pub decisions: Vec<DecisionDiff>,
    /// `valid → invalid` and `invalid → valid`.
    pub validity: Vec<Transition>,
    /// Both rule sets have a decimal field `amount`.
    pub has_amount: bool,
    key_name: String,
}

/// A decimal field named `amount`, whose sum a manager wants to see.
pub fn amount_field(set: &RuleSet) -> Option<usize> {
    set.fields
        .iter()
        .position(|f| f.name == "amount" && f.ty == FieldType::Decimal)
}

impl Diff {
    pub fn new(old: &RuleSet, new: &RuleSet) -> Self {
        let mut decisions: Vec<DecisionDiff> = old
            .decisions
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let n = new.decision_id(&d.name);
                DecisionDiff {
                    name: d.name.clone(),
                    status: if n.is_some() {
                        Status::Both
                    } else {
                        Status::Removed
                    },
                    old: Some(i),
                    new: n,
                    as_set: d.policy == Policy::All
                        || n.is_some_and(|n| new.decisions[n].policy == Policy::All),
                    transitions: Vec::new(),
                }
            })
            .collect();
        for (i, d) in new.decisions.iter().enumerate() {
            if old.decision_id(&d.name).is_none() {
                decisions.push(DecisionDiff {
                    name: d.name.clone(),
                    status: Status::Added,
                    old: None,
                    new: Some(i),
                    as_set: d.policy == Policy::All,
                    transitions: Vec::new(),
                });
            }
        }
        Diff {
            orders: 0,
            changed: 0,
            invalid_both: 0,
            decisions,
            validity: Vec::new(),
            has_amount: amount_field(old).is_some() && amount_field(new).is_some(),
            key_name: old.fields[old.key].name.clone(),
        }
    }

    /// Adds one order decided by both rule sets. Returns the order's changes as one JSON
    /// object (for `--output`), or `None` when nothing changed.
    pub fn add(
        &mut self,
        key: &str,
        line: u64,
        amount: Option<Decimal>,
        old: Result<&Outcome, &InputError>,
        new: Result<&Outcome, &InputError>,
    ) -> Option<Value> {
        self.orders += 1;
        let mut change = Map::new();
        match (old, new) {
            (Err(_), Err(_)) => {
                self.invalid_both += 1;
                return None;
            }
            (Ok(_), Err(e)) | (Err(e), Ok(_)) => {
                let (from, to) = if old.is_ok() {
                    ("valid", "invalid")
                } else {
                    ("invalid", "valid")
                };
                self.validity_change(from, to, key, amount);
                change.insert(
                    "validity".into(),
                    json!({"from": from, "to": to, "error": e.to_string()}),
                );
            }
            (Ok(a), Ok(b)) => {
                let mut changes = Map::new();
                for d in &mut self.decisions {
                    let from = d.old.map_or(ABSENT.to_string(), |i| {
                        label(&a.decisions[i].values, d.as_set)
                    });
                    let to = d.new.map_or(ABSENT.to_string(), |i| {
                        label(&b.decisions[i].values, d.as_set)
                    });
                    if from != to {
                        changes.insert(d.name.clone(), json!({"from": from, "to": to}));
                        d.record(from, to, key, amount);
                    }
                }
                if changes.is_empty() {
                    return None;
                }
                change.insert("changes".into(), Value::Object(changes));
            }
        }
        self.changed += 1;
        let mut out = Map::new();
        out.insert(self.key_name.clone(), json!(key));
        out.insert("line".into(), json!(line));
        out.extend(change);
        Some(Value::Object(out))
    }

    fn validity_change(&mut self, from: &str, to: &str, key: &str, amount: Option<Decimal>) {
        match self.validity.iter_mut().find(|t| t.from == from) {
            Some(t) => t.add(key, amount),
            None => {
                let mut t = Transition {
                    from: from.into(),
                    to: to.into(),
                    orders: 0,
                    amount: Decimal::ZERO,
                    examples: Vec::new(),
                };
                t.add(key, amount);
                self.validity.push(t);
            }
        }
    }

    /// Transitions with the most orders first.
    fn sorted(ts: &[Transition]) -> Vec<&Transition> {
        let mut v: Vec<&Transition> = ts.iter().collect();
        v.sort_by(|a, b| {
            b.orders
                .cmp(&a.orders)
                .then_with(|| a.from.cmp(&b.from))
                .then_with(|| a.to.cmp(&b.to))
        });
        v
    }

    /// The report for people.
    pub fn render(&self, old: &str, new: &str, input: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "old: {old}\nnew: {new}\ninput: {input}");
        let _ = writeln!(
            s,
            "{} orders: {} changed, {} unchanged{}",
            self.orders,
            self.changed,
            self.orders - self.changed,
            if self.invalid_both > 0 {
                format!(" ({} with bad input under both)", self.invalid_both)
            } else {
                String::new()
            }
        );
        for d in &self.decisions {
            let n = d.changed();
            let what = match d.status {
                Status::Both => String::new(),
                Status::Added => " (added in new)".to_string(),
                Status::Removed => " (removed in new)".to_string(),
            };
            s.push('\n');
            if n == 0 {
                let _ = writeln!(s, "{}{what}: no order changed", d.name);
                continue;
            }
            let _ = writeln!(s, "{}{what}: {n} order{} changed", d.name, plural(n));
            self.table(&mut s, &Self::sorted(&d.transitions));
        }
        if !self.validity.is_empty() {
            s.push('\n');
            let n: u64 = self.validity.iter().map(|t| t.orders).sum();
            let _ = writeln!(s, "bad input: {n} order{} changed validity", plural(n));
            self.table(&mut s, &Self::sorted(&self.validity));
        }
        s
    }

    fn table(&self, s: &mut String, rows: &[&Transition]) {
        let w_from = rows
            .iter()
            .map(|t| width(&t.from))
            .max()
            .unwrap_or(0)
            .max(4);
        let w_to = rows.iter().map(|t| width(&t.to)).max().unwrap_or(0).max(2);
        let amounts: Vec<String> = rows.iter().map(|t| t.amount.to_string()).collect();
        let w_amount = amounts.iter().map(String::len).max().unwrap_or(0).max(6);
        let _ = write!(
            s,
            "  {}    {}  {:>6}",
            pad("from", w_from),
            pad("to", w_to),
            "orders"
        );
        if self.has_amount {
            let _ = write!(s, "  {:>w_amount$}", "amount");
        }
        let _ = writeln!(s, "  examples");
        for (t, amount) in rows.iter().zip(&amounts) {
            let _ = write!(
                s,
                "  {}  → {}  {:>6}",
                pad(&t.from, w_from),
                pad(&t.to, w_to),
                t.orders
            );
            if self.has_amount {
                let _ = write!(s, "  {amount:>w_amount$}");
            }
            let more = if t.orders > t.examples.len() as u64 {
                ", ..."
            } else {
                ""
            };
            let _ = writeln!(s, "  {}{more}", t.examples.join(", "));
        }
    }

    /// The report for machines.
    pub fn to_json(&self, old: Value, new: Value, input: &str) -> Value {
        let transitions = |ts: &[Transition]| -> Vec<Value> {
            Self::sorted(ts)
                .into_iter()
                .map(|t| {
                    let mut m = json!({
                        "from": t.from, "to": t.to, "orders": t.orders, "examples": t.examples,
                    });
                    if self.has_amount {
                        m["amount"] = json!(t.amount.to_string());
                    }
                    m
                })
                .collect()
        };
        let decisions: Vec<Value> = self
            .decisions
            .iter()
            .map(|d| {
                json!({
                    "name": d.name,
                    "status": match d.status {
                        Status::Both => "both",
                        Status::Added => "added",
                        Status::Removed => "removed",
                    },
                    "changed": d.changed(),
                    "transitions": transitions(&d.transitions),
                })
            })
            .collect();
        json!({
            "old": old,
            "new": new,
            "input": input,
            "orders": self.orders,
            "changed": self.changed,
            "invalid_both": self.invalid_both,
            "decisions": decisions,
            "validity": transitions(&self.validity),
        })
    }
}

/// A decision's value(s) as one label: `a;b` for several, `(empty)` for none.
fn label(values: &[String], as_set: bool) -> String {
    if values.is_empty() {
        return EMPTY.to_string();
    }
    if as_set {
        let mut v: Vec<&str> = values.iter().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        return v.join(";");
    }
    values.join(";")
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}
