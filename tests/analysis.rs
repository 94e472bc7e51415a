//! The static analysis behind `routebook check` (shadowed, redundant and impossible
//! rules, gaps, conflicts): what it reports on fixtures with planted problems, that clean
//! rule files stay silent, that every finding holds on random orders for random rule
//! files, and the command line options that steer it.
//!
//! Each fixture under `fixtures/analysis/` starts with a `# PLANTED:` line; the planted
//! findings are asserted here by kind and rule name, and the rendered warnings are insta
//! snapshots reviewed by hand.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;

use common::rulegen::{
    FileSpec, Owned, Slot, as_order, describe_order, describe_outcome, file, load, make_order,
    orders, render_file,
};
use common::{crate_file, glob_lock, read_source, routebook, write_file};
use routebook::analysis::example::{self, Example};
use routebook::analysis::{Kind, Options, Warning, analyse, findings};
use routebook::check::{FieldType, Policy, RuleId, RuleSet};
use routebook::decide::{Outcome, reference};
use routebook::diag::{Level, render};
use routebook::source::Source;

// ------------------------------------------------------------------------- helpers

fn loaded(src: &Source) -> RuleSet {
    match routebook::load(src) {
        // A fixed "now", so that examples with ages read the same on every run.
        Ok(mut set) => {
            set.clock.now = common::rulegen::NOW.parse().expect("an instant");
            set
        }
        Err(errs) => {
            let shown: Vec<String> = errs.iter().map(|d| render(d, src, false)).collect();
            panic!("{} should load:\n{}", src.name(), shown.join("\n"));
        }
    }
}

/// The options of `check --warn conflicts`.
fn with_conflicts() -> Options {
    let mut o = Options::default();
    o.kinds.push(Kind::Conflict);
    o
}

/// A finding as `kind subject`, the subject being the rule's name or else the decision's.
fn summary(set: &RuleSet, w: &Warning) -> String {
    let subject = match (w.rule, w.decision) {
        (Some(r), _) => set.rules[r].name.clone(),
        (None, Some(d)) => set.decisions[d].name.clone(),
        (None, None) => "-".to_string(),
    };
    format!("{} {subject}", w.kind.code())
}

fn names(set: &RuleSet, rules: &[RuleId]) -> BTreeSet<String> {
    rules.iter().map(|r| set.rules[*r].name.clone()).collect()
}

/// An example's values in the generator's own representation.
fn owned(ex: &Example) -> Vec<Owned> {
    ex.values
        .iter()
        .map(|v| match v {
            example::Owned::Missing => Owned::Missing,
            example::Owned::Text(s) => Owned::Text(s.clone()),
            example::Owned::Enum(i) => Owned::Enum(*i),
            example::Owned::Decimal(d) => Owned::Decimal(*d),
            example::Owned::Bool(b) => Owned::Bool(*b),
            example::Owned::Tags(t) => Owned::Tags(t.clone()),
        })
        .collect()
}

// ------------------------------------------------------------------------- fixtures

#[test]
fn analysis_fixtures() {
    let _lock = glob_lock();
    insta::glob!("fixtures/analysis/*.rules", |path| {
        let src = read_source(path);
        let set = loaded(&src);
        let shown: Vec<String> = analyse(&set, &with_conflicts())
            .iter()
            .map(|d| render(d, &src, false))
            .collect();
        insta::assert_snapshot!(shown.join("\n"));
    });
}

