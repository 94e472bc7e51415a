//! Cutting an export into chunks of records.
//!
//! A run cuts CSV at a line break near the chunk's size (`Splitter::cut_at_line_breaks`),
//! one where a row seems to start, found with a search or two. A line break inside a
//! quoted field can then cut a record in two, and the chunk's reader gives that record
//! back to be read with the next chunk (on one thread, see `Splitter::next_after`; on
//! several, `cli/run/parallel.rs` reads the next chunk again). When no line there looks
//! like a row (notes over many lines), and whenever a chunk is not cut at line breaks
//! (the header), it ends where a record ends, found by following the state machine of
//! the `csv-core` parser exactly from the chunk's start, jumping from one quote to the
//! next with `memchr`: a pass over every quote, which on every chunk of a run with two
//! threads cost the cutting thread more than its share.

use std::io::Read;

use memchr::{memchr, memchr2};

use super::FatalError;
use super::record::{self, Fields};

/// How many bytes a chunk holds, about: a few thousand orders.
pub const CHUNK: usize = 1 << 19;

/// How far past its size a chunk is read at first, to find where to cut it: lines of a
/// hundred or so orders (more is read when the cut is not there).
const OVER: usize = 16 << 10;

/// Which records a splitter cuts between.
#[derive(Debug, Clone, Copy)]
pub enum Records {
    /// CSV with this delimiter, quoted with `"` (doubled inside quotes).
    Csv(u8),
    /// One record a line (JSON Lines).
    Lines,
}

/// Whole records, and where they stand in the file.
#[derive(Debug, Default)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// The line of the file on which `bytes` starts (1-based).
    pub line: u64,
    /// How many bytes of the file have been read up to the end of this chunk.
    pub read: u64,
    /// Whether the chunk's last record is surely whole: the chunk was cut where a record
    /// ends, or the input ends with it. Cut at a line break, it may be cut in two.
    pub whole: bool,
}

/// Reads an export and hands it out in chunks of whole records.
pub struct Splitter {
    input: Box<dyn Read + Send>,
    name: String,
    records: Records,
    /// Bytes read past the end of the last chunk.
    carry: Vec<u8>,
    line: u64,
    read: u64,
    eof: bool,
    /// CSV is cut at a line break, not where a record ends (see
    /// [`Splitter::cut_at_line_breaks`]).
    at_line_breaks: bool,
    /// How many fields a CSV record has, from the header, to tell which line breaks
    /// likely end one.
    width: Option<usize>,
}

impl Splitter {
    pub fn new(input: Box<dyn Read + Send>, name: &str, records: Records) -> Self {
        Splitter {
            input,
            name: name.to_string(),
            records,
            carry: Vec::new(),
            line: 1,
            read: 0,
            eof: false,
            at_line_breaks: false,
            width: None,
        }
    }

    /// Cuts CSV at the first line break past the chunk's size instead of at the first
    /// record end, which takes following every quote from the chunk's start. A line
    /// break inside quotes cuts a record in two; the reader that parses the chunks in
    /// turn finds it open at the end (`CsvChunkReader::cut_short`) and gives it back
    /// ([`Splitter::next_after`]). Chunks parsed apart on several threads cannot give it
    /// back: the next chunk starts inside that record, and is read again from its start
    /// (`cli/run/parallel.rs`).
    pub fn cut_at_line_breaks(&mut self) {
        self.at_line_breaks = true;
    }

    /// How many fields the header has: a line break at which a line of that many fields
    /// starts is taken for a cut over the first one past the chunk's size, so that a
    /// record is seldom cut in two.
    pub fn set_width(&mut self, width: usize) {
        self.width = Some(width);
    }

