//! Parsing one CSV record out of a chunk, exactly as `csv-core` does, without copying.
//!
//! A field is a range of the chunk unless it has a doubled quote or text after its
//! closing quote (`"a""b"`, `"a"b`); only those are assembled, in a side buffer. Between
//! the bytes that matter (`"`, the delimiter, `\n`, `\r`) the parser jumps with `memchr`.
//! The states are `csv-core`'s, and a test holds the two parsers equal on random text:
//! blank lines before a record are skipped; a `"` opens a quoted field only at the start
//! of a field; `""` inside quotes is a quote; after the closing quote the field goes on
//! unquoted; a `\r` or `\n` outside quotes ends the record; the input's end ends it too.

use memchr::memchr;

/// Where the first delimiter, `\n` or `\r` at or after `from` is. Eight bytes at a
/// time in a `u64`: most fields are a few bytes long, which `memchr3` spends more on
/// setting up than on searching.
#[inline]
fn field_end(buf: &[u8], from: usize, delimiter: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is flagged when it is zero. Flags above a true zero byte can be
    // wrong (the borrow runs on), but the lowest flag is always right, and so is the
    // lowest of several such masks.
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let (d, n, r) = (
        LO * u64::from(delimiter),
        LO * u64::from(b'\n'),
        LO * u64::from(b'\r'),
    );
    let mut i = from;
    while let Some(word) = buf.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let m = zero(w ^ d) | zero(w ^ n) | zero(w ^ r);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    buf[i..]
        .iter()
        .position(|b| *b == delimiter || *b == b'\n' || *b == b'\r')
        .map(|k| i + k)
}

/// Where a field's bytes are.
#[derive(Debug, Clone, Copy)]
enum Span {
    /// A range of the chunk.
    Chunk(usize, usize),
    /// A range of [`Fields::own`].
    Own(usize, usize),
}

/// The fields of the record last parsed.
#[derive(Debug, Default)]
pub struct Fields {
    spans: Vec<Span>,
    own: Vec<u8>,
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

    /// Whether a field had to be assembled (a doubled quote, text after a closing quote).
    pub fn assembled(&self) -> bool {
        !self.own.is_empty()
    }

    /// Field `i` as a range of the chunk, when it is one.
    pub fn range(&self, i: usize) -> Option<(usize, usize)> {
        match self.spans.get(i)? {
            Span::Chunk(a, b) => Some((*a, *b)),
            Span::Own(..) => None,
        }
    }
}

/// Parses the next record from `at` in `buf` into `fields`, after any blank lines: where
/// it starts and the offset just after it, or `None` when only blank lines are left.
pub fn parse(buf: &[u8], at: usize, delimiter: u8, fields: &mut Fields) -> Option<(usize, usize)> {
    let blank = buf[at..]
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .count();
    let start = at + blank;
    (start < buf.len()).then(|| (start, record_at(buf, start, delimiter, fields)))
}

/// Parses the record that starts at `at` (not a blank line); the offset just after it.
fn record_at(buf: &[u8], at: usize, delimiter: u8, fields: &mut Fields) -> usize {
    fields.spans.clear();
    fields.own.clear();
    // At the start of a field.
    let mut i = at;
    loop {
        let Some(&b) = buf.get(i) else {
            fields.spans.push(Span::Chunk(i, i));
            return i;
        };
        if b != b'"' {
            // Unquoted: up to the delimiter or the record's end; quotes are text here.
            let j = field_end(buf, i, delimiter).unwrap_or(buf.len());
            fields.spans.push(Span::Chunk(i, j));
            match buf.get(j) {
                Some(&d) if d == delimiter => i = j + 1,
                Some(_) => return j + 1,
                None => return j,
            }
            continue;
        }
        // Quoted: pieces between doubled quotes; the field is one range if it has one.
        i += 1;
        let (mut piece, own_start) = (i, fields.own.len());
        let mut assembled = false;
        let after = loop {
            let Some(k) = memchr(b'"', &buf[i..]) else {
                break buf.len();
            };
            let q = i + k;
            if buf.get(q + 1) == Some(&b'"') {
                fields.own.extend_from_slice(&buf[piece..=q]);
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
            fields.own.extend_from_slice(&buf[piece..content_end]);
            fields.own.extend_from_slice(&buf[i..j]);
            fields.spans.push(Span::Own(own_start, fields.own.len()));
        } else {
            fields.spans.push(Span::Chunk(piece, content_end));
        }
        if after >= buf.len() {
            // The input ended inside the quotes.
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
        let text = b"ab,c\x80\xff;d\re\nfghijklmnopq,rstuvwxyz0123456789\r\n;;";
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
        for (_, text) in crate::input::random_texts(0x9E37_79B9_7F4A_7C15, b"a,\"\n\r;", 20, 5_000)
        {
            assert_eq!(
                ours(&text),
                core_records(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
