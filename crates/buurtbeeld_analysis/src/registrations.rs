//! The municipality's own registrations (BVH incidents, enforcement, resident reports) as the
//! other use-cases read them: which source categories a theme holds, and monthly counts per
//! buurt that look like a police series, so hotspots and the VIS treat every source alike.

use std::collections::BTreeMap;

use buurtbeeld_cube::{
    AreaCode, AreaLevel, Day, IncidentSource, Period, Series, SourceKind, Subject, Value,
};
use buurtbeeld_store::{AreaInfo, IncidentQuery, Store, StoredIncident};

use crate::{descendants, PatternError, PictureError};

/// A registration source and the categories of it that a question covers.
#[derive(Debug, Clone)]
pub(crate) struct RegistrationScope {
    pub source: IncidentSource,
    pub subject: String,
    pub subject_label: String,
    pub categories: Vec<String>,
}

impl RegistrationScope {
    /// What one registration is called in a sentence: "fietsdiefstal" for a theme, or the
    /// category's label: "na een fietsdiefstal", "na een registratie 'Diefstal van fietsen'".
    pub(crate) fn event_noun(&self) -> String {
        if self.subject == self.subject_label || self.subject.contains('.') {
            format!("registratie '{}'", self.subject_label)
        } else {
            self.subject_label.to_lowercase()
        }
    }
}

/// Whom to credit for a registration source's figures.
pub(crate) fn registration_attribution(source: &IncidentSource) -> String {
    match source.kind {
        SourceKind::Politie => crate::attribution(&source.id),
        _ => format!("Bron: gemeente ({})", source.name),
    }
}

/// The registration source of that id, when the store has one.
pub(crate) fn registration_source(
    store: &Store,
    id: &str,
) -> Result<Option<IncidentSource>, PictureError> {
    Ok(store.incident_sources()?.into_iter().find(|s| s.id == id))
}

/// What a subject means in one registration source: a theme's categories of that source (for
/// BVH its police categories), or a category key itself.
pub(crate) fn registration_scope(
    store: &Store,
    source: IncidentSource,
    subject: &Subject,
) -> Result<RegistrationScope, PictureError> {
    let (subject, subject_label, categories) = match subject {
        Subject::Theme(id) => {
            let themes = store.themes()?;
            let theme = themes.iter().find(|t| &t.id == id).ok_or_else(|| {
                let ids: Vec<&str> = themes.iter().map(|t| t.id.as_str()).collect();
                PictureError::UnknownTheme(id.clone(), ids.join(", "))
            })?;
            (
                theme.id.clone(),
                theme.name.clone(),
                theme.source_categories(&source.id),
            )
        }
        Subject::Category(code) => {
            let labels = store.source_categories(&source.id)?;
            let label = labels
                .iter()
                .find(|c| c.code == code.as_str())
                .map(|c| c.label.clone())
                .or_else(|| {
                    let police = store.categories().ok()?;
                    police
                        .into_iter()
                        .find(|c| &c.code == code)
                        .map(|c| c.label)
                })
                .unwrap_or_else(|| code.to_string());
            (code.to_string(), label, vec![code.as_str().to_owned()])
        }
    };
    if categories.is_empty() {
        return Err(PictureError::ThemeWithoutSourceCategories {
            theme: subject,
            source_name: source.name,
        });
    }
    Ok(RegistrationScope {
        source,
        subject,
        subject_label,
        categories,
    })
}

/// The months a source covers: from the month of its first registration to that of its last.
/// Within them a buurt without registrations has a true 0; outside them nothing is known.
pub(crate) fn covered_months(
    store: &Store,
    source: &str,
) -> Result<Option<(Period, Period)>, PictureError> {
    Ok(store
        .incident_days(source)?
        .map(|(first, last)| (first.month(), last.month())))
}

/// The registrations of a scope in the given buurten (all buurten when empty).
pub(crate) fn read_registrations(
    store: &Store,
    scope: &RegistrationScope,
    buurten: &[AreaCode],
    days: Option<(Day, Day)>,
) -> Result<Vec<StoredIncident>, PictureError> {
    Ok(store.incidents(&IncidentQuery {
        source: scope.source.id.clone(),
        categories: scope.categories.clone(),
        areas: buurten.to_vec(),
        from: days.map(|d| d.0),
        through: days.map(|d| d.1),
    })?)
}

