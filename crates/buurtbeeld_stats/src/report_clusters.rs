//! Deduplication of residents' reports: several residents reporting the same problem (one
//! broken street light, one dumped sofa) count as one problem.
//!
//! # What it computes
//! Reports are taken in time order (reports of one day in input order). A report joins an open
//! problem of its category whose *first* report lies at most `distance` metres away and at most
//! `days` days earlier; of several such problems it joins the nearest (ties: the problem opened
//! first). Otherwise it opens a new problem. Problems are numbered 0, 1, … in the order they
//! were opened, so the numbering depends on the reports only, not on the order of input of
//! reports on different days.
//!
//! Why anchored at the first report: with single linkage (join when near *any* report of the
//! problem) a chain of reports 40 m and 5 days apart makes one "problem" that creeps along a
//! street for weeks and over kilometres, and one late report can merge two problems after the
//! fact. Anchored at the first report, a problem is a disc of radius `distance` and a window of
//! `days` days, decided once and never revised: a report's problem is known when it arrives,
//! as a reporting desk sees it.
//!
//! # Assumptions
//! Coordinates in metres on a plane (RD New). Days as integers (any epoch). Reports of one
//! category only ever merge with each other.
//!
//! # Parameters
//! [`ClusterRule`]: `distance` (metres, default 50, inclusive) and `days` (default 7,
//! inclusive: a report 7 days after the first report still joins). Distance 0 joins only
//! reports at exactly the same point.
//!
//! # Measured behaviour
//! Open problems sit in a hash grid per category with cells of `distance` metres, so a report
//! looks at nine cells; problems older than `days` leave the grid as the sweep passes. After
//! the sort this is linear in the number of reports when open problems are spread out. One
//! million reports of about 400.000 problems over three years take 0,9 s on one core
//! (BENCHMARKS.md, "Kernel density and report clustering"). Equal to the brute-force oracle
//! on all six rules of its fixture, and to a brute force in `tests/reports.rs` on lattices
//! where many reports lie exactly `distance` from a first report.
//!
//! # References
//! - The rule is ours; it is the "first report as anchor" rule of a service desk (a new report
//!   is compared with the open tickets), in contrast to single-linkage clustering (Sibson 1973,
//!   "SLINK", *The Computer Journal* 16) and ST-DBSCAN (Birant & Kut 2007, *Data & Knowledge
//!   Engineering* 60), whose clusters can chain.
//!
//! # Oracle
//! a brute-force Python script that implements the rule by comparing every report
//! with every earlier problem (`tests/oracle/report_clusters.py`) on a few thousand synthetic
//! reports with exact ties and reports on the distance and day limits; equal exactly.

use std::collections::{HashMap, VecDeque};

/// Default radius around a problem's first report, metres.
pub const DEFAULT_DISTANCE_METRES: f64 = 50.0;
/// Default window after a problem's first report, days.
pub const DEFAULT_DAYS: i32 = 7;

/// One report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Category index (what kind of problem); reports of different categories never merge.
    pub category: u32,
    /// RD New metres.
    pub x: f64,
    pub y: f64,
    /// Day number (any epoch).
    pub day: i32,
}

/// When two reports are one problem (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterRule {
    /// Metres from the problem's first report, inclusive.
    pub distance: f64,
    /// Days after the problem's first report, inclusive.
    pub days: i32,
}

impl Default for ClusterRule {
    fn default() -> Self {
        ClusterRule {
            distance: DEFAULT_DISTANCE_METRES,
            days: DEFAULT_DAYS,
        }
    }
}

/// The problems behind the reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// Problem of each report, indexed like the input.
    pub problem_of: Vec<u32>,
    /// The report that opened each problem (index into the input), by problem number.
    pub first_report: Vec<usize>,
}

impl Problems {
    /// How many problems.
    pub fn count(&self) -> usize {
        self.first_report.len()
    }
}

/// Why the reports cannot be grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("the distance must be a finite number of metres, 0 or more")]
    Distance,
    #[error("the number of days must be 0 or more")]
    Days,
    #[error("report {0} has a coordinate that is not a finite number")]
    Point(usize),
    #[error("more than 4.294.967.295 problems")]
    TooMany,
}

