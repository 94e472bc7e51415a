//! Checking the time tests: `hour of` / `weekday of` and the age behind `older than` /
//! `within` as derived fields, datetime literals in the rule set's zone, durations.

use rust_decimal::Decimal;

use super::err::wrong_literal;
use super::items::Checker;
use super::model::{Derived, Field, FieldId, FieldType, Part};
use crate::diag::Diag;
use crate::source::Span;
use crate::syntax::ast::{Literal, Spanned, TestExpr, TimePart};
use crate::time::{TimeError, WEEKDAYS, parse_duration, parse_instant, seconds};

impl Checker {
    /// The derived field for `hour of` / `weekday of` a datetime field.
    pub(super) fn time_part(
        &mut self,
        of: FieldId,
        part: TimePart,
        t: &TestExpr,
    ) -> Option<FieldId> {
        let field = &self.fields[of];
        if field.ty != FieldType::DateTime {
            self.errors.push(
                Diag::error(
                    "type-mismatch",
                    t.subject.span,
                    format!(
                        "`{} of` takes a datetime field; `{}` is a {} field",
                        part.word(),
                        field.name,
                        field.ty.describe()
                    ),
                )
                .label("not a datetime")
                .help(field.ty.takes()),
            );
            return None;
        }
        Some(self.derived(
            of,
            match part {
                TimePart::Hour => Part::Hour,
                TimePart::Weekday => Part::Weekday,
            },
        ))
    }

    /// The id of a field derived from a datetime field, declared on first use after
    /// every field of the block.
    pub(super) fn derived(&mut self, of: FieldId, part: Part) -> FieldId {
        let want = Some(Derived { of, part });
        if let Some(id) = self.fields.iter().position(|f| f.derived == want) {
            return id;
        }
        let parent = &self.fields[of];
        // Missing exactly when the datetime is, so only where it may be blank.
        let optional = parent.optional;
        self.fields.push(Field {
            name: part.name_of(&parent.name),
            ty: match part {
                Part::Age | Part::Hour => FieldType::Decimal,
                Part::Weekday => FieldType::OneOf(WEEKDAYS.map(String::from).to_vec()),
            },
            optional,
            span: parent.span,
            derived: want,
        });
        self.fields.len() - 1
    }

    /// An hour of the day: a whole number from 0 to 23.
    pub(super) fn hour(&mut self, v: Decimal, span: Span) -> Option<Decimal> {
        if v.fract().is_zero() && (Decimal::ZERO..=Decimal::from(23)).contains(&v) {
            return Some(v);
        }
        self.errors.push(
            Diag::error("impossible-hour", span, format!("`{v}` is not an hour of the day"))
                .label("not 0 to 23")
                .help("`hour of` is the local hour, a whole number from 0 to 23; `between 0 and 6` is 00:00 to 06:59"),
        );
        None
    }

    /// A datetime literal, read in the rule set's zone, as seconds.
    pub(super) fn instant(&mut self, field: &Field, lit: &Spanned<Literal>) -> Option<Decimal> {
        let Literal::Time(text) = &lit.node else {
            let d = wrong_literal(
                &field.name,
                "datetime",
                lit.node.kind(),
                "a date and time such as `2026-11-11` or `2026-11-11T20:00`",
                lit.span,
            );
            let d = match &lit.node {
                Literal::Str(s) if parse_instant(s, &self.clock.zone).is_ok() => {
                    d.help(format!("write the date without quotes: `{s}`"))
                }
                Literal::Duration(_) => {
                    d.help("a duration measures from now: `older than 48h`, `within 30m`")
                }
                _ => d,
            };
            self.errors.push(d);
            return None;
        };
        match parse_instant(text, &self.clock.zone) {
            Ok(t) => Some(seconds(t)),
            Err(e) => {
                let label = match &e {
                    TimeError::Impossible(why) => why.clone(),
                    TimeError::Form => "not a date and time".into(),
                };
                self.errors.push(
                    Diag::error("impossible-date", lit.span, format!("`{text}` is not a date and time"))
                        .label(label)
                        .help("write a real date: `2026-11-11`, `2026-11-11T20:00`, `2026-11-11T20:00+08:00`"),
                );
                None
            }
        }
    }

    /// A duration literal, as seconds.
    pub(super) fn duration(&mut self, lit: &Spanned<Literal>) -> Option<Decimal> {
        let Literal::Duration(text) = &lit.node else {
            let d = Diag::error(
                "wrong-literal",
                lit.span,
                format!(
                    "`older than` and `within` take a duration, not {}",
                    lit.node.kind()
                ),
            )
            .label("expected a duration");
            let d = match &lit.node {
                Literal::Num(n) => d.help(format!("add a unit: `{n}h`, `{n}d` or `{n}m`")),
                Literal::Time(_) => {
                    d.help("to compare with a date and time, use `before` or `after`")
                }
                _ => d.help("write a duration such as `48h`, `30m`, `7d` or `1d12h`"),
            };
            self.errors.push(d);
            return None;
        };
        match parse_duration(text) {
            Ok(secs) => Some(Decimal::from(secs)),
            Err(why) => {
                self.errors.push(
                    Diag::error("bad-duration", lit.span, format!("`{text}` is not a duration"))
                        .label(why)
                        .help("durations are a number and a unit (d, h, m, s), largest first: `48h`, `1d12h`"),
                );
                None
            }
        }
    }
}
