//! Rates per 1.000 inwoners: the minimum population below which no rate is given, and the
//! empirical-Bayes smoothed rates that maps colour.
//!
//! # Why a minimum population
//! A rate over a handful of inhabitants says nothing about the risk of living there: Zernike
//! Campus in Groningen had 5 inhabitants and 11 bicycle thefts in 2015, "2.200 per 1.000",
//! which took the darkest class of every map and topped every ranking. CBS itself leaves many
//! figures of very small buurten empty in the Kerncijfers wijken en buurten (it suppresses
//! figures for areas with few inhabitants or households). Below [`MIN_POPULATION_FOR_RATE`]
//! inhabitants an area gets no rate per 1.000 at all, shown as a dash with
//! [`small_population_note`]; its count is still shown. 100 is the smallest population at which
//! one event more or less moves the rate by at most 10 per 1.000, the size of a typical buurt's
//! whole rate of bicycle theft. In the demo (Groningen, 2014) 26 buurten have 1 to 99
//! inhabitants (and 6 none): campuses, parks, business parks and polders such as Zernike
//! Campus, Stadspark, Euvelgunne and Westpoort. Requests carry their own minimum (`min_population`) for analysts
//! who need another; the dashboard and documents use the default.
//!
//! # Maps and tables
//! A map colours the empirical-Bayes smoothed rate ([`smoothed_per_1000`], Marshall 1991 as in
//! `buurtbeeld_stats::empirical_bayes`) so that chance in small buurten does not decide the
//! colour; tables show the raw rate beside it.

use buurtbeeld_stats::empirical_bayes::empirical_bayes_rates;

/// The fewest inhabitants an area must have to be given a rate per 1.000 inwoners (see the
/// module docs for why 100).
pub const MIN_POPULATION_FOR_RATE: u64 = 100;

/// `count` per 1.000 of `inhabitants`; `None` below `min_population` (and always for 0).
pub fn rate_per_1000(count: u64, inhabitants: u64, min_population: u64) -> Option<f64> {
    (inhabitants >= min_population.max(1)).then(|| count as f64 * 1000.0 / inhabitants as f64)
}

/// Whether an area of `inhabitants` is too small for a rate (0 included; `false` without a
/// population figure).
pub fn too_few_for_rate(inhabitants: Option<u64>, min_population: u64) -> bool {
    inhabitants.is_some_and(|p| p < min_population.max(1))
}

/// The empirical-Bayes smoothed rate per 1.000 of each area, over the areas given as
/// `(count, inhabitants)` with at least `min_population` inhabitants; `None` for the others
/// (no figure, or too few inhabitants), which also take no part in the smoothing.
pub fn smoothed_per_1000(figures: &[Option<(u64, u64)>], min_population: u64) -> Vec<Option<f64>> {
    let rated: Vec<Option<(u64, u64)>> = figures
        .iter()
        .map(|f| f.filter(|&(_, p)| p >= min_population.max(1)))
        .collect();
    let events: Vec<f64> = rated
        .iter()
        .map(|f| f.map_or(0.0, |(c, _)| c as f64))
        .collect();
    let population: Vec<f64> = rated
        .iter()
        .map(|f| f.map_or(0.0, |(_, p)| p as f64))
        .collect();
    match empirical_bayes_rates(&events, &population) {
        Some(rates) => rates.into_iter().map(|r| r.map(|r| r * 1000.0)).collect(),
        None => vec![None; figures.len()],
    }
}

/// The note under a table or map with areas left without a rate.
pub fn small_population_note(min_population: u64) -> String {
    format!(
        "Minder dan {} inwoners: geen cijfer per 1.000 (te weinig inwoners voor een betrouwbaar \
         cijfer; het aantal staat er wel).",
        buurtbeeld_cube::dutch::integer(min_population)
    )
}

/// What a map of rates colours, for its legend and caption.
pub const SMOOTHED_RATE_LABEL: &str = "per 1.000 inwoners, empirisch-Bayes gladgestreken";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_rate_below_the_minimum() {
        assert_eq!(rate_per_1000(11, 5, 100), None);
        assert_eq!(rate_per_1000(11, 0, 0), None);
        assert_eq!(rate_per_1000(1, 100, 100), Some(10.0));
        assert!(too_few_for_rate(Some(99), 100));
        assert!(!too_few_for_rate(None, 100));
        assert!(!too_few_for_rate(Some(100), 100));
    }

    #[test]
    fn small_areas_take_no_part_in_smoothing() {
        let figures = [Some((10, 1000)), Some((30, 2000)), Some((11, 5)), None];
        let smoothed = smoothed_per_1000(&figures, 100);
        assert!(smoothed[0].is_some() && smoothed[1].is_some());
        assert_eq!(smoothed[2..], [None, None]);
        // Without the small area the smoothing is that of the other two alone.
        let alone = smoothed_per_1000(&figures[..2], 100);
        assert_eq!(smoothed[..2], alone[..]);
    }
}
