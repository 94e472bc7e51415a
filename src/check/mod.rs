//! Stage 2: syntax tree → [`RuleSet`]: names resolved, tests typed, every error collected.

mod cond;
pub mod err;
mod items;
pub mod model;

pub use model::*;

use crate::diag::Diag;
use crate::syntax::ast;

/// Checks a parsed file. Reports every error of the file, not only the first.
pub fn check(file: &ast::File) -> Result<RuleSet, Vec<Diag>> {
    let mut cx = items::Checker::default();
    let set = cx.check_file(file);
    if cx.errors.is_empty() {
        Ok(set.expect("a file without errors yields a rule set"))
    } else {
        cx.errors.sort_by_key(|d| d.span.start);
        Err(cx.errors)
    }
}
