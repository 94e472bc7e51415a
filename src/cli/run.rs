//! `routebook run`: decide every order of an export, one record per order, in input order.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Exit, load_rules};
use crate::compile::compile;
use crate::decide::{Scratch, decide, reference};
use crate::input::{self, RawOrder, typing::typed};
use crate::output::{self, Layout, Record, Summary};

/// Decide every order of an export.
///
/// Example: routebook run rules/crossborder-pets.rules --input examples/crossborder-pets.csv --summary
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    rules: PathBuf,
    /// The export to read (`-` is standard input).
    #[arg(long, short)]
    input: PathBuf,
    /// The export's format; guessed from its extension when not given.
    #[arg(long, value_enum)]
    input_format: Option<input::Format>,
    /// Where to write the records (atomically); standard output when not given.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The records' format.
    #[arg(long, value_enum, default_value_t = output::Format::Csv)]
    format: output::Format,
    /// Add, per order, every rule's evaluated tests.
    #[arg(long)]
    explain: bool,
    /// Print counts per decision value, per rule and per kind of bad input to standard error.
    #[arg(long)]
    summary: bool,
    /// Exit 0 even when some orders had bad input (they still get their records).
    #[arg(long)]
    allow_invalid: bool,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let (source, set) = load_rules(&args.rules)?;
    let tree = compile(&set);
    let format = args
        .input_format
        .unwrap_or_else(|| input::Format::from_path(&args.input));
    let mut reader =
        input::open(&args.input, format, &input::field_specs(&set)).map_err(CliError::Input)?;

    let sink = Sink::open(args.output.as_deref())?;
    let layout = Layout {
        set: &set,
        source: &source,
        explain: args.explain,
    };
    let mut summary = Summary::new(&set);
    let write_err = |e: std::io::Error| CliError::Write {
        path: args
            .output
            .as_ref()
            .map_or("standard output".into(), |p| p.display().to_string()),
        reason: e.to_string(),
    };
    {
        let mut writer = output::writer(args.format, sink.stream().map_err(write_err)?, layout);
        let mut raw = RawOrder::default();
        let mut scratch = Scratch::new(&tree);
        while reader.next(&mut raw).map_err(CliError::Input)? {
            let key = raw.text_of(set.key);
            match typed(&set, &raw) {
                Ok(order) => {
                    let outcome = decide(&set, &tree, &order, &mut scratch);
                    let traces = args
                        .explain
                        .then(|| reference::evaluate_traced(&set, &order).1);
                    summary.add(Ok(&outcome));
                    writer
                        .write(&Record {
                            key,
                            result: Ok(&outcome),
                            explain: traces.as_deref(),
                        })
                        .map_err(write_err)?;
                }
                Err(e) => {
                    summary.add(Err(&e));
                    writer
                        .write(&Record {
                            key,
                            result: Err(&e),
                            explain: None,
                        })
                        .map_err(write_err)?;
                }
            }
        }
        writer.finish().map_err(write_err)?;
    }
    sink.commit().map_err(write_err)?;
    if args.summary {
        eprint!("{}", summary.render(&set));
    } else if summary.invalid > 0 {
        eprintln!(
            "{} of {} orders had bad input; their records carry the error (--summary for counts)",
            summary.invalid, summary.orders
        );
    }
    Ok(if summary.invalid > 0 && !args.allow_invalid {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}

/// Standard output, or a temporary file beside the target that replaces it only when the
/// run completes, so a killed run never leaves a half-written decisions file.
pub enum Sink {
    Stdout,
    File {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
    },
}

impl Sink {
    pub fn open(path: Option<&Path>) -> Result<Sink, CliError> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            return Ok(Sink::Stdout);
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| CliError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(Sink::File {
            temp,
            path: path.to_path_buf(),
        })
    }

    pub fn stream(&self) -> std::io::Result<Box<dyn Write + '_>> {
        Ok(match self {
            Sink::Stdout => Box::new(std::io::stdout().lock()),
            Sink::File { temp, .. } => Box::new(temp.as_file().try_clone()?),
        })
    }

    pub fn commit(self) -> std::io::Result<()> {
        match self {
            Sink::Stdout => std::io::stdout().flush(),
            Sink::File { temp, path } => temp.persist(&path).map(|_| ()).map_err(|e| e.error),
        }
    }
}
