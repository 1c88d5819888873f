//! The action file (TOML, `[[actie]]`): one plan's action points of one year, "wat wilden we
//! doen, wat hebben we gedaan", with their status.

use std::collections::BTreeMap;

use buurtbeeld_cube::{Action, ActionSet, ActionStatus, ImportBatch, Plan};
use serde::Deserialize;
use toml::Spanned;

use crate::plan::{area_code, read_toml, Lines, Words};
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

/// The words of an action point's `status`.
const STATUS: Words<ActionStatus> = Words {
    field: "status",
    what: "status",
    expected: || {
        format!(
            "een van: {}",
            ActionStatus::ALL.map(ActionStatus::label).join(", ")
        )
    },
    lookup: ActionStatus::from_label,
};

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let (file, lines): (ActionFile, _) = read_toml(
        input,
        bytes,
        "plan = \"…\", jaar = YYYY en tabellen [[actie]] met nummer, themas, gepland, gedaan en \
         status (docs/plan-files.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let plan_id = file.plan.get_ref();
    let year = *file.jaar.get_ref();
    let plan = context.plans.get(plan_id);
    match plan {
        None => problems.add(
            lines.of(&file.plan),
            Some("plan"),
            unknown_plan(plan_id, context),
        ),
        Some(plan) => {
            if let Some(message) = outside_plan(plan_id, plan, year) {
                problems.add(lines.of(&file.jaar), Some("jaar"), message);
            }
        }
    }

    let mut numbers: BTreeMap<u32, u64> = BTreeMap::new();
    let mut actions: Vec<Action> = file
        .actie
        .into_iter()
        .filter_map(|entry| read_action(&mut problems, lines, plan, &mut numbers, entry))
        .collect();
    if actions.is_empty() && problems.is_empty() {
        problems.add(
            None,
            Some("actie"),
            "geen actiepunten; verwacht tabellen [[actie]]",
        );
    }
    actions.sort_by_key(|a| a.number);
    let batch = ImportBatch {
        source: Some(input.source_info("actions-toml", "actions", options, actions.len() as u64)),
        notes: vec![format!(
            "{} van plan '{plan_id}' voor {year}",
            text::count(actions.len() as u64, "actiepunt", "actiepunten")
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

/// The action point, or None (with its problems recorded) if its status is unusable. `numbers`
/// holds the line of each number seen so far.
fn read_action(
    problems: &mut Problems,
    lines: Lines<'_>,
    plan: Option<&Plan>,
    numbers: &mut BTreeMap<u32, u64>,
    entry: ActionEntry,
) -> Option<Action> {
    let at = lines.of(&entry.nummer);
    let number = *entry.nummer.get_ref();
    if let Some(first) = numbers.insert(number, at.unwrap_or(0)) {
        problems.add(
            at,
            Some("nummer"),
            format!("actiepunt {number} staat er twee keer in (eerst op regel {first})"),
        );
    }
    check_themes(problems, lines, plan, &entry.themas);
    let status = STATUS.of(problems, lines, &entry.status);
    let areas: Vec<_> = entry
        .gebieden
        .iter()
        .filter_map(|code| area_code(problems, code, "gebieden", lines))
        .collect();
    let status = status?;
    Some(Action {
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
    })
}

/// Records an action point without themes, or with themes the plan does not have.
fn check_themes(
    problems: &mut Problems,
    lines: Lines<'_>,
    plan: Option<&Plan>,
    themes: &Spanned<Vec<Spanned<String>>>,
) {
    if themes.get_ref().is_empty() {
        problems.add(
            lines.of(themes),
            Some("themas"),
            "geen thema; verwacht minstens één thema-id van het plan",
        );
    }
    let Some(plan) = plan else { return };
    for theme in themes.get_ref() {
        if plan.theme(theme.get_ref()).is_none() {
            problems.add(
                lines.of(theme),
                Some("themas"),
                format!(
                    "onbekend thema '{}'; verwacht een van de thema's van plan '{}': {}",
                    theme.get_ref(),
                    plan.id,
                    known(plan.themes.iter().map(|t| &t.id))
                ),
            );
        }
    }
}

/// Why a plan id the file refers to is unknown, naming the plans that are known.
pub(crate) fn unknown_plan(plan_id: &str, context: &Context) -> String {
    format!(
        "onbekend plan '{plan_id}'; lees eerst het planbestand in (of in dezelfde opdracht); \
         bekende plannen: {}",
        known(context.plans.keys())
    )
}

/// Why a year lies outside the period of the plan the file calls `plan_id`, if it does.
pub(crate) fn outside_plan(plan_id: &str, plan: &Plan, year: i32) -> Option<String> {
    (!(plan.first_year..=plan.last_year).contains(&year)).then(|| {
        format!(
            "{year} valt buiten de periode van plan '{plan_id}'; verwacht {}–{}",
            plan.first_year, plan.last_year
        )
    })
}

pub(crate) fn known<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = ids.map(String::as_str).collect();
    if list.is_empty() {
        "geen".to_owned()
    } else {
        list.join(", ")
    }
}
