//! Routebook: a compiler and runner for order-routing rules.
//!
//! A rule file goes through the stages in order, each in its own module:
//!
//! 1. [`syntax`] parses the text (grammar in `grammar/routebook.pest`) into a syntax tree;
//! 2. [`check`] resolves names and types into a [`check::RuleSet`], collecting every error;
//! 3. [`compile`] turns the rule set into a decision tree: a flat table of nodes that
//!    examines each field of an order at most once;
//! 4. [`decide`] walks the tree for one order (and keeps a rule-by-rule reference
//!    evaluator that the tree is tested against);
//!
//! while [`input`] reads orders from CSV, JSON and JSON Lines exports and [`output`]
//! writes one decision record per order. [`cli`] ties the stages to the subcommands.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod compile;
pub mod decide;
pub mod diag;
pub mod fmt;
pub mod input;
pub mod output;
pub mod profile;
pub mod source;
pub mod syntax;
pub mod time;
pub mod words;

use diag::Diag;
use source::Source;

/// Parses and checks one rule file.
pub fn load(source: &Source) -> Result<check::RuleSet, Vec<Diag>> {
    let file = syntax::parse(source.text())
        .map_err(|errs| errs.into_iter().map(Diag::from).collect::<Vec<_>>())?;
    check::check(&file)
}
