//! Rates per 1.000 inwoners on the demo store: no rate below the minimum population, smoothed
//! rates for maps, and the same rule in hotspots and the public view.

mod common;

use buurtbeeld_analysis::{
    hotspots, picture, public_counts, public_picture, HotspotRequest, Measure, PictureRequest,
    Subject, MIN_POPULATION_FOR_RATE,
};
use buurtbeeld_cube::{AreaCode, AreaLevel, Period};
use common::store;

fn buurten_2014(min_population: u64) -> PictureRequest {
    PictureRequest {
        level: Some(AreaLevel::Buurt),
        min_population,
        ..PictureRequest::year(
            &AreaCode::parse("GM0014").unwrap(),
            &Subject::Theme("fietsdiefstal".to_owned()),
            2014,
        )
    }
}

#[test]
fn buurten_below_the_minimum_population_get_no_rate_and_the_note_says_why() {
    let picture = picture(&store(), &buurten_2014(MIN_POPULATION_FOR_RATE)).unwrap();
    let small: Vec<_> = picture.rows[1..]
        .iter()
        .filter(|r| {
            r.population
                .is_some_and(|p| p > 0 && p < MIN_POPULATION_FOR_RATE)
        })
        .collect();
    let names: Vec<&str> = small.iter().map(|r| r.name.as_str()).collect();
    println!("{} buurten under the minimum: {names:?}", small.len());
    assert!(names.contains(&"Zernike Campus"), "{names:?}");
    for row in &small {
        assert!(row.too_few_inhabitants, "{}", row.name);
        assert_eq!(
            (row.per_1000, row.smoothed_per_1000),
            (None, None),
            "{}",
            row.name
        );
        assert!(row.count.is_some(), "the count stays: {}", row.name);
    }
    for row in picture.rows[1..].iter().filter(|r| !r.too_few_inhabitants) {
        assert_eq!(
            row.per_1000.is_some(),
            row.smoothed_per_1000.is_some(),
            "{}",
            row.name
        );
    }
    assert!(picture
        .notes
        .iter()
        .any(|n| n.starts_with("Minder dan 100 inwoners: geen cijfer per 1.000")));
    // The highest raw rate left is an ordinary figure, not 2.200 per 1.000.
    let highest = picture.rows[1..]
        .iter()
        .filter_map(|r| r.per_1000)
        .fold(0.0, f64::max);
    println!("highest raw rate per 1.000: {highest:.1}");
    assert!(highest < 500.0, "{highest}");
}

#[test]
fn a_request_can_lower_the_minimum() {
    let picture = picture(&store(), &buurten_2014(1)).unwrap();
    let campus = picture.rows[1..]
        .iter()
        .find(|r| r.name == "Zernike Campus")
        .unwrap();
    assert!(!campus.too_few_inhabitants);
    assert!(campus.per_1000.is_some() && campus.smoothed_per_1000.is_some());
    // Smoothing pulls the campus's rate far towards the gemeente's.
    assert!(campus.smoothed_per_1000.unwrap() < campus.per_1000.unwrap() / 2.0);
}

#[test]
fn hotspots_per_1000_leave_small_buurten_out_and_name_them() {
    let mut request = HotspotRequest::new(
        AreaCode::parse("GM0014").unwrap(),
        AreaLevel::Buurt,
        Subject::Theme("fietsdiefstal".to_owned()),
        Period::Year(2014),
    );
    request.measure = Measure::Per1000;
    request.permutations = 99;
    let result = hotspots(&store(), &request).unwrap();
    let small = picture(&store(), &buurten_2014(MIN_POPULATION_FOR_RATE)).unwrap();
    for row in small.rows[1..].iter().filter(|r| r.too_few_inhabitants) {
        assert!(result.not_analysed.contains(&row.code), "{}", row.name);
        assert!(
            !result.rows.iter().any(|r| r.code == row.code),
            "{}",
            row.name
        );
    }
    assert!(result
        .notes
        .iter()
        .any(|n| n.contains("Minder dan 100 inwoners")));
}

#[test]
fn the_public_view_smooths_only_shown_counts_and_keeps_the_minimum() {
    let store = store();
    let request = buurten_2014(MIN_POPULATION_FOR_RATE);
    let counts = public_counts(&store, 2014, 5).unwrap();
    let previous = public_counts(&store, 2013, 5).unwrap();
    let picture = public_picture(&store, &request, &counts, &previous).unwrap();
    for row in &picture.rows[1..] {
        if row.count.is_none() || row.too_few_inhabitants {
            assert_eq!(
                (row.per_1000, row.smoothed_per_1000),
                (None, None),
                "{}",
                row.name
            );
        }
    }
}