/// What each fixture's `# PLANTED:` line promises, as `kind subject` and, where the
/// warning names the rules that explain it, those rules.
fn planted(file: &str) -> Vec<(&'static str, &'static [&'static str])> {
    match file {
        "01-unsatisfiable.rules" => vec![
            ("unsatisfiable impossible_band", &[]),
            ("unsatisfiable two_channels", &[]),
            ("unsatisfiable tag_and_not_tag", &[]),
        ],
        "02-unreachable.rules" => vec![
            ("unreachable vip_big", &["big"]),
            ("unreachable zj_or_gd", &["east_dc", "south_dc"]),
        ],
        "03-redundant.rules" => vec![
            ("redundant also_vip", &["vip"]),
            ("redundant flag_again", &["urgent"]),
            ("redundant cap", &["huge"]),
        ],
        "04-gap.rules" => vec![("gap route", &[]), ("gap approval", &[])],
        "05-conflict.rules" => vec![("conflict big", &["vip"])],
        "06-always-true-and-repeats.rules" => {
            vec![("always-true everyone", &[]), ("repeated-test twice", &[])]
        }
        "07-accepted.rules" => vec![],
        "08-time.rules" => vec![
            ("unsatisfiable both_ages", &[]),
            ("unreachable late_presale", &["presale"]),
            ("gap route", &[]),
        ],
        other => panic!("{other}: a new fixture needs its planted findings listed here"),
    }
}

#[test]
fn every_planted_problem_is_reported() {
    let _lock = glob_lock();
    let mut failures = Vec::new();
    insta::glob!("fixtures/analysis/*.rules", |path| {
        let src = read_source(path);
        assert!(
            src.text().starts_with("# PLANTED"),
            "{}: the first line says what is planted",
            src.name()
        );
        let set = loaded(&src);
        let found = findings(&set, &with_conflicts());
        let got: Vec<String> = found.iter().map(|w| summary(&set, w)).collect();
        for (want, related) in planted(src.name()) {
            let Some(w) = found.iter().find(|w| summary(&set, w) == want) else {
                failures.push(format!(
                    "{}: `{want}` not reported; got {got:?}",
                    src.name()
                ));
                continue;
            };
            let named: Vec<RuleId> = w.related.iter().map(|(r, _)| *r).collect();
            let named = names(&set, &named);
            for r in related {
                if !named.contains(*r) {
                    failures.push(format!(
                        "{}: `{want}` should name `{r}`; names {named:?}",
                        src.name()
                    ));
                }
            }
        }
        // Nothing reported twice for the same rule and kind.
        let unique: BTreeSet<&String> = got.iter().collect();
        if unique.len() != got.len() {
            failures.push(format!("{}: a finding repeats: {got:?}", src.name()));
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accepted_warning_is_silent_and_would_be_reported_otherwise() {
    let path = crate_file("tests/fixtures/analysis/07-accepted.rules");
    let src = read_source(&path);
    let set = loaded(&src);
    assert!(
        findings(&set, &with_conflicts()).is_empty(),
        "07-accepted gives no warning at all"
    );
    // Without the `accept` line the same rule is reported: the fixture is not vacuous.
    let text: String = src
        .text()
        .lines()
        .filter(|l| !l.trim_start().starts_with("accept "))
        .map(|l| format!("{l}\n"))
        .collect();
    let set = loaded(&Source::new("07-not-accepted.rules", text));
    let got: Vec<String> = findings(&set, &Options::default())
        .iter()
        .map(|w| summary(&set, w))
        .collect();
    assert_eq!(got, vec!["redundant also_vip"]);
}

#[test]
fn fixture_warnings_are_warnings_with_help() {
    let _lock = glob_lock();
    insta::glob!("fixtures/analysis/*.rules", |path| {
        let src = read_source(path);
        let set = loaded(&src);
        for d in analyse(&set, &with_conflicts()) {
            assert_eq!(d.level, Level::Warning, "{}: {d:?}", src.name());
            assert!(!d.message.is_empty(), "{}: {d:?}", src.name());
            assert!(d.help.is_some(), "{}: no help in {d:?}", src.name());
            assert!(
                d.span.end <= src.text().len() && d.span.start < d.span.end,
                "{}: span {d:?}",
                src.name()
            );
        }
    });
}

// ------------------------------------------------------------------------- clean files

#[test]
fn shipped_and_valid_rule_files_give_no_warnings() {
    let _lock = glob_lock();
    let mut noisy = Vec::new();
    let mut check = |path: &Path| {
        let src = read_source(path);
        let set = loaded(&src);
        for d in analyse(&set, &Options::default()) {
            noisy.push(render(&d, &src, false));
        }
    };
    insta::glob!("../rules", "*.rules", |path| check(path));
    insta::glob!("fixtures/valid/*.rules", |path| check(path));
    assert!(noisy.is_empty(), "clean files warn:\n{}", noisy.join("\n"));
}

// ------------------------------------------------------------------------- properties

/// A random rule file, what the analysis says about it, and orders to check that against:
/// the random ones plus every example order a warning carries.
struct Case {
    text: String,
    set: RuleSet,
    warnings: Vec<Warning>,
    orders: Vec<Vec<Owned>>,
}

impl Case {
    fn new(spec: &FileSpec, slots: &[Vec<Slot>]) -> Self {
        let text = render_file(spec);
        let set = load(&text);
        let warnings = findings(&set, &with_conflicts());
        let mut orders: Vec<Vec<Owned>> = slots.iter().map(|s| make_order(&set, s)).collect();
        orders.extend(
            warnings
                .iter()
                .filter_map(|w| w.example.as_ref().map(owned)),
        );
        Case {
            text,
            set,
            warnings,
            orders,
        }
    }

    fn of(&self, kinds: &[Kind]) -> impl Iterator<Item = &Warning> {
        self.warnings
            .iter()
            .filter(move |w| kinds.contains(&w.kind))
    }

    fn complete(&self) -> bool {
        self.of(&[Kind::Incomplete]).next().is_none()
    }

    /// A failure with everything needed to reproduce it.
    fn fail(&self, w: Option<&Warning>, values: Option<&[Owned]>, what: &str) -> TestCaseError {
        let mut msg = format!("{what}\n--- rule file:\n{}", self.text);
        if let Some(w) = w {
            msg.push_str(&format!("\n--- warning:\n{w:#?}"));
        }
        if let Some(values) = values {
            let outcome = reference::evaluate(&self.set, &as_order(values));
            msg.push_str(&format!(
                "\n--- order:\n{}\n--- reference:\n{}",
                describe_order(&self.set, values),
                describe_outcome(&self.set, &outcome)
            ));
        }
        TestCaseError::fail(msg)
    }
}

fn matched(set: &RuleSet, values: &[Owned]) -> Vec<bool> {
    let (_, traces) = reference::evaluate_traced(set, &as_order(values));
    traces.iter().map(|t| t.matched).collect()
}

fn value_sets(o: &Outcome) -> Vec<BTreeSet<String>> {
    o.decisions
        .iter()
        .map(|d| d.values.iter().cloned().collect())
        .collect()
}

fn without(set: &RuleSet, r: RuleId) -> RuleSet {
    let mut less = set.clone();
    less.rules.remove(r);
    less
}

fn unsatisfiable_rules_never_match(c: &Case) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::Unsatisfiable]) {
        let r = w.rule.expect("an unsatisfiable warning names its rule");
        for o in &c.orders {
            if matched(&c.set, o)[r] {
                return Err(c.fail(Some(w), Some(o), "the `unsatisfiable` rule matches"));
            }
        }
    }
    Ok(())
}

fn always_true_rules_always_match(c: &Case) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::AlwaysTrue]) {
        let r = w.rule.expect("an always-true warning names its rule");
        for o in &c.orders {
            if !matched(&c.set, o)[r] {
                return Err(c.fail(Some(w), Some(o), "the `always-true` rule does not match"));
            }
        }
    }
    Ok(())
}

