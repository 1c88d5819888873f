//! Disclosure control: hand-made tables with a known answer, and properties of `protect` on
//! random area × theme cubes, checked by an exact audit written here apart from the library's
//! (dense Gaussian elimination by leading column; the library's is sparse, on merged atoms).
//! The audit against sympy is in `tests/oracle.rs`.

use buurtbeeld_stats::disclosure::{
    protect, recoverable, Disclosure, LinkedTable, DEFAULT_THRESHOLD,
};
use num_rational::BigRational;
use num_traits::{CheckedMul, CheckedSub, One, Zero};
use proptest::prelude::*;

use Disclosure::{Primary, Published, Secondary};

// ---- The test's own audit ----

/// Exact numbers for dense elimination: `i128` (checked, rows divided by their gcd) and
/// `BigRational` (rows divided by their leading entry) when `i128` overflows.
trait Exact: Clone + Zero + One + CheckedMul + CheckedSub {
    fn tidy(row: &mut [Self]);
}

impl Exact for i128 {
    fn tidy(row: &mut [i128]) {
        let gcd = row.iter().fold(0u128, |a, &b| {
            let (mut a, mut b) = (a, b.unsigned_abs());
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        });
        if gcd > 1 {
            let gcd = gcd as i128;
            row.iter_mut().for_each(|v| *v /= gcd);
        }
    }
}

impl Exact for BigRational {
    fn tidy(row: &mut [BigRational]) {
        if let Some(lead) = row.iter().find(|v| !v.is_zero()).cloned() {
            row.iter_mut().for_each(|v| *v = &*v / &lead);
        }
    }
}

/// Which targets lie in the span of `rows` (0/1 vectors), or None on overflow. Row echelon form
/// with strictly increasing leading columns; a vector reduced by every row in that order is
/// zero exactly when it lies in the span.
fn in_span<T: Exact>(rows: &[Vec<bool>], targets: &[Vec<bool>]) -> Option<Vec<bool>> {
    let dense = |v: &Vec<bool>| -> Vec<T> {
        v.iter()
            .map(|&b| if b { T::one() } else { T::zero() })
            .collect()
    };
    let reduce = |basis: &[(usize, Vec<T>)], mut v: Vec<T>| -> Option<Vec<T>> {
        for (lead, row) in basis {
            if v[*lead].is_zero() {
                continue;
            }
            let (a, b) = (row[*lead].clone(), v[*lead].clone());
            for (x, y) in v.iter_mut().zip(row) {
                *x = a.checked_mul(x)?.checked_sub(&b.checked_mul(y)?)?;
            }
            T::tidy(&mut v);
        }
        Some(v)
    };
    let mut basis: Vec<(usize, Vec<T>)> = Vec::new();
    for row in rows {
        let v = reduce(&basis, dense(row))?;
        if let Some(lead) = v.iter().position(|x| !x.is_zero()) {
            let at = basis.partition_point(|(l, _)| *l < lead);
            basis.insert(at, (lead, v));
        }
    }
    targets
        .iter()
        .map(|t| Some(reduce(&basis, dense(t))?.iter().all(Zero::is_zero)))
        .collect()
}

/// The suppressed cells that the shown ones reveal, by the test's audit.
fn exposed(table: &LinkedTable, shown: &[bool]) -> Vec<usize> {
    let vector = |cell: &Vec<usize>| {
        let mut v = vec![false; table.atoms.len()];
        cell.iter().for_each(|&a| v[a] = true);
        v
    };
    let rows: Vec<Vec<bool>> = (0..shown.len())
        .filter(|&c| shown[c])
        .map(|c| vector(&table.cells[c]))
        .collect();
    let hidden: Vec<usize> = (0..shown.len()).filter(|&c| !shown[c]).collect();
    let targets: Vec<Vec<bool>> = hidden.iter().map(|&c| vector(&table.cells[c])).collect();
    let found = in_span::<i128>(&rows, &targets)
        .or_else(|| in_span::<BigRational>(&rows, &targets))
        .expect("rationals do not overflow");
    hidden
        .into_iter()
        .zip(found)
        .filter_map(|(c, f)| f.then_some(c))
        .collect()
}

