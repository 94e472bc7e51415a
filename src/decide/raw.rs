//! Deciding straight from an order's raw text, the nightly run's path: each field's text
//! goes to its cell (`compile::domain`) with no typed value in between, and bits are
//! scanned from the text only when the walk asks for them.
//!
//! It reads values exactly as `input::typing` does, calling the same parsers; it only
//! tells whether every value is good. When one is not, the caller types the order to
//! learn what is wrong (rare, so the error is worked out once, in one place). A test
//! holds the two ways equal on random records (`tests/equivalence.rs`).

use std::borrow::Cow;

use super::tree::{Bits, Scratch, walked, walked_id};
use super::{Outcome, Outcomes, derived};
use crate::check::{FieldType, RuleSet};
use crate::compile::Tree;
use crate::compile::domain::{Domain, Kind, MISSING};
use crate::input::typing::{parse_bool, parse_decimal, split_tags};
use crate::input::{RawFields, RawText};
use crate::time::{parse_instant, seconds};

/// A record's raw text as the walk's source of bits.
struct Raw<'r, R: ?Sized>(&'r R);

impl<R: RawFields + ?Sized> Bits for Raw<'_, R> {
    fn bits(&self, domain: &Domain, words: &mut [u64]) {
        match (&domain.kind, self.0.raw(domain.field)) {
            (_, RawText::Blank) => {}
            (Kind::Tags { .. }, RawText::Text(s)) => domain.tag_bits(split_tags(s), words),
            (Kind::Tags { .. }, RawText::List(items)) => {
                domain.tag_bits(items.filter(|t| !t.is_empty()), words);
            }
            (_, RawText::Text(s)) => domain.text_bits(s, words),
            (_, RawText::List(_)) => unreachable!("only tags are read from lists"),
        }
    }
}

/// Loads every field's cell from the raw text; `false` when some value is bad.
fn load(set: &RuleSet, tree: &Tree, raw: &(impl RawFields + ?Sized), s: &mut Scratch) -> bool {
    if !raw.whole() {
        return false;
    }
    s.next_order();
    // A derived field is missing unless its datetime is present (set below).
    s.cells[set.declared..].fill(MISSING);
    for (id, field) in set.inputs().iter().enumerate() {
        let d = &tree.domains[id];
        let cell = match (raw.raw(id), &field.ty) {
            (RawText::Blank, FieldType::Tags) => MISSING,
            (RawText::Blank, _) if field.optional => MISSING,
            (RawText::Blank, _) => return false,
            (RawText::List(mut items), FieldType::Tags) => u32::from(items.any(|t| !t.is_empty())),
            (RawText::List(_), _) => return false,
            (RawText::Text(text), ty) => match ty {
                FieldType::Text => d.text_cell(text),
                FieldType::OneOf(_) => match d.enum_cell(text) {
                    Some(c) => c,
                    None => return false,
                },
                FieldType::Decimal => match parse_decimal(text) {
                    Some(x) => d.decimal_cell(x),
                    None => return false,
                },
                FieldType::Bool => match parse_bool(text) {
                    Some(b) => 1 + u32::from(b),
                    None => return false,
                },
                FieldType::Tags => u32::from(split_tags(text).next().is_some()),
                FieldType::DateTime => match parse_instant(text, &set.clock.zone) {
                    Ok(t) => {
                        let t = seconds(t);
                        for (k, f) in set.fields.iter().enumerate().skip(set.declared) {
                            if let Some(part) = f.derived.filter(|p| p.of == id).map(|p| p.part) {
                                s.cells[k] = tree.domains[k].cell(&derived(&set.clock, part, t));
                            }
                        }
                        d.decimal_cell(t)
                    }
                    Err(_) => return false,
                },
            },
        };
        s.cells[id] = cell;
    }
    true
}

/// Decides one order from its raw text, as the number of its outcome in `seen`; `None`
/// when a value is bad (type the order to say which).
pub fn decide_raw_id(
    set: &RuleSet,
    tree: &Tree,
    raw: &(impl RawFields + ?Sized),
    s: &mut Scratch,
    seen: &mut Outcomes,
) -> Option<u32> {
    load(set, tree, raw, s).then(|| walked_id(set, tree, &Raw(raw), s, seen))
}

/// Decides one order from its raw text; `None` when a value is bad.
pub fn decide_raw<'t>(
    set: &RuleSet,
    tree: &'t Tree,
    raw: &(impl RawFields + ?Sized),
    s: &mut Scratch,
) -> Option<Cow<'t, Outcome>> {
    load(set, tree, raw, s).then(|| walked(set, tree, &Raw(raw), s))
}
