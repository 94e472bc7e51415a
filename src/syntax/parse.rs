//! The pest parser and the walk from its pairs to the syntax tree.

use std::str::FromStr;

use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::ast::{
    AcceptExpr, ActionExpr, CmpOp, CondExpr, DecisionDef, FieldDecl, File, Header, Item, ListDef,
    ListRef, Literal, Name, OpExpr, PolicyExpr, RuleDef, Spanned, TestExpr, TimePart, TypeExpr,
};
use super::err::{SyntaxError, describe};
use crate::source::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/routebook.pest"]
pub struct RoutebookParser;

type Result<T> = std::result::Result<T, SyntaxError>;

/// Parses a whole rule file. On a syntax error, keeps going item by item so that one
/// run reports the errors of every item, not only the first.
pub fn parse(text: &str) -> std::result::Result<File, Vec<SyntaxError>> {
    match RoutebookParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file = pairs.next().expect("the file rule always yields one pair");
            let mut items = Vec::new();
            let mut errors = Vec::new();
            for pair in file.into_inner() {
                if pair.as_rule() == Rule::EOI {
                    continue;
                }
                match item(pair, 0) {
                    Ok(it) => items.push(it),
                    Err(e) => errors.push(e),
                }
            }
            if errors.is_empty() {
                Ok(File { items })
            } else {
                Err(errors)
            }
        }
        Err(_) => {
            // Parse again tracking the literal tokens (`{`, `=`, `)`) expected at the
            // furthest position, so a missing one can be named. It slows parsing down,
            // so only a file that has an error pays for it.
            let (whole, errors) = with_error_detail(|| {
                let whole = RoutebookParser::parse(Rule::file, text)
                    .expect_err("the file failed to parse a moment ago");
                (whole, recover(text))
            });
            if errors.is_empty() {
                Err(vec![from_pest(&whole, text, 0)])
            } else {
                Err(errors)
            }
        }
    }
}

/// Runs `parse` with pest's error detail on. The setting is process-wide, so it is only
/// changed under a lock and put back afterwards: two files failing on two threads at
/// once (tests, `diff`) would otherwise switch it off under each other's feet, and an
/// error would lose the name of its missing `{`. Successful parses never touch it.
fn with_error_detail<T>(parse: impl FnOnce() -> T) -> T {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _held = DETAIL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pest::set_error_detail(true);
    let out = parse();
    pest::set_error_detail(false);
    out
}

/// Parses each top-level item on its own. Items start on a line whose first word is an
/// item keyword (indented or not); that is how people lay rule files out, and a file
/// laid out otherwise still gets its first error from the whole-file parse.
fn recover(text: &str) -> Vec<SyntaxError> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.trim_start();
        let word: String = code.chars().take_while(|c| c.is_alphanumeric()).collect();
        let rest = &code[word.len()..];
        let follows_ok = rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '{']);
        if offset > 0
            && follows_ok
            && matches!(
                word.as_str(),
                "ruleset" | "fields" | "list" | "decision" | "rule"
            )
        {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts.push(text.len());
    let mut errors = Vec::new();
    for w in starts.windows(2) {
        let chunk = &text[w[0]..w[1]];
        if chunk.trim().is_empty() {
            continue;
        }
        match RoutebookParser::parse(Rule::lone_item, chunk) {
            Ok(mut pairs) => {
                let lone = pairs.next().expect("lone_item yields one pair");
                if let Some(p) = lone.into_inner().find(|p| p.as_rule() != Rule::EOI)
                    && let Err(e) = item(p, w[0])
                {
                    errors.push(e);
                }
            }
            // A chunk of only comments is fine; the whole-file parse accepted it.
            Err(_) if is_only_comments(chunk) => {}
            Err(e) => errors.push(from_pest(&e, chunk, w[0])),
        }
    }
    errors
}

