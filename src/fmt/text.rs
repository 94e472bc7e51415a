//! Syntax-tree nodes back to text: strings re-escaped, numbers as written, conditions
//! with the fewest parentheses that give the same tree.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::syntax::ast::{
    ActionExpr, CondExpr, ListRef, Literal, OpExpr, PolicyExpr, Spanned, TestExpr, TypeExpr,
};

/// A string literal: `"` and `\` escaped, control characters as escapes, everything
/// else (Chinese text included) as is.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prints literals; numbers keep their spelling (`10_000` stays readable).
pub struct Printer<'a> {
    pub text: &'a str,
}

impl Printer<'_> {
    pub fn literal(&self, lit: &Spanned<Literal>) -> String {
        match &lit.node {
            Literal::Str(s) => quote(s),
            Literal::Bool(b) => b.to_string(),
            Literal::Time(t) | Literal::Duration(t) => t.clone(),
            Literal::Num(n) => {
                let written = self.text.get(lit.span.start..lit.span.end).unwrap_or("");
                let same = Decimal::from_str(&written.replace('_', "")).ok() == Some(*n);
                if same {
                    written.to_string()
                } else {
                    n.to_string()
                }
            }
        }
    }

    pub fn list(&self, items: &[Spanned<Literal>]) -> String {
        let inner: Vec<String> = items.iter().map(|l| self.literal(l)).collect();
        format!("[{}]", inner.join(", "))
    }

    fn list_ref(&self, l: &ListRef) -> String {
        match l {
            ListRef::Named(n) => n.clone(),
            ListRef::Literal(items) => self.list(items),
        }
    }

    pub fn type_expr(&self, t: &TypeExpr) -> String {
        match t {
            TypeExpr::Named(w) => w.clone(),
            TypeExpr::OneOf(values) => {
                let vs: Vec<String> = values.iter().map(|v| quote(&v.node)).collect();
                format!("one of {}", vs.join(", "))
            }
        }
    }

    pub fn policy(&self, p: &PolicyExpr) -> String {
        match p {
            PolicyExpr::First => "first".into(),
            PolicyExpr::All => "all".into(),
            PolicyExpr::Highest(values) => format!("highest {}", self.list(values)),
        }
    }

    pub fn actions(&self, actions: &[ActionExpr]) -> String {
        let parts: Vec<String> = actions
            .iter()
            .map(|a| format!("{} {}", a.word.node, quote(&a.value.node)))
            .collect();
        parts.join(", ")
    }

    fn op(&self, op: &OpExpr) -> String {
        match op {
            OpExpr::IsMissing => "is missing".into(),
            OpExpr::IsPresent => "is present".into(),
            OpExpr::Compare(c, lit) => format!("{} {}", c.symbol(), self.literal(lit)),
            OpExpr::Before(lit)
            | OpExpr::After(lit)
            | OpExpr::OlderThan(lit)
            | OpExpr::Within(lit) => format!("{} {}", op.word(), self.literal(lit)),
            OpExpr::Between(a, b) => {
                format!("between {} and {}", self.literal(a), self.literal(b))
            }
            OpExpr::In(l)
            | OpExpr::NotIn(l)
            | OpExpr::ContainsAny(l)
            | OpExpr::HasAny(l)
            | OpExpr::HasAll(l)
            | OpExpr::HasNone(l) => format!("{} {}", op.word(), self.list_ref(&l.node)),
            OpExpr::Contains(s)
            | OpExpr::StartsWith(s)
            | OpExpr::EndsWith(s)
            | OpExpr::Matches(s)
            | OpExpr::Has(s) => format!("{} {}", op.word(), quote(&s.node)),
        }
    }

    fn test(&self, t: &TestExpr) -> String {
        let subject = match t.part {
            Some(part) => format!("{} of {}", part.word(), t.subject.node),
            None => t.subject.node.clone(),
        };
        match &t.op {
            None => subject,
            Some(op) => format!("{subject} {}", self.op(&op.node)),
        }
    }

    /// A whole condition, as after `when`.
    pub fn cond(&self, c: &CondExpr) -> String {
        match c {
            CondExpr::Or(parts) => self.join(parts, Parent::Or),
            CondExpr::And(parts) => self.join(parts, Parent::And),
            CondExpr::Not(inner) => format!("not {}", self.operand(&inner.node, Parent::Not)),
            CondExpr::Test(t) => self.test(t),
        }
    }

    fn join(&self, parts: &[Spanned<CondExpr>], parent: Parent) -> String {
        let word = if parent == Parent::Or {
            " or "
        } else {
            " and "
        };
        let texts: Vec<String> = parts
            .iter()
            .map(|p| self.operand(&p.node, parent))
            .collect();
        texts.join(word)
    }

    /// A condition inside an `or`, an `and` or a `not`, parenthesised where the tree
    /// needs it, and in two places where it does not but a reader would: an `and` inside
    /// an `or` (`a or (b and c)`), and a test with an operator under `not`
    /// (`not (x = 1)`, which bare reads as `(not x) = 1`).
    pub fn operand(&self, c: &CondExpr, parent: Parent) -> String {
        let needs = match (parent, c) {
            (_, CondExpr::Or(_) | CondExpr::And(_)) => true,
            (Parent::Not, CondExpr::Test(t)) => t.op.is_some(),
            _ => false,
        };
        let s = self.cond(c);
        if needs { format!("({s})") } else { s }
    }
}

/// What a condition stands inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Or,
    And,
    Not,
}

/// Columns a text takes in a terminal: East Asian wide characters count two, so that
/// Chinese names and values line up.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_re_escaped() {
        assert_eq!(quote("a\"b\\c\nd\te"), r#""a\"b\\c\nd\te""#);
        assert_eq!(quote("本人\u{1}"), "\"本人\\u{1}\"");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("ab"), 2);
        assert_eq!(width("浙江"), 4);
    }
}
