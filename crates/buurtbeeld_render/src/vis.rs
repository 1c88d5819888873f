//! Rendering the VIS of an area and theme (every source side by side per month): a Dutch
//! terminal table per year, CSV per month, JSON, and one line chart with a line per source.

use std::collections::BTreeMap;

use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};

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
fn headings(vis: &Vis) -> Vec<String> {
    let mut headings = Vec::new();
    for column in &vis.columns {
        headings.push(column.name.clone());
        if column.problems.is_some() {
            headings.push(format!("{} (problemen)", column.name));
        }
    }
    headings
}

fn column_values(column: &VisColumn) -> Vec<&[Option<u64>]> {
    let mut values = vec![column.counts.as_slice()];
    if let Some(problems) = &column.problems {
        values.push(problems.as_slice());
    }
    values
}

fn table(vis: &Vis) -> String {
    let mut table = Table::new();
    let mut header = vec!["Jaar".to_owned()];
    header.extend(headings(vis));
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(header.clone());
    let series: Vec<BTreeMap<i32, (Option<u64>, usize)>> = vis
        .columns
        .iter()
        .flat_map(column_values)
        .map(|values| per_year(vis, values))
        .collect();
    let years: Vec<i32> = series
        .first()
        .map(|s| s.keys().copied().collect())
        .unwrap_or_default();
    for year in years {
        let mut row = vec![year.to_string()];
        for s in &series {
            row.push(match s.get(&year) {
                Some((Some(n), 12)) => integer(*n),
                Some((Some(n), months)) => format!("{} ({months} mnd)", integer(*n)),
                _ => "–".to_owned(),
            });
        }
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
    let names = headings(vis);
    let values: Vec<Vec<Option<f64>>> = vis
        .columns
        .iter()
        .flat_map(column_values)
        .map(|v| v.iter().map(|n| n.map(|n| n as f64)).collect())
        .collect();
    let dashed: Vec<bool> = vis
        .columns
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
