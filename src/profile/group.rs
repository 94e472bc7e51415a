//! Rows → orders: the rows that share a group key become one order, each field's values
//! cleaned and combined over the rows, then handed on as a [`RawOrder`].

use std::borrow::Cow;

use rust_decimal::Decimal;

use super::clean::{clean, repair};
use super::model::{Combine, FieldSpec, Profile, Source};
use super::rows::{Place, RowSource};
use crate::input::typing::parse_decimal;
use crate::input::{FatalError, Problem, RawOrder, Reader};

/// A field spec's sources resolved against the export: its columns' indexes.
#[derive(Debug)]
enum Bound {
    Places(Vec<Place>),
    Value,
    FirstOf(Vec<Bound>),
}

impl Bound {
    /// Whether anything in the export (or a constant) feeds it.
    fn feeds(&self) -> bool {
        match self {
            Bound::Places(p) => !p.is_empty(),
            Bound::Value => true,
            Bound::FirstOf(b) => b.iter().any(Bound::feeds),
        }
    }

    /// The columns it reads that the export lacks.
    fn bind(spec: &FieldSpec, rows: &RowSource, missing: &mut Vec<String>) -> Bound {
        match &spec.source {
            Source::From(names) => Bound::Places(
                names
                    .iter()
                    .filter_map(|n| {
                        let place = rows.place(n);
                        if place.is_none() {
                            missing.push(n.clone());
                        }
                        place
                    })
                    .collect(),
            ),
            Source::Value(_) => Bound::Value,
            Source::FirstOf(specs) => Bound::FirstOf(
                specs
                    .iter()
                    .map(|s| Bound::bind(s, rows, missing))
                    .collect(),
            ),
        }
    }
}

/// One declared field of the rule file: the profile field feeding it, if any.
struct Slot {
    /// The field's name (the same in the profile and the rule file).
    name: String,
    /// The profile's spec for it and its columns; `None` for an optional field the
    /// profile does not give.
    feed: Option<(FieldSpec, Bound)>,
    tags: bool,
}

/// A field's value so far, over the rows of the order.
#[derive(Debug)]
enum Acc {
    First(Option<String>),
    Collect(Vec<String>),
    Sum(Option<Decimal>),
}

/// Reads orders through a profile.
pub struct ProfileReader {
    rows: RowSource,
    transcoded: bool,
    spreadsheet: bool,
    slots: Vec<Slot>,
    /// Where the group key is read, and the column's name for messages.
    key: Option<(Place, String)>,
    /// The source's current row is read but belongs to the next order.
    have_row: bool,
    group_key: String,
    line: u64,
    problem: Option<Problem>,
    accs: Vec<Acc>,
    scratch: Vec<String>,
}

impl ProfileReader {
    /// Binds the profile to the export's columns for the rule file's `fields`; an error
    /// when a field the rules need has nothing to read from.
    pub fn new(
        mut profile: Profile,
        rows: RowSource,
        transcoded: bool,
        name: &str,
        fields: &[(String, bool, bool)],
    ) -> Result<Self, FatalError> {
        let columns_help = || {
            if rows.is_json() {
                None
            } else {
                Some(format!("the file has: {}", rows.headers().join(", ")))
            }
        };
        let given: Vec<String> = profile.fields.keys().cloned().collect();
        let mut slots = Vec::with_capacity(fields.len());
        for (field, optional, tags) in fields {
            let feed = match profile.fields.remove(field) {
                Some(spec) => {
                    let mut missing = Vec::new();
                    let bound = Bound::bind(&spec, &rows, &mut missing);
                    if !bound.feeds() && !optional {
                        return Err(FatalError {
                            message: format!(
                                "`{name}` has no column {}, which field `{field}` of profile `{}` reads",
                                quoted(&missing),
                                profile.name
                            ),
                            help: columns_help(),
                        });
                    }
                    Some((spec, bound))
                }
                None if *optional => None,
                None => {
                    return Err(FatalError {
                        message: format!(
                            "profile `{}` gives no field `{field}`, which the rules need",
                            profile.name
                        ),
                        help: Some(format!(
                            "it gives: {}; declare `{field}` optional, or add it to a copy of the profile (`routebook profiles show {}`)",
                            given.join(", "),
                            profile.name
                        )),
                    });
                }
            };
            slots.push(Slot {
                name: field.clone(),
                feed,
                tags: *tags,
            });
        }
        let key = match &profile.group_by {
            None => None,
            Some(col) => {
                let place = rows.place(col).ok_or_else(|| FatalError {
                    message: format!(
                        "`{name}` has no column `{col}`, which profile `{}` groups rows by",
                        profile.name
                    ),
                    help: columns_help(),
                })?;
                Some((place, col.clone()))
            }
        };
        Ok(ProfileReader {
            rows,
            transcoded,
            spreadsheet: profile.spreadsheet_values,
            slots,
            key,
            have_row: false,
            group_key: String::new(),
            line: 0,
            problem: None,
            accs: Vec::new(),
            scratch: Vec::new(),
        })
    }

