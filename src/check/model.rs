//! The checked rule set: names resolved to ids, every test typed for its field.
//!
//! This is what every later stage reads: analysis, the compiler and the reference
//! evaluator. Negative forms (`!=`, `not in`, `is present`, `has none`) keep the user's
//! test as one [`Test`] with `negated` set, so traces can show the test as written.

use regex::Regex;
use rust_decimal::Decimal;

use crate::source::Span;
use crate::time::Clock;

pub type FieldId = usize;
pub type DecisionId = usize;
pub type RuleId = usize;

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub name: Option<String>,
    pub version: Option<String>,
    pub fields: Vec<Field>,
    /// How many of `fields` are declared (read from exports); derived ones follow.
    pub declared: usize,
    pub key: FieldId,
    pub decisions: Vec<Decision>,
    pub rules: Vec<Rule>,
    /// The header's time zone and the "now" relative time tests measure from.
    pub clock: Clock,
}

impl RuleSet {
    /// The fields read from an export: every declared field. Derived fields (`hour of
    /// placed_at`) follow them and are computed from their datetime.
    pub fn inputs(&self) -> &[Field] {
        &self.fields[..self.declared]
    }

    /// A number of a decimal-like field as the rules write it: an instant for a
    /// datetime, a duration for an age, else the number.
    pub fn show_number(&self, field: FieldId, v: Decimal) -> String {
        let f = &self.fields[field];
        match (&f.ty, f.derived) {
            (FieldType::DateTime, _) => crate::time::show_seconds(v, &self.clock.zone),
            (
                _,
                Some(Derived {
                    part: Part::Age, ..
                }),
            ) => crate::time::show_duration(v),
            _ => v.to_string(),
        }
    }

    /// Whether any field is a datetime, so that records say which "now" decided them.
    pub fn uses_time(&self) -> bool {
        self.fields.iter().any(|f| f.ty == FieldType::DateTime)
    }

    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn decision_id(&self, name: &str) -> Option<DecisionId> {
        self.decisions.iter().position(|d| d.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub optional: bool,
    pub span: Span,
    /// A value computed from a datetime field rather than read: missing when it is.
    pub derived: Option<Derived>,
}

/// What a derived field computes from its datetime field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub of: FieldId,
    pub part: Part,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Seconds from the instant to the clock's now (`older than`, `within`).
    Age,
    /// The local hour, 0 to 23 (a decimal field).
    Hour,
    /// The local weekday (a `one of` field of `mon` … `sun`).
    Weekday,
}

impl Part {
    /// The derived field's name: `age of placed_at`.
    pub fn name_of(self, field: &str) -> String {
        let word = match self {
            Part::Age => "age",
            Part::Hour => "hour",
            Part::Weekday => "weekday",
        };
        format!("{word} of {field}")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    Text,
    OneOf(Vec<String>),
    Decimal,
    Bool,
    Tags,
    /// An instant, as seconds since the epoch (see [`crate::time`]).
    DateTime,
}

impl FieldType {
    /// The type in the user's words, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::OneOf(_) => "one-of",
            FieldType::Decimal => "decimal",
            FieldType::Bool => "bool",
            FieldType::Tags => "tags",
            FieldType::DateTime => "datetime",
        }
    }

    /// "a decimal field takes …", the help of every misused field.
    pub fn takes(&self) -> String {
        format!("a {} field takes {}", self.describe(), self.tests())
    }

    /// The tests a field of this type takes, for help texts.
    pub fn tests(&self) -> &'static str {
        match self {
            FieldType::Text => {
                "=, !=, in, not in, contains, contains any, starts with, ends with, matches"
            }
            FieldType::OneOf(_) => "=, !=, in, not in",
            FieldType::Decimal => "=, !=, <, <=, >, >=, between A and B",
            FieldType::Bool => "the bare field, `not field`, `= true`, `= false`",
            FieldType::Tags => "has, has any, has all, has none, contains, contains any",
            FieldType::DateTime => {
                "before, after, between T1 and T2, older than, within, `hour of`, `weekday of`"
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub name: String,
    pub policy: Policy,
    pub default: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    First,
    /// Values from lowest to highest.
    Highest(Vec<String>),
    All,
}

impl Policy {
    /// The rank of a value in a `highest` list; 0 for other policies.
    pub fn rank(&self, value: &str) -> usize {
        match self {
            Policy::Highest(order) => order.iter().position(|v| v == value).unwrap_or(0),
            _ => 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub description: Option<String>,
    pub cond: Cond,
    pub actions: Vec<Action>,
    /// Warning kinds accepted for this rule, with the author's reason.
    pub accepts: Vec<(String, String)>,
    pub span: Span,
    pub name_span: Span,
}

impl Rule {
    pub fn sets(&self, d: DecisionId) -> impl Iterator<Item = &str> {
        self.actions
            .iter()
            .filter(move |a| a.decision == d)
            .map(|a| a.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub decision: DecisionId,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum Cond {
    Test(Test),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// Every test in the condition, in source order.
    pub fn tests(&self) -> Vec<&Test> {
        fn walk<'a>(c: &'a Cond, out: &mut Vec<&'a Test>) {
            match c {
                Cond::Test(t) => out.push(t),
                Cond::Not(inner) => walk(inner, out),
                Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| walk(c, out)),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}

/// One test as written: a field, a typed operator, and whether the form was negative.
#[derive(Debug, Clone)]
pub struct Test {
    pub field: FieldId,
    pub op: Op,
    /// `!=`, `not in`, `is present`, `has none`: the test is `not (positive form)`.
    pub negated: bool,
    pub span: Span,
}

/// Positive tests. Each is false on a missing value except [`Op::Missing`].
#[derive(Debug, Clone)]
pub enum Op {
    Missing,
    // text
    TextIn(Vec<String>),
    Contains(Vec<String>),
    StartsWith(String),
    EndsWith(String),
    Matches(Regex),
    // one of: indexes into the field's values
    EnumIn(Vec<u32>),
    // decimal
    Range(Interval),
    // bool
    Bool(bool),
    // tags
    HasAny(Vec<String>),
    HasAll(Vec<String>),
    /// Some tag contains one of these texts.
    TagContains(Vec<String>),
}

/// A decimal interval; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lo: Option<Bound>,
    pub hi: Option<Bound>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

impl Interval {
    pub fn contains(&self, x: Decimal) -> bool {
        let above = self
            .lo
            .is_none_or(|b| x > b.value || (b.inclusive && x == b.value));
        let below = self
            .hi
            .is_none_or(|b| x < b.value || (b.inclusive && x == b.value));
        above && below
    }
}
