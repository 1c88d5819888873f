//! The parts of the overview that make a first visit useful with any store: the monthly trend
//! against a year earlier (needs no boundaries or population), what is loaded, and what to load
//! next.

use buurtbeeld_analysis::{trend, Subject, Trend};
use buurtbeeld_cube::dutch::{integer, percent};
use buurtbeeld_cube::{AreaCode, Frequency, Period, DUTCH_MONTHS};
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
        .map(|&o| short_month(Period::from_ordinal(Frequency::Month, o)))
        .collect();
    let first = Period::from_ordinal(Frequency::Month, months[0]);
    let span = month_span(first, last);
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
            "{span}: {} {label}; dezelfde maanden een jaar eerder: {} ({}).",
            integer(now),
            integer(before),
            percent((now as f64 - before as f64) / before as f64 * 100.0)
        ),
        _ => {
            let known = recent.iter().filter_map(|c| *c).sum::<u64>();
            let earlier_known = earlier.iter().filter(|c| c.is_some()).count();
            format!(
                "{span}: {} {label} in {published} gepubliceerde maanden. Van dezelfde maanden een \
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
        .map(|p| (p.count.map(|c| c as f64), p.period.to_string()))
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

/// `dec 2022`: short enough for twelve labels on a phone.
fn short_month(period: Period) -> String {
    match period {
        Period::Month { year, month } => {
            format!("{} {year}", &DUTCH_MONTHS[month as usize - 1][..3])
        }
        Period::Year(year) => year.to_string(),
    }
}

/// `december 2022 t/m november 2023`, or `januari–december 2023` within one year.
fn month_span(first: Period, last: Period) -> String {
    match (first, last) {
        (Period::Month { year: a, month: m }, Period::Month { year: b, month: n }) if a == b => {
            if m == 1 && n == 12 {
                a.to_string()
            } else {
                format!(
                    "{}–{} {a}",
                    DUTCH_MONTHS[m as usize - 1],
                    DUTCH_MONTHS[n as usize - 1]
                )
            }
        }
        _ => format!("{} t/m {}", first.dutch_label(), last.dutch_label()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_dutch_periods() {
        let month = |y, m| Period::month(y, m).unwrap();
        assert_eq!(
            month_span(month(2023, 1), month(2023, 11)),
            "januari–november 2023"
        );
        assert_eq!(month_span(month(2023, 1), month(2023, 12)), "2023");
        assert_eq!(
            month_span(month(2022, 12), month(2023, 11)),
            "december 2022 t/m november 2023"
        );
        assert_eq!(short_month(month(2022, 12)), "dec 2022");
    }
}
