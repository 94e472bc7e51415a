//! Looking ahead over a batch of orders: for each field whose literals are searched for
//! (`contains`, `has`, and the literals every match of its `matches` patterns starts
//! with, `Domain::presence`), which orders' texts hold none of them, found by one search
//! over the batch's texts of that field rather than one per order.
//!
//! A search costs about a hundred instructions to set up and a few per 16 bytes after:
//! run on one address or tag list at a time, the set-up is most of it. Laid end to end,
//! a batch's texts are searched in one pass, and an order where nothing was found skips
//! its own search (`decide::raw`). An order where something was found, or a match that
//! runs from its text into the next, is searched on its own as before, so this only
//! ever skips searches that would have found nothing.

use aho_corasick::Span;

use crate::compile::Tree;
use crate::input::RawOrder;

/// The bytes copied at once for a text that fits them (see [`Ahead::search`]).
const BLOCK: usize = 64;

/// What a batch's search found for one order, by field (bit `f` for field `f`): which
/// fields were searched, and in which of those none of the literals occurs. Nothing is
/// known by default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Found {
    searched: u64,
    absent: u64,
}

impl Found {
    /// Whether field `f` was searched (fields from 64 on never are).
    #[inline]
    pub fn searched(&self, f: usize) -> bool {
        f < 64 && self.searched >> f & 1 == 1
    }

    /// Whether the search found none of field `f`'s literals.
    #[inline]
    pub fn absent(&self, f: usize) -> bool {
        f < 64 && self.absent >> f & 1 == 1
    }
}

/// The fields searched a batch at a time, and what the last batch's search found.
pub struct Ahead {
    /// The fields with a presence search, each below 64 (its bit in a mask).
    fields: Vec<usize>,
    /// Every field of `fields`, as a mask.
    all: u64,
    /// One field's texts of the batch, end to end (and bytes past them), and where each
    /// order's ends.
    hay: Vec<u8>,
    ends: Vec<usize>,
    /// By order of the batch, the fields none of whose literals its text holds.
    absent: Vec<u64>,
}

impl Ahead {
    pub fn new(tree: &Tree) -> Ahead {
        let fields: Vec<usize> = (0..tree.domains.len().min(64))
            .filter(|f| tree.domains[*f].presence().is_some())
            .collect();
        Ahead {
            all: fields.iter().fold(0, |m, f| m | 1 << f),
            fields,
            hay: Vec::new(),
            ends: Vec::new(),
            absent: Vec::new(),
        }
    }

    /// Searches a batch of orders, whose texts are ranges of `text`: `ranges` holds
    /// `fields` ranges an order, by field, so that field `f` of order `i` is at
    /// `i * fields + f`.
    pub fn search(&mut self, tree: &Tree, text: &[u8], ranges: &[(usize, usize)], fields: usize) {
        self.start(ranges.len() / fields.max(1));
        for k in 0..self.fields.len() {
            let f = self.fields[k];
            let len = lay_out(&mut self.hay, &mut self.ends, text, ranges, fields, f);
            self.mark(tree, f, len);
        }
    }

    /// [`Ahead::search`] over orders read into [`RawOrder`]s (JSON Lines): each text is
    /// copied the general way, a list of tags (a JSON array) item after item.
    pub fn search_orders(&mut self, tree: &Tree, orders: &[RawOrder]) {
        self.start(orders.len());
        for k in 0..self.fields.len() {
            let f = self.fields[k];
            let mut len = 0;
            for (order, end) in orders.iter().zip(&mut self.ends) {
                // A list's items end to end: a literal in one is found, and a match
                // across two only makes the order searched on its own.
                let buffer = order.buffer();
                let text;
                let spans = match order.spans(f) {
                    Ok(span) => {
                        text = span;
                        std::slice::from_ref(&text)
                    }
                    Err(items) => items,
                };
                for &(a, b) in spans {
                    let (a, n) = (a as usize, (b - a) as usize);
                    put(&mut self.hay, len, n, &buffer[a..]);
                    len += n;
                }
                *end = len;
            }
            self.mark(tree, f, len);
        }
    }

    /// Starts on a batch of `orders` orders: each absent from every field until a search
    /// finds otherwise.
    fn start(&mut self, orders: usize) {
        self.absent.clear();
        self.absent.resize(orders, self.all);
        self.ends.resize(orders, 0);
    }

    /// Searches field `f`'s texts, laid out in the first `len` bytes of `hay` and ending
    /// at `ends`, and marks the orders whose text a literal starts in.
    fn mark(&mut self, tree: &Tree, f: usize, len: usize) {
        let searcher = tree.domains[f].presence().expect("fields with a search");
        let (hay, orders) = (&self.hay[..len], self.ends.len());
        let (mut at, mut order) = (0, 0);
        while order < orders
            && let Some(m) = searcher.find_in(hay, Span::from(at..len))
        {
            // The order whose text the match starts in: the first that ends after its
            // start (an order with no text ends where the one before did).
            order += self.ends[order..].partition_point(|end| *end <= m.start());
            let Some(end) = self.ends.get(order) else {
                break;
            };
            self.absent[order] &= !(1 << f);
            // A match that runs on into the next order's text may hide one of its own:
            // the search goes on from where that text starts.
            (at, order) = (*end, order + 1);
        }
    }

