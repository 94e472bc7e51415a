//! One raw value through a field's steps: spreadsheet repair, capture, split, aliases,
//! amount or date. The order of the steps is the one docs/PROFILES.md gives.

use rust_decimal::Decimal;

use super::model::FieldSpec;
use crate::input::typing::parse_decimal;

/// Trims white space and byte-order marks; with `spreadsheet`, also unwraps `="123"` and
/// drops a leading `'`, which spreadsheets add to keep long numbers as text.
pub fn repair(raw: &str, spreadsheet: bool) -> &str {
    let t = crate::input::trim(raw);
    if !spreadsheet {
        return t;
    }
    if let Some(inner) = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        return inner.trim();
    }
    t.strip_prefix('\'').map_or(t, str::trim)
}

/// Cleans one raw value and pushes what it yields (none when blank, several when split)
/// onto `out`; the reason when the value cannot be read.
pub fn clean(
    spec: &FieldSpec,
    raw: &str,
    spreadsheet: bool,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let value = repair(raw, spreadsheet);
    if value.is_empty() {
        return Ok(());
    }
    let value = match &spec.capture {
        None => value,
        Some(re) => match re.captures(value) {
            Some(c) => c.get(1).or_else(|| c.get(0)).map_or("", |m| m.as_str()),
            None => return Err(format!("does not match the profile's capture `{re}`")),
        },
    };
    let mut one = |piece: &str| -> Result<(), String> {
        let piece = spec.aliases.apply(piece.trim());
        if piece.is_empty() {
            return Ok(());
        }
        match (spec.amount, &spec.date) {
            (Some(decimal), _) => match amount(piece, decimal) {
                Some(d) => out.push(d.to_string()),
                None => return Err("not an amount".into()),
            },
            (None, Some(date)) => out.push(date.canonical(piece)?),
            (None, None) => out.push(piece.to_string()),
        }
        Ok(())
    };
    match spec.split.as_deref() {
        None => one(value),
        Some(sep) => value.split(sep).try_for_each(one),
    }
}

/// A currency sign (or the one-character word `元`) written before or after an amount.
fn is_currency_sign(c: char) -> bool {
    matches!(c, '$' | '¥' | '￥' | '€' | '£' | '₩' | '₹' | '元')
}

/// `t` without a currency sign or three-letter code at its start.
fn currency_at_start(t: &str) -> Option<&str> {
    if let Some(c) = t.chars().next()
        && is_currency_sign(c)
    {
        return Some(&t[c.len_utf8()..]);
    }
    let code = t.get(..3)?;
    let after = t[3..].chars().next();
    (code.bytes().all(|b| b.is_ascii_uppercase()) && !after.is_some_and(char::is_alphabetic))
        .then(|| &t[3..])
}

/// `t` without a currency sign or three-letter code at its end.
fn currency_at_end(t: &str) -> Option<&str> {
    let c = t.chars().next_back()?;
    if is_currency_sign(c) {
        return Some(&t[..t.len() - c.len_utf8()]);
    }
    let cut = t.len().checked_sub(3)?;
    let code = t.get(cut..)?;
    let before = t[..cut].chars().next_back();
    (code.bytes().all(|b| b.is_ascii_uppercase()) && !before.is_some_and(char::is_alphabetic))
        .then(|| &t[..cut])
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Reads an amount as exports write it: `¥1,234.50`, `USD 12`, `1.234,50 €`, `(12.50)`.
/// Whatever is left after the currency and the separators must be a plain decimal.
pub fn amount(raw: &str, decimal: char) -> Option<Decimal> {
    let mut t = raw.trim_matches(is_space);
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        t = inner;
    }
    loop {
        let before = t;
        t = t.trim_matches(is_space);
        if let Some(rest) = t.strip_prefix('-') {
            negative = !negative;
            t = rest;
        }
        if let Some(rest) = currency_at_start(t) {
            t = rest;
        }
        if let Some(rest) = currency_at_end(t) {
            t = rest;
        }
        if t == before {
            break;
        }
    }
    let thousands = if decimal == '.' { ',' } else { '.' };
    let plain: String = t
        .chars()
        .filter(|c| *c != thousands && *c != '\'' && !is_space(*c))
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    let d = parse_decimal(&plain)?;
    Some(if negative { -d } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_exports_write_them() {
        let ok = |raw: &str, decimal: char, want: &str| {
            assert_eq!(
                amount(raw, decimal).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{raw}"
            );
        };
        ok("1234.50", '.', "1234.50");
        ok("$1,234.50", '.', "1234.50");
        ok("¥ 88", '.', "88");
        ok("￥1,088.00", '.', "1088.00");
        ok("USD 12.99", '.', "12.99");
        ok("12.99 USD", '.', "12.99");
        ok("1.234,50 €", ',', "1234.50");
        ok("1 234,50", ',', "1234.50");
        ok("(12.50)", '.', "-12.50");
        ok("-$5.00", '.', "-5.00");
        ok("$-5.00", '.', "-5.00");
        ok("128元", '.', "128");
        ok("RMB 99", '.', "99");
        for bad in ["12,00x", "abc", "", "$", "1.2.3", "12 apples", "USD"] {
            assert_eq!(amount(bad, '.'), None, "{bad}");
        }
    }

    #[test]
    fn spreadsheet_repairs() {
        assert_eq!(
            repair("=\"3512345678901234567\"", true),
            "3512345678901234567"
        );
        assert_eq!(repair("'00123", true), "00123");
        assert_eq!(repair("576461234567891234\t", true), "576461234567891234");
        assert_eq!(repair("'00123", false), "'00123");
        assert_eq!(repair("\u{feff}A1 ", false), "A1");
    }
}
