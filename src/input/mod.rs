//! Input: order exports (CSV, JSON, JSON Lines) → raw records → typed orders.
//!
//! Readers fill one reused [`RawOrder`] buffer per record, copying just the declared
//! fields, so reading allocates nothing per order once warmed up. [`typing`] then turns
//! the raw text into typed values, or into an [`InputError`] that names the line, field,
//! raw value and reason. A record that cannot be read whole still yields a `RawOrder`
//! (with `problem` set), so every order gets exactly one output record.

mod csv;
pub mod err;
mod json;
mod record;
mod split;
pub mod typing;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

pub use csv::{After, BATCH, CsvChunkReader, Row};
pub use err::{InputError, Problem};
pub use json::read_one;
pub use split::{CHUNK, Chunk, Splitter};

/// Formats an export may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl Format {
    /// The delimiter the format fixes; `None` to sniff it from the header line.
    pub fn delimiter(self) -> Option<u8> {
        (self == Format::Tsv).then_some(b'\t')
    }

    /// Guesses from the file name; CSV when nothing says otherwise.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Format::Json,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            Some("tsv" | "tab") => Format::Tsv,
            _ => Format::Csv,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Cell {
    Blank,
    Text(u32, u32),
    /// A range of `items`.
    List(u32, u32),
}

/// A raw value of one field, borrowed from a [`RawOrder`] or straight from a CSV
/// record ([`Row`]), without allocating.
#[derive(Debug, Clone)]
pub enum RawText<'a> {
    Blank,
    /// Trimmed, never empty.
    Text(&'a str),
    /// A JSON array's items, each trimmed.
    List(Items<'a>),
}

/// A raw value of one field as bytes, for deciding straight from them: always valid
/// UTF-8 (a record that is not is typed instead), and sliced without the character-
/// boundary checks that making a `&str` of each value costs.
#[derive(Debug, Clone, Copy)]
pub enum RawBytes<'a> {
    Blank,
    /// Trimmed, never empty.
    Text(&'a [u8]),
    /// A JSON array (its items are read through [`RawFields::raw`]).
    List,
}

/// The items of a list value, in order.
#[derive(Clone)]
pub struct Items<'a> {
    text: &'a str,
    ranges: std::slice::Iter<'a, (u32, u32)>,
}

/// Shown as the list of its items, not where they are kept.
impl std::fmt::Debug for Items<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (a, b) = self.ranges.next()?;
        Some(&self.text[*a as usize..*b as usize])
    }
}

/// A record's declared fields as raw text, by field id.
pub trait RawFields {
    fn raw(&self, field: usize) -> RawText<'_>;

    /// A field's value as bytes: what [`RawFields::raw`] gives, for less where the
    /// reader keeps the record's text as it was read.
    #[inline]
    fn bytes(&self, field: usize) -> RawBytes<'_> {
        match self.raw(field) {
            RawText::Blank => RawBytes::Blank,
            RawText::Text(s) => RawBytes::Text(s.as_bytes()),
            RawText::List(_) => RawBytes::List,
        }
    }

    /// A field's text, empty when it is blank or a list: for naming an order (its key),
    /// even when it is invalid.
    fn text(&self, field: usize) -> &str {
        match self.raw(field) {
            RawText::Text(s) => s,
            _ => "",
        }
    }

    /// [`RawFields::text`] as bytes, with no `&str` made of them: the key of an order
    /// decided from its raw text.
    fn text_bytes(&self, field: usize) -> &[u8] {
        match self.bytes(field) {
            RawBytes::Text(b) => b,
            RawBytes::Blank | RawBytes::List => b"",
        }
    }

    /// Whether the record was read whole (see [`RawOrder::problem`]).
    fn whole(&self) -> bool {
        true
    }
}

/// One input record's declared fields, as text. Reused from record to record.
#[derive(Debug, Default)]
pub struct RawOrder {
    /// The 1-based line where the record starts.
    pub line: u64,
    text: String,
    cells: Vec<Cell>,
    items: Vec<(u32, u32)>,
    /// A problem with the whole record (wrong column count, unreadable JSON).
    pub problem: Option<Problem>,
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a record is smaller than 4 GiB")
}

impl RawOrder {
    pub fn clear(&mut self, nfields: usize) {
        self.text.clear();
        self.items.clear();
        self.cells.clear();
        self.cells.resize(nfields, Cell::Blank);
        self.problem = None;
    }