/// Unreachable (and redundant-for-a-`first`-decision) rules never decide that decision,
/// and wherever they match, one of the rules the warning names does.
fn shadowed_rules_never_decide(c: &Case) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::Unreachable, Kind::Redundant]) {
        let (Some(r), Some(d)) = (w.rule, w.decision) else {
            continue;
        };
        let covering: Vec<RuleId> = w.related.iter().map(|(e, _)| *e).collect();
        for o in &c.orders {
            let outcome = reference::evaluate(&c.set, &as_order(o));
            let deciders = &outcome.decisions[d].rules;
            if deciders.contains(&r) {
                return Err(c.fail(Some(w), Some(o), "the shadowed rule decides"));
            }
            if matched(&c.set, o)[r] && !deciders.iter().all(|e| covering.contains(e)) {
                return Err(c.fail(
                    Some(w),
                    Some(o),
                    "the order is decided by a rule the warning does not name",
                ));
            }
        }
    }
    Ok(())
}

/// A decision-level redundancy (`first` decision, same value from earlier rules): removing
/// the rule changes no value of *that* decision.
fn shadowed_same_value_keeps_the_decision(c: &Case) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::Redundant]) {
        let (Some(r), Some(d)) = (w.rule, w.decision) else {
            continue;
        };
        let less = without(&c.set, r);
        for o in &c.orders {
            let a = value_sets(&reference::evaluate(&c.set, &as_order(o)));
            let b = value_sets(&reference::evaluate(&less, &as_order(o)));
            if a[d] != b[d] {
                return Err(c.fail(Some(w), Some(o), "removing the rule changes the decision"));
            }
        }
    }
    Ok(())
}

/// A redundant rule can be deleted: no decision of any order changes its set of values.
/// `only_whole_rule` limits the check to the findings about the whole rule (`decision`
/// is `None`), leaving out those about one `first` decision.
fn redundant_rules_can_be_removed(c: &Case, only_whole_rule: bool) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::Redundant]) {
        if only_whole_rule && w.decision.is_some() {
            continue;
        }
        let r = w.rule.expect("a redundant warning names its rule");
        let less = without(&c.set, r);
        for o in &c.orders {
            let a = value_sets(&reference::evaluate(&c.set, &as_order(o)));
            let b = value_sets(&reference::evaluate(&less, &as_order(o)));
            if a != b {
                return Err(c.fail(
                    Some(w),
                    Some(o),
                    "removing the `redundant` rule changes a decision",
                ));
            }
        }
    }
    Ok(())
}

