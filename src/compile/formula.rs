//! Rule conditions as hash-consed boolean formulas over atoms.
//!
//! Interning makes equal formulas share one id, so the compiler can tell cheaply when two
//! partial evaluations leave the same question, and share the subtree that answers it.

use rustc_hash::FxHashMap as HashMap;

/// An interned formula.
pub type F = u32;
pub type AtomId = u32;

pub const TRUE: F = 0;
pub const FALSE: F = 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node {
    True,
    False,
    Atom(AtomId),
    Not(F),
    And(Box<[F]>),
    Or(Box<[F]>),
}

pub struct Arena {
    nodes: Vec<Node>,
    ids: HashMap<Node, F>,
}

impl Default for Arena {
    fn default() -> Self {
        let mut a = Arena {
            nodes: Vec::new(),
            ids: HashMap::default(),
        };
        a.intern(Node::True);
        a.intern(Node::False);
        a
    }
}

impl Arena {
    pub fn node(&self, f: F) -> &Node {
        &self.nodes[f as usize]
    }

    fn intern(&mut self, n: Node) -> F {
        if let Some(id) = self.ids.get(&n) {
            return *id;
        }
        let id = F::try_from(self.nodes.len()).expect("fewer than 2^32 formulas");
        self.nodes.push(n.clone());
        self.ids.insert(n, id);
        id
    }

    pub fn atom(&mut self, a: AtomId) -> F {
        self.intern(Node::Atom(a))
    }

    pub fn not(&mut self, f: F) -> F {
        match self.node(f) {
            Node::True => FALSE,
            Node::False => TRUE,
            Node::Not(inner) => *inner,
            _ => self.intern(Node::Not(f)),
        }
    }

    pub fn and(&mut self, parts: impl IntoIterator<Item = F>) -> F {
        self.junction(parts, true)
    }

    pub fn or(&mut self, parts: impl IntoIterator<Item = F>) -> F {
        self.junction(parts, false)
    }

    /// `and` (is_and) or `or`: flattened, constants folded, duplicates dropped, sorted so
    /// that the same set of parts interns to one id.
    fn junction(&mut self, parts: impl IntoIterator<Item = F>, is_and: bool) -> F {
        let (unit, zero) = if is_and { (TRUE, FALSE) } else { (FALSE, TRUE) };
        let mut out: Vec<F> = Vec::new();
        for p in parts {
            if p == zero {
                return zero;
            }
            if p == unit {
                continue;
            }
            match (self.node(p), is_and) {
                (Node::And(inner), true) | (Node::Or(inner), false) => out.extend(inner.iter()),
                _ => out.push(p),
            }
        }
        out.sort_unstable();
        out.dedup();
        match out.len() {
            0 => unit,
            1 => out[0],
            _ => {
                let n = if is_and {
                    Node::And(out.into())
                } else {
                    Node::Or(out.into())
                };
                self.intern(n)
            }
        }
    }

    /// Replaces the atoms that `value` decides by constants and simplifies.
    pub fn subst(
        &mut self,
        f: F,
        value: &dyn Fn(AtomId) -> Option<bool>,
        memo: &mut HashMap<F, F>,
    ) -> F {
        if let Some(r) = memo.get(&f) {
            return *r;
        }
        let r = match self.node(f).clone() {
            Node::True | Node::False => f,
            Node::Atom(a) => match value(a) {
                Some(true) => TRUE,
                Some(false) => FALSE,
                None => f,
            },
            Node::Not(inner) => {
                let i = self.subst(inner, value, memo);
                self.not(i)
            }
            Node::And(parts) | Node::Or(parts) => {
                let is_and = matches!(self.node(f), Node::And(_));
                let new: Vec<F> = parts.iter().map(|p| self.subst(*p, value, memo)).collect();
                if new[..] == parts[..] {
                    f
                } else {
                    self.junction(new, is_and)
                }
            }
        };
        memo.insert(f, r);
        r
    }

    /// Evaluates a formula given every atom's truth.
    pub fn eval(&self, f: F, atom: &mut dyn FnMut(AtomId) -> bool) -> bool {
        match self.node(f) {
            Node::True => true,
            Node::False => false,
            Node::Atom(a) => atom(*a),
            Node::Not(inner) => !self.eval(*inner, atom),
            Node::And(parts) => parts.iter().all(|p| self.eval(*p, atom)),
            Node::Or(parts) => parts.iter().any(|p| self.eval(*p, atom)),
        }
    }

    /// Calls `visit` on every atom of a formula (with repeats).
    pub fn atoms(&self, f: F, visit: &mut dyn FnMut(AtomId)) {
        match self.node(f) {
            Node::True | Node::False => {}
            Node::Atom(a) => visit(*a),
            Node::Not(inner) => self.atoms(*inner, visit),
            Node::And(parts) | Node::Or(parts) => parts.iter().for_each(|p| self.atoms(*p, visit)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junctions_fold_constants_and_share_ids() {
        let mut a = Arena::default();
        let (x, y) = (a.atom(0), a.atom(1));
        assert_eq!(a.and([x, TRUE, y]), a.and([y, x]));
        assert_eq!(a.and([x, FALSE]), FALSE);
        assert_eq!(a.or([x, TRUE]), TRUE);
        assert_eq!(a.or([x]), x);
        let nx = a.not(x);
        assert_eq!(a.not(nx), x);
    }

    #[test]
    fn substitution_simplifies() {
        let mut a = Arena::default();
        let (x, y) = (a.atom(0), a.atom(1));
        let f = a.and([x, y]);
        let mut memo = HashMap::default();
        assert_eq!(a.subst(f, &|id| (id == 0).then_some(true), &mut memo), y);
        let mut memo = HashMap::default();
        assert_eq!(
            a.subst(f, &|id| (id == 1).then_some(false), &mut memo),
            FALSE
        );
    }
}
