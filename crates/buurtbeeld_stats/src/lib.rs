//! Statistics of buurtbeeld, one method per file. Deterministic; no IO.
//!
//! Each method is checked against an established implementation (scipy, statsmodels, PySAL):
//! the scripts that produced the expected values are in `tests/oracle/`, the values in
//! `tests/fixtures/`.
//!
//! - Change between two periods: [`poisson_exact`].
//! - Spatial weights: [`weights`] (the type), [`contiguity`] (queen, rook), [`knn`],
//!   [`distance_band`].
//! - Local statistics: [`gi_star`], [`local_moran`], [`conditional_permutation`] (their
//!   pseudo p-values), [`empirical_bayes`] (rates for small populations),
//!   [`multiple_testing`].
//! - Over time: [`mann_kendall`], [`emerging_hotspot`], [`spike`].
//! - Forecasts: [`forecast`] (the `Forecaster` trait and count-respecting intervals), the
//!   methods [`naive`], [`seasonal_naive`], [`moving_average`], [`holt_winters`],
//!   [`pooled_seasonal`], [`poisson_regression`], [`pooled_poisson`], and [`backtest`]
//!   (rolling-origin scores and selection).
//! - Effects of interventions: [`difference_in_differences`], [`poisson_did`] (rate ratio from
//!   Poisson fixed effects, randomisation inference from placebos in space),
//!   [`synthetic_control`] (with placebo tests in space).
//! - Publishing counts: [`disclosure`] (small-count and secondary suppression, with an exact
//!   audit).
//! - Points and reports: [`kernel_density`] (heat maps and counts on a grid in RD New),
//!   [`report_clusters`] (several residents' reports of one problem counted once).
//! - Two series: [`rank_correlation`] (Spearman and Pearson with p-values, of levels or of
//!   changes).
//! - Space and time together: [`knox`] (the near-repeat test: Knox table with Monte Carlo
//!   permutations of the days).
//! - Indelingen over time: [`crosswalk`] (overlap weights between two indelingen and integer
//!   allocation with exact totals).

pub mod backtest;
pub mod conditional_permutation;
pub mod contiguity;
pub mod crosswalk;
pub mod difference_in_differences;
pub mod disclosure;
pub mod distance_band;
pub mod emerging_hotspot;
pub mod empirical_bayes;
pub mod forecast;
pub mod gi_star;
pub mod holt_winters;
pub mod kernel_density;
pub mod knn;
pub mod knox;
pub mod local_moran;
pub mod mann_kendall;
pub mod moving_average;
pub mod multiple_testing;
pub mod naive;
pub mod normal;
pub mod poisson_did;
pub mod poisson_exact;
pub mod poisson_regression;
pub mod pooled_poisson;
pub mod pooled_seasonal;
pub mod rank_correlation;
pub mod recent_median;
pub mod report_clusters;
pub mod seasonal_naive;
pub mod simple_rules;
pub mod spike;
pub mod synthetic_control;
pub mod weights;

pub use knox::{
    knox_test, DistanceMetric, KnoxBands, KnoxCell, KnoxError, KnoxParameters, KnoxResult,
};
pub use poisson_exact::{poisson_exact_test, rate_ratio_interval};