fn is_only_comments(chunk: &str) -> bool {
    chunk
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The punctuation that structures items; tokens inside numbers or white space are not
/// worth naming.
const STRUCTURE: [&str; 9] = ["{", "}", "[", "]", "(", ")", "=", ":", ","];

fn from_pest(e: &pest::error::Error<Rule>, text: &str, base: usize) -> SyntaxError {
    let mut pos = match e.location {
        pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) => p,
    };
    // Punctuation the parser wanted at the furthest point it reached: `{`, `=`, `:`, `)`.
    let mut punctuation: Vec<String> = Vec::new();
    if let Some(attempts) = e.parse_attempts()
        && attempts.max_position >= pos
    {
        punctuation = attempts
            .expected_tokens()
            .into_iter()
            .filter_map(|t| {
                // The token type is not exported; its text is enough to keep punctuation.
                let t = t.to_string();
                STRUCTURE.contains(&t.as_str()).then(|| format!("`{t}`"))
            })
            .collect();
        if !punctuation.is_empty() && attempts.max_position > pos {
            pos = attempts.max_position;
        }
    }
    let rest = &text[pos..];
    let line_rest = rest.split('\n').next().unwrap_or("");
    if line_rest.starts_with('"') && !line_rest[1..].contains('"') {
        let span = Span::new(pos, pos + line_rest.trim_end().len()).shifted(base);
        return SyntaxError::new(
            span,
            "unterminated string",
            "this string has no closing `\"`",
        )
        .with_help("strings end on the line they start; add the closing `\"`");
    }
    let at_furthest = punctuation.is_empty()
        || matches!(e.location,
        pest::error::InputLocation::Pos(p) | pest::error::InputLocation::Span((p, _)) if p == pos);
    let mut expected: Vec<&str> = punctuation.iter().map(String::as_str).collect();
    if at_furthest && let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
        expected.extend(positives.iter().filter_map(|r| describe(*r)));
    }
    // In item-by-item recovery the end of a chunk is the start of the next item.
    if base > 0 || !matches!(e.variant, pest::error::ErrorVariant::ParsingError { .. }) {
        for x in &mut expected {
            if *x == "end of file" {
                *x = "a new item (`rule`, `list`, `decision`, `fields`)";
            }
        }
    }
    expected.dedup();
    let mut seen = std::collections::HashSet::new();
    expected.retain(|x| seen.insert(*x));
    let mut found = found_token(rest);
    // `2026-1-11` parses as the number 2026 and fails at `-1-11`: report the whole date.
    let year = pos
        .checked_sub(4)
        .filter(|&y| found.starts_with('-') && text[y..pos].bytes().all(|b| b.is_ascii_digit()));
    if let Some(y) = year {
        found = found_token(&text[y..]);
        pos = y;
    }
    let numeric = found.strip_prefix('-').unwrap_or(found);
    // Only where a value may stand: after `older` a `48h` is a missing `than`, not a
    // bad number.
    let wants_value = expected.is_empty()
        || expected.iter().any(|x| {
            matches!(
                *x,
                "a value" | "a number" | "a date and time" | "a duration"
            )
        });
    if wants_value
        && numeric.starts_with(|c: char| c.is_ascii_digit())
        && Decimal::from_str(&numeric.replace('_', "")).is_err()
    {
        let span = Span::new(pos, pos + found.len()).shifted(base);
        let dated = numeric.len() > 4
            && numeric[..4].bytes().all(|b| b.is_ascii_digit())
            && numeric[4..].starts_with('-');
        return if dated {
            SyntaxError::new(span, format!("`{found}` is not a date and time"), "malformed date")
                .with_help("dates are written `2026-11-11`, `2026-11-11T20:00` or `2026-11-11T20:00:00+08:00`, with two-digit months, days and hours")
        } else {
            SyntaxError::new(span, format!("`{found}` is not a number"), "malformed number")
                .with_help("numbers are written like `2000`, `49.90`, `-5.5` or `10_000`; durations like `48h`, `30m`, `7d` or `1d12h`")
        };
    }
    let span = Span::new(pos, pos + found.len().max(1).min(rest.len().max(1))).shifted(base);
    let span = Span::new(span.start, span.end.min(base + text.len()).max(span.start));
    let message = match expected.as_slice() {
        [] => "expected an item: `ruleset`, `fields`, `list`, `decision` or `rule`".to_string(),
        [one] => format!("expected {one}"),
        [init @ .., last] => format!("expected {} or {last}", init.join(", ")),
    };
    let label = if found.is_empty() {
        "the file ends here".to_string()
    } else {
        format!("found `{found}`")
    };
    SyntaxError::new(span, message, label)
}

/// The word, number or symbol at the start of `rest`, to say what was found.
fn found_token(rest: &str) -> &str {
    let rest_line = rest.split('\n').next().unwrap_or("").trim_end();
    let mut end = 0;
    for (i, c) in rest_line.char_indices() {
        let word = c.is_alphanumeric() || c == '_' || c == '.' || c == '-';
        if i == 0 || word {
            end = i + c.len_utf8();
            if !word {
                break;
            }
        } else {
            break;
        }
    }
    &rest_line[..end]
}

