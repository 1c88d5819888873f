//! Statistical disclosure control of published counts: small counts are suppressed (primary
//! suppression), and so many other cells (secondary suppression) that no suppressed count can
//! be worked out from the published ones.
//!
//! # What it computes
//! A [`LinkedTable`] is any set of published cells over unpublished counts, the *atoms*: every
//! cell is the sum of a set of atoms. The public view is one: an atom is the count of one buurt
//! and one police category in a year, a cell is an area (buurt, wijk, gemeente) and a theme (a
//! set of categories), and its value the sum over the buurten under the area and the categories
//! of the theme. Themes may overlap, equal the union of others or contain every category; a wijk
//! with one buurt is the same sum as that buurt. Nothing in the method depends on this shape.
//!
//! [`protect`] returns a [`Disclosure`] per cell:
//! - **Primary**: `0 < value < threshold`. Zero is published: a zero describes no incident and
//!   so no person (the threshold protects the few people behind a count of 1–4), it is the
//!   most common and least sensitive answer, and hiding zeros would protect nothing here: the
//!   guarantee below holds against an attacker who knows every zero atom anyway, so a zero
//!   cell is never needed as a partner.
//! - **Secondary**: published values would otherwise reveal a suppressed one.
//! - **Published**: the rest.
//!
//! The guarantee, for every suppressed cell `k`: there is a direction `d` (an integer vector
//! over the atoms, entries in {−1, 0, 1}, non-zero only on atoms whose count is at least 1)
//! such that every published cell has `Σ_{i∈cell} d_i = 0` and cell `k` has
//! `Σ_{i∈k} d_i ≠ 0`. The tables `x + d` and `x − d` are then non-negative integer tables that
//! agree with every published number and differ from the true one in cell `k`, so `k` cannot be
//! recovered exactly: not as a linear combination of published cells over the rationals, not
//! with the knowledge that counts are non-negative integers, and not by an attacker who knows
//! which atoms are zero. Cells with the same atoms (the one-buurt wijk and its buurt) always get
//! the same status, because a direction changes both or neither.
//!
//! Non-negativity matters: with themes `T = {c1,c2,c3}`, `S = {c1}`, `R = {c2,c4}` and
//! `V = {c1,c4}` in one buurt with counts (7, 0, 0, 3), publishing `T = S = 7` and `V = 10`
//! leaves `R = 3` outside the rational span (`c4 = V − S` is known, `c2` is not), yet
//! `T − S = c2 + c3 = 0` with non-negative counts gives `c2 = 0` and `R = 3`. A purely linear
//! audit passes this pattern; the directions above do not allow it (`tests/disclosure.rs`).
//!
//! ## Method
//! 1. Atoms that lie in exactly the same cells are merged (this changes no span), atoms with
//!    count 0 are left out of the directions, and cells with the same atoms form one group.
//! 2. Primary suppression by the threshold.
//! 3. Secondary suppression, after the hypercube method (Giessing & Repsilber 2002; one of
//!    τ-ARGUS's methods, and the one CBS's HiTaS applies to the subtables of a hierarchy, De
//!    Wolf 2002), generalised from the corners of a box to any linked table: for each suppressed group not yet protected, in table order, the cheapest
//!    direction among three small families is chosen and every published cell it changes is
//!    suppressed: a single atom `e_i`, a pair `e_i − e_j` (for the cube: the same category in
//!    two buurten), and a 2 × 2 "hypercube" `e_i − e_j − e_p + e_q` that cancels the most
//!    expensive cells the pair still changes (two categories in two buurten, leaving the wijk,
//!    the gemeente and the themes containing both categories untouched), with `i` an atom of
//!    the cell to protect. Every cell a direction changes is protected by it, and it stays a
//!    valid direction when more cells are suppressed later (there are fewer published cells to
//!    keep constant), so one direction per group suffices. The cost of a direction is the sum
//!    of the values of the published cells it suppresses (the cell value, τ-ARGUS's usual
//!    cost: small partners first), then their number; a cell that sums every non-zero atom
//!    (the gemeente's total) costs more than any combination of other cells, so it is
//!    suppressed only when nothing else protects.
//! 4. Exact audit ([`recoverable`] on the table without its zero atoms): a suppressed cell is
//!    recoverable when its atom-indicator vector lies in the rational span of the published
//!    cells' vectors. The audit is sparse fraction-free elimination in `i128` with every
//!    operation checked, redone in big integers (`num-bigint`) on overflow; never floating point
//!    and never modulo a prime (the rank modulo p can be lower than over Q: cells {1,2}, {2,3},
//!    {1,3} have rank 3 over Q but 2 modulo 2). By the guarantee it finds nothing; should it
//!    ever (a bug), the cells it names are protected by single atoms and the audit is repeated
//!    until it finds nothing, and a debug build stops instead.
//!
//! No maintained Rust crate does cell suppression (the established tools are τ-ARGUS, CBS's
//! Java and C++ program, and the R package sdcTable), hence this module; the audit is checked
//! against sympy's exact rank (`tests/oracle/disclosure_audit.py`).
//!
//! # Assumptions
//! Atoms are non-negative integer counts, and each published cell is a plain sum of a set of
//! them. The attacker knows the table's structure (which atoms each cell sums), every published
//! number, that counts are non-negative integers, and even which atoms are zero. Only exact
//! recovery is prevented: the method sets no protection interval (τ-ARGUS's protection levels),
//! so a suppressed 3 may be bounded to, say, [2, 4]. Tables of different years or of other
//! publications are not linked here: a cell published in one and suppressed in another must be
//! audited in one table that holds both. The secondary pattern is a heuristic, not the minimum
//! cost (that problem is NP-hard; Kelly, Golden & Assad 1992); the guarantee does not depend on
//! it.
//!
//! # Parameters
//! `threshold`: the smallest published non-zero count, [`DEFAULT_THRESHOLD`] = 5 (counts 1–4
//! are suppressed).
//!
//! # Measured behaviour
//! On a Groningen-sized year (`examples/disclosure_bench.rs`: 1 gemeente, 10 wijken, 100
//! buurten, 60 categories, 10 overlapping themes; 1,110 cells over 6,000 atoms, 3,223 of them
//! zero, 10,734 incidents): 297 primary and 110 secondary suppressions (the secondary cells sum
//! to 2,075 incidents), all at buurt level; `protect` takes **4.8 ms** (median of 51 runs,
//! release, this project's 2-core machine), the audit of the full table alone 2.0 ms. Command:
//! `cargo run --release -p buurtbeeld_stats --example disclosure_bench`.
//!
//! The hypercubes pay: with single atoms and pairs only, the same table gets 247 secondary
//! suppressions summing to 7,403 (7 of them wijk cells); with single atoms only, 353 summing
//! to 64,011 (85 wijk cells).
//!
//! Leaving zero atoms out costs little: a variant that meets only the linear criterion
//! (directions over every atom) needs 118 secondary suppressions summing to 1,805 on the same
//! table, but there 2 suppressed cells follow from the published zero cells and non-negativity
//! alone, and 42 for an attacker who knows every zero atom (a one-off experiment, not kept).
//!
//! The search for a direction scans the published cells of an atom, and the gemeente's hold
//! every atom, so time grows about with the square of the table: with `--scale 5` (an
//! Amsterdam-sized gemeente: 50 wijken, 500 buurten, 5,510 cells over 30,000 atoms; 1,490
//! primary and 525 secondary) `protect` takes 60 ms.
//!
//! `tests/disclosure.rs` runs `protect` on 10,000 random cubes (1–4 wijken of 1–6 buurten, 1–6
//! categories, the all-categories theme plus up to three random and a union; 30 cells on
//! average, at most 140; counts mostly 0 and 1–4) and checks the guarantee with an exact audit
//! of its own: 2.6 s on one core in the test profile (the crate is built at opt-level 2 there,
//! see the workspace `Cargo.toml`), 12 s for the whole file at opt-level 0.
//!
//! # References
//! - Hundepool, Domingo-Ferrer, Franconi, Giessing, Nordholt, Spicer & de Wolf (2012),
//!   *Statistical Disclosure Control*, Wiley, ch. 4 (secondary cell suppression, linked
//!   tables, the attacker's feasibility intervals and the audit) and ch. 5 (frequency tables
//!   and the threshold rule).
//! - De Wolf (2002), "HiTaS: a heuristic approach to cell suppression in hierarchical tables",
//!   in *Inference Control in Statistical Databases*, LNCS 2316 (τ-ARGUS's method at CBS).
//! - Giessing & Repsilber (2002), "Tools and strategies to protect multiple tables with the
//!   GHQUAR cell suppression engine", LNCS 2316 (the hypercube method).
//! - Kelly, Golden & Assad (1992), "Cell suppression: disclosure protection for sensitive
//!   tabular data", *Networks* 22(4).
//! - Oracle: sympy's exact rank over the rationals (`DomainMatrix` over `QQ`, and
//!   `Matrix.rank()` where it finishes), `tests/oracle/disclosure_audit.py`.