/// A gap's example leaves the decision empty, and a decision (`first` or `highest`,
/// without default) that the analysis found no gap in is never empty. Without
/// `blind_spots`, the second half skips files where a known limitation hides gaps: a
/// datetime tested both against dates (`before`) and against now (`older than`), whose
/// two domains the search treats as independent, so regions no real order has can stand
/// ahead of the real gap in numbers; and (without `blind_spots` only, as it was) a
/// `matches` test or a tags `contains`. A gap without an example order is dropped, never
/// wrongly claimed.
fn gaps_are_exact(c: &Case, blind_spots: bool) -> Result<(), TestCaseError> {
    for w in c.of(&[Kind::Gap]) {
        let d = w.decision.expect("a gap names its decision");
        let Some(ex) = &w.example else {
            return Err(c.fail(Some(w), None, "a gap without an example order"));
        };
        let o = owned(ex);
        if !reference::evaluate(&c.set, &as_order(&o)).decisions[d]
            .values
            .is_empty()
        {
            return Err(c.fail(Some(w), Some(&o), "the gap's example is decided"));
        }
    }
    let blind = [
        " matches ",
        "标签 contains",
        "tags1 contains",
        "tags2 contains",
    ]
    .iter()
    .any(|p| c.text.contains(p));
    let mixed_time = (0..3).any(|i| {
        let f = format!("at{i} ");
        let absolute = ["before", "after", "between"]
            .iter()
            .any(|w| c.text.contains(&format!("{f}{w}")));
        let relative = ["older than", "within"]
            .iter()
            .any(|w| c.text.contains(&format!("{f}{w}")));
        absolute && relative
    });
    if !c.complete() || mixed_time || (blind && !blind_spots) {
        return Ok(());
    }
    for (d, dec) in c.set.decisions.iter().enumerate() {
        if dec.default.is_some()
            || dec.policy == Policy::All
            || c.of(&[Kind::Gap]).any(|w| w.decision == Some(d))
        {
            continue;
        }
        for o in &c.orders {
            if reference::evaluate(&c.set, &as_order(o)).decisions[d]
                .values
                .is_empty()
            {
                return Err(c.fail(
                    None,
                    Some(o),
                    &format!("`{}` is left empty but no gap was reported", dec.name),
                ));
            }
        }
    }
    Ok(())
}

/// Whether the order shows what the warning claims.
fn shows(set: &RuleSet, w: &Warning, values: &[Owned]) -> Result<(), String> {
    let order = as_order(values);
    let (outcome, traces) = reference::evaluate_traced(set, &order);
    let m = |r: RuleId| traces[r].matched;
    match (w.kind, w.rule, w.decision) {
        (Kind::Unreachable | Kind::Redundant, Some(r), Some(d)) => {
            if !m(r) {
                return Err("the rule does not match it".into());
            }
            match outcome.decisions[d].rules.first() {
                Some(e) if *e < r => Ok(()),
                other => Err(format!("not decided by an earlier rule but by {other:?}")),
            }
        }
        (Kind::Redundant, Some(r), None) => {
            if !m(r) {
                return Err("the rule does not match it".into());
            }
            let less = reference::evaluate(&without(set, r), &order);
            if value_sets(&outcome) == value_sets(&less) {
                Ok(())
            } else {
                Err("removing the rule changes its decisions".into())
            }
        }
        (Kind::Gap, _, Some(d)) => {
            if outcome.decisions[d].values.is_empty() {
                Ok(())
            } else {
                Err("the decision is not empty".into())
            }
        }
        (Kind::Conflict, Some(r), Some(d)) => {
            let Some((e, _)) = w.related.first() else {
                return Err("a conflict names no other rule".into());
            };
            if !(m(r) && m(*e)) {
                return Err("the two rules do not both match it".into());
            }
            let mine = set.rules[r].sets(d).next();
            if set.rules[*e].sets(d).next() == mine {
                return Err("the two rules set the same value".into());
            }
            if outcome.decisions[d].rules.first() == Some(&r) {
                return Err("the later rule wins".into());
            }
            Ok(())
        }
        _ => Err(format!("{:?} carries an example", w.kind)),
    }
}

