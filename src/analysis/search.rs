//! Satisfiability over field cells and bits, by splitting on one field at a time.
//!
//! The space searched is every combination of one cell per field and a truth value per
//! bit. It holds every real order (and some impossible ones, such as `contains "ab"`
//! without `contains "a"`), so "no combination satisfies f" proves that no order does;
//! a combination that does is only a candidate until an example order is built from it
//! and checked (see `example.rs`). Cells that leave the same residual formula are kept
//! together, which is what makes regions readable ("amount ≤ 2000") instead of one
//! line per cell. Formulas are interned, so a formula found unsatisfiable once is never
//! searched again.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_decimal::Decimal;

use crate::check::{FieldId, FieldType, Part, RuleSet};
use crate::compile::domain::{Atom, Kind, MISSING, has_bit};
use crate::compile::formula::{AtomId, F, FALSE, TRUE};
use crate::compile::lower::{Lowered, Split};

/// One step of a path through the space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// The field's value is in one of these cells.
    Cells(FieldId, Vec<u32>),
    /// The field's bit has this value.
    Bit(FieldId, u32, bool),
}

/// The work budget ran out before the question was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incomplete;

pub type Found<T> = Result<T, Incomplete>;

pub struct Search<'a> {
    pub lw: &'a mut Lowered,
    set: &'a RuleSet,
    unsat: HashSet<F>,
    /// The bits each text literal's cell fixes.
    literals: HashMap<(FieldId, u32), Option<Vec<u64>>>,
    /// Each cell atom's cells as a bitset, and each field's allowed cells.
    masks: HashMap<AtomId, CellSet>,
    allowed_cells: HashMap<FieldId, CellSet>,
    /// Work on the current question, and what one question may take.
    work: usize,
    budget: usize,
    /// Work on every question so far, and the cap for the whole analysis: interned
    /// formulas stay in memory, so the total must be bounded too.
    total: usize,
    cap: usize,
}

impl<'a> Search<'a> {
    pub fn new(lw: &'a mut Lowered, set: &'a RuleSet, budget: usize) -> Self {
        Search {
            lw,
            set,
            unsat: HashSet::default(),
            literals: HashMap::default(),
            masks: HashMap::default(),
            allowed_cells: HashMap::default(),
            work: 0,
            budget,
            total: 0,
            cap: budget.saturating_mul(50),
        }
    }

    /// The cells a field takes in valid orders: `missing` only where a blank is allowed,
    /// and for a local hour only cells that hold a whole hour from 0 to 23.
    pub fn allowed(&self, field: FieldId) -> impl Iterator<Item = u32> + use<> {
        let f = &self.set.fields[field];
        let blank_ok = f.optional || f.ty == FieldType::Tags;
        let first = if blank_ok { MISSING } else { MISSING + 1 };
        // A present text is never "": an empty cell is read as blank.
        let empty = match &self.lw.domains[field].kind {
            Kind::Text { literals, .. } => literals.get(b""),
            _ => None,
        };
        let hours = match (&self.lw.domains[field].kind, f.derived) {
            (Kind::Decimal { points, .. }, Some(d)) if d.part == Part::Hour => Some(points.clone()),
            _ => None,
        };
        (first..self.lw.domains[field].ncells).filter(move |c| {
            Some(*c) != empty
                && hours
                    .as_ref()
                    .is_none_or(|points| *c == MISSING || holds_an_hour(points, *c))
        })
    }

    /// The value a cell gives an atom of its field: cell atoms by their mask; bits are
    /// all false on a missing value and fixed by a text literal, free otherwise.
    fn cell_value(&mut self, a: AtomId, field: FieldId, cell: u32) -> Option<bool> {
        match &self.lw.atoms[a as usize] {
            Atom::Cells(fl, cells) if *fl == field => Some(cells[cell as usize]),
            Atom::Bit(fl, _) if *fl == field && cell == MISSING => Some(false),
            Atom::Bit(fl, b) if *fl == field => {
                let b = *b;
                Some(has_bit(self.literal_bits(field, cell)?, b))
            }
            _ => None,
        }
    }

    /// The bits of a text literal's cell (cached), or `None` for any other cell.
    fn literal_bits(&mut self, field: FieldId, cell: u32) -> Option<&[u64]> {
        let domain = &self.lw.domains[field];
        self.literals
            .entry((field, cell))
            .or_insert_with(|| domain.literal_bits(cell))
            .as_deref()
    }

    /// The allowed cells of a field grouped by what they make of the atoms of `f` on
    /// it: one substitution per group, not per cell (a decimal field has two cells per
    /// threshold of the whole rule set, a rule only a few atoms on it).
    fn cell_groups(&mut self, f: F, field: FieldId) -> Found<Vec<(Vec<u32>, F)>> {
        let mut mine: Vec<AtomId> = Vec::new();
        let atoms = &self.lw.atoms;
        self.lw.arena.atoms(f, &mut |a| {
            if atoms[a as usize].field() == field && !mine.contains(&a) {
                mine.push(a);
            }
        });
        let only_cells = mine
            .iter()
            .all(|a| matches!(self.lw.atoms[*a as usize], Atom::Cells(..)));
        let groups = if only_cells {
            self.cell_atom_groups(field, &mine)
        } else {
            self.groups_cell_by_cell(field, &mine)
        };
        let mut out = Vec::with_capacity(groups.len());
        for (key, cells) in groups {
            self.spend()?;
            let mut memo = HashMap::default();
            let g = self.lw.arena.subst(
                f,
                &|a| mine.iter().position(|m| *m == a).and_then(|i| key[i]),
                &mut memo,
            );
            out.push((cells, g));
        }
        Ok(out)
    }