use std::collections::{BTreeMap, BTreeSet};

use num_bigint::{BigInt, BigUint};

/// Counts below this (and above zero) are not published.
pub const DEFAULT_THRESHOLD: u64 = 5;

/// Published cells over unpublished counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedTable {
    /// The unpublished counts, the atoms.
    pub atoms: Vec<u64>,
    /// Every published cell as the indices of the atoms it sums; an index listed twice counts
    /// once.
    pub cells: Vec<Vec<usize>>,
}

impl LinkedTable {
    /// The value of a cell: the sum of its (distinct) atoms.
    ///
    /// # Panics
    /// If the cell or one of its atoms does not exist.
    pub fn value(&self, cell: usize) -> u64 {
        distinct(&self.cells[cell])
            .into_iter()
            .map(|atom| self.atoms[atom])
            .sum()
    }

    /// The same cells over the atoms whose count is not zero (renumbered in order): the table
    /// as seen by an attacker who knows every zero atom. A pattern that [`recoverable`] passes
    /// on this table passes on the full one too.
    pub fn positive_part(&self) -> LinkedTable {
        let mut renumbered = vec![None; self.atoms.len()];
        let mut atoms = Vec::new();
        for (i, &count) in self.atoms.iter().enumerate() {
            if count > 0 {
                renumbered[i] = Some(atoms.len());
                atoms.push(count);
            }
        }
        let cells = self
            .cells
            .iter()
            .map(|cell| {
                distinct(cell)
                    .into_iter()
                    .filter_map(|atom| renumbered[atom])
                    .collect()
            })
            .collect();
        LinkedTable { atoms, cells }
    }
}