    /// Reads until `buf` holds at least `want` bytes or the input ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> Result<(), FatalError> {
        if buf.len() >= want || self.eof {
            return Ok(());
        }
        let missing = (want - buf.len()) as u64;
        // `read_to_end` reads into the spare capacity: nothing to zero first.
        let n = (&mut self.input)
            .take(missing)
            .read_to_end(buf)
            .map_err(|e| FatalError::new(format!("cannot read `{}`: {e}", self.name)))?;
        self.read += n as u64;
        self.eof = (n as u64) < missing;
        Ok(())
    }

    /// The first bytes of the input (at least `n`, unless it is shorter), without
    /// consuming them: for guessing the separator from the header line.
    pub fn peek(&mut self, n: usize) -> Result<&[u8], FatalError> {
        let mut carry = std::mem::take(&mut self.carry);
        let result = self.fill(&mut carry, n);
        self.carry = carry;
        result.map(|()| &self.carry[..])
    }

    /// Puts bytes taken with the last chunk back in front of the input.
    pub fn give_back(&mut self, bytes: &[u8]) {
        self.line -= super::line_breaks(bytes);
        self.carry.splice(0..0, bytes.iter().copied());
    }

    pub fn set_records(&mut self, records: Records) {
        self.records = records;
    }

    /// Whether a line break may cut a record in two: CSV cut at line breaks.
    fn cuts_records_in_two(&self) -> bool {
        self.at_line_breaks && matches!(self.records, Records::Csv(_))
    }

    /// The next chunk of about `size` bytes, after giving back `cut_short`, the start of
    /// a record the last chunk cut in two: the chunk then starts with it, and is twice as
    /// long, so that the record can end in it (or the input end).
    pub fn next_after(
        &mut self,
        buf: Vec<u8>,
        size: usize,
        cut_short: Option<&[u8]>,
    ) -> Result<Option<Chunk>, FatalError> {
        let size = match cut_short {
            Some(tail) => {
                self.give_back(tail);
                size.max(2 * tail.len())
            }
            None => size,
        };
        self.next_sized(buf, size)
    }

    /// The next chunk of about `size` bytes, in `buf` (a spent chunk's buffer, to reuse),
    /// cut where a record ends or at a line break (see [`Splitter::cut_at_line_breaks`]);
    /// `None` at the end of the input.
    pub fn next_sized(
        &mut self,
        mut buf: Vec<u8>,
        size: usize,
    ) -> Result<Option<Chunk>, FatalError> {
        buf.clear();
        buf.append(&mut self.carry);
        // A little past the size, where the cut nearly always is: what is read past the
        // cut is copied out and back in for the next chunk, so it is kept short.
        let mut want = size + OVER;
        let cut = loop {
            self.fill(&mut buf, want)?;
            let cut = match self.records {
                Records::Csv(delimiter) if self.at_line_breaks => {
                    line_break_cut(&buf, size, self.width.map(|w| (delimiter, w)))
                }
                _ => boundary(&buf, size, self.records),
            };
            if let Some(cut) = cut {
                break cut;
            }
            if self.eof {
                break buf.len();
            }
            // A record longer than the chunk: read on, in ever larger steps.
            want = buf.len() * 2;
        };
        if cut == 0 {
            return Ok(None);
        }
        self.carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let line = self.line;
        self.line += super::line_breaks(&buf);
        Ok(Some(Chunk {
            bytes: buf,
            line,
            read: self.read - self.carry.len() as u64,
            whole: !self.cuts_records_in_two() || (self.eof && self.carry.is_empty()),
        }))
    }
}

/// Where the first record that ends at or past `size` ends, `buf` starting where a
/// record starts.
pub fn boundary(buf: &[u8], size: usize, records: Records) -> Option<usize> {
    match records {
        Records::Lines => {
            let from = size.saturating_sub(1).min(buf.len());
            memchr(b'\n', &buf[from..]).map(|i| from + i + 1)
        }
        Records::Csv(delimiter) => csv_cut(buf, size, delimiter),
    }
}

/// Just after the first `\n` or `\r` at or past `size` bytes (the first record end
/// there, unless it is inside quotes). Given the delimiter and the header's width, it is
/// the first of the next few at which a record of that width starts and ends on one
/// line, when one does: a line inside a quoted field seldom looks like that, and a cut
/// there costs a chunk read twice on several threads (`cli/run/parallel.rs`). When none
/// does, the cut is where a record ends, as `csv_cut` finds it.
fn line_break_cut(buf: &[u8], size: usize, row: Option<(u8, usize)>) -> Option<usize> {
    /// How many line breaks are tried: more than most notes have lines.
    const TRIES: usize = 16;
    let from = size.saturating_sub(1).min(buf.len());
    let first = memchr2(b'\n', b'\r', &buf[from..]).map(|i| from + i + 1)?;
    let Some((delimiter, width)) = row else {
        return Some(first);
    };
    let mut cut = first;
    let mut fields = Fields::default();
    for _ in 0..TRIES {
        if let Some((start, end)) = record::parse(buf, cut, delimiter, &mut fields) {
            let one_line = matches!(buf[end - 1], b'\n' | b'\r')
                && memchr2(b'\n', b'\r', &buf[start..end - 1]).is_none();
            if start == cut && one_line && fields.len() == width {
                return Some(cut);
            }
        }
        match memchr(b'\n', &buf[cut..]) {
            Some(i) => cut += i + 1,
            None => break,
        }
    }
    // No line looks like a row (notes over many lines, say): where a record ends, by
    // following the quotes from the chunk's start, which is right when that start is.
    csv_cut(buf, size, delimiter)
}

