//! `routebook test`: example orders with expected decisions, run through the compiled
//! tree; failures shown as expected vs actual, and which rules no case matched.

mod cases;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{CliError, Exit, NowArg, load_rules};
use crate::check::{Policy, RuleSet};
use crate::compile::compile;
use crate::decide::{Outcome, Scratch, decide, reference};
use crate::input::{RawOrder, typing::typed};

/// Run example orders and compare their decisions with the expected ones.
///
/// PATHS are rule files, case files (`.yaml`/`.yml`) and folders. Case files given after
/// a rule file test that rule file; a rule file given alone is tested with `X.tests.yaml`
/// beside it; a case file given alone names its rule file with `rules:`, or sits beside
/// it; a folder tests every `*.tests.yaml` in it. Prints every failure and a final
/// `N passed, M failed` line; exits 1 if any case failed.
///
/// Example: routebook test rules/
#[derive(clap::Args)]
pub struct Args {
    /// Rule files, case files and folders (`-` reads a rule file from standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print rule coverage as JSON on standard output (the report then goes to standard error).
    #[arg(long)]
    coverage: bool,
    #[command(flatten)]
    now: NowArg,
}

/// One rule file and the case files that test it.
struct Group {
    rules: PathBuf,
    case_files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let groups = groups(&args.paths)?;
    let mut report = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut coverage = Vec::new();
    let mut broken_rules = false;
    for g in &groups {
        let (_, mut set) = match load_rules(&g.rules, &args.now) {
            Ok(x) => x,
            Err(CliError::RulesHaveErrors(_)) => {
                broken_rules = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        let files = g
            .case_files
            .iter()
            .map(|p| cases::read(p).map(|f| (p, f)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CliError::Usage)?;
        let tree = compile(&set);
        let mut scratch = Scratch::new(&tree);
        let mut raw = RawOrder::default();
        let mut matched_by = vec![0usize; set.rules.len()];
        let (mut g_passed, mut g_failed) = (0, 0);
        let run_now = set.clock.now;
        for (path, file) in &files {
            set.clock.now = run_now;
            if let Some(text) = &file.now {
                set.clock.set_now(text).map_err(|e| {
                    CliError::Usage(format!(
                        "`{}`: `now: {text}`: {}",
                        path.display(),
                        e.reason()
                    ))
                })?;
            }
            for case in &file.cases {
                let verdict = run_case(&set, case, &mut raw, &mut |order| {
                    let outcome = decide(&set, &tree, order, &mut scratch).into_owned();
                    let (_, traces) = reference::evaluate_traced(&set, order);
                    let fired: Vec<usize> = traces
                        .iter()
                        .filter(|t| t.matched)
                        .map(|t| t.rule)
                        .collect();
                    (outcome, fired)
                });
                for r in &verdict.fired {
                    matched_by[*r] += 1;
                }
                if verdict.problems.is_empty() {
                    g_passed += 1;
                } else {
                    g_failed += 1;
                    let _ = writeln!(
                        report,
                        "FAIL {}:{}: {}",
                        path.display(),
                        case.line,
                        case.name
                    );
                    for p in &verdict.problems {
                        let _ = writeln!(report, "  {p}");
                    }
                    if verdict.decided {
                        let names: Vec<&str> = verdict
                            .fired
                            .iter()
                            .map(|r| set.rules[*r].name.as_str())
                            .collect();
                        let fired = if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        };
                        let _ = writeln!(report, "  rules that fired: {fired}");
                    }
                    report.push('\n');
                }
            }
        }
        let unmatched: Vec<&str> = set
            .rules
            .iter()
            .zip(&matched_by)
            .filter(|(_, n)| **n == 0)
            .map(|(r, _)| r.name.as_str())
            .collect();
        let names: Vec<String> = g
            .case_files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let _ = writeln!(
            report,
            "{}: {} case{} from {}, {g_failed} failing",
            g.rules.display(),
            g_passed + g_failed,
            super::check::plural(g_passed + g_failed),
            names.join(", ")
        );
        let covered = set.rules.len() - unmatched.len();
        let _ = write!(
            report,
            "  coverage: {covered} of {} rules matched by some case",
            set.rules.len()
        );
        if unmatched.is_empty() {
            report.push('\n');
        } else {
            let _ = writeln!(report, "; no case matches: {}", unmatched.join(", "));
        }
        coverage.push(json!({
            "rules": g.rules.display().to_string(),
            "case_files": names,
            "cases": g_passed + g_failed,
            "failed": g_failed,
            "rule_count": set.rules.len(),
            "covered": covered,
            "unmatched": unmatched,
            "matched_by": set.rules.iter().zip(&matched_by)
                .map(|(r, n)| json!({"rule": r.name, "cases": n}))
                .collect::<Vec<_>>(),
        }));
        passed += g_passed;
        failed += g_failed;
    }
    let _ = writeln!(report, "{passed} passed, {failed} failed");
    if args.coverage {
        eprint!("{report}");
        let doc = json!({"passed": passed, "failed": failed, "files": coverage});
        super::print_stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("JSON values serialize")
        ))?;
    } else {
        super::print_stdout(&report)?;
    }
    Ok(if failed > 0 || broken_rules {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

/// What one case came to.
struct Verdict {
    /// Empty when the case passed.
    problems: Vec<String>,
    /// The order was valid and decided.
    decided: bool,
    /// The rules whose condition matched, in file order.
    fired: Vec<usize>,
}

fn run_case(
    set: &RuleSet,
    case: &cases::Case,
    raw: &mut RawOrder,
    decide: &mut dyn FnMut(&crate::decide::Order<'_>) -> (Outcome, Vec<usize>),
) -> Verdict {
    let mut v = Verdict {
        problems: Vec::new(),
        decided: false,
        fired: Vec::new(),
    };
    let expect = match cases::expect(set, &case.expect) {
        Ok(e) => e,
        Err(msg) => {
            v.problems.push(msg);
            return v;
        }
    };
    if let Err(msg) = cases::order(set, &case.order, case.line, raw) {
        v.problems.push(msg);
        return v;
    }
    let order = match typed(set, raw) {
        Ok(o) => o,
        Err(e) => {
            if expect.invalid != Some(true) {
                let why = e
                    .problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>();
                v.problems
                    .push(format!("the order has bad input: {}", why.join("; ")));
            }
            return v;
        }
    };
    let (outcome, fired) = decide(&order);
    v.decided = true;
    v.fired = fired;
    if expect.invalid == Some(true) {
        let got: Vec<String> = set
            .decisions
            .iter()
            .zip(&outcome.decisions)
            .map(|(d, x)| format!("{} {}", d.name, shown(&d.policy, &x.values)))
            .collect();
        v.problems.push(format!(
            "expected bad input, but the order was accepted and decided: {}",
            got.join(", ")
        ));
        return v;
    }
    let width = expect
        .decisions
        .iter()
        .map(|(d, _)| set.decisions[*d].name.chars().count())
        .max()
        .unwrap_or(0);
    for (d, want) in &expect.decisions {
        let decision = &set.decisions[*d];
        let got = &outcome.decisions[*d];
        if same(&decision.policy, want, &got.values) {
            continue;
        }
        let by = if got.rules.is_empty() {
            if got.values.is_empty() {
                "no rule and no default".to_string()
            } else {
                "the default".to_string()
            }
        } else {
            let names: Vec<&str> = got
                .rules
                .iter()
                .map(|r| set.rules[*r].name.as_str())
                .collect();
            format!("set by {}", names.join(", "))
        };
        let pad = " ".repeat(width - decision.name.chars().count());
        v.problems.push(format!(
            "{}{pad}  expected {}\n  {}  actual   {}  ({by})",
            decision.name,
            shown(&decision.policy, want),
            " ".repeat(width),
            shown(&decision.policy, &got.values),
        ));
    }
    v
}

/// Whether the values match: exactly for `first`/`highest`, as sets for `all` (the
/// order of an `all` decision's values follows the rules' order in the file, which a
/// test should not have to restate).
fn same(policy: &Policy, want: &[String], got: &[String]) -> bool {
    if *policy == Policy::All {
        let mut a: Vec<&String> = want.iter().collect();
        let mut b: Vec<&String> = got.iter().collect();
        a.sort();
        a.dedup();
        b.sort();
        b.dedup();
        a == b
    } else {
        want == got
    }
}

fn shown(policy: &Policy, values: &[String]) -> String {
    if *policy == Policy::All {
        format!("[{}]", values.join(", "))
    } else if values.is_empty() {
        "(empty)".to_string()
    } else {
        values.join(", ")
    }
}

fn is_case_file(p: &Path) -> bool {
    p.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}

/// `rules/x.tests.yaml` → `rules/x.rules`.
fn rules_beside(case_file: &Path) -> Option<PathBuf> {
    let name = case_file.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".tests.yaml")
        .or_else(|| name.strip_suffix(".tests.yml"))?;
    Some(case_file.with_file_name(format!("{stem}.rules")))
}

/// `rules/x.rules` → `rules/x.tests.yaml` (or `.yml`), if it exists.
fn cases_beside(rules: &Path) -> Option<PathBuf> {
    let stem = rules.file_stem()?.to_str()?;
    ["yaml", "yml"]
        .iter()
        .map(|ext| rules.with_file_name(format!("{stem}.tests.{ext}")))
        .find(|p| p.is_file())
}

/// The rule file a case file given on its own tests: its `rules:` key, else the rule
/// file beside it.
fn rules_of(case_file: &Path) -> Result<PathBuf, CliError> {
    let file = cases::read(case_file).map_err(CliError::Usage)?;
    if let Some(r) = file.rules {
        let dir = case_file.parent().unwrap_or(Path::new(""));
        return Ok(dir.join(r));
    }
    rules_beside(case_file)
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "`{}` does not say which rules it tests: add `rules: PATH` to it, or give the rule file before it",
                case_file.display()
            ))
        })
}

