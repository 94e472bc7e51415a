//! `routebook compile`: show the compiled decision tree.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{CliError, Exit, load_rules};
use crate::compile::{compile, to_dot, to_text};

/// Show the compiled decision tree as text or Graphviz.
///
/// Example: routebook compile rules/kids-apparel.rules --emit dot | dot -Tsvg > tree.svg
#[derive(clap::Args)]
pub struct Args {
    /// The rule file.
    rules: PathBuf,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Emit::Tree)]
    emit: Emit,
}

#[derive(Clone, Copy, ValueEnum)]
enum Emit {
    Tree,
    Dot,
}

pub fn run(args: &Args) -> Result<Exit, CliError> {
    let (_, set) = load_rules(&args.rules, &super::NowArg::default())?;
    let tree = compile(&set);
    let text = match args.emit {
        Emit::Tree => to_text(&set, &tree),
        Emit::Dot => to_dot(&set, &tree),
    };
    super::print_stdout(&text)?;
    Ok(Exit::Ok)
}
