//! `routebook fmt`: rewrite rule files in the canonical layout, keeping every comment.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Exit, expand_rule_paths, print_human, print_stdout, read_source};
use crate::diag::Diag;

/// Rewrite rule files in the canonical layout, keeping comments.
///
/// Example: routebook fmt --check rules/
#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders of them (`-` reads standard input and writes standard output).
    #[arg(required = true)]
    rules: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 1 if any would.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let paths = expand_rule_paths(&args.rules)?;
    let mut broken = 0;
    let mut changed = Vec::new();
    for path in &paths {
        let source = read_source(path)?;
        let formatted = match crate::fmt::format(source.text()) {
            Ok(f) => f,
            Err(errs) => {
                let diags: Vec<Diag> = errs.into_iter().map(Diag::from).collect();
                print_human(&diags, &source);
                broken += 1;
                continue;
            }
        };
        let stdin = path == Path::new("-");
        if formatted != source.text() {
            changed.push(source.name().to_string());
        }
        if args.check {
            continue;
        }
        if stdin {
            print_stdout(&formatted)?;
        } else if formatted != source.text() {
            write_atomically(path, &formatted)?;
        }
    }
    if args.check {
        for name in &changed {
            println!("{name}");
        }
        if !changed.is_empty() {
            eprintln!(
                "{} of {} file{} would be reformatted (run `routebook fmt` on them)",
                changed.len(),
                paths.len(),
                super::check::plural(paths.len())
            );
        }
    } else if paths.iter().any(|p| p != Path::new("-")) {
        eprintln!(
            "formatted {} file{}: {} changed",
            paths.len(),
            super::check::plural(paths.len()),
            changed.len()
        );
    }
    if broken > 0 {
        eprintln!(
            "{broken} file{} not formatted: fix the syntax errors first",
            super::check::plural(broken)
        );
    }
    Ok(if broken > 0 || (args.check && !changed.is_empty()) {
        Exit::Failed
    } else {
        Exit::Ok
    })
}

/// Replaces a file through a temporary file beside it, so an interrupted `fmt` never
/// leaves half a rule file behind.
fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    let err = |e: std::io::Error| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    temp.write_all(text.as_bytes()).map_err(err)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(temp.path(), meta.permissions());
    }
    temp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
