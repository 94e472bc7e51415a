//! Checking conditions: each test against its field's type, literals against values.

use regex::Regex;
use rust_decimal::Decimal;

use super::err::{not_in_set, unknown, wrong_literal, wrong_test};
use super::items::Checker;
use super::model::{Bound, Cond, Field, FieldType, Interval, Op, Part, Test};
use crate::diag::Diag;
use crate::source::Span;
use crate::syntax::ast::{CmpOp, CondExpr, ListRef, Literal, OpExpr, Spanned, TestExpr};

impl Checker {
    /// Checks a condition; `None` when it has errors (they are recorded).
    pub fn cond(&mut self, c: &Spanned<CondExpr>) -> Option<Cond> {
        match &c.node {
            CondExpr::Or(parts) | CondExpr::And(parts) => {
                let checked: Vec<Option<Cond>> = parts.iter().map(|p| self.cond(p)).collect();
                let all: Option<Vec<Cond>> = checked.into_iter().collect();
                let all = all?;
                Some(if matches!(c.node, CondExpr::Or(_)) {
                    Cond::Or(all)
                } else {
                    Cond::And(all)
                })
            }
            CondExpr::Not(inner) => Some(Cond::Not(Box::new(self.cond(inner)?))),
            CondExpr::Test(t) => self.test(t, c.span).map(Cond::Test),
        }
    }

    fn test(&mut self, t: &TestExpr, span: Span) -> Option<Test> {
        let declared = |f: &Field| f.derived.is_none();
        let Some(mut field_id) = self
            .fields
            .iter()
            .position(|f| declared(f) && f.name == t.subject.node)
        else {
            if self.no_fields {
                return None;
            }
            let names: Vec<String> = self
                .fields
                .iter()
                .filter(|f| declared(f))
                .map(|f| f.name.clone())
                .collect();
            self.errors.push(unknown(
                "unknown-field",
                "field",
                &t.subject.node,
                t.subject.span,
                names.iter().map(String::as_str),
            ));
            return None;
        };
        if let Some(part) = t.part {
            field_id = self.time_part(field_id, part, t)?;
        } else if self.fields[field_id].ty == FieldType::DateTime
            && let Some(Spanned {
                node: OpExpr::OlderThan(_) | OpExpr::Within(_),
                ..
            }) = &t.op
        {
            field_id = self.derived(field_id, Part::Age);
        }
        let field = self.fields[field_id].clone();
        let (op, negated) = match &t.op {
            None => {
                if field.ty != FieldType::Bool {
                    self.errors.push(
                        Diag::error(
                            "type-mismatch",
                            t.subject.span,
                            format!(
                                "`{}` is a {} field, not a yes/no one",
                                field.name,
                                field.ty.describe()
                            ),
                        )
                        .label("used as a condition on its own")
                        .help(format!(
                            "only bool fields stand alone; {}",
                            field.ty.takes()
                        )),
                    );
                    return None;
                }
                (Op::Bool(true), false)
            }
            Some(op) => self.op(&field, op)?,
        };
        Some(Test {
            field: field_id,
            op,
            negated,
            span,
        })
    }

