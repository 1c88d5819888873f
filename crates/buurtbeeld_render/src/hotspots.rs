//! Rendering hotspots as a Dutch terminal table, CSV or JSON.

use comfy_table::CellAlignment;

use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use buurtbeeld_analysis::{Correction, EmergingClass, HotspotClass, Hotspots, Measure, Pattern};
use buurtbeeld_cube::dutch::{decimal, integer, p_value, period};

use crate::OutputFormat;

const NO_FIGURE: &str = "–";

pub fn render_hotspots(hotspots: &Hotspots, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => table(hotspots),
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

fn table(hotspots: &Hotspots) -> String {
    let decimals = match hotspots.measure {
        Measure::Count => 0,
        Measure::Per1000 => 1,
    };
    let mut table = crate::terminal_table();
    table.set_header([
        "Code",
        "Naam",
        "Waarde",
        "Buren gem.",
        "Gi* z",
        "p",
        "p gecorr.",
        "Klasse",
        "LISA",
        "Ontwikkeling",
        "Verwacht aantal",
        "Piek",
    ]);
    let opt =
        |x: Option<f64>, places: usize| x.map_or(NO_FIGURE.to_owned(), |v| decimal(v, places));
    for row in &hotspots.rows {
        table.add_row([
            row.code.to_string(),
            row.name.clone(),
            decimal(row.value, decimals),
            opt(row.neighbours_mean, 1),
            opt(row.gi_star_z, 2),
            row.gi_star_p.map_or(NO_FIGURE.to_owned(), p_value),
            row.p_adjusted.map_or(NO_FIGURE.to_owned(), p_value),
            row.class.label().to_owned(),
            match (row.lisa_quadrant, row.lisa_significant) {
                (Some(q), true) => q.to_owned(),
                (Some(q), false) => format!("({q})"),
                (None, _) => NO_FIGURE.to_owned(),
            },
            row.emerging_class
                .map_or(NO_FIGURE.to_owned(), emerging_label),
            opt(row.expected, 1),
            if row.spike { "ja" } else { "" }.to_owned(),
        ]);
    }
    for column in 2..=6 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
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