/// Monthly counts of a scope per buurt, every covered month filled (0 where nothing was
/// registered), as series with the ordinals of `Period::Month`.
pub(crate) fn monthly_series(
    store: &Store,
    scope: &RegistrationScope,
    buurten: &[AreaCode],
) -> Result<BTreeMap<AreaCode, Series>, PictureError> {
    let Some((first, last)) = covered_months(store, &scope.source.id)? else {
        return Ok(BTreeMap::new());
    };
    let mut counts: BTreeMap<(AreaCode, i64), u32> = BTreeMap::new();
    for incident in read_registrations(store, scope, buurten, None)? {
        *counts
            .entry((incident.area, incident.day.month().ordinal()))
            .or_default() += 1;
    }
    let mut series = BTreeMap::new();
    for buurt in buurten {
        let mut s = Series::new();
        for ordinal in first.ordinal()..=last.ordinal() {
            let n = counts.get(&(buurt.clone(), ordinal)).copied().unwrap_or(0);
            s.insert(ordinal, Value::Count(n));
        }
        series.insert(buurt.clone(), s);
    }
    Ok(series)
}

/// Monthly counts of a scope for areas of any level: a wijk or gemeente is the sum of its
/// buurten (registrations are placed in buurten).
pub(crate) fn monthly_series_of_areas(
    store: &Store,
    scope: &RegistrationScope,
    areas: &[AreaInfo],
) -> Result<BTreeMap<AreaCode, Series>, PictureError> {
    let mut buurten_of: Vec<(AreaCode, Vec<AreaCode>)> = Vec::new();
    for area in areas {
        let buurten = if area.level == AreaLevel::Buurt {
            vec![area.code.clone()]
        } else {
            descendants(store, area, Some(AreaLevel::Buurt))?
                .into_iter()
                .map(|b| b.code)
                .collect()
        };
        buurten_of.push((area.code.clone(), buurten));
    }
    let all: Vec<AreaCode> = buurten_of.iter().flat_map(|(_, b)| b.clone()).collect();
    let per_buurt = monthly_series(store, scope, &all)?;
    let mut result = BTreeMap::new();
    for (area, buurten) in buurten_of {
        let mut total = Series::new();
        for buurt in &buurten {
            for (ordinal, value) in per_buurt.get(buurt).into_iter().flat_map(Series::iter) {
                let before = match total.get(ordinal) {
                    Some(Value::Count(n)) => n,
                    _ => 0,
                };
                if let Value::Count(n) = value {
                    total.insert(ordinal, Value::Count(before + n));
                }
            }
        }
        result.insert(area, total);
    }
    Ok(result)
}

/// What a point-pattern question (near repeats, density) reads: the area, the source's
/// categories for the subject, the area's buurten and the registrations there.
pub(crate) struct PointInput {
    pub area: AreaInfo,
    pub scope: RegistrationScope,
    pub buurten: Vec<AreaCode>,
    pub registrations: Vec<StoredIncident>,
}

pub(crate) fn point_input(
    store: &Store,
    area: &AreaCode,
    source: &str,
    subject: &Subject,
    days: Option<(Day, Day)>,
) -> Result<PointInput, PatternError> {
    let area = store
        .area(area)?
        .ok_or_else(|| PictureError::UnknownArea(area.clone()))?;
    let source = registration_source(store, source)?
        .ok_or_else(|| PatternError::UnknownSource(source.to_owned()))?;
    let scope = registration_scope(store, source, subject)?;
    let buurten = buurten_of(store, &area)?;
    let registrations = read_registrations(store, &scope, &buurten, days)?;
    Ok(PointInput {
        area,
        scope,
        buurten,
        registrations,
    })
}

/// The buurten of an area (itself when it is one).
pub(crate) fn buurten_of(store: &Store, area: &AreaInfo) -> Result<Vec<AreaCode>, PictureError> {
    if area.level == AreaLevel::Buurt {
        return Ok(vec![area.code.clone()]);
    }
    Ok(descendants(store, area, Some(AreaLevel::Buurt))?
        .into_iter()
        .map(|b| b.code)
        .collect())
}
