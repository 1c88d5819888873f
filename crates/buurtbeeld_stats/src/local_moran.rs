//! Local Moran's I: does an area resemble its neighbours (a cluster) or differ from them (an
//! outlier)?
//!
//! # What it computes
//! With `z = (y − ȳ) / σ` (σ the population standard deviation) and row-standardised binary
//! weights (`w_ij = 1 / |N(i)|`), the spatial lag `l_i = Σ_j w_ij z_j` and
//!
//! - `I_i = (n − 1) · z_i · l_i / Σ_j z_j²`
//! - the LISA quadrant: HH (`z_i > 0`, `l_i > 0`), LH (`z_i ≤ 0`, `l_i > 0`), LL (both ≤ 0),
//!   HL (`z_i > 0`, `l_i ≤ 0`). HH and LL are clusters, HL and LH outliers. The signs are
//!   decided exactly on the values (`y_i` against the mean, the neighbours' mean against the
//!   mean), so a neighbourhood exactly at the mean is "low" whatever rounding would say.
//! - the moments under total randomisation (Anselin 1995, with `b₂` the kurtosis of z):
//!   `E[I_i] = −w_i / (n − 1)` and
//!   `Var[I_i] = w_i⁽²⁾ (n − b₂)/(n − 1) + (w_i² − w_i⁽²⁾)(2b₂ − n)/((n − 1)(n − 2)) − E[I_i]²`,
//!   where `w_i = Σ_j w_ij` and `w_i⁽²⁾ = Σ_j w_ij²`.
//!
//! # Assumptions
//! Inference is by conditional permutation (`conditional_permutation.rs`); the analytic moments
//! are given for reference, as in esda, not used for decisions.
//!
//! # Parameters
//! Binary weights (row-standardised here). Islands have no lag: `I_i = 0`, no quadrant. A field
//! without variation has no quadrants at all.
//!
//! # References
//! - Anselin (1995), "Local indicators of spatial association — LISA", *Geographical Analysis*
//!   27(2).
//! - Oracle: `esda.Moran_Local(y, w, transformation='r')` (esda 2.9): `Is`, `q`, `EI`, `VI`;
//!   see `tests/oracle/hotspots_groningen.py`.

use crate::weights::SpatialWeights;

/// Where an area sits in the Moran scatter plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quadrant {
    /// High value among high neighbours (a hot cluster).
    HighHigh,
    /// Low value among high neighbours (an outlier).
    LowHigh,
    /// Low value among low neighbours (a cold cluster).
    LowLow,
    /// High value among low neighbours (an outlier).
    HighLow,
}

impl Quadrant {
    /// The usual two-letter code: HH, LH, LL, HL.
    pub fn code(self) -> &'static str {
        match self {
            Quadrant::HighHigh => "HH",
            Quadrant::LowHigh => "LH",
            Quadrant::LowLow => "LL",
            Quadrant::HighLow => "HL",
        }
    }

    /// esda's numbering (`geoda_quads=False`): 1 HH, 2 LH, 3 LL, 4 HL.
    pub fn esda_number(self) -> u8 {
        self as u8 + 1
    }
}

/// Local Moran of every area; vectors are indexed like the input.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMoran {
    /// The standardised values `z_i`.
    pub z: Vec<f64>,
    /// `I_i`.
    pub i: Vec<f64>,
    /// None for islands and in a field without variation.
    pub quadrant: Vec<Option<Quadrant>>,
    /// `E[I_i]` under total randomisation.
    pub expected: Vec<f64>,
    /// `Var[I_i]` under total randomisation.
    pub variance: Vec<f64>,
}

/// Local Moran's I with row-standardised weights; see the module docs.
///
/// # Panics
/// If `values` and `weights` differ in length.
pub fn local_moran(values: &[f64], weights: &SpatialWeights) -> LocalMoran {
    assert_eq!(values.len(), weights.len(), "one value per area");
    let count = values.len();
    let n = count as f64;
    // Summed in sorted order, so that the result does not depend on the order of the areas.
    let total = order_free_sum(values);
    let mean = total / n;
    let sd = (values.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / n).sqrt();
    let varies = sd > 0.0 && sd.is_finite();
    let z: Vec<f64> = if varies {
        values.iter().map(|y| (y - mean) / sd).collect()
    } else {
        vec![0.0; count]
    };
    let sum_of_squares: f64 = z.iter().map(|z| z * z).sum();
    let m2 = sum_of_squares / n;
    let b2 = z.iter().map(|z| z.powi(4)).sum::<f64>() / n / (m2 * m2);
    let mut result = LocalMoran {
        z: z.clone(),
        i: Vec::with_capacity(count),
        quadrant: Vec::with_capacity(count),
        expected: Vec::with_capacity(count),
        variance: Vec::with_capacity(count),
    };
    for (i, &zi) in z.iter().enumerate() {
        let k = weights.cardinality(i);
        let (w_sum, w_squares, lag) = if k == 0 {
            (0.0, 0.0, 0.0)
        } else {
            let k = k as f64;
            (1.0, 1.0 / k, weights.lag_sum(i, &z) / k)
        };
        let local = if varies {
            (n - 1.0) * zi * lag / sum_of_squares
        } else {
            0.0
        };
        // The signs of z_i and of the lag, compared exactly on the values: `y_i > ȳ` and
        // `Σ_{j∈N(i)} y_j > k ȳ`, multiplied out by n so that no rounding decides a tie.
        let above = values[i] * n > total;
        let lag_above = weights.lag_sum(i, values) * n > k as f64 * total;
        let quadrant = (varies && k > 0).then_some(match (above, lag_above) {
            (true, true) => Quadrant::HighHigh,
            (false, true) => Quadrant::LowHigh,
            (false, false) => Quadrant::LowLow,
            (true, false) => Quadrant::HighLow,
        });
        let expected = -w_sum / (n - 1.0);
        let variance = w_squares * (n - b2) / (n - 1.0)
            + (w_sum * w_sum - w_squares) * (2.0 * b2 - n) / ((n - 1.0) * (n - 2.0))
            - expected * expected;
        result.i.push(local);
        result.quadrant.push(quadrant);
        result.expected.push(expected);
        result.variance.push(variance);
    }
    result
}

/// The sum of the values in ascending order: the same for any order of the input.
pub(crate) fn order_free_sum(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_field_has_no_quadrants() {
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0, 2], vec![1]]);
        let result = local_moran(&[4.0, 4.0, 4.0], &w);
        assert!(result.quadrant.iter().all(Option::is_none));
        assert!(result.i.iter().all(|&i| i == 0.0));
    }
}
