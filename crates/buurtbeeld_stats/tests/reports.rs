//! Properties of the deduplication of residents' reports (`report_clusters`).

use buurtbeeld_stats::report_clusters::{cluster_reports, ClusterRule, Report};
use proptest::prelude::*;

fn reports() -> impl Strategy<Value = Vec<Report>> {
    prop::collection::vec(
        (0u32..3, 0i32..40, 0i32..40, 0i32..30).prop_map(|(category, x, y, day)| Report {
            category,
            // A 10 m lattice: distances of exactly 50 m occur.
            x: 150_000.0 + 10.0 * f64::from(x),
            y: 460_000.0 + 10.0 * f64::from(y),
            day,
        }),
        0..200,
    )
}

/// The rule by brute force (as `tests/oracle/report_clusters.py`): every report against every
/// problem opened before it.
fn brute_force(reports: &[Report], rule: &ClusterRule) -> Vec<u32> {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| (reports[i].day, i));
    let mut firsts: Vec<Report> = Vec::new();
    let mut problem_of = vec![0u32; reports.len()];
    for i in order {
        let r = reports[i];
        let mut best: Option<(f64, usize)> = None;
        for (problem, f) in firsts.iter().enumerate() {
            let (dx, dy) = (r.x - f.x, r.y - f.y);
            let squared = dx * dx + dy * dy;
            let near = squared <= rule.distance * rule.distance;
            let recent = (0..=rule.days).contains(&(r.day - f.day));
            if f.category == r.category && near && recent && best.is_none_or(|b| squared < b.0) {
                best = Some((squared, problem));
            }
        }
        problem_of[i] = match best {
            Some((_, problem)) => problem as u32,
            None => {
                firsts.push(r);
                firsts.len() as u32 - 1
            }
        };
    }
    problem_of
}

proptest! {
    /// On a 10 m lattice many reports lie exactly `distance` from a first report: the grid of
    /// open problems must find them as the brute force does.
    #[test]
    fn the_grid_finds_what_the_brute_force_finds(
        reports in reports(), distance in prop::sample::select(vec![0.0, 10.0, 30.0, 50.0, 70.7, 100.0]),
        days in 0i32..10,
    ) {
        let rule = ClusterRule { distance, days };
        let problems = cluster_reports(&reports, &rule).unwrap();
        prop_assert_eq!(problems.problem_of, brute_force(&reports, &rule));
    }

    #[test]
    fn there_are_never_more_problems_than_reports(
        reports in reports(), distance in 0.0f64..200.0, days in 0i32..20,
    ) {
        let problems = cluster_reports(&reports, &ClusterRule { distance, days }).unwrap();
        prop_assert!(problems.count() <= reports.len());
        prop_assert!(reports.is_empty() || problems.count() >= 1);
        // Every problem's first report belongs to it and every report's problem exists.
        for (problem, &first) in problems.first_report.iter().enumerate() {
            prop_assert_eq!(problems.problem_of[first] as usize, problem);
        }
        prop_assert!(problems.problem_of.iter().all(|&p| (p as usize) < problems.count()));
    }

    #[test]
    fn without_distance_and_days_distinct_points_are_distinct_problems(reports in reports()) {
        let mut seen = std::collections::BTreeSet::new();
        let distinct: Vec<Report> = reports
            .into_iter()
            .filter(|r| seen.insert((r.x.to_bits(), r.y.to_bits())))
            .collect();
        let rule = ClusterRule { distance: 0.0, days: 0 };
        let problems = cluster_reports(&distinct, &rule).unwrap();
        prop_assert_eq!(problems.count(), distinct.len());
    }

    /// Reordering the input changes nothing as long as reports of one day keep their order:
    /// each report keeps its problem, and problems keep their numbers. The permutation puts
    /// the days in a seeded random order, each day's reports in their input order.
    #[test]
    fn the_order_of_reports_on_different_days_does_not_matter(
        reports in reports(), seed in any::<u64>(), distance in 0.0f64..120.0, days in 0i32..10,
    ) {
        let rule = ClusterRule { distance, days };
        let mut days_in_order: Vec<i32> = reports.iter().map(|r| r.day).collect();
        days_in_order.sort_unstable();
        days_in_order.dedup();
        let mut state = seed | 1;
        for i in (1..days_in_order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            days_in_order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let permutation: Vec<usize> = days_in_order
            .iter()
            .flat_map(|&d| {
                let reports = &reports;
                (0..reports.len()).filter(move |&i| reports[i].day == d)
            })
            .collect();
        let permuted: Vec<Report> = permutation.iter().map(|&i| reports[i]).collect();
        let original = cluster_reports(&reports, &rule).unwrap();
        let moved = cluster_reports(&permuted, &rule).unwrap();
        for (position, &i) in permutation.iter().enumerate() {
            prop_assert_eq!(moved.problem_of[position], original.problem_of[i]);
        }
        prop_assert_eq!(moved.count(), original.count());
    }
}
