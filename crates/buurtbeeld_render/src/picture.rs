//! Rendering a picture as a Dutch terminal table, CSV or JSON.

use comfy_table::CellAlignment;

use buurtbeeld_analysis::{Picture, PictureRow};
use buurtbeeld_cube::dutch::{decimal, integer, p_value, percent, period};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

pub fn render(picture: &Picture, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => table(picture),
        OutputFormat::Csv => render_csv(picture, true),
        OutputFormat::Json => serde_json::to_string_pretty(picture).expect("plain data") + "\n",
    }
}

const NO_FIGURE: &str = "–";
/// A count the public view does not show (CBS writes × for "geheim").
pub const HIDDEN_FIGURE: &str = "×";

fn count_text(row: &PictureRow, count: Option<u64>) -> String {
    if row.suppressed && count.is_none() {
        return HIDDEN_FIGURE.to_owned();
    }
    match (count, row.withheld) {
        (Some(n), true) => format!("≥ {}", integer(n)),
        (Some(n), false) => integer(n),
        (None, true) => "afgeschermd".to_owned(),
        (None, false) => NO_FIGURE.to_owned(),
    }
}

fn level_text(row: &PictureRow) -> &'static str {
    row.level.as_str()
}

/// The Dutch cells of one row, shared by the table and the CSV.
fn cells(row: &PictureRow) -> [String; 10] {
    [
        row.code.to_string(),
        row.name.clone(),
        level_text(row).to_owned(),
        count_text(row, row.count),
        row.population.map_or(NO_FIGURE.to_owned(), integer),
        row.per_1000.map_or(NO_FIGURE.to_owned(), |x| decimal(x, 1)),
        count_text(row, row.previous_count),
        row.change_pct.map_or(NO_FIGURE.to_owned(), percent),
        row.p_value.map_or(NO_FIGURE.to_owned(), p_value),
        match row.significant {
            Some(true) => "ja".to_owned(),
            Some(false) => "nee".to_owned(),
            None => NO_FIGURE.to_owned(),
        },
    ]
}

const HEADER: [&str; 10] = [
    "Code",
    "Naam",
    "Niveau",
    "Aantal",
    "Inwoners",
    "Per 1.000",
    "Vorig jaar",
    "Verschil",
    "p-waarde",
    "Significant",
];

fn table(picture: &Picture) -> String {
    let mut table = crate::terminal_table();
    table.set_header(HEADER);
    for row in &picture.rows {
        table.add_row(cells(row));
    }
    for column in 3..=8 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!(
        "Criminaliteitsbeeld {} ({}): {}\nPeriode {} vergeleken met {} · bron {}\n\n{table}\n",
        picture.area_name,
        picture.area,
        picture.subject_label,
        period::label(&picture.period),
        if picture.previous_period.is_empty() {
            NO_FIGURE.to_owned()
        } else {
            period::label(&picture.previous_period)
        },
        picture.source,
    );
    for note in &picture.notes {
        out.push_str(&format!("· {note}\n"));
    }
    out.push_str(&format!("{}\n", picture.attribution));
    out
}

/// Semicolon-separated, with decimal commas as Dutch Excel opens it (or points); the attribution
/// is the last line.
pub fn render_csv(picture: &Picture, decimal_comma: bool) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "code",
            "naam",
            "niveau",
            "aantal",
            "inwoners",
            "per_1000",
            "per_1000_gladgestreken",
            "vorig_jaar",
            "verschil_pct",
            "p_waarde",
            "significant",
            "afgeschermd",
            "periode",
            "vorige_periode",
            "onderwerp",
            "bron",
        ],
    );
    let plain = |x: Option<f64>, places: usize| csv_number(x, places, decimal_comma);
    for row in &picture.rows {
        csv_row(
            &mut writer,
            [
                row.code.to_string(),
                row.name.clone(),
                level_text(row).to_owned(),
                match (row.count, row.suppressed) {
                    (Some(n), _) => n.to_string(),
                    (None, true) => HIDDEN_FIGURE.to_owned(),
                    (None, false) => String::new(),
                },
                row.population.map_or(String::new(), |n| n.to_string()),
                plain(row.per_1000, 3),
                plain(row.smoothed_per_1000, 3),
                row.previous_count.map_or(String::new(), |n| n.to_string()),
                plain(row.change_pct, 1),
                plain(row.p_value, 6),
                row.significant
                    .map_or(String::new(), |s| if s { "ja" } else { "nee" }.to_owned()),
                if row.withheld { "ja" } else { "nee" }.to_owned(),
                picture.period.clone(),
                picture.previous_period.clone(),
                picture.subject_label.clone(),
                picture.source.clone(),
            ],
        );
    }
    csv_finish(writer, &picture.attribution)
}

/// A number for our CSV files with `places` decimals, a decimal comma (as Dutch Excel reads it)
/// or point; empty for no number.
pub(crate) fn csv_number(value: Option<f64>, places: usize, decimal_comma: bool) -> String {
    let separator = if decimal_comma { "," } else { "." };
    value.map_or(String::new(), |v| {
        format!("{v:.places$}").replace('.', separator)
    })
}

/// A CSV writer as Dutch Excel reads it: `;` between fields.
pub(crate) fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new())
}

/// Writes one row, each text field made safe for spreadsheets: a field that Excel or LibreOffice
/// would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return, as an area
/// name from a hostile boundary file could) gets a leading `'`, as OWASP advises for CSV
/// injection. Numbers, negative ones included, are written as they are.
pub(crate) fn csv_row<I>(writer: &mut csv::Writer<Vec<u8>>, record: I)
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let fields: Vec<String> = record
        .into_iter()
        .map(|field| spreadsheet_safe(field.as_ref()).into_owned())
        .collect();
    // Writing to memory cannot fail.
    let _ = writer.write_record(&fields);
}

/// `field`, or `'field` when a spreadsheet would read it as a formula.
fn spreadsheet_safe(field: &str) -> std::borrow::Cow<'_, str> {
    let formula_start = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = field.replace(',', ".").parse::<f64>().is_ok();
    if formula_start && !number {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

/// The written CSV with the attribution as its last line.
pub(crate) fn csv_finish(writer: csv::Writer<Vec<u8>>, attribution: &str) -> String {
    let mut out = String::from_utf8(writer.into_inner().expect("writing to memory"))
        .expect("UTF-8 in, UTF-8 out");
    out.push_str(&format!("# {attribution}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::{csv_finish, csv_row, csv_writer};

    #[test]
    fn an_area_name_that_spreadsheets_would_run_as_a_formula_is_written_as_text() {
        let mut writer = csv_writer();
        csv_row(
            &mut writer,
            [
                "=HYPERLINK(\"x\")",
                "+1",
                "@SUM(A1)",
                "-17,2",
                "-3",
                "Zernike",
                "-",
            ],
        );
        let csv = csv_finish(writer, "Bron: CBS/Politie");
        assert_eq!(
            csv.lines().next().unwrap(),
            "\"'=HYPERLINK(\"\"x\"\")\";+1;'@SUM(A1);-17,2;-3;Zernike;'-"
        );
    }
}
