//! Building the decision tree by splitting on one field's cells at a time.
//!
//! A state is what is still undecided: the rules known to match, and for the rest their
//! conditions with the fields examined so far substituted. Branching on a field's cells
//! substitutes its atoms; rules whose condition becomes true move to `matched`, false ones
//! drop out. A rule's values for an `all` decision do not depend on any other rule, so
//! they are not part of the state: the edge on which the rule becomes true *emits* it,
//! and independent flag rules make a chain, not an exponential tree. Rules that can no
//! longer change any decision are pruned (an earlier `first` rule matched, a higher
//! `highest` value matched), so states that differ only in them meet, and equal states
//! share one node. The budget counts work (the live rules of each
//! branching node); past it, a state becomes a residual leaf that finishes the job rule
//! by rule, so neither the tree nor its compile time ever explodes.

use rustc_hash::FxHashMap as HashMap;

use super::formula::{AtomId, F, FALSE, TRUE};
use super::lower::{Lowered, Split};
use super::plan::Plan;
use super::{Edge, Node, NodeId, Residual, Tree};
use crate::check::{Policy, RuleId, RuleSet};
use crate::decide::{Outcome, resolve_split};

#[derive(Clone, PartialEq, Eq, Hash)]
struct State {
    matched: Vec<RuleId>,
    live: Vec<(RuleId, F)>,
}

struct Builder<'s> {
    set: &'s RuleSet,
    lw: Lowered,
    nodes: Vec<Node>,
    memo: HashMap<State, NodeId>,
    outcomes: Vec<Outcome>,
    outcome_ids: HashMap<Outcome, u32>,
    residuals: Vec<Residual>,
    emits: Vec<Box<[RuleId]>>,
    emit_ids: HashMap<Vec<RuleId>, u32>,
    /// Per rule: whether it sets a `first`/`highest` decision, and an `all` one.
    ranked: Vec<bool>,
    flags: Vec<bool>,
    budget: usize,
    /// Work done so far: the live rules of every branching node, summed.
    work: usize,
}

pub fn build(set: &RuleSet, lw: Lowered, budget: usize) -> Tree {
    let mut b = Builder {
        set,
        lw,
        nodes: Vec::new(),
        memo: HashMap::default(),
        outcomes: Vec::new(),
        outcome_ids: HashMap::default(),
        residuals: Vec::new(),
        emits: vec![Box::default()],
        emit_ids: [(Vec::new(), 0)].into_iter().collect::<HashMap<_, _>>(),
        ranked: set
            .rules
            .iter()
            .map(|r| {
                r.actions
                    .iter()
                    .any(|a| set.decisions[a.decision].policy != Policy::All)
            })
            .collect(),
        flags: set
            .rules
            .iter()
            .map(|r| {
                r.actions
                    .iter()
                    .any(|a| set.decisions[a.decision].policy == Policy::All)
            })
            .collect(),
        budget,
        work: 0,
    };
    let start = State {
        matched: Vec::new(),
        live: b.lw.formulas.iter().copied().enumerate().collect(),
    };
    let root = b.edge(start);
    Tree {
        domains: b.lw.domains,
        atoms: b.lw.atoms,
        arena: b.lw.arena,
        formulas: b.lw.formulas,
        plan: Plan::new(&b.nodes, root),
        nodes: b.nodes,
        root,
        outcomes: b.outcomes,
        residuals: b.residuals,
        emits: b.emits,
        budget,
    }
}

