//! Normal, lognormal and Poisson draws, implemented here rather than taken from `rand_distr`.
//!
//! Owning the algorithms pins the output: a `rand_distr` upgrade that changes a sampler would
//! otherwise change every generated file for the same seed. The Poisson sampler is also tuned for
//! this workload, where most means are far below 1.

use rand::Rng;

/// Means at or above this use rejection sampling; below it, inversion needs few steps.
const PTRS_THRESHOLD: f64 = 10.0;

/// Standard normal by Box–Muller; the second variate is dropped to keep the sampler stateless.
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    // 1 - [0, 1) lies in (0, 1], so the logarithm stays finite.
    let u1 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Lognormal multiplier with expectation 1, so spreading crime over areas does not change the
/// expected national total.
pub fn lognormal_mean_one<R: Rng + ?Sized>(rng: &mut R, sigma: f64) -> f64 {
    (sigma * standard_normal(rng) - 0.5 * sigma * sigma).exp()
}

/// Poisson draw with mean `lambda`; a mean of zero or less returns 0 without using the generator.
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        0
    } else if lambda < PTRS_THRESHOLD {
        poisson_inversion(rng, lambda)
    } else {
        poisson_ptrs(rng, lambda)
    }
}

/// Sequential search of the CDF: one uniform per draw, and usually a single comparison because
/// most means here are tiny.
fn poisson_inversion<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u32 {
    let u: f64 = rng.gen();
    let mut p = (-lambda).exp();
    let mut cdf = p;
    let mut k = 0u32;
    // Rounding can leave the summed CDF just below a u close to 1; the cap stops the search
    // where the remaining tail probability is far below f64 resolution anyway.
    let cap = (lambda + 20.0 * lambda.sqrt() + 30.0) as u32;
    while u > cdf && k < cap {
        k += 1;
        p *= lambda / f64::from(k);
        cdf += p;
    }
    k
}

/// Hörmann's transformed rejection with squeeze (PTRS, 1993), as in NumPy, valid for λ ≥ 10.
fn poisson_ptrs<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u32 {
    let slam = lambda.sqrt();
    let loglam = lambda.ln();
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let invalpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.gen::<f64>() - 0.5;
        let v: f64 = rng.gen();
        let us = 0.5 - u.abs();
        // `as` saturates, so us == 0 (k = -inf) lands in the k < 0 rejection below.
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor() as i64;
        if us >= 0.07 && v <= vr {
            return clamp_count(k);
        }
        if k < 0 || (us < 0.013 && v > us) {
            continue;
        }
        let kf = k as f64;
        if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
            <= -lambda + kf * loglam - ln_gamma(kf + 1.0)
        {
            return clamp_count(k);
        }
    }
}

fn clamp_count(k: i64) -> u32 {
    u32::try_from(k.max(0)).unwrap_or(u32::MAX)
}

/// ln Γ(x) for x ≥ 1 by Stirling's series after shifting x to at least 7 (NumPy's `loggam`).
fn ln_gamma(x: f64) -> f64 {
    const A: [f64; 10] = [
        8.333_333_333_333_333e-2,
        -2.777_777_777_777_778e-3,
        7.936_507_936_507_937e-4,
        -5.952_380_952_380_952e-4,
        8.417_508_417_508_418e-4,
        -1.917_526_917_526_918e-3,
        6.410_256_410_256_41e-3,
        -2.955_065_359_477_124e-2,
        1.796_443_723_688_307e-1,
        -1.392_432_216_905_9,
    ];
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let shift = if x < 7.0 { (7.0 - x).floor() } else { 0.0 };
    let mut x0 = x + shift;
    let x2 = 1.0 / (x0 * x0);
    let mut series = A[9];
    for &c in A[..9].iter().rev() {
        series = series * x2 + c;
    }
    let ln_2pi = 1.837_877_066_409_345_3;
    let mut gl = series / x0 + 0.5 * ln_2pi + (x0 - 0.5) * x0.ln() - x0;
    for _ in 0..shift as u32 {
        gl -= (x0 - 1.0).ln();
        x0 -= 1.0;
    }
    gl
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn moments(lambda: f64, n: usize) -> (f64, f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let draws: Vec<f64> = (0..n)
            .map(|_| f64::from(poisson(&mut rng, lambda)))
            .collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn poisson_mean_and_variance_match_lambda() {
        for lambda in [0.02, 0.7, 4.0, 9.99, 10.0, 35.0, 400.0] {
            let n = 40_000;
            let (mean, var) = moments(lambda, n);
            // Five standard errors for both; Var(s²) ≈ (λ + 2λ²)/n for a Poisson sample.
            let nf = n as f64;
            let se_mean = (lambda / nf).sqrt();
            let se_var_rel = (1.0 / (nf * lambda) + 2.0 / nf).sqrt();
            assert!(
                (mean - lambda).abs() < 5.0 * se_mean,
                "λ={lambda}: mean {mean}"
            );
            assert!(
                (var / lambda - 1.0).abs() < 5.0 * se_var_rel,
                "λ={lambda}: var {var}"
            );
        }
    }

    #[test]
    fn poisson_of_zero_mean_is_zero() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(poisson(&mut rng, -1.0), 0);
    }

    #[test]
    fn ln_gamma_matches_log_factorials() {
        let mut ln_fact = 0.0_f64;
        for n in 1..200u32 {
            // ln Γ(n + 1) = ln n!
            ln_fact += f64::from(n).ln();
            let got = ln_gamma(f64::from(n) + 1.0);
            assert!((got - ln_fact).abs() < 1e-9 * ln_fact.max(1.0), "n={n}");
        }
    }

    #[test]
    fn lognormal_has_mean_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 100_000;
        let mean = (0..n)
            .map(|_| lognormal_mean_one(&mut rng, 0.5))
            .sum::<f64>()
            / f64::from(n);
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
    }
}
