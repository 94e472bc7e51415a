//! Lowering a checked rule set to what the compiler and the analysis both reason over:
//! each field's domain split into cells and bits, tests as atoms on them, and each
//! rule's condition as an interned formula over the atoms.

use rustc_hash::FxHashMap as HashMap;

use super::domain::{self, Atom, Domain, Kind, MISSING, has_bit};
use super::formula::{Arena, AtomId, F};
use crate::check::{Cond, FieldId, Op, Policy, RuleSet};

pub struct Lowered {
    pub domains: Vec<Domain>,
    pub atoms: Vec<Atom>,
    atom_ids: HashMap<Atom, AtomId>,
    pub arena: Arena,
    /// Each rule's condition.
    pub formulas: Vec<F>,
    /// Fields are examined in this order: `rank[field]`, lowest first.
    pub rank: Vec<usize>,
    /// Bits that imply others on the same field (`contains "加急"` ⇒ `contains "急"`),
    /// as (field, bit, implied bit): what keeps the analysis from imagining impossible
    /// texts.
    pub implied: Vec<(FieldId, u32, u32)>,
}

/// What the compiler branches on next, and the analysis splits on: the first-examined
/// field among the formulas' atoms, by its cells if any formula tests them, else by its
/// lowest bit atom.
pub enum Split {
    Cells(FieldId),
    Bit(FieldId, AtomId, u32),
}

pub fn lower(set: &RuleSet) -> Lowered {
    let mut lw = Lowered {
        domains: domain::domains(set),
        atoms: Vec::new(),
        atom_ids: HashMap::default(),
        arena: Arena::default(),
        formulas: Vec::new(),
        rank: field_order(set),
        implied: Vec::new(),
    };
    lw.implied = lw.domains.iter().flat_map(implications).collect();
    lw.formulas = set.rules.iter().map(|r| lw.cond(&r.cond)).collect();
    lw
}

/// Which bit atoms of a field imply which: a pattern inside another, the same text as
/// prefix, suffix or tag, and so on.
fn implications(d: &Domain) -> Vec<(FieldId, u32, u32)> {
    let parse = |name: &str| -> Option<(&'static str, String)> {
        ["contains ", "starts with ", "ends with ", "has "]
            .into_iter()
            .find_map(|p| {
                let lit = name.strip_prefix(p)?;
                serde_json::from_str::<String>(lit)
                    .ok()
                    .map(|l| (p.trim_end(), l))
            })
    };
    let tags = matches!(d.kind, Kind::Tags { .. });
    let bits: Vec<(u32, Option<(&str, String)>)> =
        (0..).zip(d.bit_names.iter().map(|n| parse(n))).collect();
    let mut out = Vec::new();
    for (a, pa) in &bits {
        for (b, pb) in &bits {
            let (Some((ka, la)), Some((kb, lb))) = (pa, pb) else {
                continue;
            };
            if a == b {
                continue;
            }
            let implies = if tags {
                // A tag equal to A contains A; tags are separate strings, so only those.
                (*ka == "has" && *kb == "contains" && la.contains(lb.as_str()))
                    || (*ka == "contains" && *kb == "contains" && la.contains(lb.as_str()))
            } else {
                match (*ka, *kb) {
                    (_, "contains") => la.contains(lb.as_str()),
                    ("starts with", "starts with") => la.starts_with(lb.as_str()),
                    ("ends with", "ends with") => la.ends_with(lb.as_str()),
                    _ => false,
                }
            };
            if implies {
                out.push((d.field, *a, *b));
            }
        }
    }
    out
}

