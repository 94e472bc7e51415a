//! The questions `check` asks of a rule set, each answered exactly over the cells, and
//! each answer turned into a warning with a verified example order where one exists.

use super::example::{self, Example};
use super::search::{Bounds, Found, Search, may_overlap};
use super::{Kind, Warning, same_values};
use crate::check::{Cond, DecisionId, FieldId, Policy, RuleId, RuleSet};
use crate::compile::formula::{F, TRUE};
use crate::decide::reference;

pub struct Analysis<'s, 'a> {
    pub set: &'s RuleSet,
    pub search: Search<'a>,
    pub warnings: Vec<Warning>,
    /// Rules whose condition no order satisfies.
    dead: Vec<bool>,
    bounds: Vec<Bounds>,
    /// Per rule and decision: the rule can never set the decision's value.
    never_wins: Vec<Vec<bool>>,
    /// Rules by the cells they allow on the first-examined field (see `neighbours`).
    index: Option<Index>,
    /// Per rule: reported unreachable for some decision.
    unreachable: Vec<bool>,
    /// Per rule, the last `neighbours` call that met it (see there).
    met: std::cell::RefCell<(Vec<u32>, u32)>,
}

/// Which rules can share orders with which, by the cells they allow on one field:
/// region × channel × tier rule sets would otherwise compare every pair of rules.
struct Index {
    field: FieldId,
    buckets: Vec<Vec<RuleId>>,
    /// Rules that do not constrain the field.
    anywhere: Vec<RuleId>,
}

impl<'s, 'a> Analysis<'s, 'a> {
    pub fn new(set: &'s RuleSet, search: Search<'a>) -> Self {
        let n = set.rules.len();
        Analysis {
            set,
            search,
            warnings: Vec::new(),
            dead: vec![false; n],
            bounds: vec![Vec::new(); n],
            never_wins: vec![vec![false; set.decisions.len()]; n],
            index: None,
            unreachable: vec![false; n],
            met: std::cell::RefCell::new((vec![0; n], 0)),
        }
    }

    fn f(&self, r: RuleId) -> F {
        self.search.lw.formulas[r]
    }

    fn not(&mut self, f: F) -> F {
        self.search.lw.arena.not(f)
    }

    fn and(&mut self, parts: Vec<F>) -> F {
        self.search.lw.arena.and(parts)
    }

    fn or(&mut self, parts: Vec<F>) -> F {
        self.search.lw.arena.or(parts)
    }

    fn incomplete(&mut self, rule: Option<RuleId>, what: &str) {
        self.warnings.push(Warning {
            kind: Kind::Incomplete,
            rule,
            decision: None,
            message: format!("analysis incomplete: {what}"),
            related: Vec::new(),
            example: None,
            span: None,
        });
    }

    /// An order built from a witness of `f`, kept only if `holds` confirms it.
    fn example(
        &mut self,
        f: F,
        tries: usize,
        holds: &dyn Fn(&Example) -> bool,
    ) -> Found<Option<Example>> {
        for path in self.search.paths(f, tries)? {
            if let Some(ex) = example::build(self.set, &self.search.lw.domains, &path)
                && holds(&ex)
            {
                return Ok(Some(ex));
            }
        }
        Ok(None)
    }

    /// Unsatisfiable and always-true conditions, and tests written twice.
    pub fn conditions(&mut self) {
        for r in 0..self.set.rules.len() {
            repeated_tests(self.set, r, &self.set.rules[r].cond, &mut self.warnings);
            let f = self.f(r);
            match self.search.satisfiable(f) {
                Ok(false) => {
                    self.dead[r] = true;
                    self.warnings.push(Warning::on(
                        Kind::Unsatisfiable,
                        r,
                        format!(
                            "rule `{}` can never match: no order satisfies its condition",
                            self.set.rules[r].name
                        ),
                    ));
                    continue;
                }
                Ok(true) => {}
                Err(_) => {
                    self.incomplete(Some(r), "could not decide whether the rule can match");
                    continue;
                }
            }
            let nf = self.not(f);
            if f == TRUE || matches!(self.search.satisfiable(nf), Ok(false)) {
                self.warnings.push(Warning::on(
                    Kind::AlwaysTrue,
                    r,
                    format!(
                        "the condition of rule `{}` holds for every valid order",
                        self.set.rules[r].name
                    ),
                ));
            }
            match self.search.bounds(f) {
                Ok(b) => self.bounds[r] = b,
                Err(_) => self.incomplete(Some(r), "could not bound the rule's condition"),
            }
        }
    }