/// Groups `reports` into problems by `rule`; see the module docs.
pub fn cluster_reports(reports: &[Report], rule: &ClusterRule) -> Result<Problems, ClusterError> {
    if !(rule.distance >= 0.0 && rule.distance.is_finite()) {
        return Err(ClusterError::Distance);
    }
    if rule.days < 0 {
        return Err(ClusterError::Days);
    }
    if let Some(i) = reports
        .iter()
        .position(|r| !(r.x.is_finite() && r.y.is_finite()))
    {
        return Err(ClusterError::Point(i));
    }
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| (reports[i].day, i));

    // Cells a little larger than `distance` (at least 1 m): everything within `distance` then
    // lies in the 3 × 3 cells around a report even after rounding of the divisions (the margin
    // of 10⁻⁶ cells is far above the rounding of RD coordinates divided by 1 m or more).
    let cell_size = rule.distance.max(1.0) * (1.0 + 1e-6);
    let cell_of = |r: &Report| -> (u32, i64, i64) {
        (
            r.category,
            (r.x / cell_size).floor() as i64,
            (r.y / cell_size).floor() as i64,
        )
    };
    let limit = rule.distance * rule.distance;
    let mut open: HashMap<(u32, i64, i64), Vec<u32>> = HashMap::new();
    // Open problems in the order they were opened, which is the order of their first days.
    let mut by_age: VecDeque<u32> = VecDeque::new();
    let mut problem_of = vec![0u32; reports.len()];
    let mut first_report: Vec<usize> = Vec::new();

    for &i in &order {
        let report = &reports[i];
        while let Some(&oldest) = by_age.front() {
            let first = &reports[first_report[oldest as usize]];
            if i64::from(report.day) - i64::from(first.day) <= i64::from(rule.days) {
                break;
            }
            by_age.pop_front();
            let key = cell_of(first);
            if let Some(cell) = open.get_mut(&key) {
                cell.retain(|&p| p != oldest);
                if cell.is_empty() {
                    open.remove(&key);
                }
            }
        }
        let (category, cx, cy) = cell_of(report);
        let mut best: Option<(f64, u32)> = None;
        for nx in cx.saturating_sub(1)..=cx.saturating_add(1) {
            for ny in cy.saturating_sub(1)..=cy.saturating_add(1) {
                let Some(cell) = open.get(&(category, nx, ny)) else {
                    continue;
                };
                for &problem in cell {
                    let first = &reports[first_report[problem as usize]];
                    let (dx, dy) = (report.x - first.x, report.y - first.y);
                    let squared = dx * dx + dy * dy;
                    if squared <= limit
                        && best.is_none_or(|(d, p)| squared < d || (squared == d && problem < p))
                    {
                        best = Some((squared, problem));
                    }
                }
            }
        }
        problem_of[i] = match best {
            Some((_, problem)) => problem,
            None => {
                let problem =
                    u32::try_from(first_report.len()).map_err(|_| ClusterError::TooMany)?;
                first_report.push(i);
                by_age.push_back(problem);
                open.entry(cell_of(report)).or_default().push(problem);
                problem
            }
        };
    }
    Ok(Problems {
        problem_of,
        first_report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(category: u32, x: f64, y: f64, day: i32) -> Report {
        Report {
            category,
            x,
            y,
            day,
        }
    }

    #[test]
    fn a_problem_does_not_creep_along_a_street() {
        // Every report is 40 m and one day after the previous one: single linkage would make
        // one problem of 200 m; anchored at the first report it is three.
        let reports: Vec<Report> = (0..6).map(|k| report(0, 40.0 * k as f64, 0.0, k)).collect();
        let problems = cluster_reports(&reports, &ClusterRule::default()).unwrap();
        assert_eq!(problems.problem_of, vec![0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn limits_are_inclusive_and_categories_apart() {
        let reports = [
            report(0, 0.0, 0.0, 10),
            report(0, 30.0, 40.0, 17),
            report(1, 0.0, 0.0, 10),
            report(0, 0.0, 0.0, 18),
        ];
        let problems = cluster_reports(&reports, &ClusterRule::default()).unwrap();
        assert_eq!(problems.problem_of, vec![0, 0, 1, 2]);
        assert_eq!(problems.first_report, vec![0, 2, 3]);
    }

    #[test]
    fn the_nearest_problem_wins_and_ties_go_to_the_earliest() {
        let reports = [
            report(0, 0.0, 0.0, 0),
            report(0, 80.0, 0.0, 0),
            report(0, 50.0, 0.0, 1),
            report(0, 40.0, 0.0, 1),
        ];
        let problems = cluster_reports(&reports, &ClusterRule::default()).unwrap();
        assert_eq!(problems.problem_of, vec![0, 1, 1, 0]);
    }

    #[test]
    fn bad_rules_are_refused() {
        let rule = ClusterRule {
            distance: -1.0,
            days: 7,
        };
        assert_eq!(cluster_reports(&[], &rule), Err(ClusterError::Distance));
        let rule = ClusterRule {
            distance: 1.0,
            days: -1,
        };
        assert_eq!(cluster_reports(&[], &rule), Err(ClusterError::Days));
    }
}
