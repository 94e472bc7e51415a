//! Check errors: every kind the checker reports, worded for the person editing the file.

use super::FieldType;
use crate::diag::Diag;
use crate::source::Span;

/// The closest known name to a misspelt one, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

pub fn unknown<'a>(
    code: &'static str,
    what: &str,
    name: &str,
    span: Span,
    known: impl IntoIterator<Item = &'a str> + Clone,
) -> Diag {
    let d = Diag::error(code, span, format!("unknown {what} `{name}`"))
        .label(format!("no {what} of this name"));
    match did_you_mean(name, known.clone()) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => {
            let all: Vec<&str> = known.into_iter().collect();
            if all.is_empty() {
                d.help(format!("no {what} is declared in this file"))
            } else {
                d.help(format!("known: {}", all.join(", ")))
            }
        }
    }
}

pub fn duplicate(what: &str, name: &str, span: Span, first: Span) -> Diag {
    Diag::error(
        "duplicate-name",
        span,
        format!("{what} `{name}` is declared twice"),
    )
    .label("declared again here")
    .related(first, "first declared here")
    .help(format!(
        "{what} names must be unique in a file; rename or remove one"
    ))
}

pub fn not_in_set(value: &str, field: &str, allowed: &[String], span: Span) -> Diag {
    let d = Diag::error("unknown-value", span, format!("`{value}` is not a {field}"))
        .label("not one of the field's values");
    let expected = format!("expected one of {}", allowed.join(", "));
    match did_you_mean(value, allowed.iter().map(String::as_str)) {
        Some(s) => d.help(format!("did you mean `{s}`? {expected}")),
        None => d.help(expected),
    }
}

pub fn wrong_test(op: &str, field: &str, ty: &FieldType, span: Span) -> Diag {
    let shown = ty.describe();
    Diag::error(
        "type-mismatch",
        span,
        format!("`{op}` does not apply to {shown} field `{field}`"),
    )
    .label(format!("`{field}` is {shown}"))
    .help(ty.takes())
}

pub fn wrong_literal(field: &str, ty: &str, found: &str, expected: &str, span: Span) -> Diag {
    Diag::error(
        "type-mismatch",
        span,
        format!("{ty} field `{field}` is compared with {found}"),
    )
    .label(format!("expected {expected}"))
}
