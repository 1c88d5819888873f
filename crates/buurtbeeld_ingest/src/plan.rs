//! The plan file (TOML, `[plan]`): a safety plan's themes, goals with KPIs and changes.

use std::collections::BTreeSet;

use buurtbeeld_cube::{
    AreaCode, ChangeKind, Direction, Goal, ImportBatch, KpiMeasure, Plan, PlanChange, PlanTheme,
};
use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use crate::codelists::code_lists;
use crate::problem::{ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    plan: Header,
    #[serde(default)]
    thema: Vec<ThemeEntry>,
    #[serde(default)]
    doel: Vec<GoalEntry>,
    #[serde(default)]
    wijziging: Vec<ChangeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: Spanned<String>,
    naam: String,
    gemeente: Spanned<String>,
    eerste_jaar: Spanned<i32>,
    laatste_jaar: Spanned<i32>,
    bron: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeEntry {
    id: Spanned<String>,
    naam: String,
    #[serde(default)]
    prioritair: bool,
    opgave: String,
    ambitie: String,
    #[serde(default)]
    pijlers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalEntry {
    id: Spanned<String>,
    thema: Spanned<String>,
    omschrijving: String,
    indicator: Spanned<String>,
    gebied: Option<Spanned<String>>,
    maat: Spanned<String>,
    basisjaar: Spanned<i32>,
    streefwaarde: f64,
    streefjaar: Option<Spanned<i32>>,
    richting: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeEntry {
    datum: Spanned<Datetime>,
    soort: Spanned<String>,
    onderwerp: String,
    thema: Option<Spanned<String>>,
    reden: String,
}

/// Parses TOML into `T`, or the parser's problem with its line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    expected: &str,
) -> Result<T, ImportError> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end();
        // serde names a missing key in backticks; report it as the field at fault.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        Problems::new(name).fatal(
            e.span().map(|s| text::line_of(text, s.start)),
            missing,
            format!("{message}; expected {expected}"),
        )
    })
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let file: PlanFile = parse_toml(
        input.name,
        text,
        "a [plan] table (id, naam, gemeente, eerste_jaar, laatste_jaar) with [[thema]], [[doel]] \
         and [[wijziging]] tables (docs/plan-files.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let line = |start: usize| Some(text::line_of(text, start));

    let header = &file.plan;
    check_identifier(
        &mut problems,
        line(header.id.span().start),
        "id",
        &header.id,
    );
    let municipality = area_code(&mut problems, &header.gemeente, "gemeente", &line);
    let (first_year, last_year) = (
        *header.eerste_jaar.get_ref(),
        *header.laatste_jaar.get_ref(),
    );
    for (year, field) in [
        (&header.eerste_jaar, "eerste_jaar"),
        (&header.laatste_jaar, "laatste_jaar"),
    ] {
        if !(1990..=2100).contains(year.get_ref()) {
            problems.add(
                line(year.span().start),
                Some(field),
                format!(
                    "{} is not a plan year; expected a year like 2022",
                    year.get_ref()
                ),
            );
        }
    }
    if last_year < first_year {
        problems.add(
            line(header.laatste_jaar.span().start),
            Some("laatste_jaar"),
            format!("{last_year} is before eerste_jaar {first_year}"),
        );
    }

    let mut theme_ids = BTreeSet::new();
    let mut themes = Vec::new();
    for entry in file.thema {
        let at = line(entry.id.span().start);
        check_identifier(&mut problems, at, "id", &entry.id);
        if !theme_ids.insert(entry.id.get_ref().clone()) {
            problems.add(
                at,
                Some("id"),
                format!("theme '{}' is defined twice", entry.id.get_ref()),
            );
        }
        themes.push(PlanTheme {
            id: entry.id.into_inner(),
            name: entry.naam,
            priority: entry.prioritair,
            opgave: entry.opgave,
            ambitie: entry.ambitie,
            pillars: entry.pijlers,
        });
    }
    if themes.is_empty() {
        problems.add(
            None,
            Some("thema"),
            "the plan has no themes; expected at least one [[thema]] table",
        );
    }
    let known_theme = |problems: &mut Problems, theme: &Spanned<String>| {
        if !theme_ids.contains(theme.get_ref()) {
            problems.add(
                line(theme.span().start),
                Some("thema"),
                format!(
                    "unknown theme '{}'; expected one of the plan's themes: {}",
                    theme.get_ref(),
                    theme_ids.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    };

    let mut goal_ids = BTreeSet::new();
    let mut goals = Vec::new();
    for entry in file.doel {
        let at = line(entry.id.span().start);
        check_identifier(&mut problems, at, "id", &entry.id);
        if !goal_ids.insert(entry.id.get_ref().clone()) {
            problems.add(
                at,
                Some("id"),
                format!("goal '{}' is defined twice", entry.id.get_ref()),
            );
        }
        known_theme(&mut problems, &entry.thema);
        let indicator = entry.indicator.get_ref();
        let is_category = code_lists().category(indicator).is_some();
        if !is_category && !context.theme_ids.contains(indicator) {
            problems.add(
                line(entry.indicator.span().start),
                Some("indicator"),
                format!(
                    "'{indicator}' is neither a buurtbeeld theme nor a police category code; \
                     expected one of {} or a code like 1.1.1",
                    context
                        .theme_ids
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let area = match &entry.gebied {
            Some(code) => area_code(&mut problems, code, "gebied", &line),
            None => municipality.clone(),
        };
        let measure = match entry.maat.get_ref().as_str() {
            "aantal" => Some(KpiMeasure::Count),
            "per_1000" => Some(KpiMeasure::Per1000),
            other => {
                problems.add(
                    line(entry.maat.span().start),
                    Some("maat"),
                    format!("'{other}' is not a measure; expected aantal or per_1000"),
                );
                None
            }
        };
        let direction = match entry.richting.get_ref().as_str() {
            "omlaag" => Some(Direction::Down),
            "omhoog" => Some(Direction::Up),
            other => {
                problems.add(
                    line(entry.richting.span().start),
                    Some("richting"),
                    format!("'{other}' is not a direction; expected omlaag or omhoog"),
                );
                None
            }
        };
        let target_year = entry
            .streefjaar
            .as_ref()
            .map_or(last_year, |y| *y.get_ref());
        if let Some(year) = &entry.streefjaar {
            if !(first_year..=last_year).contains(year.get_ref()) {
                problems.add(
                    line(year.span().start),
                    Some("streefjaar"),
                    format!(
                        "{} is outside the plan period; expected {first_year}–{last_year}",
                        year.get_ref()
                    ),
                );
            }
        }
        if *entry.basisjaar.get_ref() > target_year {
            problems.add(
                line(entry.basisjaar.span().start),
                Some("basisjaar"),
                format!(
                    "{} is after the target year {target_year}",
                    entry.basisjaar.get_ref()
                ),
            );
        }
        if let (Some(area), Some(measure), Some(direction)) = (area, measure, direction) {
            goals.push(Goal {
                id: entry.id.into_inner(),
                theme: entry.thema.into_inner(),
                description: entry.omschrijving,
                indicator: entry.indicator.into_inner(),
                area,
                measure,
                baseline_year: entry.basisjaar.into_inner(),
                target: entry.streefwaarde,
                target_year,
                direction,
            });
        }
    }

    let mut changes = Vec::new();
    for entry in file.wijziging {
        let at = line(entry.datum.span().start);
        let date = match (entry.datum.get_ref().date, entry.datum.get_ref().time) {
            (Some(date), None) => Some(date.to_string()),
            _ => {
                problems.add(
                    at,
                    Some("datum"),
                    format!(
                        "{} is not a date; expected a TOML date like 2023-03-01",
                        entry.datum.get_ref()
                    ),
                );
                None
            }
        };
        let kind = ChangeKind::ALL
            .into_iter()
            .find(|k| k.label() == entry.soort.get_ref());
        if kind.is_none() {
            problems.add(
                line(entry.soort.span().start),
                Some("soort"),
                format!(
                    "'{}' is not a kind of change; expected toegevoegd, vervallen or gewijzigd",
                    entry.soort.get_ref()
                ),
            );
        }
        if let Some(theme) = &entry.thema {
            known_theme(&mut problems, theme);
        }
        if let (Some(date), Some(kind)) = (date, kind) {
            changes.push(PlanChange {
                date,
                kind,
                subject: entry.onderwerp,
                theme: entry.thema.map(Spanned::into_inner),
                reason: entry.reden,
            });
        }
    }

    let Some(municipality) = municipality else {
        return Err(problems.into_error());
    };
    let plan = Plan {
        id: header.id.get_ref().clone(),
        name: header.naam.clone(),
        municipality,
        first_year,
        last_year,
        source: header.bron.clone(),
        themes,
        goals,
        changes,
    };
    let batch = ImportBatch {
        source: Some(input.source_info("plan-toml", "plan", options, 1)),
        notes: vec![format!(
            "plan '{}' ({}–{}): {} themes, {} goals, {} changes",
            plan.id,
            plan.first_year,
            plan.last_year,
            plan.themes.len(),
            plan.goals.len(),
            plan.changes.len()
        )],
        plans: vec![plan],
        ..ImportBatch::default()
    };
    problems.finish(batch)
}

pub(crate) fn check_identifier(
    problems: &mut Problems,
    line: Option<u64>,
    field: &str,
    id: &Spanned<String>,
) {
    if !text::is_identifier(id.get_ref()) {
        problems.add(
            line,
            Some(field),
            format!(
                "'{}' is not an identifier; expected lowercase letters, digits and '-'",
                id.get_ref()
            ),
        );
    }
}

pub(crate) fn area_code(
    problems: &mut Problems,
    code: &Spanned<String>,
    field: &str,
    line: &dyn Fn(usize) -> Option<u64>,
) -> Option<AreaCode> {
    AreaCode::parse(code.get_ref())
        .map_err(|e| problems.add(line(code.span().start), Some(field), e.to_string()))
        .ok()
}