/// A value fits the field: no blank where it must be present, no empty text, an enum
/// index inside the set, the right kind of value.
fn valid_order(set: &RuleSet, values: &[Owned]) -> Result<(), String> {
    for (f, v) in set.fields.iter().zip(values) {
        let ok = match (&f.ty, v) {
            (FieldType::Tags, Owned::Missing) => true,
            (_, Owned::Missing) => f.optional,
            (FieldType::Text, Owned::Text(s)) => !s.is_empty() && s.trim() == s,
            (FieldType::OneOf(vs), Owned::Enum(i)) => (*i as usize) < vs.len(),
            (FieldType::Decimal | FieldType::DateTime, Owned::Decimal(_))
            | (FieldType::Bool, Owned::Bool(_)) => true,
            (FieldType::Tags, Owned::Tags(t)) => {
                !t.is_empty() && t.iter().all(|x| !x.is_empty() && x.trim() == x)
            }
            _ => false,
        };
        if !ok {
            return Err(format!("`{}` = {v:?} is not a valid value", f.name));
        }
    }
    // Derived fields (`hour of at0`) hold what typing would compute from the datetime.
    let mut derived = values[..set.inputs().len()].to_vec();
    common::rulegen::with_derived(set, &mut derived);
    if derived != values {
        return Err("a derived field disagrees with its datetime".into());
    }
    Ok(())
}

/// Every example order shows what its warning claims, and so does every order that agrees
/// with it on the fields the help text shows (the others are taken from the random
/// orders): "for example an order with X" must be enough. With `valid`, the example must
/// also be an order that input could give.
fn examples_show_the_claim(c: &Case, valid: bool) -> Result<(), TestCaseError> {
    for w in &c.warnings {
        let Some(ex) = &w.example else {
            continue;
        };
        let values = owned(ex);
        if valid {
            valid_order(&c.set, &values).map_err(|e| c.fail(Some(w), Some(&values), &e))?;
        }
        shows(&c.set, w, &values)
            .map_err(|e| c.fail(Some(w), Some(&values), &format!("the example fails: {e}")))?;
        for o in &c.orders {
            let mixed: Vec<Owned> = (0..values.len())
                .map(|f| {
                    if ex.shown.contains(&f) {
                        values[f].clone()
                    } else {
                        o[f].clone()
                    }
                })
                .collect();
            shows(&c.set, w, &mixed).map_err(|e| {
                c.fail(
                    Some(w),
                    Some(&mixed),
                    &format!("an order with {} fails: {e}", ex.describe(&c.set)),
                )
            })?;
        }
    }
    Ok(())
}

/// 128 cases, or `PROPTEST_CASES` for a longer hunt.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn prop_unsatisfiable_rules_never_match(spec in file(), slots in orders()) {
        unsatisfiable_rules_never_match(&Case::new(&spec, &slots))?;
    }

    #[test]
    fn prop_always_true_rules_always_match(spec in file(), slots in orders()) {
        always_true_rules_always_match(&Case::new(&spec, &slots))?;
    }

    #[test]
    fn prop_shadowed_rules_never_decide(spec in file(), slots in orders()) {
        let c = Case::new(&spec, &slots);
        shadowed_rules_never_decide(&c)?;
        shadowed_same_value_keeps_the_decision(&c)?;
    }

    #[test]
    fn prop_redundant_rules_can_be_removed(spec in file(), slots in orders()) {
        redundant_rules_can_be_removed(&Case::new(&spec, &slots), true)?;
    }

    #[test]
    fn prop_gaps_are_exact(spec in file(), slots in orders()) {
        gaps_are_exact(&Case::new(&spec, &slots), false)?;
    }

    #[test]
    fn prop_examples_show_the_claim(spec in file(), slots in orders()) {
        examples_show_the_claim(&Case::new(&spec, &slots), false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// The same as `prop_redundant_rules_can_be_removed`, including the findings about
    /// one `first` decision.
    #[test]
    fn prop_every_redundant_rule_can_be_removed(spec in file(), slots in orders()) {
        redundant_rules_can_be_removed(&Case::new(&spec, &slots), false)?;
    }

    /// The same as `prop_gaps_are_exact`, on files with regexes and tags `contains` too.
    #[test]
    fn prop_gaps_are_exact_everywhere(spec in file(), slots in orders()) {
        gaps_are_exact(&Case::new(&spec, &slots), true)?;
    }

    /// The same as `prop_examples_show_the_claim`, and every example is a valid order.
    #[test]
    fn prop_examples_are_valid_orders(spec in file(), slots in orders()) {
        examples_show_the_claim(&Case::new(&spec, &slots), true)?;
    }
}

// ------------------------------------------------------------------------- fixed cases

fn findings_of(text: &str, opts: &Options) -> (RuleSet, Vec<String>) {
    let set = load(text);
    let got = findings(&set, opts)
        .iter()
        .map(|w| summary(&set, w))
        .collect();
    (set, got)
}

const SHADOWED_WITH_A_FLAG: &str = r#"
fields {
  id   text, key
  tier one of "new", "vip"
  amt  decimal
}
decision route: first, default "standard"
decision flags: all

rule vip
  when tier = "vip"
  then route "priority"

rule also_vip
  when tier = "vip" and amt > 100
  then route "priority", flag "big-vip"
"#;

#[test]
fn redundant_is_about_every_decision_of_the_rule() {
    let (_, got) = findings_of(SHADOWED_WITH_A_FLAG, &Options::default());
    assert_eq!(got, Vec::<String>::new());
}

#[test]
fn redundant_is_reported_once_per_rule() {
    let text = SHADOWED_WITH_A_FLAG.replace(
        "then route \"priority\"\n\nrule",
        "then route \"priority\", flag \"big-vip\"\n\nrule",
    );
    let (_, got) = findings_of(&text, &Options::default());
    assert_eq!(got, vec!["redundant also_vip"]);
}

/// A blank cell is a missing value, never the empty text: `note = ""` can never hold
/// for a valid order, and `note not in [""]` always does.
#[test]
fn empty_text_is_not_a_value() {
    let text = r#"
fields { id text, key  note text }
decision route: first, default "standard"
rule empty when note = "" then route "x"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, vec!["unsatisfiable empty"]);
    let text = r#"
fields { id text, key  note text }
decision route: first
rule nonempty when note not in [""] then route "y"
"#;
    let set = load(text);
    for w in findings(&set, &Options::default()) {
        assert_ne!(w.kind, Kind::Gap, "{}", w.message);
        if let Some(ex) = &w.example {
            valid_order(&set, &owned(ex)).expect("examples are valid orders");
        }
    }
}

