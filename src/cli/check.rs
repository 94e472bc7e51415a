//! `routebook check`: parse, type-check and analyse rule files.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{CliError, Exit, NowArg, expand_rule_paths, print_human, read_source};
use crate::analysis::{self, Kind};
use crate::diag::{Diag, Level};

/// Check rule files: syntax, names, types and values, then what the rules do across all
/// orders (impossible, shadowed and redundant rules, gaps, conflicts).
///
/// Example: routebook check rules/ --format github
#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders of them (`-` reads standard input).
    #[arg(required = true)]
    rules: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as failures (`--deny warnings`).
    #[arg(long, value_name = "warnings")]
    deny: Option<Deny>,
    /// Do not report this kind of warning (repeatable): unsatisfiable, unreachable,
    /// redundant, gap, conflict, always-true, repeated-test, analysis-incomplete.
    #[arg(long, value_name = "KIND", value_parser = kind)]
    allow: Vec<Kind>,
    /// Also report this kind of warning (repeatable); `conflicts` is off by default.
    #[arg(long, value_name = "KIND", value_parser = kind)]
    warn: Vec<Kind>,
    #[command(flatten)]
    now: NowArg,
}

/// One SARIF run of routebook with its results, and each code that occurs as a rule.
fn sarif_log(results: Vec<serde_json::Value>) -> serde_json::Value {
    let mut codes: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| serde_json::json!({"id": c, "name": c}))
        .collect();
    serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "routebook",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count characters, as in `--format json`.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn kind(s: &str) -> Result<Kind, String> {
    Kind::from_code(s).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        format!(
            "unknown warning kind `{s}`; expected one of {}",
            all.join(", ")
        )
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for code scanning (GitHub's upload-sarif, other SARIF viewers).
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum Deny {
    Warnings,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let mut errors = 0;
    let mut warnings = 0;
    let mut json = Vec::new();
    let paths = expand_rule_paths(&args.rules)?;
    let mut options = analysis::Options::default();
    options.kinds.extend(args.warn.iter().copied());
    options.kinds.retain(|k| !args.allow.contains(k));
    for path in &paths {
        let source = read_source(path)?;
        let diags: Vec<Diag> = match crate::load(&source) {
            Ok(mut set) => {
                args.now.apply(&mut set)?;
                analysis::analyse(&set, &options)
            }
            Err(d) => d,
        };
        errors += diags.iter().filter(|d| d.level == Level::Error).count();
        warnings += diags.iter().filter(|d| d.level == Level::Warning).count();
        match args.format {
            Format::Human => print_human(&diags, &source),
            Format::Json => json.extend(diags.iter().map(|d| d.to_json(&source))),
            Format::Sarif => json.extend(diags.iter().map(|d| d.to_sarif(&source))),
            Format::Github => diags
                .iter()
                .for_each(|d| println!("{}", d.to_github(&source))),
        }
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json).expect("JSON values serialize")
        ),
        Format::Sarif => println!(
            "{}",
            serde_json::to_string_pretty(&sarif_log(json)).expect("JSON values serialize")
        ),
        Format::Human | Format::Github => {}
    }
    eprintln!(
        "checked {} file{}: {errors} error{}, {warnings} warning{}",
        paths.len(),
        plural(paths.len()),
        plural(errors),
        plural(warnings)
    );
    let denied = args.deny.is_some() && warnings > 0;
    Ok(if errors > 0 || denied {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
