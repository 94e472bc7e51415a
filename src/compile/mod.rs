//! Stage 3: rule set → decision tree, a flat table of nodes indexed by [`NodeId`].
//!
//! Each field of an order is classified once into a cell (and a few bits) by its
//! [`domain::Domain`]; nodes then only index tables. See `build.rs` for how the tree is
//! grown and bounded, `emit.rs` for how it is printed, `plan.rs` for how it is laid out
//! for the walk.

mod build;
pub mod domain;
mod emit;
mod find;
pub mod formula;
pub mod lower;
pub mod plan;

pub use emit::{to_dot, to_text};

use crate::check::{FieldId, RuleId, RuleSet};
use crate::decide::Outcome;
use domain::{Atom, Domain};
use formula::{Arena, F};

pub type NodeId = u32;

/// How much work (live rules summed over branching nodes) building a tree may take
/// before the rest is decided rule by rule. Rule sets whose rules exclude each other
/// (region × channel × tier × amount band) need far less: 10,000 such rules take about
/// 50,000; independent `all` rules are what reach it.
pub const DEFAULT_BUDGET: usize = 1_000_000;

/// A step to a node, emitting the rules (into `Tree::emits`; 0 is none) that became true
/// on the way and add values to `all` decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub node: NodeId,
    pub emit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Follow the edge of the field's cell.
    Switch {
        field: FieldId,
        targets: Box<[Edge]>,
    },
    /// Follow `yes` if the field's bit is set, else `no`.
    Bit {
        field: FieldId,
        bit: u32,
        yes: Edge,
        no: Edge,
    },
    /// Everything is decided: the outcome's `first`/`highest` decisions, and its `all`
    /// decisions as they are when no rule was emitted on the way.
    Leaf(u32),
    /// The node budget ran out here: evaluate these rules one by one.
    Residual(u32),
}

/// A state left undecided when the work budget ran out. `matched` holds rules that
/// matched for their `first`/`highest` decisions only.
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
    pub root: Edge,
    /// The nodes laid out for the walk (`plan.rs`).
    pub plan: plan::Plan,
    pub outcomes: Vec<Outcome>,
    pub residuals: Vec<Residual>,
    /// Lists of rules emitted on edges; entry 0 is the empty list.
    pub emits: Vec<Box<[RuleId]>>,
    pub budget: usize,
}

impl Tree {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }
}

/// Compiles a checked rule set with the default node budget.
pub fn compile(set: &RuleSet) -> Tree {
    compile_with_budget(set, DEFAULT_BUDGET)
}

pub fn compile_with_budget(set: &RuleSet, budget: usize) -> Tree {
    build::build(set, lower::lower(set), budget)
}
