//! Spatial statistics: emerging-hotspot categories on constructed space-time cubes, and
//! properties that must hold for any input (order invariance, no hotspot in a constant field).

use buurtbeeld_stats::conditional_permutation::conditional_permutation;
use buurtbeeld_stats::emerging_hotspot::{emerging_hotspots, EmergingClass, Pattern};
use buurtbeeld_stats::gi_star::gi_star;
use buurtbeeld_stats::local_moran::local_moran;
use buurtbeeld_stats::multiple_testing::{adjust, Correction};
use buurtbeeld_stats::weights::SpatialWeights;
use proptest::prelude::*;

const SIDE: usize = 9;
/// The centre of the lattice: the area whose pattern each cube sets.
const TARGET: usize = (SIDE / 2) * SIDE + SIDE / 2;

/// Rook contiguity on a SIDE × SIDE lattice.
fn lattice() -> SpatialWeights {
    let lists = (0..SIDE * SIDE)
        .map(|i| {
            let (r, c) = (i / SIDE, i % SIDE);
            let mut list = Vec::new();
            if r > 0 {
                list.push(i - SIDE);
            }
            if r + 1 < SIDE {
                list.push(i + SIDE);
            }
            if c > 0 {
                list.push(i - 1);
            }
            if c + 1 < SIDE {
                list.push(i + 1);
            }
            list
        })
        .collect();
    SpatialWeights::from_lists(lists)
}

/// What the block around the target holds in one period.
#[derive(Clone, Copy)]
enum Block {
    /// Values like the rest: no pattern.
    Plain,
    /// High values of this size (a hot spot).
    High(f64),
    /// Zeros (a cold spot).
    Low,
}

/// One period: background values 5–9 (varying, so Gi* is defined), the target and its four
/// rook neighbours set by `block`.
fn period(block: Block) -> Vec<f64> {
    let mut values: Vec<f64> = (0..SIDE * SIDE)
        .map(|i| 5.0 + ((i * 7) % 5) as f64)
        .collect();
    let around = [TARGET, TARGET - SIDE, TARGET + SIDE, TARGET - 1, TARGET + 1];
    for &i in &around {
        match block {
            Block::Plain => {}
            Block::High(v) => values[i] = v,
            Block::Low => values[i] = 0.0,
        }
    }
    values
}

fn class_of(blocks: &[Block]) -> EmergingClass {
    let cube: Vec<Vec<f64>> = blocks.iter().map(|&b| period(b)).collect();
    emerging_hotspots(&cube, &lattice(), 0.05, Correction::BenjaminiHochberg)[TARGET]
}

/// Ten periods: `hot_at` lists the periods (0-based) with a high block, the rest plain.
fn hot_at(periods: &[usize]) -> Vec<Block> {
    (0..10)
        .map(|t| {
            if periods.contains(&t) {
                Block::High(40.0)
            } else {
                Block::Plain
            }
        })
        .collect()
}

/// The mirror image: low blocks where `hot_at` has high ones.
fn cold(blocks: Vec<Block>) -> Vec<Block> {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::High(_) => Block::Low,
            Block::Low => Block::High(40.0),
            Block::Plain => Block::Plain,
        })
        .collect()
}

fn rising(from: f64, step: f64) -> Vec<Block> {
    (0..10)
        .map(|t| Block::High(from + step * t as f64))
        .collect()
}

#[test]
fn one_cube_per_emerging_category() {
    use EmergingClass::{ColdSpot, HotSpot, NoPattern};
    use Pattern::*;
    let all: Vec<usize> = (0..10).collect();
    let cases: Vec<(&str, Vec<Block>, EmergingClass)> = vec![
        ("no pattern", hot_at(&[]), NoPattern),
        ("new", hot_at(&[9]), HotSpot(New)),
        ("consecutive", hot_at(&[7, 8, 9]), HotSpot(Consecutive)),
        ("intensifying", rising(20.0, 6.0), HotSpot(Intensifying)),
        ("persistent", hot_at(&all), HotSpot(Persistent)),
        ("diminishing", rising(74.0, -6.0), HotSpot(Diminishing)),
        ("sporadic", hot_at(&[1, 4, 9]), HotSpot(Sporadic)),
        (
            "oscillating",
            {
                let mut b = hot_at(&[5, 9]);
                b[2] = Block::Low;
                b
            },
            HotSpot(Oscillating),
        ),
        (
            "historical",
            hot_at(&[0, 1, 2, 3, 4, 5, 6, 7, 8]),
            HotSpot(Historical),
        ),
        ("new cold", cold(hot_at(&[9])), ColdSpot(New)),
        (
            "consecutive cold",
            cold(hot_at(&[7, 8, 9])),
            ColdSpot(Consecutive),
        ),
        ("persistent cold", cold(hot_at(&all)), ColdSpot(Persistent)),
        (
            "sporadic cold",
            cold(hot_at(&[1, 4, 9])),
            ColdSpot(Sporadic),
        ),
        (
            "oscillating cold",
            {
                let mut b = cold(hot_at(&[5, 9]));
                b[2] = Block::High(40.0);
                b
            },
            ColdSpot(Oscillating),
        ),
        (
            "historical cold",
            cold(hot_at(&[0, 1, 2, 3, 4, 5, 6, 7, 8])),
            ColdSpot(Historical),
        ),
    ];
    for (name, blocks, expected) in cases {
        assert_eq!(class_of(&blocks), expected, "{name}");
    }
}