/// Orders whose note starts with "a" get no route.
#[test]
fn gap_needing_a_regex_match_is_reported() {
    let text = r#"
fields { id text, key  note text }
decision route: first
rule plain when not note matches "^a" then route "x"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, vec!["gap route"]);
}

/// Both rules match an order with note "a" and amt 11.
#[test]
fn conflict_needing_a_regex_match_is_reported() {
    let text = r#"
fields { id text, key  note text  amt decimal }
decision route: first, default "s"
rule a_notes when note matches "^a" then route "x"
rule big when amt > 10 then route "y"
"#;
    let (_, got) = findings_of(text, &with_conflicts());
    assert_eq!(got, vec!["conflict big"]);
}

/// `n` rules `tg contains "x" and kind = "vI" and amt = I`, after `tg has "x"`: the
/// search meets `n` gap regions where tg contains "x" without having the tag "x" before
/// the plain one, "tg empty". (Examples for those regions were once never built, and
/// with 8 of them the gap was dropped; a tag such as `x~` now stands for them.)
fn unbuildable_regions(n: usize) -> String {
    let kinds: Vec<String> = (1..=n).map(|i| format!("\"v{i}\"")).collect();
    let mut text = format!(
        "fields {{ id text, key  tg tags  kind one of {}  amt decimal }}\n\
         decision route: first\n\
         rule has_x when tg has \"x\" then route \"a\"\n",
        kinds.join(", ")
    );
    for i in 1..=n {
        text.push_str(&format!(
            "rule c{i} when tg contains \"x\" and kind = \"v{i}\" and amt = {i} then route \"b\"\n"
        ));
    }
    text
}

#[test]
fn gap_behind_a_few_unbuildable_regions_is_reported() {
    let set = load(&unbuildable_regions(7));
    let ws = findings(&set, &Options::default());
    let got: Vec<String> = ws.iter().map(|w| summary(&set, w)).collect();
    assert_eq!(got, vec!["gap route"]);
    let ex = ws[0].example.as_ref().expect("a gap shows an order");
    assert_eq!(ex.describe(&set), "tg = [\"x~\"], kind = \"v1\", amt = 0");
}

#[test]
fn gap_behind_unbuildable_regions_is_reported() {
    let (_, got) = findings_of(&unbuildable_regions(8), &Options::default());
    assert_eq!(got, vec!["gap route"]);
}

/// Hours are whole numbers from 0 to 23: no hour lies between 5 and 6, none after 23.
#[test]
fn hours_between_two_whole_hours_are_unsatisfiable() {
    let text = r#"
fields { id text, key  at datetime }
decision route: first, default "day"
rule half_past when hour of at > 5 and hour of at < 6 then route "never"
rule late      when hour of at > 23 or hour of at < 0 then route "never"
rule night     when hour of at < 6 then route "night"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, vec!["unsatisfiable half_past", "unsatisfiable late"]);
}

