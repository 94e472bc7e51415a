//! Each field's domain split into cells: the values no test of the rule set can tell apart.
//!
//! A field's tests become atoms. Atoms that partition the domain (decimal intervals, `one
//! of` values, text equality, bool, emptiness) are sets of *cells*, found with one look-up
//! per order: a binary search over sorted thresholds or a hash jump table. Atoms that do
//! not partition it (`contains`, `starts with`, `matches`, `has`) are *bits*, all found in
//! one pass (one Aho-Corasick scan for every `contains` literal, one `RegexSet`, or one
//! `Regex` when the field has a single pattern).

// On bytes: an order's raw text is matched without being made a `&str` first. On valid
// UTF-8, which every text that reaches them is, they match exactly as `regex::Regex` does.
use regex::bytes::{Regex, RegexSet};
use rust_decimal::Decimal;

use super::find::{Lengths, Presence, Scaled, Scanner, Table};
use crate::check::{FieldId, FieldType, Interval, Op, RuleSet};
use crate::decide::Value;

/// Cell 0 of every domain is "missing" (blank, or the empty tag set).
pub const MISSING: u32 = 0;

/// A positive test on one field, false on a missing value unless it is the missing cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Atom {
    /// True when the field's cell is one of these (indexed by cell).
    Cells(FieldId, Box<[bool]>),
    /// True when the field's bit is set.
    Bit(FieldId, u32),
}

impl Atom {
    pub fn field(&self) -> FieldId {
        match self {
            Atom::Cells(f, _) | Atom::Bit(f, _) => *f,
        }
    }
}

#[derive(Debug)]
pub struct Domain {
    pub field: FieldId,
    pub kind: Kind,
    pub ncells: u32,
    /// Bit atoms' literals, by bit, for printing and for building examples.
    pub bit_names: Vec<String>,
}

#[derive(Debug)]
pub enum Kind {
    /// Cells: missing, below points[0], = points[0], between, = points[1], ..., above.
    Decimal {
        points: Vec<Decimal>,
        scaled: Option<Scaled>,
    },
    /// Cells: missing, then one per value; `index` finds a value's cell from its text.
    Enum { index: Table },
    /// Cells: missing, false, true.
    Bool,
    /// Cells: missing, any other text, then one per literal. Bits: patterns.
    Text {
        literals: Table,
        contains: Option<Scanner>,
        starts: Vec<(String, u32)>,
        ends: Vec<(String, u32)>,
        regexes: Option<Regexes>,
        /// Whether any `contains` literal occurs in a text, or a literal that every
        /// match of a `matches` pattern starts with (when `any_regexes`), for searching
        /// many orders' texts at once (`decide::Ahead`).
        any: Presence,
        /// Whether `any` looks for the patterns' literals too: every pattern has a
        /// finite set of them (`regex_syntax`'s prefixes), so where none occurs no
        /// pattern matches.
        any_regexes: bool,
    },
    /// Cells: empty, non-empty. Bits: `has` literals, then tag `contains` literals.
    Tags {
        has: Table,
        /// The lengths of the `has` literals: a tag of another length is none of them,
        /// which is told without hashing it.
        lengths: Lengths,
        contains: Option<Scanner>,
        /// Whether any of those literals occurs in the tags' text: a tag that is one,
        /// or holds one, is part of it, so most orders' tags need not be read one by one.
        any: Presence,
    },
}

/// A field's `matches` patterns. One pattern alone is run as a `Regex`, whose literal
/// prefilter skips most texts at once; a `RegexSet` runs every pattern in one pass but
/// without that prefilter, which is the better trade only for several patterns.
#[derive(Debug)]
pub enum Regexes {
    One(Regex, u32),
    Set(RegexSet, Vec<u32>),
}

impl Regexes {
    fn new(patterns: &[String], first_bit: u32) -> Option<Regexes> {
        const CHECKED: &str = "each regex compiled during checking";
        Some(match patterns {
            [] => return None,
            [one] => Regexes::One(Regex::new(one).expect(CHECKED), first_bit),
            _ => Regexes::Set(
                RegexSet::new(patterns).expect(CHECKED),
                (first_bit..first_bit + count(patterns.len())).collect(),
            ),
        })
    }