impl Builder<'_> {
    /// Moves decided rules out of `live` (returning those that emit `all` values) and
    /// drops the rules that can no longer matter.
    fn settle(&self, st: State) -> (State, Vec<RuleId>) {
        let mut matched = st.matched;
        let mut live = Vec::with_capacity(st.live.len());
        let mut emitted = Vec::new();
        for (r, f) in st.live {
            match f {
                TRUE => {
                    if self.flags[r] {
                        emitted.push(r);
                    }
                    if self.ranked[r] {
                        matched.push(r);
                    }
                }
                FALSE => {}
                _ => live.push((r, f)),
            }
        }
        matched.sort_unstable();
        // The best matched rule per decision: the first for `first`, the highest for `highest`.
        let set = self.set;
        let best: Vec<Option<(usize, RuleId)>> = set
            .decisions
            .iter()
            .enumerate()
            .map(|(d, dec)| {
                matched
                    .iter()
                    .filter_map(|&r| set.rules[r].sets(d).next().map(|v| (dec.policy.rank(v), r)))
                    .min_by_key(|(rank, r)| (std::cmp::Reverse(*rank), *r))
            })
            .collect();
        // Whether a rule's `first`/`highest` values could still win.
        let ranked_matters = |r: RuleId| {
            set.rules[r].actions.iter().any(|a| {
                let dec = &set.decisions[a.decision];
                match (&dec.policy, best[a.decision]) {
                    (Policy::All, _) => false,
                    (_, None) => true,
                    (Policy::First, Some((_, b))) => b >= r,
                    (Policy::Highest(_), Some((rank, b))) => {
                        let mine = dec.policy.rank(&a.value);
                        mine > rank || (mine == rank && b >= r)
                    }
                }
            })
        };
        matched.retain(|r| ranked_matters(*r));
        live.retain(|(r, _)| self.flags[*r] || ranked_matters(*r));
        (State { matched, live }, emitted)
    }

    /// The edge into a state: its node, and the rules the step into it emitted.
    fn edge(&mut self, st: State) -> Edge {
        let (st, mut emitted) = self.settle(st);
        emitted.sort_unstable();
        let next = u32::try_from(self.emits.len()).expect("fewer than 2^32 emit lists");
        let emit = *self.emit_ids.entry(emitted.clone()).or_insert(next);
        if emit == next {
            self.emits.push(emitted.into());
        }
        Edge {
            node: self.node(st),
            emit,
        }
    }

    fn node(&mut self, st: State) -> NodeId {
        if let Some(id) = self.memo.get(&st) {
            return *id;
        }
        let node = if st.live.is_empty() {
            // `all` decisions show their defaults here; emitted rules replace them.
            let outcome = resolve_split(self.set, &st.matched, &[]);
            let next = u32::try_from(self.outcomes.len()).expect("fewer than 2^32 outcomes");
            let id = *self.outcome_ids.entry(outcome.clone()).or_insert(next);
            if id == next {
                self.outcomes.push(outcome);
            }
            Node::Leaf(id)
        } else if self.work >= self.budget {
            self.residuals.push(Residual {
                matched: st.matched.clone(),
                live: st.live.clone(),
            });
            Node::Residual(
                u32::try_from(self.residuals.len() - 1).expect("fewer than 2^32 residuals"),
            )
        } else {
            self.work += st.live.len();
            self.branch(&st)
        };
        let id = NodeId::try_from(self.nodes.len()).expect("fewer than 2^32 nodes");
        self.nodes.push(node);
        self.memo.insert(st, id);
        id
    }

    fn branch(&mut self, st: &State) -> Node {
        let split = self.lw.split(st.live.iter().map(|(_, f)| *f));
        match split.expect("live rules still ask about some atom") {
            Split::Cells(field) => {
                let ncells = self.lw.domains[field].ncells;
                let targets = (0..ncells)
                    .map(|cell| {
                        let values = self.lw.cell_values(field, cell);
                        let next = self.step(st, &|a| values.get(&a).copied());
                        self.edge(next)
                    })
                    .collect();
                Node::Switch { field, targets }
            }
            Split::Bit(field, atom, bit) => {
                let yes = self.step(st, &|a| (a == atom).then_some(true));
                let yes = self.edge(yes);
                let no = self.step(st, &|a| (a == atom).then_some(false));
                let no = self.edge(no);
                Node::Bit {
                    field,
                    bit,
                    yes,
                    no,
                }
            }
        }
    }

    fn step(&mut self, st: &State, value: &dyn Fn(AtomId) -> Option<bool>) -> State {
        let mut memo = HashMap::default();
        let live = st
            .live
            .iter()
            .map(|(r, f)| (*r, self.lw.arena.subst(*f, value, &mut memo)))
            .collect();
        State {
            matched: st.matched.clone(),
            live,
        }
    }
}
