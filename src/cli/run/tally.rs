//! Counting what `run` decided: each thread's outcomes by number, a chunk's counts apart
//! from the rest until they are settled in file order, and `--max-invalid` checked there.

use super::Ctx;
use crate::check::RuleSet;
use crate::decide::reference::RuleTrace;
use crate::decide::{Found, Outcomes, Scratch, decide_raw_id};
use crate::input::{FatalError, RawFields};
use crate::output::{Encoder, Record, Summary};

/// What one thread decided: the outcomes it met, numbered, and how many orders of the
/// chunk being read got each. A chunk's counts are settled (`Limit::settle`) once it is
/// known to have been read from where a record starts, and added up into the run's
/// summary at the end.
pub(super) struct Tally {
    pub(super) outcomes: Outcomes,
    pub(super) counts: Counts,
}

/// How many orders got each outcome, by its number in one thread's `Outcomes`, the
/// summary of those with bad input, and for `--max-invalid` what was bad about them.
pub(super) struct Counts {
    /// By outcome number; zero for those not counted.
    by_outcome: Vec<u64>,
    /// The outcome numbers counted, each once: a chunk's counts are added up and
    /// cleared over these alone, as a rule file of thousands of rules can have tens of
    /// thousands of outcomes and a chunk of a few thousand orders meets few of them.
    counted: Vec<u32>,
    pub(super) invalid: Summary,
    /// Each bad order's error, in order, as many as `--max-invalid` might name.
    pub(super) bad: Vec<String>,
}

impl Counts {
    pub(super) fn new(set: &RuleSet) -> Self {
        Counts {
            by_outcome: Vec::new(),
            counted: Vec::new(),
            invalid: Summary::new(set),
            bad: Vec::new(),
        }
    }

    /// Counts `n` more orders of outcome `id`.
    #[inline]
    fn add(&mut self, id: u32, n: u64) {
        let i = id as usize;
        if self.by_outcome.len() <= i {
            self.by_outcome.resize(i + 1, 0);
        }
        if self.by_outcome[i] == 0 {
            self.counted.push(id);
        }
        self.by_outcome[i] += n;
    }

    /// Adds `other`'s counts to these and empties it, to count another chunk.
    pub(super) fn absorb(&mut self, other: &mut Counts) {
        for id in other.counted.drain(..) {
            let n = std::mem::take(&mut other.by_outcome[id as usize]);
            self.add(id, n);
        }
        if other.invalid.orders > 0 {
            self.invalid.absorb(&mut other.invalid);
        }
        other.bad.clear();
    }

    /// Back to no orders, as if none were counted.
    pub(super) fn clear(&mut self) {
        for id in self.counted.drain(..) {
            self.by_outcome[id as usize] = 0;
        }
        if self.invalid.orders > 0 {
            self.invalid.clear();
        }
        self.bad.clear();
    }
}

/// `--max-invalid` over the whole run: the orders with bad input so far, counted chunk
/// by chunk in file order, so that the order named is the one at which the count passed
/// the limit, however many threads read the chunks.
pub(super) struct Limit {
    max: Option<u64>,
    seen: u64,
}

impl Limit {
    pub(super) fn new(max: Option<u64>) -> Self {
        Limit { max, seen: 0 }
    }

    /// Checks a chunk's bad orders against the limit, then adds its counts to `into`.
    pub(super) fn settle(
        &mut self,
        chunk: &mut Counts,
        into: &mut Counts,
    ) -> Result<(), FatalError> {
        let n = chunk.invalid.invalid;
        if let Some(max) = self.max.filter(|max| self.seen + n > *max) {
            let latest = &chunk.bad[(max - self.seen) as usize];
            return Err(FatalError {
                message: format!(
                    "stopped: more than {max} orders have bad input (--max-invalid {max}); the latest: {latest}"
                ),
                help: Some("is the export of the format the rules expect? Reading it through a profile (--profile) may be what is missing".into()),
            });
        }
        self.seen += n;
        into.absorb(chunk);
        Ok(())
    }
}

impl Tally {
    /// Decides an order from its raw text, counts it and encodes its record onto `out`;
    /// `false` (nothing done) when a value is bad. `found`: see `decide_raw_id`.
    pub(super) fn decide_raw(
        &mut self,
        ctx: &Ctx<'_>,
        src: &impl RawFields,
        found: Found,
        s: &mut Scratch,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) -> bool {
        let Some(id) = decide_raw_id(ctx.set, ctx.tree, src, found, s, &mut self.outcomes) else {
            return false;
        };
        self.decided(id, src.text_bytes(ctx.set.key), None, encoder, out);
        true
    }

    /// Counts an order that got outcome `id` and encodes its record onto `out`. Always
    /// inlined: as a call of its own it cost 26 instructions an order more.
    #[inline(always)]
    pub(super) fn decided(
        &mut self,
        id: u32,
        key: &[u8],
        explain: Option<&[RuleTrace]>,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) {
        self.counts.add(id, 1);
        let rec = Record {
            key,
            result: Ok(self.outcomes.get(id)),
            explain,
        };
        encoder.record(&rec, Some(id), out);
    }

    pub(super) fn add_to(mut self, set: &RuleSet, total: &mut Summary) {
        total.absorb(&mut self.counts.invalid);
        let mut one = Summary::new(set);
        for (id, outcome) in self.outcomes.iter() {
            let n = self
                .counts
                .by_outcome
                .get(id as usize)
                .copied()
                .unwrap_or(0);
            if n > 0 {
                total.add_times(outcome, n, &mut one);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn counts() -> Counts {
        let text = std::fs::read_to_string("rules/crossborder-pets.rules").expect("the example");
        let set = crate::load(&Source::new("pets", text)).expect("a clean rule file");
        Counts::new(&set)
    }

    fn of(c: &Counts) -> Vec<(usize, u64)> {
        (0..c.by_outcome.len())
            .filter(|i| c.by_outcome[*i] > 0)
            .map(|i| (i, c.by_outcome[i]))
            .collect()
    }

    /// A chunk's counts move whole into the run's and leave it counting nothing, over
    /// outcome numbers far apart (a large rule file's), and a chunk cleared because it
    /// is read again counts nothing either.
    #[test]
    fn a_chunks_counts_move_whole_and_clear_to_nothing() {
        let (mut run, mut chunk) = (counts(), counts());
        for id in [70_000, 3, 70_000, 12, 3, 70_000] {
            chunk.add(id, 1);
        }
        run.absorb(&mut chunk);
        assert_eq!(of(&run), [(3, 2), (12, 1), (70_000, 3)]);
        assert_eq!(of(&chunk), []);
        chunk.add(12, 1);
        chunk.add(5, 1);
        chunk.clear();
        chunk.add(3, 1);
        run.absorb(&mut chunk);
        assert_eq!(of(&run), [(3, 3), (12, 1), (70_000, 3)]);
        assert_eq!(of(&chunk), []);
    }
}
