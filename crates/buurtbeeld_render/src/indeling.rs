//! Rendering a series on one indeling as a Dutch terminal table (per year), CSV or JSON (per
//! area and period), with the share that was reallocated stated.

use std::collections::BTreeMap;

use comfy_table::CellAlignment;

use buurtbeeld_analysis::{IndelingCell, IndelingSeries};
use buurtbeeld_cube::dutch::{decimal, integer};

use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use crate::OutputFormat;

pub fn render_indeling(series: &IndelingSeries, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => table(series),
        OutputFormat::Csv => render_indeling_csv(series, true),
        OutputFormat::Json => serde_json::to_string_pretty(series).expect("plain data") + "\n",
    }
}

fn count_text(count: u64, lower_bound: bool) -> String {
    if lower_bound {
        format!("≥ {}", integer(count))
    } else {
        integer(count)
    }
}

/// The periods' column indices grouped per calendar year, in year order.
fn years(series: &IndelingSeries) -> BTreeMap<i32, Vec<usize>> {
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, period) in series.periods.iter().enumerate() {
        years.entry(period.calendar_year()).or_default().push(i);
    }
    years
}

fn sum(cells: &[IndelingCell], columns: &[usize]) -> (u64, bool) {
    columns.iter().fold((0, false), |(n, lower), &i| {
        (n + cells[i].count, lower || cells[i].lower_bound)
    })
}

fn table(series: &IndelingSeries) -> String {
    let years = years(series);
    let mut header = vec!["Code".to_owned(), "Naam".to_owned()];
    header.extend(years.keys().map(|y| y.to_string()));
    header.extend(["Totaal".to_owned(), "Herverdeeld".to_owned()]);
    let mut table = crate::terminal_table();
    table.set_header(header.clone());
    for row in &series.rows {
        let mut cells = vec![row.code.to_string(), row.name.clone()];
        let mut lower_any = false;
        for columns in years.values() {
            let (n, lower) = sum(&row.cells, columns);
            lower_any |= lower;
            cells.push(count_text(n, lower));
        }
        cells.push(count_text(row.total, lower_any));
        cells.push(format!("{}%", decimal(row.reallocated_share * 100.0, 1)));
        table.add_row(cells);
    }
    let mut totals = vec![String::new(), "Gemeente (totaal)".to_owned()];
    let mut grand = 0;
    let mut lower_any = false;
    for columns in years.values() {
        let n: u64 = columns.iter().map(|&i| series.totals[i].source_total).sum();
        let lower = columns.iter().any(|&i| series.totals[i].lower_bound);
        grand += n;
        lower_any |= lower;
        totals.push(count_text(n, lower));
    }
    totals.push(count_text(grand, lower_any));
    totals.push(format!("{}%", decimal(series.reallocated_share * 100.0, 1)));
    table.add_row(totals);
    for column in 2..header.len() {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let periods = match (series.periods.first(), series.periods.last()) {
        (Some(first), Some(last)) => buurtbeeld_cube::dutch::period::range(*first, *last),
        _ => String::new(),
    };
    let mut out = format!(
        "{} in {} ({}) op de buurtindeling {}\nPerioden {} · bron {}\n\n{table}\n",
        series.subject_label,
        series.area_name,
        series.area,
        series.indeling,
        periods,
        series.source,
    );
    out.push_str(&format!("· {}.\n", series.note));
    for source in &series.sources {
        let origin = match (source.indeling, source.as_is) {
            (Some(year), true) => format!("indeling {year}, overgenomen zoals ze zijn"),
            (Some(year), false) => format!("indeling {year}, omgerekend naar oppervlakte"),
            (None, _) => "zonder grenzen in de database, niet toe te delen".to_owned(),
        };
        out.push_str(&format!(
            "· {} brongebieden uit {origin}.\n",
            integer(source.areas as u64)
        ));
    }
    let unallocated: u64 = series.totals.iter().map(|t| t.unallocated).sum();
    if unallocated > 0 {
        out.push_str(&format!(
            "· {} registraties vallen in gebieden zonder grenzen ({}); ze tellen mee in het \
             gemeentetotaal, niet in een buurt.\n",
            integer(unallocated),
            series
                .unallocated_areas
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.push_str(&format!("{}\n", series.attribution));
    out
}

/// One line per area and period: `code;naam;periode;aantal;herverdeeld;ondergrens`, then the
/// gemeente totals per period, the note and the attribution.
pub fn render_indeling_csv(series: &IndelingSeries, decimal_comma: bool) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "code",
            "naam",
            "periode",
            "aantal",
            "herverdeeld",
            "aandeel_herverdeeld",
            "ondergrens",
        ],
    );
    let yes_no = |b: bool| if b { "ja" } else { "nee" };
    for row in &series.rows {
        for (period, cell) in series.periods.iter().zip(&row.cells) {
            let share = if cell.count == 0 {
                None
            } else {
                Some(cell.reallocated as f64 / cell.count as f64)
            };
            csv_row(
                &mut writer,
                [
                    row.code.to_string(),
                    row.name.clone(),
                    period.to_string(),
                    cell.count.to_string(),
                    cell.reallocated.to_string(),
                    csv_number(share, 4, decimal_comma),
                    yes_no(cell.lower_bound).to_owned(),
                ],
            );
        }
    }
    for total in &series.totals {
        csv_row(
            &mut writer,
            [
                series.area.to_string(),
                format!("{} (totaal)", series.area_name),
                total.period.to_string(),
                total.source_total.to_string(),
                String::new(),
                String::new(),
                yes_no(total.lower_bound).to_owned(),
            ],
        );
    }
    let mut out = csv_finish(writer, &series.attribution);
    out.push_str(&format!("# {}\n", series.note));
    out
}
