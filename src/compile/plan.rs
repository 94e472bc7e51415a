//! The tree laid out for walking: one flat array of `u32`, nodes in depth-first order,
//! and chains of bit tests that lead to the same place merged into one test.
//!
//! `Tree::nodes` stays as built, for printing and for the analysis; only the walk reads
//! the plan. Two things make it cheaper to walk than the nodes:
//! - a node's edges sit right after it, so a step is two reads of one array instead of
//!   a jump through the node's own boxed slice of edges;
//! - `address contains any ["TBD", "TBA"]` is built as one bit test per literal, each
//!   `yes` going to the same edge. When a test's `no` leads (emitting nothing) to a test
//!   of the same field whose `yes` is that same edge, the two are one test of "any of
//!   these bits", and the order that has none of them (nearly every order) takes one
//!   step instead of one per literal.

use super::{Edge, Node, NodeId};

/// Node kinds, in the top two bits of a node's first word; the rest is its argument.
const SWITCH: u32 = 0;
const BITS: u32 = 1 << 30;
const LEAF: u32 = 2 << 30;
const RESIDUAL: u32 = 3 << 30;
const ARG: u32 = (1 << 30) - 1;
const UNPLACED: u32 = u32::MAX;

/// The walk's form of the tree. A node at offset `at` is, by kind:
/// - switch: `[SWITCH | field, edge(cell 0), edge(cell 1), ...]`;
/// - bits: `[BITS | field, word, mask low, mask high, edge(yes), edge(no)]`;
/// - leaf: `[LEAF | outcome]`; residual: `[RESIDUAL | residual]`;
///
/// where an edge is two words, the offset of the node it goes to and its emit list.
#[derive(Debug, Default)]
pub struct Plan {
    code: Vec<u32>,
    /// The edge into the root, as in the code.
    root: [u32; 2],
}

/// One step of the walk, read from the plan.
pub enum Step {
    /// Follow edge number `cell` from `edges`.
    Switch {
        field: usize,
        edges: u32,
    },
    /// Follow the first edge at `edges` if any bit of `mask` is set in word `word` of
    /// the field's bits, else the second.
    Bits {
        field: usize,
        word: usize,
        mask: u64,
        edges: u32,
    },
    Leaf(u32),
    Residual(u32),
}

/// Node `n`'s first words in the plan and the edges that follow them. A bit test takes
/// in the chain of tests below its `no` that lead where it does.
fn shape(nodes: &[Node], n: NodeId) -> (Vec<u32>, Vec<Edge>) {
    match nodes[n as usize] {
        Node::Switch { field, ref targets } => (vec![SWITCH | arg(field)], targets.to_vec()),
        Node::Bit {
            field,
            bit,
            yes,
            no,
        } => {
            let word = bit / 64;
            let (mut mask, mut no) = (1u64 << (bit % 64), no);
            while no.emit == 0 {
                match nodes[no.node as usize] {
                    Node::Bit {
                        field: f,
                        bit: b,
                        yes: y,
                        no: next,
                    } if f == field && b / 64 == word && y == yes => {
                        mask |= 1 << (b % 64);
                        no = next;
                    }
                    _ => break,
                }
            }
            let (lo, hi) = (mask as u32, (mask >> 32) as u32);
            (vec![BITS | arg(field), word, lo, hi], vec![yes, no])
        }
        Node::Leaf(o) => (vec![LEAF | arg(o as usize)], Vec::new()),
        Node::Residual(r) => (vec![RESIDUAL | arg(r as usize)], Vec::new()),
    }
}

fn arg(x: usize) -> u32 {
    u32::try_from(x)
        .ok()
        .filter(|x| *x <= ARG)
        .expect("fewer than 2^30 fields, outcomes and residuals")
}

impl Plan {
    /// Lays out the nodes reachable from `root`, in depth-first order (first edge first).
    pub fn new(nodes: &[Node], root: Edge) -> Plan {
        // Each node's offset, and its shape, in the order they are laid out.
        let mut at = vec![UNPLACED; nodes.len()];
        let (mut len, mut laid) = (0usize, Vec::new());
        let mut stack = vec![root.node];
        while let Some(n) = stack.pop() {
            if at[n as usize] != UNPLACED {
                continue;
            }
            at[n as usize] = u32::try_from(len).expect("a plan under 2^32 words");
            let (head, out) = shape(nodes, n);
            len += head.len() + 2 * out.len();
            stack.extend(out.iter().rev().map(|e| e.node));
            laid.push((head, out));
        }
        let edge = |e: Edge| [at[e.node as usize], e.emit];
        let mut code = Vec::with_capacity(len);
        for (head, out) in laid {
            code.extend(head);
            code.extend(out.into_iter().flat_map(edge));
        }
        Plan {
            root: edge(root),
            code,
        }
    }

