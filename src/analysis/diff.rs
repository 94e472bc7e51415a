//! The symbolic diff: without any real orders, which orders would a rule change move?
//!
//! Both rule sets are put side by side in one rule set over the union of their fields
//! (each decision twice, as it was and as it will be), lowered once, and the analysis
//! searches for regions of orders where the two values differ. Every region's example
//! order is run through both rule sets by the reference evaluator before it is shown.

use std::collections::BTreeSet;

use super::example::{self, Example};
use super::same_values;
use super::search::{Incomplete, Search};
use crate::check::{
    Action, Cond, Decision, DecisionId, Derived, Field, Part, Policy, Rule, RuleId, RuleSet,
};
use crate::compile::formula::F;
use crate::compile::lower::lower;
use crate::decide::{Order, reference};

/// One way a decision changes: from these values to those, with an example order.
#[derive(Debug, Clone)]
pub struct Change {
    pub decision: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    /// The example order's relevant fields, in words.
    pub example: String,
    /// The region of orders the example stands for.
    pub region: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(
        "field `{0}` has a different type in the two rule files; compare them on real orders with --input"
    )]
    FieldChanged(String),
    #[error(
        "the two rule files have different time zones, so `{0}` means another hour or day; compare them on real orders with --input"
    )]
    ZoneChanged(String),
    #[error("the two rule files name different key fields (`{0}`, `{1}`)")]
    KeyChanged(String, String),
    #[error(
        "the rule files are too large to compare without orders within the work budget; use --input"
    )]
    Incomplete,
}

impl From<Incomplete> for DiffError {
    fn from(_: Incomplete) -> Self {
        DiffError::Incomplete
    }
}

/// Up to `limit` regions per decision where old and new decide differently.
pub fn symbolic(old: &RuleSet, new: &RuleSet, limit: usize) -> Result<Vec<Change>, DiffError> {
    let (both, old_d, new_d) = merge(old, new)?;
    let mut lw = lower(&both);
    let mut search = Search::new(&mut lw, &both, 2_000_000);
    let mut changes = Vec::new();
    for (name, (od, nd)) in old_d
        .iter()
        .zip(&new_d)
        .filter_map(|((n, o), (_, v))| Some((n, (o.as_ref()?, v.as_ref()?))))
    {
        let differ = differs(&mut search, &both, *od, *nd);
        let paths = search.paths(differ, limit)?;
        let mut seen: BTreeSet<(Vec<String>, Vec<String>)> = BTreeSet::new();
        for path in paths {
            let Some(ex) = example::build(&both, &search.lw.domains, &path) else {
                continue;
            };
            let from = side_values(&both, old, &ex, name);
            let to = side_values(&both, new, &ex, name);
            if same_values(&from, &to) || !seen.insert((from.clone(), to.clone())) {
                continue;
            }
            changes.push(Change {
                decision: name.clone(),
                from,
                to,
                example: ex.describe(&both),
                region: example::describe_path(&both, &search.lw.domains, &path),
            });
        }
    }
    Ok(changes)
}

/// The decision's values for the example order under one side's rule set.
fn side_values(both: &RuleSet, side: &RuleSet, ex: &Example, decision: &str) -> Vec<String> {
    let full = ex.order();
    let values = side
        .fields
        .iter()
        .map(|f| {
            full.values[both
                .field_id(&f.name)
                .expect("merged fields hold every side's fields")]
            .clone()
        })
        .collect();
    let d = side
        .decision_id(decision)
        .expect("compared decisions exist on both sides");
    reference::evaluate(side, &Order { values }).decisions[d]
        .values
        .clone()
}

type Sides = Vec<(String, Option<DecisionId>)>;

