//! The server-rendered SVG figures: a real map of Groningen, a line chart snapshot, the
//! rolling mean and the edge cases.

use buurtbeeld_render::svg::{
    choropleth, line_chart, line_chart_with_span, rolling_mean, Line, MapArea, ShadedSpan,
};

/// The CBS buurten of Groningen (2017) as (code, name, geometry text, inhabitants).
fn groningen_buurten() -> Vec<(String, String, String, Option<f64>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"
    );
    let text = std::fs::read_to_string(path).expect("the bundled Groningen buurten");
    let collection: serde_json::Value = serde_json::from_str(&text).unwrap();
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|feature| {
            let properties = &feature["properties"];
            // CBS marks secret/missing figures with a negative number (-99999999).
            let inhabitants = properties["AANT_INW"].as_f64().filter(|&v| v >= 0.0);
            (
                properties["BU_CODE"].as_str().unwrap().to_owned(),
                properties["BU_NAAM"].as_str().unwrap().to_owned(),
                feature["geometry"].to_string(),
                inhabitants,
            )
        })
        .collect()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Writes a figure for visual review under `target/svg-preview/`.
fn preview(name: &str, svg: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/svg-preview");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/{name}"), svg).unwrap();
}

#[test]
fn groningen_map_is_complete_accessible_and_deterministic() {
    let buurten = groningen_buurten();
    assert_eq!(buurten.len(), 108);
    let areas: Vec<MapArea<'_>> = buurten
        .iter()
        .map(|(code, name, geometry, value)| MapArea {
            code,
            name,
            geometry,
            value: *value,
            href: None,
            no_figure: None,
        })
        .collect();
    let title = "Inwoners per buurt, gemeente Groningen, 1 januari 2017";
    let svg = choropleth(&areas, title, "Inwoners per buurt", 0);
    preview("groningen.svg", &svg);

    assert!(svg.starts_with("<svg"));
    assert!(svg.ends_with("</svg>"));
    assert_eq!(
        count(&svg, "<path"),
        108,
        "one path per buurt, nothing else"
    );
    assert_eq!(count(&svg, "<path class=\"bb-area\""), 108);
    assert_eq!(count(&svg, "fill-rule=\"evenodd\""), 108);
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-labelledby=\""));
    assert!(svg.contains("-title\">Inwoners per buurt, gemeente Groningen, 1 januari 2017</title>"));
    assert!(svg.contains("<desc id="));
    // One title for the map and one per buurt.
    assert_eq!(count(&svg, "<title"), 1 + 108);
    assert!(svg.contains("<title>Binnenstad-Noord (BU00140000): 4.440</title>"));
    // Five classes in the legend, Dutch numbers; no "geen gegevens" (AANT_INW is complete).
    assert_eq!(count(&svg, "class=\"bb-swatch\""), 5);
    assert!(!svg.contains("bb-swatch-nodata"));
    assert!(svg.contains(">0 – 45</text>"), "first class");
    assert!(svg.contains(" – 8.480</text>"));
    assert!(svg.contains("4.440"));
    assert!(svg.contains("<style>"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    assert!(!svg.contains("<a "), "no hrefs, no links");

    assert_eq!(svg, choropleth(&areas, title, "Inwoners per buurt", 0));
}

#[test]
fn missing_figures_are_hatched_and_in_the_legend() {
    let buurten = groningen_buurten();
    // Withhold every seventh buurt, as if its figure were secret.
    let areas: Vec<MapArea<'_>> = buurten
        .iter()
        .enumerate()
        .map(|(i, (code, name, geometry, value))| MapArea {
            code,
            name,
            geometry,
            value: if i % 7 == 3 {
                None
            } else {
                value.map(|v| v / 10.0)
            },
            href: None,
            no_figure: None,
        })
        .collect();
    let svg = choropleth(
        &areas,
        "Inwoners per buurt (gedeeltelijk), gemeente Groningen",
        "Inwoners per buurt, in tientallen (1 januari 2017)",
        1,
    );
    preview("groningen_gaps.svg", &svg);
    assert_eq!(count(&svg, "<path"), 108);
    assert_eq!(count(&svg, "class=\"bb-swatch\""), 5);
    assert_eq!(count(&svg, "class=\"bb-swatch-nodata\""), 1);
    assert_eq!(count(&svg, "geen gegevens</title>"), 15);
    assert!(svg.contains(">Geen gegevens</text>"));
    assert!(svg.contains("Geen gegevens: 15 gebieden."));
    assert!(svg.contains("<title>Binnenstad-Noord (BU00140000): 444,0</title>"));
}

#[test]
fn linked_areas_are_focusable_links_in_a_group() {
    let buurten = groningen_buurten();
    let areas: Vec<MapArea<'_>> = buurten
        .iter()
        .take(3)
        .map(|(code, name, geometry, value)| MapArea {
            code,
            name,
            geometry,
            value: *value,
            href: Some(format!("/gebied/{code}?thema=woninginbraak&jaar=2017")),
            no_figure: None,
        })
        .collect();
    let svg = choropleth(&areas, "Drie buurten", "Inwoners", 0);
    assert_eq!(count(&svg, "<a href=\"/gebied/BU"), 3);
    assert!(svg.contains("?thema=woninginbraak&amp;jaar=2017"));
    assert!(svg.contains("role=\"group\""));
    assert!(svg.contains("a:focus .bb-area"));
    assert!(svg.contains("stroke:#000;stroke-width:2px"));
}

#[test]
fn line_chart_snapshot() {
    let labels: Vec<String> = (0..18)
        .map(|i| format!("{}-{:02}", 2022 + i / 12, i % 12 + 1))
        .collect();
    let counts: Vec<Option<f64>> = [
        Some(41.0),
        Some(37.0),
        Some(45.0),
        Some(52.0),
        Some(48.0),
        Some(39.0),
        Some(35.0),
        None,
        Some(44.0),
        Some(58.0),
        Some(63.0),
        Some(71.0),
        Some(66.0),
        Some(49.0),
        Some(47.0),
        Some(51.0),
        None,
        Some(40.0),
    ]
    .to_vec();
    assert_eq!(counts.len(), labels.len());
    // The gap in 2022-08 keeps a 12-month rolling mean empty; 2023-06 stands alone
    // (a dot).
    let mean = rolling_mean(&counts, 12);
    assert_eq!(mean.iter().flatten().count(), 0);
    let mean = rolling_mean(&counts, 3);
    let lines = [
        Line {
            name: "Woninginbraken",
            values: &counts,
            dashed: false,
            band: None,
        },
        Line {
            name: "Voortschrijdend gemiddelde (3 maanden)",
            values: &mean,
            dashed: true,
            band: None,
        },
    ];
    let svg = line_chart(
        &lines,
        &labels,
        "Woninginbraken per maand, Utrechtse Heuvelrug",
        "Aantal woninginbraken",
    );
    preview("line_chart.svg", &svg);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("stroke-dasharray"));
    assert_eq!(count(&svg, "<circle"), 1);
    insta::assert_snapshot!(svg);
}

