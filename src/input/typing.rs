//! Raw text → typed values, following LANGUAGE.md "How raw values are read".

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{InputError, Items, Problem, RawFields, RawOrder, RawText, trimmed};
use crate::check::{FieldType, RuleSet};
use crate::decide::{Order, Value, derive_values};
use crate::time::{Clock, parse_instant, seconds};
use crate::words::{below, first_marked, spread};

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
                raw.raw(id),
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
    raw: RawText<'a>,
    clock: &Clock,
    fresh: &mut dyn FnMut() -> Vec<&'a str>,
) -> Result<Value<'a>, Bad> {
    if *ty == FieldType::Tags {
        let mut tags = fresh();
        tags.extend(raw_tags(raw));
        return Ok(if tags.is_empty() {
            Value::Missing
        } else {
            Value::Tags(tags)
        });
    }
    let text = match raw {
        RawText::Blank if optional => return Ok(Value::Missing),
        RawText::Blank => return Err((None, "required value is blank".into())),
        RawText::List(items) => {
            let shown = format!("[{}]", items.collect::<Vec<_>>().join(", "));
            return Err((
                Some(shown),
                format!("a list where a {} value was expected", ty.describe()),
            ));
        }
        RawText::Text(s) => s,
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
        FieldType::Tags => unreachable!("tags are read above, from any raw value"),
    }
}

/// The tags of a raw value, as typing and the raw lane of deciding both read them: a
/// text split on `;` or `,`, or a list's items; trimmed, empty ones dropped.
pub fn raw_tags(raw: RawText<'_>) -> RawTags<'_> {
    match raw {
        RawText::Text(s) => RawTags {
            text: Some((s, text_tags(s.as_bytes()))),
            items: None,
        },
        RawText::List(items) => RawTags {
            text: None,
            items: Some(items),
        },
        RawText::Blank => RawTags {
            text: None,
            items: None,
        },
    }
}

/// Whether a raw value holds any tag, as `raw_tags(raw).next().is_some()` says: at once
/// when the text starts with a visible character that is not a separator (the first tag
/// then keeps it), which is nearly every non-blank text.
pub fn has_tags(raw: RawText<'_>) -> bool {
    if let RawText::Text(s) = raw
        && opens_a_tag(s.as_bytes())
    {
        return true;
    }
    raw_tags(raw).next().is_some()
}

/// Whether a text surely holds a tag, told from its first byte: a visible character that
/// is not a separator (the first tag then keeps it).
#[inline]
pub fn opens_a_tag(text: &[u8]) -> bool {
    text.first()
        .is_some_and(|b| b.is_ascii_graphic() && !matches!(b, b';' | b','))
}

/// The iterator of [`raw_tags`]. A text is split on bytes ([`text_tags`]): both
/// separators are ASCII, so every piece is whole characters, and `str::split` on a char
/// pattern decodes every character on the way.
#[derive(Clone)]
pub struct RawTags<'a> {
    /// A text, and where its tags are.
    text: Option<(&'a str, TextTags<'a>)>,
    /// A list's items (trimmed when they were set).
    items: Option<Items<'a>>,
}

impl<'a> Iterator for RawTags<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(items) = &mut self.items {
            return items.find(|t| !t.is_empty());
        }
        let (text, tags) = self.text.as_mut()?;
        tags.next_range().map(|(a, b)| &text[a..b])
    }
}

/// The tags of a text: split on `;` or `,`, trimmed, empty ones dropped.
pub fn text_tags(text: &[u8]) -> TextTags<'_> {
    TextTags { text, at: 0 }
}

/// The iterator of [`text_tags`]. The separators are found a word at a time, and a tag
/// whose ends are visible (nearly every one) is not trimmed.
#[derive(Clone)]
pub struct TextTags<'a> {
    text: &'a [u8],
    /// Where the next tag's piece starts; past the end when none is left.
    at: usize,
}

impl TextTags<'_> {
    /// Where the next tag is in the text.
    #[inline]
    fn next_range(&mut self) -> Option<(usize, usize)> {
        let (semi, comma) = (spread(b';'), spread(b','));
        loop {
            let a = self.at;
            if a > self.text.len() {
                return None;
            }
            let b = first_marked(
                self.text,
                a,
                |w| below(w ^ semi, 1) | below(w ^ comma, 1),
                |b| b == b';' || b == b',',
            )
            .unwrap_or(self.text.len());
            self.at = b + 1;
            // Split at ASCII bytes, a piece of a text is text; `str::trim` says what
            // white space is.
            match trimmed(self.text, a, b, str::trim) {
                Some((x, y)) if x == y => {}
                Some(kept) => return Some(kept),
                None => return Some((a, b)),
            }
        }
    }
}

impl<'a> Iterator for TextTags<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let text = self.text;
        self.next_range().map(|(a, b)| &text[a..b])
    }
}

/// `1299`, `1299.00`, `-5.5`, `+3`; JSON numbers in exponent form (`1.5e3`) too.
/// Never via floating point.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    parse_decimal_bytes(s.as_bytes())
}