/// A pair's span without the white space and comments that pest's implicit skipping
/// leaves at its end (before a trailing optional part that turned out absent). Spans
/// end at code: diagnostics underline only code, and `fmt` places comments by them.
fn span(p: &Pair<'_, Rule>, base: usize) -> Span {
    let s = Span::from(p.as_span());
    Span::new(s.start, s.start + content_len(p.as_str())).shifted(base)
}

fn content_len(text: &str) -> usize {
    let mut end = text.len();
    loop {
        // The grammar's white space, a byte-order mark included.
        end = text[..end]
            .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .len();
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&text[line_start..end]) {
            Some(i) => end = line_start + i,
            None => return end,
        }
    }
}

/// Where a `#` comment starts in one line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '#' if !in_str => return Some(i),
            _ => {}
        }
    }
    None
}

fn name(p: &Pair<'_, Rule>, base: usize) -> Name {
    Spanned::new(p.as_str().to_string(), span(p, base))
}

fn item(p: Pair<'_, Rule>, base: usize) -> Result<Item> {
    Ok(match p.as_rule() {
        Rule::header => {
            let sp = span(&p, base);
            let mut name_ = None;
            let mut version = None;
            let mut timezone = None;
            let mut last_kw = Rule::kw_ruleset;
            for c in p.into_inner() {
                match c.as_rule() {
                    Rule::kw_ruleset | Rule::kw_version | Rule::kw_timezone => {
                        last_kw = c.as_rule()
                    }
                    Rule::string => {
                        let s = Some(string(&c, base)?);
                        match last_kw {
                            Rule::kw_version => version = s,
                            Rule::kw_timezone => timezone = s,
                            _ => name_ = s,
                        }
                    }
                    _ => {}
                }
            }
            Item::Header(Header {
                name: name_.expect("grammar: ruleset has a name"),
                version,
                timezone,
                span: sp,
            })
        }
        Rule::fields => {
            let sp = span(&p, base);
            let decls = p
                .into_inner()
                .filter(|c| c.as_rule() == Rule::field_decl)
                .map(|c| field_decl(c, base))
                .collect::<Result<_>>()?;
            Item::Fields(Spanned::new(decls, sp))
        }
        Rule::list => {
            let mut it = p.into_inner().skip(1);
            let n = name(&it.next().expect("grammar: list name"), base);
            let items = list_literal(it.next().expect("grammar: list items"), base)?;
            Item::List(ListDef { name: n, items })
        }
        Rule::decision => {
            let mut it = p.into_inner().skip(1);
            let n = name(&it.next().expect("grammar: decision name"), base);
            let pol = it.next().expect("grammar: policy");
            let pol_span = span(&pol, base);
            let inner = pol.into_inner().next().expect("grammar: policy kind");
            let policy = match inner.as_rule() {
                Rule::policy_first => PolicyExpr::First,
                Rule::policy_all => PolicyExpr::All,
                _ => {
                    let lit = inner.into_inner().nth(1).expect("grammar: highest list");
                    PolicyExpr::Highest(list_literal(lit, base)?.node)
                }
            };
            let default = match it.nth(1) {
                Some(s) => Some(string(&s, base)?),
                None => None,
            };
            Item::Decision(DecisionDef {
                name: n,
                policy: Spanned::new(policy, pol_span),
                default,
            })
        }
        Rule::rule => Item::Rule(rule(p, base)?),
        other => unreachable!("grammar: unexpected item {other:?}"),
    })
}

fn field_decl(p: Pair<'_, Rule>, base: usize) -> Result<FieldDecl> {
    let mut it = p.into_inner();
    let n = name(&it.next().expect("grammar: field name"), base);
    let ty_pair = it.next().expect("grammar: field type");
    let ty_span = span(&ty_pair, base);
    let inner = ty_pair.into_inner().next().expect("grammar: type kind");
    let ty = match inner.as_rule() {
        Rule::one_of => TypeExpr::OneOf(
            inner
                .into_inner()
                .filter(|c| c.as_rule() == Rule::string)
                .map(|c| string(&c, base))
                .collect::<Result<_>>()?,
        ),
        _ => TypeExpr::Named(inner.as_str().to_string()),
    };
    let modifiers = it.map(|m| name(&m, base)).collect();
    Ok(FieldDecl {
        name: n,
        ty: Spanned::new(ty, ty_span),
        modifiers,
    })
}

