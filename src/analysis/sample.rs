//! Texts that a regex matches, for example orders: a few short strings read off the
//! regex's syntax tree (one per alternative, the fewest repetitions, a class's first
//! character). They are candidates only: the example builder keeps one after checking
//! it against every pattern of the field.

use regex_syntax::hir::{Class, Hir, HirKind};

/// How many texts one regex yields at most.
const MOST: usize = 8;

/// Short texts `pattern` may match; empty when it does not parse here (it compiled
/// during checking, so that is only a regex feature this reader does not know).
pub fn matching(pattern: &str) -> Vec<String> {
    match regex_syntax::parse(pattern) {
        Ok(hir) => texts(&hir),
        Err(_) => Vec::new(),
    }
}

fn texts(hir: &Hir) -> Vec<String> {
    match hir.kind() {
        // Anchors and word boundaries take no text; the check afterwards tells whether the
        // text lands where they demand.
        HirKind::Empty | HirKind::Look(_) => vec![String::new()],
        HirKind::Literal(lit) => vec![String::from_utf8_lossy(&lit.0).into_owned()],
        HirKind::Class(class) => class_texts(class),
        HirKind::Capture(cap) => texts(&cap.sub),
        HirKind::Repetition(rep) => {
            let one = texts(&rep.sub);
            let mut out = Vec::new();
            let least = usize::try_from(rep.min).unwrap_or(1).clamp(0, 16);
            // The fewest, one, and one more: `(ab)+` gives `ab` and `abab`, so a text
            // the rules name (`ab`) is not the only one at hand.
            for n in [least, least.max(1), least.max(1) + 1] {
                for t in &one {
                    let s = t.repeat(n);
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
            out.truncate(MOST);
            out
        }
        HirKind::Concat(parts) => parts.iter().fold(vec![String::new()], |acc, part| {
            let next = texts(part);
            let mut out = Vec::new();
            for a in &acc {
                for b in &next {
                    if out.len() < MOST {
                        out.push(format!("{a}{b}"));
                    }
                }
            }
            out
        }),
        HirKind::Alternation(alts) => {
            let mut out: Vec<String> = Vec::new();
            for alt in alts {
                for t in texts(alt) {
                    if out.len() < MOST && !out.contains(&t) {
                        out.push(t);
                    }
                }
            }
            out
        }
    }
}

/// A class's first character, and a letter or digit inside it where there is one
/// (`[^\n]` starts with NUL, which no export holds).
fn class_texts(class: &Class) -> Vec<String> {
    let chars: Vec<char> = match class {
        Class::Unicode(c) => c.iter().flat_map(|r| [r.start(), r.end()]).collect(),
        Class::Bytes(c) => c
            .iter()
            .flat_map(|r| [r.start(), r.end()])
            .filter(u8::is_ascii)
            .map(char::from)
            .collect(),
    };
    let inside = |ch: char| match class {
        Class::Unicode(c) => c.iter().any(|r| r.start() <= ch && ch <= r.end()),
        Class::Bytes(c) => {
            u8::try_from(ch).is_ok_and(|b| c.iter().any(|r| r.start() <= b && b <= r.end()))
        }
    };
    let mut out: Vec<String> = ['a', 'x', '0', '中']
        .into_iter()
        .filter(|ch| inside(*ch))
        .take(1)
        .chain(chars.into_iter().filter(|ch| !ch.is_control()).take(1))
        .map(String::from)
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn each_matches(pattern: &str) {
        let re = regex::Regex::new(pattern).expect("valid");
        let got = matching(pattern);
        assert!(!got.is_empty(), "{pattern}");
        assert!(got.iter().any(|t| re.is_match(t)), "{pattern}: {got:?}");
    }

    #[test]
    fn texts_match_their_regex() {
        for p in [
            "^a",
            "1[3-9][0-9]{9}",
            "^(ab)+$",
            "b{2}",
            "^.$",
            "^a|b$",
            "急|加急",
            r"\d{6}",
            "(?i)vip",
            r"^\p{Han}+$",
        ] {
            each_matches(p);
        }
    }
}