/// Sorts the command line into rule files and the case files that test them.
fn groups(paths: &[PathBuf]) -> Result<Vec<Group>, CliError> {
    let mut groups: Vec<Group> = Vec::new();
    let mut add =
        |rules: PathBuf, case_file: PathBuf| match groups.iter_mut().find(|g| g.rules == rules) {
            Some(g) if !g.case_files.contains(&case_file) => g.case_files.push(case_file),
            Some(_) => {}
            None => groups.push(Group {
                rules,
                case_files: vec![case_file],
            }),
        };
    // Rule files found in folders, to say which have no cases.
    let mut in_folders: Vec<PathBuf> = Vec::new();
    // A rule file waiting for the case files that follow it.
    let mut pending: Option<(PathBuf, bool)> = None;
    let close = |pending: &mut Option<(PathBuf, bool)>,
                 add: &mut dyn FnMut(PathBuf, PathBuf)|
     -> Result<(), CliError> {
        if let Some((rules, false)) = pending.take() {
            let found = cases_beside(&rules).ok_or_else(|| {
                CliError::Usage(format!(
                    "no cases for `{}`: put them in `{}` beside it, or give case files after it",
                    rules.display(),
                    rules.with_extension("tests.yaml").display()
                ))
            })?;
            add(rules, found);
        }
        Ok(())
    };
    for p in paths {
        if p.is_dir() {
            close(&mut pending, &mut add)?;
            let entries = super::list_dir(p)?;
            in_folders.extend(entries.iter().filter(|f| super::is_rule_file(f)).cloned());
            let found: Vec<PathBuf> = entries
                .into_iter()
                .filter(|f| rules_beside(f).is_some())
                .collect();
            if found.is_empty() {
                return Err(CliError::Usage(format!(
                    "no case files (`*.tests.yaml`) in `{}`",
                    p.display()
                )));
            }
            for f in found {
                add(rules_of(&f)?, f);
            }
        } else if is_case_file(p) {
            match &mut pending {
                Some((rules, used)) => {
                    *used = true;
                    add(rules.clone(), p.clone());
                }
                None => add(rules_of(p)?, p.clone()),
            }
        } else {
            close(&mut pending, &mut add)?;
            pending = Some((p.clone(), false));
        }
    }
    close(&mut pending, &mut add)?;
    in_folders.sort();
    for r in in_folders {
        if !groups.iter().any(|g| g.rules == r) {
            eprintln!(
                "note: `{}` has no cases (put them in `{}`)",
                r.display(),
                r.with_extension("tests.yaml").display()
            );
        }
    }
    Ok(groups)
}
