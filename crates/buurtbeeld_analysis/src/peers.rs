//! A gemeente beside its peers: Nederland, its provincie and the gemeenten of its size class,
//! per 1.000 inwoners, with its rank, as waarstaatjegemeente.nl compares.
//!
//! # What it computes
//! For one subject and calendar year, from one yearly source table that covers every gemeente
//! (47018NED): the gemeente's rate per 1.000 inwoners; the pooled rate of Nederland, of the
//! gemeenten in its provincie and of the gemeenten in its size class (sum of counts over sum
//! of inhabitants, so a big gemeente weighs as much as its inhabitants); and its rank among all
//! gemeenten, in its provincie and in its class (1 = the highest rate; equal rates share a rank).
//!
//! # Assumptions
//! - Counts and inhabitants must lie on the same gemeentelijke indeling. 47018NED puts every
//!   year on its latest indeling, while inhabitants of a year belong to the gemeenten of that
//!   year: before a herindeling the two differ. The check: the inhabitants of the table's
//!   gemeenten must add up to Nederland's own figure (within [`INDELING_TOLERANCE`]). When they
//!   do not, only the comparison with Nederland is given (a national total does not depend on
//!   the indeling), and the reason is stated.
//! - A gemeente counts in a comparison only with a complete, unwithheld figure and inhabitants
//!   of that very year (not the nearest year, as a picture may use).
//! - Size classes are the CBS gemeentegrootte classes, by the gemeente's inhabitants that year.
//! - The provincie comes from CBS 85755NED (indeling 2025), shipped with the code lists.

use std::collections::BTreeMap;

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Subject};
use buurtbeeld_store::Store;

use crate::picture::category_sum;
use crate::rate::{rate_per_1000, MIN_POPULATION_FOR_RATE};
use crate::{descendants, resolve_subject, PictureError};

/// The yearly table that covers every gemeente.
pub const PEER_SOURCE: &str = "47018NED";

/// How far the table's gemeenten's inhabitants may differ from Nederland's own figure before
/// the year is taken to be on another indeling (rounding in CBS's averages stays far below).
pub const INDELING_TOLERANCE: f64 = 0.002;

/// The CBS gemeentegrootte classes: lower bound of inhabitants and the label.
pub const SIZE_CLASSES: [(u64, &str); 8] = [
    (0, "minder dan 5.000 inwoners"),
    (5_000, "5.000 tot 10.000 inwoners"),
    (10_000, "10.000 tot 20.000 inwoners"),
    (20_000, "20.000 tot 50.000 inwoners"),
    (50_000, "50.000 tot 100.000 inwoners"),
    (100_000, "100.000 tot 150.000 inwoners"),
    (150_000, "150.000 tot 250.000 inwoners"),
    (250_000, "250.000 inwoners of meer"),
];

/// The label of the size class of a gemeente with `inhabitants`.
pub fn size_class(inhabitants: u64) -> &'static str {
    SIZE_CLASSES
        .iter()
        .rev()
        .find(|(lower, _)| inhabitants >= *lower)
        .map_or(SIZE_CLASSES[0].1, |(_, label)| label)
}

/// A count over inhabitants.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Rate {
    pub count: u64,
    pub inhabitants: u64,
    pub per_1000: f64,
    /// How many gemeenten the figure sums (1 for a gemeente itself).
    pub gemeenten: usize,
}

impl Rate {
    /// `None` below [`MIN_POPULATION_FOR_RATE`] inhabitants (no gemeente is that small; the
    /// rule is the same everywhere rates appear).
    fn of(count: u64, inhabitants: u64, gemeenten: usize) -> Option<Rate> {
        Some(Rate {
            count,
            inhabitants,
            per_1000: rate_per_1000(count, inhabitants, MIN_POPULATION_FOR_RATE)?,
            gemeenten,
        })
    }
}

/// A group of gemeenten the gemeente is compared with, and its place in it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeerGroup {
    /// `Nederland`, `provincie Utrecht`, `gemeenten met 50.000 tot 100.000 inwoners`.
    pub label: String,
    pub rate: Rate,
    /// 1 = the highest rate of the group; `None` when ranks would mix indelingen.
    pub rank: Option<usize>,
}

