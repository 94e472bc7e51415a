//! Searching bytes eight at a time in a `u64` (SWAR), for the readers' field and string
//! ends, the tags' separators and the CSV writer's look at a key: shared by `input` and
//! `output`, and no stage's own.

/// Where the first byte at or after `from` that `flags` marks is, eight bytes at a time
/// in a `u64`: most values are a few bytes long, which `memchr` spends more on setting up
/// than on searching. `flags` sets the top bit of each byte of a word it marks; a flag
/// above a true one may be wrong (a borrow runs on), so only the lowest counts. `is`
/// marks one byte the same way, for the tail shorter than a word.
#[inline]
pub fn first_marked(
    buf: &[u8],
    from: usize,
    flags: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut i = from;
    while let Some(word) = buf.get(i..i + 8) {
        let m = flags(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    buf.get(i..)?.iter().position(|b| is(*b)).map(|k| i + k)
}

/// The flags for [`first_marked`] of the bytes of `word` below `limit` (at most 0x80):
/// `below(word ^ spread(c), 1)` marks the bytes equal to `c`.
#[inline]
pub const fn below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(spread(limit)) & !word & spread(0x80)
}

/// `c` in every byte of a word.
#[inline]
pub const fn spread(c: u8) -> u64 {
    0x0101_0101_0101_0101 * c as u64
}
