//! Walking the compiled tree for one order. No allocation once an order's outcome has
//! been met before (see [`Outcomes`]).

use rustc_hash::FxHashMap;
use std::borrow::Cow;

use super::{Order, Outcome, decide_one, resolve_split};
use crate::check::{Policy, RuleId, RuleSet};
use crate::compile::Tree;
use crate::compile::domain::{Atom, Domain};
use crate::compile::plan::Step;

/// Per-order working memory, reused from order to order.
pub struct Scratch {
    /// Every field's cell, found before the walk starts (one look-up each).
    pub(super) cells: Vec<u32>,
    /// Per field, where its bits are and for which order they were worked out.
    at: Vec<BitsAt>,
    order: u32,
    bits: Vec<u64>,
    /// Rules emitted along the path: they add values to `all` decisions.
    emitted: Vec<RuleId>,
    /// Rules that matched at a residual leaf.
    hits: Vec<RuleId>,
}

/// Where a field's bits are in [`Scratch::bits`], and whether they are this order's: a
/// field's bits are worked out for an order when `done` equals its number, as they cost
/// a scan of the text, so only the fields the walk asks about pay it. One entry per
/// field, so that asking costs one bounds check.
#[derive(Clone, Copy)]
struct BitsAt {
    start: usize,
    words: usize,
    done: u32,
    /// Whether every bit of the field is set by a literal that its presence search
    /// looks for: when that search found none ([`Bits::absent`]), all are clear.
    covered: bool,
}

/// Where the walk gets a field's bits (`contains`, `starts with`, `matches`, `has`)
/// from: a typed order, or the raw text of a record.
pub(super) trait Bits {
    /// Sets the bits of the domain's field in `words` (cleared).
    fn bits(&self, domain: &Domain, words: &mut [u64]);

    /// Whether a search over several orders (`decide::Ahead`) found none of the literals
    /// the field's `Domain::presence` looks for in this one's text.
    #[inline]
    fn absent(&self, _field: usize) -> bool {
        false
    }
}

impl Bits for Order<'_> {
    fn bits(&self, domain: &Domain, words: &mut [u64]) {
        domain.bits(&self.values[domain.field], words);
    }
}

impl Scratch {
    pub fn new(tree: &Tree) -> Self {
        let mut at = Vec::with_capacity(tree.domains.len());
        let mut start = 0;
        for d in &tree.domains {
            let words = d.words();
            at.push(BitsAt {
                start,
                words,
                done: 0,
                covered: d.presence_covers_all(),
            });
            start += words;
        }
        Scratch {
            cells: vec![0; tree.domains.len()],
            at,
            order: 0,
            bits: vec![0; start],
            emitted: Vec::new(),
            hits: Vec::new(),
        }
    }

    /// Starts on a typed order: its cells.
    fn load(&mut self, tree: &Tree, order: &Order<'_>) {
        self.next_order();
        for ((cell, d), v) in self.cells.iter_mut().zip(&tree.domains).zip(&order.values) {
            *cell = d.cell(v);
        }
    }

    /// Forgets the bits of the last order.
    pub(super) fn next_order(&mut self) {
        self.order = self.order.wrapping_add(1);
        if self.order == 0 {
            self.at.iter_mut().for_each(|a| a.done = 0);
            self.order = 1;
        }
    }

    /// Whether the field's bit is set, working out the field's bits the first time.
    #[inline]
    fn bit(&mut self, tree: &Tree, src: &(impl Bits + ?Sized), field: usize, bit: u32) -> bool {
        self.word(tree, src, field, (bit / 64) as usize) & (1 << (bit % 64)) != 0
    }

    /// Word `word` of the field's bits, working them out the first time.
    #[inline]
    fn word(&mut self, tree: &Tree, src: &(impl Bits + ?Sized), field: usize, word: usize) -> u64 {
        let at = self.at[field];
        if at.done != self.order {
            // Not worked out, and not marked done either: asking again costs no more.
            if at.covered && src.absent(field) {
                return 0;
            }
            self.find_bits(tree, src, field, at);
        }
        self.bits[at.start + word]
    }

    #[inline(never)]
    fn find_bits(&mut self, tree: &Tree, src: &(impl Bits + ?Sized), field: usize, at: BitsAt) {
        // Marked first, so that the scan is the last thing done: nothing is kept across it.
        self.at[field].done = self.order;
        let words = &mut self.bits[at.start..at.start + at.words];
        // Most fields have one word of bits: a store, not a call to `memset`.
        match words {
            [w] => *w = 0,
            _ => words.fill(0),
        }
        src.bits(&tree.domains[field], words);
    }
}

/// Where a walk down the tree ended.
enum End {
    Leaf(u32),
    /// The residual, and the rules that matched there (in `live` order), in `s.hits`.
    Residual(u32),
}

/// Walks the tree (its plan) for one order whose cells are loaded, collecting the rules
/// emitted on the way in `s.emitted`.
fn walk(tree: &Tree, src: &(impl Bits + ?Sized), s: &mut Scratch) -> End {
    s.emitted.clear();
    let plan = &tree.plan;
    let (mut at, mut emit) = plan.root();
    loop {
        if emit != 0 {
            s.emitted.extend_from_slice(&tree.emits[emit as usize]);
        }
        (at, emit) = match plan.step(at) {
            Step::Switch { field, edges } => plan.edge(edges, s.cells[field]),
            Step::Bits {
                field,
                word,
                mask,
                edges,
            } => plan.edge(edges, u32::from(s.word(tree, src, field, word) & mask == 0)),
            Step::Leaf(o) => return End::Leaf(o),
            Step::Residual(r) => {
                s.hits.clear();
                for (rule, f) in &tree.residuals[r as usize].live {
                    let hit = tree.arena.eval(*f, &mut |a| match &tree.atoms[a as usize] {
                        Atom::Cells(field, cells) => cells[s.cells[*field] as usize],
                        Atom::Bit(field, bit) => s.bit(tree, src, *field, *bit),
                    });
                    if hit {
                        s.hits.push(*rule);
                    }
                }
                return End::Residual(r);
            }
        };
    }
}

