//! The searches a domain runs for every order, made cheap: decimal points compared as
//! integers at one scale, and `contains` literals looked for with SIMD before the
//! automaton that finds them all runs.

use aho_corasick::{AhoCorasick, packed};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::domain::{count, set_bit};

/// A decimal field's points as integers at one scale, so that a value of that scale or
/// less is placed by comparing integers: a decimal comparison of two scales rescales
/// one side every time.
#[derive(Debug)]
pub struct Scaled {
    scale: u32,
    points: Vec<i128>,
}

/// Powers of ten that fit an `i128`, by exponent.
const POW10: [i128; 39] = {
    let mut p = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `d` as an integer of `scale` decimal places, when it has no more places than that
/// and fits. Exact, so it keeps the order of decimals.
#[inline]
fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())? as usize;
    let (m, p) = (d.mantissa(), *POW10.get(up)?);
    // The usual amount and power both fit 64 bits, and their product cannot overflow
    // 128: one widening multiply instead of a checked 128-bit one.
    match (i64::try_from(m), i64::try_from(p)) {
        (Ok(m), Ok(p)) => Some(i128::from(m) * i128::from(p)),
        _ => m.checked_mul(p),
    }
}

impl Scaled {
    /// At least six places, so that amounts (two) and seconds (none) fit the fast way.
    pub(super) fn new(points: &[Decimal]) -> Option<Scaled> {
        let scale = points.iter().map(Decimal::scale).max().unwrap_or(0).max(6);
        let points = points
            .iter()
            .map(|p| at_scale(*p, scale))
            .collect::<Option<Vec<_>>>()?;
        Some(Scaled { scale, points })
    }

    /// Where `x` is among the points, as `binary_search` says; `None` when `x` has more
    /// places than the points' scale (or does not fit), to be searched as a decimal.
    #[inline]
    pub(super) fn search(&self, x: Decimal) -> Option<Result<usize, usize>> {
        Some(self.points.binary_search(&at_scale(x, self.scale)?))
    }
}

/// Whether any of some literals occurs in a text, with SIMD (Teddy) where the machine
/// has it: most texts hold none, and this answers that in a fraction of the time that
/// finding which ones takes.
#[derive(Debug)]
pub struct Presence(Option<packed::Searcher>);

impl Presence {
    pub(super) fn new<P: AsRef<[u8]>>(patterns: impl IntoIterator<Item = P>) -> Presence {
        Presence(packed::Searcher::new(patterns))
    }

    /// The search, when the machine has SIMD for it.
    pub(super) fn searcher(&self) -> Option<&packed::Searcher> {
        self.0.as_ref()
    }

    /// `false` only when no literal occurs in `s` (`true` when that cannot be told fast).
    #[inline]
    pub(super) fn may_occur(&self, s: &[u8]) -> bool {
        self.0.as_ref().is_none_or(|p| p.find(s).is_some())
    }
}

/// A table of literals by their bytes. A literal of at most seven bytes is keyed by its
/// bytes and length packed into a `u64`, and found in a small open-addressed array with
/// one multiply and, nearly always, one compare: no hash over bytes, no `memcmp`. Longer
/// ones are keyed by their bytes. The literals are numbered from a base, in the order
/// given.
#[derive(Debug)]
pub struct Table {
    /// Packed literal and its number, at the slot its key hashes to or the next free one;
    /// a power of two long, at most half full. Empty slots hold [`FREE`].
    short: Vec<(u64, u32)>,
    /// How far a key's hash is shifted to index `short`.
    shift: u32,
    long: FxHashMap<Box<[u8]>, u32>,
    base: u32,
    literals: Vec<String>,
}

/// No packed text: its top byte, the length, is at most 7.
const FREE: u64 = u64::MAX;

