//! Empirical-Bayes smoothing of rates: small populations shrink towards the overall rate.
//!
//! # What it computes
//! For events `e_i` in populations `b_i`, the raw rate `r_i = e_i / b_i`, the overall rate
//! `r̄ = Σe / Σb` and the between-area variance of the rates (method of moments)
//! `s² = Σ b_i (r_i − r̄)² / Σb − r̄ / b̄` (b̄ the mean population), the smoothed rate is
//!
//! `r̂_i = w_i r_i + (1 − w_i) r̄` with `w_i = s² / (s² + r̄ / b_i)`.
//!
//! The sums run over the areas with inhabitants only.
//!
//! A buurt of 40 inhabitants with 3 bicycle thefts no longer tops a ranking on a raw rate of
//! 75 per 1.000: its rate is pulled towards the municipal rate in proportion to how little its
//! own figure can tell.
//!
//! # Assumptions
//! Events are Poisson given the area's true rate; the true rates vary around `r̄` (global
//! smoothing: every area shrinks towards the same overall rate, not towards its neighbours).
//!
//! # Parameters
//! Where `s²` comes out negative (rates vary less than chance alone would make them), it is
//! set to 0 and every rate becomes `r̄`, as Marshall prescribes; esda would use the negative
//! value. An area with population 0 has no rate per inhabitant (`None`): a station or a
//! hospital campus with thefts and nobody living there would otherwise get a made-up figure
//! (`r̄` hides its events; the limit `r̄ + e·s²/r̄` of the formula as `b → 0` explodes). Without
//! any population the result is `None`.
//!
//! # References
//! - Marshall (1991), "Mapping disease and mortality rates using empirical Bayes estimators",
//!   *Applied Statistics* 40(2).
//! - Oracle: `esda.smoothing.Empirical_Bayes(e, b).r` (esda 2.9), on the Groningen buurten with
//!   population > 0; see `tests/oracle/hotspots_groningen.py`.

/// Smoothed rates per unit of population (multiply by 1.000 for "per 1.000 inwoners"); `None`
/// for areas without population.
///
/// # Panics
/// If the slices differ in length or a population is negative.
pub fn empirical_bayes_rates(events: &[f64], population: &[f64]) -> Option<Vec<Option<f64>>> {
    assert_eq!(events.len(), population.len(), "one population per area");
    assert!(
        population.iter().all(|&b| b >= 0.0),
        "populations are not negative"
    );
    // The moments run over the areas with inhabitants: events where nobody lives (a station,
    // an industrial estate) say nothing about a rate per inhabitant.
    let inhabited: Vec<(f64, f64)> = events
        .iter()
        .zip(population)
        .filter(|&(_, &b)| b > 0.0)
        .map(|(&e, &b)| (e, b))
        .collect();
    let population_total: f64 = inhabited.iter().map(|&(_, b)| b).sum();
    if population_total <= 0.0 {
        return None;
    }
    let overall = inhabited.iter().map(|&(e, _)| e).sum::<f64>() / population_total;
    let mean_population = population_total / inhabited.len() as f64;
    let spread = inhabited
        .iter()
        .map(|&(e, b)| b * (e / b - overall).powi(2))
        .sum::<f64>()
        / population_total
        - overall / mean_population;
    let spread = spread.max(0.0);
    Some(
        events
            .iter()
            .zip(population)
            .map(|(&e, &b)| {
                (b > 0.0).then(|| {
                    if spread > 0.0 {
                        let weight = spread / (spread + overall / b);
                        weight * (e / b) + (1.0 - weight) * overall
                    } else {
                        overall
                    }
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_populations_shrink_more() {
        let events = [3.0, 300.0, 100.0, 50.0, 0.0];
        let population = [40.0, 10_000.0, 8_000.0, 6_000.0, 0.0];
        let rates = empirical_bayes_rates(&events, &population).expect("population");
        let overall = 453.0 / 24_040.0;
        assert_eq!(
            empirical_bayes_rates(&[5.0, 1.0], &[0.0, 10.0]).expect("population"),
            vec![None, Some(0.1)]
        );
        let rate = |i: usize| rates[i].expect("inhabited");
        assert!((rate(0) - overall).abs() < (3.0 / 40.0 - overall).abs() / 2.0);
        assert!((rate(1) - 0.03).abs() < 0.001);
        assert_eq!(rates[4], None);
        assert!(empirical_bayes_rates(&[1.0], &[0.0]).is_none());
    }
}
