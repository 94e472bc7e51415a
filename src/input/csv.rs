//! CSV and TSV exports: header row names the columns; comma, tab or semicolon separated.
//!
//! The file is read in chunks (`split.rs`): of whole records for several threads, cut
//! at a line break for one, whose reader gives back a record cut in two (`cut_short`).
//! Records are parsed out of a chunk by `record.rs` (held equal to `csv-core` by a
//! test), so a record's raw bytes are at hand without copying them.
//! An unclosed quote makes a CSV parser swallow every following row into one field. To
//! lose no order to that, a record whose quotes do not balance, or whose width is wrong
//! while it spans several lines, is read again from its raw bytes line by line, each line
//! becoming its own record, and the line with the broken quote is marked invalid.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::Arc;

use csv::ByteRecord;

use super::record::{self, Fields, Shape, Slots, UNREAD};
use super::split::{Chunk, Records, Splitter};
use super::{
    FatalError, Next, Problem, RawBytes, RawFields, RawOrder, RawText, Reader, trim, trimmed,
};

/// What reading a record needs to know about the file: shared by every chunk's reader.
#[derive(Debug)]
pub struct CsvLayout {
    delimiter: u8,
    /// The column of each declared field; `None` for an optional field the file lacks.
    columns: Vec<Option<usize>>,
    /// For each column, the declared field read from it, or [`UNREAD`].
    wanted: Vec<u32>,
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

impl CsvLayout {
    /// Reads the header from the splitter (which then hands out the data records) and
    /// finds each declared field's column. `delimiter` is sniffed when not given.
    pub fn read_header(
        splitter: &mut Splitter,
        name: &str,
        delimiter: Option<u8>,
        fields: &[(String, bool)],
    ) -> Result<Self, FatalError> {
        let (delimiter, headers) = read_headers(splitter, name, delimiter)?;
        Self::for_fields(name, delimiter, &headers, fields)
    }

    /// The layout of a file with these headers for the declared fields.
    pub fn for_fields(
        name: &str,
        delimiter: u8,
        headers: &[String],
        fields: &[(String, bool)],
    ) -> Result<Self, FatalError> {
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
        let mut wanted = vec![UNREAD; headers.len()];
        for (field, col) in columns.iter().enumerate() {
            if let Some(c) = col {
                wanted[*c] = u32::try_from(field).expect("fewer than 4 G fields");
            }
        }
        Ok(CsvLayout {
            delimiter,
            columns,
            wanted,
            names: fields.iter().map(|(n, _)| n.clone()).collect(),
            width: headers.len(),
        })
    }
}

impl CsvLayout {
    /// The problem of a record with `found` columns, when that is not the header's count.
    fn width_problem(&self, found: usize) -> Option<Problem> {
        (found != self.width)
            .then(|| Problem::record(format!("expected {} columns, found {found}", self.width)))
    }
}

/// Reads the header (the first record) from the splitter, which then hands out the data
/// records; returns the delimiter and the column names, trimmed.
pub fn read_headers(
    splitter: &mut Splitter,
    name: &str,
    delimiter: Option<u8>,
) -> Result<(u8, Vec<String>), FatalError> {
    let delimiter = match delimiter {
        Some(d) => d,
        None => sniff(splitter.peek(1 << 16)?),
    };
    splitter.set_records(Records::Csv(delimiter));
    // The header is the first record: a chunk of one record.
    let head = splitter.next_sized(Vec::new(), 1)?.unwrap_or_default();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(&head.bytes[..]);
    let mut record = ByteRecord::new();
    rdr.read_byte_record(&mut record)
        .map_err(|e| FatalError::new(format!("cannot read the header of `{name}`: {e}")))?;
    // The chunk may hold more than the header (a header that does not end before the
    // file does, say): what follows it is data.
    let end = usize::try_from(rdr.position().byte())
        .map_or(head.bytes.len(), |e| e.min(head.bytes.len()));
    splitter.give_back(&head.bytes[end..]);
    splitter.set_width(record.len());
    let headers = record
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .to_string()
        })
        .collect();
    Ok((delimiter, headers))
}

/// A chunk's bytes, and whether all of them are UTF-8: checked once for the chunk, with
/// SIMD (`simdutf8`, several times as fast as `std::str::from_utf8` on Chinese text),
/// rather than once per record.
#[derive(Default)]
struct Body {
    bytes: Vec<u8>,
    utf8: bool,
}

