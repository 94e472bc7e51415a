//! Decision records as CSV: one header row, then one row per order.

use std::io::{self, Write};

use super::{Layout, Record, Writer};

pub struct CsvWriter<'s> {
    out: csv::Writer<Box<dyn Write + 's>>,
    layout: Layout<'s>,
    header_done: bool,
    join: String,
}

impl<'s> CsvWriter<'s> {
    pub fn new(out: Box<dyn Write + 's>, layout: Layout<'s>) -> Self {
        CsvWriter {
            out: csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(out),
            layout,
            header_done: false,
            join: String::new(),
        }
    }

    fn joined<'a>(&mut self, parts: impl Iterator<Item = &'a str>) -> io::Result<()> {
        self.join.clear();
        for (i, p) in parts.enumerate() {
            if i > 0 {
                self.join.push(';');
            }
            self.join.push_str(p);
        }
        self.out.write_field(&self.join)?;
        Ok(())
    }
}

impl Writer for CsvWriter<'_> {
    fn write(&mut self, rec: &Record<'_>) -> io::Result<()> {
        if !self.header_done {
            self.out.write_record(self.layout.columns())?;
            self.header_done = true;
        }
        self.out.write_field(rec.key)?;
        let set = self.layout.set;
        match rec.result {
            Ok(outcome) => {
                for d in &outcome.decisions {
                    self.joined(d.values.iter().map(String::as_str))?;
                    self.joined(d.rules.iter().map(|r| set.rules[*r].name.as_str()))?;
                }
                self.out.write_field("")?;
            }
            Err(e) => {
                for _ in 0..set.decisions.len() * 2 {
                    self.out.write_field("")?;
                }
                self.out.write_field(e.to_string())?;
            }
        }
        if self.layout.explain {
            let text = rec
                .explain
                .map(|t| self.layout.explain_text(t))
                .unwrap_or_default();
            self.out.write_field(text)?;
        }
        if let Some(n) = &set.name {
            self.out.write_field(n)?;
        }
        if let Some(v) = &set.version {
            self.out.write_field(v)?;
        }
        self.out.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.header_done {
            self.out.write_record(self.layout.columns())?;
            self.header_done = true;
        }
        self.out.flush()
    }
}