#[test]
fn line_chart_of_ten_years_shows_few_labels_and_dutch_ticks() {
    let labels: Vec<String> = (0..120)
        .map(|i| format!("{}-{:02}", 2015 + i / 12, i % 12 + 1))
        .collect();
    let values: Vec<Option<f64>> = (0..120)
        .map(|i| Some(12_000.0 + 3_000.0 * (f64::from(i) / 6.0).sin()))
        .collect();
    let mean = rolling_mean(&values, 12);
    let svg = line_chart(
        &[
            Line {
                name: "Misdrijven",
                values: &values,
                dashed: false,
                band: None,
            },
            Line {
                name: "12-maands gemiddelde",
                values: &mean,
                dashed: true,
                band: None,
            },
        ],
        &labels,
        "Geregistreerde misdrijven per maand, Nederland",
        "Aantal misdrijven",
    );
    preview("line_chart_10y.svg", &svg);
    let x_labels = svg.split("class=\"bb-x-axis\"").nth(1).unwrap();
    let x_labels = x_labels.split("</g>").next().unwrap();
    let shown = count(x_labels, "<text");
    assert!((5..=12).contains(&shown), "{shown} x labels");
    // Every other January: 5 labels fit without crowding.
    assert!(x_labels.contains(">2015-01<") && x_labels.contains(">2017-01<"));
    assert!(svg.contains(">15.000</text>"), "Dutch tick labels");
    let y_ticks = count(svg.split("bb-x-axis").next().unwrap(), "<line");
    assert!((4..=6).contains(&y_ticks), "{y_ticks} y ticks");
}