/// One rule set holding both: the union of fields, every decision of each side under
/// its own id, the old rules then the new ones.
fn merge(old: &RuleSet, new: &RuleSet) -> Result<(RuleSet, Sides, Sides), DiffError> {
    let (ok, nk) = (&old.fields[old.key].name, &new.fields[new.key].name);
    if ok != nk {
        return Err(DiffError::KeyChanged(ok.clone(), nk.clone()));
    }
    let mut fields = old.inputs().to_vec();
    for f in new.inputs() {
        match fields.iter_mut().find(|x| x.name == f.name) {
            Some(x) if x.ty != f.ty => return Err(DiffError::FieldChanged(f.name.clone())),
            // Compare orders both sides accept: blank only where both allow it.
            Some(x) => x.optional &= f.optional,
            None => fields.push(f.clone()),
        }
    }
    let declared = fields.len();
    // Derived fields (`hour of placed_at`) follow the declared ones, pointing at the
    // merged ids. A local hour or weekday means another thing in another zone.
    let zone_moved = old.clock.zone != new.clock.zone;
    for side in [old, new] {
        for f in &side.fields[side.inputs().len()..] {
            let d = f
                .derived
                .expect("after the declared fields every field is derived");
            if zone_moved && d.part != Part::Age {
                return Err(DiffError::ZoneChanged(f.name.clone()));
            }
            let of = fields
                .iter()
                .position(|x| x.name == side.fields[d.of].name)
                .expect("a derived field's datetime is declared");
            if !fields.iter().any(|x| x.name == f.name) {
                fields.push(Field {
                    derived: Some(Derived { of, ..d }),
                    ..f.clone()
                });
            }
        }
    }
    let mut both = RuleSet {
        name: old.name.clone(),
        version: None,
        key: old.key,
        fields,
        declared,
        decisions: Vec::new(),
        rules: Vec::new(),
        clock: old.clock.clone(),
    };
    let names: Vec<String> = old
        .decisions
        .iter()
        .chain(&new.decisions)
        .map(|d| d.name.clone())
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(&n) {
                v.push(n);
            }
            v
        });
    let mut sides = [Vec::new(), Vec::new()];
    for (i, side) in [old, new].into_iter().enumerate() {
        let base = both.decisions.len();
        for d in &side.decisions {
            both.decisions.push(Decision {
                name: format!("{}:{}", ["old", "new"][i], d.name),
                ..d.clone()
            });
        }
        for r in &side.rules {
            let mut rule: Rule = r.clone();
            rule.name = format!("{}:{}", ["old", "new"][i], r.name);
            rule.cond = remap(&r.cond, side, &both);
            rule.actions = r
                .actions
                .iter()
                .map(|a| Action {
                    decision: base + a.decision,
                    value: a.value.clone(),
                })
                .collect();
            both.rules.push(rule);
        }
        sides[i] = names
            .iter()
            .map(|n| (n.clone(), side.decision_id(n).map(|d| base + d)))
            .collect();
    }
    let [o, n] = sides;
    Ok((both, o, n))
}

fn remap(c: &Cond, side: &RuleSet, both: &RuleSet) -> Cond {
    match c {
        Cond::Test(t) => {
            let mut t = t.clone();
            t.field = both
                .field_id(&side.fields[t.field].name)
                .expect("merged fields hold every side's fields");
            Cond::Test(t)
        }
        Cond::Not(inner) => Cond::Not(Box::new(remap(inner, side, both))),
        Cond::And(cs) => Cond::And(cs.iter().map(|c| remap(c, side, both)).collect()),
        Cond::Or(cs) => Cond::Or(cs.iter().map(|c| remap(c, side, both)).collect()),
    }
}