/// One subject in one year for one gemeente, beside its peers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeerComparison {
    pub gemeente: AreaCode,
    pub year: i32,
    pub subject: String,
    pub subject_label: String,
    pub source: String,
    /// `None` when the table has no complete figure or inhabitants for the gemeente that year.
    pub own: Option<Rate>,
    pub nederland: Option<PeerGroup>,
    pub provincie: Option<PeerGroup>,
    pub size_class: Option<PeerGroup>,
    /// The year's inhabitants belong to another gemeentelijke indeling than the counts (a
    /// herindeling since): only the national comparison holds.
    pub other_indeling: bool,
    /// Why a comparison is missing, in Dutch; empty when all are there.
    pub notes: Vec<String>,
}

/// The comparison of `gemeente` for `subject` in `year`. Fails only on what the store cannot
/// answer (unknown subject, a store error); missing figures leave parts empty.
pub fn compare_with_peers(
    store: &Store,
    gemeente: &AreaCode,
    subject: &Subject,
    year: i32,
) -> Result<PeerComparison, PictureError> {
    let (subject_id, subject_label, categories) = resolve_subject(store, subject)?;
    let mut comparison = PeerComparison {
        gemeente: gemeente.clone(),
        year,
        subject: subject_id,
        subject_label,
        source: PEER_SOURCE.to_owned(),
        own: None,
        nederland: None,
        provincie: None,
        size_class: None,
        other_indeling: false,
        notes: Vec::new(),
    };
    let country = AreaCode::netherlands();
    let Some(country_info) = store.area(&country)? else {
        return Ok(comparison);
    };
    let rates = gemeente_rates(store, &country_info, &categories, year)?;
    comparison.own = rates.get(gemeente).copied();
    let national_count = yearly_count(store, &country, &categories, year)?;
    let national_inhabitants = store
        .population(&country, year)?
        .filter(|p| p.year == year)
        .map(|p| p.inhabitants);
    let summed_inhabitants: u64 = rates.values().map(|r| r.inhabitants).sum();
    let Some(national) = national_count
        .and_then(|count| Rate::of(count, national_inhabitants.unwrap_or(summed_inhabitants), 0))
    else {
        comparison.notes.push(format!(
            "Geen landelijk cijfer voor {year}: {PEER_SOURCE} en de inwonertallen van alle \
             gemeenten zijn nodig."
        ));
        return Ok(comparison);
    };
    let Some(own) = comparison.own else {
        comparison.notes.push(format!(
            "Geen volledig cijfer met inwonertal voor deze gemeente in {PEER_SOURCE} over {year}."
        ));
        return Ok(comparison);
    };
    let everyone: Vec<&Rate> = rates.values().collect();
    comparison.nederland = Some(PeerGroup {
        label: "Nederland".to_owned(),
        rate: Rate {
            gemeenten: rates.len(),
            ..national
        },
        rank: None,
    });
    let same_indeling = national_inhabitants.is_none_or(|n| {
        (summed_inhabitants as f64 - n as f64).abs() <= INDELING_TOLERANCE * n as f64
    });
    if !same_indeling {
        comparison.other_indeling = true;
        comparison.notes.push(format!(
            "De inwonertallen van {year} horen bij een andere gemeentelijke indeling dan de \
             misdrijven ({PEER_SOURCE} zet elk jaar op de nieuwste indeling): alleen de \
             vergelijking met heel Nederland klopt. Voor een gemeente die sindsdien is \
             heringedeeld is ook het eigen cijfer per 1.000 inwoners te hoog."
        ));
        return Ok(comparison);
    }
    if let Some(nederland) = &mut comparison.nederland {
        nederland.rank = Some(rank_of(&own, &everyone));
    }
    let lists = buurtbeeld_ingest::code_lists();
    if let Some(provincie) = lists.provincie(gemeente) {
        let members: Vec<&Rate> = rates
            .iter()
            .filter(|(code, _)| lists.provincie(code) == Some(provincie))
            .map(|(_, rate)| rate)
            .collect();
        comparison.provincie = group(format!("provincie {provincie}"), &own, &members);
    }
    let class = size_class(own.inhabitants);
    let members: Vec<&Rate> = rates
        .values()
        .filter(|rate| size_class(rate.inhabitants) == class)
        .collect();
    comparison.size_class = group(format!("gemeenten met {class}"), &own, &members);
    Ok(comparison)
}