#[test]
fn shadowed_with_a_different_value_on_one_decision_is_unreachable_for_it() {
    let text = SHADOWED_WITH_A_FLAG.replace("route \"priority\", flag", "route \"vip-dc\", flag");
    let (set, got) = findings_of(&text, &Options::default());
    assert_eq!(got, vec!["unreachable also_vip"]);
    let w = &findings(&set, &Options::default())[0];
    assert_eq!(w.decision, set.decision_id("route"));
}

#[test]
fn highest_rule_always_outranked_is_redundant() {
    let text = r#"
fields { id text, key  amt decimal }
decision approval: highest ["auto", "lead", "boss"], default "auto"
rule boss when amt > 1000 then approval "boss"
rule lead when amt > 5000 then approval "lead"
rule tie  when amt > 2000 then approval "boss"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, vec!["redundant lead", "redundant tie"]);
}

#[test]
fn all_decision_is_never_a_gap_and_defaults_close_gaps() {
    let text = r#"
fields { id text, key  amt decimal }
decision flags: all
decision route: first, default "post"
rule big when amt > 1000 then flag "big", route "truck"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, Vec::<String>::new());
}

#[test]
fn gap_on_an_optional_field_names_the_blank() {
    let text = r#"
fields { id text, key  region text, optional }
decision route: first
rule cn when region = "CN" then route "cn"
rule other when region != "CN" then route "intl"
"#;
    // `!=` is true on a blank region, so every order gets a route.
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, Vec::<String>::new());
    let text = text.replace("region != \"CN\"", "region is present and region != \"CN\"");
    let set = load(&text);
    let ws = findings(&set, &Options::default());
    assert_eq!(ws.len(), 1, "{ws:#?}");
    let ex = ws[0].example.as_ref().expect("a gap shows an order");
    assert_eq!(ex.describe(&set), "region blank");
}

#[test]
fn conflicts_are_off_by_default() {
    let text = r#"
fields { id text, key  tier one of "new", "vip"  amt decimal }
decision route: first, default "standard"
rule vip when tier = "vip" then route "priority"
rule big when amt > 5000 then route "bulk"
"#;
    let (_, got) = findings_of(text, &Options::default());
    assert_eq!(got, Vec::<String>::new());
    let (_, got) = findings_of(text, &with_conflicts());
    assert_eq!(got, vec!["conflict big"]);
}

#[test]
fn tiny_budget_reports_incomplete_instead_of_guessing() {
    let path = crate_file("tests/fixtures/analysis/02-unreachable.rules");
    let set = loaded(&read_source(&path));
    let opts = Options {
        budget: 1,
        ..Options::default()
    };
    let ws = findings(&set, &opts);
    assert!(
        ws.iter().any(|w| w.kind == Kind::Incomplete),
        "{:?}",
        ws.iter().map(|w| summary(&set, w)).collect::<Vec<_>>()
    );
    assert!(
        ws.iter().all(|w| matches!(
            w.kind,
            Kind::Incomplete | Kind::Unreachable | Kind::Unsatisfiable
        )),
        "{ws:#?}"
    );
}

/// 200 route rules over channel × amount band, none overlapping another.
fn grid() -> String {
    let mut text = String::from(
        "fields { id text, key  ch one of \"a\", \"b\", \"c\", \"d\"  amt decimal }\n\
         decision route: first, default \"manual\"\n",
    );
    for i in 0..200 {
        let (ch, band) = (["a", "b", "c", "d"][i % 4], i / 4);
        text.push_str(&format!(
            "rule r{i} when ch = \"{ch}\" and amt > {} and amt <= {} then route \"dc{}\"\n",
            band * 10,
            band * 10 + 10,
            i % 7
        ));
    }
    text
}

#[test]
fn grid_is_clean_with_the_default_budget() {
    let (_, got) = findings_of(&grid(), &Options::default());
    assert_eq!(got, Vec::<String>::new());
}

/// When the work budget runs out, the report says so once, naming the rules: a large
/// file must give a handful of readable warnings, not thousands. (Once the budget was
/// shared by the whole analysis and never reset, so every later rule got its own
/// `analysis incomplete` warning and memory grew without bound.)
#[test]
fn regression_exhausted_budget_gives_one_warning() {
    let set = load(&grid());
    let opts = Options {
        budget: 20,
        ..Options::default()
    };
    let cut: Vec<Warning> = findings(&set, &opts)
        .into_iter()
        .filter(|w| w.kind == Kind::Incomplete)
        .collect();
    assert_eq!(cut.len(), 1, "{cut:#?}");
    assert!(cut[0].message.contains("about rules"), "{}", cut[0].message);
}

// ------------------------------------------------------------------------- command line

