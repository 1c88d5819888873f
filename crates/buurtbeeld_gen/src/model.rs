//! Expected counts: national 2023 rates spread over buurten by seeded spatial multipliers, shaped
//! over time by season and trend.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::areas::Gemeente;
use crate::codes::{seasonal_factor, NATIONAL_2023, OFFENCE_COUNT};
use crate::sample::lognormal_mean_one;
use crate::YearMonth;

/// Spread of the per-gemeente multiplier: municipalities differ less than neighbourhoods.
pub const GEMEENTE_SIGMA: f64 = 0.3;
/// Spread of the per-buurt multiplier.
pub const BUURT_SIGMA: f64 = 0.5;
/// Spread of the per-buurt, per-code multiplier, so that buurten differ in their mix of offences
/// (a shopping centre has more shoplifting, not just more of everything).
pub const BUURT_CODE_SIGMA: f64 = 0.3;
/// Elasticity of crime per inhabitant with respect to gemeente size, so cities have higher rates.
/// With 0.25 the expected rate (before the random gemeente multiplier) is about 1.75× the national
/// rate in Amsterdam and 0.7× in a gemeente of 25,000 inhabitants; not calibrated beyond that.
pub const URBAN_EXPONENT: f64 = 0.25;
/// Relative change per year; registered crime in NL fell during 2012–2023.
pub const YEARLY_TREND: f64 = -0.02;
/// The national counts are for 2023, so the trend is 1 in mid-2023.
const TREND_REFERENCE: f64 = 2023.5;

/// Independent random streams per gemeente, so one gemeente's numbers do not depend on which other
/// gemeenten are generated: `--gemeenten N` output is a prefix of the national file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    /// Gemeente and buurt multipliers (drawn for all gemeenten, to normalise nationally).
    Spatial = 0,
    /// Per-buurt, per-code multipliers.
    Mix = 1,
    /// The monthly counts.
    Counts = 2,
}

pub(crate) fn stream_rng(seed: u64, gemeente: u16, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(gemeente) * 4 + stream as u64);
    rng
}

/// Per-buurt weights: inhabitants times spatial multipliers, scaled so that they sum to the
/// national population and national expected totals match the 2023 counts.
#[derive(Debug, Clone)]
pub(crate) struct SpatialModel {
    seed: u64,
    /// Yearly count per inhabitant for each offence code.
    rates: [f64; OFFENCE_COUNT],
    /// `weights[g][b]`, in effective inhabitants.
    weights: Vec<Vec<f64>>,
}

impl SpatialModel {
    /// `gemeenten` must be the full national list: normalisation is national.
    pub(crate) fn new(gemeenten: &[Gemeente], seed: u64) -> Self {
        let populations: Vec<f64> = gemeenten.iter().map(|g| g.population() as f64).collect();
        let national: f64 = populations.iter().sum();
        let median = median(&populations).max(1.0);

        let mut weights: Vec<Vec<f64>> = gemeenten
            .iter()
            .zip(&populations)
            .map(|(g, &pop)| {
                let mut rng = stream_rng(seed, g.number, Stream::Spatial);
                let urban = (pop.max(1.0) / median).powf(URBAN_EXPONENT);
                let gemeente = urban * lognormal_mean_one(&mut rng, GEMEENTE_SIGMA);
                g.buurten
                    .iter()
                    .map(|b| {
                        f64::from(b.population)
                            * gemeente
                            * lognormal_mean_one(&mut rng, BUURT_SIGMA)
                    })
                    .collect()
            })
            .collect();
        let total: f64 = weights.iter().flatten().sum();
        let scale = if total > 0.0 { national / total } else { 0.0 };
        weights.iter_mut().flatten().for_each(|w| *w *= scale);

        let mut rates = [0.0; OFFENCE_COUNT];
        if national > 0.0 {
            for (rate, &(_, _, count)) in rates.iter_mut().zip(&NATIONAL_2023) {
                *rate = f64::from(count) / national;
            }
        }
        Self {
            seed,
            rates,
            weights,
        }
    }

    /// Expected yearly counts at the trend reference, indexed `[buurt * OFFENCE_COUNT + code]`,
    /// for gemeente number `index` of the list given to [`SpatialModel::new`].
    pub(crate) fn yearly_means(&self, index: usize, gemeente: &Gemeente) -> Vec<f64> {
        let mut rng = stream_rng(self.seed, gemeente.number, Stream::Mix);
        let mut means = Vec::with_capacity(gemeente.buurten.len() * OFFENCE_COUNT);
        for &weight in &self.weights[index] {
            for &rate in &self.rates {
                // Always draw, even for zero means, so every buurt uses the same stream positions.
                let mix = lognormal_mean_one(&mut rng, BUURT_CODE_SIGMA);
                means.push(rate * weight * mix);
            }
        }
        means
    }
}

/// Share of a yearly mean that falls in each output month, indexed `[code * months + month]`:
/// one twelfth, times the code's seasonal factor, times the trend.
pub(crate) fn month_factors(first: YearMonth, months: u32) -> Vec<f64> {
    let mut factors = Vec::with_capacity(OFFENCE_COUNT * months as usize);
    for &(code, _, _) in &NATIONAL_2023 {
        for i in 0..months {
            let ym = first.plus_months(i);
            let month0 = u32::from(ym.month) - 1;
            let t = f64::from(ym.year) + (f64::from(month0) + 0.5) / 12.0;
            let trend = (1.0 + YEARLY_TREND).powf(t - TREND_REFERENCE);
            factors.push(seasonal_factor(code, month0) * trend / 12.0);
        }
    }
    factors
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::bundled_gemeenten;

    #[test]
    fn weights_sum_to_national_population() {
        let gemeenten = bundled_gemeenten();
        let model = SpatialModel::new(&gemeenten, 42);
        let total: f64 = model.weights.iter().flatten().sum();
        assert!((total - 17_942_915.0).abs() < 1e-3 * 17_942_915.0);
    }

    #[test]
    fn expected_national_total_for_2023_is_near_the_real_count() {
        let gemeenten = bundled_gemeenten();
        let model = SpatialModel::new(&gemeenten, 42);
        let factors = month_factors(YearMonth::new(2023, 1).unwrap(), 12);
        let mut expected = 0.0;
        for (index, g) in gemeenten.iter().enumerate() {
            let means = model.yearly_means(index, g);
            for buurt in means.chunks(OFFENCE_COUNT) {
                for (code, mean) in buurt.iter().enumerate() {
                    expected += mean * factors[code * 12..(code + 1) * 12].iter().sum::<f64>();
                }
            }
        }
        // The per-code mix multiplier has mean 1 but is random, so allow a few percent.
        let ratio = expected / f64::from(crate::codes::NATIONAL_TOTAL_2023);
        assert!((ratio - 1.0).abs() < 0.03, "ratio {ratio}");
    }

    #[test]
    fn trend_falls_over_time() {
        let f = month_factors(YearMonth::new(2012, 1).unwrap(), 156);
        // Code 3.9.1 has no seasonality, so only the trend differs.
        let code = NATIONAL_2023.iter().position(|c| c.0 == "3.9.1").unwrap();
        let row = &f[code * 156..(code + 1) * 156];
        assert!(row.windows(2).all(|w| w[1] < w[0]));
    }
}