/// The comparison for each of `years`, oldest first (the BBV indicators' time series).
pub fn peers_over_years(
    store: &Store,
    gemeente: &AreaCode,
    subject: &Subject,
    years: &[i32],
) -> Result<Vec<PeerComparison>, PictureError> {
    years
        .iter()
        .map(|&year| compare_with_peers(store, gemeente, subject, year))
        .collect()
}

/// The years the peer table has for a subject in Nederland, oldest first.
pub fn peer_years(store: &Store, subject: &Subject) -> Result<Vec<i32>, PictureError> {
    let (_, _, categories) = resolve_subject(store, subject)?;
    let country = AreaCode::netherlands();
    Ok(crate::areas::area_series(
        store,
        PEER_SOURCE,
        &country,
        &categories[0],
        Frequency::Year,
    )?
    .map(|s| s.series.iter().map(|(year, _)| year as i32).collect())
    .unwrap_or_default())
}

/// The pooled rate of `members` and the rank of `own` among them.
fn group(label: String, own: &Rate, members: &[&Rate]) -> Option<PeerGroup> {
    let count = members.iter().map(|r| r.count).sum();
    let inhabitants = members.iter().map(|r| r.inhabitants).sum();
    Some(PeerGroup {
        label,
        rate: Rate::of(count, inhabitants, members.len())?,
        rank: Some(rank_of(own, members)),
    })
}

/// Competition rank: 1 + the number of members with a strictly higher rate.
fn rank_of(own: &Rate, members: &[&Rate]) -> usize {
    1 + members.iter().filter(|r| r.per_1000 > own.per_1000).count()
}

/// Every gemeente's complete, unwithheld rate in `year`, by code.
fn gemeente_rates(
    store: &Store,
    country: &buurtbeeld_store::AreaInfo,
    categories: &[CategoryCode],
    year: i32,
) -> Result<BTreeMap<AreaCode, Rate>, PictureError> {
    let mut rates = BTreeMap::new();
    for gemeente in descendants(store, country, Some(AreaLevel::Gemeente))? {
        let Some(count) = yearly_count(store, &gemeente.code, categories, year)? else {
            continue;
        };
        let Some(population) = store
            .population(&gemeente.code, year)?
            .filter(|p| p.year == year)
        else {
            continue;
        };
        if let Some(rate) = Rate::of(count, population.inhabitants, 1) {
            rates.insert(gemeente.code, rate);
        }
    }
    Ok(rates)
}

/// The subject's count in the peer table for one year; `None` if a category is missing or
/// withheld there (a lower bound is no figure to rank).
fn yearly_count(
    store: &Store,
    area: &AreaCode,
    categories: &[CategoryCode],
    year: i32,
) -> Result<Option<u64>, PictureError> {
    let mut total = 0;
    for category in categories {
        match category_sum(
            store,
            PEER_SOURCE,
            area,
            category,
            Frequency::Year,
            &[i64::from(year)],
        )? {
            Some((n, false)) => total += n,
            _ => return Ok(None),
        }
    }
    Ok(Some(total))
}

#[cfg(test)]
mod tests {
    use super::{rank_of, size_class, Rate};

    #[test]
    fn size_classes_follow_the_cbs_bounds() {
        assert_eq!(size_class(4_999), "minder dan 5.000 inwoners");
        assert_eq!(size_class(5_000), "5.000 tot 10.000 inwoners");
        assert_eq!(size_class(50_490), "50.000 tot 100.000 inwoners");
        assert_eq!(size_class(924_708), "250.000 inwoners of meer");
    }

    #[test]
    fn equal_rates_share_a_rank() {
        let rate = |count| Rate::of(count, 1000, 1).unwrap();
        let (a, b, c) = (rate(5), rate(3), rate(3));
        assert_eq!(rank_of(&a, &[&a, &b, &c]), 1);
        assert_eq!(rank_of(&b, &[&a, &b, &c]), 2);
        assert_eq!(rank_of(&c, &[&a, &b, &c]), 2);
    }
}
