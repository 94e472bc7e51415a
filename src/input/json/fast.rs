//! The usual JSON order, read without building a tree of values.
//!
//! Most orders are one flat object of strings, numbers, booleans and lists of strings,
//! each key once. Those are read straight from the text: declared fields are borrowed
//! and copied into the [`RawOrder`], the rest skipped. Anything else (a syntax error,
//! not an object, an object as a value, a list holding a non-string, a key twice) makes
//! this reader give up, and the general reader, which builds the values, reads the order
//! and says what is wrong with it, exactly as before.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::input::RawOrder;

/// Reads `text` into `out` (cleared, with its line set); `false` when the general
/// reader must do it.
pub fn fill(out: &mut RawOrder, fields: &[(String, bool)], text: &[u8]) -> bool {
    // One UTF-8 check for the whole line: read from a `&str`, serde_json checks no
    // string again (from bytes, it checks each one, which costs more than the rest).
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let order = Order {
        out,
        fields,
        seen: 0,
    };
    de.deserialize_map(order).is_ok() && de.end().is_ok()
}

/// Why the fast reader gave up; never shown, the general reader says what is wrong.
const GIVE_UP: &str = "not a plain order";

struct Order<'o> {
    out: &'o mut RawOrder,
    fields: &'o [(String, bool)],
    /// Declared fields met so far (a bit per field, for the first 128).
    seen: u128,
}

impl<'de> Visitor<'de> for Order<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an order")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let Some(i) = self.fields.iter().position(|(n, _)| *n == *key.0) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let bit = 1u128.checked_shl(u32::try_from(i).unwrap_or(u32::MAX));
            let Some(bit) = bit.filter(|b| self.seen & b == 0) else {
                return Err(de::Error::custom(GIVE_UP));
            };
            self.seen |= bit;
            map.next_value_seed(Field { out: self.out, i })?;
        }
        Ok(())
    }
}

/// A string, borrowed from the text when it has no escapes.
struct Text<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Text(s.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Text(s.to_string().into()))
    }
}

/// One declared field's value, set into the order as it is read.
struct Field<'o> {
    out: &'o mut RawOrder,
    i: usize,
}

impl<'de> DeserializeSeed<'de> for Field<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// The key under which `arbitrary_precision` hands out a number's text.
const NUMBER: &str = "$serde_json::private::Number";

impl<'de> Visitor<'de> for Field<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.out.set_text(self.i, s);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.out.set_text(self.i, if b { "true" } else { "false" });
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    // Integers come as integers even with `arbitrary_precision`; their text is the
    // same as the general reader's `Number` gives. (A float given as `f64` would not
    // be exact: given up; with `arbitrary_precision` floats come as text, below.)
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        self.out.set_text(self.i, &n.to_string());
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.out.set_text(self.i, &n.to_string());
        Ok(())
    }

    /// A number's digits as written (`arbitrary_precision`), or an object: given up.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match map.next_key::<Text<'de>>()? {
            Some(k) if k.0 == NUMBER => {
                let digits = map.next_value::<Text<'de>>()?;
                self.out.set_text(self.i, &digits.0);
                Ok(())
            }
            _ => Err(de::Error::custom(GIVE_UP)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items: Vec<Text<'de>> = Vec::new();
        while let Some(t) = seq.next_element::<Text<'de>>()? {
            items.push(t);
        }
        self.out.set_list(self.i, items.iter().map(|t| &*t.0));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::RawFields;

    /// Each field as the general reader sees it, and the record's problem.
    fn read(text: &str, fast_path: bool) -> (bool, String) {
        let fields: Vec<(String, bool)> = ["id", "amount", "tags", "ok", "note"]
            .iter()
            .map(|f| (f.to_string(), true))
            .collect();
        let mut out = RawOrder::default();
        out.clear(fields.len());
        let fast = fast_path && fill(&mut out, &fields, text.as_bytes());
        if !fast {
            out.clear(fields.len());
            super::super::fill(&mut out, &fields, serde_json::from_str(text));
        }
        let values: Vec<_> = (0..fields.len()).map(|f| out.raw(f)).collect();
        (fast, format!("{values:?} {:?}", out.problem))
    }

    #[test]
    fn reads_plain_orders_fast_and_exactly_like_the_general_reader() {
        for text in [
            r#"{"id": "A1", "amount": 1299, "tags": ["a", "b"], "ok": true, "note": null}"#,
            r#"{"id": "A\u00e9\"1", "amount": "12.50", "tags": [], "ok": false, "x": {"y": [1]}}"#,
            r#"{"amount": 1.5e3, "id": " padded ", "tags": "a;b", "extra": [1, {"z": 2}]}"#,
            r#"{"amount": -0, "ok": "yes", "n\u006fte": "escaped key"}"#,
            r#"{"amount": -12, "id": "B"}"#,
            r#"{"amount": 18446744073709551616, "id": "big"}"#,
            r#"{"amount": 12.50, "id": "C"}"#,
            r#"  {"id": "杭州"}  "#,
        ] {
            let (fast, got) = read(text, true);
            assert!(fast, "{text}");
            assert_eq!(got, read(text, false).1, "{text}");
        }
    }

    #[test]
    fn leaves_everything_else_to_the_general_reader() {
        for text in [
            r#"{"id": "A1", "id": "A2"}"#,
            r#"{"id": {"nested": 1}}"#,
            r#"{"tags": ["a", 1]}"#,
            r#"["not", "an", "object"]"#,
            r#"{"id": "A1"} trailing"#,
            r#"{"id": "A1""#,
            "",
        ] {
            assert!(!read(text, true).0, "{text}");
        }
    }
}