impl Body {
    fn new(bytes: Vec<u8>) -> Body {
        Body {
            utf8: simdutf8::basic::from_utf8(&bytes).is_ok(),
            bytes,
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, to be reused for another chunk.
    fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads the records of one chunk after another; one per thread, reused across chunks.
pub struct CsvChunkReader {
    layout: Arc<CsvLayout>,
    body: Body,
    pos: usize,
    /// A place in the chunk and the line it is on. Lines are counted from there only
    /// when a record's line is asked for (a bad record's message, a record read again),
    /// so records that are read whole never pay for it.
    mark: Cell<(usize, u64)>,
    /// The fields of a record that is not read in place.
    fields: Fields,
    /// Records re-read line by line, waiting to be handed out.
    pending: VecDeque<(u64, ByteRecord, Option<Problem>)>,
    /// By slot (one record of a batch, [`CsvChunkReader::next_rows`]) and declared
    /// field, where the text of a record read in place is in the chunk, trimmed
    /// ([`Row`]); a field the file has no column for stays blank.
    texts: Vec<(usize, usize)>,
    /// Where each record of the batch being read starts.
    starts: Vec<usize>,
    /// Whether the chunk's last record is surely whole (`Chunk::whole`).
    whole: bool,
    /// Where the record that the chunk's end cut in two starts, when one did.
    cut_short: Option<usize>,
}

impl CsvChunkReader {
    pub fn new(layout: Arc<CsvLayout>) -> Self {
        CsvChunkReader {
            texts: vec![(0, 0); BATCH * layout.columns.len()],
            starts: Vec::with_capacity(BATCH),
            layout,
            body: Body::default(),
            pos: 0,
            mark: Cell::new((0, 0)),
            fields: Fields::default(),
            pending: VecDeque::new(),
            whole: true,
            cut_short: None,
        }
    }

    /// The start of the record that the chunk's end cut in two (inside its quotes),
    /// which the next chunk is to start with: it was not read. Only a chunk cut at a
    /// line break, not where a record ends, has one (`Splitter::cut_at_line_breaks`).
    pub fn cut_short(&self) -> Option<&[u8]> {
        self.cut_short.map(|at| &self.body.bytes()[at..])
    }

    /// Starts on a new chunk; returns the bytes of the one before, to reuse.
    pub fn load(&mut self, chunk: Chunk) -> Vec<u8> {
        self.pos = 0;
        self.mark.set((0, chunk.line));
        self.pending.clear();
        self.whole = chunk.whole;
        self.cut_short = None;
        std::mem::replace(&mut self.body, Body::new(chunk.bytes)).into_bytes()
    }

    /// Parses the next record's wanted fields into slot `slot` of `self.texts`,
    /// untrimmed: where its raw bytes start, and its shape; `None` at the end of the
    /// chunk.
    fn read(&mut self, slot: usize) -> Option<(usize, Shape)> {
        // Blank lines (and the `\n` of a `\r\n` the last record ended on) are skipped by
        // the parser; the record's line is that of its first character.
        let n = self.layout.columns.len();
        let bytes = self.body.bytes();
        let texts = &mut self.texts[slot * n..][..n];
        let mut slots = Slots::new(bytes, &self.layout.wanted, texts);
        let (start, end) = record::parse_into(bytes, self.pos, self.layout.delimiter, &mut slots)?;
        self.pos = end;
        if slots.shape.unclosed && !self.whole {
            // The quotes may close in the next chunk: the record is read there.
            self.cut_short = Some(start);
            return None;
        }
        Some((start, slots.shape))
    }

    /// Splits a broken record into lines and queues each as its own record.
    fn split_into_lines(&mut self, raw_start: usize, first_line: u64) {
        let raw = &self.body.bytes()[raw_start..self.pos];
        let lines = raw
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
        for (line, text) in (first_line..).zip(lines) {
            let mut rdr = csv::ReaderBuilder::new()
                .delimiter(self.layout.delimiter)
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

    fn take_pending(&mut self, out: &mut RawOrder) -> bool {
        let Some((line, rec, problem)) = self.pending.pop_front() else {
            return false;
        };
        let layout = &self.layout;
        fill(layout, out, line, problem, rec.len(), |c| rec.get(c));
        true
    }
}

/// The line of the byte at `at` in `bytes`, counted on from `mark` (a byte before it
/// and its line), which then moves to `at`: records are asked about in order.
fn line_at(bytes: &[u8], mark: &Cell<(usize, u64)>, at: usize) -> u64 {
    let (from, line) = mark.get();
    let line = line + super::line_breaks(&bytes[from..at]);
    mark.set((at, line));
    line
}

/// Whether a line after the first of a record that spans lines looks like a whole row:
/// no quote in it, and exactly one delimiter fewer than the export has columns. (An
/// unclosed quote that a later stray quote closes swallows the rows between.)
fn holds_a_row(raw: &[u8], delimiter: u8, width: usize) -> bool {
    raw.split(|b| *b == b'\n').skip(1).any(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        !line.is_empty()
            && !line.contains(&b'"')
            && line.iter().filter(|b| **b == delimiter).count() + 1 == width
    })
}

/// Fills `out` from one record's fields, given by column.
fn fill<'r>(
    layout: &CsvLayout,
    out: &mut RawOrder,
    line: u64,
    problem: Option<Problem>,
    width: usize,
    field: impl Fn(usize) -> Option<&'r [u8]>,
) {
    out.clear(layout.columns.len());
    out.line = line;
    out.problem = problem;
    if out.problem.is_none() {
        out.problem = layout.width_problem(width);
    }
    for (i, col) in layout.columns.iter().enumerate() {
        let Some(bytes) = col.and_then(&field) else {
            continue;
        };
        set_bytes(layout, out, i, bytes);
    }
}

fn set_bytes(layout: &CsvLayout, out: &mut RawOrder, field: usize, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.set_text(field, s),
        Err(_) => {
            // Keep the key readable in the record; report the bytes as they were.
            let lossy = String::from_utf8_lossy(bytes);
            out.set_text(field, &lossy);
            let p = Problem::field(&layout.names[field], Some(&lossy), "not valid UTF-8");
            out.problem.get_or_insert(p);
        }
    }
}

/// A field of a row read in place as text: its chunk is UTF-8 and the field's range is
/// on character boundaries ([`Row::text`]), so this checks only its few bytes again
/// (the key, once per order).
fn text_of(field: &[u8]) -> &str {
    std::str::from_utf8(field).expect("a field of a UTF-8 chunk is cut on character boundaries")
}

/// A CSV record read in place: its fields are ranges of its chunk, which is valid UTF-8.
pub struct Row<'a> {
    /// Where the reader last counted lines to (see [`line_at`]).
    mark: &'a Cell<(usize, u64)>,
    /// The chunk's bytes, all UTF-8; a field's start and end are beside a delimiter,
    /// quote or line break, or where trimming left them, so its range is text too.
    text: &'a [u8],
    /// Where the record starts in the chunk.
    start: usize,
    layout: &'a CsvLayout,
    /// By declared field, where its trimmed text is in `text` (empty when blank).
    texts: &'a [(usize, usize)],
}

impl Row<'_> {
    /// Copies the record's declared fields into `out`, for the reading that types it.
    pub fn fill(&self, out: &mut RawOrder) {
        out.clear(self.layout.columns.len());
        out.line = line_at(self.text, self.mark, self.start);
        for (i, (a, b)) in self.texts.iter().enumerate() {
            out.set_text(i, text_of(&self.text[*a..*b]));
        }
    }
}

