//! Rendering the VIS of an area and theme (every source side by side per month): a Dutch
//! terminal table per year, CSV per month, JSON, and one line chart with a line per source.

use std::collections::BTreeMap;

use comfy_table::CellAlignment;

use buurtbeeld_analysis::{Vis, VisColumn};
use buurtbeeld_cube::dutch::{decimal, integer, p_phrase};

use crate::markup::Svg;
use crate::picture::{csv_finish, csv_row, csv_writer};
use crate::svg::{line_chart, Line};
use crate::OutputFormat;

pub fn render_vis(vis: &Vis, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => table(vis),
        OutputFormat::Csv => render_vis_csv(vis),
        OutputFormat::Json => serde_json::to_string_pretty(vis).expect("plain data") + "\n",
    }
}

/// The heading every output of the VIS starts with.
pub fn vis_title(vis: &Vis) -> String {
    format!("{} in {}: alle bronnen", vis.theme_name, vis.area_name)
}

/// A column's count per calendar year; `None` where the source covers no month of the year.
fn per_year(vis: &Vis, values: &[Option<u64>]) -> BTreeMap<i32, (Option<u64>, usize)> {
    let mut years: BTreeMap<i32, (Option<u64>, usize)> = BTreeMap::new();
    for (period, value) in vis.months.iter().zip(values) {
        let entry = years.entry(period.calendar_year()).or_insert((None, 0));
        if let Some(n) = value {
            entry.0 = Some(entry.0.unwrap_or(0) + n);
            entry.1 += 1;
        }
    }
    years
}

/// The column headings of the sources, with problems beside reports for resident reports.
pub fn headings(vis: &Vis) -> Vec<String> {
    let mut headings = Vec::new();
    for column in &vis.columns {
        headings.push(column.heading.clone());
        if column.problems.is_some() {
            headings.push(format!("{} (problemen)", column.heading));
        }
    }
    headings
}

/// One row per calendar year of the months, one cell per heading (`headings`): the year's
/// count, "(n mnd)" when the source covers fewer than 12 of its months, "–" when none.
pub fn year_rows(vis: &Vis) -> Vec<(i32, Vec<String>)> {
    let mut years: Vec<i32> = vis.months.iter().map(|p| p.calendar_year()).collect();
    years.dedup();
    years
        .into_iter()
        .map(|year| {
            let mut cells = Vec::new();
            for column in &vis.columns {
                if let Some(text) = yearly_text(column, year) {
                    cells.push(text);
                    continue;
                }
                for values in column_values(column) {
                    cells.push(match per_year(vis, values).get(&year) {
                        Some((Some(n), 12)) => integer(*n),
                        Some((Some(n), months)) => format!("{} ({months} mnd)", integer(*n)),
                        _ => "–".to_owned(),
                    });
                }
            }
            (year, cells)
        })
        .collect()
}

/// A yearly-only column's count for a year, as the year table shows it.
fn yearly_text(column: &VisColumn, year: i32) -> Option<String> {
    let per_year = column.per_year.as_ref()?;
    Some(
        per_year
            .get(&year)
            .map_or_else(|| "–".to_owned(), |n| integer(*n)),
    )
}

/// A column's monthly values, and the problems behind reports where it has them, in the
/// order of `headings`.
pub fn column_values(column: &VisColumn) -> Vec<&[Option<u64>]> {
    let mut values = vec![column.counts.as_slice()];
    if let Some(problems) = &column.problems {
        values.push(problems.as_slice());
    }
    values
}

fn table(vis: &Vis) -> String {
    let mut table = crate::terminal_table();
    let mut header = vec!["Jaar".to_owned()];
    header.extend(headings(vis));
    table.set_header(header.clone());
    for (year, cells) in year_rows(vis) {
        let mut row = vec![year.to_string()];
        row.extend(cells);
        table.add_row(row);
    }
    for column in 1..header.len() {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!("{}\n\n{table}\n", vis_title(vis));
    for correlation in &vis.correlations {
        out.push_str(&format!("· {}\n", correlation.sentence));
    }
    if vis.columns.iter().any(|c| c.problems.is_some()) {
        out.push_str(&format!("· {}\n", vis.dedup_rule));
    }
    for note in &vis.notes {
        out.push_str(&format!("· {note}\n"));
    }
    out.push_str(&format!("{}\n", vis.method));
    for attribution in attributions(vis) {
        out.push_str(&format!("{attribution}\n"));
    }
    out
}

/// Each source's credit once, in column order.
pub fn attributions(vis: &Vis) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for column in &vis.columns {
        if !seen.contains(&column.attribution) {
            seen.push(column.attribution.clone());
        }
    }
    seen
}

/// One line per month: `maand;<source>;…`, empty where a source covers no data.
pub fn render_vis_csv(vis: &Vis) -> String {
    let mut writer = csv_writer();
    let mut header = vec!["maand".to_owned()];
    header.extend(headings(vis));
    csv_row(&mut writer, &header);
    let columns: Vec<&[Option<u64>]> = vis.columns.iter().flat_map(column_values).collect();
    for (i, period) in vis.months.iter().enumerate() {
        let mut row = vec![period.to_string()];
        row.extend(
            columns
                .iter()
                .map(|values| values[i].map_or(String::new(), |n| n.to_string())),
        );
        csv_row(&mut writer, row);
    }
    csv_finish(writer, &attributions(vis).join("; "))
}

/// One line per source (reports and, dashed, the problems behind them).
pub fn vis_chart(vis: &Vis) -> Svg {
    let monthly: Vec<&VisColumn> = vis
        .columns
        .iter()
        .filter(|c| c.per_year.is_none())
        .collect();
    let names: Vec<String> = monthly
        .iter()
        .flat_map(|c| {
            let mut names = vec![c.heading.clone()];
            if c.problems.is_some() {
                names.push(format!("{} (problemen)", c.heading));
            }
            names
        })
        .collect();
    let values: Vec<Vec<Option<f64>>> = monthly
        .iter()
        .flat_map(|c| column_values(c))
        .map(|v| v.iter().map(|n| n.map(|n| n as f64)).collect())
        .collect();
    let dashed: Vec<bool> = monthly
        .iter()
        .flat_map(|c| {
            let mut d = vec![false];
            if c.problems.is_some() {
                d.push(true);
            }
            d
        })
        .collect();
    let lines: Vec<Line<'_>> = names
        .iter()
        .zip(&values)
        .zip(&dashed)
        .map(|((name, values), &dashed)| Line {
            name,
            values,
            dashed,
            band: None,
        })
        .collect();
    let labels: Vec<String> = vis.months.iter().map(|p| p.dutch_label()).collect();
    line_chart(&lines, &labels, &vis_title(vis), "per maand")
}

/// A correlation's figures as a short Dutch phrase: "r = 0,42; p = 0,003".
pub fn correlation_figures(spearman: Option<f64>, p_value: Option<f64>) -> String {
    match (spearman, p_value) {
        (Some(r), Some(p)) => format!("r = {}; {}", decimal(r, 2), p_phrase(p)),
        _ => String::new(),
    }
}
