//! Syntax errors: what the parser expected, in the words of the rule language.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[error("{message}")]
#[diagnostic(code(routebook::syntax))]
pub struct SyntaxError {
    pub message: String,
    #[label("{label}")]
    pub span: Span,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl SyntaxError {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        SyntaxError {
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// How a grammar rule is named to a user: a keyword in backticks or a plain description.
pub fn describe(r: super::parse::Rule) -> Option<&'static str> {
    use super::parse::Rule as R;
    Some(match r {
        R::EOI => "end of file",
        R::header | R::kw_ruleset => "`ruleset`",
        R::fields | R::kw_fields => "`fields`",
        R::list | R::kw_list => "`list`",
        R::decision | R::kw_decision => "`decision`",
        R::rule | R::kw_rule => "`rule`",
        R::kw_version => "`version`",
        R::kw_timezone => "`timezone`",
        R::kw_when => "`when`",
        R::kw_then => "`then`",
        R::kw_default => "`default`",
        R::kw_and => "`and`",
        R::kw_or => "`or`",
        R::kw_of => "`of`",
        R::kw_with => "`with`",
        R::kw_in => "`in`",
        R::kw_missing | R::kw_present => "`missing` or `present`",
        R::policy | R::policy_first | R::policy_highest | R::policy_all => {
            "a hit policy (`first`, `highest [...]` or `all`)"
        }
        R::ident | R::subject | R::type_name | R::modifier | R::list_name => "a name",
        R::rule_name => "a rule name",
        R::field_decl => "a field declaration",
        R::field_type | R::one_of => "a type",
        R::string => "a quoted string",
        R::number => "a number",
        R::datetime => "a date and time",
        R::duration => "a duration",
        R::kw_than => "`than`",
        R::time_part => "`hour of` or `weekday of`",
        R::literal | R::boolean => "a value",
        R::list_literal | R::list_ref => "a list",
        R::cond | R::conj | R::negated | R::test => "a condition",
        R::action => "an action (a decision and a value)",
        R::accept | R::kw_accept => "`accept`",
        R::accept_kind => "a warning kind",
        R::compare => "a comparison",
        R::op_missing
        | R::op_present
        | R::op_between
        | R::op_compare
        | R::op_in
        | R::op_not_in
        | R::op_contains_any
        | R::op_contains
        | R::op_starts_with
        | R::op_ends_with
        | R::op_matches
        | R::op_has_any
        | R::op_has_all
        | R::op_has_none
        | R::op_has
        | R::op_before
        | R::op_after
        | R::op_older_than
        | R::op_within => "a test (`=`, `in`, `contains`, `has`, `between`, ...)",
        _ => return None,
    })
}
