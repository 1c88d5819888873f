//! Rendering point-level patterns: the near-repeat table (Knox ratios per distance and time
//! band, raised cells marked) and the density grid, as Dutch terminal tables, CSV and JSON, and
//! the density map as SVG under the buurt boundaries.

use comfy_table::CellAlignment;

use buurtbeeld_analysis::{DensityMap, NearRepeat};
use buurtbeeld_cube::dutch::{decimal, integer, p_value, plural};
use buurtbeeld_cube::rd::rd_to_wgs84;

use crate::markup::Svg;
use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use crate::svg::{density_map, MapArea};
use crate::OutputFormat;

pub fn render_near_repeat(result: &NearRepeat, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => near_repeat_table(result),
        OutputFormat::Csv => render_near_repeat_csv(result),
        OutputFormat::Json => serde_json::to_string_pretty(result).expect("plain data") + "\n",
    }
}

/// The Knox ratio of a cell as a table shows it: `1,42*` when raised.
pub fn ratio_text(ratio: Option<f64>, raised: bool) -> String {
    match ratio {
        Some(r) => format!("{}{}", decimal(r, 2), if raised { "*" } else { "" }),
        None => "–".to_owned(),
    }
}

fn near_repeat_table(result: &NearRepeat) -> String {
    let mut table = crate::terminal_table();
    let mut header = vec!["Afstand".to_owned()];
    header.extend(result.time_bands.iter().cloned());
    table.set_header(header.clone());
    let t = result.time_bands.len();
    for (s, distance) in result.distance_bands.iter().enumerate() {
        let mut row = vec![distance.clone()];
        for cell in &result.cells[s * t..(s + 1) * t] {
            row.push(ratio_text(cell.ratio, cell.raised));
        }
        table.add_row(row);
    }
    for column in 1..header.len() {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "Near-repeat: {} in {} ({} t/m {}, {})\n\n{}\n\nKnox-verhouding: paren waargenomen / \
         verwacht bij toeval; * = verhoogd (p < 0,05).\n\n{}\n{}\n{}\n",
        result.subject_label,
        result.area_name,
        result.first_day.dutch(),
        result.last_day.dutch(),
        plural(result.events, "registratie", "registraties"),
        table,
        result.summary,
        result.method,
        result.attribution
    )
}

/// One line per cell: `afstand;tijd;waargenomen;verwacht;knox_verhouding;p;verhoogd`.
pub fn render_near_repeat_csv(result: &NearRepeat) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "afstand",
            "tijd",
            "waargenomen",
            "verwacht",
            "knox_verhouding",
            "p",
            "verhoogd",
        ],
    );
    for cell in &result.cells {
        csv_row(
            &mut writer,
            [
                cell.distance.clone(),
                cell.time.clone(),
                cell.observed.to_string(),
                csv_number(Some(cell.expected), 2, true),
                csv_number(cell.ratio, 3, true),
                p_value(cell.p_value),
                if cell.raised { "ja" } else { "nee" }.to_owned(),
            ],
        );
    }
    csv_finish(writer, &result.attribution)
}

pub fn render_density(result: &DensityMap, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => density_table(result),
        OutputFormat::Csv => render_density_csv(result),
        OutputFormat::Json => serde_json::to_string_pretty(result).expect("plain data") + "\n",
    }
}

fn density_table(result: &DensityMap) -> String {
    let mut table = crate::terminal_table();
    table.set_header(["Cel (RD x, y)", "Per km²", "In de cel"]);
    for cell in result.cells.iter().take(10) {
        table.add_row([
            format!("{}, {}", cell.x as i64, cell.y as i64),
            decimal(cell.per_square_kilometre, 0),
            integer(u64::from(cell.count)),
        ]);
    }
    for column in 1..3 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "Dichtheid: {} in {} — de 10 dichtste cellen van {}\n\n{}\n\n{}\n{}\n",
        result.subject_label,
        result.area_name,
        plural(result.cells.len(), "getoonde cel", "getoonde cellen"),
        table,
        result.method,
        result.attribution
    )
}

/// One line per shown cell: `x;y;cel_m;per_km2;aantal` (RD New, south-west corner).
pub fn render_density_csv(result: &DensityMap) -> String {
    let mut writer = csv_writer();
    csv_row(&mut writer, ["x", "y", "cel_m", "per_km2", "aantal"]);
    for cell in &result.cells {
        csv_row(
            &mut writer,
            [
                format!("{}", cell.x),
                format!("{}", cell.y),
                format!("{}", result.cell_metres),
                csv_number(Some(cell.per_square_kilometre), 1, true),
                cell.count.to_string(),
            ],
        );
    }
    csv_finish(writer, &result.attribution)
}

/// The density map: the shown cells under the outlines of the buurten (`outlines`: code, name,
/// GeoJSON geometry in WGS84).
pub fn density_svg(result: &DensityMap, outlines: &[(String, String, String)]) -> Svg {
    let cells: Vec<(String, f64)> = result
        .cells
        .iter()
        .map(|c| {
            (
                cell_polygon(c.x, c.y, result.cell_metres),
                c.per_square_kilometre,
            )
        })
        .collect();
    let cell_areas: Vec<MapArea<'_>> = cells
        .iter()
        .map(|(geometry, value)| MapArea {
            code: "",
            name: "Rastercel, registraties per km²",
            geometry,
            value: Some(*value),
            href: None,
            no_figure: None,
        })
        .collect();
    let outline_areas: Vec<MapArea<'_>> = outlines
        .iter()
        .map(|(code, name, geometry)| MapArea {
            code,
            name,
            geometry,
            value: None,
            href: None,
            no_figure: None,
        })
        .collect();
    density_map(
        &cell_areas,
        &outline_areas,
        &format!(
            "Dichtheid {} in {}",
            result.subject_label.to_lowercase(),
            result.area_name
        ),
        "Registraties per km²",
        0,
    )
}

/// A grid cell as a GeoJSON polygon in WGS84.
fn cell_polygon(x: f64, y: f64, size: f64) -> String {
    let corners = [
        (x, y),
        (x + size, y),
        (x + size, y + size),
        (x, y + size),
        (x, y),
    ];
    let ring: Vec<String> = corners
        .iter()
        .map(|&(cx, cy)| {
            let (lon, lat) = rd_to_wgs84(cx, cy);
            format!("[{lon:.6},{lat:.6}]")
        })
        .collect();
    format!(
        "{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}",
        ring.join(",")
    )
}