impl RawFields for Row<'_> {
    #[inline]
    fn raw(&self, field: usize) -> RawText<'_> {
        match self.texts[field] {
            (a, b) if a == b => RawText::Blank,
            (a, b) => RawText::Text(text_of(&self.text[a..b])),
        }
    }

    #[inline]
    fn bytes(&self, field: usize) -> RawBytes<'_> {
        match self.texts[field] {
            (a, b) if a == b => RawBytes::Blank,
            (a, b) => RawBytes::Text(&self.text[a..b]),
        }
    }
}

impl Reader for CsvChunkReader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        Ok(match self.next_row(out)? {
            Next::End => false,
            Next::Raw => true,
            Next::Row(row) => {
                row.fill(out);
                true
            }
        })
    }

    /// The next record: in place when it was read whole, at the right width and as valid
    /// UTF-8 with no doubled quotes (nearly every record), else copied into `out`.
    fn next_row(&mut self, out: &mut RawOrder) -> Result<Next<'_>, FatalError> {
        Ok(match self.next_in(out, 0, true) {
            Read::End => Next::End,
            Read::Raw => Next::Raw,
            Read::At(start) => {
                self.starts.clear();
                self.starts.push(start);
                Next::Row(self.batch().row(0))
            }
            Read::Later => unreachable!("a record alone is always read"),
        })
    }
}

