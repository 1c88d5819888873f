//! The plan report as a Dutch terminal text: KPI progress, BBV indicators, action points per
//! status and year, and the budget with its check against the stated totals.

use buurtbeeld_cube::{ActionStatus, BudgetColumn};
use comfy_table::{CellAlignment, Table};

use buurtbeeld_analysis::PlanReport;
use buurtbeeld_cube::dutch::{decimal, signed};

const NO_FIGURE: &str = "–";

fn value_text(value: Option<f64>, decimals: usize) -> String {
    value.map_or(NO_FIGURE.to_owned(), |v| decimal(v, decimals))
}

fn right_align(table: &mut Table, columns: std::ops::RangeInclusive<usize>) {
    for column in columns {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Decimals a KPI is shown with: counts whole, rates with one decimal.
pub fn kpi_decimals(measure: buurtbeeld_cube::KpiMeasure) -> usize {
    match measure {
        buurtbeeld_cube::KpiMeasure::Count => 0,
        buurtbeeld_cube::KpiMeasure::Per1000 => 1,
    }
}

/// The whole plan report: the plan, its KPI's, the BBV indicators, the action points per year,
/// the budget with its check against the stated totals, and the latest import.
pub fn render_plan(report: &PlanReport) -> String {
    let mut out = plan_heading(report);
    out.push_str("\nDoelen en KPI's\n");
    out.push_str(&format!("{}\n", kpi_table(report)));
    if !report.bbv_years.is_empty() {
        out.push_str("\nBBV-indicatoren taakveld Veiligheid\n");
        out.push_str(&format!("{}\n", bbv_table(report)));
        for note in &report.bbv_notes {
            out.push_str(&format!("· {note}\n"));
        }
    }
    out.push_str("\nActiepunten\n");
    out.push_str(&format!("{}\n", action_table(report)));
    if let Some(first) = report.budget.first() {
        out.push_str(&format!("\nBegroting ({})\n", first.unit.label()));
        out.push_str(&format!("{}\n", budget_table(report)));
        out.push_str(&budget_mismatches(report));
    }
    if let Some(update) = last_update(report) {
        out.push_str(&update);
    }
    out
}

/// The plan's name, gemeente, years, size and source.
fn plan_heading(report: &PlanReport) -> String {
    let plan = &report.plan;
    let mut out = format!(
        "{} ({}), {}–{}\n{} thema's, {} doelen\n",
        plan.name,
        report.municipality_name,
        plan.first_year,
        plan.last_year,
        plan.themes.len(),
        plan.goals.len()
    );
    if let Some(source) = &plan.source {
        out.push_str(&format!("Bron: {source}\n"));
    }
    out
}

/// One row per goal: its indicator and area, baseline, latest value, target and status.
fn kpi_table(report: &PlanReport) -> Table {
    let mut kpis = crate::terminal_table();
    kpis.set_header([
        "Doel",
        "Indicator",
        "Gebied",
        "Basis",
        "Laatst",
        "Streef",
        "Stand",
    ]);
    for kpi in &report.kpis {
        let goal = &kpi.goal;
        let places = kpi_decimals(goal.measure);
        let unit = match goal.measure {
            buurtbeeld_cube::KpiMeasure::Count => "aantal",
            buurtbeeld_cube::KpiMeasure::Per1000 => "per 1.000 inw.",
        };
        kpis.add_row([
            goal.description.clone(),
            format!("{} ({unit})", kpi.indicator_label),
            kpi.area_name.clone(),
            format!(
                "{} ({})",
                value_text(kpi.baseline, places),
                goal.baseline_year
            ),
            kpi.latest.map_or(NO_FIGURE.to_owned(), |(year, value)| {
                format!("{} ({year})", decimal(value, places))
            }),
            format!("{} ({})", decimal(goal.target, places), goal.target_year),
            kpi.status.label().to_owned(),
        ]);
    }
    right_align(&mut kpis, 3..=5);
    kpis
}

/// The BBV indicators per year, each with Nederland's line below it where the store has it.
fn bbv_table(report: &PlanReport) -> Table {
    let mut bbv = crate::terminal_table();
    let mut header = vec!["Indicator".to_owned()];
    header.extend(report.bbv_years.iter().map(ToString::to_string));
    bbv.set_header(header);
    for indicator in &report.bbv {
        let mut row = vec![indicator.label.clone()];
        row.extend(indicator.values.iter().map(|(_, v)| value_text(*v, 1)));
        bbv.add_row(row);
        if indicator.national.iter().any(|(_, v)| v.is_some()) {
            let mut row = vec!["– Nederland".to_owned()];
            row.extend(indicator.national.iter().map(|(_, v)| value_text(*v, 1)));
            bbv.add_row(row);
        }
    }
    right_align(&mut bbv, 1..=report.bbv_years.len());
    bbv
}

/// The number of action points per year and per status.
fn action_table(report: &PlanReport) -> Table {
    let mut actions = crate::terminal_table();
    let mut header = vec!["Jaar".to_owned(), "Aantal".to_owned()];
    header.extend(ActionStatus::ALL.iter().map(|s| s.label().to_owned()));
    actions.set_header(header);
    for set in &report.actions {
        let mut row = vec![set.year.to_string(), set.actions.len().to_string()];
        row.extend(ActionStatus::ALL.iter().map(|status| {
            let n = set.actions.iter().filter(|a| a.status == *status).count();
            if n == 0 {
                NO_FIGURE.to_owned()
            } else {
                n.to_string()
            }
        }));
        actions.add_row(row);
    }
    right_align(&mut actions, 1..=ActionStatus::ALL.len() + 1);
    actions
}

/// The budget per year: the column sums of its lines beside the total the source states.
fn budget_table(report: &PlanReport) -> Table {
    let mut budget = crate::terminal_table();
    budget.set_header([
        "Jaar",
        "Deelproducten",
        "Begroot",
        "Na wijziging",
        "Realisatie",
        "TOTAAL volgens bron",
    ]);
    for year in &report.budget {
        let sum = |column| year.sum(column).map_or(NO_FIGURE.to_owned(), signed);
        let stated = year.stated_total.map_or(NO_FIGURE.to_owned(), |total| {
            BudgetColumn::ALL
                .iter()
                .filter_map(|c| total.get(*c).map(signed))
                .collect::<Vec<_>>()
                .join(" / ")
        });
        budget.add_row([
            year.year.to_string(),
            year.lines.len().to_string(),
            sum(BudgetColumn::Budgeted),
            sum(BudgetColumn::Amended),
            sum(BudgetColumn::Realised),
            stated,
        ]);
    }
    right_align(&mut budget, 1..=5);
    budget
}

/// A line per budget column whose lines do not add up to the source's TOTAAL line.
fn budget_mismatches(report: &PlanReport) -> String {
    let mut out = String::new();
    for year in &report.budget {
        for mismatch in year.mismatches() {
            out.push_str(&format!(
                "· {} {}: de regels tellen op tot {}, de TOTAAL-regel van de bron zegt {}\n",
                mismatch.year,
                mismatch.column.label(),
                signed(mismatch.lines_sum),
                signed(mismatch.stated)
            ));
        }
    }
    out
}

/// When, from which file and by whom the plan was last imported, if it ever was.
fn last_update(report: &PlanReport) -> Option<String> {
    let last = report.history.first()?;
    Some(format!(
        "\nLaatst bijgewerkt: {} ({}, import #{}, door {})\n",
        crate::import_time(&last.imported_at),
        last.file,
        last.import_id,
        if last.imported_by.is_empty() {
            "onbekend"
        } else {
            &last.imported_by
        }
    ))
}
