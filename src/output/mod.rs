//! Output: one decision record per order (CSV, JSON Lines, JSON) and the run summary.

mod csv;
pub mod diff;
mod json;
pub mod summary;

use std::io::{self, Write};

use crate::check::RuleSet;
use crate::decide::Outcome;
use crate::decide::reference::RuleTrace;
use crate::input::InputError;
use crate::source::Source;

pub use summary::Summary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
    Json,
}

/// One order's record: its key and either its outcome or why its input was bad.
pub struct Record<'a> {
    /// The key's text, as bytes (UTF-8): a CSV row read in place has them, and turning
    /// them back into a `&str` checks them again, once per order.
    pub key: &'a [u8],
    pub result: Result<&'a Outcome, &'a InputError>,
    /// With `--explain`: every rule's evaluated tests.
    pub explain: Option<&'a [RuleTrace]>,
}

/// Writes records in input order, as an [`Encoder`] of the same format and layout made
/// them: the writer adds only what frames them (the CSV header, a JSON array's brackets).
pub trait Writer {
    /// Writes records that an [`Encoder`] of the same format and layout made.
    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()>;
    fn finish(&mut self) -> io::Result<()>;
}

/// Turns records into the bytes a [`Writer`] writes, apart from any stream, so that
/// worker threads can encode their orders and one thread write the bytes in order.
pub trait Encoder {
    /// Appends one record to `out`. `outcome` numbers the record's outcome among those
    /// the caller has met (see `decide::Outcomes`): what every order of that outcome
    /// shares is then formatted once.
    fn record(&mut self, rec: &Record<'_>, outcome: Option<u32>, out: &mut Vec<u8>);
}

/// What every writer needs to know about the rule set to name columns and rules.
#[derive(Clone, Copy)]
pub struct Layout<'s> {
    pub set: &'s RuleSet,
    pub source: &'s Source,
    pub explain: bool,
}

impl Layout<'_> {
    /// Column names in order: key, each decision and its rules, error, then provenance.
    pub fn columns(&self) -> Vec<String> {
        let mut cols = vec![self.set.fields[self.set.key].name.clone()];
        for d in &self.set.decisions {
            cols.push(d.name.clone());
            cols.push(format!("{}_rules", d.name));
        }
        cols.push("error".into());
        if self.explain {
            cols.push("explain".into());
        }
        if self.set.name.is_some() {
            cols.push("ruleset".into());
        }
        if self.set.version.is_some() {
            cols.push("version".into());
        }
        if self.now().is_some() {
            cols.push("now".into());
        }
        cols
    }

    /// The "now" a rule set with datetime fields decided by, as every record states it.
    pub fn now(&self) -> Option<String> {
        self.set.uses_time().then(|| self.set.clock.now_text())
    }

    pub fn rule_names<'r>(&'r self, rules: &'r [usize]) -> impl Iterator<Item = &'r str> + 'r {
        rules.iter().map(|r| self.set.rules[*r].name.as_str())
    }

    /// One line per rule: `name: matched` or `name: no (first failed: amount > 2000)`.
    pub fn explain_text(&self, traces: &[RuleTrace]) -> String {
        traces
            .iter()
            .map(|t| {
                let name = &self.set.rules[t.rule].name;
                if t.matched {
                    format!("{name}: matched")
                } else {
                    let why = t
                        .first_failed()
                        .map(|s| self.source.slice(s))
                        .unwrap_or("its condition");
                    format!("{name}: no ({why} is false)")
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// An encoder for a writer of the given format and layout.
pub fn encoder<'s>(format: Format, layout: Layout<'s>) -> Box<dyn Encoder + 's> {
    match format {
        Format::Csv => Box::new(csv::CsvEncoder::new(layout)),
        Format::Jsonl => Box::new(json::JsonEncoder::new(layout, false)),
        Format::Json => Box::new(json::JsonEncoder::new(layout, true)),
    }
}

/// Opens a writer of the given format.
pub fn writer<'s>(
    format: Format,
    out: Box<dyn Write + 's>,
    layout: Layout<'s>,
) -> Box<dyn Writer + 's> {
    match format {
        Format::Csv => Box::new(csv::CsvWriter::new(out, layout)),
        Format::Jsonl => Box::new(json::JsonWriter::new(out, false)),
        Format::Json => Box::new(json::JsonWriter::new(out, true)),
    }
}