/// How many records [`CsvChunkReader::next_rows`] reads at most in one batch.
pub const BATCH: usize = 64;

/// What [`CsvChunkReader::next_in`] found.
enum Read {
    End,
    /// The record was copied into the `RawOrder` passed.
    Raw,
    /// The record was read in place into its slot; it starts there in the chunk.
    At(usize),
    /// The record is to be copied, which asks for its line, and the batch holds records
    /// before it whose lines may still be asked for: it is read again as the first of
    /// the next batch (lines are counted forwards only, [`line_at`]).
    Later,
}

/// What follows the records of a batch ([`CsvChunkReader::next_rows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// The chunk's end.
    End,
    /// One record, copied into the `RawOrder` passed.
    Raw,
    /// More records: ask again.
    More,
}

impl CsvChunkReader {
    /// Up to [`BATCH`] records read in place, and what follows them: so that a search
    /// can run over a field of many orders at once (`decide::Ahead`). Their fields stay
    /// valid until the next call.
    pub fn next_rows(&mut self, out: &mut RawOrder) -> (Batch<'_>, After) {
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        let after = loop {
            if starts.len() == BATCH {
                break After::More;
            }
            match self.next_in(out, starts.len(), starts.is_empty()) {
                Read::End => break After::End,
                Read::Raw => break After::Raw,
                Read::Later => break After::More,
                Read::At(start) => starts.push(start),
            }
        };
        self.starts = starts;
        (self.batch(), after)
    }

    /// The records read into the first slots, starting at `self.starts`.
    fn batch(&self) -> Batch<'_> {
        Batch {
            mark: &self.mark,
            text: self.body.bytes(),
            layout: &self.layout,
            starts: &self.starts,
            texts: &self.texts,
        }
    }

    /// Reads the next record into slot `slot`, in place when it can be, else into `out`
    /// (unless it is not `alone` in its batch, see [`Read::Later`]).
    fn next_in(&mut self, out: &mut RawOrder, slot: usize, alone: bool) -> Read {
        // Looked at here, not in the call: nearly always there is none, and the call
        // would save and restore registers for every record.
        if !self.pending.is_empty() && self.take_pending(out) {
            return Read::Raw;
        }
        let Some((raw_start, shape)) = self.read(slot) else {
            return Read::End;
        };
        let (delimiter, width) = (self.layout.delimiter, self.layout.width);
        let raw = &self.body.bytes()[raw_start..self.pos];
        // A bare quote inside one line is literal text (`12" pizza`); only a record that
        // spans lines can have swallowed other rows: when its quotes or columns do not
        // add up, when a quote that closes the swallowing field has text after it (which
        // no CSV writer writes), or when a line inside it is a whole row of its own (no
        // quote, one delimiter fewer than the columns), which a note with line breaks
        // never is.
        let broken = shape.lines
            && memchr::memchr(b'\n', raw.trim_ascii_end()).is_some()
            && (memchr::memchr_iter(b'"', raw).count() % 2 == 1
                || shape.columns != width
                || shape.stray
                || holds_a_row(raw, delimiter, width));
        // A record at the wrong width, with a field to assemble, or in a chunk that is
        // not all UTF-8 is parsed again field by field and copied.
        let copied = !self.body.utf8 || shape.columns != width || shape.assembled;
        if (broken || copied) && !alone {
            self.pos = raw_start;
            return Read::Later;
        }
        if broken {
            let line = line_at(self.body.bytes(), &self.mark, raw_start);
            self.split_into_lines(raw_start, line);
            if self.take_pending(out) {
                return Read::Raw;
            }
        }
        if copied {
            let (bytes, f) = (self.body.bytes(), &mut self.fields);
            record::parse(bytes, raw_start, delimiter, f);
            let line = line_at(bytes, &self.mark, raw_start);
            fill(&self.layout, out, line, None, f.len(), |c| f.get(bytes, c));
            return Read::Raw;
        }
        if shape.ragged {
            let text = self.body.bytes();
            let n = self.layout.columns.len();
            for (a, b) in &mut self.texts[slot * n..][..n] {
                (*a, *b) = trimmed(text, *a, *b, trim).unwrap_or((0, 0));
            }
        }
        Read::At(raw_start)
    }
}