    /// The edge into the root: where it goes and what it emits.
    #[inline]
    pub fn root(&self) -> (u32, u32) {
        (self.root[0], self.root[1])
    }

    /// Edge `k` of the list of edges at `edges`: where it goes and what it emits.
    #[inline]
    pub fn edge(&self, edges: u32, k: u32) -> (u32, u32) {
        let e = (edges + 2 * k) as usize;
        let [to, emit] = self.code[e..e + 2] else {
            unreachable!("an edge takes two words")
        };
        (to, emit)
    }

    /// The node at `at`.
    #[inline]
    pub fn step(&self, at: u32) -> Step {
        let head = self.code[at as usize];
        let a = head & ARG;
        match head & !ARG {
            SWITCH => Step::Switch {
                field: a as usize,
                edges: at + 1,
            },
            BITS => {
                // One bounds check for the three words after the head.
                let [_, word, lo, hi] = self.code[at as usize..at as usize + 4] else {
                    unreachable!("a bit test takes four words")
                };
                Step::Bits {
                    field: a as usize,
                    word: word as usize,
                    mask: u64::from(lo) | u64::from(hi) << 32,
                    edges: at + 4,
                }
            }
            LEAF => Step::Leaf(a),
            _ => Step::Residual(a),
        }
    }

    /// How many words the plan takes.
    pub fn len(&self) -> usize {
        self.code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(node: NodeId, emit: u32) -> Edge {
        Edge { node, emit }
    }

    fn bit(field: usize, bit: u32, yes: Edge, no: Edge) -> Node {
        Node::Bit {
            field,
            bit,
            yes,
            no,
        }
    }

    /// Follows the plan for fixed bits of field 0 (word 0), giving the leaf and emits.
    fn walk(plan: &Plan, bits: u64) -> (u32, Vec<u32>) {
        let (mut at, emit) = plan.root();
        let mut emits = vec![emit];
        loop {
            let (next, emit) = match plan.step(at) {
                Step::Bits { mask, edges, .. } => plan.edge(edges, u32::from(bits & mask == 0)),
                Step::Switch { edges, .. } => plan.edge(edges, 0),
                Step::Leaf(o) => return (o, emits),
                Step::Residual(_) => unreachable!(),
            };
            emits.push(emit);
            at = next;
        }
    }

    #[test]
    fn a_chain_of_tests_to_one_place_is_one_test() {
        // #3 ? -> #0 (+1) : #2; #2 ? -> #0 (+1) : #4; #4 ? -> #0 (+1) : #1.
        let nodes = vec![
            Node::Leaf(7),
            Node::Leaf(8),
            bit(0, 1, e(0, 1), e(4, 0)),
            bit(0, 0, e(0, 1), e(2, 0)),
            bit(0, 5, e(0, 1), e(1, 0)),
        ];
        let plan = Plan::new(&nodes, e(3, 0));
        let Step::Bits { mask, .. } = plan.step(plan.root().0) else {
            panic!("the root is a test");
        };
        assert_eq!(mask, 0b10_0011);
        // One test, two leaves: 4 + 2 × 2 words, and 1 each.
        assert_eq!(plan.len(), 10);
        for bits in 0..64u64 {
            let hit = bits & 0b10_0011 != 0;
            let want = if hit {
                (7, vec![0, 1])
            } else {
                (8, vec![0, 0])
            };
            assert_eq!(walk(&plan, bits), want, "bits {bits:b}");
        }
    }

    #[test]
    fn tests_that_emit_on_the_way_or_lead_elsewhere_stay_apart() {
        let nodes = vec![
            Node::Leaf(7),
            Node::Leaf(8),
            // The `no` edge emits: merging would lose the emit when bit 1 is set.
            bit(0, 1, e(0, 1), e(1, 0)),
            bit(0, 0, e(0, 1), e(2, 3)),
        ];
        let plan = Plan::new(&nodes, e(3, 0));
        assert_eq!(walk(&plan, 0b10), (7, vec![0, 3, 1]));
        assert_eq!(walk(&plan, 0b01), (7, vec![0, 1]));
        assert_eq!(walk(&plan, 0), (8, vec![0, 3, 0]));
    }
}