/// Fibonacci hashing: the top bits of the key times 2^64 / φ.
#[inline]
fn slot(key: u64, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

impl Table {
    pub(super) fn new(literals: &[String], base: u32) -> Table {
        let size = (2 * literals.len()).next_power_of_two().max(8);
        let mut t = Table {
            short: vec![(FREE, 0); size],
            shift: 64 - size.trailing_zeros(),
            long: FxHashMap::default(),
            base,
            literals: literals.to_vec(),
        };
        for (i, l) in literals.iter().enumerate() {
            let v = base + count(i);
            let Some(k) = pack(l.as_bytes()) else {
                t.long.insert(l.as_bytes().into(), v);
                continue;
            };
            let mut at = slot(k, t.shift);
            while t.short[at].0 != FREE && t.short[at].0 != k {
                at = (at + 1) & (size - 1);
            }
            t.short[at] = (k, v);
        }
        t
    }

    /// The literal numbered `n`.
    pub fn literal(&self, n: u32) -> Option<&str> {
        let i = n.checked_sub(self.base)?;
        self.literals.get(i as usize).map(String::as_str)
    }

    /// The number of the literal `text` is, if it is one.
    #[inline]
    pub fn get(&self, text: &[u8]) -> Option<u32> {
        // Most text fields have no literal at all (keys, addresses, notes).
        if self.literals.is_empty() {
            return None;
        }
        let Some(k) = pack(text) else {
            return self.long(text);
        };
        let mask = self.short.len() - 1;
        let mut at = slot(k, self.shift);
        loop {
            let (key, v) = self.short[at & mask];
            if key == k {
                return Some(v);
            }
            if key == FREE {
                return None;
            }
            at += 1;
        }
    }

    /// The number of a literal longer than a packed word. Apart from [`Table::get`], so
    /// that the hash map's probe does not make every look-up save and restore registers.
    #[inline(never)]
    fn long(&self, text: &[u8]) -> Option<u32> {
        self.long.get(text).copied()
    }
}

/// A text of at most seven bytes as one word: its bytes, and its length in the top byte,
/// so that two texts share a word only when they are equal. Read in two loads, not byte
/// by byte.
#[inline]
fn pack(t: &[u8]) -> Option<u64> {
    let n = t.len();
    let bytes = match n {
        0 => 0,
        1..=3 => u64::from(t[0]) | u64::from(t[n / 2]) << 8 | u64::from(t[n - 1]) << 16,
        4..=7 => {
            let word = |s: &[u8]| u64::from(u32::from_le_bytes(s.try_into().expect("four")));
            // The first four bytes, then the last ones past them.
            word(&t[..4]) | (word(&t[n - 4..]) >> (8 * (8 - n))) << 32
        }
        _ => return None,
    };
    Some(bytes | (n as u64) << 56)
}

/// The byte lengths some literals have, as one bit each (lengths from 63 on share the
/// last): a text of any other length equals none of them.
#[derive(Debug, Clone, Copy)]
pub struct Lengths(u64);

impl Lengths {
    pub(super) fn of(literals: &[String]) -> Lengths {
        Lengths(literals.iter().fold(0, |m, l| m | Lengths::bit(l.len())))
    }

    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    /// `false` when no literal is `len` bytes long.
    #[inline]
    pub(super) fn may_be(self, len: usize) -> bool {
        self.0 & Lengths::bit(len) != 0
    }
}

/// Every `contains` literal of a field, found in one pass.
#[derive(Debug)]
pub struct Scanner {
    /// Finds every literal, overlapping ones too.
    all: AhoCorasick,
    any: Presence,
    /// The bit of each literal.
    bits: Vec<u32>,
}

impl Scanner {
    pub(super) fn new(patterns: &[String], first_bit: u32) -> Option<Scanner> {
        if patterns.is_empty() {
            return None;
        }
        Some(Scanner {
            all: AhoCorasick::new(patterns).expect("plain literals always build an automaton"),
            any: Presence::new(patterns.iter().map(String::as_bytes)),
            bits: (0..count(patterns.len())).map(|i| first_bit + i).collect(),
        })
    }

    /// Sets the bit of every literal found in `s`.
    pub(super) fn scan(&self, s: &[u8], bits: &mut [u64]) {
        if !self.any.may_occur(s) {
            return;
        }
        for m in self.all.find_overlapping_iter(s) {
            set_bit(bits, self.bits[m.pattern().as_usize()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table finds a text exactly when it is one of its literals, with that literal's
    /// number: on random literals and texts of every length around the packed ones'.
    #[test]
    fn a_table_finds_exactly_its_literals() {
        let texts: Vec<String> =
            crate::input::random_texts(0x9E37_79B9_7F4A_7C15, b"ab\0", 12, 4_000)
                .map(|(_, t)| String::from_utf8(t).expect("an ASCII alphabet"))
                .collect();
        let (literals, others) = texts.split_at(300);
        let mut unique: Vec<String> = Vec::new();
        for l in literals {
            if !unique.contains(l) {
                unique.push(l.clone());
            }
        }
        let table = Table::new(&unique, 5);
        for t in literals.iter().chain(others) {
            let want = unique.iter().position(|l| l == t).map(|i| 5 + count(i));
            assert_eq!(table.get(t.as_bytes()), want, "{t:?}");
        }
        for (i, l) in unique.iter().enumerate() {
            assert_eq!(table.literal(5 + count(i)), Some(l.as_str()));
        }
        assert_eq!(table.literal(4), None);
    }

    /// A length filter lets through every literal's length, long ones too, and no
    /// length that none has.
    #[test]
    fn lengths_pass_the_literals_lengths_only() {
        let literals: Vec<String> = ["", "ab", "liquid", &"x".repeat(63), &"y".repeat(90)]
            .map(String::from)
            .to_vec();
        let lengths = Lengths::of(&literals);
        for l in &literals {
            assert!(lengths.may_be(l.len()), "{}", l.len());
        }
        assert!(lengths.may_be(200), "lengths from 63 on share a bit");
        for len in [1, 3, 5, 7, 62] {
            assert!(!lengths.may_be(len), "{len}");
        }
    }

    /// Placing a decimal among the points as an integer says what comparing decimals
    /// says, for values of every scale the fast way takes, small, large and negative.
    #[test]
    fn scaled_search_places_values_as_decimals_do() {
        let points: Vec<Decimal> = ["-10000", "-0.5", "0", "0.01", "2000", "2000.005", "10000"]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect();
        let scaled = Scaled::new(&points).unwrap();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let m = (x as i64) >> (x % 64);
            let v = Decimal::new(m, (x >> 8) as u32 % 8);
            let v = if x % 5 == 0 { v.round_dp(0) } else { v };
            if let Some(got) = scaled.search(v) {
                assert_eq!(got, points.binary_search(&v), "{v}");
            }
            // On the points and beside them.
            let p = points[(x >> 20) as usize % points.len()];
            for v in [p, p + Decimal::new(1, 6), p - Decimal::new(1, 6)] {
                assert_eq!(scaled.search(v), Some(points.binary_search(&v)), "{v}");
            }
        }
        // A mantissa past 64 bits is placed too, by the checked multiply.
        let big = Decimal::from_i128_with_scale(i128::from(i64::MAX) * 1000, 2);
        assert_eq!(scaled.search(big), Some(Err(points.len())));
    }
}
