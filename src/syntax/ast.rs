//! The syntax tree of one rule file, exactly as written (names unresolved, types unchecked).
//!
//! Spans sit beside the nodes in [`Spanned`] and take no part in equality, so tests can
//! compare trees without offsets.

use rust_decimal::Decimal;

use crate::source::Span;

/// A node and where it stands in the source. Equality ignores the span.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

/// A name as written: a field, list, decision, rule, type word or modifier.
pub type Name = Spanned<String>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Header(Header),
    Fields(Spanned<Vec<FieldDecl>>),
    List(ListDef),
    Decision(DecisionDef),
    Rule(RuleDef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: Spanned<String>,
    pub version: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    pub name: Name,
    pub ty: Spanned<TypeExpr>,
    pub modifiers: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `text`, `decimal`, `bool`, `tags`, or an unknown word the checker reports.
    Named(String),
    OneOf(Vec<Spanned<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListDef {
    pub name: Name,
    pub items: Spanned<Vec<Spanned<Literal>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionDef {
    pub name: Name,
    pub policy: Spanned<PolicyExpr>,
    pub default: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyExpr {
    First,
    Highest(Vec<Spanned<Literal>>),
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    pub name: Name,
    pub description: Option<Spanned<String>>,
    pub when: Spanned<CondExpr>,
    pub actions: Vec<ActionExpr>,
    /// Warnings the author accepts for this rule, each with a reason.
    pub accepts: Vec<AcceptExpr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AcceptExpr {
    /// A warning kind (`redundant`, `unreachable`, ...).
    pub kind: Name,
    pub reason: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionExpr {
    /// The decision's name, or the singular of an `all` decision's name.
    pub word: Name,
    pub value: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondExpr {
    Or(Vec<Spanned<CondExpr>>),
    And(Vec<Spanned<CondExpr>>),
    Not(Box<Spanned<CondExpr>>),
    Test(TestExpr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestExpr {
    /// `hour of` or `weekday of` before a datetime field.
    pub part: Option<TimePart>,
    pub subject: Name,
    /// `None` for a bare field, which must be a bool.
    pub op: Option<Spanned<OpExpr>>,
}

/// A part of a datetime that a test may name instead of the whole instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimePart {
    Hour,
    Weekday,
}

impl TimePart {
    pub fn word(self) -> &'static str {
        match self {
            TimePart::Hour => "hour",
            TimePart::Weekday => "weekday",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpExpr {
    IsMissing,
    IsPresent,
    Compare(CmpOp, Spanned<Literal>),
    Between(Spanned<Literal>, Spanned<Literal>),
    In(Spanned<ListRef>),
    NotIn(Spanned<ListRef>),
    Contains(Spanned<String>),
    ContainsAny(Spanned<ListRef>),
    StartsWith(Spanned<String>),
    EndsWith(Spanned<String>),
    Matches(Spanned<String>),
    Has(Spanned<String>),
    HasAny(Spanned<ListRef>),
    HasAll(Spanned<ListRef>),
    HasNone(Spanned<ListRef>),
    Before(Spanned<Literal>),
    After(Spanned<Literal>),
    OlderThan(Spanned<Literal>),
    Within(Spanned<Literal>),
}

impl OpExpr {
    /// The operator as the user writes it, for messages.
    pub fn word(&self) -> &'static str {
        match self {
            OpExpr::IsMissing => "is missing",
            OpExpr::IsPresent => "is present",
            OpExpr::Compare(op, _) => op.symbol(),
            OpExpr::Between(..) => "between",
            OpExpr::In(_) => "in",
            OpExpr::NotIn(_) => "not in",
            OpExpr::Contains(_) => "contains",
            OpExpr::ContainsAny(_) => "contains any",
            OpExpr::StartsWith(_) => "starts with",
            OpExpr::EndsWith(_) => "ends with",
            OpExpr::Matches(_) => "matches",
            OpExpr::Has(_) => "has",
            OpExpr::HasAny(_) => "has any",
            OpExpr::HasAll(_) => "has all",
            OpExpr::HasNone(_) => "has none",
            OpExpr::Before(_) => "before",
            OpExpr::After(_) => "after",
            OpExpr::OlderThan(_) => "older than",
            OpExpr::Within(_) => "within",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ListRef {
    Literal(Vec<Spanned<Literal>>),
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num(Decimal),
    Bool(bool),
    /// A datetime as written (`2026-11-11T20:00`); the checker reads it in the rule
    /// set's zone.
    Time(String),
    /// A duration as written (`48h`, `1d12h`).
    Duration(String),
}

impl Literal {
    /// What kind of value this is, in the user's words.
    pub fn kind(&self) -> &'static str {
        match self {
            Literal::Str(_) => "text",
            Literal::Num(_) => "a number",
            Literal::Bool(_) => "true/false",
            Literal::Time(_) => "a date and time",
            Literal::Duration(_) => "a duration",
        }
    }
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Str(s) => write!(f, "{s:?}"),
            Literal::Num(n) => write!(f, "{n}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Time(t) | Literal::Duration(t) => write!(f, "{t}"),
        }
    }
}
