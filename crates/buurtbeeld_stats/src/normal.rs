//! The standard normal tail, shared by the statistics that use a normal approximation.

use statrs::distribution::{ContinuousCDF, Normal};

/// Two-sided p-value of a standard normal z: `2·(1 − Φ(|z|))`, computed from the upper tail so
/// that it stays accurate far out (|z| = 12 gives ≈ 3,6e-33, not 0).
pub fn two_sided_p(z: f64) -> f64 {
    let standard = Normal::new(0.0, 1.0).expect("valid parameters");
    (2.0 * standard.sf(z.abs())).min(1.0)
}
