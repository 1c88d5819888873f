//! Multiple-testing control: with a hundred buurten tested, five "significant" ones at p < 0,05
//! are what chance alone delivers.
//!
//! # What it computes
//! Adjusted p-values and rejections for `m` p-values at level `alpha`:
//!
//! - **Benjamini-Hochberg** (false discovery rate, the default): with `p_(1) ≤ … ≤ p_(m)`,
//!   `p̃_(k) = min_{j ≥ k} min(1, m · p_(j) / j)`; reject the `k` smallest where `k` is the
//!   largest rank with `p_(k) ≤ k · alpha / m`. Among the flagged areas, on average at most a
//!   share `alpha` is flagged by chance.
//! - **Bonferroni** (family-wise error): `p̃ = min(1, m · p)`; reject where `p ≤ alpha / m`. The
//!   chance that any flagged area is a false alarm is at most `alpha`; stricter, fewer flags.
//!
//! # Assumptions
//! BH controls the FDR for independent or positively dependent tests (PRDS), which is the usual
//! situation for neighbouring areas with overlapping neighbourhoods. Bonferroni holds always.
//!
//! # Parameters
//! `alpha` in (0, 1), default [`DEFAULT_ALPHA`] (q = 0,05). Entries that are `None` (areas not
//! tested) are not counted in `m` and stay `None`.
//!
//! # References
//! - Benjamini & Hochberg (1995), "Controlling the false discovery rate", *JRSS B* 57(1).
//! - Oracle: `statsmodels.stats.multitest.multipletests(p, alpha, method='fdr_bh' |
//!   'bonferroni')` (statsmodels 0.15); see `tests/oracle/trend_and_tests.py`.

/// The default level: q = 0,05.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// Which correction to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Correction {
    /// Benjamini-Hochberg false discovery rate (the default).
    #[default]
    BenjaminiHochberg,
    /// Bonferroni family-wise error rate.
    Bonferroni,
    /// No correction (for comparison only).
    None,
}

/// Adjusted p-values and decisions, indexed like the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjusted {
    pub p_adjusted: Vec<Option<f64>>,
    pub reject: Vec<bool>,
}

/// Adjusts `p_values` (None = not tested); see the module docs.
pub fn adjust(p_values: &[Option<f64>], alpha: f64, correction: Correction) -> Adjusted {
    let tested: Vec<(usize, f64)> = p_values
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    let m = tested.len() as f64;
    let mut p_adjusted = vec![None; p_values.len()];
    let mut reject = vec![false; p_values.len()];
    match correction {
        Correction::None => {
            for &(i, p) in &tested {
                p_adjusted[i] = Some(p);
                reject[i] = p <= alpha;
            }
        }
        Correction::Bonferroni => {
            for &(i, p) in &tested {
                p_adjusted[i] = Some((p * m).min(1.0));
                reject[i] = p <= alpha / m;
            }
        }
        Correction::BenjaminiHochberg => {
            let mut order = tested;
            order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            let last_rejected = order
                .iter()
                .enumerate()
                .rev()
                .find(|&(rank, &(_, p))| p <= (rank + 1) as f64 / m * alpha)
                .map(|(rank, _)| rank);
            let mut running_min = f64::INFINITY;
            for (rank, &(i, p)) in order.iter().enumerate().rev() {
                running_min = running_min.min(p / ((rank + 1) as f64 / m));
                p_adjusted[i] = Some(running_min.min(1.0));
                reject[i] = last_rejected.is_some_and(|last| rank <= last);
            }
        }
    }
    Adjusted { p_adjusted, reject }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untested_areas_do_not_count() {
        let p = [Some(0.01), None, Some(0.04)];
        let bh = adjust(&p, 0.05, Correction::BenjaminiHochberg);
        assert_eq!(bh.p_adjusted, vec![Some(0.02), None, Some(0.04)]);
        assert_eq!(bh.reject, vec![true, false, true]);
        let bonferroni = adjust(&p, 0.05, Correction::Bonferroni);
        assert_eq!(bonferroni.reject, vec![true, false, false]);
    }
}
