//! What an order was decided: per decision, its value(s) and the rule(s) that set them.

use crate::check::{Policy, RuleId, RuleSet};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// Indexed by decision id.
    pub decisions: Vec<Decided>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Decided {
    /// One value for `first` and `highest`, any number for `all`; the default when no
    /// rule set it; empty when no rule set it and there is no default.
    pub values: Vec<String>,
    /// The deciding rule (`first`, `highest`) or every rule that added a value (`all`);
    /// empty when the default applied.
    pub rules: Vec<RuleId>,
}

/// Applies each decision's hit policy to the rules that matched, given in file order.
pub fn resolve(set: &RuleSet, matched: &[RuleId]) -> Outcome {
    resolve_split(set, matched, matched)
}

/// Like [`resolve`], with the `all` decisions taken from their own list of matched rules:
/// the compiled tree collects those along the path (see `compile/build.rs`).
pub fn resolve_split(set: &RuleSet, ranked: &[RuleId], all: &[RuleId]) -> Outcome {
    let decisions = (0..set.decisions.len())
        .map(|d| match set.decisions[d].policy {
            Policy::All => decide_one(set, d, all),
            _ => decide_one(set, d, ranked),
        })
        .collect();
    Outcome { decisions }
}

/// One decision from the rules that matched, in file order.
pub fn decide_one(set: &RuleSet, d: usize, matched: &[RuleId]) -> Decided {
    let decision = &set.decisions[d];
    let setters = matched
        .iter()
        .filter(|r| set.rules[**r].sets(d).next().is_some());
    let mut out = Decided::default();
    match &decision.policy {
        Policy::First => {
            if let Some(&r) = setters.clone().next() {
                out.values = set.rules[r].sets(d).map(str::to_string).collect();
                out.rules = vec![r];
            }
        }
        Policy::Highest(_) => {
            // Ties go to the first such rule in file order, hence `rev` + `max_by_key`.
            let best = setters.clone().rev().max_by_key(|r| {
                decision
                    .policy
                    .rank(set.rules[**r].sets(d).next().unwrap_or_default())
            });
            if let Some(&r) = best {
                out.values = set.rules[r].sets(d).map(str::to_string).collect();
                out.rules = vec![r];
            }
        }
        Policy::All => {
            for &r in setters {
                for v in set.rules[r].sets(d) {
                    if !out.values.iter().any(|x| x == v) {
                        out.values.push(v.to_string());
                    }
                }
                out.rules.push(r);
            }
        }
    }
    if out.rules.is_empty()
        && let Some(def) = &decision.default
    {
        out.values = vec![def.clone()];
    }
    out
}
