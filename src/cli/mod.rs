//! The command line: clap definitions and one module per subcommand.

mod check;
mod compile;
mod diff;
mod explain;
mod fmt;
mod profiles;
mod run;
mod test;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{Diag, render};
use crate::source::Source;

/// Exit codes, the same for every subcommand (see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done, nothing to report.
    Ok = 0,
    /// Rule errors (or denied warnings), failed tests, or differences found.
    Failed = 1,
    /// Usage error, or a file that cannot be read at all.
    Usage = 2,
    /// The run finished but some orders had bad input.
    Invalid = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// An error that ends a command before it could do its work: exit code 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CliError {
    #[error("cannot read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot write `{path}`: {reason}")]
    Write { path: String, reason: String },
    #[error("{0}")]
    #[diagnostic(help("see `routebook help`"))]
    Usage(String),
    #[error("`{0}` has errors")]
    RulesHaveErrors(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(crate::input::FatalError),
}

#[derive(Parser)]
#[command(
    name = "routebook",
    version,
    about = "Check, compile and run order-routing rules"
)]
#[command(propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Check(check::Args),
    Run(run::Args),
    Compile(compile::Args),
    Explain(explain::Args),
    Test(test::Args),
    Diff(diff::Args),
    Fmt(fmt::Args),
    Profiles(profiles::Args),
}

/// Parses the arguments, runs the subcommand, and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let result = match cli.command {
        Command::Check(a) => check::run(&a),
        Command::Run(a) => run::run(&a),
        Command::Compile(a) => compile::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Test(a) => test::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Fmt(a) => fmt::run(&a),
        Command::Profiles(a) => profiles::run(&a),
    };
    match result {
        Ok(code) => code.into(),
        Err(CliError::RulesHaveErrors(_)) => Exit::Failed.into(),
        Err(e) => {
            if is_broken_pipe(&e) {
                return Exit::Ok.into();
            }
            eprintln!("{:?}", miette::Report::new(e));
            Exit::Usage.into()
        }
    }
}

/// Prints command output; a closed pipe (`| head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Write {
            path: "standard output".into(),
            reason: e.to_string(),
        })
}

fn is_broken_pipe(e: &CliError) -> bool {
    matches!(e, CliError::Write { reason, .. } if reason.contains("Broken pipe"))
}

/// Reads a rule file (`-` is standard input).
pub fn read_source(path: &Path) -> Result<Source, CliError> {
    let read_err = |e: std::io::Error| CliError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(read_err)?;
        return Ok(Source::new("<stdin>", text));
    }
    let text = std::fs::read_to_string(path).map_err(read_err)?;
    Ok(Source::new(path.display().to_string(), text))
}

/// The entries of a folder, sorted.
pub fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| CliError::Read {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut found: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    found.sort();
    Ok(found)
}

/// Whether a path names a rule file.
pub fn is_rule_file(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "rules")
}

/// Expands folders into the `.rules` files they hold, sorted, so `check rules/` works.
pub fn expand_rule_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(list_dir(p)?.into_iter().filter(|f| is_rule_file(f)));
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `--now`, for every command that decides orders.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct NowArg {
    /// The moment `older than` and `within` measure from, such as
    /// `2026-12-01T02:00:00+08:00` (without an offset: in the rule set's time zone).
    /// Default: when the command starts. Give it to make a run repeatable.
    #[arg(long, value_name = "TIME", env = "ROUTEBOOK_NOW")]
    pub now: Option<String>,
}

impl NowArg {
    /// Sets the rule set's clock to the given moment.
    pub fn apply(&self, set: &mut crate::check::RuleSet) -> Result<(), CliError> {
        if let Some(text) = &self.now {
            set.clock
                .set_now(text)
                .map_err(|e| CliError::Usage(format!("`--now {text}`: {}", e.reason())))?;
        }
        Ok(())
    }
}

/// Loads rules for a command that needs them whole, its clock set to `--now`;
/// diagnostics go to stderr.
pub fn load_rules(path: &Path, now: &NowArg) -> Result<(Source, crate::check::RuleSet), CliError> {
    let source = read_source(path)?;
    match crate::load(&source) {
        Ok(mut set) => {
            now.apply(&mut set)?;
            Ok((source, set))
        }
        Err(diags) => {
            print_human(&diags, &source);
            Err(CliError::RulesHaveErrors(path.display().to_string()))
        }
    }
}

pub fn print_human(diags: &[Diag], source: &Source) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        eprint!("{}", render(d, source, color));
    }
}

/// Opens an export for the given fields: through a profile when one is named, else with
/// the fast readers, whose columns are the field names.
pub fn open_export(
    path: &Path,
    format: Option<crate::input::Format>,
    profile: Option<&str>,
    fields: &[(String, bool)],
    tags: impl Fn(&str) -> bool,
) -> Result<Box<dyn crate::input::Reader>, CliError> {
    match profile {
        Some(spec) => {
            let profile = crate::profile::load(spec).map_err(CliError::Input)?;
            crate::profile::open(path, format, profile, fields, tags).map_err(CliError::Input)
        }
        None => {
            let format = format.unwrap_or_else(|| crate::input::Format::from_path(path));
            crate::input::open(path, format, fields).map_err(CliError::Input)
        }
    }
}
