//! `routebook diff`: run two versions of a rule file over the same export in one pass and
//! report which orders move, per decision.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::ValueEnum;
use serde_json::json;

use super::run::Sink;
use super::{CliError, Exit, NowArg, open_export, print_human, read_source};
use crate::check::RuleSet;
use crate::compile::compile;
use crate::decide::{Scratch, Value, decide};
use crate::input::{self, RawFields, RawOrder, RawText, typing::typed};
use crate::output::diff::{Diff, amount_field};
use crate::profile::is_tags;
use crate::source::Source;

/// Show which orders a rule change moves: both rule files over the same export.
///
/// OLD and NEW are rule files, or `REV:PATH` for a file as of a git revision (read with
/// `git show`), so a pull request can be checked against its base:
///
/// Example: routebook diff HEAD~1:rules/kids-apparel.rules rules/kids-apparel.rules --input last_night.csv
#[derive(clap::Args)]
pub struct Args {
    /// The rule file before the change (or `REV:PATH`).
    old: String,
    /// The rule file after the change (or `REV:PATH`).
    new: String,
    /// The export to decide with both (`-` is standard input).
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// The export's format; guessed from its extension when not given.
    #[arg(long, value_enum)]
    input_format: Option<input::Format>,
    /// How to read the export: a built-in profile's name (`routebook profiles`) or a
    /// profile file; without one, the columns are the field names.
    #[arg(long)]
    profile: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write every changed order (JSON Lines: key, line, each decision's from and to).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when any order changes (a CI gate for changes that must move no order).
    #[arg(long)]
    fail_on_change: bool,
    #[command(flatten)]
    now: NowArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// One side of the comparison: where it came from and the checked rule set.
struct Side {
    label: String,
    set: RuleSet,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    if args.old == "-" && args.new == "-" {
        return Err(CliError::Usage(
            "only one of OLD and NEW can be read from standard input".into(),
        ));
    }
    let old = load(&args.old, &args.now)?;
    let new = load(&args.new, &args.now)?;
    let Some(input_path) = &args.input else {
        return symbolic(args, &old, &new);
    };
    if args.input.as_deref() == Some(Path::new("-")) && (args.old == "-" || args.new == "-") {
        return Err(CliError::Usage(
            "standard input cannot hold both a rule file and the export".into(),
        ));
    }

    // One pass over the export: the readers take the fields of both rule sets.
    let (specs, new_to_union) = union_specs(&old.set, &new.set);
    let tags = |name: &str| is_tags(&old.set, name) || is_tags(&new.set, name);
    let mut reader = open_export(
        input_path,
        args.input_format,
        args.profile.as_deref(),
        &specs,
        tags,
    )?;

    let (old_tree, new_tree) = (compile(&old.set), compile(&new.set));
    let (mut old_scratch, mut new_scratch) = (Scratch::new(&old_tree), Scratch::new(&new_tree));
    let amount = amount_field(&old.set).zip(amount_field(&new.set));
    let mut diff = Diff::new(&old.set, &new.set);

    let sink = match &args.output {
        Some(p) => Some(Sink::open(Some(p))?),
        None => None,
    };
    let out_path = args
        .output
        .as_ref()
        .map_or("standard output".to_string(), |p| p.display().to_string());
    let write_err = |e: std::io::Error| CliError::Write {
        path: out_path.clone(),
        reason: e.to_string(),
    };
    {
        let mut changes: Option<Box<dyn Write + '_>> = match &sink {
            Some(s) => Some(Box::new(std::io::BufWriter::new(
                s.stream().map_err(write_err)?,
            ))),
            None => None,
        };
        let mut raw = RawOrder::default();
        let mut raw_new = RawOrder::default();
        while reader.next(&mut raw).map_err(CliError::Input)? {
            remap(&raw, &new_to_union, &mut raw_new);
            // The union lists the old rule set's fields first, in its order.
            let old_order = typed(&old.set, &raw);
            let new_order = typed(&new.set, &raw_new);
            let money = amount.and_then(|(a, b)| match (&old_order, &new_order) {
                (Ok(o), _) => decimal(&o.values[a]),
                (_, Ok(o)) => decimal(&o.values[b]),
                _ => None,
            });
            let old_out = old_order
                .as_ref()
                .map(|o| decide(&old.set, &old_tree, o, &mut old_scratch).into_owned());
            let new_out = new_order
                .as_ref()
                .map(|o| decide(&new.set, &new_tree, o, &mut new_scratch).into_owned());
            let key = match raw.text(old.set.key) {
                "" => raw_new.text(new.set.key),
                k => k,
            };
            let change = diff.add(
                key,
                raw.line,
                money,
                old_out.as_ref().map_err(|e| *e),
                new_out.as_ref().map_err(|e| *e),
            );
            if let (Some(w), Some(c)) = (changes.as_mut(), change) {
                serde_json::to_writer(&mut *w, &c).map_err(|e| write_err(e.into()))?;
                w.write_all(b"\n").map_err(write_err)?;
            }
        }
        if let Some(w) = changes.as_mut() {
            w.flush().map_err(write_err)?;
        }
    }
    if let Some(s) = sink {
        s.commit().map_err(write_err)?;
    }

    let input_label = input_path.display().to_string();
    let report = match args.format {
        Format::Human => diff.render(&old.label, &new.label, &input_label),
        Format::Json => {
            let side = |s: &Side| json!({"file": s.label, "ruleset": s.set.name, "version": s.set.version});
            let doc = diff.to_json(side(&old), side(&new), &input_label);
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).expect("JSON values serialize")
            )
        }
    };
    super::print_stdout(&report)?;
    Ok(if args.fail_on_change && diff.changed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

fn decimal(v: &Value<'_>) -> Option<rust_decimal::Decimal> {
    match v {
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// Without orders: regions of possible orders whose decisions the change moves, each
/// with an example order checked against both rule files.
fn symbolic(args: &Args, old: &Side, new: &Side) -> Result<Exit, CliError> {
    let changes = crate::analysis::diff::symbolic(&old.set, &new.set, 12)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let text = match args.format {
        Format::Json => {
            let items: Vec<serde_json::Value> = changes
                .iter()
                .map(|c| json!({"decision": c.decision, "from": c.from, "to": c.to, "example": c.example, "orders": c.region}))
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(
                    &json!({"old": old.label, "new": new.label, "changes": items})
                )
                .expect("JSON values serialize")
            )
        }
        Format::Human => {
            let mut out = format!(
                "{} -> {} (no orders given: example orders whose decisions change)\n",
                old.label, new.label
            );
            if changes.is_empty() {
                out.push_str("no order changes any decision\n");
            }
            let show = |v: &[String]| {
                if v.is_empty() {
                    "(empty)".to_string()
                } else {
                    v.join(";")
                }
            };
            for c in &changes {
                out.push_str(&format!(
                    "{}: {} -> {}\n  for example {}\n  orders with {}\n",
                    c.decision,
                    show(&c.from),
                    show(&c.to),
                    c.example,
                    c.region
                ));
            }
            out
        }
    };
    super::print_stdout(&text)?;
    Ok(if args.fail_on_change && !changes.is_empty() {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

/// Reads and checks one side: a file, standard input, or `REV:PATH` through `git show`.
fn load(arg: &str, now: &NowArg) -> Result<Side, CliError> {
    let path = Path::new(arg);
    let source = if arg == "-" || path.exists() || !arg.contains(':') {
        read_source(path)?
    } else {
        git_show(arg)?
    };
    match crate::load(&source) {
        Ok(mut set) => {
            now.apply(&mut set)?;
            let label = match (&set.name, &set.version) {
                (Some(n), Some(v)) => format!("{} ({n} {v})", source.name()),
                (Some(n), None) => format!("{} ({n})", source.name()),
                _ => source.name().to_string(),
            };
            Ok(Side { label, set })
        }
        Err(diags) => {
            print_human(&diags, &source);
            Err(CliError::RulesHaveErrors(source.name().to_string()))
        }
    }
}

/// A rule file as of a git revision: `git show REV:PATH`.
fn git_show(spec: &str) -> Result<Source, CliError> {
    let read_err = |reason: String| CliError::Read {
        path: spec.to_string(),
        reason,
    };
    let out = Command::new("git")
        .args(["show", spec])
        .output()
        .map_err(|e| read_err(format!("cannot run `git show`: {e}")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(read_err(format!(
            "neither a file nor a git revision (`git show` says: {})",
            msg.trim()
        )));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| read_err("the file is not UTF-8 at that revision".into()))?;
    Ok(Source::new(spec, text))
}

/// The fields both rule sets read: the old set's in order, then the new set's others.
/// A field is optional for the reader only if it is optional wherever it is declared.
/// Also returns, for each field of the new set, its place in the union.
fn union_specs(old: &RuleSet, new: &RuleSet) -> (Vec<(String, bool)>, Vec<usize>) {
    let mut specs = input::field_specs(old);
    let mut map = Vec::with_capacity(new.fields.len());
    for (name, optional) in input::field_specs(new) {
        match specs.iter().position(|(n, _)| *n == name) {
            Some(i) => {
                specs[i].1 &= optional;
                map.push(i);
            }
            None => {
                map.push(specs.len());
                specs.push((name, optional));
            }
        }
    }
    (specs, map)
}

/// Copies the new rule set's fields out of a record read with the union of fields.
fn remap(raw: &RawOrder, map: &[usize], out: &mut RawOrder) {
    out.clear(map.len());
    out.line = raw.line;
    out.problem.clone_from(&raw.problem);
    for (i, &u) in map.iter().enumerate() {
        match raw.raw(u) {
            RawText::Blank => {}
            RawText::Text(s) => out.set_text(i, s),
            RawText::List(items) => out.set_list(i, items),
        }
    }
}
