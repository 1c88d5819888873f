//! The wijkprofiel: one wijk's (or buurt's) safety picture for a meeting with its residents:
//! every theme against the year before, the course and map of the busiest theme, the wijk
//! against the whole gemeente per 1.000 inwoners, and what the safety plan does in the wijk.

use buurtbeeld_cube::{ActionSet, AreaCode};
use buurtbeeld_store::Store;

use crate::DocumentError;

use crate::document::{Block, DocTable, Document};
use crate::own_sources::own_sources_section;
use crate::veiligheidsbrief::{action_table, crime_picture, sources, NO_FIGURE};
use buurtbeeld_analysis::{
    area_attribution, complete_year_picture, complete_years, plan_report, PictureError, Subject,
};
use buurtbeeld_cube::dutch::decimal;

/// The profile of `area` about `year` (default: its latest complete year). `today` is the date
/// line, e.g. `23 november 2026`.
pub fn wijkprofiel(
    store: &Store,
    area: &AreaCode,
    year: Option<i32>,
    today: &str,
) -> Result<Document, DocumentError> {
    let info = store
        .area(area)?
        .ok_or_else(|| PictureError::UnknownArea(area.clone()))?;
    let themes: Vec<_> = store
        .themes()?
        .into_iter()
        .filter(|t| t.is_crime_theme())
        .collect();
    let subjects: Vec<Subject> = themes
        .iter()
        .map(|t| Subject::Theme(t.id.clone()))
        .collect();
    let year = match year.or(complete_years(store, area, &subjects)?.last().copied()) {
        Some(year) => year,
        None => return Err(DocumentError::NoCompleteYear(area.clone())),
    };
    let gemeente = area.gemeente();
    let gemeente_name = match &gemeente {
        Some(code) => store
            .area(code)?
            .map_or_else(|| code.to_string(), |a| a.name),
        None => String::new(),
    };
    let mut blocks = vec![
        Block::Heading(1, "Over dit profiel".to_owned()),
        Block::Paragraph(format!(
            "Dit profiel laat zien hoe het in {year} met de veiligheid in {} stond, voor het \
             gesprek met bewoners en partners: de geregistreerde misdrijven per thema, waar in \
             de wijk ze gebeurden, hoe de wijk zich verhoudt tot {} als geheel, en wat er in de \
             wijk wordt gedaan. Het gaat om aantallen per gebied; er staan geen gegevens over \
             personen in.",
            info.name,
            if gemeente_name.is_empty() {
                "de gemeente".to_owned()
            } else {
                format!("de gemeente {gemeente_name}")
            }
        )),
    ];
    blocks.extend(crime_picture(store, area, &info.name, year)?);
    if let Some(gemeente) = &gemeente {
        blocks.extend(against_gemeente(
            store,
            area,
            &info.name,
            gemeente,
            &gemeente_name,
            &themes,
            year,
        )?);
    }
    blocks.extend(own_sources_section(store, area, &info.name, year)?);
    blocks.extend(actions_here(store, area, year)?);
    blocks.push(Block::Heading(1, "Bronnen en werkwijze".to_owned()));
    let credits = area_attribution(store, area)?;
    blocks.push(Block::Bullets(sources(&credits)));
    Ok(Document {
        title: format!("Wijkprofiel {} {year}", info.name),
        subtitle: if gemeente_name.is_empty() {
            area.to_string()
        } else {
            format!("{} ({area}), gemeente {gemeente_name}", info.name)
        },
        date: today.to_owned(),
        attribution: format!("{credits} · buurtbeeld · wijkprofiel {}", info.name),
        blocks,
    })
}

/// Per theme: the area and its gemeente per 1.000 inwoners, where both have a figure.
fn against_gemeente(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    gemeente: &AreaCode,
    gemeente_name: &str,
    themes: &[buurtbeeld_cube::Theme],
    year: i32,
) -> Result<Vec<Block>, DocumentError> {
    let rate = |code: &AreaCode, theme: &str| -> Result<Option<f64>, DocumentError> {
        let subject = Subject::Theme(theme.to_owned());
        Ok(complete_year_picture(store, code, &subject, year)?.and_then(|p| p.rows[0].per_1000))
    };
    let mut rows = Vec::new();
    for theme in themes {
        if let (Some(here), Some(there)) = (rate(area, &theme.id)?, rate(gemeente, &theme.id)?) {
            let comparison = if there > 0.0 {
                format!("{}×", decimal(here / there, 1))
            } else {
                NO_FIGURE.to_owned()
            };
            rows.push(vec![
                theme.name.clone(),
                decimal(here, 1),
                decimal(there, 1),
                comparison,
            ]);
        }
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![
        Block::Heading(1, format!("{area_name} en {gemeente_name}")),
        Block::Paragraph(format!(
            "Misdrijven per 1.000 inwoners in {year}. Een wijk met veel bezoekers (een centrum, \
             een station) heeft per inwoner vanzelf meer misdrijven; vergelijk daarom ook met \
             de jaren ervoor."
        )),
        Block::Table(DocTable {
            tones: Vec::new(),
            headers: vec![
                "Thema".into(),
                area_name.to_owned(),
                gemeente_name.to_owned(),
                "Verhouding".into(),
            ],
            numeric: vec![false, true, true, true],
            widths: Some(vec![4, 2, 2, 2]),
            rows,
            caption: Some(format!(
                "Per 1.000 inwoners, {area_name} tegenover {gemeente_name}, {year} (Bron: \
                 CBS/Politie)"
            )),
        }),
    ])
}

/// The action points of every plan of the gemeente for `year` and the year after that name
/// this area, or a buurt in it.
fn actions_here(store: &Store, area: &AreaCode, year: i32) -> Result<Vec<Block>, DocumentError> {
    let mut blocks = vec![Block::Heading(1, "Wat er in de wijk gebeurt".to_owned())];
    let inside: Vec<AreaCode> = std::iter::once(area.clone())
        .chain(store.children(area)?.into_iter().map(|a| a.code))
        .collect();
    for plan in store.plans()? {
        if Some(&plan.municipality) != area.gemeente().as_ref() {
            continue;
        }
        let Some(report) = plan_report(store, &plan.id)? else {
            continue;
        };
        for set in report
            .actions
            .iter()
            .filter(|s| s.year == year || s.year == year + 1)
        {
            let here = ActionSet {
                actions: set
                    .actions
                    .iter()
                    .filter(|a| a.areas.iter().any(|code| inside.contains(code)))
                    .cloned()
                    .collect(),
                ..set.clone()
            };
            if !here.actions.is_empty() {
                let mut table = action_table(&report, &here);
                table.caption = Some(format!(
                    "Actiepunten {} in deze wijk ({})",
                    set.year, plan.name
                ));
                blocks.push(Block::Table(table));
            }
        }
    }
    if blocks.len() == 1 {
        blocks.push(Block::Paragraph(format!(
            "Voor {year} en {} zijn geen actiepunten vastgelegd die deze wijk of een buurt \
             erin noemen.",
            year + 1
        )));
    }
    Ok(blocks)
}
