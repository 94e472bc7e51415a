//! The rows of an export, decoded to UTF-8, and the values a column or JSON path picks
//! out of one row.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read};

use encoding_rs_io::DecodeReaderBytesBuilder;
use serde_json::Value as Json;

use super::model::Encoding;
use crate::input::{FatalError, Problem, RawFields, RawOrder, RawText, Rows};

/// The input decoded to UTF-8, and whether bytes were transcoded (so that U+FFFD in a
/// value means bytes that did not decode, not a character of the file).
pub fn decode(
    mut input: Box<dyn Read + Send>,
    encoding: Encoding,
    name: &str,
) -> Result<(Box<dyn Read + Send>, bool), FatalError> {
    let gb = encoding_rs::GB18030;
    let transcode = |input: Box<dyn Read + Send>, enc: Option<&'static encoding_rs::Encoding>| {
        let reader = DecodeReaderBytesBuilder::new()
            .encoding(enc)
            .bom_override(true)
            .build(input);
        Box::new(reader) as Box<dyn Read + Send>
    };
    match encoding {
        // The readers skip a UTF-8 byte-order mark and flag bytes that are not UTF-8.
        Encoding::Utf8 => Ok((input, false)),
        Encoding::Gbk | Encoding::Gb18030 => Ok((transcode(input, Some(gb)), true)),
        Encoding::Auto => {
            let mut head = Vec::with_capacity(1 << 16);
            (&mut input)
                .take(1 << 16)
                .read_to_end(&mut head)
                .map_err(|e| FatalError::new(format!("cannot read `{name}`: {e}")))?;
            let bom = head.starts_with(&[0xEF, 0xBB, 0xBF])
                || head.starts_with(&[0xFF, 0xFE])
                || head.starts_with(&[0xFE, 0xFF]);
            let (utf8_bad, gb_bad) = malformed(&head);
            let utf8 = utf8_bad <= gb_bad;
            let whole: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(input));
            Ok(match (bom, utf8) {
                (true, _) => (transcode(whole, None), false),
                (false, true) => (whole, false),
                (false, false) => (transcode(whole, Some(gb)), true),
            })
        }
    }
}

/// Malformed sequences in a sample read as UTF-8 and as GB18030: a file is taken to be in
/// the encoding it has fewer of (UTF-8 on a tie). GBK text is almost never well-formed
/// UTF-8 and the reverse, while an export in either may have a damaged row, which must
/// cost that order only and not flip the encoding of the whole file.
fn malformed(sample: &[u8]) -> (usize, usize) {
    let mut utf8 = 0;
    let mut rest = sample;
    while let Err(e) = std::str::from_utf8(rest) {
        // A character cut off by the end of the sample is not malformed.
        let Some(n) = e.error_len() else { break };
        utf8 += 1;
        rest = &rest[e.valid_up_to() + n..];
    }
    // A line break is never part of a two-byte character: cut there, not mid-character.
    let whole = memchr::memrchr(b'\n', sample).map_or(sample, |i| &sample[..=i]);
    let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(whole);
    let gb = text.chars().filter(|c| *c == '\u{fffd}').count();
    (utf8, gb)
}

/// A place a field's value is read from: a CSV column or a JSON path.
#[derive(Debug, Clone)]
pub enum Place {
    Column(usize),
    Path(Vec<Step>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    /// `[]`: every element of an array.
    Each,
}

/// `shipping_address.country_code`, `line_items[].sku`.
pub fn path(text: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in text.split('.') {
        let (key, each) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        if each {
            steps.push(Step::Each);
        }
    }
    steps
}

/// The rows of an export, one at a time.
pub struct RowSource {
    rows: Rows,
    /// CSV: each header's column (the first, when a header repeats).
    columns: HashMap<String, usize>,
    headers: Vec<String>,
    csv_row: RawOrder,
    json: Json,
    text: Vec<u8>,
    pub line: u64,
    pub problem: Option<Problem>,
}

impl RowSource {
    pub fn new(rows: Rows) -> Self {
        let headers = match &rows {
            Rows::Csv { headers, .. } => headers.clone(),
            _ => Vec::new(),
        };
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            columns.entry(h.clone()).or_insert(i);
        }
        RowSource {
            rows,
            columns,
            headers,
            csv_row: RawOrder::default(),
            json: Json::Null,
            text: Vec::new(),
            line: 0,
            problem: None,
        }
    }