/// What happens to a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Published,
    /// `0 < value < threshold`.
    Primary,
    /// Suppressed so that no suppressed value can be recovered.
    Secondary,
}

impl Disclosure {
    pub fn is_published(self) -> bool {
        self == Disclosure::Published
    }
}

/// Primary and secondary suppression; see the module docs for the method and the guarantee.
///
/// # Panics
/// If a cell names an atom that does not exist.
pub fn protect(table: &LinkedTable, threshold: u64) -> Vec<Disclosure> {
    let structure = Structure::new(&table.cells, table.atoms.len(), |atom| {
        table.atoms[atom] > 0
    });
    let values: Vec<u64> = structure
        .members
        .iter()
        .map(|members| table.value(members[0]))
        .collect();
    let primary: Vec<bool> = values.iter().map(|&v| v > 0 && v < threshold).collect();
    let mut search = Search::new(&structure, &values);
    for (group, &is_primary) in primary.iter().enumerate() {
        if is_primary {
            search.suppress(group);
        }
    }
    for (group, &is_primary) in primary.iter().enumerate() {
        if is_primary && !search.protected[group] {
            let direction = search.cheapest_direction(group);
            search.apply(&direction);
        }
    }
    loop {
        let shown: Vec<bool> = search.suppressed.iter().map(|s| !s).collect();
        let exposed: Vec<usize> = audit(&structure, &shown)
            .into_iter()
            .enumerate()
            .filter_map(|(group, exposed)| exposed.then_some(group))
            .collect();
        if exposed.is_empty() {
            break;
        }
        debug_assert!(false, "the audit contradicts a direction: {exposed:?}");
        // Release builds stay safe: a single atom's direction, and if that adds nothing, every
        // cell with a non-zero atom suppressed (then nothing published can reveal anything).
        let before = search.suppressed.iter().filter(|s| **s).count();
        for &group in &exposed {
            if let Some(&col) = structure.group_cols[group].first() {
                search.apply(&[(col, 1)]);
            }
        }
        if search.suppressed.iter().filter(|s| **s).count() == before {
            let groups = structure.group_cols.len();
            assert!(
                (0..groups).any(|g| !search.suppressed[g] && !structure.group_cols[g].is_empty()),
                "the audit recovers a cell from zero cells alone"
            );
            for group in 0..groups {
                if !structure.group_cols[group].is_empty() {
                    search.suppress(group);
                }
            }
        }
    }
    structure
        .group_of_cell
        .iter()
        .map(|&group| {
            if primary[group] {
                Disclosure::Primary
            } else if search.suppressed[group] {
                Disclosure::Secondary
            } else {
                Disclosure::Published
            }
        })
        .collect()
}