/// The most used fields first; fields that decide `first`/`highest` decisions before
/// others, since those rules prune each other while `all` rules are independent.
fn field_order(set: &RuleSet) -> Vec<usize> {
    let mut uses = vec![(0usize, 0usize); set.fields.len()];
    for r in &set.rules {
        let ranked = r
            .actions
            .iter()
            .any(|a| set.decisions[a.decision].policy != Policy::All);
        let mut seen: Vec<usize> = r.cond.tests().iter().map(|t| t.field).collect();
        seen.sort_unstable();
        seen.dedup();
        for f in seen {
            if ranked {
                uses[f].0 += 1;
            }
            uses[f].1 += 1;
        }
    }
    let mut order: Vec<usize> = (0..set.fields.len()).collect();
    order.sort_by_key(|f| (std::cmp::Reverse(uses[*f]), *f));
    let mut rank = vec![0; set.fields.len()];
    for (i, f) in order.into_iter().enumerate() {
        rank[f] = i;
    }
    rank
}

impl Lowered {
    fn cond(&mut self, c: &Cond) -> F {
        match c {
            Cond::Test(t) => {
                let parts: Vec<F> = self.domains[t.field]
                    .atoms(&t.op)
                    .into_iter()
                    .map(|a| self.atom(a))
                    .collect();
                let f = if matches!(t.op, Op::HasAll(_)) {
                    // `has all []` still needs some tag: a missing value equals nothing.
                    let ncells = self.domains[t.field].ncells;
                    let present = Atom::Cells(t.field, (0..ncells).map(|c| c != MISSING).collect());
                    let present = self.atom(present);
                    self.arena.and(parts.into_iter().chain([present]))
                } else {
                    self.arena.or(parts)
                };
                if t.negated { self.arena.not(f) } else { f }
            }
            Cond::Not(inner) => {
                let f = self.cond(inner);
                self.arena.not(f)
            }
            Cond::And(cs) => {
                let parts: Vec<F> = cs.iter().map(|c| self.cond(c)).collect();
                self.arena.and(parts)
            }
            Cond::Or(cs) => {
                let parts: Vec<F> = cs.iter().map(|c| self.cond(c)).collect();
                self.arena.or(parts)
            }
        }
    }

    fn atom(&mut self, a: Atom) -> F {
        let next = AtomId::try_from(self.atoms.len()).expect("fewer than 2^32 atoms");
        let id = *self.atom_ids.entry(a.clone()).or_insert(next);
        if id == next {
            self.atoms.push(a);
        }
        self.arena.atom(id)
    }

    /// How to split the formulas next; `None` when they have no atoms left.
    pub fn split(&self, formulas: impl IntoIterator<Item = F> + Clone) -> Option<Split> {
        let mut field: Option<FieldId> = None;
        for f in formulas.clone() {
            self.arena.atoms(f, &mut |a| {
                let fl = self.atoms[a as usize].field();
                if field.is_none_or(|b| self.rank[fl] < self.rank[b]) {
                    field = Some(fl);
                }
            });
        }
        let field = field?;
        let mut cells = false;
        let mut bit: Option<(AtomId, u32)> = None;
        for f in formulas {
            self.arena.atoms(f, &mut |a| match &self.atoms[a as usize] {
                Atom::Cells(fl, _) if *fl == field => cells = true,
                Atom::Bit(fl, b) if *fl == field && bit.is_none_or(|(x, _)| a < x) => {
                    bit = Some((a, *b));
                }
                _ => {}
            });
        }
        if cells {
            return Some(Split::Cells(field));
        }
        let (atom, b) = bit.expect("the field was found among the atoms");
        Some(Split::Bit(field, atom, b))
    }

    /// Every atom's value once a field's cell is known: its cell atoms, and its bits where
    /// the cell fixes them (a missing value has no bits; a text literal has exactly its own).
    pub fn cell_values(&self, field: FieldId, cell: u32) -> HashMap<AtomId, bool> {
        let literal_bits = self.domains[field].literal_bits(cell);
        (0..)
            .zip(&self.atoms)
            .filter_map(|(id, a)| match a {
                Atom::Cells(fl, cells) if *fl == field => Some((id, cells[cell as usize])),
                Atom::Bit(fl, _) if *fl == field && cell == MISSING => Some((id, false)),
                Atom::Bit(fl, b) if *fl == field => {
                    literal_bits.as_ref().map(|bits| (id, has_bit(bits, *b)))
                }
                _ => None,
            })
            .collect()
    }
}