    /// Sets a field's text, trimmed; an empty value is blank.
    pub fn set_text(&mut self, field: usize, s: &str) {
        let s = trim(s);
        if s.is_empty() {
            self.cells[field] = Cell::Blank;
            return;
        }
        let start = offset(self.text.len());
        self.text.push_str(s);
        self.cells[field] = Cell::Text(start, offset(self.text.len()));
    }

    /// Sets a field to a list of texts (a JSON array), each trimmed.
    pub fn set_list<S: AsRef<str>>(&mut self, field: usize, values: impl IntoIterator<Item = S>) {
        self.set_list_of(field, values.into_iter().map(Err::<(usize, usize), S>));
    }

    /// The text every value of the order is a part of.
    pub fn buffer(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// Where field `field`'s value is in [`RawOrder::buffer`], trimmed: a text's range,
    /// or a list's items' ranges (empty when blank).
    #[inline]
    pub fn spans(&self, field: usize) -> Result<(u32, u32), &[(u32, u32)]> {
        match self.cells.get(field).copied().unwrap_or(Cell::Blank) {
            Cell::Text(a, b) => Ok((a, b)),
            Cell::List(a, b) => Err(&self.items[a as usize..b as usize]),
            Cell::Blank => Err(&[]),
        }
    }

    /// Keeps `line`, the text of the record being read, for [`RawOrder::set_part`] to
    /// point into: one copy of a JSON line, not one per value (ten small copies cost
    /// several times one of the whole line). The order is cleared; nothing set yet.
    pub fn keep_line(&mut self, line: &str) {
        debug_assert!(self.text.is_empty(), "the line is kept before any value");
        self.text.push_str(line);
    }

    /// Sets a field to the part `a..b` of the line kept by [`RawOrder::keep_line`],
    /// trimmed; an empty value is blank.
    #[inline]
    pub fn set_part(&mut self, field: usize, a: usize, b: usize) {
        let (a, b) = self.trimmed_part(a, b);
        self.cells[field] = if a == b {
            Cell::Blank
        } else {
            Cell::Text(a, b)
        };
    }

    /// Sets a field to a list of texts, each trimmed: `Ok` a part of the kept line,
    /// `Err` a text of its own (a decoded string).
    pub fn set_list_of<S: AsRef<str>>(
        &mut self,
        field: usize,
        values: impl IntoIterator<Item = Result<(usize, usize), S>>,
    ) {
        let first = offset(self.items.len());
        for v in values {
            let item = match v {
                Ok((a, b)) => self.trimmed_part(a, b),
                Err(own) => {
                    let start = offset(self.text.len());
                    self.text.push_str(trim(own.as_ref()));
                    (start, offset(self.text.len()))
                }
            };
            self.items.push(item);
        }
        self.cells[field] = Cell::List(first, offset(self.items.len()));
    }

    /// Part `a..b` of the text, trimmed.
    #[inline]
    fn trimmed_part(&self, a: usize, b: usize) -> (u32, u32) {
        let (a, b) = trimmed(self.text.as_bytes(), a, b, trim).expect("a part of a `str`");
        (offset(a), offset(b))
    }
}

impl RawFields for RawOrder {
    fn whole(&self) -> bool {
        self.problem.is_none()
    }

    fn raw(&self, field: usize) -> RawText<'_> {
        match self.cells.get(field).copied().unwrap_or(Cell::Blank) {
            Cell::Blank => RawText::Blank,
            Cell::Text(a, b) => RawText::Text(&self.text[a as usize..b as usize]),
            Cell::List(a, b) => RawText::List(Items {
                text: &self.text,
                ranges: self.items[a as usize..b as usize].iter(),
            }),
        }
    }

    #[inline]
    fn bytes(&self, field: usize) -> RawBytes<'_> {
        match self.cells.get(field).copied().unwrap_or(Cell::Blank) {
            Cell::Blank => RawBytes::Blank,
            Cell::Text(a, b) => RawBytes::Text(&self.text.as_bytes()[a as usize..b as usize]),
            Cell::List(..) => RawBytes::List,
        }
    }
}

