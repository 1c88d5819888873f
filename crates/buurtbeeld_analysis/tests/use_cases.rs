//! The use-cases called as a library on a store of the bundled real demo data (the files
//! `buurtbeeld demo` imports): the figures they answer and how they refuse what they cannot.

mod common;

use buurtbeeld_analysis::{
    area_attribution, complete_year_picture, effect, forecast, hotspots, known_plan_report,
    picture, plan_report, run_backtest, store_credits, trend, years_with_data, AnswerError,
    EffectError, EffectMethod, ForecastError, ForecastRequest, HotspotClass, HotspotError,
    HotspotRequest, KpiStatus, PictureError, PictureRequest, PlanError, Refusal, Subject, Verdict,
    ATTRIBUTION,
};
use buurtbeeld_cube::{AreaCode, AreaLevel, Frequency, Period};
use common::store;

const INTERVENTION: &str = "lokfietsen-stationsgebied-2015";
const PLAN: &str = "voorbeeldplan-groningen-2014-2017";

fn code(text: &str) -> AreaCode {
    AreaCode::parse(text).unwrap()
}

fn fietsdiefstal() -> Subject {
    Subject::Theme("fietsdiefstal".to_owned())
}

fn month(year: i32, month: u32) -> Period {
    Period::Month { year, month }
}

fn picture_request(area: &str, year: i32) -> PictureRequest {
    PictureRequest {
        area: code(area),
        subject: fietsdiefstal(),
        year,
        month: None,
        source: None,
        level: None,
        min_population: buurtbeeld_analysis::MIN_POPULATION_FOR_RATE,
    }
}

/// The documented defaults: queen weights, counts, 999 permutations, Benjamini-Hochberg.
fn hotspot_request(area: &str, period: Period) -> HotspotRequest {
    HotspotRequest::new(code(area), AreaLevel::Buurt, fietsdiefstal(), period)
}

fn forecast_request(level: Option<AreaLevel>, from: Period, horizon: usize) -> ForecastRequest {
    ForecastRequest {
        area: code("GM0014"),
        level,
        subject: fietsdiefstal(),
        from,
        horizon,
        method: None,
        source: None,
    }
}

fn assert_close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-6,
        "{actual} is not {expected}"
    );
}

// --- picture ---

#[test]
fn the_groningen_2015_picture_counts_bicycle_thefts_against_2014() {
    let picture = picture(&store(), &picture_request("GM0014", 2015)).unwrap();
    assert_eq!(picture.source, "BVH");
    assert_eq!(picture.period, "2015");
    assert_eq!(picture.previous_period, "2014");
    assert_eq!(picture.complete_year, Some(2015));
    assert_eq!(
        picture.attribution,
        "Bron: Politie (BVH-registraties, via de gemeente)"
    );
    let own = &picture.rows[0];
    assert_eq!(own.code, code("GM0014"));
    assert_eq!(own.count, Some(3572));
    assert_eq!(own.previous_count, Some(3373));
    assert_close(own.change_pct.unwrap(), 5.899792469611622);
    assert_close(own.p_value.unwrap(), 0.017499687950196973);
    assert_eq!(own.significant, Some(true));
    assert_eq!(own.population, Some(202_620));
    assert_eq!(own.population_year, Some(2017));
}