/// The table without its zero atoms, written here so as not to lean on the library's.
fn without_zero_atoms(table: &LinkedTable) -> LinkedTable {
    let mut index = vec![usize::MAX; table.atoms.len()];
    let mut atoms = Vec::new();
    for (i, &a) in table.atoms.iter().enumerate() {
        if a > 0 {
            index[i] = atoms.len();
            atoms.push(a);
        }
    }
    let cells = table
        .cells
        .iter()
        .map(|cell| {
            cell.iter()
                .map(|&a| index[a])
                .filter(|&a| a != usize::MAX)
                .collect()
        })
        .collect();
    LinkedTable { atoms, cells }
}

fn shown(status: &[Disclosure]) -> Vec<bool> {
    status.iter().map(|s| s.is_published()).collect()
}

/// Asserts that no suppressed cell can be recovered, linearly or knowing the zero atoms.
fn assert_safe(table: &LinkedTable, status: &[Disclosure]) {
    let shown = shown(status);
    assert_eq!(exposed(table, &shown), Vec::<usize>::new(), "{status:?}");
    let positive = without_zero_atoms(table);
    assert_eq!(
        exposed(&positive, &shown),
        Vec::<usize>::new(),
        "{status:?}"
    );
}

// ---- Area × theme cubes ----

/// A gemeente with wijken of `wijken[w]` buurten, `categories` categories, themes as sets of
/// categories and a count per buurt and category.
#[derive(Debug, Clone)]
struct Cube {
    wijken: Vec<usize>,
    categories: usize,
    themes: Vec<Vec<usize>>,
    counts: Vec<u64>,
}

impl Cube {
    fn buurten(&self) -> usize {
        self.wijken.iter().sum()
    }

    /// Cells: the gemeente, then every wijk, then every buurt, each with every theme. Atom
    /// `b · categories + c`.
    fn table(&self) -> LinkedTable {
        let buurten = self.buurten();
        let mut areas = vec![(0..buurten).collect::<Vec<_>>()];
        let mut first = 0;
        for &size in &self.wijken {
            areas.push((first..first + size).collect());
            first += size;
        }
        areas.extend((0..buurten).map(|b| vec![b]));
        let cells = areas
            .iter()
            .flat_map(|area| {
                self.themes.iter().map(move |theme| {
                    area.iter()
                        .flat_map(|b| theme.iter().map(move |c| b * self.categories + c))
                        .collect()
                })
            })
            .collect();
        LinkedTable {
            atoms: self.counts[..buurten * self.categories].to_vec(),
            cells,
        }
    }
}

fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => Just(0u64),
        4 => 1u64..5,
        2 => 5u64..12,
        1 => 12u64..60,
    ]
}

/// 1–4 wijken of 1–6 buurten, 1–6 categories, the theme of all categories plus up to three
/// random ones (duplicates allowed) and sometimes the union of the first two.
fn cube() -> impl Strategy<Value = Cube> {
    (
        prop::collection::vec(1usize..=6, 1..=4),
        1usize..=6,
        prop::collection::vec(1u32..64, 0..=3),
        any::<bool>(),
        prop::collection::vec(count(), 4 * 6 * 6),
    )
        .prop_map(|(wijken, categories, masks, union, counts)| {
            let mut themes = vec![(0..categories).collect::<Vec<_>>()];
            for mask in masks {
                let theme: Vec<usize> = (0..categories).filter(|c| mask >> c & 1 == 1).collect();
                if !theme.is_empty() {
                    themes.push(theme);
                }
            }
            if union && themes.len() >= 3 {
                let mut joined: Vec<usize> = themes[1].iter().chain(&themes[2]).copied().collect();
                joined.sort_unstable();
                joined.dedup();
                themes.push(joined);
            }
            Cube {
                wijken,
                categories,
                themes,
                counts,
            }
        })
}