/// Records of one chunk read in place ([`CsvChunkReader::next_rows`]).
pub struct Batch<'a> {
    mark: &'a Cell<(usize, u64)>,
    /// The chunk's bytes, all UTF-8 (see [`Row::text`]).
    text: &'a [u8],
    layout: &'a CsvLayout,
    starts: &'a [usize],
    /// By record, then by declared field, its trimmed text's range in `text`.
    texts: &'a [(usize, usize)],
}

impl<'a> Batch<'a> {
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Record `i`.
    #[inline]
    pub fn row(&self, i: usize) -> Row<'a> {
        let n = self.layout.columns.len();
        Row {
            mark: self.mark,
            text: self.text,
            start: self.starts[i],
            layout: self.layout,
            texts: &self.texts[i * n..][..n],
        }
    }

    /// The chunk's bytes, which the records' fields are ranges of.
    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    /// Where the records' texts are in [`Batch::text`], trimmed (an empty range when
    /// blank): [`Batch::fields`] a record, by declared field, record after record.
    #[inline]
    pub fn ranges(&self) -> &'a [(usize, usize)] {
        &self.texts[..self.len() * self.fields()]
    }

    /// How many declared fields a record has.
    #[inline]
    pub fn fields(&self) -> usize {
        self.layout.columns.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as (line, problem, fields), read in chunks of about `size`:
    /// the same whether the chunks are cut where records end or at line breaks, with a
    /// record cut in two given back.
    fn read_all(text: &[u8], size: usize) -> Vec<String> {
        let exact = read_cut(text, size, false);
        assert_eq!(
            read_cut(text, size, true),
            exact,
            "cut at line breaks, {size}"
        );
        exact
    }

    fn read_cut(text: &[u8], size: usize, at_line_breaks: bool) -> Vec<String> {
        let fields: Vec<(String, bool)> = ["id", "note", "amount"]
            .iter()
            .map(|f| (f.to_string(), true))
            .collect();
        let input = Box::new(std::io::Cursor::new(text.to_vec()));
        let mut splitter = Splitter::new(input, "t", Records::Lines);
        let layout = CsvLayout::read_header(&mut splitter, "t", None, &fields).unwrap();
        if at_line_breaks {
            splitter.cut_at_line_breaks();
        }
        let mut reader = CsvChunkReader::new(Arc::new(layout));
        let (mut raw, mut got) = (RawOrder::default(), Vec::new());
        while let Some(chunk) = splitter
            .next_after(Vec::new(), size, reader.cut_short())
            .unwrap()
        {
            reader.load(chunk);
            while reader.next(&mut raw).unwrap() {
                let values: Vec<_> = (0..3).map(|f| raw.raw(f)).collect();
                got.push(format!("{} {:?} {values:?}", raw.line, raw.problem));
            }
        }
        got
    }

    #[test]
    fn chunk_size_changes_nothing_that_is_read() {
        let text = "id,note,amount\n\
            A1,\"two\nlines, quoted\",10\n\
            A2,plain,11\r\n\
            \n\
            A3,\"never closed,12\n\
            A4,after,13\n\
            A5,\"x\",14\n\
            A6,12\" pizza,15\n\
            A7,wide,16,extra\n\
            A8,杭州,17\n\
            A9,\"杭\",18";
        let whole = read_all(text.as_bytes(), 1 << 20);
        assert_eq!(whole.len(), 9, "{whole:#?}");
        assert!(whole[2].contains("never closed"), "{whole:#?}");
        for size in [1, 2, 5, 16, 40] {
            assert_eq!(read_all(text.as_bytes(), size), whole, "chunks of {size}");
        }
    }

    /// On random text of quotes, line breaks and delimiters, chunks cut at line breaks
    /// (records cut in two given back) read every record as chunks cut where records
    /// end do, at every chunk size.
    #[test]
    fn cutting_at_line_breaks_reads_what_cutting_at_record_ends_reads() {
        let texts = crate::input::random_texts(0x9E37_79B9_7F4A_7C15, b"a,\"\n\r", 48, 3_000);
        for (x, body) in texts {
            let mut text = b"id,note,amount\n".to_vec();
            text.extend_from_slice(&body);
            let size = 1 + (x % 24) as usize;
            assert_eq!(
                read_cut(&text, size, true),
                read_cut(&text, size, false),
                "chunks of {size}: {:?}",
                String::from_utf8_lossy(&body)
            );
        }
    }

    /// A byte that is not UTF-8 makes its chunk be read record by record; the lines of
    /// the records around it stay right, at every chunk size.
    #[test]
    fn lines_stay_right_around_a_record_that_is_not_utf8() {
        let text = b"id,note,amount\nA1,\"two\nlines\",1\nA2,\xff,2\n\nA3,\"x\",3\nA4,\"a\nb\nc\",4\nA5,y,5\n";
        for size in [1, 9, 1 << 20] {
            let got = read_all(text, size);
            let lines: Vec<&str> = got.iter().map(|r| r.split(' ').next().unwrap()).collect();
            assert_eq!(
                lines,
                ["2", "4", "6", "7", "10"],
                "chunks of {size}: {got:#?}"
            );
            assert!(got[1].contains("not valid UTF-8"), "{got:#?}");
        }
    }

    /// A quote left open, closed by a quote on a later row that has text after it: the
    /// record has the right width and its quotes add up, but the stray text gives it
    /// away, and the row it swallowed is read on its own.
    #[test]
    fn a_quote_closed_by_a_later_rows_quote_swallows_no_row() {
        let text = "id,note,amount,x\nA1,\"open,1\nA2,x,\"2,\"y\",3\nA3,z,4,w\n";
        for size in [1, 7, 1 << 20] {
            let got = read_all(text.as_bytes(), size);
            let keys: Vec<&str> = got
                .iter()
                .map(|r| r.split("Text(\"").nth(1).and_then(|t| t.split('"').next()))
                .map(Option::unwrap_or_default)
                .collect();
            assert_eq!(keys, ["A1", "A2", "A3"], "chunks of {size}: {got:#?}");
            assert!(got[0].contains("never closed"), "{got:#?}");
        }
    }

    #[test]
    fn a_record_after_blank_lines_or_a_crlf_header_has_its_own_line() {
        let text = b"id,note,amount\r\nA1,x,1\r\n\r\nA2,y,2\n\n\nA3,z,3\n";
        for size in [1, 7, 1 << 20] {
            let lines: Vec<String> = read_all(text, size)
                .iter()
                .map(|r| r.split(' ').next().unwrap_or_default().to_string())
                .collect();
            assert_eq!(lines, ["2", "4", "7"], "chunks of {size}");
        }
    }

    /// Values are trimmed as `trim` trims them whether the look at their ends lets them
    /// through as read (visible ASCII, CJK) or not (spaces, tabs, U+3000, a byte-order
    /// mark), quoted or not, and a value of white space is blank: both as a row read in
    /// place gives them to the decider and as it copies them for typing.
    #[test]
    fn values_read_in_place_are_trimmed() {
        let text = "id,note,amount\n  A1 ,\t杭州\u{3000},\" 12 \"\nA2,\u{feff}x, \nA3,杭州,7\n";
        let fields: Vec<(String, bool)> = ["id", "note", "amount"]
            .iter()
            .map(|f| (f.to_string(), true))
            .collect();
        let input = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut splitter = Splitter::new(input, "t", Records::Lines);
        let layout = CsvLayout::read_header(&mut splitter, "t", None, &fields).unwrap();
        let mut reader = CsvChunkReader::new(Arc::new(layout));
        reader.load(splitter.next_sized(Vec::new(), 1 << 20).unwrap().unwrap());
        let (mut raw, mut got) = (RawOrder::default(), Vec::new());
        while let Next::Row(row) = reader.next_row(&mut raw).unwrap() {
            let in_place: Vec<_> = (0..3).map(|f| format!("{:?}", row.bytes(f))).collect();
            row.fill(&mut raw);
            let copied: Vec<_> = (0..3).map(|f| format!("{:?}", raw.bytes(f))).collect();
            assert_eq!(in_place, copied);
            got.push(copied.join(" "));
        }
        let b = |s: &str| format!("Text({:?})", s.as_bytes());
        assert_eq!(
            got,
            [
                format!("{} {} {}", b("A1"), b("杭州"), b("12")),
                format!("{} {} Blank", b("A2"), b("x")),
                format!("{} {} {}", b("A3"), b("杭州"), b("7")),
            ]
        );
    }

    #[test]
    fn sniffs_the_separator_outside_quotes() {
        assert_eq!(sniff(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff(b"a\tb\tc"), b'\t');
        assert_eq!(sniff(b"\"x,y\";b;c"), b';');
        assert_eq!(sniff(b"single"), b',');
    }
}