/// The exact audit: the suppressed cells (`shown[cell] == false`) whose atom-indicator vector
/// lies in the rational span of the shown cells' vectors, in cell order. Counts play no part.
/// A suppressed cell with the same atoms as a shown one, and a cell without atoms (always 0),
/// are recoverable.
///
/// # Panics
/// If `shown` has not one entry per cell, or a cell names an atom that does not exist.
pub fn recoverable(table: &LinkedTable, shown: &[bool]) -> Vec<usize> {
    assert_eq!(shown.len(), table.cells.len(), "one entry per cell");
    let structure = Structure::new(&table.cells, table.atoms.len(), |_| true);
    let mut group_shown = vec![false; structure.members.len()];
    for (cell, &group) in structure.group_of_cell.iter().enumerate() {
        group_shown[group] |= shown[cell];
    }
    let exposed = audit(&structure, &group_shown);
    (0..table.cells.len())
        .filter(|&cell| {
            let group = structure.group_of_cell[cell];
            !shown[cell] && (group_shown[group] || exposed[group])
        })
        .collect()
}

fn distinct(atoms: &[usize]) -> Vec<usize> {
    let mut atoms = atoms.to_vec();
    atoms.sort_unstable();
    atoms.dedup();
    atoms
}

/// The table reduced for linear algebra: atoms in the same cells merged into one column (a
/// vector of 0/1 cell sums has equal entries on them, so spans do not change), cells with the
/// same columns into one group.
struct Structure {
    /// The columns of each group, ascending.
    group_cols: Vec<Vec<u32>>,
    /// The cells of each group, ascending.
    members: Vec<Vec<usize>>,
    group_of_cell: Vec<usize>,
    /// The groups containing each column, ascending.
    col_groups: Vec<Vec<u32>>,
}

impl Structure {
    fn new(cells: &[Vec<usize>], atom_count: usize, keep: impl Fn(usize) -> bool) -> Structure {
        let mut atom_cells: Vec<Vec<u32>> = vec![Vec::new(); atom_count];
        let cells: Vec<Vec<usize>> = cells.iter().map(|cell| distinct(cell)).collect();
        for (index, cell) in cells.iter().enumerate() {
            for &atom in cell {
                assert!(
                    atom < atom_count,
                    "cell {index} names atom {atom} of {atom_count}"
                );
                if keep(atom) {
                    atom_cells[atom].push(index as u32);
                }
            }
        }
        let mut col_of_incidence: BTreeMap<&[u32], u32> = BTreeMap::new();
        let mut col_of_atom = vec![None; atom_count];
        for (atom, incidence) in atom_cells.iter().enumerate() {
            if !incidence.is_empty() {
                let next = col_of_incidence.len() as u32;
                col_of_atom[atom] = Some(*col_of_incidence.entry(incidence).or_insert(next));
            }
        }
        let col_count = col_of_incidence.len();
        let mut group_of_cols: BTreeMap<Vec<u32>, usize> = BTreeMap::new();
        let mut group_cols = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut group_of_cell = Vec::with_capacity(cells.len());
        for (index, cell) in cells.iter().enumerate() {
            let mut cols: Vec<u32> = cell.iter().filter_map(|&a| col_of_atom[a]).collect();
            cols.sort_unstable();
            cols.dedup();
            let group = *group_of_cols.entry(cols.clone()).or_insert_with(|| {
                group_cols.push(cols);
                members.push(Vec::new());
                members.len() - 1
            });
            members[group].push(index);
            group_of_cell.push(group);
        }
        let mut col_groups = vec![Vec::new(); col_count];
        for (group, cols) in group_cols.iter().enumerate() {
            for &col in cols {
                col_groups[col as usize].push(group as u32);
            }
        }
        Structure {
            group_cols,
            members,
            group_of_cell,
            col_groups,
        }
    }
}

/// Per group: is it recoverable, i.e. not shown and in the span of the shown groups?
fn audit(structure: &Structure, shown: &[bool]) -> Vec<bool> {
    audit_in::<i128>(structure, shown)
        .or_else(|Overflow| audit_in::<BigInt>(structure, shown))
        .expect("big integers do not overflow")
}

