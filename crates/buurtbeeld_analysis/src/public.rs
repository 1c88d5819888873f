//! The public view: every theme's count in every area for a complete calendar year, protected
//! so that no count below the threshold is shown and none can be worked out from the others.
//!
//! All counts the public can see of one year form one linked table
//! (`buurtbeeld_stats::disclosure`): an atom is the count of one area and one police category
//! where the area has no child areas in the store (a buurt), or what an area counts beyond its
//! children (incidents the police place in a wijk but in no buurt); a published cell is a theme
//! (a set of categories) in an area (the sum over the buurten under it). The theme `totaal`
//! (the published total) is all categories plus an atom for everything no theme names. The
//! whole table is protected at once, so a number shown on one page cannot be combined with a
//! number on another to recover a hidden one. Years are separate tables: the public sees
//! complete years only, and no sum over years.
//!
//! The public sees the protected table's own sums, which equal the source's counts except
//! where a source's area counts less than its child areas together (then the public sees the
//! children's sum). Months, single categories, hotspots and forecasts are not public: they are
//! where small numbers live.

use std::collections::{BTreeMap, BTreeSet};

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Period, Subject};
use buurtbeeld_stats::disclosure::{protect, Disclosure, LinkedTable};
use buurtbeeld_stats::poisson_exact_test;
use buurtbeeld_store::{AreaInfo, Store};

use crate::picture::{category_sum, smooth_child_rates, ALPHA};
use crate::rate::rate_per_1000;
use crate::{choose_source, descendants, picture, source_frequency, Picture, PictureError};
use crate::{PictureRequest, PictureRow};

/// One theme's count in one area as the public sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicCount {
    Shown(u64),
    /// Below the threshold, or one that would give such a count away.
    Hidden,
}

/// The public counts of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicCounts {
    pub year: i32,
    pub threshold: u64,
    cells: BTreeMap<(String, AreaCode), PublicCount>,
}

impl PublicCounts {
    /// The count of `theme` in `area`; `None` when the sources publish none for the year.
    pub fn get(&self, theme: &str, area: &AreaCode) -> Option<PublicCount> {
        self.cells.get(&(theme.to_owned(), area.clone())).copied()
    }

    /// Every published cell: theme, area and what the public sees, by theme and area.
    pub fn cells(&self) -> impl Iterator<Item = (&str, &AreaCode, PublicCount)> {
        self.cells
            .iter()
            .map(|((theme, area), count)| (theme.as_str(), area, *count))
    }
}

/// The periods of a complete `year` in `frequency`.
fn year_periods(frequency: Frequency, year: i32) -> Vec<i64> {
    match frequency {
        Frequency::Month => (1..=12)
            .map(|month| Period::Month { year, month }.ordinal())
            .collect(),
        Frequency::Year => vec![i64::from(year)],
    }
}

/// What an atom counts in its area: one category, or everything the total counts that no
/// theme names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum AtomKey {
    Category(CategoryCode),
    Other,
}

