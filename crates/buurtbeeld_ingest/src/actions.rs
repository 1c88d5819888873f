//! The action file (TOML, `[[actie]]`): one plan's action points of one year, "wat wilden we
//! doen, wat hebben we gedaan", with their status.

use std::collections::BTreeMap;

use buurtbeeld_cube::{Action, ActionSet, ActionStatus, ImportBatch};
use serde::Deserialize;
use toml::Spanned;

use crate::plan::{area_code, parse_toml};
use crate::problem::{ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    plan: Spanned<String>,
    jaar: Spanned<i32>,
    actie: Vec<ActionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionEntry {
    nummer: Spanned<u32>,
    themas: Spanned<Vec<Spanned<String>>>,
    gepland: String,
    #[serde(default)]
    gedaan: String,
    status: Spanned<String>,
    eigenaar: Option<String>,
    #[serde(default)]
    partners: Vec<String>,
    #[serde(default)]
    gebieden: Vec<Spanned<String>>,
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let file: ActionFile = parse_toml(
        input.name,
        text,
        "plan = \"…\", jaar = YYYY and [[actie]] tables with nummer, themas, gepland, gedaan and \
         status (docs/plan-files.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let line = |start: usize| Some(text::line_of(text, start));

    let plan_id = file.plan.get_ref();
    let year = *file.jaar.get_ref();
    let plan = context.plans.get(plan_id);
    match plan {
        None => problems.add(
            line(file.plan.span().start),
            Some("plan"),
            format!(
                "unknown plan '{plan_id}'; import its plan file first (or in the same command); \
                 known plans: {}",
                known(context.plans.keys())
            ),
        ),
        Some(plan) if !(plan.first_year..=plan.last_year).contains(&year) => problems.add(
            line(file.jaar.span().start),
            Some("jaar"),
            format!(
                "{year} is outside the period of plan '{plan_id}'; expected {}–{}",
                plan.first_year, plan.last_year
            ),
        ),
        Some(_) => {}
    }

    let mut numbers: BTreeMap<u32, u64> = BTreeMap::new();
    let mut actions = Vec::new();
    for entry in file.actie {
        let at = line(entry.nummer.span().start);
        let number = *entry.nummer.get_ref();
        if let Some(first) = numbers.insert(number, at.unwrap_or(0)) {
            problems.add(
                at,
                Some("nummer"),
                format!("action {number} is listed twice (first on line {first})"),
            );
        }
        if entry.themas.get_ref().is_empty() {
            problems.add(
                line(entry.themas.span().start),
                Some("themas"),
                "no theme; expected at least one theme id of the plan",
            );
        }
        if let Some(plan) = plan {
            for theme in entry.themas.get_ref() {
                if plan.theme(theme.get_ref()).is_none() {
                    problems.add(
                        line(theme.span().start),
                        Some("themas"),
                        format!(
                            "unknown theme '{}'; expected one of the themes of plan '{}': {}",
                            theme.get_ref(),
                            plan.id,
                            known(plan.themes.iter().map(|t| &t.id))
                        ),
                    );
                }
            }
        }
        let status = ActionStatus::from_label(entry.status.get_ref());
        if status.is_none() {
            problems.add(
                line(entry.status.span().start),
                Some("status"),
                format!(
                    "'{}' is not a status; expected one of: {}",
                    entry.status.get_ref(),
                    ActionStatus::ALL.map(ActionStatus::label).join(", ")
                ),
            );
        }
        let areas: Vec<_> = entry
            .gebieden
            .iter()
            .filter_map(|code| area_code(&mut problems, code, "gebieden", &line))
            .collect();
        if let Some(status) = status {
            actions.push(Action {
                number,
                themes: entry
                    .themas
                    .into_inner()
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                planned: entry.gepland.trim().to_owned(),
                done: entry.gedaan.trim().to_owned(),
                status,
                owner: entry.eigenaar,
                partners: entry.partners,
                areas,
            });
        }
    }
    if actions.is_empty() && problems.is_empty() {
        problems.add(
            None,
            Some("actie"),
            "no action points; expected [[actie]] tables",
        );
    }
    actions.sort_by_key(|a| a.number);
    let batch = ImportBatch {
        source: Some(input.source_info("actions-toml", "actions", options, actions.len() as u64)),
        notes: vec![format!(
            "{} action points of plan '{plan_id}' for {year}",
            actions.len()
        )],
        actions: vec![ActionSet {
            plan: plan_id.clone(),
            year,
            actions,
        }],
        ..ImportBatch::default()
    };
    problems.finish(batch)
}

pub(crate) fn known<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = ids.map(String::as_str).collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}
