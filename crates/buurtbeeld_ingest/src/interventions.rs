//! The intervention file (TOML, `[interventie]`): what was done, where, from when to when, and
//! how much of it per month, so that its effect can be measured (docs/interventions.md).

use buurtbeeld_cube::{
    AreaCode, AreaLevel, CategoryCode, Dosage, ImportBatch, Intervention, InterventionKind, Period,
};
use serde::Deserialize;
use toml::Spanned;

use crate::actions::known;
use crate::plan::{area_code, read_toml, Lines, Words};
use crate::problem::{ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InterventionFile {
    interventie: Header,
    #[serde(default)]
    dosering: Vec<DosageEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: Spanned<String>,
    naam: String,
    gemeente: Spanned<String>,
    soort: Spanned<String>,
    indicator: Spanned<String>,
    gebieden: Spanned<Vec<Spanned<String>>>,
    start: Spanned<String>,
    einde: Option<Spanned<String>>,
    #[serde(default)]
    partners: Vec<String>,
    omschrijving: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DosageEntry {
    maand: Spanned<String>,
    hoeveelheid: Spanned<f64>,
    eenheid: String,
}

/// The words of an intervention's `soort`.
const SOORT: Words<InterventionKind> = Words {
    field: "soort",
    what: "soort interventie",
    expected: || {
        format!(
            "een van: {}",
            InterventionKind::ALL
                .map(InterventionKind::label)
                .join(", ")
        )
    },
    lookup: InterventionKind::from_label,
};

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let (file, lines): (InterventionFile, _) = read_toml(
        input,
        bytes,
        "een tabel [interventie] met id, naam, gemeente, soort, indicator, gebieden en start, \
         en tabellen [[dosering]] met maand, hoeveelheid en eenheid (docs/interventions.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let header = file.interventie;

    let id = header.id.get_ref().trim().to_owned();
    if !text::is_identifier(&id) {
        problems.add(
            lines.of(&header.id),
            Some("id"),
            format!("'{id}' is geen geldige id; verwacht kleine letters, cijfers en '-'"),
        );
    }
    let municipality = municipality_of(&mut problems, lines, &header.gemeente);
    let kind = SOORT.of(&mut problems, lines, &header.soort);
    let indicator = header.indicator.get_ref().trim();
    check_indicator(&mut problems, lines, context, &header.indicator);
    let areas = read_areas(&mut problems, lines, &header, municipality.as_ref());
    let (start, end) = period_of(&mut problems, lines, &header);
    let dosage = read_dosage(&mut problems, lines, &file.dosering, start, end);

    let (Some(municipality), Some(kind), Some(start)) = (municipality, kind, start) else {
        return Err(problems.into_error());
    };
    let intervention = Intervention {
        id,
        name: header.naam.trim().to_owned(),
        municipality,
        kind,
        indicator: indicator.to_owned(),
        areas,
        start,
        end,
        partners: header.partners,
        description: header.omschrijving,
        dosage,
    };
    problems.finish(intervention_batch(input, options, intervention))
}

/// The intervention's gemeente, or None if `gemeente` is no gemeente code.
fn municipality_of(
    problems: &mut Problems,
    lines: Lines<'_>,
    gemeente: &Spanned<String>,
) -> Option<AreaCode> {
    let municipality = area_code(problems, gemeente, "gemeente", lines);
    if let Some(code) = &municipality {
        if code.level() != AreaLevel::Gemeente {
            problems.add(
                lines.of(gemeente),
                Some("gemeente"),
                format!("{code} is geen gemeente; verwacht een GM-code, bijvoorbeeld GM0014"),
            );
        }
    }
    municipality
}

/// Records an indicator that is neither a theme nor a police category.
fn check_indicator(
    problems: &mut Problems,
    lines: Lines<'_>,
    context: &Context,
    indicator: &Spanned<String>,
) {
    let code = indicator.get_ref().trim();
    let is_category = code.contains('.') && CategoryCode::parse(code).is_ok();
    if !is_category && !context.theme_ids.contains(code) {
        problems.add(
            lines.of(indicator),
            Some("indicator"),
            format!(
                "'{code}' is geen thema en ook geen politiecategorie; verwacht een thema-id \
                 ({}) of een categoriecode zoals 1.2.3",
                known(context.theme_ids.iter())
            ),
        );
    }
}

/// The distinct areas the intervention applies to, each checked to lie in its gemeente.
fn read_areas(
    problems: &mut Problems,
    lines: Lines<'_>,
    header: &Header,
    municipality: Option<&AreaCode>,
) -> Vec<AreaCode> {
    if header.gebieden.get_ref().is_empty() {
        problems.add(
            lines.of(&header.gebieden),
            Some("gebieden"),
            "geen gebied; verwacht de buurten of wijken waar de interventie geldt",
        );
    }
    let mut areas: Vec<AreaCode> = Vec::new();
    for code in header.gebieden.get_ref() {
        let Some(area) = area_code(problems, code, "gebieden", lines) else {
            continue;
        };
        if municipality.is_some() && area.gemeente().as_ref() != municipality {
            problems.add(
                lines.of(code),
                Some("gebieden"),
                format!(
                    "{area} ligt niet in {}; verwacht buurten of wijken van die gemeente",
                    header.gemeente.get_ref()
                ),
            );
        }
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    areas
}

/// The month a value names, or None if it names none.
fn month(
    problems: &mut Problems,
    lines: Lines<'_>,
    value: &Spanned<String>,
    field: &str,
) -> Option<Period> {
    match Period::parse_iso(value.get_ref()) {
        Ok(period @ Period::Month { .. }) => Some(period),
        _ => {
            problems.add(
                lines.of(value),
                Some(field),
                format!("'{}' is geen maand; verwacht YYYY-MM", value.get_ref()),
            );
            None
        }
    }
}

/// The intervention's first and (if it has ended) last month, the last checked to follow the first.
fn period_of(
    problems: &mut Problems,
    lines: Lines<'_>,
    header: &Header,
) -> (Option<Period>, Option<Period>) {
    let start = month(problems, lines, &header.start, "start");
    let end = header
        .einde
        .as_ref()
        .and_then(|end| month(problems, lines, end, "einde"));
    if let (Some(start), Some(end), Some(spanned)) = (start, end, &header.einde) {
        if end < start {
            problems.add(
                lines.of(spanned),
                Some("einde"),
                format!(
                    "{} ligt vóór de start {}; verwacht een maand vanaf de start",
                    month_text(end),
                    month_text(start)
                ),
            );
        }
    }
    (start, end)
}

/// The dosage per month in month order, each month checked to lie in the period and to be listed
/// once.
fn read_dosage(
    problems: &mut Problems,
    lines: Lines<'_>,
    entries: &[DosageEntry],
    start: Option<Period>,
    end: Option<Period>,
) -> Vec<Dosage> {
    let mut dosage = Vec::new();
    for entry in entries {
        let Some(when) = month(problems, lines, &entry.maand, "maand") else {
            continue;
        };
        let outside = start.is_some_and(|s| when < s) || end.is_some_and(|e| when > e);
        if outside {
            problems.add(
                lines.of(&entry.maand),
                Some("maand"),
                format!(
                    "{} valt buiten de periode van de interventie",
                    month_text(when)
                ),
            );
        }
        let amount = *entry.hoeveelheid.get_ref();
        if !(amount.is_finite() && amount >= 0.0) {
            problems.add(
                lines.of(&entry.hoeveelheid),
                Some("hoeveelheid"),
                format!("{amount} is geen geldige hoeveelheid; verwacht een getal van 0 of meer"),
            );
        }
        if dosage.iter().any(|d: &Dosage| d.month == month_text(when)) {
            problems.add(
                lines.of(&entry.maand),
                Some("maand"),
                format!("{} staat er twee keer in", month_text(when)),
            );
        }
        dosage.push(Dosage {
            month: month_text(when),
            amount,
            unit: entry.eenheid.trim().to_owned(),
        });
    }
    dosage.sort_by(|a, b| a.month.cmp(&b.month));
    dosage
}

/// The batch of one intervention, with a note saying what it is and when.
fn intervention_batch(
    input: &Input<'_>,
    options: &ReadOptions,
    intervention: Intervention,
) -> ImportBatch {
    ImportBatch {
        source: Some(input.source_info("intervention-toml", "intervention", options, 1)),
        notes: vec![format!(
            "interventie '{}' ({}, {}, {})",
            intervention.id,
            intervention.kind.label(),
            text::count(intervention.areas.len() as u64, "gebied", "gebieden"),
            intervention.end.map_or_else(
                || format!("{}, loopt nog", intervention.period_text()),
                |_| intervention.period_text()
            )
        )],
        interventions: vec![intervention],
        ..ImportBatch::default()
    }
}

/// `YYYY-MM` of a month.
fn month_text(period: Period) -> String {
    match period {
        Period::Month { year, month } => format!("{year}-{month:02}"),
        Period::Year(year) => year.to_string(),
    }
}
