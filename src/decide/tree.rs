//! Walking the compiled tree for one order. No allocation unless a residual leaf is hit.

use std::borrow::Cow;

use super::{Order, Outcome, decide_one, resolve_split};
use crate::check::{Policy, RuleId, RuleSet};
use crate::compile::domain::Atom;
use crate::compile::{Node, Tree};

/// Per-order working memory, reused from order to order.
pub struct Scratch {
    cells: Vec<u32>,
    done: Vec<bool>,
    bits: Vec<u64>,
    offsets: Vec<usize>,
    /// Rules emitted along the path: they add values to `all` decisions.
    emitted: Vec<RuleId>,
}

impl Scratch {
    pub fn new(tree: &Tree) -> Self {
        let (offsets, words) = tree.bit_layout();
        Scratch {
            cells: vec![0; tree.domains.len()],
            done: vec![false; tree.domains.len()],
            bits: vec![0; words],
            offsets,
            emitted: Vec::new(),
        }
    }

    /// Classifies a field the first time it is asked for; each field is examined once.
    fn view(&mut self, tree: &Tree, order: &Order<'_>, field: usize) {
        if self.done[field] {
            return;
        }
        let domain = &tree.domains[field];
        let start = self.offsets[field];
        let words = &mut self.bits[start..start + (domain.nbits() as usize).div_ceil(64)];
        words.fill(0);
        self.cells[field] = domain.classify(&order.values[field], words);
        self.done[field] = true;
    }

    fn bit(&self, field: usize, bit: u32) -> bool {
        let w = self.bits[self.offsets[field] + (bit / 64) as usize];
        w & (1 << (bit % 64)) != 0
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
    s.done.fill(false);
    s.emitted.clear();
    let mut edge = tree.root;
    loop {
        s.emitted.extend_from_slice(&tree.emits[edge.emit as usize]);
        match tree.node(edge.node) {
            Node::Switch { field, targets } => {
                s.view(tree, order, *field);
                edge = targets[s.cells[*field] as usize];
            }
            Node::Bit {
                field,
                bit,
                yes,
                no,
            } => {
                s.view(tree, order, *field);
                edge = if s.bit(*field, *bit) { *yes } else { *no };
            }
            Node::Leaf(o) => {
                let leaf = &tree.outcomes[*o as usize];
                if s.emitted.is_empty() {
                    return Cow::Borrowed(leaf);
                }
                s.emitted.sort_unstable();
                let mut outcome = leaf.clone();
                for (d, dec) in set.decisions.iter().enumerate() {
                    if dec.policy == Policy::All {
                        outcome.decisions[d] = decide_one(set, d, &s.emitted);
                    }
                }
                return Cow::Owned(outcome);
            }
            Node::Residual(r) => {
                let res = &tree.residuals[*r as usize];
                let mut matched = res.matched.clone();
                for (rule, f) in &res.live {
                    let hit = tree.arena.eval(*f, &mut |a| match &tree.atoms[a as usize] {
                        Atom::Cells(field, cells) => {
                            s.view(tree, order, *field);
                            cells[s.cells[*field] as usize]
                        }
                        Atom::Bit(field, bit) => {
                            s.view(tree, order, *field);
                            s.bit(*field, *bit)
                        }
                    });
                    if hit {
                        matched.push(*rule);
                        s.emitted.push(*rule);
                    }
                }
                matched.sort_unstable();
                s.emitted.sort_unstable();
                // Emitted rules count for `all` decisions, matched ones for the others;
                // `resolve_split` reads each decision from its own list.
                return Cow::Owned(resolve_split(set, &matched, &s.emitted));
            }
        }
    }
}