/// Trims white space and byte-order marks. Spreadsheets add a trailing tab (trimmed here)
/// or a leading `'` and `="…"` (repaired by a profile's `spreadsheet_values`).
#[inline]
pub fn trim(s: &str) -> &str {
    if s.is_empty() || visible_ends(s.as_bytes()) {
        return s;
    }
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// How many `\n`s `bytes` holds: the lines a part of an export moves a line number on.
pub fn line_breaks(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where `text[a..b]` is once trimmed by `trim`; `None` when it is not UTF-8. The usual
/// value, empty or with a visible character at each end ([`visible_ends`]), is its range
/// as it is, found from two bytes; only the rest are decoded, out of line.
#[inline]
pub(crate) fn trimmed(
    text: &[u8],
    a: usize,
    b: usize,
    trim: impl Fn(&str) -> &str,
) -> Option<(usize, usize)> {
    if a == b || visible_ends(&text[a..b]) {
        return Some((a, b));
    }
    trimmed_closer(text, a, b, trim)
}

/// [`trimmed`] of a value that may have something to trim.
#[inline(never)]
fn trimmed_closer(
    text: &[u8],
    a: usize,
    b: usize,
    trim: impl Fn(&str) -> &str,
) -> Option<(usize, usize)> {
    let t = std::str::from_utf8(&text[a..b]).ok()?;
    let kept = trim(t);
    let at = a + (kept.as_ptr() as usize - t.as_ptr() as usize);
    Some((at, at + kept.len()))
}

/// Whether trimming takes nothing off a value, told from the bytes at its ends: its first
/// and last characters are visible ASCII or of a block with no white space or byte-order
/// mark in it (the Latin letters after U+00C0, Cyrillic, Arabic, CJK, ...), as nearly
/// every value's are. `false` says only "look closer".
#[inline]
pub(crate) fn visible_ends(b: &[u8]) -> bool {
    // The lead bytes of such characters. Every white space character and the byte-order
    // mark is in U+0000–U+0020 or under lead byte C2, E1, E2, E3 or EF.
    let kept = |x: u8| matches!(x, 0x21..=0x7E | 0xC3..=0xE0 | 0xE4..=0xEE | 0xF0..=0xF4);
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    match last {
        0x21..=0x7E => kept(first),
        // A continuation byte: the last character's lead is one to three bytes before.
        0x80..=0xBF => {
            kept(first)
                && b.iter()
                    .rev()
                    .skip(1)
                    .take(3)
                    .find(|x| **x >= 0xC0)
                    .is_some_and(|x| kept(*x))
        }
        _ => false,
    }
}

/// Texts for the readers' tests, by a fixed pseudo-random walk (xorshift): `n` of them,
/// each of fewer than `max` bytes over `alphabet`, each with the walk's word for any
/// further choice.
#[cfg(test)]
pub(crate) fn random_texts(
    seed: u64,
    alphabet: &[u8],
    max: u64,
    n: usize,
) -> impl Iterator<Item = (u64, Vec<u8>)> + '_ {
    let mut x = seed;
    (0..n).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut y = x;
        let text = (0..x % max)
            .map(|_| {
                y = y.rotate_left(7).wrapping_mul(0x2545_F491_4F6C_DD1D);
                alphabet[(y >> 58) as usize % alphabet.len()]
            })
            .collect();
        (x, text)
    })
}

/// A stream of orders: fills `out` with the next record, `Ok(false)` at the end.
pub trait Reader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError>;

    /// The next record, left where it was read when the reader can (a CSV record whose
    /// fields are ranges of its chunk), else copied into `out` as [`Reader::next`] does.
    fn next_row(&mut self, out: &mut RawOrder) -> Result<Next<'_>, FatalError> {
        Ok(if self.next(out)? {
            Next::Raw
        } else {
            Next::End
        })
    }
}

/// What [`Reader::next_row`] found.
pub enum Next<'r> {
    End,
    /// The record is in the `RawOrder` that was passed.
    Raw,
    /// The record, read in place.
    Row(Row<'r>),
}

/// An input that cannot be read at all (exit code 2): a missing file, a header without
/// a required column, an I/O error.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct FatalError {
    pub message: String,
    #[help]
    pub help: Option<String>,
}

impl FatalError {
    pub fn new(message: impl Into<String>) -> Self {
        FatalError {
            message: message.into(),
            help: None,
        }
    }
}