    /// The positive operator and whether the written form negates it.
    fn op(&mut self, field: &Field, op: &Spanned<OpExpr>) -> Option<(Op, bool)> {
        let mismatch = |cx: &mut Checker| {
            cx.errors
                .push(wrong_test(op.node.word(), &field.name, &field.ty, op.span));
            None
        };
        let ty = &field.ty;
        let part = field.derived.map(|d| d.part);
        let range = |lo: Option<(Decimal, bool)>, hi: Option<(Decimal, bool)>| {
            let bound = |(value, inclusive)| Bound { value, inclusive };
            Some((
                Op::Range(Interval {
                    lo: lo.map(bound),
                    hi: hi.map(bound),
                }),
                false,
            ))
        };
        match (&op.node, ty) {
            (OpExpr::IsMissing, _) => Some((Op::Missing, false)),
            (OpExpr::IsPresent, _) => Some((Op::Missing, true)),
            (OpExpr::Before(lit), FieldType::DateTime) => {
                range(None, Some((self.instant(field, lit)?, false)))
            }
            (OpExpr::After(lit), FieldType::DateTime) => {
                range(Some((self.instant(field, lit)?, false)), None)
            }
            (OpExpr::Between(a, b), FieldType::DateTime) => {
                let (a, b) = (self.instant(field, a), self.instant(field, b));
                range(Some((a?, true)), Some((b?, true)))
            }
            (OpExpr::Compare(cmp, _), FieldType::DateTime) => {
                let instead = match cmp {
                    CmpOp::Lt | CmpOp::Le => {
                        "`before 2026-11-11` (or `between` for an inclusive range)"
                    }
                    CmpOp::Gt | CmpOp::Ge => {
                        "`after 2026-11-11` (or `between` for an inclusive range)"
                    }
                    CmpOp::Eq | CmpOp::Ne => "`between T1 and T2`, a range rather than one instant",
                };
                self.errors.push(
                    wrong_test(op.node.word(), &field.name, ty, op.span)
                        .help(format!("datetimes are compared in words: write {instead}")),
                );
                None
            }
            // On the age field: `older than D` is now - F > D, `within D` is now - F <= D.
            (OpExpr::OlderThan(lit), _) if part == Some(Part::Age) => {
                range(Some((self.duration(lit)?, false)), None)
            }
            (OpExpr::Within(lit), _) if part == Some(Part::Age) => {
                range(None, Some((self.duration(lit)?, true)))
            }
            (OpExpr::Compare(cmp, lit), FieldType::Decimal) => {
                let v = self.decimal(field, lit)?;
                if part == Some(Part::Hour) {
                    self.hour(v, lit.span)?;
                }
                let at = Bound {
                    value: v,
                    inclusive: true,
                };
                let strict = Bound {
                    value: v,
                    inclusive: false,
                };
                let (interval, negated) = match cmp {
                    CmpOp::Eq | CmpOp::Ne => (
                        Interval {
                            lo: Some(at),
                            hi: Some(at),
                        },
                        *cmp == CmpOp::Ne,
                    ),
                    CmpOp::Lt => (
                        Interval {
                            lo: None,
                            hi: Some(strict),
                        },
                        false,
                    ),
                    CmpOp::Le => (
                        Interval {
                            lo: None,
                            hi: Some(at),
                        },
                        false,
                    ),
                    CmpOp::Gt => (
                        Interval {
                            lo: Some(strict),
                            hi: None,
                        },
                        false,
                    ),
                    CmpOp::Ge => (
                        Interval {
                            lo: Some(at),
                            hi: None,
                        },
                        false,
                    ),
                };
                Some((Op::Range(interval), negated))
            }
            (OpExpr::Between(a, b), FieldType::Decimal) => {
                let (da, db) = (self.decimal(field, a), self.decimal(field, b));
                let (a, b) = if part == Some(Part::Hour) {
                    let (ha, hb) = (self.hour(da?, a.span), self.hour(db?, b.span));
                    (ha?, hb?)
                } else {
                    (da?, db?)
                };
                let lo = Some(Bound {
                    value: a,
                    inclusive: true,
                });
                let hi = Some(Bound {
                    value: b,
                    inclusive: true,
                });
                Some((Op::Range(Interval { lo, hi }), false))
            }
            (OpExpr::Compare(cmp @ (CmpOp::Eq | CmpOp::Ne), lit), _) => {
                let negated = *cmp == CmpOp::Ne;
                match ty {
                    FieldType::Bool => match lit.node {
                        Literal::Bool(b) => Some((Op::Bool(b), negated)),
                        ref other => {
                            self.errors.push(wrong_literal(
                                &field.name,
                                "bool",
                                other.kind(),
                                "`true` or `false`",
                                lit.span,
                            ));
                            None
                        }
                    },
                    FieldType::Text => Some((Op::TextIn(vec![self.text(field, lit)?]), negated)),
                    FieldType::OneOf(values) => {
                        let s = self.text(field, lit)?;
                        Some((
                            Op::EnumIn(vec![self.enum_index(field, values, &s, lit.span)?]),
                            negated,
                        ))
                    }
                    _ => mismatch(self),
                }
            }
            (OpExpr::In(list) | OpExpr::NotIn(list), FieldType::Text | FieldType::OneOf(_)) => {
                let negated = matches!(op.node, OpExpr::NotIn(_));
                let items = self.strings(field, list)?;
                match ty {
                    FieldType::OneOf(values) => {
                        let mut idx = Vec::new();
                        for (s, sp) in &items {
                            idx.push(self.enum_index(field, values, s, *sp));
                        }
                        let idx: Option<Vec<u32>> = idx.into_iter().collect();
                        Some((Op::EnumIn(idx?), negated))
                    }
                    _ => Some((
                        Op::TextIn(items.into_iter().map(|(s, _)| s).collect()),
                        negated,
                    )),
                }
            }
            (OpExpr::Contains(s), FieldType::Text) => {
                Some((Op::Contains(vec![s.node.clone()]), false))
            }
            (OpExpr::Contains(s), FieldType::Tags) => {
                Some((Op::TagContains(vec![s.node.clone()]), false))
            }
            (OpExpr::ContainsAny(list), FieldType::Text | FieldType::Tags) => {
                let items: Vec<String> = self
                    .strings(field, list)?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                Some(if *ty == FieldType::Text {
                    (Op::Contains(items), false)
                } else {
                    (Op::TagContains(items), false)
                })
            }
            (OpExpr::StartsWith(s), FieldType::Text) => {
                Some((Op::StartsWith(s.node.clone()), false))
            }
            (OpExpr::EndsWith(s), FieldType::Text) => Some((Op::EndsWith(s.node.clone()), false)),
            (OpExpr::Matches(s), FieldType::Text) => match Regex::new(&s.node) {
                Ok(re) => Some((Op::Matches(re), false)),
                Err(e) => {
                    let detail = e.to_string();
                    let last = detail
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches("error: ");
                    self.errors.push(
                        Diag::error("invalid-regex", s.span, format!("invalid regular expression `{}`", s.node))
                            .label(last.to_string())
                            .help("regexes use Rust `regex` syntax; escape special characters with `\\\\`"),
                    );
                    None
                }
            },
            (OpExpr::Has(s), FieldType::Tags) => Some((Op::HasAny(vec![s.node.clone()]), false)),
            (OpExpr::HasAny(l) | OpExpr::HasAll(l) | OpExpr::HasNone(l), FieldType::Tags) => {
                let items: Vec<String> = self
                    .strings(field, l)?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                Some(match op.node {
                    OpExpr::HasAll(_) => (Op::HasAll(items), false),
                    OpExpr::HasNone(_) => (Op::HasAny(items), true),
                    _ => (Op::HasAny(items), false),
                })
            }
            _ => mismatch(self),
        }
    }

