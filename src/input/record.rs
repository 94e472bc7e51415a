//! Parsing one CSV record out of a chunk, exactly as `csv-core` does, without copying.
//!
//! A field is a range of the chunk unless it has a doubled quote or text after its
//! closing quote (`"a""b"`, `"a"b`); only those are assembled, in a side buffer. The
//! parser hands each field to a [`Sink`]: [`Slots`] keeps only the ranges of the columns
//! the rules read, straight where the reader wants them (the nightly run's path), and
//! [`Fields`] keeps every field, assembled, for the rare record that is not read in place.
//! Between the bytes that matter (`"`, the delimiter, `\n`, `\r`) the parser jumps: eight
//! bytes at a time, inside quotes too (where it also notes a line break, so that a
//! record over several lines is known without another look): most quoted fields are a
//! few words, which `memchr` spends more on setting up than on searching.
//! The states are `csv-core`'s, and a test holds the two parsers equal on random text:
//! blank lines before a record are skipped; a `"` opens a quoted field only at the start
//! of a field; `""` inside quotes is a quote; after the closing quote the field goes on
//! unquoted; a `\r` or `\n` outside quotes ends the record; the input's end ends it too.

use crate::words::{below, first_marked, spread};

/// Where the first delimiter, `\n` or `\r` at or after `from` is.
#[inline]
fn field_end(buf: &[u8], from: usize, delimiter: u8) -> Option<usize> {
    first_stop(buf, from, delimiter, 0x0E, |b| {
        b == delimiter || matches!(b, b'\n' | b'\r')
    })
}

/// Where the first `"` or `\n` at or after `from` is.
#[inline]
fn quote_or_line(buf: &[u8], from: usize) -> Option<usize> {
    first_stop(buf, from, b'"', 0x0B, |b| matches!(b, b'"' | b'\n'))
}

/// Where the first byte at or after `from` that `stops` is: `byte`, or a control byte
/// below `controls` (the line breaks). A word is flagged for `byte` and for its control
/// bytes, two tests for any number of stop bytes among the control ones, and a control
/// byte that stops nothing (a tab in a comma file, rare) is passed over.
#[inline]
fn first_stop(
    buf: &[u8],
    from: usize,
    byte: u8,
    controls: u8,
    stops: impl Fn(u8) -> bool,
) -> Option<usize> {
    let b = spread(byte);
    let mut at = from;
    loop {
        let j = first_marked(
            buf,
            at,
            |w| below(w ^ b, 1) | below(w, controls),
            |c| c == byte || c < controls,
        )?;
        if stops(buf[j]) {
            return Some(j);
        }
        at = j + 1;
    }
}

/// Where a field's bytes are.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// A range of the chunk.
    Chunk(usize, usize),
    /// A range of [`Fields::own`].
    Own(usize, usize),
}

/// What the parser hands its fields to, one column after another.
pub trait Sink {
    /// A field that is a range of the chunk, as nearly every field is.
    fn range(&mut self, a: usize, b: usize);
    /// The next piece of a field that has to be assembled; [`Sink::assembled`] ends it.
    fn piece(&mut self, bytes: &[u8]);
    /// The field whose pieces were given is complete; `stray` when it had text after
    /// its closing quote (`"a"b`), which no CSV writer writes.
    fn assembled(&mut self, stray: bool);
    /// The input ended inside the last field's quotes.
    fn unclosed(&mut self) {}
    /// A quoted field holds a `\n`: the record spans lines.
    fn line_break(&mut self) {}
}

/// Every field of the record last parsed, assembled where it has to be: for the records
/// that are read field by field (see [`Slots`] for the usual ones).
#[derive(Debug, Default)]
pub struct Fields {
    spans: Vec<Span>,
    own: Vec<u8>,
    /// Where the field being assembled starts in `own`.
    open: usize,
}

impl Sink for Fields {
    fn range(&mut self, a: usize, b: usize) {
        self.spans.push(Span::Chunk(a, b));
    }

    fn piece(&mut self, bytes: &[u8]) {
        self.own.extend_from_slice(bytes);
    }