/// The (name, optional) pairs a reader needs from the rule set: its declared fields
/// (derived ones are computed from them while typing).
pub fn field_specs(set: &crate::check::RuleSet) -> Vec<(String, bool)> {
    set.inputs()
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                f.optional || f.ty == crate::check::FieldType::Tags,
            )
        })
        .collect()
}

/// Opens a file (`-` is standard input) as a byte stream, with its size when known.
pub fn stream(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), FatalError> {
    if path == Path::new("-") {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let name = path.display();
    let f = std::fs::File::open(path)
        .map_err(|e| FatalError::new(format!("cannot read `{name}`: {e}")))?;
    let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    Ok((Box::new(f), len))
}

/// Opens an export for the given field names (`-` is standard input), to be read on one
/// thread: CSV and JSON Lines chunk by chunk, a JSON array element by element.
pub fn open(
    path: &Path,
    format: Format,
    fields: &[(String, bool)],
) -> Result<Box<dyn Reader>, FatalError> {
    match open_chunked(path, format, fields)? {
        Some(chunked) => Ok(Box::new(Sequential::new(
            chunked.splitter,
            chunked.parser.reader(),
        ))),
        None => {
            let (input, _) = stream(path)?;
            Ok(Box::new(json::JsonArray::new(
                Box::new(BufReader::with_capacity(1 << 16, input)),
                &path.display().to_string(),
                fields,
            )?))
        }
    }
}

/// A whole export read one record at a time, chunk after chunk.
pub struct Sequential {
    splitter: Splitter,
    reader: ChunkReader,
    /// The spent chunk's bytes, for the next chunk to reuse.
    spare: Vec<u8>,
    /// The file has ended: asked again, the reader says so again.
    done: bool,
}

impl Sequential {
    fn new(mut splitter: Splitter, reader: ChunkReader) -> Self {
        // The one reader gives back a record a chunk cut in two.
        splitter.cut_at_line_breaks();
        Sequential {
            splitter,
            reader,
            spare: Vec::new(),
            done: false,
        }
    }
}

impl Reader for Sequential {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        while !self.done {
            if self.reader.next(out)? {
                return Ok(true);
            }
            let spare = std::mem::take(&mut self.spare);
            match self
                .splitter
                .next_after(spare, CHUNK, self.reader.cut_short())?
            {
                Some(chunk) => self.spare = self.reader.load(chunk),
                None => self.done = true,
            }
        }
        Ok(false)
    }
}

/// An export cut into chunks of whole records, to be read on several threads: the
/// chunks come from `splitter` in file order, and `parser` reads the orders of each.
pub struct Chunked {
    pub splitter: Splitter,
    pub parser: ChunkParser,
    /// The file's size, when it is a file.
    pub len: Option<u64>,
}

/// How to read the orders of a chunk; cheap to clone, one per thread.
#[derive(Clone)]
pub enum ChunkParser {
    Csv(Arc<csv::CsvLayout>),
    Lines(Arc<[(String, bool)]>),
}

impl ChunkParser {
    pub fn reader(&self) -> ChunkReader {
        match self {
            ChunkParser::Csv(layout) => {
                ChunkReader::Csv(Box::new(csv::CsvChunkReader::new(Arc::clone(layout))))
            }
            ChunkParser::Lines(fields) => {
                ChunkReader::Lines(json::JsonLinesChunk::new(Arc::clone(fields)))
            }
        }
    }
}

/// Reads the orders of one chunk after another.
pub enum ChunkReader {
    Csv(Box<csv::CsvChunkReader>),
    Lines(json::JsonLinesChunk),
}

impl ChunkReader {
    /// Starts on a new chunk; returns the bytes of the one before, to reuse.
    pub fn load(&mut self, chunk: Chunk) -> Vec<u8> {
        match self {
            ChunkReader::Csv(r) => r.load(chunk),
            ChunkReader::Lines(r) => r.load(chunk),
        }
    }

    /// The bytes of the chunk being read, taken back (to be read again, or reused): the
    /// reader holds none until the next [`ChunkReader::load`].
    pub fn unload(&mut self) -> Vec<u8> {
        self.load(Chunk::default())
    }

    /// The start of a record the chunk's end cut in two, for the next chunk to start
    /// with (`Splitter::next_after`); a line is never cut.
    pub fn cut_short(&self) -> Option<&[u8]> {
        match self {
            ChunkReader::Csv(r) => r.cut_short(),
            ChunkReader::Lines(_) => None,
        }
    }
}