/// The outcome a walk ended in, built afresh (the leaf's own outcome when nothing was
/// emitted on the way is borrowed by [`decide`] instead).
fn resolve_end(set: &RuleSet, tree: &Tree, end: &End, s: &Scratch) -> Outcome {
    let mut emitted = s.emitted.clone();
    match end {
        End::Leaf(o) => {
            emitted.sort_unstable();
            let mut outcome = tree.outcomes[*o as usize].clone();
            for (d, dec) in set.decisions.iter().enumerate() {
                if dec.policy == Policy::All {
                    outcome.decisions[d] = decide_one(set, d, &emitted);
                }
            }
            outcome
        }
        End::Residual(r) => {
            let mut matched = tree.residuals[*r as usize].matched.clone();
            matched.extend_from_slice(&s.hits);
            emitted.extend_from_slice(&s.hits);
            matched.sort_unstable();
            emitted.sort_unstable();
            // Emitted rules count for `all` decisions, matched ones for the others;
            // `resolve_split` reads each decision from its own list.
            resolve_split(set, &matched, &emitted)
        }
    }
}

/// Decides one order with the compiled tree. Borrows the leaf's outcome unless rules
/// on the path added values to `all` decisions.
pub fn decide<'t>(
    set: &RuleSet,
    tree: &'t Tree,
    order: &Order<'_>,
    s: &mut Scratch,
) -> Cow<'t, Outcome> {
    s.load(tree, order);
    walked(set, tree, order, s)
}

/// Walks the tree for an order whose cells are loaded.
pub(super) fn walked<'t>(
    set: &RuleSet,
    tree: &'t Tree,
    src: &(impl Bits + ?Sized),
    s: &mut Scratch,
) -> Cow<'t, Outcome> {
    let end = walk(tree, src, s);
    match end {
        End::Leaf(o) if s.emitted.is_empty() => Cow::Borrowed(&tree.outcomes[o as usize]),
        _ => Cow::Owned(resolve_end(set, tree, &end, s)),
    }
}

/// The outcomes met so far, each once, numbered in the order they turned up.
///
/// An outcome is fixed by where the walk ended and the rules that fired on the way, so
/// that is its key: an outcome met a million times is resolved once, and whoever keys
/// its work on the number (the output writers, the summary) does that work once too.
#[derive(Default)]
pub struct Outcomes {
    /// By leaf, the number of its outcome when nothing was emitted on the way; the
    /// usual case, found without hashing. `NONE` until met.
    plain: Vec<u32>,
    ids: FxHashMap<Box<[u64]>, u32>,
    key: Vec<u64>,
    list: Vec<Outcome>,
}

const NONE: u32 = u32::MAX;

impl Outcomes {
    fn add(&mut self, outcome: Outcome) -> u32 {
        let id = u32::try_from(self.list.len())
            .ok()
            .filter(|id| *id != NONE)
            .expect("fewer than 2^32 - 1 outcomes");
        self.list.push(outcome);
        id
    }

    pub fn get(&self, id: u32) -> &Outcome {
        &self.list[id as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every outcome with its number.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Outcome)> {
        (0..).zip(&self.list)
    }
}

const LEAF: u64 = 1 << 62;
const RESIDUAL: u64 = 1 << 63;

/// Decides one order with the compiled tree, as the number of its outcome in `seen`.
pub fn decide_id(
    set: &RuleSet,
    tree: &Tree,
    order: &Order<'_>,
    s: &mut Scratch,
    seen: &mut Outcomes,
) -> u32 {
    s.load(tree, order);
    walked_id(set, tree, order, s, seen)
}

/// Walks the tree for an order whose cells are loaded, as the number of its outcome.
pub(super) fn walked_id(
    set: &RuleSet,
    tree: &Tree,
    src: &(impl Bits + ?Sized),
    s: &mut Scratch,
    seen: &mut Outcomes,
) -> u32 {
    let end = walk(tree, src, s);
    if let End::Leaf(o) = end
        && s.emitted.is_empty()
    {
        let known = seen.plain.get(o as usize).copied().unwrap_or(NONE);
        if known != NONE {
            return known;
        }
        let id = seen.add(resolve_end(set, tree, &end, s));
        if seen.plain.len() <= o as usize {
            seen.plain.resize(o as usize + 1, NONE);
        }
        seen.plain[o as usize] = id;
        return id;
    }
    let key = &mut seen.key;
    key.clear();
    key.extend(s.emitted.iter().map(|r| *r as u64));
    match end {
        End::Leaf(o) => key.push(LEAF | u64::from(o)),
        End::Residual(r) => {
            key.push(RESIDUAL | u64::from(r));
            key.extend(s.hits.iter().map(|r| *r as u64));
        }
    }
    if let Some(id) = seen.ids.get(&key[..]) {
        return *id;
    }
    let key: Box<[u64]> = key[..].into();
    let id = seen.add(resolve_end(set, tree, &end, s));
    seen.ids.insert(key, id);
    id
}