    /// What the batch's search found for order `i`.
    #[inline]
    pub fn found(&self, i: usize) -> Found {
        Found {
            searched: self.all,
            absent: self.absent[i],
        }
    }
}

/// Lays the texts of field `f` (of `fields` an order in `ranges`) end to end in `hay`,
/// where each ends in `ends`; returns their length. Out of line: inlined in the search,
/// its loop kept too little in registers.
#[inline(never)]
fn lay_out(
    hay: &mut Vec<u8>,
    ends: &mut [usize],
    text: &[u8],
    ranges: &[(usize, usize)],
    fields: usize,
    f: usize,
) -> usize {
    assert!(f < fields, "field {f} of {fields}");
    let mut len = 0;
    for (order, end) in ranges.chunks_exact(fields).zip(ends) {
        let (a, b) = order[f];
        // Optional fields are often blank.
        if a == b {
            *end = len;
            continue;
        }
        put(hay, len, b - a, &text[a..]);
        len += b - a;
        *end = len;
    }
    len
}

/// Copies the first `n` bytes of `from` to `hay` at `at`. As a block of fixed size, a
/// few vector moves, when they fit one and `from` goes on that far: a call to `memcpy`
/// for a few dozen bytes costs as much as searching them.
#[inline(always)]
fn put(hay: &mut Vec<u8>, at: usize, n: usize, from: &[u8]) {
    if n <= BLOCK && BLOCK <= from.len() && at + BLOCK <= hay.len() {
        hay[at..at + BLOCK].copy_from_slice(&from[..BLOCK]);
    } else {
        copy(hay, at, &from[..n]);
    }
}

/// Copies `bytes` to `hay` at `at`, making room for them and a block after them.
#[cold]
fn copy(hay: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    hay.resize(hay.len().max(at + bytes.len() + BLOCK), 0);
    hay[at..at + bytes.len()].copy_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    const RULES: &str = r#"ruleset "ahead" version "1"

fields {
  id      text, key
  address text
  tags    tags
}

decision flags: all

rule vague
  when address contains any ["ab", "bba"]
  then flag "vague"

rule live
  when tags has "aab"
  then flag "live"
"#;

    /// Whether some end of `text` begins one of `literals` without being all of it: a
    /// match that starts there runs on into the next order's text.
    fn ends_in_a_start(text: &[u8], literals: &[&str]) -> bool {
        literals
            .iter()
            .any(|l| (1..l.len()).any(|n| text.len() >= n && text.ends_with(&l.as_bytes()[..n])))
    }

    /// A batch's search never calls a text absent when it holds a literal, and calls it
    /// absent whenever it holds none and no match can start in it and run on: over
    /// random texts, long ones (copied the slow way, their literals past the first block)
    /// and blank ones among them, in batches of every size, with the last texts at the
    /// very end of the buffer.
    #[test]
    fn a_batch_finds_every_text_that_holds_a_literal() {
        let set = crate::load(&Source::new("ahead", RULES)).expect("clean rules");
        let tree = crate::compile::compile(&set);
        let (address, tags) = (
            set.field_id("address").unwrap(),
            set.field_id("tags").unwrap(),
        );
        let searcher = |f: usize| tree.domains[f].presence().expect("SIMD on this machine");
        let literals = |f: usize| {
            if f == address {
                vec!["ab", "bba"]
            } else {
                vec!["aab"]
            }
        };
        let mut ahead = Ahead::new(&tree);
        assert_eq!(ahead.fields, [address, tags]);
        let mut texts = crate::input::random_texts(0x2545_F491_4F6C_DD1D, b"abcccc", 9, 30_000)
            .map(|(x, t)| {
                if x % 37 == 0 {
                    [&[b'c'; 70][..], &t].concat()
                } else {
                    t
                }
            });
        let (mut batches, mut absent, mut across) = (0, 0, 0);
        while batches < 400 {
            let orders = 1 + batches % crate::input::BATCH;
            // Each order's address, then its tags, one after another in one buffer.
            // By order: its key (blank), address and tags.
            let (mut text, mut ranges) = (Vec::new(), Vec::new());
            for _ in 0..orders {
                ranges.push((0, 0));
                for _ in [address, tags] {
                    let t = texts.next().expect("enough texts");
                    let a = text.len();
                    text.extend_from_slice(&t);
                    ranges.push((a, text.len()));
                }
            }
            ahead.search(&tree, &text, &ranges, 3);
            for (i, order) in ranges.chunks(3).enumerate() {
                for f in [address, tags] {
                    let (a, b) = order[f];
                    let t = &text[a..b];
                    let found = searcher(f).find(t).is_some();
                    let said = ahead.found(i).absent(f);
                    assert!(
                        !(found && said),
                        "order {i} of {orders}, {t:?} holds a literal"
                    );
                    if !found && !ends_in_a_start(t, &literals(f)) {
                        assert!(said, "order {i} of {orders}: {t:?} holds none");
                    }
                    absent += usize::from(said);
                    across += usize::from(!found && !said);
                }
            }
            batches += 1;
        }
        // Both kinds of text are common enough to have been tried.
        assert!(
            absent > 5_000 && across > 100,
            "{absent} absent, {across} across"
        );
    }
}
