//! The programme chapter Veiligheid of the begroting or the jaarstukken, in the three questions
//! the BBV asks of every programme: wat willen we bereiken (themes, ambitions, goals and the
//! statutory indicators), wat gaan we daarvoor doen (the year's action points), wat mag het
//! kosten (the budget per deelproduct and per Iv3 taakveld).

use buurtbeeld_cube::{BudgetColumn, BudgetYear, Taakveld};
use buurtbeeld_store::Store;

use crate::DocumentError;

use crate::document::{Block, DocTable, Document};
use crate::veiligheidsbrief::{
    action_summary, action_table, bbv_table, budget_table, goals_table, mismatch_notes, sources,
    BBV_NOTE, NO_FIGURE,
};
use buurtbeeld_analysis::{area_attribution, known_plan_report, PlanReport};
use buurtbeeld_cube::dutch::signed;

/// The chapter of plan `plan_id` for `year` (default: the latest year with a budget or action
/// points). `today` is the date line.
pub fn programma(
    store: &Store,
    plan_id: &str,
    year: Option<i32>,
    today: &str,
) -> Result<Document, DocumentError> {
    let report = known_plan_report(store, plan_id)?;
    let plan = &report.plan;
    let year = year
        .or_else(|| {
            let budget = report.budget.iter().map(|b| b.year);
            budget.chain(report.actions.iter().map(|s| s.year)).max()
        })
        .unwrap_or(plan.last_year);

    let mut blocks = vec![Block::Contents];
    blocks.extend(what_we_want(&report));
    blocks.extend(what_we_do(&report, year));
    blocks.extend(what_it_costs(&report, year));
    blocks.push(Block::Heading(1, "Bronnen en werkwijze".to_owned()));
    let credits = area_attribution(store, &plan.municipality)?;
    blocks.push(Block::Bullets(sources(&credits)));
    Ok(Document {
        title: format!("Programma Veiligheid {year}"),
        subtitle: format!("{}: {}", report.municipality_name, plan.name),
        date: today.to_owned(),
        attribution: format!("{credits} · buurtbeeld · {}", plan.name),
        blocks,
    })
}

/// Wat willen we bereiken: the themes (priorities first) with their opgave and ambitie, the
/// goals and the statutory indicators.
fn what_we_want(report: &PlanReport) -> Vec<Block> {
    let plan = &report.plan;
    let mut blocks = vec![
        Block::Heading(1, "Wat willen we bereiken?".to_owned()),
        Block::Paragraph(format!(
            "De opgaven en ambities per thema uit het plan '{}'. Thema's met prioriteit staan \
             voorop.",
            plan.name
        )),
    ];
    let mut themes: Vec<_> = plan.themes.iter().collect();
    themes.sort_by_key(|t| !t.priority);
    for theme in themes {
        let priority = if theme.priority { " (prioriteit)" } else { "" };
        blocks.push(Block::Heading(2, format!("{}{priority}", theme.name)));
        if !theme.opgave.is_empty() {
            blocks.push(Block::Paragraph(format!("Opgave: {}", theme.opgave)));
        }
        if !theme.ambitie.is_empty() {
            blocks.push(Block::Paragraph(format!("Ambitie: {}", theme.ambitie)));
        }
        if !theme.pillars.is_empty() {
            blocks.push(Block::Bullets(theme.pillars.clone()));
        }
    }
    if !report.kpis.is_empty() {
        blocks.push(Block::Heading(2, "Doelen en indicatoren".to_owned()));
        blocks.push(Block::Table(goals_table(report)));
    }
    if let Some(table) = bbv_table(report) {
        blocks.push(Block::Heading(
            2,
            "Verplichte beleidsindicatoren".to_owned(),
        ));
        blocks.push(Block::Paragraph(BBV_NOTE.to_owned()));
        blocks.push(Block::Table(table));
        blocks.extend(report.bbv_notes.iter().cloned().map(Block::Paragraph));
    }
    blocks
}

/// Wat gaan we daarvoor doen: the action points of `year`.
fn what_we_do(report: &PlanReport, year: i32) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(1, "Wat gaan we daarvoor doen?".to_owned())];
    match report.actions.iter().find(|s| s.year == year) {
        Some(set) => {
            blocks.push(Block::Paragraph(action_summary(set)));
            blocks.push(Block::Table(action_table(report, set)));
        }
        None => blocks.push(Block::Paragraph(format!(
            "Voor {year} zijn geen actiepunten vastgelegd."
        ))),
    }
    blocks
}

/// Wat mag het kosten: the budget of `year` per deelproduct and per taakveld.
fn what_it_costs(report: &PlanReport, year: i32) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(1, "Wat mag het kosten?".to_owned())];
    match report.budget.iter().find(|b| b.year == year) {
        Some(budget) => {
            blocks.push(Block::Table(budget_table(report, budget)));
            blocks.extend(mismatch_notes(budget).into_iter().map(Block::Paragraph));
            blocks.push(Block::Table(taakveld_table(budget, year)));
        }
        None => blocks.push(Block::Paragraph(format!(
            "Voor {year} is geen begroting ingelezen."
        ))),
    }
    blocks
}

/// The budget summed per Iv3 taakveld, the taakvelden without lines left out.
fn taakveld_table(budget: &BudgetYear, year: i32) -> DocTable {
    let rows = Taakveld::ALL
        .iter()
        .filter_map(|taakveld| {
            let lines: Vec<_> = budget
                .lines
                .iter()
                .filter(|l| l.taakveld == *taakveld)
                .collect();
            if lines.is_empty() {
                return None;
            }
            let mut row = vec![format!("{} {}", taakveld.code(), taakveld.label())];
            row.extend(BudgetColumn::ALL.iter().map(|column| {
                lines
                    .iter()
                    .filter_map(|l| l.amounts.get(*column))
                    .reduce(|a, b| a + b)
                    .map_or(NO_FIGURE.to_owned(), signed)
            }));
            Some(row)
        })
        .collect();
    DocTable {
        tones: Vec::new(),
        headers: vec![
            "Taakveld".into(),
            "Begroot".into(),
            "Na wijziging".into(),
            "Realisatie".into(),
        ],
        numeric: vec![false, true, true, true],
        widths: Some(vec![6, 2, 2, 2]),
        rows,
        caption: Some(format!(
            "Begroting {year} per taakveld (Iv3), {}",
            budget.unit.label()
        )),
    }
}