    fn assembled(&mut self, _: bool) {
        self.spans.push(Span::Own(self.open, self.own.len()));
        self.open = self.own.len();
    }
}

impl Fields {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`'s bytes, given the chunk the record was parsed from.
    pub fn get<'a>(&'a self, chunk: &'a [u8], i: usize) -> Option<&'a [u8]> {
        Some(match *self.spans.get(i)? {
            Span::Chunk(a, b) => &chunk[a..b],
            Span::Own(a, b) => &self.own[a..b],
        })
    }

    fn clear(&mut self) {
        self.spans.clear();
        self.own.clear();
        self.open = 0;
    }
}

/// No field is wanted from this column.
pub const UNREAD: u32 = u32::MAX;

/// Where the wanted fields of the record last parsed are, written as it is parsed: the
/// nightly run's path, which keeps nothing of the columns no rule reads.
pub struct Slots<'a> {
    buf: &'a [u8],
    /// For each column, the slot its range goes to, or [`UNREAD`].
    wanted: &'a [u32],
    /// By slot, the range of its column's field in the chunk, as read (untrimmed).
    ranges: &'a mut [(usize, usize)],
    pub shape: Shape,
}

/// What a record read into [`Slots`] turned out to be.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// How many columns the record has.
    pub columns: usize,
    /// Whether some field had to be assembled: its range is not in the slots.
    pub assembled: bool,
    /// Whether some field had text after its closing quote.
    pub stray: bool,
    /// Whether some wanted field may need trimming: it does not start and end with a
    /// character trimming keeps.
    pub ragged: bool,
    /// Whether the input ended inside the quotes of its last field.
    pub unclosed: bool,
    /// Whether a quoted field holds a `\n`, so that the record spans lines.
    pub lines: bool,
}

impl<'a> Slots<'a> {
    pub fn new(buf: &'a [u8], wanted: &'a [u32], ranges: &'a mut [(usize, usize)]) -> Self {
        Slots {
            buf,
            wanted,
            ranges,
            shape: Shape::default(),
        }
    }
}

impl Sink for Slots<'_> {
    #[inline]
    fn range(&mut self, a: usize, b: usize) {
        let column = self.shape.columns;
        self.shape.columns += 1;
        // `UNREAD` is past the end of `ranges`, so an unread column has no slot.
        let Some(slot) = self
            .wanted
            .get(column)
            .and_then(|k| self.ranges.get_mut(*k as usize))
        else {
            return;
        };
        *slot = (a, b);
        // A blank field has nothing to trim.
        self.shape.ragged |= a < b && !super::visible_ends(&self.buf[a..b]);
    }

    fn piece(&mut self, _: &[u8]) {}

    fn assembled(&mut self, stray: bool) {
        self.shape.assembled = true;
        self.shape.stray |= stray;
        self.shape.columns += 1;
    }

    fn unclosed(&mut self) {
        self.shape.unclosed = true;
    }

    fn line_break(&mut self) {
        self.shape.lines = true;
    }
}

/// Parses the record that starts at `at` in `buf` (after any blank lines), every field
/// into `fields`: where it starts and the offset just after it, or `None` when only
/// blank lines are left.
pub fn parse(buf: &[u8], at: usize, delimiter: u8, fields: &mut Fields) -> Option<(usize, usize)> {
    fields.clear();
    parse_into(buf, at, delimiter, fields)
}

/// Parses the next record from `at` in `buf` into `sink`, after any blank lines: where
/// it starts and the offset just after it, or `None` when only blank lines are left.
/// Always inlined: whether the compiler inlines it into the reader's loop otherwise
/// turned on unrelated changes elsewhere in the crate, at 70 instructions an order.
#[inline(always)]
pub fn parse_into(
    buf: &[u8],
    at: usize,
    delimiter: u8,
    sink: &mut impl Sink,
) -> Option<(usize, usize)> {
    let blank = buf[at..]
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .count();
    let start = at + blank;
    (start < buf.len()).then(|| (start, record_at(buf, start, delimiter, sink)))
}

/// Parses the record that starts at `at` (not a blank line); the offset just after it.
#[inline]
fn record_at(buf: &[u8], at: usize, delimiter: u8, sink: &mut impl Sink) -> usize {
    // At the start of a field.
    let mut i = at;
    loop {
        let Some(&b) = buf.get(i) else {
            sink.range(i, i);
            return i;
        };
        if b != b'"' {
            // Unquoted: up to the delimiter or the record's end; quotes are text here.
            let j = field_end(buf, i, delimiter).unwrap_or(buf.len());
            sink.range(i, j);
            match buf.get(j) {
                Some(&d) if d == delimiter => i = j + 1,
                Some(_) => return j + 1,
                None => return j,
            }
            continue;
        }
        // Quoted: pieces between doubled quotes; the field is one range if it has one.
        i += 1;
        let mut piece = i;
        let mut assembled = false;
        let after = loop {
            let Some(q) = quote_or_line(buf, i) else {
                break buf.len();
            };
            if buf[q] == b'\n' {
                sink.line_break();
                i = q + 1;
                continue;
            }
            if buf.get(q + 1) == Some(&b'"') {
                sink.piece(&buf[piece..=q]);
                assembled = true;
                i = q + 2;
                piece = i;
                continue;
            }
            break q;
        };
        let content_end = after.min(buf.len());
        i = (after + 1).min(buf.len());
        // After the closing quote: anything up to a delimiter or the record's end is
        // more of the field, unquoted.
        let j = field_end(buf, i, delimiter).unwrap_or(buf.len());
        if assembled || j > i {
            sink.piece(&buf[piece..content_end]);
            sink.piece(&buf[i..j]);
            sink.assembled(j > i);
        } else {
            sink.range(piece, content_end);
        }
        if after >= buf.len() {
            // The input ended inside the quotes.
            sink.unclosed();
            return buf.len();
        }
        match buf.get(j) {
            Some(&d) if d == delimiter => i = j + 1,
            Some(_) => return j + 1,
            None => return j,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as `csv-core` reads it: (end offset, fields).
    fn core_records(text: &[u8]) -> Vec<(usize, Vec<Vec<u8>>)> {
        let mut rdr = csv_core::ReaderBuilder::new().build();
        let (mut out, mut ends) = (vec![0; text.len() + 1], vec![0; text.len() + 1]);
        let (mut at, mut got, mut nout, mut nends) = (0, Vec::new(), 0, 0);
        loop {
            let (res, nin, o, e) =
                rdr.read_record(&text[at..], &mut out[nout..], &mut ends[nends..]);
            (at, nout, nends) = (at + nin, nout + o, nends + e);
            match res {
                csv_core::ReadRecordResult::Record => {
                    let mut start = 0;
                    let fields = ends[..nends]
                        .iter()
                        .map(|e| {
                            let f = out[start..*e].to_vec();
                            start = *e;
                            f
                        })
                        .collect();
                    got.push((at, fields));
                    (nout, nends) = (0, 0);
                }
                csv_core::ReadRecordResult::End => return got,
                _ => {}
            }
        }
    }

    fn ours(text: &[u8]) -> Vec<(usize, Vec<Vec<u8>>)> {
        let (mut at, mut got, mut fields) = (0, Vec::new(), Fields::default());
        while let Some((_, end)) = parse(text, at, b',', &mut fields) {
            let f = (0..fields.len())
                .map(|i| fields.get(text, i).unwrap().to_vec())
                .collect();
            got.push((end, f));
            at = end;
        }
        got
    }

    #[test]
    fn parses_like_csv_core() {
        for text in [
            &b"a,b\n1,2\r\n\r\n3,\"x,\"\"y\"\"\nz\"\n"[..],
            b"\"a\"b,c\n\"\"\n\"\"\"\"\n,\n,",
            b"a,12\" pizza,\"open\nnever closed",
            b"\n\n\r",
            b"x",
        ] {
            assert_eq!(
                ours(text),
                core_records(text),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    /// The word-at-a-time search finds what a byte-by-byte one finds, at every offset
    /// and length (the tail shorter than a word included).
    #[test]
    fn field_end_finds_the_first_stop() {
        let text =
            b"ab,c\x80\xff;d\re\n,-fg\thi\x01\x0b\x00jklmnopq,rstuvwxyz0123456789\r\n;;\x0d\x0e,";
        for delimiter in [b',', b';', b'\t'] {
            for from in 0..text.len() {
                for end in from..=text.len() {
                    let buf = &text[..end];
                    let want = buf[from..]
                        .iter()
                        .position(|b| [delimiter, b'\n', b'\r'].contains(b))
                        .map(|k| from + k);
                    assert_eq!(field_end(buf, from, delimiter), want, "{from} {end}");
                }
            }
        }
    }

    #[test]
    fn parses_like_csv_core_on_random_text() {
        for (_, text) in
            crate::input::random_texts(0x9E37_79B9_7F4A_7C15, b"a,\"\n\r;\t\x01-", 40, 5_000)
        {
            assert_eq!(
                ours(&text),
                core_records(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    /// Whether a record has text after a closing quote, whether it ends inside quotes,
    /// and whether a `\n` is inside quotes, by csv-core's states.
    fn stray_text(record: &[u8]) -> (bool, bool, bool) {
        #[derive(PartialEq)]
        enum At {
            Start,
            Unquoted,
            Quoted,
            Closed,
        }
        let (mut at, mut stray, mut lines) = (At::Start, false, false);
        for b in record {
            lines |= at == At::Quoted && *b == b'\n';
            at = match (at, b) {
                (At::Quoted, b'"') => At::Closed,
                (At::Quoted, _) => At::Quoted,
                (At::Start | At::Closed, b'"') => At::Quoted,
                (_, b',' | b'\n' | b'\r') => At::Start,
                (At::Closed, _) => {
                    stray = true;
                    At::Unquoted
                }
                _ => At::Unquoted,
            };
        }
        (stray, at == At::Quoted, lines)
    }

    /// The slots get what the full parse gets, for the columns wanted, with the same
    /// record ends and column counts, and say when a field had to be assembled or may
    /// need trimming.
    #[test]
    fn slots_hold_the_wanted_fields_of_the_full_parse() {
        let wanted = [1, UNREAD, 0, 2];
        let alphabet = b"a,\"\n\r; \t";
        for (_, text) in crate::input::random_texts(0x2545_F491_4F6C_DD1D, alphabet, 24, 5_000) {
            let (mut at, mut fields, mut ranges) = (0, Fields::default(), [(9, 9); 3]);
            while let Some(whole) = parse(&text, at, b',', &mut fields) {
                let mut slots = Slots::new(&text, &wanted, &mut ranges);
                let got = parse_into(&text, at, b',', &mut slots);
                let Shape {
                    columns,
                    assembled,
                    stray,
                    ragged,
                    unclosed,
                    lines,
                } = slots.shape;
                let show = String::from_utf8_lossy(&text);
                assert_eq!(got, Some(whole), "{show:?}");
                assert_eq!(columns, fields.len(), "{show:?}");
                let own = fields.spans.iter().any(|s| matches!(s, Span::Own(..)));
                assert_eq!(assembled, own, "{show:?}");
                let (stray_after, open_at_end, quoted_line) = stray_text(&text[whole.0..whole.1]);
                assert_eq!(stray, stray_after, "{show:?}");
                assert_eq!(unclosed, open_at_end, "{show:?}");
                assert_eq!(lines, quoted_line, "{show:?}");
                if !own {
                    let mut uneven = false;
                    for (c, k) in wanted.iter().enumerate().take(columns) {
                        if let Some(r) = ranges.get(*k as usize) {
                            let Some(Span::Chunk(a, b)) = fields.spans.get(c) else {
                                unreachable!("a record with no field to assemble");
                            };
                            assert_eq!(*r, (*a, *b), "{show:?}");
                            uneven |= a < b && !crate::input::visible_ends(&text[*a..*b]);
                        }
                    }
                    assert_eq!(ragged, uneven, "{show:?}");
                }
                at = whole.1;
            }
        }
    }
}