    /// The groups when every atom is a set of cells (decimals, `one of`, text equality):
    /// the allowed cells split by each atom's bitset in turn, a few word operations per
    /// atom instead of a look-up per cell and atom. Groups come in the order of their
    /// first cell, as [`Search::groups_cell_by_cell`] gives them.
    fn cell_atom_groups(&mut self, field: FieldId, mine: &[AtomId]) -> Groups {
        let allowed = match self.allowed_cells.get(&field) {
            Some(s) => s.clone(),
            None => {
                let mut s = CellSet::new(self.lw.domains[field].ncells as usize);
                self.allowed(field).for_each(|c| s.insert(c as usize));
                self.allowed_cells.insert(field, s.clone());
                s
            }
        };
        let mut parts: Vec<(CellSet, Vec<Option<bool>>)> = vec![(allowed, Vec::new())];
        for &a in mine {
            let mask = self.mask(a);
            parts = parts
                .into_iter()
                .flat_map(|(cells, key)| {
                    let (yes, no) = cells.split(&mask);
                    let with = |v: bool| {
                        let mut k = key.clone();
                        k.push(Some(v));
                        k
                    };
                    [(yes, with(true)), (no, with(false))]
                })
                .filter(|(cells, _)| !cells.is_empty())
                .collect();
        }
        let mut groups: Groups = parts
            .into_iter()
            .map(|(cells, key)| (key, cells.iter().map(|c| c as u32).collect()))
            .collect();
        groups.sort_by_key(|(_, cells)| cells[0]);
        groups
    }

    /// A cell atom's cells as a bitset, cached.
    fn mask(&mut self, a: AtomId) -> CellSet {
        if let Some(m) = self.masks.get(&a) {
            return m.clone();
        }
        let Atom::Cells(_, cells) = &self.lw.atoms[a as usize] else {
            unreachable!("only cell atoms have masks")
        };
        let mut m = CellSet::new(cells.len());
        cells
            .iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .for_each(|(c, _)| m.insert(c));
        self.masks.insert(a, m.clone());
        m
    }