    fn decimal(&mut self, field: &Field, lit: &Spanned<Literal>) -> Option<Decimal> {
        match &lit.node {
            Literal::Num(n) => Some(*n),
            other => {
                let d = wrong_literal(
                    &field.name,
                    "decimal",
                    other.kind(),
                    "a number such as `2000` or `49.90`",
                    lit.span,
                );
                let d = match other {
                    Literal::Str(s) if s.replace('_', "").parse::<Decimal>().is_ok() => {
                        d.help(format!("write the number without quotes: `{s}`"))
                    }
                    _ => d,
                };
                self.errors.push(d);
                None
            }
        }
    }

    fn text(&mut self, field: &Field, lit: &Spanned<Literal>) -> Option<String> {
        match &lit.node {
            Literal::Str(s) => Some(s.clone()),
            other => {
                self.errors.push(
                    wrong_literal(
                        &field.name,
                        field.ty.describe(),
                        other.kind(),
                        "a quoted value",
                        lit.span,
                    )
                    .help(format!("quote it: `\"{other}\"`")),
                );
                None
            }
        }
    }

    fn enum_index(&mut self, field: &Field, values: &[String], s: &str, span: Span) -> Option<u32> {
        match values.iter().position(|v| v == s) {
            Some(i) => Some(u32::try_from(i).expect("a one-of set has far fewer than 2^32 values")),
            None => {
                self.errors.push(not_in_set(s, &field.name, values, span));
                None
            }
        }
    }

    /// The text items of a list literal or named list, each with its span.
    fn strings(&mut self, field: &Field, list: &Spanned<ListRef>) -> Option<Vec<(String, Span)>> {
        let items: Vec<Spanned<Literal>> = match &list.node {
            ListRef::Literal(items) => items.clone(),
            ListRef::Named(name) => match self.lists.get(name) {
                Some((_, items)) => items.clone(),
                None => {
                    let names: Vec<String> = self.lists.keys().cloned().collect();
                    self.errors.push(unknown(
                        "unknown-list",
                        "list",
                        name,
                        list.span,
                        names.iter().map(String::as_str),
                    ));
                    return None;
                }
            },
        };
        let mut out = Vec::new();
        let mut ok = true;
        for it in items {
            // An item of a named list points at the list's own line; that is where to fix it.
            let span = if matches!(list.node, ListRef::Literal(_)) {
                it.span
            } else {
                list.span
            };
            match it.node {
                Literal::Str(s) => out.push((s, span)),
                other => {
                    ok = false;
                    self.errors.push(wrong_literal(
                        &field.name,
                        field.ty.describe(),
                        other.kind(),
                        "quoted values",
                        span,
                    ));
                }
            }
        }
        ok.then_some(out)
    }
}
