//! Deciding straight from an order's raw text, the nightly run's path: each field's bytes
//! go to its cell (`compile::domain`) with no typed value in between, and no `&str` made
//! of them either (its character-boundary checks cost more than the look-up); bits are
//! scanned from the bytes only when the walk asks for them, and not where a search of
//! the order's batch found none of their literals (`decide::Ahead`).
//!
//! It reads values exactly as `input::typing` does, calling the same parsers; it only
//! tells whether every value is good. When one is not, the caller types the order to
//! learn what is wrong (rare, so the error is worked out once, in one place). A test
//! holds the two ways equal on random records (`tests/equivalence.rs`).

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::tree::{Bits, Scratch, walked, walked_id};
use super::{Found, Outcome, Outcomes, derived};
use crate::check::{FieldType, RuleSet};
use crate::compile::Tree;
use crate::compile::domain::{Domain, MISSING};
use crate::input::typing::{
    has_tags, opens_a_tag, parse_bool_bytes, parse_decimal_bytes, raw_tags, text_tags,
};
use crate::input::{RawBytes, RawFields};
use crate::time::{parse_instant, seconds};

/// A record's raw text as the walk's source of bits, and what a search of its batch
/// found in it (`decide::Ahead`).
struct Raw<'r, R: ?Sized>(&'r R, Found);

impl<R: RawFields + ?Sized> Bits for Raw<'_, R> {
    fn bits(&self, domain: &Domain, words: &mut [u64]) {
        let field = domain.field;
        let absent = self.1.absent(field);
        // Where the batch's search found a literal, the text's own search would too.
        let searched = self.1.searched(field);
        match (domain.is_tags(), self.0.bytes(field)) {
            (true, _) if absent => {}
            (true, RawBytes::Text(s)) if !searched && !domain.tags_may_hit(s) => {}
            (true, RawBytes::Text(s)) => domain.tag_bits(text_tags(s), words),
            (true, _) => domain.tag_bits(raw_tags(self.0.raw(field)).map(str::as_bytes), words),
            (false, RawBytes::Text(s)) => domain.text_bits(s, !absent, words),
            (false, RawBytes::Blank) => {}
            (false, RawBytes::List) => unreachable!("only tags are read from lists"),
        }
    }

    #[inline]
    fn absent(&self, field: usize) -> bool {
        self.1.absent(field)
    }
}

/// Loads every field's cell from the raw text; `false` when some value is bad.
fn load(set: &RuleSet, tree: &Tree, raw: &(impl RawFields + ?Sized), s: &mut Scratch) -> bool {
    if !raw.whole() {
        return false;
    }
    s.next_order();
    let (cells, later) = s.cells.split_at_mut(set.declared);
    // A derived field is missing unless its datetime is present (set below).
    if !later.is_empty() {
        later.fill(MISSING);
    }
    // Zipped with the domains and cells, not indexed: no bounds check per field.
    let fields = set.inputs().iter().zip(&tree.domains).zip(cells);
    for (id, ((field, d), cell)) in fields.enumerate() {
        let text = match (raw.bytes(id), &field.ty) {
            (bytes, FieldType::Tags) => {
                let any =
                    matches!(bytes, RawBytes::Text(t) if opens_a_tag(t)) || has_tags(raw.raw(id));
                *cell = u32::from(any);
                continue;
            }
            (RawBytes::Text(text), _) => text,
            (RawBytes::Blank, _) if field.optional => {
                *cell = MISSING;
                continue;
            }
            (RawBytes::Blank | RawBytes::List, _) => return false,
        };
        let found = match &field.ty {
            FieldType::Text => Some(d.text_cell(text)),
            FieldType::OneOf(_) => d.enum_cell(text),
            FieldType::Decimal => parse_decimal_bytes(text).map(|x| d.decimal_cell(x)),
            FieldType::Bool => parse_bool_bytes(text).map(|b| 1 + u32::from(b)),
            FieldType::DateTime => std::str::from_utf8(text)
                .ok()
                .and_then(|text| parse_instant(text, &set.clock.zone).ok())
                .map(|t| {
                    let t = seconds(t);
                    load_derived(set, tree, id, t, later);
                    d.decimal_cell(t)
                }),
            FieldType::Tags => unreachable!("tags are read above"),
        };
        match found {
            Some(c) => *cell = c,
            None => return false,
        }
    }
    true
}

/// The cells of the fields derived from datetime field `of`, which holds instant `t`:
/// `cells` holds the cells from the first derived field on.
fn load_derived(set: &RuleSet, tree: &Tree, of: usize, t: Decimal, cells: &mut [u32]) {
    let fields = set.fields.iter().zip(&tree.domains).skip(set.declared);
    for ((f, d), cell) in fields.zip(cells) {
        if let Some(p) = f.derived.filter(|p| p.of == of) {
            *cell = d.cell(&derived(&set.clock, p.part, t));
        }
    }
}

/// Decides one order from its raw text, as the number of its outcome in `seen`; `None`
/// when a value is bad (type the order to say which). `found`: what a search of several
/// orders' texts found in this one's (`decide::Ahead`; nothing when not searched).
pub fn decide_raw_id(
    set: &RuleSet,
    tree: &Tree,
    raw: &(impl RawFields + ?Sized),
    found: Found,
    s: &mut Scratch,
    seen: &mut Outcomes,
) -> Option<u32> {
    load(set, tree, raw, s).then(|| walked_id(set, tree, &Raw(raw, found), s, seen))
}

/// Decides one order from its raw text; `None` when a value is bad.
pub fn decide_raw<'t>(
    set: &RuleSet,
    tree: &'t Tree,
    raw: &(impl RawFields + ?Sized),
    s: &mut Scratch,
) -> Option<Cow<'t, Outcome>> {
    load(set, tree, raw, s).then(|| walked(set, tree, &Raw(raw, Found::default()), s))
}