#[test]
fn a_shaded_span_lies_behind_the_lines_and_is_named_in_the_text_alternative() {
    let values: Vec<Option<f64>> = (0..12).map(|i| Some(f64::from(i))).collect();
    let labels: Vec<String> = (1..=12).map(|m| format!("2015-{m:02}")).collect();
    let line = Line {
        name: "Geregistreerd",
        values: &values,
        dashed: false,
        band: None,
    };
    let span = |first, last| ShadedSpan {
        first,
        last,
        label: "Interventie",
    };
    let svg = line_chart_with_span(
        std::slice::from_ref(&line),
        &labels,
        "t",
        "aantal",
        Some(span(2, 11)),
    );
    let svg: &str = &svg;
    assert!(svg.contains("Grijs vlak: Interventie, 2015-03 tot en met 2015-12."));
    assert!(
        svg.find("bb-span").unwrap() < svg.find("bb-line").unwrap(),
        "behind the line"
    );
    // A span outside the axis is not drawn rather than drawn wrong.
    for outside in [span(3, 12), span(5, 4)] {
        let svg = line_chart_with_span(
            std::slice::from_ref(&line),
            &labels,
            "t",
            "aantal",
            Some(outside),
        );
        assert!(!svg.contains("bb-span"));
    }
}

#[test]
fn rolling_mean_needs_a_full_window() {
    let values: Vec<Option<f64>> = (1..=14).map(|v| Some(f64::from(v))).collect();
    let mean = rolling_mean(&values, 12);
    assert_eq!(mean.len(), 14);
    assert!(mean[..11].iter().all(Option::is_none));
    assert_eq!(mean[11], Some(6.5));
    assert_eq!(mean[12], Some(7.5));
    assert_eq!(mean[13], Some(8.5));

    // A gap makes every window that contains it None.
    let mut gapped = values.clone();
    gapped[12] = None;
    let mean = rolling_mean(&gapped, 12);
    assert_eq!(mean[11], Some(6.5));
    assert_eq!(mean[12], None);
    assert_eq!(mean[13], None);

    assert_eq!(
        rolling_mean(&[Some(2.0), Some(4.0)], 1),
        vec![Some(2.0), Some(4.0)]
    );
    assert_eq!(rolling_mean(&[Some(2.0), Some(4.0)], 0), vec![None, None]);
    assert_eq!(
        rolling_mean(&[Some(2.0), Some(f64::NAN)], 2),
        vec![None, None]
    );
    assert!(rolling_mean(&[], 12).is_empty());
}

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[5.0,52.0],[5.1,52.0],[5.1,52.1],[5.0,52.1],[5.0,52.0]],[[5.04,52.04],[5.06,52.04],[5.06,52.06],[5.04,52.06],[5.04,52.04]]]}"#;
const TWO_ISLANDS: &str = r#"{"type":"MultiPolygon","coordinates":[[[[5.2,52.0],[5.3,52.0],[5.3,52.1],[5.2,52.0]]],[[[5.35,52.0],[5.4,52.0],[5.4,52.05],[5.35,52.0]]]]}"#;

fn area<'a>(code: &'a str, geometry: &'a str, value: Option<f64>) -> MapArea<'a> {
    MapArea {
        code,
        name: code,
        geometry,
        value,
        href: None,
        no_figure: None,
    }
}

