//! Statistics of buurtbeeld, one method per file. Deterministic; no IO.
//!
//! Each method is checked against an established implementation (scipy, statsmodels, PySAL):
//! the scripts that produced the expected values are in `tests/oracle/`, the values in
//! `tests/fixtures/`.

pub mod poisson_exact;

pub use poisson_exact::poisson_exact_test;