    /// The header's columns; empty for JSON.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn is_json(&self) -> bool {
        !matches!(self.rows, Rows::Csv { .. })
    }

    /// Where `name` (a column or a path) is read from; `None` for a column the file lacks.
    pub fn place(&self, name: &str) -> Option<Place> {
        if self.is_json() {
            Some(Place::Path(path(name)))
        } else {
            self.columns.get(name).map(|c| Place::Column(*c))
        }
    }

    /// Moves to the next row; `false` at the end.
    pub fn advance(&mut self) -> Result<bool, FatalError> {
        self.problem = None;
        match &mut self.rows {
            Rows::Csv { reader, .. } => {
                if !reader.next(&mut self.csv_row)? {
                    return Ok(false);
                }
                self.line = self.csv_row.line;
                self.problem = self.csv_row.problem.take();
                if self.problem.is_none() && self.is_repeated_header() {
                    self.problem = Some(Problem::record(
                        "the header row again (two exports joined into one file?)",
                    ));
                }
                Ok(true)
            }
            Rows::JsonArray(array) => match array.next_text()? {
                None => Ok(false),
                Some(element) => {
                    self.line = element.line;
                    self.problem = element.problem;
                    let parsed = serde_json::from_slice(element.text);
                    self.set_json(parsed);
                    Ok(true)
                }
            },
            Rows::JsonLines(input) => loop {
                self.text.clear();
                let n = input
                    .read_until(b'\n', &mut self.text)
                    .map_err(|e| FatalError::new(format!("cannot read the export: {e}")))?;
                if n == 0 {
                    return Ok(false);
                }
                self.line += 1;
                let text = self.text.trim_ascii();
                let text = text
                    .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                    .unwrap_or(text);
                if text.is_empty() {
                    continue;
                }
                let parsed = serde_json::from_slice(text);
                self.set_json(parsed);
                return Ok(true);
            },
        }
    }

    fn set_json(&mut self, parsed: Result<Json, serde_json::Error>) {
        self.json = match parsed {
            Ok(v @ Json::Object(_)) => v,
            Ok(_) => {
                self.problem
                    .get_or_insert_with(|| Problem::record("not a JSON object"));
                Json::Null
            }
            Err(e) => {
                self.problem
                    .get_or_insert_with(|| Problem::record(format!("unreadable JSON: {e}")));
                Json::Null
            }
        };
    }

    fn is_repeated_header(&self) -> bool {
        !self.headers.is_empty()
            && self
                .headers
                .iter()
                .enumerate()
                .all(|(i, h)| match self.csv_row.raw(i) {
                    RawText::Text(t) => t.trim_start_matches('\u{feff}') == h,
                    _ => h.is_empty(),
                })
    }

    /// Pushes the raw values at `place` in the current row onto `out`.
    pub fn values<'s>(&'s self, place: &Place, out: &mut Vec<Cow<'s, str>>) {
        match place {
            Place::Column(c) => {
                if let RawText::Text(t) = self.csv_row.raw(*c) {
                    out.push(Cow::Borrowed(t));
                }
            }
            Place::Path(steps) => json_values(&self.json, steps, out),
        }
    }
}

fn json_values<'v>(v: &'v Json, steps: &[Step], out: &mut Vec<Cow<'v, str>>) {
    match (steps.first(), v) {
        (_, Json::Null) => {}
        (Some(Step::Key(k)), Json::Object(map)) => {
            if let Some(next) = map.get(k) {
                json_values(next, &steps[1..], out);
            }
        }
        (Some(Step::Each), Json::Array(items)) => {
            for item in items {
                json_values(item, &steps[1..], out);
            }
        }
        (Some(_), _) => {}
        (None, Json::String(s)) => out.push(Cow::Borrowed(s)),
        // `arbitrary_precision` keeps a number's digits as written: exact decimals.
        (None, Json::Number(n)) => out.push(Cow::Owned(n.to_string())),
        (None, Json::Bool(b)) => out.push(Cow::Borrowed(if *b { "true" } else { "false" })),
        (None, Json::Array(items)) => {
            for item in items {
                json_values(item, &[], out);
            }
        }
        (None, Json::Object(_)) => out.push(Cow::Owned(v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_with_fewer_malformed_bytes_wins() {
        let utf8 = |b: &[u8]| {
            let (u, g) = malformed(b);
            u <= g
        };
        assert!(utf8(b"plain ascii"));
        assert!(utf8("浙江省 杭州市".as_bytes()));
        assert!(utf8(b"#5,paid,15,E\xff\xfe,,,\n#6,\xef\xbb\xbf\n"));
        let (gbk, _, _) = encoding_rs::GBK.encode("浙江省 杭州市 买家已付款，等待卖家发货\n");
        assert!(!utf8(&gbk));
        let mut damaged = gbk.into_owned();
        damaged.extend_from_slice(b"x,\x81,y\n");
        assert!(!utf8(&damaged));
        // Cut in the middle of a character: the end of a sample, not a malformed byte.
        assert!(utf8(&"浙江".as_bytes()[..4]));
    }
}
