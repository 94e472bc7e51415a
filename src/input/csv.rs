//! CSV and TSV exports: header row names the columns; comma, tab or semicolon separated.
//!
//! An unclosed quote makes a CSV parser swallow every following row into one field. To
//! lose no order to that, the reader keeps the raw bytes of each record (a tee on the
//! input); a record whose quotes do not balance, or whose width is wrong while it spans
//! several lines, is read again line by line, each line becoming its own record, and
//! the line with the broken quote is marked invalid.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::rc::Rc;

use csv::ByteRecord;

use super::{FatalError, Problem, RawOrder, Reader};

/// Copies every byte read into a shared log, so a record's raw text can be looked at.
struct Tee {
    inner: Box<dyn BufRead>,
    log: Rc<RefCell<Vec<u8>>>,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.log.borrow_mut().extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

pub struct CsvReader {
    rdr: csv::Reader<Tee>,
    record: ByteRecord,
    log: Rc<RefCell<Vec<u8>>>,
    /// The byte offset in the file of `log[0]`.
    log_base: u64,
    delimiter: u8,
    /// Records re-read line by line, waiting to be handed out.
    pending: VecDeque<(u64, ByteRecord, Option<Problem>)>,
    /// The column of each declared field; `None` for an optional field the file lacks.
    columns: Vec<Option<usize>>,
    names: Vec<String>,
    width: usize,
}

/// The separator of the header line: whichever of `,` `\t` `;` occurs most outside quotes.
fn sniff(head: &[u8]) -> u8 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let mut counts = [(b',', 0), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for b in line {
        if *b == b'"' {
            quoted = !quoted;
        }
        for (sep, n) in &mut counts {
            if !quoted && b == sep {
                *n += 1;
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s)
}

impl CsvReader {
    pub fn new(
        mut input: Box<dyn BufRead>,
        name: &str,
        tsv: bool,
        fields: &[(String, bool)],
    ) -> Result<Self, FatalError> {
        let delimiter = if tsv {
            b'\t'
        } else {
            let head = input
                .fill_buf()
                .map_err(|e| FatalError::new(format!("cannot read `{name}`: {e}")))?;
            sniff(head)
        };
        let log = Rc::new(RefCell::new(Vec::new()));
        let tee = Tee {
            inner: input,
            log: Rc::clone(&log),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(tee);
        let headers: Vec<String> = rdr
            .byte_headers()
            .map_err(|e| FatalError::new(format!("cannot read the header of `{name}`: {e}")))?
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_string()
            })
            .collect();
        let mut columns = Vec::with_capacity(fields.len());
        for (field, optional) in fields {
            let col = headers.iter().position(|h| h == field);
            if col.is_none() && !optional {
                return Err(FatalError {
                    message: format!("`{name}` has no column `{field}`"),
                    help: Some(format!(
                        "the rules need a column for every field that is not optional; the file has: {}",
                        headers.join(", ")
                    )),
                });
            }
            columns.push(col);
        }
        Ok(CsvReader {
            rdr,
            record: ByteRecord::new(),
            log,
            log_base: 0,
            delimiter,
            pending: VecDeque::new(),
            columns,
            names: fields.iter().map(|(n, _)| n.clone()).collect(),
            width: headers.len(),
        })
    }
}

impl CsvReader {
    /// The raw bytes of the record just read; forgets what came before it.
    fn raw_record(&mut self) -> Vec<u8> {
        let start = self.record.position().map_or(0, csv::Position::byte);
        let end = self.rdr.position().byte();
        let mut log = self.log.borrow_mut();
        let from = usize::try_from(start.saturating_sub(self.log_base))
            .unwrap_or(0)
            .min(log.len());
        let to = usize::try_from(end.saturating_sub(self.log_base))
            .unwrap_or(0)
            .clamp(from, log.len());
        let raw = log[from..to].to_vec();
        // Drop consumed bytes now and then, not per record: draining is a memmove.
        if from > 1 << 20 {
            log.drain(..from);
            self.log_base += from as u64;
        }
        raw
    }

    /// Splits a broken record into lines and queues each as its own record.
    fn split_into_lines(&mut self, raw: &[u8], first_line: u64) {
        let lines = raw
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
        for (line, text) in (first_line..).zip(lines) {
            let mut rdr = csv::ReaderBuilder::new()
                .delimiter(self.delimiter)
                .flexible(true)
                .has_headers(false)
                .from_reader(text);
            let mut rec = ByteRecord::new();
            if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
                continue;
            }
            let quotes = text.iter().filter(|b| **b == b'"').count();
            let problem = (quotes % 2 == 1).then(|| {
                Problem::record(
                    "a quote that is never closed; the rows after it were read one line at a time",
                )
            });
            self.pending.push_back((line, rec, problem));
        }
    }

    fn fill(&self, out: &mut RawOrder, line: u64, record: &ByteRecord, problem: Option<Problem>) {
        out.clear(self.columns.len());
        out.line = line;
        out.problem = problem;
        if out.problem.is_none() && record.len() != self.width {
            out.problem = Some(Problem::record(format!(
                "expected {} columns, found {}",
                self.width,
                record.len()
            )));
        }
        for (field, col) in self.columns.iter().enumerate() {
            let Some(bytes) = col.and_then(|c| record.get(c)) else {
                continue;
            };
            match std::str::from_utf8(bytes) {
                Ok(s) => out.set_text(field, s),
                Err(_) => {
                    // Keep the key readable in the record; report the bytes as they were.
                    let lossy = String::from_utf8_lossy(bytes);
                    out.set_text(field, &lossy);
                    let p = Problem::field(&self.names[field], Some(&lossy), "not valid UTF-8");
                    out.problem.get_or_insert(p);
                }
            }
        }
    }
}

impl Reader for CsvReader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        if let Some((line, rec, problem)) = self.pending.pop_front() {
            self.fill(out, line, &rec, problem);
            return Ok(true);
        }
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => return Err(FatalError::new(format!("cannot read the file: {e}"))),
        }
        let line = self.record.position().map_or(0, csv::Position::line);
        let raw = self.raw_record();
        let quotes = raw.iter().filter(|b| **b == b'"').count();
        let multiline = raw.trim_ascii_end().contains(&b'\n');
        // A bare quote inside one line is literal text (`12" pizza`); only a record that
        // spans lines can have swallowed other rows.
        if multiline && (quotes % 2 == 1 || self.record.len() != self.width) {
            self.split_into_lines(&raw, line);
            if let Some((line, rec, problem)) = self.pending.pop_front() {
                self.fill(out, line, &rec, problem);
                return Ok(true);
            }
        }
        let record = std::mem::take(&mut self.record);
        self.fill(out, line, &record, None);
        self.record = record;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_the_separator_outside_quotes() {
        assert_eq!(sniff(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff(b"a\tb\tc"), b'\t');
        assert_eq!(sniff(b"\"x,y\";b;c"), b';');
        assert_eq!(sniff(b"single"), b',');
    }
}