/// [`parse_decimal`] of a value's bytes (UTF-8), as an order's raw text is decided.
pub fn parse_decimal_bytes(b: &[u8]) -> Option<Decimal> {
    let plain = b.strip_prefix(b"+").unwrap_or(b);
    if let Some(d) = short_plain(plain) {
        return Some(d);
    }
    let plain = std::str::from_utf8(plain).ok()?;
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

/// A plain number (`-` digits `.` digits, a digit at each end) of at most 18 digits, read
/// in one pass: mantissa and scale as `Decimal::from_str` gives them. `None` for anything
/// else, which [`parse_decimal`] reads the general way: longer numbers, exponents,
/// bad text, and a negative zero, whose sign `from_str` keeps.
fn short_plain(s: &[u8]) -> Option<Decimal> {
    let (negative, digits) = match s {
        [b'-', d @ ..] => (true, d),
        d => (false, d),
    };
    if digits.len() > 19 || !digits.first()?.is_ascii_digit() || !digits.last()?.is_ascii_digit() {
        return None;
    }
    let (mut m, mut scale, mut dot) = (0u64, 0u32, false);
    for b in digits {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                scale += u32::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    // 19 bytes with no dot would be 19 digits, which may not fit.
    if (negative && m == 0) || (!dot && digits.len() == 19) {
        return None;
    }
    let m = i64::try_from(m).ok()?;
    Some(Decimal::new(if negative { -m } else { m }, scale))
}

pub fn parse_bool(s: &str) -> Option<bool> {
    parse_bool_bytes(s.as_bytes())
}

/// [`parse_bool`] of a value's bytes, as an order's raw text is decided.
pub fn parse_bool_bytes(s: &[u8]) -> Option<bool> {
    match s {
        b"true" => return Some(true),
        b"false" => return Some(false),
        _ => {}
    }
    let is = |words: [&str; 4]| words.iter().any(|w| s.eq_ignore_ascii_case(w.as_bytes()));
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

    /// The quick reading of plain numbers gives what the general parser gives, down to
    /// the scale and the sign.
    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let (int, frac) = ((next() % 32) as usize, (next() % 32) as usize);
            let digit = |n: u64| char::from(b'0' + (n % 10) as u8);
            let mut s: String = if next() % 3 == 0 {
                "-".into()
            } else {
                String::new()
            };
            s.extend((0..int.max(1)).map(|_| digit(next() % if next() % 4 == 0 { 1 } else { 10 })));
            if frac > 0 && next() % 2 == 0 {
                s.push('.');
                s.extend((0..frac).map(|_| digit(next())));
            }
            let general = Decimal::from_str(&s).ok();
            let got = parse_decimal(&s);
            assert_eq!(got, general, "{s}");
            if let (Some(a), Some(b)) = (got, general) {
                assert_eq!(
                    (a.scale(), a.is_sign_negative(), a.mantissa()),
                    (b.scale(), b.is_sign_negative(), b.mantissa()),
                    "{s}"
                );
            }
        }
    }

    /// On any text of digits, dots, signs and exponents, the quick reading accepts and
    /// gives exactly what the general rule (plain number → `from_str`) does.
    #[test]
    fn plain_decimals_are_as_strict_as_the_general_rule() {
        let general = |s: &str| -> Option<Decimal> {
            let plain = s.strip_prefix('+').unwrap_or(s);
            let t = plain.strip_prefix('-').unwrap_or(plain).as_bytes();
            let ok = t.first().is_some_and(u8::is_ascii_digit)
                && t.last().is_some_and(u8::is_ascii_digit)
                && t.iter().all(|b| b.is_ascii_digit() || *b == b'.')
                && t.iter().filter(|b| **b == b'.').count() <= 1;
            ok.then(|| Decimal::from_str(plain).ok()).flatten()
        };
        for (_, text) in
            crate::input::random_texts(0x9E37_79B9_7F4A_7C15, b"0123456789.-+9", 22, 50_000)
        {
            let s = String::from_utf8(text).expect("ASCII");
            let (got, want) = (parse_decimal(&s), general(&s));
            assert_eq!(got, want, "{s}");
            if let (Some(a), Some(b)) = (got, want) {
                assert_eq!(
                    (a.scale(), a.is_sign_negative()),
                    (b.scale(), b.is_sign_negative()),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn tags_split_on_either_separator_and_are_trimmed() {
        let split = |s| raw_tags(RawText::Text(s));
        let got: Vec<&str> = split(" a;b , ;c,,\u{3000}d\u{3000};").collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(split("").count(), 0);
        assert_eq!(split(" ; ,").count(), 0);
    }

    /// The quick answer of `has_tags` is the iterator's, on texts of separators,
    /// spaces (ASCII and not) and tag characters.
    #[test]
    fn has_tags_says_what_the_tags_iterator_says() {
        let random = crate::input::random_texts(0x2545_F491_4F6C_DD1D, b";, a\t", 6, 20_000)
            .map(|(_, t)| String::from_utf8(t).expect("an ASCII alphabet"));
        let fixed = ["\u{3000}", "\u{3000};x", "é", ";a", ""].map(String::from);
        for t in random.chain(fixed) {
            let quick = has_tags(RawText::Text(&t));
            assert_eq!(quick, raw_tags(RawText::Text(&t)).next().is_some(), "{t:?}");
        }
    }

    /// The tags of a text are its pieces between `;` and `,`, trimmed as `str::trim`
    /// trims, empty ones dropped: on random texts of separators, letters, white space
    /// (U+3000 too) and a two-byte letter, read as text and as bytes.
    #[test]
    fn tags_are_the_trimmed_pieces_between_separators() {
        for (_, t) in crate::input::random_texts(0x2545_F491_4F6C_DD1D, b";, a\tUe-", 30, 20_000) {
            let t: String = t
                .iter()
                .map(|b| match b {
                    b'U' => '\u{3000}',
                    b'e' => 'é',
                    b => char::from(*b),
                })
                .collect();
            let want: Vec<&str> = t
                .split([';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            let got: Vec<&str> = raw_tags(RawText::Text(&t)).collect();
            assert_eq!(got, want, "{t:?}");
            let bytes: Vec<&[u8]> = text_tags(t.as_bytes()).collect();
            let want_bytes: Vec<&[u8]> = want.iter().map(|p| p.as_bytes()).collect();
            assert_eq!(bytes, want_bytes, "{t:?}");
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
