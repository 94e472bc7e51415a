//! Counting what `run` decided: each thread's outcomes by number, a chunk's counts apart
//! from the rest until they are settled in file order, and `--max-invalid` checked there.

use super::Ctx;
use crate::check::RuleSet;
use crate::decide::reference::RuleTrace;
use crate::decide::{Outcomes, Scratch, decide_raw_id};
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
    by_outcome: Vec<u64>,
    pub(super) invalid: Summary,
    /// Each bad order's error, in order, as many as `--max-invalid` might name.
    pub(super) bad: Vec<String>,
}

impl Counts {
    pub(super) fn new(set: &RuleSet) -> Self {
        Counts {
            by_outcome: Vec::new(),
            invalid: Summary::new(set),
            bad: Vec::new(),
        }
    }

    /// Adds `other`'s counts to these and empties it, to count another chunk.
    pub(super) fn absorb(&mut self, other: &mut Counts) {
        if self.by_outcome.len() < other.by_outcome.len() {
            self.by_outcome.resize(other.by_outcome.len(), 0);
        }
        for (into, n) in self.by_outcome.iter_mut().zip(other.by_outcome.drain(..)) {
            *into += n;
        }
        if other.invalid.orders > 0 {
            self.invalid.absorb(&mut other.invalid);
        }
        other.bad.clear();
    }

    /// Back to no orders, as if none were counted.
    pub(super) fn clear(&mut self) {
        self.by_outcome.clear();
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
    /// `false` (nothing done) when a value is bad.
    pub(super) fn decide_raw(
        &mut self,
        ctx: &Ctx<'_>,
        src: &impl RawFields,
        s: &mut Scratch,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) -> bool {
        let Some(id) = decide_raw_id(ctx.set, ctx.tree, src, s, &mut self.outcomes) else {
            return false;
        };
        self.decided(id, src.text_bytes(ctx.set.key), None, encoder, out);
        true
    }

    /// Counts an order that got outcome `id` and encodes its record onto `out`.
    pub(super) fn decided(
        &mut self,
        id: u32,
        key: &[u8],
        explain: Option<&[RuleTrace]>,
        encoder: &mut dyn Encoder,
        out: &mut Vec<u8>,
    ) {
        let counts = &mut self.counts.by_outcome;
        if counts.len() <= id as usize {
            counts.resize(id as usize + 1, 0);
        }
        counts[id as usize] += 1;
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