fn audit_in<S: Scalar>(structure: &Structure, shown: &[bool]) -> Result<Vec<bool>, Overflow> {
    // Sparse rows first, so that the wide rows (wijk, gemeente) are reduced by rows that are
    // already sparse and fill in little.
    let mut order: Vec<usize> = (0..shown.len()).filter(|&g| shown[g]).collect();
    order.sort_by_key(|&g| (structure.group_cols[g].len(), g));
    let mut echelon = Echelon::<S>::new(structure.col_groups.len());
    for &group in &order {
        echelon.insert(indicator(&structure.group_cols[group]))?;
    }
    let mut exposed = vec![false; shown.len()];
    for group in 0..shown.len() {
        if !shown[group] {
            exposed[group] = echelon
                .reduce(indicator(&structure.group_cols[group]))?
                .is_empty();
        }
    }
    Ok(exposed)
}

fn indicator<S: Scalar>(cols: &[u32]) -> Vec<(u32, S)> {
    cols.iter().map(|&col| (col, S::from_i64(1))).collect()
}

/// An `i128` operation overflowed: redo in big integers.
#[derive(Debug)]
struct Overflow;

/// Exact integers for fraction-free elimination.
trait Scalar: Clone {
    fn from_i64(value: i64) -> Self;
    fn is_zero(&self) -> bool;
    /// `a·x − b·y`.
    fn mul_sub(a: &Self, x: &Self, b: &Self, y: &Self) -> Result<Self, Overflow>;
    /// The non-negative greatest common divisor.
    fn gcd(&self, other: &Self) -> Result<Self, Overflow>;
    fn is_one(&self) -> bool;
    fn is_minus_one(&self) -> bool;
    fn div_exact(&self, divisor: &Self) -> Self;
}

impl Scalar for i128 {
    fn from_i64(value: i64) -> Self {
        i128::from(value)
    }
    fn is_zero(&self) -> bool {
        *self == 0
    }
    fn mul_sub(a: &Self, x: &Self, b: &Self, y: &Self) -> Result<Self, Overflow> {
        let left = a.checked_mul(*x).ok_or(Overflow)?;
        let right = b.checked_mul(*y).ok_or(Overflow)?;
        left.checked_sub(right).ok_or(Overflow)
    }
    fn gcd(&self, other: &Self) -> Result<Self, Overflow> {
        let (mut a, mut b) = (self.unsigned_abs(), other.unsigned_abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        i128::try_from(a).map_err(|_| Overflow)
    }
    fn is_one(&self) -> bool {
        *self == 1
    }
    fn is_minus_one(&self) -> bool {
        *self == -1
    }
    fn div_exact(&self, divisor: &Self) -> Self {
        self / divisor
    }
}

impl Scalar for BigInt {
    fn from_i64(value: i64) -> Self {
        BigInt::from(value)
    }
    fn is_zero(&self) -> bool {
        *self == BigInt::ZERO
    }
    fn mul_sub(a: &Self, x: &Self, b: &Self, y: &Self) -> Result<Self, Overflow> {
        Ok(a * x - b * y)
    }
    fn gcd(&self, other: &Self) -> Result<Self, Overflow> {
        let (mut a, mut b) = (self.magnitude().clone(), other.magnitude().clone());
        while b != BigUint::ZERO {
            let rest = &a % &b;
            a = b;
            b = rest;
        }
        Ok(BigInt::from(a))
    }
    fn is_one(&self) -> bool {
        *self == BigInt::from(1)
    }
    fn is_minus_one(&self) -> bool {
        *self == BigInt::from(-1)
    }
    fn div_exact(&self, divisor: &Self) -> Self {
        self / divisor
    }
}

/// Sparse integer rows in echelon form by insertion order: row `r` is zero on the pivot
/// columns of every row inserted before it (it was reduced by them), so a vector reduced by
/// the rows in insertion order never gets an eliminated pivot back, and it lies in the span
/// exactly when it reduces to zero. No column order is imposed, so a pivot can be chosen
/// where it causes no fill-in.
struct Echelon<S> {
    rows: Vec<Vec<(u32, S)>>,
    pivots: Vec<u32>,
    /// The row whose pivot each column is, or `u32::MAX`.
    row_of_col: Vec<u32>,
    /// The vector being reduced, dense, with the columns it has touched.
    dense: Vec<S>,
    touched: Vec<u32>,
    is_touched: Vec<bool>,
}

impl<S: Scalar> Echelon<S> {
    fn new(col_count: usize) -> Self {
        Echelon {
            rows: Vec::new(),
            pivots: Vec::new(),
            row_of_col: vec![u32::MAX; col_count],
            dense: vec![S::from_i64(0); col_count],
            touched: Vec::new(),
            is_touched: vec![false; col_count],
        }
    }

