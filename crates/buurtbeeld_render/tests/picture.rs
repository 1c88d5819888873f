//! Snapshot of the Dutch crime-picture table, so any change to what users read is reviewed.

use buurtbeeld_analysis::{Picture, PictureRow};
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode};
use buurtbeeld_render::{render, OutputFormat};

fn row(
    code: &str,
    name: &str,
    level: AreaLevel,
    count: Option<u64>,
    previous: Option<u64>,
) -> PictureRow {
    let change_pct = match (count, previous) {
        (Some(c), Some(p)) if p > 0 => Some((c as f64 - p as f64) / p as f64 * 100.0),
        _ => None,
    };
    PictureRow {
        code: AreaCode::parse(code).unwrap(),
        name: name.to_owned(),
        level,
        count,
        population: Some(16_848),
        population_year: Some(2024),
        per_1000: count.map(|c| c as f64 * 1000.0 / 16_848.0),
        smoothed_per_1000: None,
        too_few_inhabitants: false,
        previous_count: previous,
        change_pct,
        p_value: change_pct.map(|_| 0.0123),
        significant: change_pct.map(|_| true),
        withheld: count.is_none(),
        suppressed: false,
    }
}

#[test]
fn picture_table_reads_as_dutch() {
    let picture = Picture {
        area: AreaCode::parse("GM1581").unwrap(),
        area_name: "Utrechtse Heuvelrug".to_owned(),
        subject: "woninginbraak".to_owned(),
        subject_label: "Woninginbraak".to_owned(),
        categories: vec![CategoryCode::parse("1.1.1").unwrap()],
        source: "47022NED".to_owned(),
        period: "2023".to_owned(),
        previous_period: "2022".to_owned(),
        complete_year: Some(2023),
        alpha: 0.05,
        rows: vec![
            row(
                "GM1581",
                "Utrechtse Heuvelrug",
                AreaLevel::Gemeente,
                Some(1_234),
                Some(1_490),
            ),
            row(
                "WK158101",
                "Driebergen",
                AreaLevel::Wijk,
                Some(412),
                Some(398),
            ),
            row("WK158100", "Doorn", AreaLevel::Wijk, None, None),
        ],
        notes: vec!["Een toelichting.".to_owned()],
        attribution: "Bron: CBS/Politie".to_owned(),
    };
    insta::assert_snapshot!(render(&picture, OutputFormat::Table));
    insta::assert_snapshot!("csv", render(&picture, OutputFormat::Csv));
}
