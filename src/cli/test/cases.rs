//! Test case files (YAML): reading them, finding each case's line, and turning a case's
//! order and expectations into what the rule set understands.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::check::err::did_you_mean;
use crate::check::{Policy, RuleSet};
use crate::input::RawOrder;

/// A case file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// The rule file, relative to the case file.
    pub rules: Option<PathBuf>,
    /// The moment the cases were written against (`older than`, `within`): a case file
    /// pins it, so that its expectations hold on any day.
    pub now: Option<String>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub order: Mapping,
    pub expect: Mapping,
    /// The 1-based line of the case in its file, found after parsing.
    #[serde(skip)]
    pub line: usize,
}

/// Reads a case file; the error names the file and the line.
pub fn read(path: &Path) -> Result<CaseFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut file: CaseFile = serde_yaml::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        format!("`{}{at}` is not a valid case file: {e}", path.display())
    })?;
    let lines = case_lines(&text);
    let fallback = text
        .lines()
        .position(|l| l.trim_end().starts_with("cases:"))
        .map_or(1, |i| i + 1);
    let exact = lines.len() == file.cases.len();
    for (i, case) in file.cases.iter_mut().enumerate() {
        case.line = if exact { lines[i] } else { fallback };
    }
    Ok(file)
}

/// The line of each item of the top-level `cases:` block sequence. (serde_yaml keeps no
/// positions, and a failing case is found by its line.)
fn case_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_cases = false;
    let mut item_indent = None;
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        if !in_cases {
            in_cases = indent == 0 && body.starts_with("cases:");
            continue;
        }
        let is_item = body == "-" || body.starts_with("- ");
        match item_indent {
            None if is_item => {
                item_indent = Some(indent);
                out.push(i + 1);
            }
            None => break,
            Some(n) if indent == n && is_item => out.push(i + 1),
            Some(n) if indent < n || (indent == n && !is_item) => break,
            Some(_) => {}
        }
    }
    out
}

/// What a case expects.
#[derive(Debug, Default)]
pub struct Expect {
    /// `Some(true)`: the order must be rejected as bad input; `Some(false)`: accepted.
    pub invalid: Option<bool>,
    /// Decision id and the values expected (as a set for `all` decisions).
    pub decisions: Vec<(usize, Vec<String>)>,
}

/// Reads a case's `expect` against the rule set's decisions.
pub fn expect(set: &RuleSet, expect: &Mapping) -> Result<Expect, String> {
    let mut out = Expect::default();
    for (k, v) in expect {
        let Some(name) = k.as_str() else {
            return Err(format!("`expect` has a key that is not a name: {k:?}"));
        };
        if name == "invalid" {
            match v {
                Value::Bool(b) => out.invalid = Some(*b),
                _ => return Err("`invalid` takes true or false".into()),
            }
            continue;
        }
        let Some(d) = set.decision_id(name) else {
            let names = set.decisions.iter().map(|d| d.name.as_str());
            let hint = did_you_mean(name, names.clone().chain(["invalid"]))
                .map(|m| format!("; did you mean `{m}`?"))
                .unwrap_or_default();
            let all: Vec<&str> = names.collect();
            return Err(format!(
                "`expect` names `{name}`, which is no decision of the rules{hint} (decisions: {})",
                all.join(", ")
            ));
        };
        let values = match v {
            Value::Null => Vec::new(),
            Value::Sequence(items) => items
                .iter()
                .map(|x| scalar(x).ok_or_else(|| format!("`{name}`: a list of plain values")))
                .collect::<Result<Vec<_>, _>>()?,
            other => vec![
                scalar(other).ok_or_else(|| format!("`{name}`: a value or a list of values"))?,
            ],
        };
        if set.decisions[d].policy != Policy::All && values.len() > 1 {
            return Err(format!(
                "`{name}` takes one value (it is not an `all` decision), not {}",
                values.len()
            ));
        }
        out.decisions.push((d, values));
    }
    if out.invalid == Some(true) && !out.decisions.is_empty() {
        return Err(
            "`invalid: true` cannot go with expected decisions: an order with bad input is not decided"
                .into(),
        );
    }
    Ok(out)
}

/// A plain YAML value as text: strings as written, numbers and booleans printed.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Fills `raw` with a case's order, field by field; fields left out are blank.
pub fn order(
    set: &RuleSet,
    order: &Mapping,
    line: usize,
    raw: &mut RawOrder,
) -> Result<(), String> {
    raw.clear(set.inputs().len());
    raw.line = line as u64;
    for (k, v) in order {
        let Some(name) = k.as_str() else {
            return Err(format!("`order` has a key that is not a field name: {k:?}"));
        };
        let Some(f) = set.field_id(name).filter(|&f| f < set.inputs().len()) else {
            let hint = did_you_mean(name, set.inputs().iter().map(|f| f.name.as_str()))
                .map(|m| format!("; did you mean `{m}`?"))
                .unwrap_or_default();
            return Err(format!(
                "`order` has `{name}`, which is no field of the rules{hint}"
            ));
        };
        match v {
            Value::Null => {}
            Value::Sequence(items) => {
                let texts = items
                    .iter()
                    .map(|x| scalar(x).ok_or_else(|| format!("`{name}`: a list of plain values")))
                    .collect::<Result<Vec<_>, _>>()?;
                raw.set_list(f, texts.iter().map(String::as_str));
            }
            other => {
                let text = scalar(other)
                    .ok_or_else(|| format!("`{name}`: a value or a list, not a map"))?;
                raw.set_text(f, &text);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_lines_follow_the_block_sequence() {
        let text = "rules: x.rules\n# c\ncases:\n  - name: a\n    order: {}\n\n  - name: b\n    expect:\n      flags:\n        - x\nother: 1\n";
        assert_eq!(case_lines(text), vec![4, 7]);
        let flush = "cases:\n- name: a\n  expect: {}\n- name: b\n";
        assert_eq!(case_lines(flush), vec![2, 4]);
    }
}
