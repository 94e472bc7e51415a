//! A typed order: one value per declared field, borrowed from the input record.

use rust_decimal::Decimal;

use crate::check::{Part, RuleSet};
use crate::time::Clock;

/// A field's value, already parsed for the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Blank in an optional field; for tags, the empty set.
    Missing,
    Text(&'a str),
    /// Index into the field's `one of` values.
    Enum(u32),
    Decimal(Decimal),
    Bool(bool),
    /// Never empty: an empty set is [`Value::Missing`].
    Tags(Vec<&'a str>),
}

/// One order, values indexed by field id.
#[derive(Debug, Clone, PartialEq)]
pub struct Order<'a> {
    pub values: Vec<Value<'a>>,
}

/// Appends the values of the derived fields (`hour of placed_at`, the age behind `older
/// than`) to an order's declared values: computed from the datetime with the rule set's
/// clock, missing where the datetime is.
pub fn derive_values(set: &RuleSet, values: &mut Vec<Value<'_>>) {
    for field in &set.fields[set.declared..] {
        let d = field
            .derived
            .expect("fields after the declared ones are derived");
        let v = match values[d.of] {
            Value::Decimal(t) => derived(&set.clock, d.part, t),
            _ => Value::Missing,
        };
        values.push(v);
    }
}

/// One derived value of a present instant.
pub fn derived(clock: &Clock, part: Part, instant: Decimal) -> Value<'static> {
    match part {
        Part::Age => Value::Decimal(clock.age(instant)),
        Part::Hour => Value::Decimal(clock.hour(instant)),
        Part::Weekday => Value::Enum(clock.weekday(instant)),
    }
}
