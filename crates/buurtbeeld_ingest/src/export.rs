//! The plan, action and budget files written back from the store, in the same documented
//! formats the readers take (docs/plan-files.md), so a plan can be exported, edited and
//! imported again.

use std::str::FromStr;

use buurtbeeld_cube::dutch::signed;
use buurtbeeld_cube::{ActionSet, BudgetYear, Plan};
use serde::Serialize;
use toml::value::Datetime;

use crate::budget::HEADER;

#[derive(Serialize)]
struct PlanFile<'a> {
    plan: Header<'a>,
    thema: Vec<ThemeEntry<'a>>,
    doel: Vec<GoalEntry<'a>>,
    wijziging: Vec<ChangeEntry<'a>>,
}

#[derive(Serialize)]
struct Header<'a> {
    id: &'a str,
    naam: &'a str,
    gemeente: String,
    eerste_jaar: i32,
    laatste_jaar: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    bron: Option<&'a str>,
}

#[derive(Serialize)]
struct ThemeEntry<'a> {
    id: &'a str,
    naam: &'a str,
    prioritair: bool,
    opgave: &'a str,
    ambitie: &'a str,
    pijlers: &'a [String],
}

#[derive(Serialize)]
struct GoalEntry<'a> {
    id: &'a str,
    thema: &'a str,
    omschrijving: &'a str,
    indicator: &'a str,
    gebied: String,
    maat: &'static str,
    basisjaar: i32,
    streefwaarde: f64,
    streefjaar: i32,
    richting: &'static str,
}

#[derive(Serialize)]
struct ChangeEntry<'a> {
    datum: Datetime,
    soort: &'static str,
    onderwerp: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    thema: Option<&'a str>,
    reden: &'a str,
}

#[derive(Serialize)]
struct ActionFile<'a> {
    plan: &'a str,
    jaar: i32,
    actie: Vec<ActionEntry<'a>>,
}

#[derive(Serialize)]
struct ActionEntry<'a> {
    nummer: u32,
    themas: &'a [String],
    gepland: &'a str,
    gedaan: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    eigenaar: Option<&'a str>,
    partners: &'a [String],
    gebieden: Vec<String>,
}

/// The plan file (`[plan]`, `[[thema]]`, `[[doel]]`, `[[wijziging]]`).
pub fn plan_toml(plan: &Plan) -> String {
    let file = PlanFile {
        plan: Header {
            id: &plan.id,
            naam: &plan.name,
            gemeente: plan.municipality.to_string(),
            eerste_jaar: plan.first_year,
            laatste_jaar: plan.last_year,
            bron: plan.source.as_deref(),
        },
        thema: plan
            .themes
            .iter()
            .map(|t| ThemeEntry {
                id: &t.id,
                naam: &t.name,
                prioritair: t.priority,
                opgave: &t.opgave,
                ambitie: &t.ambitie,
                pijlers: &t.pillars,
            })
            .collect(),
        doel: plan
            .goals
            .iter()
            .map(|g| GoalEntry {
                id: &g.id,
                thema: &g.theme,
                omschrijving: &g.description,
                indicator: &g.indicator,
                gebied: g.area.to_string(),
                maat: g.measure.file_word(),
                basisjaar: g.baseline_year,
                streefwaarde: g.target,
                streefjaar: g.target_year,
                richting: g.direction.file_word(),
            })
            .collect(),
        wijziging: plan
            .changes
            .iter()
            .map(|c| ChangeEntry {
                // The reader only accepts a TOML date, so the stored date is one.
                datum: Datetime::from_str(&c.date).expect("a plan change's date is a date"),
                soort: c.kind.label(),
                onderwerp: &c.subject,
                thema: c.theme.as_deref(),
                reden: &c.reason,
            })
            .collect(),
    };
    with_heading(
        &format!(
            "Plan '{}', exported by buurtbeeld (docs/plan-files.md).",
            plan.id
        ),
        toml::to_string(&file).expect("a plan serialises as TOML"),
    )
}

/// One year's action file (`plan`, `jaar`, `[[actie]]`).
pub fn actions_toml(set: &ActionSet) -> String {
    let file = ActionFile {
        plan: &set.plan,
        jaar: set.year,
        actie: set
            .actions
            .iter()
            .map(|a| ActionEntry {
                nummer: a.number,
                themas: &a.themes,
                gepland: &a.planned,
                gedaan: &a.done,
                status: a.status.label(),
                eigenaar: a.owner.as_deref(),
                partners: &a.partners,
                gebieden: a.areas.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    };
    with_heading(
        &format!(
            "Action points {} of plan '{}', exported by buurtbeeld (docs/plan-files.md).",
            set.year, set.plan
        ),
        toml::to_string(&file).expect("an action set serialises as TOML"),
    )
}

/// The budget file: every year's lines, then its TOTAAL line where the source stated one.
pub fn budget_csv(budgets: &[BudgetYear]) -> String {
    let amount = |value: Option<i64>| value.map_or(String::new(), signed);
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut write = |record: [String; 9]| csv.write_record(&record).expect("writing to memory");
    write(HEADER.map(str::to_owned));
    for budget in budgets {
        let (plan, year, unit) = (
            &budget.plan,
            budget.year.to_string(),
            budget.unit.file_word(),
        );
        for line in &budget.lines {
            write([
                plan.clone(),
                year.clone(),
                line.product.clone(),
                line.taakveld.code().to_owned(),
                line.themes.join(","),
                amount(line.amounts.budgeted),
                amount(line.amounts.amended),
                amount(line.amounts.realised),
                unit.to_owned(),
            ]);
        }
        if let Some(total) = budget.stated_total {
            write([
                plan.clone(),
                year.clone(),
                "TOTAAL".to_owned(),
                String::new(),
                String::new(),
                amount(total.budgeted),
                amount(total.amended),
                amount(total.realised),
                unit.to_owned(),
            ]);
        }
    }
    String::from_utf8(csv.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

fn with_heading(heading: &str, body: String) -> String {
    format!("# {heading}\n\n{body}")
}