    fn insert(&mut self, vector: Vec<(u32, S)>) -> Result<(), Overflow> {
        let mut row = self.reduce(vector)?;
        if row.is_empty() {
            return Ok(());
        }
        // A pivot of ±1 (made +1) keeps reductions by this row free of multiplications of
        // the whole vector; rows of 0/1 cells nearly always have one.
        let at = row
            .iter()
            .position(|(_, value)| value.is_one() || value.is_minus_one())
            .unwrap_or(0);
        if row[at].1.is_minus_one() {
            for (_, value) in row.iter_mut() {
                *value = S::mul_sub(&S::from_i64(0), value, &S::from_i64(1), value)?;
            }
        }
        let pivot = row[at].0;
        self.row_of_col[pivot as usize] = self.rows.len() as u32;
        self.pivots.push(pivot);
        self.rows.push(row);
        Ok(())
    }

    /// The vector with every pivot column eliminated, divided by the gcd of its entries.
    fn reduce(&mut self, vector: Vec<(u32, S)>) -> Result<Vec<(u32, S)>, Overflow> {
        let result = self.reduce_dense(vector);
        let mut out = Vec::new();
        self.touched.sort_unstable();
        for &col in &self.touched {
            let value = std::mem::replace(&mut self.dense[col as usize], S::from_i64(0));
            if result.is_ok() && !value.is_zero() {
                out.push((col, value));
            }
            self.is_touched[col as usize] = false;
        }
        self.touched.clear();
        result?;
        primitive(&mut out)?;
        Ok(out)
    }

    /// Reduces into `dense`; the caller collects and clears it.
    fn reduce_dense(&mut self, vector: Vec<(u32, S)>) -> Result<(), Overflow> {
        let mut pending = BTreeSet::new();
        for (col, value) in vector {
            self.touch(col);
            self.dense[col as usize] = value;
            let row = self.row_of_col[col as usize];
            if row != u32::MAX {
                pending.insert(row);
            }
        }
        let one = S::from_i64(1);
        while let Some(index) = pending.pop_first() {
            let row = &self.rows[index as usize];
            let pivot = self.pivots[index as usize];
            let theirs = self.dense[pivot as usize].clone();
            if theirs.is_zero() {
                continue;
            }
            let own = &row[row.binary_search_by_key(&pivot, |&(col, _)| col).unwrap()].1;
            let (a, b) = if own.is_one() {
                (one.clone(), theirs)
            } else {
                let common = own.gcd(&theirs)?;
                (own.div_exact(&common), theirs.div_exact(&common))
            };
            // v ← a·v − b·row; a is 1 unless the row's pivot is not ±1.
            if !a.is_one() {
                for &col in &self.touched {
                    let value = &self.dense[col as usize];
                    self.dense[col as usize] = S::mul_sub(&a, value, &S::from_i64(0), value)?;
                }
            }
            for (col, value) in row {
                let current = &self.dense[*col as usize];
                let next = S::mul_sub(&one, current, &b, value)?;
                self.dense[*col as usize] = next;
                if !self.is_touched[*col as usize] {
                    self.is_touched[*col as usize] = true;
                    self.touched.push(*col);
                }
                let other = self.row_of_col[*col as usize];
                if other != u32::MAX && other > index {
                    pending.insert(other);
                }
            }
        }
        Ok(())
    }

