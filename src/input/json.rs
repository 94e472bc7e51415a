//! JSON exports: JSON Lines (one object a line) and JSON arrays, read one order at a time.
//!
//! A JSON array is split into its elements by a small scanner that tracks strings and
//! nesting, so a file of any size streams, and a broken element costs only that order.

use std::io::BufRead;
use std::sync::Arc;

use serde_json::Value as Json;

use super::split::Chunk;
use super::{FatalError, Problem, RawOrder, Reader};

mod fast;

/// Reads one order's text: the fast way when it is a plain order, else by its values.
/// It is checked as UTF-8 with SIMD (`simdutf8`), at a fraction of what
/// `std::str::from_utf8` spends on lines of Chinese text.
fn fill_text(out: &mut RawOrder, fields: &[(String, bool)], keys: &mut fast::Keys, text: &[u8]) {
    let line = out.line;
    let plain = simdutf8::basic::from_utf8(text).is_ok_and(|t| fast::fill(out, fields, keys, t));
    if plain {
        return;
    }
    out.clear(fields.len());
    out.line = line;
    fill(out, fields, serde_json::from_slice(text));
}

fn fill(out: &mut RawOrder, fields: &[(String, bool)], parsed: Result<Json, serde_json::Error>) {
    let obj = match parsed {
        Ok(Json::Object(obj)) => obj,
        Ok(_) => {
            out.problem = Some(Problem::record("not a JSON object"));
            return;
        }
        Err(e) => {
            out.problem = Some(Problem::record(format!("unreadable JSON: {e}")));
            return;
        }
    };
    for (i, (name, _)) in fields.iter().enumerate() {
        match obj.get(name) {
            None | Some(Json::Null) => {}
            Some(Json::String(s)) => out.set_text(i, s),
            // `arbitrary_precision` keeps a number's digits as written: exact decimals.
            Some(Json::Number(n)) => out.set_text(i, &n.to_string()),
            Some(Json::Bool(b)) => out.set_text(i, if *b { "true" } else { "false" }),
            Some(Json::Array(items)) => {
                let texts: Vec<String> = items
                    .iter()
                    .map(|v| match v {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                out.set_list(i, texts.iter().map(String::as_str));
            }
            Some(Json::Object(_)) => {
                out.problem.get_or_insert_with(|| {
                    Problem::field(name, None, "an object where a value was expected")
                });
            }
        }
    }
}

/// Reads one order given as a JSON object (`explain --order`, test cases).
pub fn read_one(text: &str, fields: &[(String, bool)], out: &mut RawOrder) {
    out.clear(fields.len());
    out.line = 1;
    fill(out, fields, serde_json::from_str(text));
}

/// Reads the lines of one chunk of a JSON Lines export; one per thread, reused.
pub struct JsonLinesChunk {
    fields: Arc<[(String, bool)]>,
    keys: fast::Keys,
    bytes: Vec<u8>,
    pos: usize,
    line: u64,
}

impl JsonLinesChunk {
    pub fn new(fields: Arc<[(String, bool)]>) -> Self {
        JsonLinesChunk {
            fields,
            keys: fast::Keys::default(),
            bytes: Vec::new(),
            pos: 0,
            line: 0,
        }
    }

    /// Starts on a new chunk; returns the bytes of the one before, to reuse.
    pub fn load(&mut self, chunk: Chunk) -> Vec<u8> {
        self.pos = 0;
        self.line = chunk.line;
        std::mem::replace(&mut self.bytes, chunk.bytes)
    }
}

impl Reader for JsonLinesChunk {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        let bytes = &self.bytes;
        while self.pos < bytes.len() {
            let rest = &bytes[self.pos..];
            let len = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            let text = &rest[..len];
            self.pos += len;
            let line = self.line;
            self.line += 1;
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            out.clear(self.fields.len());
            out.line = line;
            fill_text(out, &self.fields, &mut self.keys, text);
            return Ok(true);
        }
        Ok(false)
    }
}

/// One element of a JSON array, as text, with where it starts.
pub struct Element<'a> {
    pub line: u64,
    pub text: &'a [u8],
    pub problem: Option<Problem>,
}

pub struct JsonArray {
    input: Box<dyn BufRead>,
    fields: Vec<(String, bool)>,
    keys: fast::Keys,
    name: String,
    buf: Vec<u8>,
    line: u64,
    done: bool,
    /// Where the array was closed, once text has turned up after its `]`.
    closed_at: Option<u64>,
    /// The array sits in an object (`{"orders": [...]}`) whose rest follows the `]`.
    wrapped: bool,
}

impl JsonArray {
    pub fn new(
        input: Box<dyn BufRead>,
        name: &str,
        fields: &[(String, bool)],
    ) -> Result<Self, FatalError> {
        let mut r = JsonArray {
            input,
            fields: fields.to_vec(),
            keys: fast::Keys::default(),
            name: name.to_string(),
            buf: Vec::new(),
            line: 1,
            done: false,
            closed_at: None,
            wrapped: false,
        };
        r.skip_ws()?;
        match r.peek()? {
            Some(b'[') => r.consume(),
            Some(b'{') => r.enter_wrapped_array()?,
            _ => return Err(r.not_orders()),
        }
        Ok(r)
    }