    /// The groups found cell by cell: what each atom says of the cell is its key.
    fn groups_cell_by_cell(&mut self, field: FieldId, mine: &[AtomId]) -> Groups {
        let mut groups: Groups = Vec::new();
        // One key buffer for every cell: a decimal field can have thousands of cells.
        let mut key: Vec<Option<bool>> = Vec::with_capacity(mine.len());
        for cell in self.allowed(field) {
            key.clear();
            for a in mine {
                let v = self.cell_value(*a, field, cell);
                key.push(v);
            }
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, cells)) => cells.push(cell),
                None => groups.push((key.clone(), vec![cell])),
            }
        }
        groups
    }

    /// Sets a bit atom, and the bits it implies (if true) or that imply it (if false).
    fn subst_atom(&mut self, f: F, atom: AtomId, value: bool) -> Found<F> {
        self.spend()?;
        let mut fixed: HashMap<AtomId, bool> =
            [(atom, value)].into_iter().collect::<HashMap<_, _>>();
        if let Atom::Bit(field, bit) = self.lw.atoms[atom as usize] {
            for &(fl, a, b) in &self.lw.implied {
                let other = match (fl == field, value) {
                    (true, true) if a == bit => b,
                    (true, false) if b == bit => a,
                    _ => continue,
                };
                if let Some(id) = self
                    .lw
                    .atoms
                    .iter()
                    .position(|x| *x == Atom::Bit(field, other))
                {
                    fixed.insert(AtomId::try_from(id).expect("fewer than 2^32 atoms"), value);
                }
            }
        }
        let mut memo = HashMap::default();
        Ok(self
            .lw
            .arena
            .subst(f, &|a| fixed.get(&a).copied(), &mut memo))
    }

    fn spend(&mut self) -> Found<()> {
        self.work += 1;
        self.total += 1;
        if self.work > self.budget || self.total > self.cap {
            Err(Incomplete)
        } else {
            Ok(())
        }
    }

    /// The ways `f` splits on its first field: groups of cells, or a bit's two values.
    fn split(&mut self, f: F) -> Found<Vec<(Choice, F)>> {
        let mut out: Vec<(Choice, F)> = Vec::new();
        match self.lw.split([f]) {
            None => {}
            Some(Split::Cells(field)) => {
                for (group, g) in self.cell_groups(f, field)? {
                    match out.iter_mut().find(|(_, h)| *h == g) {
                        Some((Choice::Cells(_, cells), _)) => cells.extend(group),
                        _ => out.push((Choice::Cells(field, group), g)),
                    }
                }
                for (choice, _) in &mut out {
                    if let Choice::Cells(_, cells) = choice {
                        cells.sort_unstable();
                    }
                }
            }
            Some(Split::Bit(field, atom, b)) => {
                for value in [true, false] {
                    let g = self.subst_atom(f, atom, value)?;
                    out.push((Choice::Bit(field, b, value), g));
                }
            }
        }
        Ok(out)
    }

    /// A path to an order that satisfies `f`, or `None` when no order can.
    pub fn witness(&mut self, f: F) -> Found<Option<Vec<Choice>>> {
        let mut found = self.paths(f, 1)?;
        Ok(found.pop())
    }

    pub fn satisfiable(&mut self, f: F) -> Found<bool> {
        Ok(self.witness(f)?.is_some())
    }

    /// Up to `limit` disjoint regions (paths) where `f` holds.
    pub fn paths(&mut self, f: F, limit: usize) -> Found<Vec<Vec<Choice>>> {
        self.work = 0;
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.walk(f, limit, &mut path, &mut out)?;
        Ok(out)
    }

    fn walk(
        &mut self,
        f: F,
        limit: usize,
        path: &mut Vec<Choice>,
        out: &mut Vec<Vec<Choice>>,
    ) -> Found<()> {
        if out.len() >= limit || f == FALSE || self.unsat.contains(&f) {
            return Ok(());
        }
        if f == TRUE {
            out.push(path.clone());
            return Ok(());
        }
        let before = out.len();
        for (choice, g) in self.split(f)? {
            path.push(choice);
            self.walk(g, limit, path, out)?;
            path.pop();
            if out.len() >= limit {
                break;
            }
        }
        if out.len() == before {
            self.unsat.insert(f);
        }
        Ok(())
    }

    /// Per field of `f`, the cells where `f` can still hold: a cheap over-approximation
    /// used to skip pairs of rules that cannot overlap.
    pub fn bounds(&mut self, f: F) -> Found<Bounds> {
        self.work = 0;
        let mut fields: Vec<FieldId> = Vec::new();
        let atoms = &self.lw.atoms;
        self.lw.arena.atoms(f, &mut |a| {
            if let Atom::Cells(fl, _) = &atoms[a as usize]
                && !fields.contains(fl)
            {
                fields.push(*fl);
            }
        });
        let mut out = Vec::with_capacity(fields.len());
        for field in fields {
            let n = self.lw.domains[field].ncells as usize;
            let mut ok = CellSet::new(n);
            for (cells, g) in self.cell_groups(f, field)? {
                if g != FALSE {
                    cells.iter().for_each(|c| ok.insert(*c as usize));
                }
            }
            out.push((field, ok));
        }
        Ok(out)
    }
}

/// Whether a decimal cell holds a whole number from 0 to 23 (an hour of the day). The
/// points are the hours the rules name, whole numbers in that range (checked).
fn holds_an_hour(points: &[Decimal], cell: u32) -> bool {
    let c = cell as usize;
    if c % 2 == 0 {
        return true;
    }
    let i = c / 2; // the open cell just below points[i]
    let above = i.checked_sub(1).map(|j| points[j]);
    let below = points.get(i).copied();
    (0..=23)
        .map(Decimal::from)
        .any(|h| above.is_none_or(|a| h > a) && below.is_none_or(|b| h < b))
}

/// Per field a condition constrains, the cells where it can hold.
pub type Bounds = Vec<(FieldId, CellSet)>;

/// Cells that leave the same values to a formula's atoms: (the values, the cells).
type Groups = Vec<(Vec<Option<bool>>, Vec<u32>)>;

/// A set of one field's cells, a bit each: comparing two rules' bounds is then a few
/// word operations, which matters when ten thousand rules are compared pairwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellSet(Vec<u64>);

impl CellSet {
    pub fn new(ncells: usize) -> Self {
        CellSet(vec![0; ncells.div_ceil(64)])
    }

    pub fn insert(&mut self, cell: usize) {
        self.0[cell / 64] |= 1 << (cell % 64);
    }

    pub fn contains(&self, cell: usize) -> bool {
        has_bit(&self.0, u32::try_from(cell).expect("fewer than 2^32 cells"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// The cells in both sets, and those only in this one.
    pub fn split(&self, other: &CellSet) -> (CellSet, CellSet) {
        let both = self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect();
        let only = self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect();
        (CellSet(both), CellSet(only))
    }

    /// Whether the two sets share a cell.
    pub fn meets(&self, other: &CellSet) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    /// The cells in the set, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, bits)| {
            (0..64)
                .filter(move |b| bits >> b & 1 == 1)
                .map(move |b| w * 64 + b)
        })
    }
}

/// Whether two rules' bounds leave some cell in common on every field both constrain.
pub fn may_overlap(a: &[(FieldId, CellSet)], b: &[(FieldId, CellSet)]) -> bool {
    a.iter().all(|(fa, ca)| {
        b.iter()
            .find(|(fb, _)| fb == fa)
            .is_none_or(|(_, cb)| ca.meets(cb))
    })
}
