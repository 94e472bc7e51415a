//! Stage 3: rule set → decision tree, a flat table of nodes indexed by [`NodeId`].
//!
//! Each field of an order is classified once into a cell (and a few bits) by its
//! [`domain::Domain`]; nodes then only index tables. See `build.rs` for how the tree is
//! grown and bounded, `emit.rs` for how it is printed.

mod build;
pub mod domain;
mod emit;
pub mod formula;

pub use emit::{to_dot, to_text};

use crate::check::{FieldId, RuleId, RuleSet};
use crate::decide::Outcome;
use domain::{Atom, Domain};
use formula::{Arena, F};

pub type NodeId = u32;

/// How many nodes a tree may have before the rest is decided rule by rule.
pub const DEFAULT_BUDGET: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Go to the target of the field's cell.
    Switch {
        field: FieldId,
        targets: Box<[NodeId]>,
    },
    /// Go to `yes` if the field's bit is set, else to `no`.
    Bit {
        field: FieldId,
        bit: u32,
        yes: NodeId,
        no: NodeId,
    },
    /// Everything is decided.
    Leaf(u32),
    /// The node budget ran out here: evaluate these rules one by one.
    Residual(u32),
}

/// A state left undecided when the node budget ran out.
#[derive(Debug, Clone)]
pub struct Residual {
    pub matched: Vec<RuleId>,
    pub live: Vec<(RuleId, F)>,
}

pub struct Tree {
    pub domains: Vec<Domain>,
    pub atoms: Vec<Atom>,
    pub arena: Arena,
    /// Each rule's condition as a formula over `atoms`.
    pub formulas: Vec<F>,
    pub nodes: Vec<Node>,
    pub root: NodeId,
    pub outcomes: Vec<Outcome>,
    pub residuals: Vec<Residual>,
    pub budget: usize,
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Where each field's bits start in a flat bit buffer, and the buffer's length in words.
    pub fn bit_layout(&self) -> (Vec<usize>, usize) {
        let mut offsets = Vec::with_capacity(self.domains.len());
        let mut words = 0;
        for d in &self.domains {
            offsets.push(words);
            words += (d.nbits() as usize).div_ceil(64);
        }
        (offsets, words)
    }
}

/// Compiles a checked rule set with the default node budget.
pub fn compile(set: &RuleSet) -> Tree {
    compile_with_budget(set, DEFAULT_BUDGET)
}

pub fn compile_with_budget(set: &RuleSet, budget: usize) -> Tree {
    build::build(set, domain::domains(set), budget)
}
