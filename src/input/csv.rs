//! CSV and TSV exports: header row names the columns; comma, tab or semicolon separated.

use std::io::BufRead;

use csv::ByteRecord;

use super::{FatalError, Problem, RawOrder, Reader};

pub struct CsvReader {
    rdr: csv::Reader<Box<dyn BufRead>>,
    record: ByteRecord,
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
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
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
            columns,
            names: fields.iter().map(|(n, _)| n.clone()).collect(),
            width: headers.len(),
        })
    }
}

impl Reader for CsvReader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(e) => return Err(FatalError::new(format!("cannot read the file: {e}"))),
        }
        out.clear(self.columns.len());
        out.line = self.record.position().map_or(0, csv::Position::line);
        if self.record.len() != self.width {
            out.problem = Some(Problem::record(format!(
                "expected {} columns, found {}",
                self.width,
                self.record.len()
            )));
        }
        for (field, col) in self.columns.iter().enumerate() {
            let Some(bytes) = col.and_then(|c| self.record.get(c)) else {
                continue;
            };
            match std::str::from_utf8(bytes) {
                Ok(s) => out.set_text(field, s),
                Err(_) => {
                    // Keep the key readable in the record; report the bytes as they were.
                    let lossy = String::from_utf8_lossy(bytes);
                    out.set_text(field, &lossy);
                    let p = Problem::field(&self.names[field], Some(&lossy), "not valid UTF-8");
                    if out.problem.is_none() {
                        out.problem = Some(p);
                    }
                }
            }
        }
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