/// Intensifying and diminishing cold spots: the background rises (falls) while the block stays
/// at zero, so the cold spot's z falls (rises) steadily.
#[test]
fn cold_spots_intensify_and_diminish() {
    let trend = |step: f64| -> EmergingClass {
        let cube: Vec<Vec<f64>> = (0..10)
            .map(|t| {
                period(Block::Low)
                    .into_iter()
                    .map(|v| if v == 0.0 { 0.0 } else { v + step * t as f64 })
                    .collect()
            })
            .collect();
        emerging_hotspots(&cube, &lattice(), 0.05, Correction::BenjaminiHochberg)[TARGET]
    };
    // A rising background makes the empty block stand out ever more: z falls.
    assert_eq!(trend(1.0), EmergingClass::ColdSpot(Pattern::Intensifying));
    assert_eq!(trend(-0.4), EmergingClass::ColdSpot(Pattern::Diminishing));
}

fn symmetric_graph(n: usize, edges: &[(usize, usize)]) -> SpatialWeights {
    let mut lists = vec![Vec::new(); n];
    for &(a, b) in edges {
        let (a, b) = (a % n, b % n);
        if a != b {
            lists[a].push(b);
            lists[b].push(a);
        }
    }
    SpatialWeights::from_lists(lists)
}

/// The same graph with area `i` renamed `order[i]`.
fn relabel(weights: &SpatialWeights, order: &[usize]) -> SpatialWeights {
    let mut lists = vec![Vec::new(); weights.len()];
    for i in 0..weights.len() {
        lists[order[i]] = weights.neighbours(i).map(|j| order[j]).collect();
    }
    SpatialWeights::from_lists(lists)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Listing the areas in another order changes no area's result: analytic values up to
    /// rounding, permutation p-values exactly (integer counts sum exactly).
    #[test]
    fn area_order_does_not_matter(
        values in prop::collection::vec(0u32..60, 6..40),
        edges in prop::collection::vec((0usize..40, 0usize..40), 5..120),
        shuffle_seed in any::<u64>(),
    ) {
        let n = values.len();
        let values: Vec<f64> = values.into_iter().map(f64::from).collect();
        let weights = symmetric_graph(n, &edges);
        // A permutation of 0..n from the seed.
        let mut order: Vec<usize> = (0..n).collect();
        let mut state = shuffle_seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut moved = vec![0.0; n];
        for (&value, &to) in values.iter().zip(&order) { moved[to] = value; }
        let moved_weights = relabel(&weights, &order);

        let (gi, gi_moved) = (gi_star(&values, &weights), gi_star(&moved, &moved_weights));
        let (lm, lm_moved) = (local_moran(&values, &weights), local_moran(&moved, &moved_weights));
        let (sim, sim_moved) = (
            conditional_permutation(&values, &weights, 199, 7),
            conditional_permutation(&moved, &moved_weights, 199, 7),
        );
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs());
        for (i, &j) in order.iter().enumerate() {
            match (gi.z[i], gi_moved.z[j]) {
                (Some(a), Some(b)) => prop_assert!(close(a, b)),
                (a, b) => prop_assert_eq!(a.is_some(), b.is_some()),
            }
            prop_assert!(close(lm.i[i], lm_moved.i[j]));
            prop_assert_eq!(lm.quadrant[i], lm_moved.quadrant[j]);
            prop_assert_eq!(sim.gi_star[i], sim_moved.gi_star[j]);
            prop_assert_eq!(sim.local_moran[i], sim_moved.local_moran[j]);
        }
    }

    /// A constant field has no hot spot, no cold spot and no cluster, whatever the neighbours.
    #[test]
    fn a_constant_field_yields_no_hotspot(
        value in 0u32..1000,
        n in 3usize..40,
        edges in prop::collection::vec((0usize..40, 0usize..40), 1..120),
    ) {
        let values = vec![f64::from(value); n];
        let weights = symmetric_graph(n, &edges);
        let gi = gi_star(&values, &weights);
        prop_assert!(gi.z.iter().all(Option::is_none));
        let decided = adjust(&gi.p, 0.05, Correction::BenjaminiHochberg);
        prop_assert!(decided.reject.iter().all(|r| !r));
        prop_assert!(local_moran(&values, &weights).quadrant.iter().all(Option::is_none));
        let sim = conditional_permutation(&values, &weights, 99, 1);
        prop_assert!(sim.gi_star.iter().chain(&sim.local_moran).all(Option::is_none));
    }
}