    fn not_orders(&self) -> FatalError {
        FatalError {
            message: format!("`{}` is not a JSON array of orders", self.name),
            help: Some("expected `[{...}, ...]` or an object holding such an array; for one object per line use --input-format jsonl".into()),
        }
    }

    fn io(&self, e: &std::io::Error) -> FatalError {
        FatalError::new(format!("cannot read `{}`: {e}", self.name))
    }

    fn peek(&mut self) -> Result<Option<u8>, FatalError> {
        match self.input.fill_buf() {
            Ok(b) => Ok(b.first().copied()),
            Err(e) => Err(self.io(&e)),
        }
    }

    fn consume(&mut self) {
        if let Ok(b) = self.input.fill_buf()
            && b.first() == Some(&b'\n')
        {
            self.line += 1;
        }
        self.input.consume(1);
    }

    fn skip_ws(&mut self) -> Result<(), FatalError> {
        while let Some(b) = self.peek()? {
            if !(b.is_ascii_whitespace() || b == 0xEF || b == 0xBB || b == 0xBF) {
                break;
            }
            self.consume();
        }
        Ok(())
    }

    /// `{"orders": [...], ...}`: finds the first member whose value is an array.
    fn enter_wrapped_array(&mut self) -> Result<(), FatalError> {
        self.wrapped = true;
        self.consume();
        loop {
            self.skip_ws()?;
            if self.peek()? != Some(b'"') {
                return Err(self.not_orders());
            }
            self.capture()?; // the key
            self.skip_ws()?;
            if self.peek()? != Some(b':') {
                return Err(self.not_orders());
            }
            self.consume();
            self.skip_ws()?;
            if self.peek()? == Some(b'[') {
                self.consume();
                return Ok(());
            }
            self.capture()?; // some other member's value
            self.skip_ws()?;
            if self.peek()? == Some(b',') {
                self.consume();
            } else {
                return Err(self.not_orders());
            }
        }
    }

    /// Skips the wrapping object's members after the array, and its closing `}`.
    fn leave_wrapper(&mut self) -> Result<(), FatalError> {
        self.wrapped = false;
        loop {
            self.skip_ws()?;
            match self.peek()? {
                Some(b',') => {
                    self.consume();
                    self.skip_ws()?;
                    self.capture()?; // the key
                    self.skip_ws()?;
                    if self.peek()? == Some(b':') {
                        self.consume();
                    }
                    self.skip_ws()?;
                    self.capture()?; // its value
                }
                Some(b'}') => {
                    self.consume();
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
    }

    /// Copies one JSON value into `buf`, stopping before the `,` or `]` that ends it.
    fn capture(&mut self) -> Result<(), FatalError> {
        self.buf.clear();
        let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
        while let Some(b) = self.peek()? {
            if in_str {
                self.buf.push(b);
                self.consume();
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_str = false;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth == 0 => return Ok(()),
                b']' | b'}' => {
                    depth -= 1;
                    self.buf.push(b);
                    self.consume();
                    if depth == 0 {
                        return Ok(());
                    }
                    continue;
                }
                b',' if depth == 0 => return Ok(()),
                _ => {}
            }
            self.buf.push(b);
            self.consume();
        }
        Ok(())
    }
}

impl JsonArray {
    /// Captures the next element into `buf`: its line, and a problem when it follows the
    /// array's closing `]`; `None` at the end.
    fn advance(&mut self) -> Result<Option<(u64, Option<Problem>)>, FatalError> {
        if self.done {
            return Ok(None);
        }
        self.skip_ws()?;
        if self.peek()? == Some(b',') {
            self.consume();
            self.skip_ws()?;
        }
        // After the closing `]` only white space may follow. Anything else is read on as
        // more orders, each marked invalid: a stray `]` must not silently end the run.
        while self.peek()? == Some(b']') {
            let at = self.line;
            self.consume();
            if self.wrapped {
                self.leave_wrapper()?;
            }
            self.skip_ws()?;
            if self.peek()?.is_none() {
                break;
            }
            self.closed_at.get_or_insert(at);
            if self.peek()? == Some(b',') {
                self.consume();
                self.skip_ws()?;
            }
        }
        if self.peek()?.is_none() {
            self.done = true;
            return Ok(None);
        }
        let line = self.line;
        self.capture()?;
        if self.buf.is_empty() {
            // A stray `}` where an order should start: take it as that order's (bad) text,
            // so the scan always moves on.
            let stray = self.peek()?.unwrap_or(b'}');
            self.buf.push(stray);
            self.consume();
        }
        let problem = self.closed_at.map(|at| {
            Problem::record(format!(
                "follows the `]` on line {at} that closed the array of orders"
            ))
        });
        Ok(Some((line, problem)))
    }

    /// The next element's text, line and problem (see [`JsonArray::advance`]), for a
    /// reader that maps elements its own way (profiles).
    pub fn next_text(&mut self) -> Result<Option<Element<'_>>, FatalError> {
        Ok(self.advance()?.map(|(line, problem)| Element {
            line,
            text: &self.buf,
            problem,
        }))
    }
}

impl Reader for JsonArray {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        let Some((line, problem)) = self.advance()? else {
            return Ok(false);
        };
        out.clear(self.fields.len());
        out.line = line;
        fill_text(out, &self.fields, &mut self.keys, &self.buf);
        if problem.is_some() {
            out.problem = problem;
        }
        Ok(true)
    }
}