#[test]
fn the_picture_lists_the_wijken_with_the_highest_count_first() {
    let picture = picture(&store(), &picture_request("GM0014", 2015)).unwrap();
    assert_eq!(picture.rows.len(), 16, "Groningen and its 15 wijken");
    let centrum = &picture.rows[1];
    assert_eq!(
        (centrum.code.as_str(), centrum.count),
        ("WK001400", Some(1548))
    );
    let counts: Vec<u64> = picture.rows[1..].iter().map(|r| r.count.unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let wijken: u64 = counts.iter().sum();
    assert_eq!(wijken, 3572, "the wijken add up to the gemeente");
}

#[test]
fn a_month_picture_compares_with_the_same_month_a_year_earlier() {
    let request = PictureRequest {
        month: Some(3),
        ..picture_request("GM0014", 2015)
    };
    let picture = picture(&store(), &request).unwrap();
    assert_eq!(picture.period, "2015-03");
    assert_eq!(picture.previous_period, "2014-03");
    assert_eq!(picture.complete_year, None);
    let own = &picture.rows[0];
    assert_eq!((own.count, own.previous_count), (Some(205), Some(314)));
    assert_eq!(own.significant, Some(true));
}

#[test]
fn a_part_year_picture_compares_the_same_months_and_says_so() {
    let picture = picture(&store(), &picture_request("GM0014", 2016)).unwrap();
    assert_eq!(picture.period, "2016-01..2016-06");
    assert_eq!(picture.previous_period, "2015-01..2015-06");
    assert_eq!(picture.complete_year, None);
    assert_eq!(picture.rows[0].count, Some(1750));
    assert!(picture
        .notes
        .iter()
        .any(|n| n.contains("2016 is niet compleet")));
}

#[test]
fn a_picture_of_an_unknown_area_is_not_found() {
    let error = picture(&store(), &picture_request("GM9999", 2015)).unwrap_err();
    assert!(matches!(&error, PictureError::UnknownArea(a) if a.as_str() == "GM9999"));
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert!(
        error.to_string().starts_with("onbekend gebied GM9999"),
        "{error}"
    );
}

#[test]
fn a_picture_of_a_year_the_source_does_not_cover_is_not_found() {
    let error = picture(&store(), &picture_request("GM0014", 2020)).unwrap_err();
    let PictureError::PeriodNotCovered {
        period,
        source_table,
        covered,
        ..
    } = &error
    else {
        panic!("expected PeriodNotCovered, got {error:?}");
    };
    assert_eq!((period.as_str(), source_table.as_str()), ("2020", "BVH"));
    assert_eq!(covered, "januari 2013 t/m juni 2016");
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert_eq!(
        error.to_string(),
        "geen cijfers voor GM0014 over 2020 in bron BVH; de bron beslaat januari 2013 t/m juni 2016"
    );
}

#[test]
fn a_picture_of_an_unknown_theme_is_not_found_and_lists_the_themes() {
    let request = PictureRequest {
        subject: Subject::Theme("fietsendiefstal".to_owned()),
        ..picture_request("GM0014", 2015)
    };
    let error = picture(&store(), &request).unwrap_err();
    assert!(matches!(error, PictureError::UnknownTheme(..)), "{error:?}");
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert!(
        error
            .to_string()
            .starts_with("onbekend thema 'fietsendiefstal'"),
        "{error}"
    );
    assert!(error.to_string().contains("fietsdiefstal"), "{error}");
}

// --- complete_year_picture and years_with_data ---

#[test]
fn complete_year_picture_answers_a_whole_year() {
    let picture = complete_year_picture(&store(), &code("GM0014"), &fietsdiefstal(), 2015)
        .unwrap()
        .expect("2015 is complete");
    assert_eq!(picture.complete_year, Some(2015));
    let own = &picture.rows[0];
    assert_eq!((own.code.as_str(), own.count), ("GM0014", Some(3572)));
    assert_eq!(own.previous_count, Some(3373));
}

#[test]
fn complete_year_picture_is_none_for_a_part_year_an_uncovered_year_or_an_unknown_area() {
    let store = store();
    let none = |area: &str, year| {
        complete_year_picture(&store, &code(area), &fietsdiefstal(), year)
            .unwrap()
            .is_none()
    };
    assert!(none("GM0014", 2016), "2016 has only 2016-01 to 2016-06");
    assert!(none("GM0014", 2020));
    assert!(none("GM9999", 2015));
}

#[test]
fn years_with_data_counts_the_months_of_each_year() {
    let store = store();
    let groningen = years_with_data(&store, &code("GM0014"), &fietsdiefstal()).unwrap();
    assert_eq!(groningen, [(2013, 12), (2014, 12), (2015, 12), (2016, 6)]);
    let heuvelrug = years_with_data(
        &store,
        &code("GM1581"),
        &Subject::Theme("totaal".to_owned()),
    )
    .unwrap();
    assert_eq!(heuvelrug, [(2022, 1), (2023, 11)]);
}

// --- trend ---

#[test]
fn the_groningen_trend_runs_monthly_from_2013_01_to_2016_06() {
    let trend = trend(&store(), &code("GM0014"), &fietsdiefstal()).unwrap();
    assert_eq!(
        (trend.source.as_str(), trend.frequency),
        ("BVH", Frequency::Month)
    );
    assert_eq!(trend.points.len(), 42);
    let first = &trend.points[0];
    let last = trend.points.last().unwrap();
    assert_eq!((first.period, first.count), (month(2013, 1), Some(258)));
    assert_eq!((last.period, last.count), (month(2016, 6), Some(288)));
    let in_2015: u64 = trend
        .points
        .iter()
        .filter(|p| p.period.calendar_year() == 2015)
        .map(|p| p.count.unwrap())
        .sum();
    assert_eq!(in_2015, 3572, "the months add up to the year's picture");
}

#[test]
fn the_heuvelrug_trend_comes_from_the_monthly_police_table() {
    let trend = trend(
        &store(),
        &code("GM1581"),
        &Subject::Theme("totaal".to_owned()),
    )
    .unwrap();
    assert_eq!(trend.source, "47022NED");
    assert_eq!(trend.attribution, ATTRIBUTION);
    assert_eq!(trend.points.len(), 12);
    let first = &trend.points[0];
    let last = trend.points.last().unwrap();
    assert_eq!((first.period, first.count), (month(2022, 12), Some(129)));
    assert_eq!((last.period, last.count), (month(2023, 11), Some(125)));
}

#[test]
fn a_trend_of_an_unknown_area_is_not_found() {
    let error = trend(&store(), &code("WK999999"), &fietsdiefstal()).unwrap_err();
    assert!(matches!(error, PictureError::UnknownArea(_)), "{error:?}");
    assert_eq!(error.refusal(), Refusal::NotFound);
}

// --- hotspots ---

#[test]
fn groningen_2015_has_eight_bicycle_theft_hot_spots_listed_first() {
    let hotspots = hotspots(&store(), &hotspot_request("GM0014", Period::Year(2015))).unwrap();
    assert_eq!(hotspots.source, "BVH");
    assert_eq!(hotspots.rows.len(), 108);
    assert!(hotspots.islands.is_empty() && hotspots.not_analysed.is_empty());
    let hot: Vec<&str> = hotspots
        .rows
        .iter()
        .filter(|r| r.class == HotspotClass::Hot)
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(
        hot,
        [
            "BU00140000",
            "BU00140001",
            "BU00140003",
            "BU00140002",
            "BU00140005",
            "BU00140008",
            "BU00140105",
            "BU00140101"
        ]
    );
    assert!(hotspots.rows.iter().all(|r| r.class != HotspotClass::Cold));
    // Flagged first (hot spots by falling z), then the rest by falling z.
    assert!(hotspots.rows[..8].iter().all(|r| r.explanation.is_some()));
    assert!(hotspots.rows[8..].iter().all(|r| r.explanation.is_none()));
    for part in [&hotspots.rows[..8], &hotspots.rows[8..]] {
        let z: Vec<f64> = part.iter().map(|r| r.gi_star_z.unwrap()).collect();
        assert!(z.windows(2).all(|w| w[0] >= w[1]), "{z:?}");
    }
    let clusters: Vec<bool> = hotspots.rows[..8]
        .iter()
        .map(|r| r.lisa_significant)
        .collect();
    assert_eq!(
        clusters,
        [true, true, true, true, true, false, false, false]
    );
    let top = &hotspots.rows[0];
    assert_eq!(top.count, 489);
    assert_close(top.gi_star_z.unwrap(), 6.875774610276117);
}

#[test]
fn yearly_hotspots_note_that_spikes_need_more_history() {
    let hotspots = hotspots(&store(), &hotspot_request("GM0014", Period::Year(2015))).unwrap();
    assert_eq!(hotspots.emerging_periods, ["2013", "2014", "2015"]);
    assert_eq!(hotspots.spike_history, ["2013", "2014"]);
    assert!(hotspots.rows.iter().all(|r| !r.spike));
    assert_eq!(
        hotspots.notes,
        ["Pieken vragen minstens 3 eerdere perioden met cijfers; er zijn er 2."]
    );
}

#[test]
fn the_same_hotspot_request_gives_the_same_answer() {
    let store = store();
    let request = hotspot_request("GM0014", month(2016, 6));
    let once = hotspots(&store, &request).unwrap();
    let again = hotspots(&store, &request).unwrap();
    assert_eq!(once, again);
    assert_eq!(once.emerging_periods.len(), 12);
    assert_eq!(once.emerging_periods.last().unwrap(), "2016-06");
}

#[test]
fn hotspots_of_an_area_without_boundaries_are_refused() {
    let request = HotspotRequest {
        subject: Subject::Theme("totaal".to_owned()),
        ..hotspot_request("GM1581", month(2023, 3))
    };
    let error = hotspots(&store(), &request).unwrap_err();
    assert!(
        matches!(&error, HotspotError::NoBoundaries { area, level: AreaLevel::Buurt }
            if area.as_str() == "GM1581"),
        "{error:?}"
    );
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert!(
        error
            .to_string()
            .starts_with("geen grenzen voor de gebieden"),
        "{error}"
    );
}

#[test]
fn hotspots_of_an_unknown_area_are_not_found() {
    let error = hotspots(&store(), &hotspot_request("GM9999", Period::Year(2015))).unwrap_err();
    assert!(
        matches!(error, HotspotError::Picture(PictureError::UnknownArea(_))),
        "{error:?}"
    );
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert!(error.to_string().starts_with("onbekend gebied"), "{error}");
}

// --- forecast and run_backtest ---

#[test]
fn a_forecast_has_a_row_per_area_and_month_with_nested_intervals() {
    let request = forecast_request(Some(AreaLevel::Wijk), month(2016, 1), 3);
    let forecasts = forecast(&store(), &request).unwrap();
    assert_eq!(forecasts.areas.len(), 15);
    assert_eq!(forecasts.rows.len(), 15 * 3);
    assert_eq!(forecasts.method, "auto");
    for row in &forecasts.rows {
        assert!(
            row.lower_95 <= row.lower_80
                && row.lower_80 <= row.median
                && row.median <= row.upper_80
                && row.upper_80 <= row.upper_95,
            "{row:?}"
        );
        assert!(row.actual.is_some(), "2016-01..2016-03 are in the store");
    }
    let months: Vec<&str> = forecasts.rows[..3]
        .iter()
        .map(|r| r.month.as_str())
        .collect();
    assert_eq!(months, ["2016-01", "2016-02", "2016-03"]);
}

#[test]
fn the_groningen_forecast_rests_on_three_years_and_shows_what_happened() {
    let request = forecast_request(None, month(2016, 1), 6);
    let forecasts = forecast(&store(), &request).unwrap();
    let [area] = forecasts.areas.as_slice() else {
        panic!("one area: {:?}", forecasts.areas);
    };
    assert_eq!(area.history_start, "2013-01");
    assert_eq!(area.history.len(), 36);
    assert_eq!(area.method.name(), "pooled_seasonal");
    assert!(area.beats_seasonal_naive);
    let actual: Vec<Option<u64>> = forecasts.rows.iter().map(|r| r.actual).collect();
    assert_eq!(
        actual,
        [
            Some(279),
            Some(276),
            Some(281),
            Some(288),
            Some(338),
            Some(288)
        ]
    );
}

#[test]
fn a_forecast_past_the_data_has_no_actuals() {
    let request = forecast_request(None, month(2016, 7), 2);
    let forecasts = forecast(&store(), &request).unwrap();
    assert_eq!(forecasts.rows.len(), 2);
    assert!(forecasts.rows.iter().all(|r| r.actual.is_none()));
}

#[test]
fn the_backtest_scores_every_method_starting_with_seasonal_naive() {
    let request = forecast_request(None, month(2016, 1), 3);
    let backtest = run_backtest(&store(), &request).unwrap();
    assert_eq!(backtest.until, "2016-01");
    assert_eq!((backtest.origins, backtest.horizon), (12, 3));
    assert_eq!(backtest.methods[0].method.name(), "seasonal_naive");
    // MAE of the median forecasts (the mean forecasts' was 44,64).
    assert_close(backtest.methods[0].mae, 46.21212121212121);
    assert!(backtest.methods.iter().all(|m| m.areas == 1));
    let chosen: Vec<&str> = backtest
        .methods
        .iter()
        .filter(|m| m.chosen == 1)
        .map(|m| m.method.name())
        .collect();
    assert_eq!(chosen, ["pooled_seasonal"]);
    assert_eq!(backtest.ranking, None, "ranking needs at least 10 areas");
}

#[test]
fn a_forecast_with_less_than_two_years_of_history_is_too_short() {
    let store = store();
    let error = forecast(&store, &forecast_request(None, month(2014, 12), 12)).unwrap_err();
    assert!(
        matches!(&error, ForecastError::TooShort { area, months: 23 } if area.as_str() == "GM0014"),
        "{error:?}"
    );
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert_eq!(
        error.to_string(),
        "GM0014 heeft 23 maanden historie vóór de voorspelling; nodig zijn er minstens 24"
    );
    let backtest = run_backtest(&store, &forecast_request(None, month(2014, 12), 12));
    assert!(matches!(
        backtest,
        Err(ForecastError::TooShort { months: 23, .. })
    ));
}

#[test]
fn a_forecast_must_start_at_a_month_and_name_a_known_method() {
    let store = store();
    let error = forecast(&store, &forecast_request(None, Period::Year(2016), 12)).unwrap_err();
    assert!(matches!(error, ForecastError::NotAMonth(_)), "{error:?}");
    assert_eq!(error.refusal(), Refusal::Invalid);
    assert!(error.to_string().contains("is geen maand"), "{error}");

    let request = ForecastRequest {
        method: Some("glazen_bol".to_owned()),
        ..forecast_request(None, month(2016, 1), 3)
    };
    let error = forecast(&store, &request).unwrap_err();
    assert!(
        matches!(error, ForecastError::UnknownMethod(..)),
        "{error:?}"
    );
    assert_eq!(error.refusal(), Refusal::Invalid);
    assert!(
        error
            .to_string()
            .starts_with("onbekende methode 'glazen_bol'"),
        "{error}"
    );
}

// --- effect ---

#[test]
fn the_demo_intervention_has_no_distinguishable_effect_by_difference_in_differences() {
    let report = effect(
        &store(),
        INTERVENTION,
        EffectMethod::DifferenceInDifferences,
    )
    .unwrap();
    assert_eq!(
        report.treated,
        [(code("BU00140008"), "Stationsgebied".to_owned())]
    );
    assert_eq!(report.neighbours.len(), 7);
    assert_eq!(report.months.first().unwrap(), "2013-01");
    assert_eq!(report.months.last().unwrap(), "2015-12");
    assert_eq!(report.months[report.start_index], "2015-03");
    assert!(report.displacement.is_none(), "not asked for");
    let [estimate] = report.estimates.as_slice() else {
        panic!("one estimate: {:?}", report.estimates);
    };
    assert_eq!(estimate.method.name(), "did");
    let Verdict::Estimate {
        incidents,
        percent,
        p_value,
        distinguishable,
        ..
    } = estimate.verdict
    else {
        panic!("expected an estimate, got {:?}", estimate.verdict);
    };
    assert_eq!(incidents.round(), 15.0);
    assert_eq!((percent * 10.0).round() / 10.0, 12.2);
    assert_eq!((p_value * 1000.0).round() / 1000.0, 0.475);
    assert!(!distinguishable);
    // Every buurt of the gemeente outside the Stationsgebied and its 7 neighbours.
    assert_eq!(estimate.comparison.len(), 100);
    // The neighbours of the Stationsgebied are never its comparison areas.
    assert!(estimate
        .comparison
        .iter()
        .all(|c| report.neighbours.iter().all(|(n, _)| *n != c.code)));
}

#[test]
fn all_effect_methods_give_four_verdicts_of_which_none_is_distinguishable() {
    let report = effect(&store(), INTERVENTION, EffectMethod::All).unwrap();
    let methods: Vec<&str> = report.estimates.iter().map(|e| e.method.name()).collect();
    assert_eq!(methods, ["before-after", "did", "synth"]);
    let displacement = report.displacement.expect("asked for with all");
    let verdicts = report
        .estimates
        .iter()
        .map(|e| &e.verdict)
        .chain([&displacement.estimate.verdict]);
    for verdict in verdicts {
        assert!(
            matches!(
                verdict,
                Verdict::Estimate {
                    distinguishable: false,
                    ..
                }
            ),
            "{verdict:?}"
        );
    }
}

#[test]
fn an_unknown_intervention_is_not_found_and_the_known_ones_are_listed() {
    let error = effect(&store(), "fietsenstalling", EffectMethod::All).unwrap_err();
    assert!(
        matches!(&error, EffectError::UnknownIntervention(id, known)
            if id == "fietsenstalling" && known == INTERVENTION),
        "{error:?}"
    );
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert_eq!(
        error.to_string(),
        "onbekende interventie 'fietsenstalling'; de interventies zijn: \
         lokfietsen-stationsgebied-2015"
    );
}

// --- plan_report and known_plan_report ---

#[test]
fn the_demo_plan_measures_its_four_goals_on_the_complete_years() {
    let report = plan_report(&store(), PLAN).unwrap().expect("the demo plan");
    assert_eq!(report.municipality_name, "Groningen");
    assert_eq!(report.complete_years, [2013, 2014, 2015]);
    assert_eq!(report.kpis.len(), 4);
    let stad = &report.kpis[0];
    assert_eq!(
        stad.values,
        [
            (2013, Some(3689.0)),
            (2014, Some(3373.0)),
            (2015, Some(3572.0))
        ]
    );
    assert_eq!(stad.baseline, Some(3689.0));
    assert_eq!(stad.latest, Some((2015, 3572.0)));
    // Its target year 2015 is measured: the goal is missed, not "niet op koers".
    assert_eq!(stad.status, KpiStatus::NotAchieved);
    assert_eq!(stad.status.label(), "niet behaald");
    // The per-1.000 goal runs to 2017: the part year 2016 and 2017 have no value.
    let per_1000 = &report.kpis[1];
    assert_eq!(per_1000.values.len(), 5);
    assert_eq!(per_1000.values[3..], [(2016, None), (2017, None)]);
    assert_close(per_1000.path_value.unwrap(), 17.353247458296316);
    // Only the goal whose target year (2017) lies beyond the data can still be on course.
    let statuses: Vec<KpiStatus> = report.kpis.iter().map(|k| k.status).collect();
    assert_eq!(
        statuses,
        [
            KpiStatus::NotAchieved,
            KpiStatus::OffTrack,
            KpiStatus::NotAchieved,
            KpiStatus::NotAchieved
        ]
    );
}

#[test]
fn the_demo_plan_report_holds_actions_budget_and_history() {
    let report = known_plan_report(&store(), PLAN).unwrap();
    let actions: Vec<(i32, usize)> = report
        .actions
        .iter()
        .map(|a| (a.year, a.actions.len()))
        .collect();
    assert_eq!(actions, [(2015, 11), (2016, 6)]);
    let budget_years: Vec<i32> = report.budget.iter().map(|b| b.year).collect();
    assert_eq!(budget_years, [2014, 2015, 2016, 2017]);
    assert_eq!(report.history.len(), 7);
    // The demo has no police tables for Groningen: the BBV indicators stay empty.
    assert_eq!(report.bbv.len(), 5);
    assert!(report
        .bbv
        .iter()
        .all(|b| b.values.iter().all(|(_, v)| v.is_none())));
}

#[test]
fn an_unknown_plan_is_none_or_for_a_document_not_found() {
    let store = store();
    assert!(plan_report(&store, "plan-b").unwrap().is_none());
    let error = known_plan_report(&store, "plan-b").unwrap_err();
    assert!(matches!(&error, PlanError::UnknownPlan(id) if id == "plan-b"));
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert!(
        error.to_string().starts_with("onbekend plan 'plan-b'"),
        "{error}"
    );
}

// --- area_attribution and store_credits ---

#[test]
fn each_area_credits_the_source_of_its_figures() {
    let store = store();
    let bvh = "Bron: Politie (BVH-registraties, via de gemeente)";
    assert_eq!(area_attribution(&store, &code("GM0014")).unwrap(), bvh);
    assert_eq!(area_attribution(&store, &code("BU00140008")).unwrap(), bvh);
    assert_eq!(
        area_attribution(&store, &code("GM1581")).unwrap(),
        "Bron: CBS/Politie"
    );
}

#[test]
fn the_store_credits_every_source_it_holds() {
    assert_eq!(
        store_credits(&store()).unwrap(),
        [
            "Bron: CBS/Politie (CC BY 4.0), tabel 47022NED.",
            "Bron: Politie (BVH-registraties, via de gemeente): incidenten zonder \
             persoonsgegevens, geteld per buurt en maand.",
            // The bundled Groningen export, recognised by its checksum, with its own licence.
            "Fietsdiefstallen Groningen: Politie (BVH), gegevens van de Gemeente Groningen \
             (CC BY-SA 3.0 NL).",
            "Inwoners: CBS, kerncijfers wijken en buurten (CC BY 4.0).",
            "Wijk- en buurtgrenzen: CBS Wijk- en buurtkaart (CC BY 4.0).",
        ]
    );
}

#[test]
fn hotspots_at_or_above_the_area_level_are_not_found_with_the_reason() {
    let request = HotspotRequest {
        level: AreaLevel::Gemeente,
        ..hotspot_request("GM0014", month(2015, 10))
    };
    let error = hotspots(&store(), &request).unwrap_err();
    assert_eq!(error.refusal(), Refusal::NotFound);
    assert_eq!(
        error.to_string(),
        "GM0014 is zelf een gemeente: er liggen geen gebieden op niveau gemeente binnen; kies \
         een niveau onder gemeente"
    );
}

/// The public view of the demo, every theme in every area of every year: no count from 1 to 4
/// is shown, small counts are there to hide, and a wijk is never the only hidden cell of its
/// buurten's sum.
#[test]
fn the_public_view_of_the_demo_shows_no_small_count() {
    let store = store();
    let mut hidden = 0;
    let mut shown = 0;
    for year in 2013..=2024 {
        let counts = buurtbeeld_analysis::public_counts(&store, year, 5).unwrap();
        for (theme, area, count) in counts.cells() {
            match count {
                buurtbeeld_analysis::PublicCount::Shown(n) => {
                    assert!(n == 0 || n >= 5, "{theme} {area} {year}: {n}");
                    shown += 1;
                }
                buurtbeeld_analysis::PublicCount::Hidden => hidden += 1,
            }
        }
    }
    assert!(shown > 300 && hidden > 20, "{shown} shown, {hidden} hidden");
}

#[test]
fn the_vis_puts_police_enforcement_and_reports_side_by_side() {
    let store = store();
    let request = buurtbeeld_analysis::VisRequest {
        area: code("GM0014"),
        theme: "vernieling".to_owned(),
        dedup: buurtbeeld_analysis::DedupRule::default(),
    };
    let vis = buurtbeeld_analysis::vis(&store, &request).expect("the VIS of Groningen");
    let kinds: Vec<_> = vis.columns.iter().map(|c| c.kind).collect();
    use buurtbeeld_cube::SourceKind;
    // This store has no 47018NED and the BVH export holds bicycle thefts only, so there are no
    // police figures for vernieling here (the demo of `buurtbeeld demo` has them, per year).
    assert_eq!(kinds, [SourceKind::Handhaving, SourceKind::Meldingen]);
    assert!(vis.columns.iter().all(|c| c.per_year.is_none()));
    assert_eq!(vis.months.len(), 60, "2013-01 to 2017-12");
    let reports = &vis.columns[1];
    let problems = reports.problems.as_ref().expect("reports have problems");
    for (n, p) in reports.counts.iter().zip(problems) {
        assert!(p <= n, "a month has more problems than reports");
    }
    assert!(reports.total_problems.unwrap() < reports.total);
    assert_eq!(vis.correlations.len(), 1, "one pair of monthly sources");
}

#[test]
fn near_repeats_of_bicycle_thefts_in_groningen() {
    let store = store();
    let mut request = buurtbeeld_analysis::NearRepeatRequest::new(
        code("GM0014"),
        "BVH",
        Subject::Theme("fietsdiefstal".to_owned()),
    );
    request.days = Some((
        buurtbeeld_cube::Day::first_of(Period::Month {
            year: 2015,
            month: 7,
        }),
        buurtbeeld_cube::Day::last_of(Period::Month {
            year: 2016,
            month: 6,
        }),
    ));
    let result = buurtbeeld_analysis::near_repeat(&store, &request).expect("the test runs");
    assert_eq!(result.events, 3741);
    assert_eq!(result.cells.len(), 7 * 5);
    let same_place_first_week = &result.cells[0];
    assert!(same_place_first_week.raised, "{same_place_first_week:?}");
    assert!(
        result.summary.starts_with("Na een fietsdiefstal"),
        "{}",
        result.summary
    );
    // Beyond 500 m there is no near-repeat effect in the first week.
    assert!(!result.cells[6 * 5].raised);
}

#[test]
fn density_of_bicycle_thefts_and_refusals_without_points() {
    let store = store();
    let request = buurtbeeld_analysis::DensityRequest::new(
        code("GM0014"),
        "BVH",
        Subject::Theme("fietsdiefstal".to_owned()),
    );
    let map = buurtbeeld_analysis::density(&store, &request).expect("a density map");
    assert_eq!(map.events, 12_384);
    assert!(!map.cells.is_empty());
    assert!(map
        .cells
        .windows(2)
        .all(|w| w[0].per_square_kilometre >= w[1].per_square_kilometre));
    let unknown = buurtbeeld_analysis::DensityRequest::new(
        code("GM0014"),
        "kentekens",
        Subject::Theme("fietsdiefstal".to_owned()),
    );
    let error = buurtbeeld_analysis::density(&store, &unknown).unwrap_err();
    assert_eq!(error.refusal(), Refusal::NotFound, "{error}");
}

#[test]
fn hotspots_run_on_a_registration_source() {
    let store = store();
    let mut request = HotspotRequest::new(
        code("GM0014"),
        AreaLevel::Buurt,
        Subject::Theme("overlast-jeugd".to_owned()),
        Period::Year(2016),
    );
    request.source = Some("handhaving".to_owned());
    let result = hotspots(&store, &request).expect("hotspots of enforcement");
    assert_eq!(result.source, "handhaving");
    assert!(
        result.attribution.contains("Handhaving"),
        "{}",
        result.attribution
    );
    assert!(result.rows.iter().map(|r| r.count).sum::<u64>() > 0);
}