    fn key_of_row(&self) -> String {
        let Some((place, _)) = &self.key else {
            return String::new();
        };
        let mut raw = Vec::new();
        self.rows.values(place, &mut raw);
        raw.first()
            .map(|v| repair(v, self.spreadsheet).to_string())
            .unwrap_or_default()
    }

    fn begin(&mut self, key: String) {
        self.group_key = key;
        self.line = self.rows.line;
        self.problem = None;
        self.accs.clear();
        for slot in &self.slots {
            let combine = slot
                .feed
                .as_ref()
                .map_or(Combine::First, |(s, _)| s.combine);
            self.accs.push(match combine {
                Combine::First => Acc::First(None),
                Combine::Collect => Acc::Collect(Vec::new()),
                Combine::Sum => Acc::Sum(None),
            });
        }
    }

    /// Adds the current row's values to the order's.
    fn absorb(&mut self) {
        if let Some(p) = self.rows.problem.take() {
            self.problem.get_or_insert(p);
        }
        let ctx = Ctx {
            rows: &self.rows,
            spreadsheet: self.spreadsheet,
            transcoded: self.transcoded,
        };
        for (slot, acc) in self.slots.iter().zip(&mut self.accs) {
            let Some((spec, bound)) = &slot.feed else {
                continue;
            };
            self.scratch.clear();
            if let Err((raw, reason)) = ctx.extract(spec, bound, &mut self.scratch) {
                self.problem
                    .get_or_insert_with(|| Problem::field(&slot.name, Some(&raw), reason));
                continue;
            }
            match acc {
                Acc::First(v) => {
                    if v.is_none() {
                        *v = self.scratch.first().cloned();
                    }
                }
                Acc::Collect(vs) => {
                    for s in self.scratch.drain(..) {
                        if !vs.contains(&s) {
                            vs.push(s);
                        }
                    }
                }
                Acc::Sum(total) => {
                    for s in &self.scratch {
                        match parse_decimal(s) {
                            Some(d) => *total = Some(total.unwrap_or_default() + d),
                            None => {
                                self.problem.get_or_insert_with(|| {
                                    Problem::field(&slot.name, Some(s), "not a number to add up")
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    fn emit(&mut self, out: &mut RawOrder) {
        out.clear(self.slots.len());
        out.line = self.line;
        out.problem = self.problem.take();
        for (i, (slot, acc)) in self.slots.iter().zip(&mut self.accs).enumerate() {
            match acc {
                Acc::First(Some(v)) => out.set_text(i, v),
                Acc::Collect(vs) if slot.tags => out.set_list(i, vs.iter().map(String::as_str)),
                Acc::Collect(vs) => out.set_text(i, &vs.join(", ")),
                Acc::Sum(Some(d)) => out.set_text(i, &d.to_string()),
                Acc::First(None) | Acc::Sum(None) => {}
            }
        }
    }
}

/// What extracting a value needs besides its spec.
struct Ctx<'r> {
    rows: &'r RowSource,
    spreadsheet: bool,
    transcoded: bool,
}

impl Ctx<'_> {
    /// The cleaned values of one field in the current row; the raw value and reason of
    /// the first that cannot be read.
    fn extract(
        &self,
        spec: &FieldSpec,
        bound: &Bound,
        out: &mut Vec<String>,
    ) -> Result<(), (String, String)> {
        match (&spec.source, bound) {
            (Source::Value(v), _) => self.clean(spec, v, out),
            (Source::FirstOf(specs), Bound::FirstOf(bounds)) => {
                for (s, b) in specs.iter().zip(bounds) {
                    let before = out.len();
                    self.extract(s, b, out)?;
                    if out.len() > before {
                        break;
                    }
                }
                Ok(())
            }
            (_, Bound::Places(places)) => {
                let mut raw: Vec<Cow<'_, str>> = Vec::new();
                for place in places {
                    self.rows.values(place, &mut raw);
                }
                raw.iter().try_for_each(|r| self.clean(spec, r, out))
            }
            (_, _) => unreachable!("a field is bound after its own spec"),
        }
    }

    fn clean(
        &self,
        spec: &FieldSpec,
        raw: &str,
        out: &mut Vec<String>,
    ) -> Result<(), (String, String)> {
        if self.transcoded && raw.contains('\u{fffd}') {
            return Err((
                raw.to_string(),
                "bytes that are not valid GBK/GB18030".into(),
            ));
        }
        clean(spec, raw, self.spreadsheet, out).map_err(|reason| (raw.to_string(), reason))
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Reader for ProfileReader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        let mut started = false;
        loop {
            if !self.have_row {
                if !self.rows.advance()? {
                    break;
                }
                self.have_row = true;
            }
            let key = self.key_of_row();
            if started && (key.is_empty() || key != self.group_key) {
                break;
            }
            let blank_key = self.key.is_some() && key.is_empty();
            if !started {
                self.begin(key);
                started = true;
            }
            self.absorb();
            self.have_row = false;
            if let (true, Some((_, col))) = (blank_key, &self.key) {
                self.problem.get_or_insert_with(|| {
                    Problem::field(col, None, "blank, and it is what groups rows into orders")
                });
            }
            if self.key.is_none() || blank_key {
                break;
            }
        }
        if !started {
            return Ok(false);
        }
        self.emit(out);
        Ok(true)
    }
}
