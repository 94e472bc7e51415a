//! Stage 3 (for `check`): what a rule set does across *all* orders. Impossible, shadowed
//! and redundant rules, gaps and conflicts, each proved over the cells the compiler uses
//! (see `search.rs`) and shown with an example order the reference evaluator confirms.

mod checks;
pub mod diff;
pub mod example;
mod sample;
pub mod search;

use crate::check::{DecisionId, RuleId, RuleSet};
use crate::compile::lower::lower;
use crate::diag::{Diag, Level};
use crate::source::Span;
use example::Example;
use search::Search;

/// The kinds of warning, by their stable names (used by `--allow`, `--warn`, `accept`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Unsatisfiable,
    Unreachable,
    Redundant,
    Gap,
    Conflict,
    AlwaysTrue,
    RepeatedTest,
    Incomplete,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Unsatisfiable,
        Kind::Unreachable,
        Kind::Redundant,
        Kind::Gap,
        Kind::Conflict,
        Kind::AlwaysTrue,
        Kind::RepeatedTest,
        Kind::Incomplete,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Unsatisfiable => "unsatisfiable",
            Kind::Unreachable => "unreachable",
            Kind::Redundant => "redundant",
            Kind::Gap => "gap",
            Kind::Conflict => "conflict",
            Kind::AlwaysTrue => "always-true",
            Kind::RepeatedTest => "repeated-test",
            Kind::Incomplete => "analysis-incomplete",
        }
    }

    /// Accepts the code, and a plural (`conflicts`) as people write it on a command line.
    pub fn from_code(s: &str) -> Option<Kind> {
        let s = s
            .strip_suffix('s')
            .filter(|x| Kind::ALL.iter().any(|k| k.code() == *x))
            .unwrap_or(s);
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Conflicts are informational: rule order deciding is how `first` works.
    pub fn on_by_default(self) -> bool {
        self != Kind::Conflict
    }

    fn help(self) -> &'static str {
        match self {
            Kind::Unsatisfiable => {
                "its tests contradict each other; fix the condition or remove the rule"
            }
            Kind::Unreachable => "move it above the rules named, narrow them, or remove it",
            Kind::Redundant => {
                "remove it, or accept it with `accept redundant \"why\"` if it documents intent"
            }
            Kind::Gap => "add a `default` to the decision, or a rule for these orders",
            Kind::Conflict => {
                "if file order is what you mean, this is fine; otherwise make the conditions exclusive"
            }
            Kind::AlwaysTrue => {
                "the rule applies to every order; if that is meant, a decision's `default` may say it more plainly"
            }
            Kind::RepeatedTest => "remove the repeated test",
            Kind::Incomplete => "the rule set is too large to analyse within the work budget",
        }
    }
}

/// A finding, tied to a rule or a decision.
#[derive(Debug, Clone)]
pub struct Warning {
    pub kind: Kind,
    pub rule: Option<RuleId>,
    pub decision: Option<DecisionId>,
    pub message: String,
    /// Other rules that explain it, with a label each.
    pub related: Vec<(RuleId, String)>,
    pub example: Option<Example>,
    /// Where to point, when not at the rule's name (a repeated test).
    pub span: Option<Span>,
}

impl Warning {
    fn on(kind: Kind, rule: RuleId, message: String) -> Self {
        Warning {
            kind,
            rule: Some(rule),
            decision: None,
            message,
            related: Vec::new(),
            example: None,
            span: None,
        }
    }
}

/// Which kinds to report, and how much work the analysis may do.
#[derive(Debug, Clone)]
pub struct Options {
    pub kinds: Vec<Kind>,
    pub budget: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kinds: Kind::ALL
                .into_iter()
                .filter(|k| k.on_by_default())
                .collect(),
            budget: 200_000,
        }
    }
}

/// Every finding about a checked rule set.
pub fn findings(set: &RuleSet, opts: &Options) -> Vec<Warning> {
    let mut lw = lower(set);
    let search = Search::new(&mut lw, set, opts.budget);
    let mut a = checks::Analysis::new(set, search);
    a.conditions();
    a.build_index();
    a.shadowed();
    a.redundant();
    a.gaps();
    if opts.kinds.contains(&Kind::Conflict) {
        a.conflicts();
    }
    let mut out = a.warnings;
    out.retain(|w| opts.kinds.contains(&w.kind));
    merge_incomplete(set, &mut out);
    // A rule may accept a kind of warning in the file, with a reason.
    out.retain(|w| {
        w.rule
            .is_none_or(|r| !set.rules[r].accepts.iter().any(|(k, _)| k == w.kind.code()))
    });
    out
}

/// Questions the budget cut short are one finding, naming the rules they were about.
fn merge_incomplete(set: &RuleSet, out: &mut Vec<Warning>) {
    let (cut, mut kept): (Vec<Warning>, Vec<Warning>) =
        out.drain(..).partition(|w| w.kind == Kind::Incomplete);
    if let Some(first) = cut.first() {
        let mut rules: Vec<RuleId> = cut.iter().filter_map(|w| w.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        let mut names: Vec<String> = rules
            .iter()
            .take(8)
            .map(|r| format!("`{}`", set.rules[*r].name))
            .collect();
        if rules.len() > 8 {
            names.push(format!("and {} more", rules.len() - 8));
        }
        let about = if names.is_empty() {
            String::new()
        } else {
            format!(" about rules {}", names.join(", "))
        };
        let n = cut.len();
        let s = if n == 1 { "" } else { "s" };
        kept.push(Warning {
            kind: Kind::Incomplete,
            rule: first.rule,
            decision: first.decision,
            message: format!(
                "analysis incomplete: {n} question{s} could not be settled within the work budget{about}; nothing is claimed about them"
            ),
            related: Vec::new(),
            example: None,
            span: None,
        });
    }
    *out = kept;
}

/// Whether two decisions' values are the same, in any order (`all` decisions).
fn same_values(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// The findings as diagnostics for `check`.
pub fn analyse(set: &RuleSet, opts: &Options) -> Vec<Diag> {
    findings(set, opts)
        .into_iter()
        .map(|w| to_diag(set, &w))
        .collect()
}

fn to_diag(set: &RuleSet, w: &Warning) -> Diag {
    let span = w
        .span
        .or(w.rule.map(|r| set.rules[r].name_span))
        .or(w.decision.map(|d| set.decisions[d].span))
        .unwrap_or_default();
    let mut d =
        Diag::error(w.kind.code(), span, w.message.clone()).label(w.kind.code().replace('-', " "));
    d.level = Level::Warning;
    for (r, label) in &w.related {
        d = d.related(set.rules[*r].name_span, label.clone());
    }
    let mut help = w.kind.help().to_string();
    if let Some(ex) = &w.example {
        help = format!("for example an order with {}\n{help}", ex.describe(set));
    }
    d.help(help)
}