/// Where to cut CSV in `buf` at about `size` bytes: just after the terminator of a
/// record, found by visiting only the quotes up to there.
///
/// Outside quotes, a `"` opens a quoted field when it starts a field: at the start of
/// `buf` or after a delimiter or line break read outside quotes. Inside, `""` is a quote
/// and a lone `"` closes the field. The first line break outside quotes at or after
/// `size` belongs to a run of them; the run's first byte ends a record (the rest are blank
/// lines, which belong to the next record), so the cut goes just after it.
fn csv_cut(buf: &[u8], size: usize, delimiter: u8) -> Option<usize> {
    let from = size.saturating_sub(1);
    // Outside quotes from `p` on; `starts_field`: a quote at `p` would open a field.
    let (mut p, mut starts_field) = (0, true);
    loop {
        // The outside span [p, open): up to the next quote that opens a field.
        let mut q = p;
        let open = loop {
            match memchr(b'"', &buf[q..]) {
                None => break buf.len(),
                Some(k) => {
                    let at = q + k;
                    let opens = if at == p {
                        starts_field
                    } else {
                        matches!(buf[at - 1], b'\n' | b'\r') || buf[at - 1] == delimiter
                    };
                    if opens {
                        break at;
                    }
                    q = at + 1;
                }
            }
        };
        // A line break in the span, at or after `from`, that ends a record.
        let mut t = p.max(from);
        while t < open {
            let Some(k) = memchr2(b'\n', b'\r', &buf[t..open]) else {
                break;
            };
            let at = t + k;
            let mut first = at;
            while first > 0 && matches!(buf[first - 1], b'\n' | b'\r') {
                first -= 1;
            }
            // Not a run of blank lines at the very start: those belong to the first record.
            if first > 0 {
                return Some(first + 1);
            }
            t = at + 1;
        }
        if open == buf.len() {
            return None;
        }
        // Inside quotes: to the closing quote, over doubled ones.
        let mut i = open + 1;
        loop {
            i += memchr(b'"', &buf[i..])? + 1;
            if *buf.get(i)? != b'"' {
                break;
            }
            i += 1;
        }
        p = i;
        starts_field = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::random_texts;
    use memchr::memchr3;

    /// The offsets just after each CSV record terminator in `buf`, where the next record's
    /// parse starts in `csv-core` (after a `\r`, a following `\n` is skipped as a blank line
    /// either way). The reference `csv_cut` is tested against: it reads
    /// every record.
    fn csv_boundaries(buf: &[u8], delimiter: u8) -> impl Iterator<Item = usize> + '_ {
        let mut i = 0;
        std::iter::from_fn(move || {
            let end = record_end(buf, i, delimiter)?;
            i = end;
            Some(end)
        })
    }

    /// The end of the record that starts at `i` (after its terminator byte), if it ends in
    /// `buf`. The states are `csv-core`'s: blank lines before a record are skipped, a `"`
    /// opens a quoted field only at the start of a field (the record's start, or just after
    /// a delimiter read outside quotes), `""` inside quotes is a quote, and after the
    /// closing quote the field goes on unquoted. Outside quotes only `"`, `\n` and `\r`
    /// need a look, so most records take one jump.
    fn record_end(buf: &[u8], mut i: usize, delimiter: u8) -> Option<usize> {
        while i < buf.len() && matches!(buf[i], b'\n' | b'\r') {
            i += 1;
        }
        // Whether `i` starts a field.
        let mut field_start = true;
        loop {
            let j = i + memchr3(b'"', b'\n', b'\r', &buf[i..])?;
            if buf[j] != b'"' {
                return Some(j + 1);
            }
            let opens = if j == i {
                field_start
            } else {
                buf[j - 1] == delimiter
            };
            i = j + 1;
            field_start = false;
            if opens {
                loop {
                    i += memchr(b'"', &buf[i..])? + 1;
                    if *buf.get(i)? != b'"' {
                        break;
                    }
                    i += 1;
                }
                // Just after the closing quote: a delimiter there starts a field.
                if buf[i] == delimiter {
                    i += 1;
                    field_start = true;
                }
            }
        }
    }

    /// Record ends as the `csv-core` parser finds them, for comparison.
    fn core_ends(buf: &[u8], delimiter: u8) -> Vec<usize> {
        let mut rdr = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let (mut out, mut ends) = (vec![0; buf.len() + 1], vec![0; buf.len() + 1]);
        let (mut at, mut found) = (0, Vec::new());
        loop {
            let (res, nin, _, _) = rdr.read_record(&buf[at..], &mut out, &mut ends);
            at += nin;
            match res {
                csv_core::ReadRecordResult::Record => found.push(at),
                csv_core::ReadRecordResult::End => return found,
                _ => {}
            }
        }
    }

    fn check(text: &[u8]) {
        // Only the boundaries csv-core finds before the input ends count: the last record
        // of a file may end without a terminator, which `record_end` leaves open.
        let core: Vec<usize> = core_ends(text, b',')
            .into_iter()
            .filter(|e| *e <= text.len() && *e > 0 && matches!(text[e - 1], b'\n' | b'\r'))
            .collect();
        let ours: Vec<usize> = csv_boundaries(text, b',').collect();
        assert_eq!(ours, core, "{:?}", String::from_utf8_lossy(text));
    }

    #[test]
    fn finds_record_ends_like_csv_core() {
        for text in [
            &b"a,b\n1,2\n3,4\nxyz"[..],
            b"a,\"b\nc\",d\n1,2\n\n\nz,z,z",
            b"a,12\" pizza,b\nx,y,z\n...",
            b"\"a\"\"b\",c\r\nd,e\r\n\r\nf,g\rh\n....",
            b"\"open,quote\nnext,row\nthird,\"row\"\n....",
            b"\"x\"y,z\n1,\"\"\n2,\"\"\"\"\n...",
            b"a,b\n\xef\xbb\xbf\"c,d\"\ne\n....",
        ] {
            check(text);
        }
    }

    #[test]
    fn finds_record_ends_like_csv_core_on_random_text() {
        // Every short text over the bytes that matter, by a fixed pseudo-random walk.
        for (_, mut text) in random_texts(0x2545_F491_4F6C_DD1D, b"a,\"\n\r;", 24, 5_000) {
            text.extend(b"...");
            check(&text);
        }
    }

    #[test]
    fn cuts_only_where_a_record_ends() {
        for (x, mut text) in random_texts(0x1234_5678_9ABC_DEF1, b"a,\"\n\r;", 40, 20_000) {
            if x % 7 == 0 {
                // A byte-order mark is just text after the start of the file.
                let at = (x as usize / 7) % (text.len() + 1);
                text.splice(at..at, *b"\xef\xbb\xbf");
            }
            let ends: Vec<usize> = csv_boundaries(&text, b',').collect();
            for size in 0..=text.len() + 1 {
                if let Some(cut) = csv_cut(&text, size, b',') {
                    assert!(
                        ends.contains(&cut),
                        "cut {cut} at size {size} of {:?} is not a record end {ends:?}",
                        String::from_utf8_lossy(&text)
                    );
                } else {
                    // No cut only when no record ends at or after the size.
                    assert!(
                        ends.iter().all(|e| *e < size),
                        "no cut at size {size} of {:?}, ends {ends:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }

    #[test]
    fn chunks_cut_between_records_and_count_lines() {
        let text = b"h1,h2\n1,\"a\nb\"\n2,x\n3,y\n4,z".to_vec();
        let mut s = Splitter::new(
            Box::new(std::io::Cursor::new(text)),
            "t",
            Records::Csv(b','),
        );
        let mut got = Vec::new();
        while let Some(c) = s.next_sized(Vec::new(), 4).unwrap() {
            got.push((String::from_utf8(c.bytes).unwrap(), c.line));
        }
        let joined: String = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(joined, "h1,h2\n1,\"a\nb\"\n2,x\n3,y\n4,z");
        assert_eq!(got[0], ("h1,h2\n".to_string(), 1));
        assert_eq!(got[1], ("1,\"a\nb\"\n".to_string(), 2));
        assert_eq!(got[2], ("2,x\n".to_string(), 4));
    }

    /// A cut at a line break goes where a line of the header's width starts, over a line
    /// inside quotes, and to the first line break past the size when no line of the next
    /// few looks like that.
    #[test]
    fn a_line_break_cut_prefers_the_start_of_a_row() {
        let text = b"1,\"a\nb c\nd\"\n2,x\r\n3,\"y\"\n";
        let row = Some((b',', 2));
        // Past the size, the next line breaks are inside the quotes (after `a`, `b c`):
        // the cut goes after the record's end.
        assert_eq!(line_break_cut(text, 4, row), Some(12));
        assert_eq!(line_break_cut(text, 4, None), Some(5));
        // After `\r\n`'s `\r`, the blank `\n` is passed over.
        assert_eq!(line_break_cut(text, 16, row), Some(17));
        // A line of three fields starts no row of two, nor does a line without an end.
        let wide = b"1,a\n2,b,c\n3,c";
        assert_eq!(line_break_cut(wide, 2, row), Some(4));
        assert_eq!(line_break_cut(wide, 2, Some((b',', 3))), Some(4));
        assert_eq!(line_break_cut(wide, 6, row), Some(10));
    }
}
