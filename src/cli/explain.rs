//! `routebook explain`: why one order got its decisions, rule by rule.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{CliError, Exit, NowArg, load_rules};
use crate::check::RuleSet;
use crate::decide::reference::evaluate_traced;
use crate::input::{self, RawFields, RawOrder, read_one, typing::typed};
use crate::source::Source;

/// Explain one order: every rule, whether it matched, and which test failed first.
///
/// Example: routebook explain rules/crossborder-pets.rules --input examples/crossborder-pets.csv --key CP-10002
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["order", "input"])))]
pub struct Args {
    /// The rule file.
    rules: PathBuf,
    /// The order as a JSON object.
    #[arg(long)]
    order: Option<String>,
    /// An export to find the order in (with --key).
    #[arg(long, requires = "key")]
    input: Option<PathBuf>,
    /// The order's key in the export.
    #[arg(long)]
    key: Option<String>,
    /// The export's format; guessed from its extension when not given.
    #[arg(long, value_enum)]
    input_format: Option<input::Format>,
    #[command(flatten)]
    now: NowArg,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let (source, set) = load_rules(&args.rules, &args.now)?;
    let specs = input::field_specs(&set);
    let mut raw = RawOrder::default();
    if let Some(json) = &args.order {
        read_one(json, &specs, &mut raw);
        if let Some(p) = &raw.problem {
            return Err(CliError::Usage(format!(
                "--order is not a usable order: {p}"
            )));
        }
    } else if let (Some(path), Some(key)) = (&args.input, &args.key) {
        let format = args
            .input_format
            .unwrap_or_else(|| input::Format::from_path(path));
        let mut reader = input::open(path, format, &specs).map_err(CliError::Input)?;
        loop {
            if !reader.next(&mut raw).map_err(CliError::Input)? {
                return Err(CliError::Usage(format!(
                    "no order with key `{key}` in `{}`",
                    path.display()
                )));
            }
            if raw.text(set.key) == key {
                break;
            }
        }
    }
    super::print_stdout(&explain(&set, &source, &raw))?;
    // Like `run`: an order with bad input was not decided.
    Ok(if typed(&set, &raw).is_ok() {
        Exit::Ok
    } else {
        Exit::Invalid
    })
}

/// The explanation for people.
pub fn explain(set: &RuleSet, source: &Source, raw: &RawOrder) -> String {
    let mut s = String::new();
    let key = raw.text(set.key);
    let order = match typed(set, raw) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(s, "order {key}: invalid input, not decided\n  {e}");
            return s;
        }
    };
    let (outcome, traces) = evaluate_traced(set, &order);
    let _ = writeln!(s, "order {key}");
    for (d, x) in set.decisions.iter().zip(&outcome.decisions) {
        let by: Vec<&str> = x
            .rules
            .iter()
            .map(|r| set.rules[*r].name.as_str())
            .collect();
        let by = if by.is_empty() {
            if x.values.is_empty() {
                "no rule, no default".to_string()
            } else {
                "default".to_string()
            }
        } else {
            format!("rule {}", by.join(", "))
        };
        let _ = writeln!(s, "  {} = {}  ({by})", d.name, x.values.join("; "));
    }
    let _ = writeln!(s, "\nrules:");
    for t in &traces {
        let rule = &set.rules[t.rule];
        let mark = if t.matched { "matched " } else { "no match" };
        let desc = rule
            .description
            .as_deref()
            .map(|d| format!("  \"{d}\""))
            .unwrap_or_default();
        let _ = writeln!(s, "  {mark}  {}{desc}", rule.name);
        let first_failed = t.first_failed();
        for (span, ok) in &t.tests {
            let note = if !t.matched && Some(*span) == first_failed {
                "   <- first failing test"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "              {:<5}  {}{note}",
                ok,
                source
                    .slice(*span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    s
}