const REDUNDANT: &str = "tests/fixtures/analysis/03-redundant.rules";
const CONFLICT: &str = "tests/fixtures/analysis/05-conflict.rules";
const GAP: &str = "tests/fixtures/analysis/04-gap.rules";

#[test]
fn cli_deny_warnings_fails_on_a_warning_and_passes_clean_files() {
    let r = routebook(&["check", "--deny", "warnings", REDUNDANT]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 3 warnings"), "{}", r.stderr);
    // Warnings alone do not fail without `--deny warnings`.
    let r = routebook(&["check", REDUNDANT]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = routebook(&["check", "--deny", "warnings", "rules/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
}

#[test]
fn cli_allow_silences_one_kind() {
    let r = routebook(&["check", "--allow", "redundant", REDUNDANT]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
    assert!(!r.stderr.contains("redundant"), "{}", r.stderr);
    let r = routebook(&[
        "check",
        "--allow",
        "redundant",
        "--deny",
        "warnings",
        REDUNDANT,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Only that kind: the gaps stay.
    let r = routebook(&["check", "--allow", "redundant", GAP]);
    assert!(r.stderr.contains("0 errors, 2 warnings"), "{}", r.stderr);
}

#[test]
fn cli_warn_conflicts_turns_conflicts_on() {
    let r = routebook(&["check", CONFLICT]);
    assert!(r.stderr.contains("0 errors, 0 warnings"), "{}", r.stderr);
    for spelling in ["conflicts", "conflict"] {
        let r = routebook(&["check", "--warn", spelling, CONFLICT]);
        assert_eq!(r.code, 0, "conflicts are warnings, not errors");
        assert!(r.stderr.contains("0 errors, 1 warning"), "{}", r.stderr);
        assert!(
            r.stderr.contains("rule `big` and rule `vip` both match"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn cli_json_format_gives_warning_items() {
    let r = routebook(&["check", "--format", "json", REDUNDANT]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(item["level"], "warning", "{item}");
        assert_eq!(item["code"], "redundant", "{item}");
        assert_eq!(item["file"], REDUNDANT, "{item}");
        assert!(item["line"].as_u64().is_some_and(|n| n > 0), "{item}");
        assert!(
            item["help"]
                .as_str()
                .is_some_and(|h| h.starts_with("for example an order with ")),
            "{item}"
        );
    }
    let lines: Vec<u64> = items.iter().map(|i| i["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![17, 25, 33], "each at its rule's name");
}

#[test]
fn cli_sarif_format_gives_one_run_with_results_at_the_rules() {
    let r = routebook(&[
        "check",
        "--format",
        "sarif",
        REDUNDANT,
        "tests/fixtures/check/07-unknown-field-typo.rules",
    ]);
    assert_eq!(r.code, 1, "an error among the files");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "routebook");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(rules, ["redundant", "unknown-field"]);
    let results = run["results"].as_array().expect("results");
    let redundant: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "redundant")
        .collect();
    assert_eq!(redundant.len(), 3);
    for res in &redundant {
        assert_eq!(res["level"], "warning", "{res}");
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], REDUNDANT, "{res}");
        assert!(
            res["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("\nfor example an order with ")),
            "{res}"
        );
        assert!(
            !res["relatedLocations"]
                .as_array()
                .expect("related")
                .is_empty(),
            "{res}"
        );
    }
    let lines: Vec<u64> = redundant
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, vec![17, 25, 33], "each at its rule's name");
    let error = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-field")
        .expect("the error");
    assert_eq!(error["level"], "error");
}

#[test]
fn cli_github_format_gives_warning_annotations() {
    let r = routebook(&["check", "--format", "github", GAP]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    for l in &lines {
        assert!(l.starts_with(&format!("::warning file={GAP},line=")), "{l}");
        assert!(l.contains(",title=gap::"), "{l}");
    }
    assert!(
        lines[0].starts_with(&format!("::warning file={GAP},line=8,col=10,")),
        "{}",
        lines[0]
    );
}

#[test]
fn cli_accept_with_an_unknown_kind_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = std::fs::read_to_string(crate_file("tests/fixtures/analysis/07-accepted.rules"))
        .expect("fixture")
        .replace("accept redundant", "accept redundnat");
    let path = write_file(&dir, "typo.rules", text);
    let r = routebook(&["check", "--format", "json", &path]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["level"], "error");
    assert_eq!(items[0]["code"], "unknown-warning");
    let said = format!("{} {}", items[0]["message"], items[0]["help"]);
    assert!(said.contains("redundnat"), "{said}");
    assert!(said.contains("did you mean `redundant`"), "{said}");
}