    fn touch(&mut self, col: u32) {
        if !self.is_touched[col as usize] {
            self.is_touched[col as usize] = true;
            self.touched.push(col);
        }
    }
}

/// Divides a vector by the gcd of its entries, which keeps the integers small.
fn primitive<S: Scalar>(vector: &mut [(u32, S)]) -> Result<(), Overflow> {
    let mut common = S::from_i64(0);
    for (_, value) in vector.iter() {
        common = common.gcd(value)?;
        if common.is_one() {
            return Ok(());
        }
    }
    if !common.is_zero() {
        for (_, value) in vector.iter_mut() {
            *value = value.div_exact(&common);
        }
    }
    Ok(())
}

/// A direction: merged columns with coefficients ±1.
type Direction = Vec<(u32, i32)>;

/// How many of the cheapest pairs of one atom are tried as the base of a 2 × 2 hypercube.
const PAIRS_EXTENDED: usize = 4;
/// Largest number of corner combinations tried for one pair (keeps one search bounded when the
/// cells to cancel are wide, where a hypercube would not be cheap anyway).
const CORNERS_TRIED: usize = 4096;

/// The state of secondary suppression: which groups are suppressed and protected, and the
/// cost of the published groups.
struct Search<'a> {
    structure: &'a Structure,
    /// The cost of suppressing each group, 0 once suppressed.
    cost: Vec<u128>,
    suppressed: Vec<bool>,
    protected: Vec<bool>,
    /// Per column, the summed cost of the published groups containing it.
    col_cost: Vec<u128>,
    /// Scratch, all zero between uses.
    overlap: Vec<u128>,
    signed: Vec<i32>,
    in_target: Vec<bool>,
}

impl<'a> Search<'a> {
    fn new(structure: &'a Structure, values: &[u64]) -> Self {
        let groups = structure.group_cols.len();
        let cols = structure.col_groups.len();
        // Per cell, value first and then the number of cells: value · W + 1 with W above the
        // number of cells. The grand total costs more than all other cells together.
        let weight = structure.group_of_cell.len() as u128 + 1;
        let cell_cost =
            |g: usize| (u128::from(values[g]) * weight + 1) * structure.members[g].len() as u128;
        let others: u128 = (0..groups).map(cell_cost).sum();
        let cost: Vec<u128> = (0..groups)
            .map(|g| {
                if cols > 0 && structure.group_cols[g].len() == cols {
                    others + 1
                } else {
                    cell_cost(g)
                }
            })
            .collect();
        let mut col_cost = vec![0u128; cols];
        for (g, group_cols) in structure.group_cols.iter().enumerate() {
            for &col in group_cols {
                col_cost[col as usize] += cost[g];
            }
        }
        Search {
            structure,
            cost,
            suppressed: vec![false; groups],
            protected: vec![false; groups],
            col_cost,
            overlap: vec![0; cols],
            signed: vec![0; groups],
            in_target: vec![false; cols],
        }
    }

    fn suppress(&mut self, group: usize) {
        if !self.suppressed[group] {
            self.suppressed[group] = true;
            for &col in &self.structure.group_cols[group] {
                self.col_cost[col as usize] -= self.cost[group];
            }
            self.cost[group] = 0;
        }
    }

    /// Suppresses every group the direction changes; they are all protected by it.
    fn apply(&mut self, direction: &[(u32, i32)]) {
        let touched = self.add(direction, 1);
        for &group in &touched {
            if self.signed[group as usize] != 0 {
                self.suppress(group as usize);
                self.protected[group as usize] = true;
            }
        }
        self.clear(&touched);
    }

    /// Adds `sign · direction` to the per-group sums in `signed`; returns the groups touched.
    fn add(&mut self, direction: &[(u32, i32)], sign: i32) -> Vec<u32> {
        let mut touched = Vec::new();
        for &(col, coefficient) in direction {
            for &group in &self.structure.col_groups[col as usize] {
                self.signed[group as usize] += sign * coefficient;
                touched.push(group);
            }
        }
        touched
    }

    fn clear(&mut self, touched: &[u32]) {
        for &group in touched {
            self.signed[group as usize] = 0;
        }
    }

    /// The cost change of adding `coefficient · e_col` to the sums in `signed`.
    fn delta(&self, col: u32, coefficient: i32) -> i128 {
        let mut delta = 0i128;
        for &group in &self.structure.col_groups[col as usize] {
            let g = group as usize;
            let (before, after) = (self.signed[g], self.signed[g] + coefficient);
            let cost = self.cost[g] as i128;
            delta += cost * (i128::from(after != 0) - i128::from(before != 0));
        }
        delta
    }

