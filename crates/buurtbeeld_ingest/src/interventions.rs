//! The intervention file (TOML, `[interventie]`): what was done, where, from when to when, and
//! how much of it per month, so that its effect can be measured (docs/interventions.md).

use buurtbeeld_cube::{
    AreaCode, AreaLevel, CategoryCode, Dosage, ImportBatch, Intervention, InterventionKind, Period,
};
use serde::Deserialize;
use toml::Spanned;

use crate::actions::known;
use crate::plan::{area_code, parse_toml};
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

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let file: InterventionFile = parse_toml(
        input.name,
        text,
        "an [interventie] table with id, naam, gemeente, soort, indicator, gebieden and start, \
         and [[dosering]] tables with maand, hoeveelheid and eenheid (docs/interventions.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let line = |start: usize| Some(text::line_of(text, start));
    let header = file.interventie;

    let id = header.id.get_ref().trim().to_owned();
    if !text::is_identifier(&id) {
        problems.add(
            line(header.id.span().start),
            Some("id"),
            format!("'{id}' is not an id; expected lower-case letters, digits and '-'"),
        );
    }
    let municipality = area_code(&mut problems, &header.gemeente, "gemeente", &line);
    if let Some(code) = &municipality {
        if code.level() != AreaLevel::Gemeente {
            problems.add(
                line(header.gemeente.span().start),
                Some("gemeente"),
                format!("{code} is not a gemeente; expected a GM code, e.g. GM0014"),
            );
        }
    }
    let kind = InterventionKind::from_label(header.soort.get_ref());
    if kind.is_none() {
        problems.add(
            line(header.soort.span().start),
            Some("soort"),
            format!(
                "'{}' is not a kind of intervention; expected one of: {}",
                header.soort.get_ref(),
                InterventionKind::ALL
                    .map(InterventionKind::label)
                    .join(", ")
            ),
        );
    }
    let indicator = header.indicator.get_ref().trim();
    let is_category = indicator.contains('.') && CategoryCode::parse(indicator).is_ok();
    if !is_category && !context.theme_ids.contains(indicator) {
        problems.add(
            line(header.indicator.span().start),
            Some("indicator"),
            format!(
                "'{indicator}' is neither a theme nor a police category; expected a theme id \
                 ({}) or a category code such as 1.2.3",
                known(context.theme_ids.iter())
            ),
        );
    }
    if header.gebieden.get_ref().is_empty() {
        problems.add(
            line(header.gebieden.span().start),
            Some("gebieden"),
            "no area; expected the buurten or wijken where the intervention applies",
        );
    }
    let mut areas: Vec<AreaCode> = Vec::new();
    for code in header.gebieden.get_ref() {
        let Some(area) = area_code(&mut problems, code, "gebieden", &line) else {
            continue;
        };
        if municipality.is_some() && area.gemeente() != municipality {
            problems.add(
                line(code.span().start),
                Some("gebieden"),
                format!(
                    "{area} does not lie in {}; expected buurten or wijken of that gemeente",
                    header.gemeente.get_ref()
                ),
            );
        }
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    let month =
        |problems: &mut Problems, value: &Spanned<String>, field: &str| match Period::parse_iso(
            value.get_ref(),
        ) {
            Ok(period @ Period::Month { .. }) => Some(period),
            _ => {
                problems.add(
                    line(value.span().start),
                    Some(field),
                    format!("'{}' is not a month; expected YYYY-MM", value.get_ref()),
                );
                None
            }
        };
    let start = month(&mut problems, &header.start, "start");
    let end = header
        .einde
        .as_ref()
        .and_then(|end| month(&mut problems, end, "einde"));
    if let (Some(start), Some(end), Some(spanned)) = (start, end, &header.einde) {
        if end < start {
            problems.add(
                line(spanned.span().start),
                Some("einde"),
                format!(
                    "{} is before the start {}; expected a month from the start on",
                    month_text(end),
                    month_text(start)
                ),
            );
        }
    }
    let mut dosage = Vec::new();
    for entry in &file.dosering {
        let Some(when) = month(&mut problems, &entry.maand, "maand") else {
            continue;
        };
        let outside = start.is_some_and(|s| when < s) || end.is_some_and(|e| when > e);
        if outside {
            problems.add(
                line(entry.maand.span().start),
                Some("maand"),
                format!("{} is outside the intervention's period", month_text(when)),
            );
        }
        let amount = *entry.hoeveelheid.get_ref();
        if !(amount.is_finite() && amount >= 0.0) {
            problems.add(
                line(entry.hoeveelheid.span().start),
                Some("hoeveelheid"),
                format!("{amount} is not an amount; expected a number of at least 0"),
            );
        }
        if dosage.iter().any(|d: &Dosage| d.month == month_text(when)) {
            problems.add(
                line(entry.maand.span().start),
                Some("maand"),
                format!("{} is listed twice", month_text(when)),
            );
        }
        dosage.push(Dosage {
            month: month_text(when),
            amount,
            unit: entry.eenheid.trim().to_owned(),
        });
    }
    dosage.sort_by(|a, b| a.month.cmp(&b.month));

    let (Some(municipality), Some(kind), Some(start)) = (municipality, kind, start) else {
        return Err(problems.into_error());
    };
    let intervention = Intervention {
        id: id.clone(),
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
    let batch = ImportBatch {
        source: Some(input.source_info("intervention-toml", "intervention", options, 1)),
        notes: vec![format!(
            "intervention '{id}' ({}, {} area(s), from {}{})",
            kind.label(),
            intervention.areas.len(),
            intervention.start,
            intervention
                .end
                .as_ref()
                .map_or_else(|| ", ongoing".to_owned(), |e| format!(" to {e}"))
        )],
        interventions: vec![intervention],
        ..ImportBatch::default()
    };
    problems.finish(batch)
}

/// `YYYY-MM` of a month.
fn month_text(period: Period) -> String {
    match period {
        Period::Month { year, month } => format!("{year}-{month:02}"),
        Period::Year(year) => year.to_string(),
    }
}