/// Every theme in every area of the store for `year`, protected with `threshold`.
pub fn public_counts(
    store: &Store,
    year: i32,
    threshold: u64,
) -> Result<PublicCounts, PictureError> {
    let themes: Vec<(String, Vec<CategoryCode>)> = store
        .themes()?
        .into_iter()
        .filter(|t| !t.categories.is_empty())
        .map(|t| (t.id, t.categories))
        .collect();
    let named: BTreeSet<CategoryCode> = themes
        .iter()
        .flat_map(|(_, cats)| cats.iter().filter(|c| !c.is_total()).cloned())
        .collect();
    let mut atoms: Vec<u64> = Vec::new();
    let mut atom_index: BTreeMap<(AreaCode, AtomKey), usize> = BTreeMap::new();
    let mut cells: Vec<Vec<usize>> = Vec::new();
    let mut keys: Vec<(String, AreaCode)> = Vec::new();

    for gemeente in store.areas_at(AreaLevel::Gemeente)? {
        if gemeente.code.is_unknown() {
            continue;
        }
        let Ok(source) = choose_source(store, &gemeente.code, None, false) else {
            continue;
        };
        let frequency = source_frequency(store, &gemeente.code, &source, false)?;
        let periods = year_periods(frequency, year);
        let mut areas: Vec<AreaInfo> = vec![gemeente.clone()];
        areas.extend(descendants(store, &gemeente, Some(AreaLevel::Wijk))?);
        areas.extend(descendants(store, &gemeente, Some(AreaLevel::Buurt))?);
        // Own counts per (area, category), the total included.
        let mut own: BTreeMap<(AreaCode, CategoryCode), u64> = BTreeMap::new();
        let mut categories: Vec<CategoryCode> = named.iter().cloned().collect();
        categories.push(CategoryCode::total());
        for area in &areas {
            for category in &categories {
                // Withheld periods count as 0 (the source's own protection; the count is then a
                // lower bound, as on every page).
                if let Some((n, _withheld)) =
                    category_sum(store, &source, &area.code, category, frequency, &periods)?
                {
                    own.insert((area.code.clone(), category.clone()), n);
                }
            }
        }
        if own.is_empty() {
            continue;
        }
        let codes: BTreeSet<AreaCode> = areas.iter().map(|a| a.code.clone()).collect();
        let children = |code: &AreaCode| -> Vec<AreaCode> {
            areas
                .iter()
                .filter(|a| a.parent.as_ref() == Some(code) && codes.contains(&a.code))
                .map(|a| a.code.clone())
                .collect()
        };
        // An atom's value: what the area counts beyond its children (all of it for a leaf).
        let atom_value = |area: &AreaCode, key: &AtomKey| -> u64 {
            let count = |a: &AreaCode| -> u64 {
                let of = |c: &CategoryCode| own.get(&(a.clone(), c.clone())).copied();
                match key {
                    AtomKey::Category(category) => of(category).unwrap_or(0),
                    AtomKey::Other => {
                        let parts: u64 = named.iter().filter_map(of).sum();
                        of(&CategoryCode::total())
                            .unwrap_or(0)
                            .saturating_sub(parts)
                    }
                }
            };
            let below: u64 = children(area).iter().map(count).sum();
            count(area).saturating_sub(below)
        };
        let mut subtree_atoms = |area: &AreaCode, keys: &[AtomKey]| -> Vec<usize> {
            let mut stack = vec![area.clone()];
            let mut found = Vec::new();
            while let Some(next) = stack.pop() {
                for key in keys {
                    let value = atom_value(&next, key);
                    let index = *atom_index
                        .entry((next.clone(), key.clone()))
                        .or_insert_with(|| {
                            atoms.push(value);
                            atoms.len() - 1
                        });
                    found.push(index);
                }
                stack.extend(children(&next));
            }
            found
        };
        for (theme, theme_categories) in &themes {
            let atom_keys: Vec<AtomKey> = if theme_categories.iter().any(CategoryCode::is_total) {
                named
                    .iter()
                    .cloned()
                    .map(AtomKey::Category)
                    .chain([AtomKey::Other])
                    .collect()
            } else {
                theme_categories
                    .iter()
                    .cloned()
                    .map(AtomKey::Category)
                    .collect()
            };
            for area in &areas {
                // Published only where the source has every category of the theme.
                let complete = theme_categories
                    .iter()
                    .all(|c| own.contains_key(&(area.code.clone(), c.clone())));
                if complete {
                    cells.push(subtree_atoms(&area.code, &atom_keys));
                    keys.push((theme.clone(), area.code.clone()));
                }
            }
        }
    }
    let table = LinkedTable { atoms, cells };
    let disclosure = protect(&table, threshold);
    let cells = keys
        .into_iter()
        .zip(disclosure)
        .enumerate()
        .map(|(i, (key, status))| {
            let count = match status {
                Disclosure::Published => PublicCount::Shown(table.value(i)),
                Disclosure::Primary | Disclosure::Secondary => PublicCount::Hidden,
            };
            (key, count)
        })
        .collect();
    Ok(PublicCounts {
        year,
        threshold,
        cells,
    })
}

/// The picture as the public sees it: a theme, a complete year, the protected counts; rates,
/// changes and tests only from shown counts. `counts` and `previous` are [`public_counts`] of
/// the request's year and the year before.
pub fn public_picture(
    store: &Store,
    request: &PictureRequest,
    counts: &PublicCounts,
    previous: &PublicCounts,
) -> Result<Picture, PictureError> {
    let Subject::Theme(theme) = &request.subject else {
        unreachable!("the server asks the public view for themes only");
    };
    let mut picture = picture(store, request)?;
    if picture.complete_year != Some(request.year) {
        return Err(PictureError::PeriodNotCovered {
            area: request.area.clone(),
            period: request.year.to_string(),
            source_table: picture.source,
            covered: "alleen hele jaren zijn openbaar".to_owned(),
        });
    }
    for row in &mut picture.rows {
        protect_row(row, theme, counts, previous, request.min_population);
    }
    // Smoothed again from the shown counts only: a hidden count must not shape its
    // neighbours' rates, nor its own.
    smooth_child_rates(&mut picture.rows, request.min_population);
    picture
        .notes
        .retain(|note| !note.starts_with("Significant"));
    picture.notes.push(format!(
        "Openbaar beeld: aantallen onder de {} en aantallen waaruit die af te leiden zijn, staan \
         er niet (×). Significant: exacte toets voor twee Poisson-aantallen, tweezijdig, alfa = \
         {}, alleen waar beide aantallen getoond worden.",
        counts.threshold,
        buurtbeeld_cube::dutch::decimal(ALPHA, 2)
    ));
    Ok(picture)
}

fn protect_row(
    row: &mut PictureRow,
    theme: &str,
    counts: &PublicCounts,
    previous: &PublicCounts,
    min_population: u64,
) {
    let shown = |table: &PublicCounts| match table.get(theme, &row.code) {
        Some(PublicCount::Shown(n)) => Some(n),
        _ => None,
    };
    let current = shown(counts);
    let before = shown(previous);
    row.suppressed = counts.get(theme, &row.code) == Some(PublicCount::Hidden);
    row.count = current;
    row.previous_count = before;
    row.per_1000 = current
        .zip(row.population)
        .and_then(|(n, p)| rate_per_1000(n, p, min_population));
    row.smoothed_per_1000 = None;
    row.change_pct = match (current, before) {
        (Some(c), Some(p)) if p > 0 => Some((c as f64 - p as f64) / p as f64 * 100.0),
        _ => None,
    };
    row.p_value = match (current, before) {
        (Some(c), Some(p)) => Some(poisson_exact_test(c, 1.0, p, 1.0)),
        _ => None,
    };
    row.significant = row.p_value.map(|p| p < ALPHA);
}
