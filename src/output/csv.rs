//! Decision records as CSV: one header row, then one row per order.
//!
//! Every order with the same outcome shares everything after its key, so those bytes
//! are formatted once per outcome and copied after each order's key.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use super::{Encoder, Layout, Record, Writer};
use crate::words::{below, first_marked, spread};

/// Whether a key surely needs no quotes: it has no byte that the writer quotes for (the
/// delimiter `,`, `"`, `\r`, `\n`) nor any other control byte, found a word at a time;
/// otherwise `csv_core` says, byte by byte.
#[inline]
fn plain(key: &[u8]) -> bool {
    let (quote, comma) = (spread(b'"'), spread(b','));
    first_marked(
        key,
        0,
        |w| below(w, 0x0E) | below(w ^ quote, 1) | below(w ^ comma, 1),
        |b| b < 0x0E || b == b'"' || b == b',',
    )
    .is_none()
}

/// A byte buffer a `csv::Writer` writes into and its owner empties.
#[derive(Default, Clone)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub struct CsvEncoder<'s> {
    layout: Layout<'s>,
    /// Formats records field by field (bad input, `--explain`, unnumbered outcomes)
    /// into `formatted`.
    fields: csv::Writer<Shared>,
    formatted: Shared,
    /// Decides whether a key needs quotes, exactly as `fields` would.
    quoting: csv_core::Writer,
    join: String,
    /// By outcome number: the record after its key, from the `,` on.
    after_key: Vec<Option<Box<[u8]>>>,
    now: Option<String>,
}

impl<'s> CsvEncoder<'s> {
    pub fn new(layout: Layout<'s>) -> Self {
        let formatted = Shared::default();
        CsvEncoder {
            layout,
            fields: csv::WriterBuilder::new().from_writer(formatted.clone()),
            formatted,
            quoting: csv_core::WriterBuilder::new().build(),
            join: String::new(),
            after_key: Vec::new(),
            now: layout.now(),
        }
    }

    fn joined<'a>(&mut self, parts: impl Iterator<Item = &'a str>) -> csv::Result<()> {
        self.join.clear();
        for (i, p) in parts.enumerate() {
            if i > 0 {
                self.join.push(';');
            }
            self.join.push_str(p);
        }
        self.fields.write_field(&self.join)
    }

    /// Formats a record field by field into `self.fields`' buffer.
    fn format(&mut self, rec: &Record<'_>) -> csv::Result<()> {
        self.fields.write_field(rec.key)?;
        let set = self.layout.set;
        match rec.result {
            Ok(outcome) => {
                for d in &outcome.decisions {
                    self.joined(d.values.iter().map(String::as_str))?;
                    self.joined(d.rules.iter().map(|r| set.rules[*r].name.as_str()))?;
                }
                self.fields.write_field("")?;
            }
            Err(e) => {
                for _ in 0..set.decisions.len() * 2 {
                    self.fields.write_field("")?;
                }
                self.fields.write_field(e.to_string())?;
            }
        }
        if self.layout.explain {
            let text = rec
                .explain
                .map(|t| self.layout.explain_text(t))
                .unwrap_or_default();
            self.fields.write_field(text)?;
        }
        if let Some(n) = &set.name {
            self.fields.write_field(n)?;
        }
        if let Some(v) = &set.version {
            self.fields.write_field(v)?;
        }
        if let Some(now) = &self.now {
            self.fields.write_field(now)?;
        }
        self.fields.write_record(None::<&[u8]>)?;
        self.fields.flush()?;
        Ok(())
    }

    /// Moves what `format` wrote onto `out`.
    fn formatted(&mut self, rec: &Record<'_>, out: &mut Vec<u8>) {
        self.format(rec)
            .expect("formatting into memory cannot fail");
        let mut buf = self.formatted.0.borrow_mut();
        out.extend_from_slice(&buf);
        buf.clear();
    }

    /// The header row.
    fn header(&mut self) -> Vec<u8> {
        self.fields
            .write_record(self.layout.columns())
            .and_then(|()| self.fields.flush().map_err(csv::Error::from))
            .expect("formatting into memory cannot fail");
        std::mem::take(&mut *self.formatted.0.borrow_mut())
    }
}

impl Encoder for CsvEncoder<'_> {
    fn record(&mut self, rec: &Record<'_>, outcome: Option<u32>, out: &mut Vec<u8>) {
        let (Ok(o), Some(id), false) = (rec.result, outcome, self.layout.explain) else {
            return self.formatted(rec, out);
        };
        let id = id as usize;
        if self.after_key.len() <= id {
            self.after_key.resize(id + 1, None);
        }
        if self.after_key[id].is_none() {
            // The record of an empty key: the key writes nothing and the rest starts at `,`.
            let mut bytes = Vec::new();
            let blank = Record {
                key: b"",
                result: Ok(o),
                explain: None,
            };
            self.formatted(&blank, &mut bytes);
            self.after_key[id] = Some(bytes.into());
        }
        let key = rec.key;
        if !plain(key) && self.quoting.should_quote(key) {
            out.push(b'"');
            for part in key.split_inclusive(|b| *b == b'"') {
                out.extend_from_slice(part);
                if part.ends_with(b"\"") {
                    out.push(b'"');
                }
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(key);
        }
        out.extend_from_slice(self.after_key[id].as_deref().unwrap_or_default());
    }
}

pub struct CsvWriter<'s> {
    out: io::BufWriter<Box<dyn Write + 's>>,
    /// Written before the first records, or at the end when there are none.
    header: Option<Vec<u8>>,
}

impl<'s> CsvWriter<'s> {
    pub fn new(out: Box<dyn Write + 's>, layout: Layout<'s>) -> Self {
        CsvWriter {
            out: io::BufWriter::with_capacity(1 << 16, out),
            header: Some(CsvEncoder::new(layout).header()),
        }
    }
}

impl Writer for CsvWriter<'_> {
    fn write_encoded(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(header) = self.header.take() {
            self.out.write_all(&header)?;
        }
        self.out.write_all(bytes)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.write_encoded(&[])?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key the quick look calls plain is one the writer would not quote, on random keys
    /// of the bytes the writer quotes for, other control bytes and letters.
    #[test]
    fn a_plain_key_needs_no_quotes() {
        let writer = csv_core::WriterBuilder::new().build();
        let alphabet = b"a,\"\r\n\t\x01 z";
        let keys = crate::input::random_texts(0x2545_F491_4F6C_DD1D, alphabet, 20, 20_000);
        let mut plain_keys = 0;
        for (_, key) in keys {
            if plain(&key) {
                plain_keys += 1;
                assert!(!writer.should_quote(&key), "{key:?}");
            }
        }
        assert!(plain_keys > 1_000, "{plain_keys}");
    }
}