    /// The cheapest direction that changes `target` (see the module docs).
    fn cheapest_direction(&mut self, target: usize) -> Direction {
        let structure = self.structure;
        let target_cols = &structure.group_cols[target];
        for &col in target_cols {
            self.in_target[col as usize] = true;
        }
        let mut best: Option<(u128, Direction)> = None;
        let mut consider = |cost: u128, direction: &[(u32, i32)]| {
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, direction.to_vec()));
            }
        };
        for &i in target_cols {
            consider(self.col_cost[i as usize], &[(i, 1)]);

            // Pairs e_i − e_j: cost(i) + cost(j) − 2·cost(shared published groups). A j that
            // shares no published group costs at least as much as e_i alone.
            let mut shared = Vec::new();
            for &group in &structure.col_groups[i as usize] {
                let cost = self.cost[group as usize];
                if cost == 0 {
                    continue;
                }
                for &j in &structure.group_cols[group as usize] {
                    if self.overlap[j as usize] == 0 {
                        shared.push(j);
                    }
                    self.overlap[j as usize] += cost;
                }
            }
            let mut pairs: Vec<(u128, u32)> = shared
                .iter()
                .filter(|&&j| !self.in_target[j as usize])
                .map(|&j| {
                    let cost = self.col_cost[i as usize] + self.col_cost[j as usize]
                        - 2 * self.overlap[j as usize];
                    (cost, j)
                })
                .collect();
            for &j in &shared {
                self.overlap[j as usize] = 0;
            }
            // Only the cheapest few are needed, in order (ties by column).
            if pairs.len() > PAIRS_EXTENDED {
                pairs.select_nth_unstable(PAIRS_EXTENDED);
                pairs.truncate(PAIRS_EXTENDED);
            }
            pairs.sort_unstable();
            if let Some(&(cost, j)) = pairs.first() {
                consider(cost, &[(i, 1), (j, -1)]);
            }

            // 2 × 2 hypercubes on the cheapest pairs: cancel the most expensive published
            // group the pair raises (with e_p, p in it) and the one it lowers (with e_q).
            for &(pair_cost, j) in &pairs {
                let pair = [(i, 1), (j, -1)];
                let touched = self.add(&pair, 1);
                let heaviest = |sign: i32| {
                    touched
                        .iter()
                        .copied()
                        .filter(|&g| self.signed[g as usize] == sign && self.cost[g as usize] > 0)
                        .max_by_key(|&g| (self.cost[g as usize], std::cmp::Reverse(g)))
                };
                if let (Some(raised), Some(lowered)) = (heaviest(1), heaviest(-1)) {
                    let ps = &structure.group_cols[raised as usize];
                    let qs = &structure.group_cols[lowered as usize];
                    if ps.len() * qs.len() <= CORNERS_TRIED {
                        for &p in ps.iter().filter(|&&p| p != i) {
                            let p_delta = self.delta(p, -1);
                            let p_touched = self.add(&[(p, 1)], -1);
                            for &q in qs.iter().filter(|&&q| q != j && q != p) {
                                let in_t = |c: u32| i32::from(self.in_target[c as usize]);
                                if in_t(i) - in_t(j) - in_t(p) + in_t(q) == 0 {
                                    continue;
                                }
                                let cost = pair_cost as i128 + p_delta + self.delta(q, 1);
                                consider(cost as u128, &[(i, 1), (j, -1), (p, -1), (q, 1)]);
                            }
                            for &group in &p_touched {
                                self.signed[group as usize] += 1;
                            }
                        }
                    }
                }
                self.clear(&touched);
            }
        }
        for &col in target_cols {
            self.in_target[col as usize] = false;
        }
        best.expect("a suppressed cell with a non-zero value has an atom")
            .1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dense pseudo-random 0/1 square matrix (a 64-bit LCG's top bit): its minors, and so
    /// the integers of exact elimination, pass `i128` (n = 30 already does).
    fn dense_cells(n: usize) -> Vec<Vec<usize>> {
        let mut state: u64 = 20261201;
        (0..n)
            .map(|_| {
                (0..n)
                    .filter(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        state >> 63 == 1
                    })
                    .collect()
            })
            .collect()
    }

    /// The big-integer answer itself is checked against sympy: this is the fixture's
    /// `dense_40_big_integers` case (`tests/oracle.rs`).
    #[test]
    fn the_audit_falls_back_to_big_integers() {
        let n = 40;
        let mut cells = dense_cells(n);
        cells.push(vec![0]);
        cells.push(vec![0, 1]);
        let mut shown = vec![true; cells.len()];
        shown[0] = false;
        shown[n] = false;
        shown[n + 1] = false;
        let structure = Structure::new(&cells, n, |_| true);
        assert!(audit_in::<i128>(&structure, &shown).is_err());
        let big = audit_in::<BigInt>(&structure, &shown).unwrap();
        assert_eq!(big, audit(&structure, &shown));
    }
}
