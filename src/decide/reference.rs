//! The reference evaluator: every rule, one by one, exactly as LANGUAGE.md reads.
//!
//! It is the tree's specification (a property test holds them equal) and, because it can
//! record every test it evaluates, the engine behind `explain` and `run --explain`.

use super::{Order, Outcome, Value, resolve};
use crate::check::{Cond, Op, RuleId, RuleSet, Test};
use crate::source::Span;

/// One rule's evaluation for one order.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTrace {
    pub rule: RuleId,
    pub matched: bool,
    /// The tests evaluated, in order, with their results (`and`/`or` stop early).
    pub tests: Vec<(Span, bool)>,
}

impl RuleTrace {
    /// The first test that came out false, which is usually why a rule did not match.
    pub fn first_failed(&self) -> Option<Span> {
        self.tests.iter().find(|(_, ok)| !ok).map(|(s, _)| *s)
    }
}

/// Decides one order rule by rule.
pub fn evaluate(set: &RuleSet, order: &Order<'_>) -> Outcome {
    let matched: Vec<RuleId> = (0..set.rules.len())
        .filter(|r| cond(&set.rules[*r].cond, order, &mut None))
        .collect();
    resolve(set, &matched)
}

/// Decides one order and records, for every rule, the tests it evaluated.
pub fn evaluate_traced(set: &RuleSet, order: &Order<'_>) -> (Outcome, Vec<RuleTrace>) {
    let mut traces = Vec::with_capacity(set.rules.len());
    for (r, rule) in set.rules.iter().enumerate() {
        let mut tests = Some(Vec::new());
        let matched = cond(&rule.cond, order, &mut tests);
        traces.push(RuleTrace {
            rule: r,
            matched,
            tests: tests.unwrap_or_default(),
        });
    }
    let matched: Vec<RuleId> = traces
        .iter()
        .filter(|t| t.matched)
        .map(|t| t.rule)
        .collect();
    (resolve(set, &matched), traces)
}

fn cond(c: &Cond, order: &Order<'_>, trace: &mut Option<Vec<(Span, bool)>>) -> bool {
    match c {
        Cond::Test(t) => {
            let r = test(t, &order.values[t.field]);
            if let Some(tr) = trace {
                tr.push((t.span, r));
            }
            r
        }
        Cond::Not(inner) => !cond(inner, order, trace),
        Cond::And(cs) => cs.iter().all(|c| cond(c, order, trace)),
        Cond::Or(cs) => cs.iter().any(|c| cond(c, order, trace)),
    }
}

/// A test on one value. A missing value equals nothing: every positive test but
/// `is missing` is false on it, and negative forms are `not` of the positive.
pub fn test(t: &Test, v: &Value<'_>) -> bool {
    let positive = match (&t.op, v) {
        (Op::Missing, Value::Missing) => true,
        (_, Value::Missing) | (Op::Missing, _) => false,
        (Op::TextIn(xs), Value::Text(s)) => xs.iter().any(|x| x == s),
        (Op::Contains(xs), Value::Text(s)) => xs.iter().any(|x| s.contains(x.as_str())),
        (Op::StartsWith(x), Value::Text(s)) => s.starts_with(x.as_str()),
        (Op::EndsWith(x), Value::Text(s)) => s.ends_with(x.as_str()),
        (Op::Matches(re), Value::Text(s)) => re.is_match(s),
        (Op::EnumIn(xs), Value::Enum(i)) => xs.contains(i),
        (Op::Range(iv), Value::Decimal(d)) => iv.contains(*d),
        (Op::Bool(b), Value::Bool(x)) => b == x,
        (Op::HasAny(xs), Value::Tags(ts)) => xs.iter().any(|x| ts.contains(&x.as_str())),
        (Op::HasAll(xs), Value::Tags(ts)) => xs.iter().all(|x| ts.contains(&x.as_str())),
        (Op::TagContains(xs), Value::Tags(ts)) => {
            ts.iter().any(|t| xs.iter().any(|x| t.contains(x.as_str())))
        }
        (op, v) => unreachable!("input typing gives no {v:?} to a field tested with {op:?}"),
    };
    positive != t.negated
}
