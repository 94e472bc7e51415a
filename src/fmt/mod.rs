//! `routebook fmt`: the canonical layout of a rule file, printed from its syntax tree
//! with every comment kept in place.
//!
//! The layout: items in file order; field names, list names and decision names each
//! aligned in a column, with their end-of-line comments aligned too; a rule's `when` and
//! `then` on their own lines, indented two spaces; a condition longer than
//! [`lines::MAX_WIDTH`] columns, or with comments inside, broken before each top-level
//! `and` / `or`; one space around operators; strings re-escaped, numbers as written;
//! blank lines where the source had them between items and fields (at most one), and
//! always around rules and the fields block.
//!
//! Comments are found by scanning the source ([`comments::scan`]) and attached to the
//! printed line whose source holds them or follows them, so their order never changes.

pub mod comments;
mod layout;
mod lines;
mod text;

pub use comments::Comment;

use crate::syntax::{self, SyntaxError};

/// Formats one rule file. A file that does not parse is not touched: its syntax errors
/// come back instead.
pub fn format(text: &str) -> Result<String, Vec<SyntaxError>> {
    let file = syntax::parse(text)?;
    let comments = comments::scan(text);
    let lines = lines::lines(&file, text, &comments);
    Ok(layout::render(text, &lines, &comments))
}
