//! Rendering hotspots as a Dutch terminal table, CSV or JSON.

use comfy_table::{CellAlignment, ColumnConstraint, Width};

use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use buurtbeeld_analysis::{
    Correction, EmergingClass, HotspotClass, HotspotRow, Hotspots, Measure, Pattern,
};
use buurtbeeld_cube::dutch::{decimal, integer, p_value, period, plural};

use crate::{OutputFormat, SHOWN_AREAS};

const NO_FIGURE: &str = "–";

/// Hotspots as JSON, CSV (always every area) or a terminal table: with `all` false the table
/// shows every flagged area and at least [`SHOWN_AREAS`] rows, and says how many it left out.
pub fn render_hotspots(hotspots: &Hotspots, format: OutputFormat, all: bool) -> String {
    match format {
        OutputFormat::Table => report(hotspots, all),
        OutputFormat::Csv => render_hotspots_csv(hotspots, true),
        OutputFormat::Json => serde_json::to_string_pretty(hotspots).expect("plain data") + "\n",
    }
}

/// The Dutch label of an emerging-hotspot code (`new_hot_spot` → "nieuwe hotspot").
pub fn emerging_label(class: EmergingClass) -> String {
    let (pattern, kind) = match class {
        EmergingClass::NoPattern => return "geen patroon".to_owned(),
        EmergingClass::HotSpot(pattern) => (pattern, "hotspot"),
        EmergingClass::ColdSpot(pattern) => (pattern, "coldspot"),
    };
    let adjective = match pattern {
        Pattern::New => "nieuwe",
        Pattern::Consecutive => "aaneengesloten",
        Pattern::Intensifying => "sterker wordende",
        Pattern::Persistent => "aanhoudende",
        Pattern::Diminishing => "afnemende",
        Pattern::Sporadic => "sporadische",
        Pattern::Oscillating => "wisselende",
        Pattern::Historical => "historische",
    };
    format!("{adjective} {kind}")
}

/// A one-line summary of the method, for every output.
pub fn method_line(hotspots: &Hotspots) -> String {
    format!(
        "Getis-Ord Gi* ({} buren), {} permutaties (seed {}), correctie {} op α = {}; {}",
        hotspots.weights,
        integer(hotspots.permutations as u64),
        hotspots.seed,
        match hotspots.correction {
            Correction::BenjaminiHochberg => "Benjamini-Hochberg (FDR)",
            Correction::Bonferroni => "Bonferroni",
            Correction::None => "geen",
        },
        decimal(hotspots.alpha, 2),
        match hotspots.measure {
            Measure::Count => "aantallen",
            Measure::Per1000 => "per 1.000 inwoners (empirical Bayes)",
        }
    )
}

/// The rows a table shows: all, or every flagged area plus the first unflagged ones up to
/// [`SHOWN_AREAS`] (the rows are ordered hot spots, spikes, cold spots, the rest).
fn shown_rows(hotspots: &Hotspots, all: bool) -> Vec<&HotspotRow> {
    let flagged = hotspots
        .rows
        .iter()
        .filter(|r| r.explanation.is_some())
        .count();
    let shown = if all {
        hotspots.rows.len()
    } else {
        flagged.max(SHOWN_AREAS)
    };
    hotspots.rows.iter().take(shown).collect()
}

fn table(hotspots: &Hotspots, rows: &[&HotspotRow]) -> String {
    let decimals = match hotspots.measure {
        Measure::Count => 0,
        Measure::Per1000 => 1,
    };
    // Columns only some analyses fill (a history for spikes, a window for the development)
    // are left out when no row has a figure in them.
    let with_emerging = rows.iter().any(|r| r.emerging_class.is_some());
    let with_expected = rows.iter().any(|r| r.expected.is_some());
    let mut table = crate::terminal_table();
    let mut header = vec![
        "Code",
        "Naam",
        "Waarde",
        "Buren gem.",
        "Gi* z",
        "p gecorr.",
        "Klasse",
        "LISA",
    ];
    if with_emerging {
        header.push("Ontwikkeling");
    }
    if with_expected {
        header.extend(["Verwacht aantal", "Piek"]);
    }
    table.set_header(header);
    let opt =
        |x: Option<f64>, places: usize| x.map_or(NO_FIGURE.to_owned(), |v| decimal(v, places));
    for row in rows {
        let mut cells = vec![
            row.code.to_string(),
            row.name.clone(),
            decimal(row.value, decimals),
            opt(row.neighbours_mean, 1),
            opt(row.gi_star_z, 2),
            row.p_adjusted.map_or(NO_FIGURE.to_owned(), p_value),
            row.class.label().to_owned(),
            match (row.lisa_quadrant, row.lisa_significant) {
                (Some(q), true) => q.to_owned(),
                (Some(q), false) => format!("({q})"),
                (None, _) => NO_FIGURE.to_owned(),
            },
        ];
        if with_emerging {
            cells.push(
                row.emerging_class
                    .map_or(NO_FIGURE.to_owned(), emerging_label),
            );
        }
        if with_expected {
            cells.push(opt(row.expected, 1));
            cells.push(if row.spike { "ja" } else { "" }.to_owned());
        }
        table.add_row(cells);
    }
    for column in 2..=5 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    // A code broken over two lines is unreadable; names may wrap.
    if let Some(code) = table.column_mut(0) {
        code.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(12)));
    }
    table.to_string()
}

