//! The syntax tree laid out as lines, each remembering which source text it prints, so
//! that comments can find their place among them.

use super::comments::Comment;
use super::text::{Parent, Printer, quote, width};
use crate::syntax::ast::{CondExpr, File, Item, RuleDef, Spanned};

/// A condition longer than this (with its `when`) is broken before each top-level
/// `and` / `or`.
pub const MAX_WIDTH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The first line of an item; `block` for rules and the fields block, which always
    /// get a blank line around them.
    Head { block: bool },
    /// `fields {`
    Open,
    /// A field declaration.
    Decl,
    /// The `}` closing the fields block.
    Close,
    /// `when`, `then` and the continuation lines of a broken condition.
    Inner,
}

/// One printed line.
#[derive(Debug, Clone)]
pub struct Line {
    pub indent: usize,
    /// One cell, or two that are aligned with the other lines of `group`.
    pub cells: Vec<String>,
    pub group: Option<usize>,
    pub kind: Kind,
    /// Where the source text this line prints starts and (its code) ends.
    pub start: usize,
    pub end: usize,
}

impl Line {
    /// How far comments placed before this line are indented.
    pub fn comment_indent(&self) -> usize {
        match self.kind {
            Kind::Head { .. } | Kind::Open => 0,
            Kind::Decl | Kind::Close => 2,
            Kind::Inner => self.indent,
        }
    }
}

struct Builder<'a> {
    text: &'a str,
    comments: &'a [Comment],
    p: Printer<'a>,
    lines: Vec<Line>,
    groups: usize,
}

/// Lays out every item of the file.
pub fn lines(file: &File, text: &str, comments: &[Comment]) -> Vec<Line> {
    let mut b = Builder {
        text,
        comments,
        p: Printer { text },
        lines: Vec::new(),
        groups: 0,
    };
    // Consecutive lists (and consecutive decisions) align as one group.
    let mut run: Option<(bool, usize)> = None;
    for item in &file.items {
        let is_list = matches!(item, Item::List(_));
        let group = match item {
            Item::List(_) | Item::Decision(_) => Some(match run {
                Some((was_list, g)) if was_list == is_list => g,
                _ => b.new_group(),
            }),
            _ => None,
        };
        run = group.map(|g| (is_list, g));
        b.item(item, group);
    }
    b.lines
}

impl Builder<'_> {
    fn new_group(&mut self) -> usize {
        self.groups += 1;
        self.groups - 1
    }

    fn push(&mut self, indent: usize, cells: Vec<String>, kind: Kind, span: (usize, usize)) {
        self.lines.push(Line {
            indent,
            cells,
            group: None,
            kind,
            start: span.0,
            end: span.1,
        });
    }

    fn item(&mut self, item: &Item, group: Option<usize>) {
        let head = Kind::Head { block: false };
        match item {
            Item::Header(h) => {
                let mut s = format!("ruleset {}", quote(&h.name.node));
                if let Some(v) = &h.version {
                    s.push_str(&format!(" version {}", quote(&v.node)));
                }
                if let Some(t) = &h.timezone {
                    s.push_str(&format!(" timezone {}", quote(&t.node)));
                }
                self.push(0, vec![s], head, (h.span.start, h.span.end));
            }
            Item::Fields(decls) => {
                let start = decls.span.start;
                let brace = self.text[start..]
                    .find('{')
                    .map_or(start + 1, |i| start + i + 1);
                self.push(0, vec!["fields {".into()], Kind::Open, (start, brace));
                let g = self.new_group();
                for d in &decls.node {
                    let mut ty = self.p.type_expr(&d.ty.node);
                    let mut last = d.ty.span.end;
                    for m in &d.modifiers {
                        ty.push_str(&format!(", {}", m.node));
                        last = m.span.end;
                    }
                    self.push(
                        2,
                        vec![d.name.node.clone(), ty],
                        Kind::Decl,
                        (d.name.span.start, last),
                    );
                    self.lines.last_mut().expect("just pushed").group = Some(g);
                }
                let close = decls.span.end.saturating_sub(1).max(brace);
                self.push(0, vec!["}".into()], Kind::Close, (close, decls.span.end));
            }
            Item::List(l) => {
                let cells = vec![
                    format!("list {}", l.name.node),
                    format!("= {}", self.p.list(&l.items.node)),
                ];
                self.push(0, cells, head, (l.name.span.start, l.items.span.end));
                self.lines.last_mut().expect("just pushed").group = group;
            }
            Item::Decision(d) => {
                let mut policy = self.p.policy(&d.policy.node);
                let mut end = d.policy.span.end;
                if let Some(def) = &d.default {
                    policy.push_str(&format!(", default {}", quote(&def.node)));
                    end = def.span.end;
                }
                let cells = vec![format!("decision {}:", d.name.node), policy];
                self.push(0, cells, head, (d.name.span.start, end));
                self.lines.last_mut().expect("just pushed").group = group;
            }
            Item::Rule(r) => self.rule(r),
        }
    }

    fn rule(&mut self, r: &RuleDef) {
        let mut head = format!("rule {}", r.name.node);
        let mut head_end = r.name.span.end;
        if let Some(d) = &r.description {
            head.push(' ');
            head.push_str(&quote(&d.node));
            head_end = d.span.end;
        }
        self.push(
            0,
            vec![head],
            Kind::Head { block: true },
            (r.span.start, head_end),
        );

        let when = &r.when;
        let one_line = format!("when {}", self.p.cond(&when.node));
        let (parts, word, parent): (&[Spanned<CondExpr>], &str, Parent) = match &when.node {
            CondExpr::Or(ps) => (ps, "or", Parent::Or),
            CondExpr::And(ps) => (ps, "and", Parent::And),
            _ => (&[], "", Parent::And),
        };
        // A comment between the first operand's code and the last operand can only stay
        // between them on a line of its own or after an operand's line.
        let breaks = match (parts.first(), parts.last()) {
            (Some(first), Some(last)) => {
                let inside = self
                    .comments
                    .iter()
                    .any(|c| c.start >= first.span.end && c.start < last.span.start);
                inside || 2 + width(&one_line) > MAX_WIDTH
            }
            _ => false,
        };
        if breaks {
            for (i, part) in parts.iter().enumerate() {
                let body = self.p.operand(&part.node, parent);
                let (indent, s) = if i == 0 {
                    (2, format!("when {body}"))
                } else {
                    (4, format!("{word} {body}"))
                };
                self.push(
                    indent,
                    vec![s],
                    Kind::Inner,
                    (part.span.start, part.span.end),
                );
            }
        } else {
            self.push(
                2,
                vec![one_line],
                Kind::Inner,
                (when.span.start, when.span.end),
            );
        }

        if let (Some(first), Some(last)) = (r.actions.first(), r.actions.last()) {
            let s = format!("then {}", self.p.actions(&r.actions));
            self.push(
                2,
                vec![s],
                Kind::Inner,
                (first.word.span.start, last.value.span.end),
            );
        }
        for a in &r.accepts {
            let s = format!("accept {} {}", a.kind.node, quote(&a.reason.node));
            let span = (a.kind.span.start, a.reason.span.end);
            self.push(2, vec![s], Kind::Inner, span);
        }
    }
}
