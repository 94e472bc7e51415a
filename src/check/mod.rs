//! Stage 2: syntax tree → [`RuleSet`]: names resolved, tests typed, every error collected.

mod cond;
pub mod err;
mod items;
pub mod model;
mod time;

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

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_list_help_is_the_same_on_every_run() {
        let text = "fields { id text, key  x text }\nlist b = [\"1\"]\nlist a = [\"2\"]\n\
                    decision d: first\nrule r when x in nothing_like_these then d \"v\"\n";
        let file = crate::syntax::parse(text).expect("parses");
        let errors = super::check(&file).expect_err("the list is unknown");
        assert_eq!(errors[0].help.as_deref(), Some("known: a, b"));
    }
}
