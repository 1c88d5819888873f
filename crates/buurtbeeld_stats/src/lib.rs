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

pub mod conditional_permutation;
pub mod contiguity;
pub mod distance_band;
pub mod emerging_hotspot;
pub mod empirical_bayes;
pub mod gi_star;
pub mod knn;
pub mod local_moran;
pub mod mann_kendall;
pub mod multiple_testing;
pub mod normal;
pub mod poisson_exact;
pub mod spike;
pub mod weights;

pub use poisson_exact::poisson_exact_test;
