//! The other published forms of population and boundaries: kerncijfers typed CSV and OData JSON,
//! and the wijk- en buurtkaart in RD New.

use serde_json::Value as Json;

use crate::harness::{data, Workspace};

fn population_lines(dump: &str) -> Vec<String> {
    dump.lines()
        .filter(|l| l.starts_with("population\t"))
        .map(|l| {
            // area, year, inhabitants; not the source label or import id
            l.split('\t').skip(1).take(3).collect::<Vec<_>>().join("\t")
        })
        .collect()
}

#[test]
fn kerncijfers_typed_csv_odata_json_and_simple_csv_give_the_same_population() {
    let typed = Workspace::new();
    // As downloaded from the CBS open data portal: `;`, quoted, padded keys, `.` for secret.
    let file = typed.write(
        "85984NED_TypedDataSet.csv",
        "\"ID\";\"WijkenEnBuurten\";\"Gemeentenaam_1\";\"SoortRegio_2\";\"Codering_3\";\"AantalInwoners_5\"\n\
         \"0\";\"GM1581    \";\"Utrechtse Heuvelrug                     \";\"Gemeente  \";\"GM1581    \";50560\n\
         \"1\";\"BU15810000\";\"Utrechtse Heuvelrug                     \";\"Buurt     \";\"BU15810000\";2740\n\
         \"2\";\"BU15810009\";\"Utrechtse Heuvelrug                     \";\"Buurt     \";\"BU15810009\";\".\"\n"
            .as_bytes(),
    );
    typed.import(&[&file]);

    let odata = Workspace::new();
    let page = serde_json::json!({
        "odata.metadata": "https://opendata.cbs.nl/ODataApi/OData/85984NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
        "value": [
            {"ID": 0, "WijkenEnBuurten": "GM1581    ", "AantalInwoners_5": 50560},
            {"ID": 1, "WijkenEnBuurten": "BU15810000", "AantalInwoners_5": 2740},
            {"ID": 2, "WijkenEnBuurten": "BU15810009", "AantalInwoners_5": null},
        ]
    });
    odata.import(&[&odata.write("page.json", page.to_string().as_bytes())]);

    let simple = Workspace::new();
    simple.import(&[&simple.write(
        "bevolking.csv",
        b"code;year;inhabitants\nGM1581;2024;50560\nBU15810000;2024;2740\nBU15810009;2024;\n",
    )]);

    let expected = vec![
        "\"BU15810000\"\t2024\t2740".to_owned(),
        "\"BU15810009\"\t2024\tNULL".to_owned(),
        "\"GM1581\"\t2024\t50560".to_owned(),
    ];
    assert_eq!(population_lines(&typed.dump()), expected);
    assert_eq!(population_lines(&odata.dump()), expected);
    assert_eq!(population_lines(&simple.dump()), expected);
}

/// The same buurt map in RD New (as CBS publishes it) and in WGS84 gives the same areas.
#[test]
fn wijk_en_buurtkaart_in_rd_new_equals_the_wgs84_map() {
    let source = data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson");
    let mut map: Json = serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    for feature in map["features"].as_array_mut().unwrap() {
        for ring in feature["geometry"]["coordinates"].as_array_mut().unwrap() {
            for point in ring.as_array_mut().unwrap() {
                let (lon, lat) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
                let (x, y) = buurtbeeld_ingest::rd::wgs84_to_rd(lon, lat);
                *point = serde_json::json!([x, y]);
            }
        }
    }
    map["crs"] =
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}});
    let rd = Workspace::new();
    rd.import(&[&rd.write("buurt2017_rd.geojson", map.to_string().as_bytes())]);
    let wgs = Workspace::new();
    wgs.import(&[&source]);

    let areas = |w: &Workspace| -> Vec<(String, Vec<f64>)> {
        w.dump()
            .lines()
            .filter(|l| l.starts_with("areas\t"))
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let coordinates: Vec<f64> = if f[6] == "NULL" {
                    Vec::new()
                } else {
                    let text: String = serde_json::from_str(f[6]).unwrap();
                    let g: Json = serde_json::from_str(&text).unwrap();
                    g["coordinates"][0]
                        .as_array()
                        .unwrap()
                        .iter()
                        .flat_map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
                        .collect()
                };
                (f[1..6].join("\t"), coordinates)
            })
            .collect()
    };
    let (ours, theirs) = (areas(&rd), areas(&wgs));
    assert_eq!(ours.len(), theirs.len());
    let mut worst = 0.0f64;
    for ((a, ca), (b, cb)) in ours.iter().zip(&theirs) {
        assert_eq!(a, b);
        assert_eq!(ca.len(), cb.len(), "{a}");
        for (x, y) in ca.iter().zip(cb) {
            worst = worst.max((x - y).abs());
        }
    }
    println!("largest coordinate difference after the RD round trip: {worst:e} degrees");
    // 1e-6 degrees is about 0.1 m: the polynomial's round trip is far better than that.
    assert!(worst < 1e-6, "{worst}");
}