fn rule(p: Pair<'_, Rule>, base: usize) -> Result<RuleDef> {
    let sp = span(&p, base);
    let mut rule_name = None;
    let mut description = None;
    let mut when = None;
    let mut actions = Vec::new();
    let mut accepts = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::rule_name => rule_name = Some(name(&c, base)),
            Rule::string => description = Some(string(&c, base)?),
            Rule::cond => when = Some(cond(c, base)?),
            Rule::action => {
                let mut it = c.into_inner();
                let word = name(&it.next().expect("grammar: action word"), base);
                let value = string(&it.next().expect("grammar: action value"), base)?;
                actions.push(ActionExpr { word, value });
            }
            Rule::accept => {
                let mut it = c.into_inner().skip(1);
                let kind = name(&it.next().expect("grammar: accept kind"), base);
                let reason = string(&it.next().expect("grammar: accept reason"), base)?;
                accepts.push(AcceptExpr { kind, reason });
            }
            _ => {}
        }
    }
    Ok(RuleDef {
        name: rule_name.expect("grammar: rule name"),
        description,
        when: when.expect("grammar: rule condition"),
        actions,
        accepts,
        span: sp,
    })
}

fn cond(p: Pair<'_, Rule>, base: usize) -> Result<Spanned<CondExpr>> {
    let sp = span(&p, base);
    match p.as_rule() {
        Rule::cond | Rule::conj => {
            let is_or = p.as_rule() == Rule::cond;
            let mut parts = p
                .into_inner()
                .filter(|c| !matches!(c.as_rule(), Rule::kw_or | Rule::kw_and))
                .map(|c| cond(c, base))
                .collect::<Result<Vec<_>>>()?;
            Ok(if parts.len() == 1 {
                parts.pop().expect("one part")
            } else if is_or {
                Spanned::new(CondExpr::Or(parts), sp)
            } else {
                Spanned::new(CondExpr::And(parts), sp)
            })
        }
        Rule::negated => {
            let mut nots = Vec::new();
            let mut inner = None;
            for c in p.into_inner() {
                if c.as_rule() == Rule::kw_not {
                    nots.push(span(&c, base));
                } else {
                    inner = Some(cond(c, base)?);
                }
            }
            let mut node = inner.expect("grammar: negated has a primary");
            for not_span in nots.into_iter().rev() {
                let s = not_span.to(node.span);
                node = Spanned::new(CondExpr::Not(Box::new(node)), s);
            }
            Ok(node)
        }
        Rule::test => {
            let mut it = p.into_inner().peekable();
            let part = it.next_if(|c| c.as_rule() == Rule::time_part).map(|c| {
                match c.into_inner().next().map(|k| k.as_rule()) {
                    Some(Rule::kw_hour) => TimePart::Hour,
                    _ => TimePart::Weekday,
                }
            });
            let subject = name(&it.next().expect("grammar: subject"), base);
            let op = match it.next() {
                Some(o) => Some(op(o, base)?),
                None => None,
            };
            Ok(Spanned::new(
                CondExpr::Test(TestExpr { part, subject, op }),
                sp,
            ))
        }
        other => unreachable!("grammar: unexpected condition {other:?}"),
    }
}