/// A formula true for the orders whose two decisions differ.
fn differs(search: &mut Search<'_>, both: &RuleSet, od: DecisionId, nd: DecisionId) -> F {
    let values: Vec<String> = [od, nd]
        .iter()
        .flat_map(|d| {
            let dec = &both.decisions[*d];
            both.rules
                .iter()
                .flat_map(move |r| r.sets(*d).map(str::to_string))
                .chain(dec.default.clone())
        })
        .fold(Vec::new(), |mut v, x| {
            if !v.contains(&x) {
                v.push(x);
            }
            v
        });
    let mut parts = Vec::new();
    if both.decisions[od].policy == Policy::All {
        // Sets differ when some value is added on one side only.
        for v in &values {
            let a = has_value(search, both, od, v);
            let b = has_value(search, both, nd, v);
            parts.push(xor(search, a, b));
        }
    } else {
        // A value, or the empty answer, on one side and not the other.
        for v in values.iter().map(Some).chain([None]) {
            let a = is_value(search, both, od, v.map(String::as_str));
            let b = is_value(search, both, nd, v.map(String::as_str));
            parts.push(xor(search, a, b));
        }
    }
    search.lw.arena.or(parts)
}

fn xor(search: &mut Search<'_>, a: F, b: F) -> F {
    let arena = &mut search.lw.arena;
    let (na, nb) = (arena.not(a), arena.not(b));
    let left = arena.and([a, nb]);
    let right = arena.and([na, b]);
    arena.or([left, right])
}

fn setters(both: &RuleSet, d: DecisionId) -> Vec<RuleId> {
    (0..both.rules.len())
        .filter(|r| both.rules[*r].sets(d).next().is_some())
        .collect()
}

/// `all` decision `d` holds value `v` (from a rule, or as the default when none adds any).
fn has_value(search: &mut Search<'_>, both: &RuleSet, d: DecisionId, v: &str) -> F {
    let rules = setters(both, d);
    let adders: Vec<F> = rules
        .iter()
        .filter(|r| both.rules[**r].sets(d).any(|x| x == v))
        .map(|r| search.lw.formulas[*r])
        .collect();
    let mut parts = vec![search.lw.arena.or(adders)];
    if both.decisions[d].default.as_deref() == Some(v) {
        let any: Vec<F> = rules.iter().map(|r| search.lw.formulas[*r]).collect();
        let any = search.lw.arena.or(any);
        parts.push(search.lw.arena.not(any));
    }
    search.lw.arena.or(parts)
}

/// `first`/`highest` decision `d` comes out as `v` (`None`: empty).
fn is_value(search: &mut Search<'_>, both: &RuleSet, d: DecisionId, v: Option<&str>) -> F {
    let dec = &both.decisions[d];
    let rules = setters(both, d);
    let f = |r: &RuleId| search.lw.formulas[*r];
    let all: Vec<F> = rules.iter().map(f).collect();
    let arena = &mut search.lw.arena;
    let any = arena.or(all);
    let none = arena.not(any);
    let mut parts = Vec::new();
    if dec.default.as_deref() == v || (v.is_none() && dec.default.is_none()) {
        parts.push(none);
    }
    if let Some(v) = v {
        match &dec.policy {
            Policy::First => {
                let mut before: Vec<F> = Vec::new();
                for r in &rules {
                    let fr = search.lw.formulas[*r];
                    if both.rules[*r].sets(d).next() == Some(v) {
                        let mut conj = vec![fr];
                        conj.extend(before.iter().map(|b| search.lw.arena.not(*b)));
                        parts.push(search.lw.arena.and(conj));
                    }
                    before.push(fr);
                }
            }
            Policy::Highest(_) => {
                let rank = dec.policy.rank(v);
                let mine: Vec<F> = rules
                    .iter()
                    .filter(|r| both.rules[**r].sets(d).next() == Some(v))
                    .map(|r| search.lw.formulas[*r])
                    .collect();
                let higher: Vec<F> = rules
                    .iter()
                    .filter(|r| {
                        dec.policy
                            .rank(both.rules[**r].sets(d).next().unwrap_or_default())
                            > rank
                    })
                    .map(|r| search.lw.formulas[*r])
                    .collect();
                let arena = &mut search.lw.arena;
                let mine = arena.or(mine);
                let higher = arena.or(higher);
                let not_higher = arena.not(higher);
                parts.push(arena.and([mine, not_higher]));
            }
            Policy::All => {}
        }
    }
    search.lw.arena.or(parts)
}
