//! The parts of the overview that make a first visit useful with any store: the monthly trend
//! against a year earlier (needs no boundaries or population), what is loaded, and what to load
//! next.

use buurtbeeld_analysis::{trend, Subject, Trend};
use buurtbeeld_cube::dutch::{integer, percent, period};
use buurtbeeld_cube::{AreaCode, Frequency, Period};
use buurtbeeld_render::svg::{line_chart, Line};
use buurtbeeld_store::Store;
use maud::{html, Markup};

/// Months in the year-on-year chart: one year, so each month meets its own a year earlier.
const MONTHS_SHOWN: i64 = 12;

/// The last 12 published months of `theme` in `area` beside the same months a year earlier,
/// as a chart with its totals in words; the yearly series when the source is yearly. `None`
/// when the area has no series for the theme.
pub(crate) fn year_on_year_section(store: &Store, area: &AreaCode, theme: &str) -> Option<Markup> {
    let trend = trend(store, area, &Subject::Theme(theme.to_owned())).ok()?;
    let last = trend
        .points
        .iter()
        .rev()
        .find(|p| p.count.is_some())?
        .period;
    Some(match trend.frequency {
        Frequency::Month => monthly(&trend, last),
        Frequency::Year => yearly(&trend),
    })
}

fn monthly(trend: &Trend, last: Period) -> Markup {
    let count_at = |ordinal: i64| {
        trend
            .points
            .iter()
            .find(|p| p.period.ordinal() == ordinal)
            .and_then(|p| p.count)
    };
    let months: Vec<i64> = (last.ordinal() - MONTHS_SHOWN + 1..=last.ordinal()).collect();
    let recent: Vec<Option<u64>> = months.iter().map(|&o| count_at(o)).collect();
    let earlier: Vec<Option<u64>> = months.iter().map(|&o| count_at(o - 12)).collect();
    let as_values = |counts: &[Option<u64>]| -> Vec<Option<f64>> {
        counts.iter().map(|c| c.map(|n| n as f64)).collect()
    };
    let (recent_values, earlier_values) = (as_values(&recent), as_values(&earlier));
    let labels: Vec<String> = months
        .iter()
        .map(|&o| period::period_short(Period::from_ordinal(Frequency::Month, o)))
        .collect();
    let first = Period::from_ordinal(Frequency::Month, months[0]);
    let span = period::range(first, last);
    let mut lines = vec![Line {
        name: "Laatste 12 maanden",
        values: &recent_values,
        dashed: false,
        band: None,
    }];
    if earlier.iter().any(Option::is_some) {
        lines.push(Line {
            name: "Een jaar eerder",
            values: &earlier_values,
            dashed: true,
            band: None,
        });
    }
    let chart = line_chart(
        &lines,
        &labels,
        &format!(
            "{} per maand in {}, {span}, tegen een jaar eerder",
            trend.subject_label, trend.area_name
        ),
        "Aantal per maand",
    );
    html! {
        figure.chart { (chart) }
        p { (comparison_sentence(trend, &recent, &earlier, &span)) }
        p.note { (trend.attribution) }
    }
}

/// Totals of the shown months, and their change only when both years have every month.
fn comparison_sentence(
    trend: &Trend,
    recent: &[Option<u64>],
    earlier: &[Option<u64>],
    span: &str,
) -> String {
    let total = |counts: &[Option<u64>]| -> Option<u64> { counts.iter().copied().sum() };
    let published = recent.iter().filter(|c| c.is_some()).count();
    let label = trend.subject_label.to_lowercase();
    match (total(recent), total(earlier)) {
        (Some(now), Some(before)) if before > 0 => format!(
            "Over {span}: {} {label}; dezelfde maanden een jaar eerder: {} ({}).",
            integer(now),
            integer(before),
            percent((now as f64 - before as f64) / before as f64 * 100.0)
        ),
        _ => {
            let known = recent.iter().filter_map(|c| *c).sum::<u64>();
            let earlier_known = earlier.iter().filter(|c| c.is_some()).count();
            format!(
                "Over {span}: {} {label} in {published} gepubliceerde maanden. Van dezelfde maanden een \
                 jaar eerder {} bekend, dus geen vergelijking over het hele jaar.",
                integer(known),
                match earlier_known {
                    0 => "is geen enkele".to_owned(),
                    1 => "is er 1".to_owned(),
                    n => format!("zijn er {n}"),
                }
            )
        }
    }
}

/// A trend's counts (a gap where nothing was published) and its period labels, for a chart.
pub(crate) fn chart_series(trend: &Trend) -> (Vec<Option<f64>>, Vec<String>) {
    trend
        .points
        .iter()
        .map(|p| (p.count.map(|c| c as f64), period::period_short(p.period)))
        .unzip()
}

fn yearly(trend: &Trend) -> Markup {
    let (values, labels) = chart_series(trend);
    let chart = line_chart(
        &[Line {
            name: "Aantal per jaar",
            values: &values,
            dashed: false,
            band: None,
        }],
        &labels,
        &format!("{} per jaar in {}", trend.subject_label, trend.area_name),
        "Aantal per jaar",
    );
    html! {
        figure.chart { (chart) }
        p.note { (trend.attribution) }
    }
}

/// What the overview found for its gemeente, and whether the reader may import.
pub(crate) struct Loaded {
    pub boundaries: bool,
    pub population: bool,
    pub previous_year: bool,
    pub may_import: bool,
}

/// What the store holds for a first-time reader, and what to import for the parts still
/// missing: boundaries (the map), inhabitants (rates), an earlier year (comparisons).
pub(crate) fn sources_and_next_steps(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    loaded: Loaded,
) -> Markup {
    let tables: Vec<String> = store
        .imports()
        .unwrap_or_default()
        .into_iter()
        .filter(|entry| entry.kind != "defaults")
        .map(|entry| entry.table_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut steps: Vec<Markup> = Vec::new();
    if !loaded.boundaries {
        steps.push(html! {
            "Buurtgrenzen (CBS wijk- en buurtkaart) voor een kaart van " (area_name)
            ": " code { "buurtbeeld fetch --gemeente " (area) } " of een GeoPackage of GeoJSON inlezen."
        });
    }
    if !loaded.population {
        steps.push(html! {
            "Inwonertallen per buurt (CBS kerncijfers wijken en buurten) voor cijfers per 1.000 inwoners."
        });
    }
    if !loaded.previous_year {
        steps.push(html! { "Een eerder jaar van dezelfde tabel, voor een vergelijking met vorig jaar en een toets of een verandering toeval is." });
    }
    html! {
        section.sources aria-labelledby="bronnen-overzicht" {
            h2 #bronnen-overzicht { "Wat er is ingelezen" }
            p {
                @if tables.is_empty() { "Nog geen bestanden ingelezen." }
                @else { "Tabellen: " (tables.join(", ")) ". " }
                a href="/gegevens" { "Alle bestanden en bronnen" }
            }
            @if !steps.is_empty() {
                p { "Voor een vollediger beeld kunt u nog inlezen:" }
                ul { @for step in &steps { li { (step) } } }
                @if loaded.may_import { p { a href="/gegevens/importeren" { "Bestanden inlezen" } } }
            }
        }
    }
}