fn op(p: Pair<'_, Rule>, base: usize) -> Result<Spanned<OpExpr>> {
    let sp = span(&p, base);
    let kind = p.as_rule();
    // Keywords are pairs too; the operands are what is left.
    let args: Vec<Pair<'_, Rule>> = p
        .into_inner()
        .filter(|c| !format!("{:?}", c.as_rule()).starts_with("kw_"))
        .collect();
    let arg = |i: usize| args[i].clone();
    let node = match kind {
        Rule::op_missing => OpExpr::IsMissing,
        Rule::op_present => OpExpr::IsPresent,
        Rule::op_between => OpExpr::Between(literal(arg(0), base)?, literal(arg(1), base)?),
        Rule::op_compare => {
            let cmp = match arg(0).as_str() {
                "=" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            OpExpr::Compare(cmp, literal(arg(1), base)?)
        }
        Rule::op_in => OpExpr::In(list_ref(arg(0), base)?),
        Rule::op_not_in => OpExpr::NotIn(list_ref(arg(0), base)?),
        Rule::op_contains_any => OpExpr::ContainsAny(list_ref(arg(0), base)?),
        Rule::op_contains => OpExpr::Contains(string(&arg(0), base)?),
        Rule::op_starts_with => OpExpr::StartsWith(string(&arg(0), base)?),
        Rule::op_ends_with => OpExpr::EndsWith(string(&arg(0), base)?),
        Rule::op_matches => OpExpr::Matches(string(&arg(0), base)?),
        Rule::op_has => OpExpr::Has(string(&arg(0), base)?),
        Rule::op_has_any => OpExpr::HasAny(list_ref(arg(0), base)?),
        Rule::op_has_all => OpExpr::HasAll(list_ref(arg(0), base)?),
        Rule::op_has_none => OpExpr::HasNone(list_ref(arg(0), base)?),
        Rule::op_before => OpExpr::Before(literal(arg(0), base)?),
        Rule::op_after => OpExpr::After(literal(arg(0), base)?),
        Rule::op_older_than => OpExpr::OlderThan(literal(arg(0), base)?),
        Rule::op_within => OpExpr::Within(literal(arg(0), base)?),
        other => unreachable!("grammar: unexpected operator {other:?}"),
    };
    Ok(Spanned::new(node, sp))
}

fn list_ref(p: Pair<'_, Rule>, base: usize) -> Result<Spanned<ListRef>> {
    let sp = span(&p, base);
    let inner = p.into_inner().next().expect("grammar: list_ref kind");
    Ok(match inner.as_rule() {
        Rule::list_literal => Spanned::new(ListRef::Literal(list_literal(inner, base)?.node), sp),
        _ => Spanned::new(ListRef::Named(inner.as_str().to_string()), sp),
    })
}

fn list_literal(p: Pair<'_, Rule>, base: usize) -> Result<Spanned<Vec<Spanned<Literal>>>> {
    let sp = span(&p, base);
    let items = p
        .into_inner()
        .map(|c| literal(c, base))
        .collect::<Result<_>>()?;
    Ok(Spanned::new(items, sp))
}

fn literal(p: Pair<'_, Rule>, base: usize) -> Result<Spanned<Literal>> {
    let sp = span(&p, base);
    let inner = p.into_inner().next().expect("grammar: literal kind");
    Ok(match inner.as_rule() {
        Rule::string => {
            let s = string(&inner, base)?;
            Spanned::new(Literal::Str(s.node), sp)
        }
        Rule::number => Spanned::new(Literal::Num(number(&inner, base)?), sp),
        Rule::datetime => Spanned::new(Literal::Time(inner.as_str().to_string()), sp),
        Rule::duration => Spanned::new(Literal::Duration(inner.as_str().to_string()), sp),
        _ => Spanned::new(Literal::Bool(inner.as_str() == "true"), sp),
    })
}

fn number(p: &Pair<'_, Rule>, base: usize) -> Result<Decimal> {
    let digits = p.as_str().replace('_', "");
    Decimal::from_str(&digits).map_err(|_| {
        SyntaxError::new(span(p, base), "number out of range", "this number")
            .with_help("decimals hold up to 28 significant digits")
    })
}

fn string(p: &Pair<'_, Rule>, base: usize) -> Result<Spanned<String>> {
    let sp = span(p, base);
    let raw = p.as_str();
    let body = &raw[1..raw.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 'u')) => {
                let hex: String = chars
                    .by_ref()
                    .map(|(_, c)| c)
                    .skip(1)
                    .take_while(|c| *c != '}')
                    .collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        let at = Span::new(sp.start + 1 + i, sp.start + 1 + i + hex.len() + 4);
                        return Err(SyntaxError::new(
                            at,
                            format!("`\\u{{{hex}}}` is not a character"),
                            "this escape",
                        ));
                    }
                }
            }
            Some((_, other)) => out.push(other),
            None => {}
        }
    }
    Ok(Spanned::new(out, sp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_end_at_code_before_trailing_blanks_and_comments() {
        let text = "ruleset \"x\"  # why\n\u{feff}\n# more\nrule r when f then d \"v\"";
        let file = parse(text).expect("parses");
        let Item::Header(h) = &file.items[0] else {
            panic!("the header first")
        };
        assert_eq!(&text[h.span.start..h.span.end], "ruleset \"x\"");
    }
}
