//! The run summary: counts per decision value, per rule, and per kind of bad input.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::RuleSet;
use crate::decide::Outcome;
use crate::input::InputError;

pub struct Summary {
    pub orders: u64,
    pub invalid: u64,
    /// Per decision: value → orders (`(empty)` when nothing and no default).
    pub values: Vec<BTreeMap<String, u64>>,
    /// Per rule: orders whose decision it set.
    pub decided_by: Vec<u64>,
    /// Bad input by field and reason.
    pub reasons: BTreeMap<String, u64>,
}

impl Summary {
    pub fn new(set: &RuleSet) -> Self {
        Summary {
            orders: 0,
            invalid: 0,
            values: vec![BTreeMap::new(); set.decisions.len()],
            decided_by: vec![0; set.rules.len()],
            reasons: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, result: Result<&Outcome, &InputError>) {
        self.orders += 1;
        match result {
            Ok(o) => {
                let mut seen: Vec<usize> = Vec::new();
                for (i, d) in o.decisions.iter().enumerate() {
                    let key = if d.values.is_empty() {
                        "(empty)".to_string()
                    } else {
                        d.values.join(";")
                    };
                    *self.values[i].entry(key).or_default() += 1;
                    seen.extend(&d.rules);
                }
                seen.sort_unstable();
                seen.dedup();
                seen.into_iter().for_each(|r| self.decided_by[r] += 1);
            }
            Err(e) => {
                self.invalid += 1;
                for p in &e.problems {
                    *self.reasons.entry(p.category()).or_default() += 1;
                }
            }
        }
    }

    /// Adds `other`'s counts to these and leaves it empty, ready to count again without
    /// allocating.
    pub fn absorb(&mut self, other: &mut Summary) {
        self.orders += std::mem::take(&mut other.orders);
        self.invalid += std::mem::take(&mut other.invalid);
        for (into, from) in self.values.iter_mut().zip(&mut other.values) {
            add_all(into, from, 1);
        }
        for (into, from) in self.decided_by.iter_mut().zip(&mut other.decided_by) {
            *into += std::mem::take(from);
        }
        add_all(&mut self.reasons, &mut other.reasons, 1);
    }

    /// Adds `n` orders that all got `outcome`: counted once with [`Summary::add`] into
    /// `one`, an empty summary (left empty again, to be reused), and scaled up, so that
    /// what an order counts for is said in one place. Only the outcome's rules are
    /// looked at, not every rule of the set.
    pub fn add_times(&mut self, outcome: &Outcome, n: u64, one: &mut Summary) {
        one.add(Ok(outcome));
        self.orders += n * std::mem::take(&mut one.orders);
        for (into, from) in self.values.iter_mut().zip(&mut one.values) {
            add_all(into, from, n);
        }
        for d in &outcome.decisions {
            for r in &d.rules {
                self.decided_by[*r] += n * std::mem::take(&mut one.decided_by[*r]);
            }
        }
    }

    /// Back to no orders, keeping what it allocated.
    pub fn clear(&mut self) {
        self.orders = 0;
        self.invalid = 0;
        self.values.iter_mut().for_each(BTreeMap::clear);
        self.decided_by.fill(0);
        self.reasons.clear();
    }

    /// The summary for people, as printed by `run --summary`.
    pub fn render(&self, set: &RuleSet) -> String {
        let mut s = String::new();
        // Which rule file made these decisions: the records carry the same two values.
        match (&set.name, &set.version) {
            (Some(name), Some(version)) => {
                let _ = writeln!(s, "rule set {name} {version}");
            }
            (Some(name), None) => {
                let _ = writeln!(s, "rule set {name}");
            }
            _ => {}
        }
        if set.uses_time() {
            let _ = writeln!(
                s,
                "now {} (time zone {})",
                set.clock.now_text(),
                set.clock.zone_name()
            );
        }
        let _ = writeln!(
            s,
            "{} orders: {} decided, {} invalid",
            self.orders,
            self.orders - self.invalid,
            self.invalid
        );
        for (d, counts) in set.decisions.iter().zip(&self.values) {
            let _ = writeln!(s, "{}:", d.name);
            let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
            rows.sort_by_key(|(v, n)| (std::cmp::Reverse(**n), (*v).clone()));
            for (v, n) in rows {
                let _ = writeln!(s, "  {n:>8}  {v}");
            }
        }
        let _ = writeln!(s, "rules (orders decided):");
        for (r, n) in set.rules.iter().zip(&self.decided_by) {
            let _ = writeln!(s, "  {n:>8}  {}", r.name);
        }
        if !self.reasons.is_empty() {
            let _ = writeln!(s, "invalid input:");
            for (reason, n) in &self.reasons {
                let _ = writeln!(s, "  {n:>8}  {reason}");
            }
        }
        s
    }
}

/// Adds `times` the counts of `from` to those of `into`, emptying `from`.
fn add_all(into: &mut BTreeMap<String, u64>, from: &mut BTreeMap<String, u64>, times: u64) {
    for (key, n) in std::mem::take(from) {
        *into.entry(key).or_default() += times * n;
    }
}
