//! A typed order: one value per declared field, borrowed from the input record.

use rust_decimal::Decimal;

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
