//! Raw text → typed values, following LANGUAGE.md "How raw values are read".

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{InputError, Problem, RawOrder, RawValue};
use crate::check::{FieldType, RuleSet};
use crate::decide::{Order, Value};

/// Types every field of a raw order; all problems of the order are reported together.
pub fn typed<'a>(set: &RuleSet, raw: &'a RawOrder) -> Result<Order<'a>, InputError> {
    // A record that could not be read whole says so alone; its fields' blanks are noise.
    if let Some(p) = &raw.problem {
        return Err(InputError {
            line: raw.line,
            problems: vec![p.clone()],
        });
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut values = Vec::with_capacity(set.fields.len());
    for (id, field) in set.fields.iter().enumerate() {
        match value(&field.ty, field.optional, raw.get(id)) {
            Ok(v) => values.push(v),
            Err((raw_text, reason)) => {
                problems.push(Problem::field(&field.name, raw_text.as_deref(), reason));
                values.push(Value::Missing);
            }
        }
    }
    if problems.is_empty() {
        Ok(Order { values })
    } else {
        Err(InputError {
            line: raw.line,
            problems,
        })
    }
}

type Bad = (Option<String>, String);

fn value<'a>(ty: &FieldType, optional: bool, raw: RawValue<'a>) -> Result<Value<'a>, Bad> {
    let text = match raw {
        RawValue::Blank if *ty == FieldType::Tags => return Ok(Value::Missing),
        RawValue::Blank if optional => return Ok(Value::Missing),
        RawValue::Blank => return Err((None, "required value is blank".into())),
        RawValue::List(items) => {
            return if *ty == FieldType::Tags {
                let tags: Vec<&str> = items.into_iter().filter(|t| !t.is_empty()).collect();
                Ok(if tags.is_empty() {
                    Value::Missing
                } else {
                    Value::Tags(tags)
                })
            } else {
                let shown = format!("[{}]", items.join(", "));
                Err((
                    Some(shown),
                    format!("a list where a {} value was expected", ty.describe()),
                ))
            };
        }
        RawValue::Text(s) => s,
    };
    let bad = |reason: String| Err((Some(text.to_string()), reason));
    match ty {
        FieldType::Text => Ok(Value::Text(text)),
        FieldType::OneOf(values) => match values.iter().position(|v| v == text) {
            Some(i) => Ok(Value::Enum(
                u32::try_from(i).expect("a one-of set is small"),
            )),
            None => bad(format!("not one of {}", values.join(", "))),
        },
        FieldType::Decimal => match parse_decimal(text) {
            Some(d) => Ok(Value::Decimal(d)),
            None => bad("not a decimal".into()),
        },
        FieldType::Bool => match parse_bool(text) {
            Some(b) => Ok(Value::Bool(b)),
            None => bad("not true/false, yes/no, y/n or 1/0".into()),
        },
        FieldType::Tags => {
            let tags: Vec<&str> = text
                .split([';', ','])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            Ok(if tags.is_empty() {
                Value::Missing
            } else {
                Value::Tags(tags)
            })
        }
    }
}

/// `1299`, `1299.00`, `-5.5`, `+3`; JSON numbers in exponent form (`1.5e3`) too.
/// Never via floating point.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let plain = s.strip_prefix('+').unwrap_or(s);
    let ok_chars = |t: &str| {
        let t = t.strip_prefix('-').unwrap_or(t);
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.matches('.').count() <= 1
            && t.chars().next().is_some_and(|c| c.is_ascii_digit())
            && !t.ends_with('.')
    };
    if ok_chars(plain) {
        return Decimal::from_str(plain).ok();
    }
    if plain.contains(['e', 'E']) {
        return Decimal::from_scientific(plain).ok();
    }
    None
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_and_strict() {
        assert_eq!(parse_decimal("1299.00"), Some(Decimal::new(129_900, 2)));
        assert_eq!(parse_decimal("-5.5"), Some(Decimal::new(-55, 1)));
        assert_eq!(parse_decimal("+3"), Some(Decimal::new(3, 0)));
        assert_eq!(parse_decimal("1.5e3"), Some(Decimal::new(1500, 0)));
        for bad in [
            "12,00x", "1.2.3", "", ".5", "5.", "1_000", "abc", "--1", "¥12",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn bools_take_the_usual_spellings_in_any_case() {
        for t in ["true", "YES", "y", "1", "True"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for f in ["false", "No", "N", "0"] {
            assert_eq!(parse_bool(f), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
    }
}