    /// Indexes the rules on the field that splits them best: the one whose buckets
    /// give the fewest candidate pairs (the sum of squared bucket sizes).
    pub fn build_index(&mut self) {
        let n = self.set.rules.len();
        let mut best: Option<(usize, Index)> = None;
        for field in 0..self.set.fields.len() {
            let ncells = self.search.lw.domains[field].ncells as usize;
            let mut index = Index {
                field,
                buckets: vec![Vec::new(); ncells],
                anywhere: Vec::new(),
            };
            for (r, b) in self.bounds.iter().enumerate() {
                match b.iter().find(|(f, _)| *f == field) {
                    Some((_, cells)) => cells.iter().for_each(|c| index.buckets[c].push(r)),
                    None => index.anywhere.push(r),
                }
            }
            let cost = index
                .buckets
                .iter()
                .map(|b| b.len() * b.len())
                .sum::<usize>()
                + index.anywhere.len() * n;
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, index));
            }
        }
        self.index = best.map(|(_, ix)| ix);
    }

    /// The live rules other than `r` that may share orders with it, in file order.
    fn neighbours(&self, r: RuleId) -> Vec<RuleId> {
        let cells = self.index.as_ref().and_then(|ix| {
            self.bounds[r]
                .iter()
                .find(|(f, _)| *f == ix.field)
                .map(|(_, c)| (ix, c))
        });
        // A rule that allows many of the field's cells stands in many buckets: each call
        // marks the rules it has met with its own number, so that each is weighed once
        // and only the few that may overlap are sorted, not every bucket entry.
        let mut met = self.met.borrow_mut();
        let (stamps, call) = &mut *met;
        *call += 1;
        let mut out: Vec<RuleId> = Vec::new();
        let mut weigh = |x: RuleId| {
            if stamps[x] != *call {
                stamps[x] = *call;
                if x != r && !self.dead[x] && may_overlap(&self.bounds[x], &self.bounds[r]) {
                    out.push(x);
                }
            }
        };
        match cells {
            Some((ix, cells)) => {
                for c in cells.iter() {
                    ix.buckets[c].iter().for_each(|x| weigh(*x));
                }
                ix.anywhere.iter().for_each(|x| weigh(*x));
            }
            None => (0..self.set.rules.len()).for_each(&mut weigh),
        }
        out.sort_unstable();
        out
    }

    /// The live rules before `r` that set `d` and may share orders with it.
    fn earlier_setters(&self, r: RuleId, d: DecisionId) -> Vec<RuleId> {
        let mut out = self.neighbours(r);
        out.retain(|e| *e < r && self.sets(*e, d));
        out
    }

    fn sets(&self, r: RuleId, d: DecisionId) -> bool {
        self.set.rules[r].actions.iter().any(|a| a.decision == d)
    }

    fn setters(&self, d: DecisionId) -> Vec<RuleId> {
        (0..self.set.rules.len())
            .filter(|r| !self.dead[*r] && self.set.rules[*r].sets(d).next().is_some())
            .collect()
    }

    fn value(&self, r: RuleId, d: DecisionId) -> &'s str {
        self.set.rules[r].sets(d).next().unwrap_or_default()
    }

    /// `first` decisions: rules every one of whose orders an earlier rule decides.
    pub fn shadowed(&mut self) {
        for d in 0..self.set.decisions.len() {
            if self.set.decisions[d].policy != Policy::First {
                continue;
            }
            let setters = self.setters(d);
            for &r in &setters {
                let earlier = self.earlier_setters(r, d);
                if let Err(_) | Ok(false) = self.never_wins(r, &earlier) {
                    continue;
                }
                self.never_wins[r][d] = true;
                // The earlier rules that really share orders with this one.
                let mut covering = Vec::new();
                let live: Vec<RuleId> = earlier
                    .iter()
                    .copied()
                    .filter(|e| !self.never_wins[*e][d])
                    .collect();
                for &e in &live {
                    let both = self.and(vec![self.f(r), self.f(e)]);
                    if matches!(self.search.satisfiable(both), Ok(true)) {
                        covering.push(e);
                    }
                }
                // Same value everywhere: whether the rule is redundant depends on its
                // other decisions too, which `redundant` weighs.
                let mine = self.value(r, d);
                if covering.iter().all(|e| self.value(*e, d) == mine) {
                    continue;
                }
                let set = self.set;
                let f = self.f(r);
                let ex = self
                    .example(f, 4, &|ex| {
                        let (outcome, traces) = reference::evaluate_traced(set, &ex.order());
                        traces[r].matched
                            && outcome.decisions[d].rules.first().is_some_and(|w| *w < r)
                    })
                    .ok()
                    .flatten();
                let names = name_list(set, &covering);
                let dec = &set.decisions[d].name;
                let rule = &set.rules[r].name;
                self.unreachable[r] = true;
                self.warnings.push(Warning {
                    kind: Kind::Unreachable,
                    rule: Some(r),
                    decision: Some(d),
                    message: format!(
                        "rule `{rule}` can never set `{dec}`: every order it matches is decided by {names} first"
                    ),
                    related: covering
                        .iter()
                        .map(|e| (*e, "decided here first".to_string()))
                        .collect(),
                    example: ex,
                    span: None,
                });
            }
        }
    }

    /// Whether no order lets `r` win against the earlier rules.
    fn never_wins(&mut self, r: RuleId, earlier: &[RuleId]) -> Found<bool> {
        let covered: Vec<F> = earlier.iter().map(|e| self.f(*e)).collect();
        let covered = self.or(covered);
        let uncovered = self.not(covered);
        let wins = self.and(vec![self.f(r), uncovered]);
        Ok(!self.search.satisfiable(wins)?)
    }

    /// Rules whose removal changes no decision value of any order.
    pub fn redundant(&mut self) {
        for r in 0..self.set.rules.len() {
            if self.dead[r] {
                continue;
            }
            let decisions: Vec<DecisionId> = self.set.rules[r]
                .actions
                .iter()
                .map(|a| a.decision)
                .collect();
            if self.unreachable[r] && decisions.iter().all(|d| self.never_wins[r][*d]) {
                continue; // already reported as unreachable
            }
            let mut unchanged = true;
            let mut takers: Vec<RuleId> = Vec::new();
            for &d in &decisions {
                match self.unchanged_without(r, d, &mut takers) {
                    Ok(true) => {}
                    Ok(false) => {
                        unchanged = false;
                        break;
                    }
                    Err(_) => {
                        self.incomplete(Some(r), "could not decide whether the rule is redundant");
                        unchanged = false;
                        break;
                    }
                }
            }
            if !unchanged {
                continue;
            }
            takers.sort_unstable();
            takers.dedup();
            let set = self.set;
            let without = without_rule(set, r);
            let f = self.f(r);
            let ex = self
                .example(f, 4, &|ex| {
                    let order = ex.order();
                    let with = reference::evaluate(set, &order);
                    let less = reference::evaluate(&without, &order);
                    with.decisions
                        .iter()
                        .zip(&less.decisions)
                        .all(|(a, b)| same_values(&a.values, &b.values))
                })
                .ok()
                .flatten();
            let rule = &set.rules[r].name;
            let (by, verb) = match takers.len() {
                0 => ("the decisions' defaults".to_string(), "decide"),
                1 => (name_list(set, &takers), "decides"),
                _ => (name_list(set, &takers), "decide"),
            };
            self.warnings.push(Warning {
                kind: Kind::Redundant,
                rule: Some(r),
                decision: None,
                message: format!("rule `{rule}` is redundant: removing it changes no decision of any order; {by} already {verb} every order it matches"),
                related: takers.iter().map(|t| (*t, "decides these orders".to_string())).collect(),
                example: ex,
                span: None,
            });
        }
    }

    /// Whether decision `d` keeps its value for every order when rule `r` is removed.
    fn unchanged_without(
        &mut self,
        r: RuleId,
        d: DecisionId,
        takers: &mut Vec<RuleId>,
    ) -> Found<bool> {
        if self.never_wins[r][d] {
            // Earlier rules decide every order it matches, with the same value.
            let earlier = self.earlier_setters(r, d);
            takers.extend(earlier.into_iter().filter(|e| !self.never_wins[*e][d]));
            return Ok(true);
        }
        let dec = &self.set.decisions[d];
        let mine = self.value(r, d);
        let others: Vec<RuleId> = self
            .neighbours(r)
            .into_iter()
            .filter(|o| self.sets(*o, d))
            .collect();
        let fr = self.f(r);
        let default_is_mine = dec.default.as_deref() == Some(mine);
        let (wins, cover) = match &dec.policy {
            Policy::First => {
                let earlier: Vec<F> = others
                    .iter()
                    .filter(|o| **o < r)
                    .map(|o| self.f(*o))
                    .collect();
                let earlier = self.or(earlier);
                let not_earlier = self.not(earlier);
                let wins = self.and(vec![fr, not_earlier]);
                // After removal the first matching later rule decides, or the default.
                let later: Vec<RuleId> = others.iter().copied().filter(|o| *o > r).collect();
                let mut alternatives = Vec::new();
                let mut none_before: Vec<F> = Vec::new();
                for &l in &later {
                    if self.value(l, d) == mine {
                        let mut parts = vec![self.f(l)];
                        parts.extend(none_before.iter().copied());
                        alternatives.push(self.and(parts));
                        takers.push(l);
                    }
                    let nl = self.not(self.f(l));
                    none_before.push(nl);
                }
                if default_is_mine {
                    alternatives.push(self.and(none_before));
                }
                (wins, self.or(alternatives))
            }
            Policy::Highest(_) => {
                let rank = dec.policy.rank(mine);
                let beaters: Vec<RuleId> = others
                    .iter()
                    .copied()
                    .filter(|o| {
                        let theirs = dec.policy.rank(self.value(*o, d));
                        theirs > rank || (theirs == rank && *o < r)
                    })
                    .collect();
                let beats: Vec<F> = beaters.iter().map(|o| self.f(*o)).collect();
                let beaten = self.or(beats);
                let not_beaten = self.not(beaten);
                let wins = self.and(vec![fr, not_beaten]);
                if !self.search.satisfiable(wins)? {
                    // Always outranked: the rules that beat it are what decide.
                    takers.extend(beaters);
                    return Ok(true);
                }
                let equal_later: Vec<RuleId> = others
                    .iter()
                    .copied()
                    .filter(|o| *o > r && dec.policy.rank(self.value(*o, d)) == rank)
                    .collect();
                takers.extend(&equal_later);
                let mut alternatives: Vec<F> = equal_later.iter().map(|o| self.f(*o)).collect();
                if default_is_mine {
                    let any: Vec<F> = others.iter().map(|o| self.f(*o)).collect();
                    let any = self.or(any);
                    alternatives.push(self.not(any));
                }
                (wins, self.or(alternatives))
            }
            Policy::All => {
                // Each value the rule adds must come from another rule too.
                let values: Vec<&str> = self.set.rules[r].sets(d).collect();
                let mut covers = Vec::new();
                for v in &values {
                    let adders: Vec<RuleId> = others
                        .iter()
                        .copied()
                        .filter(|o| self.set.rules[*o].sets(d).any(|x| x == *v))
                        .collect();
                    takers.extend(&adders);
                    let mut alternatives: Vec<F> = adders.iter().map(|o| self.f(*o)).collect();
                    if values.len() == 1 && dec.default.as_deref() == Some(*v) {
                        let any: Vec<F> = others.iter().map(|o| self.f(*o)).collect();
                        let any = self.or(any);
                        alternatives.push(self.not(any));
                    }
                    covers.push(self.or(alternatives));
                }
                (fr, self.and(covers))
            }
        };
        let uncovered = self.not(cover);
        let changes = self.and(vec![wins, uncovered]);
        Ok(!self.search.satisfiable(changes)?)
    }

    /// Decisions without a default that some orders leave empty.
    pub fn gaps(&mut self) {
        for d in 0..self.set.decisions.len() {
            // An `all` decision with no values is an ordinary answer ("no flags").
            if self.set.decisions[d].default.is_some()
                || self.set.decisions[d].policy == Policy::All
            {
                continue;
            }
            let setters: Vec<F> = self.setters(d).iter().map(|r| self.f(*r)).collect();
            let any = self.or(setters);
            let none = self.not(any);
            let regions = match self.search.paths(none, 4) {
                Ok(p) => p,
                Err(_) => {
                    self.incomplete(
                        None,
                        &format!("could not search `{}` for gaps", self.set.decisions[d].name),
                    );
                    continue;
                }
            };
            if regions.is_empty() {
                continue;
            }
            let set = self.set;
            // Regions no real order has come first at times (a datetime tested both
            // against dates and against now): look past a few dozen before giving up.
            let ex = self
                .example(none, 32, &|ex| {
                    reference::evaluate(set, &ex.order()).decisions[d]
                        .values
                        .is_empty()
                })
                .ok()
                .flatten();
            let Some(ex) = ex else { continue };
            let domains = &self.search.lw.domains;
            let mut described: Vec<String> = regions
                .iter()
                .take(3)
                .map(|p| format!("  - {}", example::describe_path(set, domains, p)))
                .collect();
            if regions.len() > 3 {
                described.push("  - and more".into());
            }
            let name = &set.decisions[d].name;
            self.warnings.push(Warning {
                kind: Kind::Gap,
                rule: None,
                decision: Some(d),
                message: format!("some orders get no `{name}`: no rule sets it for some orders and it has no default\norders left without it:\n{}", described.join("\n")),
                related: Vec::new(),
                example: Some(ex),
                span: None,
            });
        }
    }

    /// `first` decisions where two rules with different values match the same orders.
    pub fn conflicts(&mut self) {
        for d in 0..self.set.decisions.len() {
            if self.set.decisions[d].policy != Policy::First {
                continue;
            }
            let setters = self.setters(d);
            for &r in &setters {
                if self.never_wins[r][d] {
                    continue;
                }
                let mut with = Vec::new();
                let mut witness = None;
                for e in self.earlier_setters(r, d) {
                    if self.never_wins[e][d] || self.value(e, d) == self.value(r, d) {
                        continue;
                    }
                    let both = self.and(vec![self.f(r), self.f(e)]);
                    if matches!(self.search.satisfiable(both), Ok(true)) {
                        with.push(e);
                        witness.get_or_insert(both);
                    }
                }
                let Some(both) = witness else { continue };
                let set = self.set;
                let first = with[0];
                let ex = self
                    .example(both, 4, &|ex| {
                        let (_, t) = reference::evaluate_traced(set, &ex.order());
                        t[r].matched && t[first].matched
                    })
                    .ok()
                    .flatten();
                let Some(ex) = ex else { continue };
                let dec = &set.decisions[d].name;
                self.warnings.push(Warning {
                    kind: Kind::Conflict,
                    rule: Some(r),
                    decision: Some(d),
                    message: format!("rule `{}` and {} both match some orders with different `{dec}` values; file order decides", set.rules[r].name, name_list(set, &with)),
                    related: with.iter().map(|e| (*e, "wins where both match".to_string())).collect(),
                    example: Some(ex),
                    span: None,
                });
            }
        }
    }
}