#[test]
fn map_without_areas_says_so() {
    let svg = choropleth(&[], "Kaart", "Aantal", 0);
    preview("empty_map.svg", &svg);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("Geen kaart beschikbaar"));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title id="));

    // Only invalid geometry: the same.
    let svg = choropleth(&[area("BU1", "{not json", Some(1.0))], "Kaart", "Aantal", 0);
    assert!(svg.contains("Geen kaart beschikbaar"));
    assert_eq!(count(&svg, "<path"), 0);
}

#[test]
fn map_with_all_values_missing_is_hatched() {
    let areas = [area("BU1", SQUARE, None), area("BU2", TWO_ISLANDS, None)];
    let svg = choropleth(&areas, "Kaart", "Aantal", 1);
    preview("all_missing.svg", &svg);
    assert_eq!(count(&svg, "<path"), 2);
    assert_eq!(count(&svg, "class=\"bb-swatch\""), 0);
    assert_eq!(count(&svg, "class=\"bb-swatch-nodata\""), 1);
    assert!(svg.contains(">Geen gegevens</text>"));
    assert!(svg.contains("<title>BU1 (BU1): geen gegevens</title>"));
    assert_eq!(count(&svg, "-nd)\""), 3, "two areas and the legend swatch");
}

#[test]
fn map_of_one_area_has_one_class() {
    let svg = choropleth(&[area("BU1", SQUARE, Some(1234.5))], "Kaart", "Aantal", 1);
    preview("one_area.svg", &svg);
    assert_eq!(count(&svg, "<path"), 1);
    assert_eq!(count(&svg, "class=\"bb-swatch\""), 1);
    assert!(svg.contains(">1.234,5</text>"));
    // The hole is a second ring in the same path.
    assert_eq!(count(&svg, "Z"), 2);
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

#[test]
fn map_skips_invalid_geometry_and_draws_multipolygons() {
    let areas = [
        area("BU1", SQUARE, Some(1.0)),
        area("BU2", TWO_ISLANDS, Some(2.0)),
        area(
            "BU3",
            r#"{"type":"Point","coordinates":[5.0,52.0]}"#,
            Some(3.0),
        ),
        area("BU4", "", Some(4.0)),
        area("BU5", SQUARE, Some(f64::NAN)),
    ];
    let svg = choropleth(&areas, "Kaart <met> \"tekens\" & 'zo'", "Aantal", 0);
    preview("invalid_and_multipolygon.svg", &svg);
    assert_eq!(count(&svg, "<path"), 3);
    assert!(svg.contains("Kaart &lt;met&gt; &quot;tekens&quot; &amp; 'zo'"));
    // BU2 has two polygons in one path.
    let bu2 = svg.split("<title>BU2").next().unwrap();
    let bu2 = bu2.rsplit("<path").next().unwrap();
    assert_eq!(count(bu2, "M"), 2);
    // Two distinct values make one class "1 – 2" (never a class of one value); NaN counts as
    // no figure.
    assert_eq!(count(&svg, "class=\"bb-swatch\""), 1);
    assert!(svg.contains(">1 – 2</text>"));
    assert_eq!(count(&svg, "class=\"bb-swatch-nodata\""), 1);
    assert!(svg.contains("2 gebieden zonder geldige geometrie niet getekend"));
}

#[test]
fn empty_line_chart_says_so() {
    let svg = line_chart(&[], &[], "Leeg", "Aantal");
    assert!(svg.contains("Geen gegevens beschikbaar"));
    let nothing = [None, None];
    let labels = vec!["2024-01".to_owned(), "2024-02".to_owned()];
    let svg = line_chart(
        &[Line {
            name: "Niets",
            values: &nothing,
            dashed: false,
            band: None,
        }],
        &labels,
        "Leeg",
        "Aantal",
    );
    assert!(svg.contains("Geen gegevens beschikbaar"));
    assert!(svg.ends_with("</svg>"));
}