/// Cells with the same set of atoms among those in `keep`.
fn twins(table: &LinkedTable, keep: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let sets: Vec<Vec<usize>> = table
        .cells
        .iter()
        .map(|cell| {
            let mut set: Vec<usize> = cell.iter().copied().filter(|&a| keep(a)).collect();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            if sets[i] == sets[j] {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    /// Small counts are never published, zeros always; no suppressed cell can be recovered
    /// (linearly, or knowing the zero atoms); twins share a status; the library's audit agrees
    /// with this file's; and the result does not vary between runs.
    #[test]
    fn protect_suppresses_small_counts_and_leaves_nothing_recoverable(cube in cube()) {
        let table = cube.table();
        let status = protect(&table, DEFAULT_THRESHOLD);
        prop_assert_eq!(status.len(), table.cells.len());
        for (cell, &s) in status.iter().enumerate() {
            let value = table.value(cell);
            let primary = value > 0 && value < DEFAULT_THRESHOLD;
            prop_assert_eq!(s == Primary, primary, "cell {} value {}", cell, value);
            if value == 0 {
                prop_assert_eq!(s, Published);
            }
        }
        let shown = shown(&status);
        prop_assert_eq!(exposed(&table, &shown), Vec::<usize>::new());
        let positive = without_zero_atoms(&table);
        prop_assert_eq!(exposed(&positive, &shown), Vec::<usize>::new());
        prop_assert_eq!(recoverable(&positive, &shown), Vec::<usize>::new());
        for (i, j) in twins(&table, |a| table.atoms[a] > 0) {
            prop_assert_eq!(status[i], status[j], "cells {} and {}", i, j);
        }
        // The library's audit against this file's on a pattern that does reveal cells.
        let primary_only: Vec<bool> = status.iter().map(|&s| s != Primary).collect();
        prop_assert_eq!(recoverable(&table, &primary_only), exposed(&table, &primary_only));
        prop_assert_eq!(protect(&table.clone(), DEFAULT_THRESHOLD), status);
    }
}

// ---- Hand cases ----

/// A table from its counts and its cells.
fn table(atoms: Vec<u64>, cells: Vec<Vec<usize>>) -> LinkedTable {
    LinkedTable { atoms, cells }
}

#[test]
fn a_buurt_below_the_threshold_needs_a_partner_in_its_wijk() {
    // One theme. Cells: gemeente, wijk 1 (buurten 0–2), wijk 2 (3, 4), buurten 0–4.
    let t = table(
        vec![3, 10, 12, 20, 30],
        vec![
            vec![0, 1, 2, 3, 4],
            vec![0, 1, 2],
            vec![3, 4],
            vec![0],
            vec![1],
            vec![2],
            vec![3],
            vec![4],
        ],
    );
    // Buurt 0 alone suppressed: wijk 1 − buurt 1 − buurt 2 gives it away.
    let mut only_primary = vec![true; 8];
    only_primary[3] = false;
    assert_eq!(recoverable(&t, &only_primary), vec![3]);
    assert_eq!(exposed(&t, &only_primary), vec![3]);
    let status = protect(&t, DEFAULT_THRESHOLD);
    // The smaller sibling (10) is the partner; no wijk or gemeente is suppressed.
    assert_eq!(
        status,
        vec![Published, Published, Published, Primary, Secondary, Published, Published, Published]
    );
    assert_safe(&t, &status);
}

#[test]
fn the_classic_two_by_two_suppresses_the_four_inner_cells() {
    // Two buurten × two categories (atoms b·2 + c), with row, column and grand totals.
    let t = table(
        vec![2, 10, 12, 15],
        vec![
            vec![0],
            vec![1],
            vec![2],
            vec![3],
            vec![0, 1],
            vec![2, 3],
            vec![0, 2],
            vec![1, 3],
            vec![0, 1, 2, 3],
        ],
    );
    let status = protect(&t, DEFAULT_THRESHOLD);
    assert_eq!(
        status,
        vec![
            Primary, Secondary, Secondary, Secondary, Published, Published, Published, Published,
            Published
        ]
    );
    assert_safe(&t, &status);
    // Any three of the four inner cells give the fourth away with the margins.
    for hidden in 0..4 {
        let mut shown = vec![true; 9];
        shown[0] = false;
        shown[hidden] = false;
        assert!(recoverable(&t, &shown).contains(&0));
    }
}

#[test]
fn a_wijk_with_one_buurt_shares_its_status() {
    // Cells: gemeente, wijk 1 = {buurt 0}, wijk 2 = {buurt 1}, buurt 0, buurt 1.
    let cells = vec![vec![0, 1], vec![0], vec![1], vec![0], vec![1]];
    let t = table(vec![7, 2], cells.clone());
    let status = protect(&t, DEFAULT_THRESHOLD);
    // Buurt 1 and its wijk are both 2; the partner is the other wijk and its buurt, together.
    assert_eq!(
        status,
        vec![Published, Secondary, Primary, Secondary, Primary]
    );
    assert_safe(&t, &status);
    // Publishing the wijk but not its buurt gives the buurt away.
    assert_eq!(
        recoverable(&t, &[true, true, false, true, false]),
        vec![2, 4]
    );
    assert_eq!(recoverable(&t, &[true, true, true, true, false]), vec![4]);
}

#[test]
fn a_theme_that_is_the_union_of_two_others() {
    // Themes A = {c0}, B = {c1}, U = A ∪ B over a wijk of buurten 0 and 1 (atom b·2 + c).
    // Cells: (wijk, A), (wijk, B), (wijk, U), then the same for buurt 0 and buurt 1.
    let areas = [vec![0usize, 1], vec![0], vec![1]];
    let themes = [vec![0usize], vec![1], vec![0, 1]];
    let cells = areas
        .iter()
        .flat_map(|area| {
            themes.iter().map(move |theme| {
                area.iter()
                    .flat_map(|b| theme.iter().map(move |c| b * 2 + c))
                    .collect()
            })
        })
        .collect();
    let t = table(vec![2, 8, 9, 11], cells);
    // (buurt 0, A) alone suppressed: (buurt 0, U) − (buurt 0, B) gives it away.
    let mut shown = vec![true; 9];
    shown[3] = false;
    assert_eq!(recoverable(&t, &shown), vec![3]);
    let status = protect(&t, DEFAULT_THRESHOLD);
    // The 2 × 2 of themes A and B in both buurten: U and the wijk stay published.
    assert_eq!(
        status,
        vec![
            Published, Published, Published, Primary, Secondary, Published, Secondary, Secondary,
            Published
        ]
    );
    assert_safe(&t, &status);
}

#[test]
fn zero_atoms_known_through_non_negativity_are_accounted_for() {
    // One buurt, categories c1..c4 = atoms 0..3 with counts 7, 0, 0, 3; themes T = {c1,c2,c3},
    // S = {c1}, R = {c2,c4}, V = {c1,c4}.
    let t = table(
        vec![7, 0, 0, 3],
        vec![vec![0, 1, 2], vec![0], vec![1, 3], vec![0, 3]],
    );
    let r_alone = [true, true, false, true];
    // Linearly R = c2 + c4 is safe: c4 = V − S is known, c2 is not ...
    assert_eq!(recoverable(&t, &r_alone), Vec::<usize>::new());
    assert_eq!(exposed(&t, &r_alone), Vec::<usize>::new());
    // ... but T = S means c2 + c3 = 0, so c2 = 0 and R = V − S.
    assert_eq!(recoverable(&t.positive_part(), &r_alone), vec![2]);
    let status = protect(&t, DEFAULT_THRESHOLD);
    // Without its zero atoms V = c1 + c4 sums every atom, the grand total, so T and S go.
    assert_eq!(status, vec![Secondary, Secondary, Primary, Published]);
    assert_safe(&t, &status);
}

#[test]
fn zero_is_published_and_the_threshold_is_exclusive() {
    // Three separate buurten without totals: nothing links them.
    let t = table(vec![0, 4, 5], vec![vec![0], vec![1], vec![2]]);
    assert_eq!(
        protect(&t, DEFAULT_THRESHOLD),
        vec![Published, Primary, Published]
    );
    assert_eq!(protect(&t, 1), vec![Published; 3]);
    assert_eq!(protect(&t, 6), vec![Published, Primary, Primary]);
}

#[test]
fn the_test_audit_agrees_with_itself_in_rationals() {
    // The overflow fallback of this file's audit, on tables where i128 does not overflow.
    let tables = [
        // {1,2}, {2,3}, {1,3}: rank 3 over Q, 2 modulo 2; {1} = half their alternating sum.
        (
            vec![vec![0, 1], vec![1, 2], vec![0, 2]],
            vec![vec![0], vec![0, 1, 2], vec![3]],
            vec![true, true, false],
        ),
        (
            vec![vec![0, 1, 2], vec![0, 1], vec![2, 3]],
            vec![vec![3], vec![0], vec![2]],
            vec![true, false, true],
        ),
    ];
    for (rows, targets, expected) in tables {
        let dense = |sets: &Vec<Vec<usize>>| -> Vec<Vec<bool>> {
            sets.iter()
                .map(|s| (0..4).map(|a| s.contains(&a)).collect())
                .collect()
        };
        let (rows, targets) = (dense(&rows), dense(&targets));
        assert_eq!(in_span::<i128>(&rows, &targets).unwrap(), expected);
        assert_eq!(in_span::<BigRational>(&rows, &targets).unwrap(), expected);
    }
}