/// The rule set without one rule, for checking an example of redundancy.
fn without_rule(set: &RuleSet, r: RuleId) -> RuleSet {
    let mut less = set.clone();
    less.rules.remove(r);
    less
}

fn name_list(set: &RuleSet, rules: &[RuleId]) -> String {
    let names: Vec<String> = rules
        .iter()
        .map(|r| format!("`{}`", set.rules[*r].name))
        .collect();
    match names.as_slice() {
        [] => "earlier rules".into(),
        [one] => format!("rule {one}"),
        [init @ .., last] => format!("rules {} and {last}", init.join(", ")),
    }
}

/// Tests written twice in one `and` or `or`: the second adds nothing.
fn repeated_tests(set: &RuleSet, r: RuleId, c: &Cond, out: &mut Vec<Warning>) {
    match c {
        Cond::And(parts) | Cond::Or(parts) => {
            let mut seen: Vec<String> = Vec::new();
            for p in parts {
                if let Cond::Test(t) = p {
                    let key = format!("{}|{:?}|{}", t.field, t.op, t.negated);
                    if seen.contains(&key) {
                        let mut w = Warning::on(
                            Kind::RepeatedTest,
                            r,
                            format!("rule `{}` repeats a test", set.rules[r].name),
                        );
                        w.span = Some(t.span);
                        out.push(w);
                    } else {
                        seen.push(key);
                    }
                }
                repeated_tests(set, r, p, out);
            }
        }
        Cond::Not(inner) => repeated_tests(set, r, inner, out),
        Cond::Test(_) => {}
    }
}