/// The terminal report: summary, the table, why each flagged area is flagged, notes.
fn report(hotspots: &Hotspots, all: bool) -> String {
    let rows = shown_rows(hotspots, all);
    let table = table(hotspots, &rows);
    let hot = count(hotspots, HotspotClass::Hot);
    let cold = count(hotspots, HotspotClass::Cold);
    let spikes = hotspots.rows.iter().filter(|r| r.spike).count();
    let mut out = format!(
        "Waar is actie nodig? {} ({}): {}, {} per {}\n{}\n{} hotspots, {} coldspots, {} pieken \
         van {} gebieden · bron {}\n\n{table}\n",
        hotspots.area_name,
        hotspots.area,
        hotspots.subject_label,
        period::label(&hotspots.period),
        hotspots.level.as_str(),
        method_line(hotspots),
        hot,
        cold,
        spikes,
        hotspots.rows.len(),
        hotspots.source,
    );
    let left_out = hotspots.rows.len() - rows.len();
    if left_out > 0 {
        out.push_str(&format!(
            "Alle opvallende gebieden en de eerste andere; {} niet getoond (--all toont alle, \
             --format csv of json geeft alles).\n",
            plural(left_out, "gebied", "gebieden"),
        ));
    }
    for row in hotspots.rows.iter().filter(|r| r.explanation.is_some()) {
        out.push_str(&format!(
            "· {} {}: {}\n",
            row.code,
            row.name,
            row.explanation.as_deref().unwrap_or_default()
        ));
    }
    out.push_str("LISA tussen haakjes: niet significant na correctie.\n");
    if let (Some(first), Some(last)) = (
        hotspots.emerging_periods.first(),
        hotspots.emerging_periods.last(),
    ) {
        out.push_str(&format!(
            "Ontwikkeling over {} ({} perioden).\n",
            period::range_of_labels(first, last),
            hotspots.emerging_periods.len()
        ));
    }
    for note in &hotspots.notes {
        out.push_str(&format!("· {note}\n"));
    }
    out.push_str(&format!("{}\n", hotspots.attribution));
    out
}

fn count(hotspots: &Hotspots, class: HotspotClass) -> usize {
    hotspots.rows.iter().filter(|r| r.class == class).count()
}

/// Semicolon-separated with decimal commas (or points); the attribution is the last line.
pub fn render_hotspots_csv(hotspots: &Hotspots, decimal_comma: bool) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "code",
            "naam",
            "waarde",
            "aantal",
            "inwoners",
            "buren",
            "buren_gemiddeld",
            "gi_star_z",
            "gi_star_p",
            "gi_star_p_sim",
            "p_gecorrigeerd",
            "klasse",
            "lisa_kwadrant",
            "lisa_p_sim",
            "lisa_p_gecorrigeerd",
            "lisa_significant",
            "ontwikkeling",
            "verwacht",
            "piek_p",
            "piek_p_gecorrigeerd",
            "piek",
            "periode",
            "onderwerp",
            "bron",
        ],
    );
    let separator = if decimal_comma { "," } else { "." };
    let number = |x: Option<f64>, places: usize| csv_number(x, places, decimal_comma);
    let p = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:e}").replace('.', separator));
    let yes_no = |b: bool| if b { "ja" } else { "nee" }.to_owned();
    for row in &hotspots.rows {
        csv_row(
            &mut writer,
            [
                row.code.to_string(),
                row.name.clone(),
                number(Some(row.value), 4),
                row.count.to_string(),
                row.population.map_or(String::new(), |n| n.to_string()),
                row.neighbours.to_string(),
                number(row.neighbours_mean, 4),
                number(row.gi_star_z, 4),
                p(row.gi_star_p),
                number(row.gi_star_p_sim, 4),
                p(row.p_adjusted),
                row.class.label().to_owned(),
                row.lisa_quadrant.unwrap_or_default().to_owned(),
                number(row.lisa_p_sim, 4),
                number(row.lisa_p_adjusted, 4),
                yes_no(row.lisa_significant),
                row.emerging_class.map(emerging_label).unwrap_or_default(),
                number(row.expected, 2),
                p(row.spike_p),
                p(row.spike_p_adjusted),
                yes_no(row.spike),
                hotspots.period.clone(),
                hotspots.subject_label.clone(),
                hotspots.source.clone(),
            ],
        );
    }
    csv_finish(writer, &hotspots.attribution)
}
