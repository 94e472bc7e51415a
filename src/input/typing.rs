//! Raw text → typed values, following LANGUAGE.md "How raw values are read".

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{InputError, Problem, RawOrder, RawValue};
use crate::check::{FieldType, RuleSet};
use crate::decide::{Order, Value, derive_values};
use crate::time::{Clock, parse_instant, seconds};

/// Types every field of a raw order; all problems of the order are reported together.
pub fn typed<'a>(set: &RuleSet, raw: &'a RawOrder) -> Result<Order<'a>, InputError> {
    Typer::default().typed(set, raw)
}

/// Types orders one after another, reusing the memory of the orders it is given back,
/// so that typing allocates nothing per order once warmed up.
#[derive(Default)]
pub struct Typer {
    values: Vec<Value<'static>>,
    tags: Vec<Vec<&'static str>>,
}

/// An empty vector with the allocation of `v`, for borrowing from another record.
/// (Collecting an emptied `vec::IntoIter` into a vector of a same-sized type reuses the
/// allocation.)
fn reuse_values<'b>(mut v: Vec<Value<'_>>) -> Vec<Value<'b>> {
    v.clear();
    v.into_iter()
        .map(|_| -> Value<'b> { unreachable!("the vector is empty") })
        .collect()
}

fn reuse_tags<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter()
        .map(|_| -> &'b str { unreachable!("the vector is empty") })
        .collect()
}

impl Typer {
    /// Types every field of a raw order; all problems of the order are reported together.
    pub fn typed<'a>(&mut self, set: &RuleSet, raw: &'a RawOrder) -> Result<Order<'a>, InputError> {
        // A record that could not be read whole says so alone; its fields' blanks are noise.
        if let Some(p) = &raw.problem {
            return Err(InputError {
                line: raw.line,
                problems: vec![p.clone()],
            });
        }
        let mut problems: Vec<Problem> = Vec::new();
        let mut values = reuse_values(std::mem::take(&mut self.values));
        let tags = &mut self.tags;
        let mut fresh = || tags.pop().map(reuse_tags).unwrap_or_default();
        for (id, field) in set.inputs().iter().enumerate() {
            match value(
                &field.ty,
                field.optional,
                raw.get(id),
                &set.clock,
                &mut fresh,
            ) {
                Ok(v) => values.push(v),
                Err((raw_text, reason)) => {
                    problems.push(Problem::field(&field.name, raw_text.as_deref(), reason));
                    values.push(Value::Missing);
                }
            }
        }
        derive_values(set, &mut values);
        if problems.is_empty() {
            Ok(Order { values })
        } else {
            self.recycle(Order { values });
            Err(InputError {
                line: raw.line,
                problems,
            })
        }
    }

    /// Takes back an order's memory for the next one. (Each tag list came from the
    /// pool, so the pool never grows past the tag fields of one order.)
    pub fn recycle(&mut self, order: Order<'_>) {
        let mut values = order.values;
        for v in values.drain(..) {
            if let Value::Tags(t) = v {
                self.tags.push(reuse_tags(t));
            }
        }
        self.values = reuse_values(values);
    }
}

type Bad = (Option<String>, String);

fn value<'a>(
    ty: &FieldType,
    optional: bool,
    raw: RawValue<'a>,
    clock: &Clock,
    fresh: &mut dyn FnMut() -> Vec<&'a str>,
) -> Result<Value<'a>, Bad> {
    let text = match raw {
        RawValue::Blank if *ty == FieldType::Tags => return Ok(Value::Missing),
        RawValue::Blank if optional => return Ok(Value::Missing),
        RawValue::Blank => return Err((None, "required value is blank".into())),
        RawValue::List(items) => {
            return if *ty == FieldType::Tags {
                let mut tags = fresh();
                tags.extend(items.into_iter().filter(|t| !t.is_empty()));
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
        FieldType::DateTime => match parse_instant(text, &clock.zone) {
            Ok(t) => Ok(Value::Decimal(seconds(t))),
            Err(e) => bad(e.reason()),
        },
        FieldType::Bool => match parse_bool(text) {
            Some(b) => Ok(Value::Bool(b)),
            None => bad("not true/false, yes/no, y/n or 1/0".into()),
        },
        FieldType::Tags => {
            let mut tags = fresh();
            tags.extend(
                text.split([';', ','])
                    .map(str::trim)
                    .filter(|t| !t.is_empty()),
            );
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
    // Digits with at most one `.` between digits, after an optional `-`: one pass.
    let plain_number = |t: &str| {
        let t = t.strip_prefix('-').unwrap_or(t).as_bytes();
        let mut dot = false;
        t.first().is_some_and(u8::is_ascii_digit)
            && t.last().is_some_and(u8::is_ascii_digit)
            && t.iter()
                .all(|b| b.is_ascii_digit() || (*b == b'.' && !std::mem::replace(&mut dot, true)))
    };
    if plain_number(plain) {
        return Decimal::from_str(plain).ok();
    }
    if plain.contains(['e', 'E']) {
        return Decimal::from_scientific(plain).ok();
    }
    None
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" => return Some(true),
        "false" => return Some(false),
        _ => {}
    }
    let is = |words: [&str; 4]| words.iter().any(|w| s.eq_ignore_ascii_case(w));
    if is(["true", "yes", "y", "1"]) {
        Some(true)
    } else if is(["false", "no", "n", "0"]) {
        Some(false)
    } else {
        None
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