    /// Sets the bit of every pattern that matches `s`.
    fn scan(&self, s: &[u8], bits: &mut [u64]) {
        match self {
            Regexes::One(re, b) => {
                if re.is_match(s) {
                    set_bit(bits, *b);
                }
            }
            Regexes::Set(set, ids) => set.matches(s).iter().for_each(|i| set_bit(bits, ids[i])),
        }
    }
}

/// Literals that every match of `pattern` starts with, when there are finitely many
/// and none is empty (`regex_syntax`'s prefix extraction, which the `regex` crate's own
/// prefilters rely on): where none of them occurs, the pattern cannot match. `None`
/// when a match may start anywhere (`\d+`, `.*`), or the pattern does not parse as
/// text (a `(?-u)` byte class), which then always runs.
fn starts_of_matches(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    Some(literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The first and last cell an interval covers (the cells between are covered too; an
/// empty interval gives `first > last`). Its bounds are among the points, so each is
/// found by binary search instead of testing every cell with [`covers`].
fn covered(iv: &Interval, points: &[Decimal], ncells: u32) -> (u32, u32) {
    let at = |v: &Decimal| {
        count(
            points
                .binary_search(v)
                .expect("bounds are among the points"),
        )
    };
    // Cell 2i+2 is point i, cell 2i+1 the open interval just below it.
    let first = iv
        .lo
        .map_or(1, |b| 2 * at(&b.value) + if b.inclusive { 2 } else { 3 });
    let last = iv.hi.map_or(ncells - 1, |b| {
        2 * at(&b.value) + if b.inclusive { 2 } else { 1 }
    });
    (first, last)
}

pub(super) fn set_bit(bits: &mut [u64], b: u32) {
    bits[(b / 64) as usize] |= 1 << (b % 64);
}

/// Whether bit `b` is set in a field's bit words, as [`Domain::classify`] sets them.
pub fn has_bit(bits: &[u64], b: u32) -> bool {
    bits[(b / 64) as usize] & (1 << (b % 64)) != 0
}

/// What the compiler needs from the rule set's tests to build the domains.
#[derive(Default)]
struct Collected {
    points: Vec<Decimal>,
    literals: Vec<String>,
    contains: Vec<String>,
    starts: Vec<String>,
    ends: Vec<String>,
    regexes: Vec<String>,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Builds one domain per field from every test in the rule set.
pub fn domains(set: &RuleSet) -> Vec<Domain> {
    let mut col: Vec<Collected> = set.fields.iter().map(|_| Collected::default()).collect();
    for rule in &set.rules {
        for t in rule.cond.tests() {
            let c = &mut col[t.field];
            match &t.op {
                Op::Range(Interval { lo, hi }) => {
                    c.points.extend(lo.iter().chain(hi.iter()).map(|b| b.value));
                }
                Op::TextIn(v) => v.iter().for_each(|s| push_unique(&mut c.literals, s)),
                Op::Contains(v) | Op::TagContains(v) => {
                    v.iter().for_each(|s| push_unique(&mut c.contains, s));
                }
                Op::StartsWith(s) => push_unique(&mut c.starts, s),
                Op::EndsWith(s) => push_unique(&mut c.ends, s),
                Op::Matches(re) => push_unique(&mut c.regexes, re.as_str()),
                Op::HasAny(v) | Op::HasAll(v) => {
                    v.iter().for_each(|s| push_unique(&mut c.literals, s))
                }
                Op::Missing | Op::EnumIn(_) | Op::Bool(_) => {}
            }
        }
    }
    set.fields
        .iter()
        .zip(col)
        .enumerate()
        .map(|(id, (field, mut c))| build(id, &field.ty, &mut c))
        .collect()
}

pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 cells or bits")
}

fn build(field: FieldId, ty: &FieldType, c: &mut Collected) -> Domain {
    match ty {
        FieldType::Decimal | FieldType::DateTime => {
            c.points.sort();
            c.points.dedup();
            let ncells = count(2 * c.points.len() + 2);
            Domain {
                field,
                kind: Kind::Decimal {
                    scaled: Scaled::new(&c.points),
                    points: std::mem::take(&mut c.points),
                },
                ncells,
                bit_names: Vec::new(),
            }
        }
        FieldType::OneOf(values) => Domain {
            field,
            kind: Kind::Enum {
                index: Table::new(values, 1),
            },
            ncells: count(values.len() + 1),
            bit_names: Vec::new(),
        },
        FieldType::Bool => Domain {
            field,
            kind: Kind::Bool,
            ncells: 3,
            bit_names: Vec::new(),
        },
        FieldType::Text => {
            let mut bit_names: Vec<String> = Vec::new();
            let mut next = |names: &[String], prefix: &str| {
                let first = count(bit_names.len());
                bit_names.extend(names.iter().map(|n| format!("{prefix} {n:?}")));
                first
            };
            let contains_at = next(&c.contains, "contains");
            let starts_at = next(&c.starts, "starts with");
            let ends_at = next(&c.ends, "ends with");
            let regex_at = next(&c.regexes, "matches");
            let numbered = |v: &[String], at: u32| -> Vec<(String, u32)> {
                v.iter().cloned().zip(at..).collect()
            };
            let regexes = Regexes::new(&c.regexes, regex_at);
            let prefixes: Option<Vec<Vec<Vec<u8>>>> =
                c.regexes.iter().map(|p| starts_of_matches(p)).collect();
            let any_regexes = prefixes.is_some();
            let contains = c.contains.iter().map(|l| l.as_bytes().to_vec());
            let any = Presence::new(contains.chain(prefixes.into_iter().flatten().flatten()));
            Domain {
                field,
                ncells: count(c.literals.len() + 2),
                kind: Kind::Text {
                    literals: Table::new(&c.literals, 2),
                    contains: Scanner::new(&c.contains, contains_at),
                    starts: numbered(&c.starts, starts_at),
                    ends: numbered(&c.ends, ends_at),
                    regexes,
                    any,
                    any_regexes,
                },
                bit_names,
            }
        }
        FieldType::Tags => {
            let mut bit_names: Vec<String> =
                c.literals.iter().map(|t| format!("has {t:?}")).collect();
            bit_names.extend(c.contains.iter().map(|t| format!("contains {t:?}")));
            Domain {
                field,
                ncells: 2,
                kind: Kind::Tags {
                    has: Table::new(&c.literals, 0),
                    lengths: Lengths::of(&c.literals),
                    contains: Scanner::new(&c.contains, count(c.literals.len())),
                    any: Presence::new([&c.literals[..], &c.contains[..]].concat()),
                },
                bit_names,
            }
        }
    }
}

impl Domain {
    pub fn nbits(&self) -> u32 {
        count(self.bit_names.len())
    }

    /// How many words of 64 bits the field's bits take.
    pub fn words(&self) -> usize {
        self.bit_names.len().div_ceil(64)
    }

    /// The bits of a text literal's cell, which the literal fixes; `None` for any other
    /// cell, whose bits are free.
    pub fn literal_bits(&self, cell: u32) -> Option<Vec<u64>> {
        let Kind::Text { literals, .. } = &self.kind else {
            return None;
        };
        let text = literals.literal(cell)?;
        let mut bits = vec![0; self.words()];
        self.classify(&Value::Text(text), &mut bits);
        Some(bits)
    }

    /// The cell of a value, setting its bits in `bits` (cleared by the caller).
    pub fn classify(&self, v: &Value<'_>, bits: &mut [u64]) -> u32 {
        self.bits(v, bits);
        self.cell(v)
    }

    /// The cell of a value.
    pub fn cell(&self, v: &Value<'_>) -> u32 {
        match (&self.kind, v) {
            (_, Value::Missing) => MISSING,
            (Kind::Decimal { .. }, Value::Decimal(x)) => self.decimal_cell(*x),
            (Kind::Enum { .. }, Value::Enum(i)) => i + 1,
            (Kind::Bool, Value::Bool(b)) => 1 + u32::from(*b),
            (Kind::Text { .. }, Value::Text(s)) => self.text_cell(s.as_bytes()),
            (Kind::Tags { .. }, Value::Tags(_)) => 1,
            (kind, v) => {
                unreachable!("input typing gives {kind:?} fields only their own values, not {v:?}")
            }
        }
    }

    /// Sets a value's bits in `bits` (cleared by the caller).
    pub fn bits(&self, v: &Value<'_>, bits: &mut [u64]) {
        match v {
            Value::Text(s) => self.text_bits(s.as_bytes(), true, bits),
            Value::Tags(tags) => self.tag_bits(tags.iter().map(|t| t.as_bytes()), bits),
            _ => {}
        }
    }

    /// The cell of a present decimal.
    #[inline]
    pub fn decimal_cell(&self, x: Decimal) -> u32 {
        let Kind::Decimal { points, scaled } = &self.kind else {
            unreachable!("decimal values belong to decimal domains")
        };
        let at = scaled
            .as_ref()
            .and_then(|s| s.search(x))
            .unwrap_or_else(|| points.binary_search(&x));
        match at {
            Ok(i) => count(2 + 2 * i),
            Err(i) => count(1 + 2 * i),
        }
    }

    /// The cell of a `one of` value's text; `None` when it is not one of them.
    #[inline]
    pub fn enum_cell(&self, text: &[u8]) -> Option<u32> {
        let Kind::Enum { index } = &self.kind else {
            unreachable!("one-of values belong to enum domains")
        };
        index.get(text)
    }

    /// The cell of a present text: its literal's, or "any other text".
    #[inline]
    pub fn text_cell(&self, s: &[u8]) -> u32 {
        let Kind::Text { literals, .. } = &self.kind else {
            unreachable!("texts belong to text domains")
        };
        literals.get(s).unwrap_or(1)
    }

    /// Sets the bits of a present text; its `contains` literals, and its patterns when
    /// [`Domain::presence`] looks for theirs, are looked for only when they `may_occur`
    /// (`false` when a search of several orders' texts found none, `decide::Ahead`).
    pub fn text_bits(&self, s: &[u8], may_occur: bool, bits: &mut [u64]) {
        let Kind::Text {
            contains,
            starts,
            ends,
            regexes,
            any_regexes,
            ..
        } = &self.kind
        else {
            unreachable!("texts belong to text domains")
        };
        if let Some(scanner) = contains.as_ref().filter(|_| may_occur) {
            scanner.scan(s, bits);
        }
        for (lit, b) in starts {
            if s.starts_with(lit.as_bytes()) {
                set_bit(bits, *b);
            }
        }
        for (lit, b) in ends {
            if s.ends_with(lit.as_bytes()) {
                set_bit(bits, *b);
            }
        }
        if let Some(regexes) = regexes.as_ref().filter(|_| may_occur || !any_regexes) {
            regexes.scan(s, bits);
        }
    }

    /// Sets the bits of a set of tags.
    pub fn tag_bits<'t>(&self, tags: impl Iterator<Item = &'t [u8]>, bits: &mut [u64]) {
        let Kind::Tags {
            has,
            lengths,
            contains,
            ..
        } = &self.kind
        else {
            unreachable!("tags belong to tag domains")
        };
        for t in tags {
            if lengths.may_be(t.len())
                && let Some(b) = has.get(t)
            {
                set_bit(bits, b);
            }
            if let Some(scanner) = contains {
                scanner.scan(t, bits);
            }
        }
    }

    /// The search that tells whether any of the field's `contains` or `has` literals
    /// occurs in a text (or of the literals its `matches` patterns' matches start with,
    /// see `any_regexes`), when it has some and the machine has SIMD for it.
    pub fn presence(&self) -> Option<&aho_corasick::packed::Searcher> {
        match &self.kind {
            Kind::Text { any, .. } | Kind::Tags { any, .. } => any.searcher(),
            _ => None,
        }
    }

    /// Whether every bit of the field is set only where a literal that
    /// [`Domain::presence`] looks for occurs: tags (`has` and `contains`), or a text
    /// with `contains` and `matches` tests whose patterns' literals it looks for.
    pub fn presence_covers_all(&self) -> bool {
        self.presence().is_some()
            && match &self.kind {
                Kind::Text {
                    starts,
                    ends,
                    any_regexes,
                    ..
                } => starts.is_empty() && ends.is_empty() && *any_regexes,
                _ => true,
            }
    }

    /// Whether the field is a tags field, whose bits come from its tags one by one.
    #[inline]
    pub fn is_tags(&self) -> bool {
        matches!(self.kind, Kind::Tags { .. })
    }

    /// Whether tags read from `text` may set any bit: `false` when none of the field's
    /// literals occurs in it.
    #[inline]
    pub fn tags_may_hit(&self, text: &[u8]) -> bool {
        let Kind::Tags { any, .. } = &self.kind else {
            unreachable!("tags belong to tag domains")
        };
        any.may_occur(text)
    }

    /// The atom of a positive test on this field: which cells or bits make it true.
    pub fn atoms(&self, op: &Op) -> Vec<Atom> {
        let cells = |f: &dyn Fn(u32) -> bool| -> Atom {
            Atom::Cells(self.field, (0..self.ncells).map(f).collect())
        };
        match (&self.kind, op) {
            (_, Op::Missing) => vec![cells(&|c| c == MISSING)],
            (Kind::Decimal { points, .. }, Op::Range(iv)) => {
                let (first, last) = covered(iv, points, self.ncells);
                vec![cells(&|c| first <= c && c <= last)]
            }
            (Kind::Enum { .. }, Op::EnumIn(values)) => {
                vec![cells(&|c| c != MISSING && values.contains(&(c - 1)))]
            }
            (Kind::Bool, Op::Bool(b)) => vec![cells(&|c| c == 1 + u32::from(*b))],
            (Kind::Text { literals, .. }, Op::TextIn(values)) => {
                let wanted: Vec<u32> = values
                    .iter()
                    .map(|v| literals.get(v.as_bytes()).expect("the field's literals"))
                    .collect();
                vec![cells(&|c| wanted.contains(&c))]
            }
            // Every present text contains, starts and ends with "" (and every non-empty tag
            // set has a tag containing it): that is "present", a set of cells, not a free
            // bit the analysis would have to find unbuildable.
            (Kind::Text { .. } | Kind::Tags { .. }, Op::Contains(v) | Op::TagContains(v)) => v
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        cells(&|c| c != MISSING)
                    } else {
                        self.bit(&format!("contains {s:?}"))
                    }
                })
                .collect(),
            (Kind::Text { .. }, Op::StartsWith(s) | Op::EndsWith(s)) if s.is_empty() => {
                vec![cells(&|c| c != MISSING)]
            }
            (Kind::Text { .. }, Op::StartsWith(s)) => vec![self.bit(&format!("starts with {s:?}"))],
            (Kind::Text { .. }, Op::EndsWith(s)) => vec![self.bit(&format!("ends with {s:?}"))],
            (Kind::Text { .. }, Op::Matches(re)) => {
                vec![self.bit(&format!("matches {:?}", re.as_str()))]
            }
            (Kind::Tags { .. }, Op::HasAny(v) | Op::HasAll(v)) => {
                v.iter().map(|s| self.bit(&format!("has {s:?}"))).collect()
            }
            (kind, op) => unreachable!("checking admits no {op:?} on {kind:?}"),
        }
    }

    fn bit(&self, name: &str) -> Atom {
        let b = self
            .bit_names
            .iter()
            .position(|n| n == name)
            .expect("every literal has its bit");
        Atom::Bit(self.field, count(b))
    }

    /// A decimal inside a decimal cell, for example orders: the point itself, or one
    /// between its neighbours (saturating at the ends of the decimal range).
    pub fn representative(points: &[Decimal], cell: u32) -> Decimal {
        let c = cell as usize;
        if points.is_empty() {
            return Decimal::ZERO;
        }
        if c % 2 == 0 {
            return points[c / 2 - 1];
        }
        let i = c / 2; // the open cell just below points[i]
        match (i.checked_sub(1).map(|j| points[j]), points.get(i)) {
            (None, Some(p)) => p.checked_sub(Decimal::ONE).unwrap_or(*p),
            (Some(p), None) => p.checked_add(Decimal::ONE).unwrap_or(p),
            (Some(a), Some(b)) => a / Decimal::TWO + b / Decimal::TWO,
            (None, None) => Decimal::ZERO,
        }
    }

    /// A short description of a cell for printing the tree.
    pub fn describe_cell(&self, set: &RuleSet, cell: u32) -> String {
        if cell == MISSING {
            return "missing".into();
        }
        match &self.kind {
            Kind::Decimal { points, .. } => {
                let c = cell as usize;
                let show = |v: Decimal| set.show_number(self.field, v);
                if c % 2 == 0 {
                    return format!("= {}", show(points[c / 2 - 1]));
                }
                let i = c / 2;
                match (i.checked_sub(1).map(|j| points[j]), points.get(i)) {
                    (None, Some(p)) => format!("< {}", show(*p)),
                    (Some(p), None) => format!("> {}", show(p)),
                    (Some(a), Some(b)) => format!("in ({}, {})", show(a), show(*b)),
                    (None, None) => "any".into(),
                }
            }
            Kind::Enum { .. } => match &set.fields[self.field].ty {
                FieldType::OneOf(values) => format!("{:?}", values[cell as usize - 1]),
                _ => unreachable!("enum domains belong to one-of fields"),
            },
            Kind::Bool => if cell == 2 { "true" } else { "false" }.into(),
            Kind::Text { literals, .. } => literals
                .literal(cell)
                .map_or_else(|| "other".into(), |s| format!("{s:?}")),
            Kind::Tags { .. } => "some".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Bound;

    /// Where a pattern's matches are known to start with some literals, every text it
    /// matches holds one of them, so that a search that finds none may skip the
    /// pattern: on random texts over each pattern's letters. Patterns whose matches may
    /// start anywhere, or be empty, have none.
    #[test]
    fn a_pattern_matches_only_texts_that_hold_a_start_of_its_matches() {
        let cases: [(&str, &[u8]); 6] = [
            ("(?i)gift", b"gGiIfFtT x"),
            ("asap|rush(ed)?", b"rushaped"),
            ("^Box", b"Box "),
            (r"\bTB[AD]\b", b"TBAD "),
            ("colou?r", b"colur"),
            ("1[3-9][0-9]{9}", b"0123456789"),
        ];
        for (seed, (pattern, alphabet)) in (1u64..).zip(cases) {
            let starts = starts_of_matches(pattern).expect(pattern);
            let re = Regex::new(pattern).expect(pattern);
            let mut matched = 0;
            for (_, text) in crate::input::random_texts(seed * 0x9E37_79B9, alphabet, 14, 20_000) {
                if re.is_match(&text) {
                    matched += 1;
                    let holds = |l: &Vec<u8>| text.windows(l.len()).any(|w| w == &l[..]);
                    assert!(starts.iter().any(holds), "{pattern} matches {text:?}");
                }
            }
            assert!(matched > 20, "{pattern}: {matched} matches");
        }
        for pattern in [r"\d+", ".*", "a*", "(?-u:\\xFF)", "[0-9a-z]0"] {
            assert_eq!(starts_of_matches(pattern), None, "{pattern}");
        }
    }

    /// Whether an interval holds a whole decimal cell. Its bounds are among the points, so
    /// an open cell `(a, b)` is inside exactly when the bounds lie outside it: decided from
    /// the points alone, with no arithmetic that could round or overflow.
    fn covers(iv: &Interval, points: &[Decimal], cell: u32) -> bool {
        let c = cell as usize;
        if c % 2 == 0 {
            return iv.contains(points[c / 2 - 1]);
        }
        let i = c / 2;
        let below = i.checked_sub(1).map(|j| points[j]);
        let above = points.get(i).copied();
        let lo_ok = iv.lo.is_none_or(|l| below.is_some_and(|a| l.value <= a));
        let hi_ok = iv.hi.is_none_or(|h| above.is_some_and(|b| h.value >= b));
        lo_ok && hi_ok
    }

    /// `covered` (binary search for the two ends) agrees with testing every cell.
    #[test]
    fn covered_cells_are_the_cells_the_interval_holds() {
        let points: Vec<Decimal> = [-5, 0, 1, 7, 20].map(Decimal::from).to_vec();
        let ncells = count(2 * points.len() + 2);
        let bounds: Vec<Option<Bound>> = std::iter::once(None)
            .chain(points.iter().flat_map(|p| {
                [true, false].map(|inclusive| {
                    Some(Bound {
                        value: *p,
                        inclusive,
                    })
                })
            }))
            .collect();
        for lo in &bounds {
            for hi in &bounds {
                let iv = Interval { lo: *lo, hi: *hi };
                let (first, last) = covered(&iv, &points, ncells);
                for c in 1..ncells {
                    assert_eq!(
                        first <= c && c <= last,
                        covers(&iv, &points, c),
                        "{iv:?} cell {c}"
                    );
                }
            }
        }
    }
}
