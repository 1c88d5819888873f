//! The standard normal tail, shared by the statistics that use a normal approximation.

/// Two-sided p-value of a standard normal z: `2·(1 − Φ(|z|)) = erfc(|z|/√2)`, computed from the
/// complementary error function so that it stays accurate far out (|z| = 12 gives ≈ 3,6e-33,
/// not 0). libm's `erfc` (musl's) is accurate to about one ulp; statrs' is not (8e-11 relative
/// at z = 1).
pub fn two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}
