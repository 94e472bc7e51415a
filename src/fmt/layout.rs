//! Comments placed among the printed lines, then everything rendered: columns aligned,
//! blank lines kept where the source grouped items (never more than one).

use super::comments::{Comment, is_blank};
use super::lines::{Kind, Line};
use super::text::width;

/// Where each comment goes: before a line (its own line), after a line's code (at most
/// one per line), or after the last line of the file.
struct Placed {
    leading: Vec<Vec<usize>>,
    trailing: Vec<Option<usize>>,
    trailer: Vec<usize>,
}

impl Placed {
    /// Puts a comment on its own line before `line` (or at the end of the file). A line's
    /// end-of-line comment comes first in the source, so it moves up to its own line too.
    fn before(&mut self, line: usize, c: usize) {
        if line == self.trailing.len() {
            self.trailer.push(c);
            return;
        }
        if let Some(t) = self.trailing[line].take() {
            self.leading[line].push(t);
        }
        self.leading[line].push(c);
    }

    fn after(&mut self, line: usize, c: usize) {
        if let Some(t) = self.trailing[line].replace(c) {
            self.leading[line].push(t);
        }
    }
}

/// Attaches every comment to a line, keeping the comments in source order: an
/// end-of-line comment stays after the code it follows, a comment on a line of its own
/// goes before the next line, a comment inside code that is now printed on one line
/// goes before that line.
fn place(lines: &[Line], comments: &[Comment]) -> Placed {
    let mut placed = Placed {
        leading: vec![Vec::new(); lines.len()],
        trailing: vec![None; lines.len()],
        trailer: Vec::new(),
    };
    // Comments never go back to an earlier line than the previous comment's.
    let mut cursor = 0;
    for (ci, c) in comments.iter().enumerate() {
        let next = lines.partition_point(|l| l.start <= c.start);
        let holder = next.checked_sub(1);
        let (line, after) = match holder {
            Some(h) if c.trailing => (h, true),
            Some(h) if c.start < lines[h].end => (h, false),
            _ => (next, false),
        };
        if line < cursor {
            placed.before(cursor, ci);
        } else if after {
            placed.after(line, ci);
            cursor = line;
        } else {
            placed.before(line, ci);
            cursor = line;
        }
    }
    placed
}

/// The whole formatted file.
pub fn render(text: &str, lines: &[Line], comments: &[Comment]) -> String {
    let placed = place(lines, comments);
    let contents: Vec<String> = {
        let widths = group_widths(lines);
        lines
            .iter()
            .map(|l| {
                let mut s = " ".repeat(l.indent);
                match (l.cells.as_slice(), l.group) {
                    ([a, b], g) => {
                        let w = g.map_or(width(a), |g| widths[g]);
                        s.push_str(a);
                        s.push_str(&" ".repeat(w - width(a) + 1));
                        s.push_str(b);
                    }
                    (cells, _) => s.push_str(&cells.join(" ")),
                }
                s
            })
            .collect()
    };
    // End-of-line comments of a group line up one column past its longest commented line.
    let mut comment_col = vec![0; lines.len().max(1)];
    for (i, l) in lines.iter().enumerate() {
        if let (Some(g), Some(_)) = (l.group, placed.trailing[i]) {
            comment_col[g] = comment_col[g].max(width(&contents[i]) + 2);
        }
    }

    let mut r = Renderer {
        text,
        out: String::new(),
        prev_end: None,
        after_open: false,
    };
    let mut prev_item_block = false;
    for (i, l) in lines.iter().enumerate() {
        let head = matches!(l.kind, Kind::Head { .. } | Kind::Open);
        let block = matches!(l.kind, Kind::Head { block: true } | Kind::Open);
        let mut force = head && (block || prev_item_block);
        let comments_may_part = !matches!(l.kind, Kind::Inner);
        for &ci in &placed.leading[i] {
            let c = &comments[ci];
            r.blank(c.start, comments_may_part, force);
            force = false;
            r.line(l.comment_indent(), &c.text, (c.start, c.end()));
        }
        let may_part = matches!(l.kind, Kind::Head { .. } | Kind::Open | Kind::Decl);
        r.blank(l.start, may_part, force);
        let mut s = contents[i].clone();
        let mut end = l.end;
        if let Some(ci) = placed.trailing[i] {
            let c = &comments[ci];
            let col = l.group.map_or(0, |g| comment_col[g]).max(width(&s) + 2);
            s.push_str(&" ".repeat(col - width(&s)));
            s.push_str(&c.text);
            end = end.max(c.end());
        }
        r.line(0, &s, (l.start, end));
        r.after_open = l.kind == Kind::Open;
        if head {
            prev_item_block = block;
        }
    }
    for &ci in &placed.trailer {
        let c = &comments[ci];
        r.blank(c.start, true, false);
        r.line(0, &c.text, (c.start, c.end()));
    }
    r.out
}

fn group_widths(lines: &[Line]) -> Vec<usize> {
    let mut widths = Vec::new();
    for l in lines {
        if let (Some(g), Some(first)) = (l.group, l.cells.first()) {
            if widths.len() <= g {
                widths.resize(g + 1, 0);
            }
            widths[g] = widths[g].max(width(first));
        }
    }
    widths
}

struct Renderer<'a> {
    text: &'a str,
    out: String,
    /// Where the source of the previous output line ended.
    prev_end: Option<usize>,
    /// The previous line opened the fields block.
    after_open: bool,
}

impl Renderer<'_> {
    fn line(&mut self, indent: usize, s: &str, span: (usize, usize)) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push_str(s);
        self.out.push('\n');
        self.prev_end = Some(span.1);
        self.after_open = false;
    }

    /// A blank line before the next output line, if the source had one there (and
    /// `allowed`), or if `forced`; never at the top of the file or right after `{`.
    fn blank(&mut self, next_start: usize, allowed: bool, forced: bool) {
        let Some(prev_end) = self.prev_end else {
            return;
        };
        if self.after_open {
            return;
        }
        if forced || (allowed && blank_between(self.text, prev_end, next_start)) {
            self.out.push('\n');
        }
    }
}

/// Whether a whole line of nothing but white space lies between two source offsets.
fn blank_between(text: &str, a: usize, b: usize) -> bool {
    if b <= a {
        return false;
    }
    let Some(between) = text.get(a..b) else {
        return false;
    };
    let parts: Vec<&str> = between.split('\n').collect();
    parts.len() > 2
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.chars().all(is_blank))
}