impl Reader for ChunkReader {
    fn next(&mut self, out: &mut RawOrder) -> Result<bool, FatalError> {
        match self {
            ChunkReader::Csv(r) => r.next(out),
            ChunkReader::Lines(r) => r.next(out),
        }
    }

    fn next_row(&mut self, out: &mut RawOrder) -> Result<Next<'_>, FatalError> {
        match self {
            ChunkReader::Csv(r) => r.next_row(out),
            ChunkReader::Lines(r) => r.next_row(out),
        }
    }
}

/// Opens an export to be read in chunks; `None` for a JSON array, which is read whole
/// with [`open`].
pub fn open_chunked(
    path: &Path,
    format: Format,
    fields: &[(String, bool)],
) -> Result<Option<Chunked>, FatalError> {
    if format == Format::Json {
        return Ok(None);
    }
    let name = path.display().to_string();
    let (input, len) = stream(path)?;
    let mut splitter = Splitter::new(input, &name, split::Records::Lines);
    let parser = match format {
        Format::Csv | Format::Tsv => {
            let layout =
                csv::CsvLayout::read_header(&mut splitter, &name, format.delimiter(), fields)?;
            ChunkParser::Csv(Arc::new(layout))
        }
        Format::Jsonl => ChunkParser::Lines(fields.into()),
        Format::Json => unreachable!("a JSON array is not read in chunks (returned above)"),
    };
    Ok(Some(Chunked {
        splitter,
        parser,
        len,
    }))
}

/// The rows of an export as written, before a profile maps them onto fields.
pub enum Rows {
    /// Every column of a CSV file, as fields named after the header.
    Csv {
        reader: Box<dyn Reader>,
        headers: Vec<String>,
    },
    /// Each element of a JSON array, as text.
    JsonArray(json::JsonArray),
    /// Each line of a JSON Lines file.
    JsonLines(Box<dyn BufRead>),
}

/// Opens the rows of an export (already decoded to UTF-8) for a profile.
pub fn open_rows(
    input: Box<dyn Read + Send>,
    name: &str,
    format: Format,
    delimiter: Option<u8>,
) -> Result<Rows, FatalError> {
    Ok(match format {
        Format::Csv | Format::Tsv => {
            let mut splitter = Splitter::new(input, name, split::Records::Lines);
            let (delimiter, headers) =
                csv::read_headers(&mut splitter, name, delimiter.or(format.delimiter()))?;
            let all: Vec<(String, bool)> = headers.iter().map(|h| (h.clone(), true)).collect();
            let layout = csv::CsvLayout::for_fields(name, delimiter, &headers, &all)?;
            let parser = ChunkParser::Csv(Arc::new(layout));
            Rows::Csv {
                reader: Box::new(Sequential::new(splitter, parser.reader())),
                headers,
            }
        }
        Format::Json => Rows::JsonArray(json::JsonArray::new(
            Box::new(BufReader::with_capacity(1 << 16, input)),
            name,
            &[],
        )?),
        Format::Jsonl => Rows::JsonLines(Box::new(BufReader::with_capacity(1 << 16, input))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wherever the look at the ends says "nothing to trim", trimming (a value's, or a
    /// tag's by `str::trim`) takes nothing off: every character, alone and beside ASCII
    /// or CJK text, at either end.
    #[test]
    fn visible_ends_never_hides_something_to_trim() {
        let mut kept = 0;
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}a"),
                format!("中{c}"),
                format!("{c}中"),
            ] {
                if visible_ends(s.as_bytes()) {
                    assert_eq!(trim(&s), s, "{c:?} in {s:?}");
                    assert_eq!(s.trim(), s, "{c:?} in {s:?}");
                    kept += 1;
                }
            }
        }
        // And it says so for the usual values, so that they skip the closer look.
        assert!(kept > 5_000_000, "{kept}");
        for s in [
            "a",
            "CN",
            "浙江省杭州市",
            "Zürich",
            "Ελλάδα",
            "Москва",
            "😀",
            "x中",
        ] {
            assert!(visible_ends(s.as_bytes()), "{s:?}");
        }
        for s in [
            "",
            " a",
            "a ",
            "\u{3000}x",
            "x\u{feff}",
            "a\u{a0}",
            "\u{2028}",
        ] {
            assert!(!visible_ends(s.as_bytes()), "{s:?}");
        }
    }
}
