//! The other published forms of population, boundaries and police tables: kerncijfers typed CSV
//! and OData JSON, the wijk- en buurtkaart in RD New, as Shapefile and as GeoPackage, population
//! columns across the years, and tables as downloaded from StatLine with title and footer lines.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::harness::{data, fixture, Workspace};

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

/// An area as the dump shows it: code, name, level, parent and indeling year, and every
/// coordinate of its geometry in order.
type DumpedArea = (String, Vec<f64>);

fn dumped_areas(workspace: &Workspace) -> Vec<DumpedArea> {
    fn numbers(value: &Json, into: &mut Vec<f64>) {
        match value {
            Json::Array(items) => items.iter().for_each(|i| numbers(i, into)),
            Json::Number(n) => into.push(n.as_f64().unwrap()),
            _ => {}
        }
    }
    workspace
        .dump()
        .lines()
        .filter(|l| l.starts_with("areas\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let mut coordinates = Vec::new();
            if f[6] != "NULL" {
                let text: String = serde_json::from_str(f[6]).unwrap();
                let geometry: Json = serde_json::from_str(&text).unwrap();
                numbers(&geometry["coordinates"], &mut coordinates);
            }
            (f[1..6].join("\t"), coordinates)
        })
        .collect()
}

/// Asserts the same areas with coordinates within `tolerance` degrees; returns the largest
/// coordinate difference.
fn assert_same_areas(ours: &[DumpedArea], theirs: &[DumpedArea], tolerance: f64) -> f64 {
    assert_eq!(ours.len(), theirs.len());
    let mut worst = 0.0f64;
    for ((a, ca), (b, cb)) in ours.iter().zip(theirs) {
        assert_eq!(a, b);
        assert_eq!(ca.len(), cb.len(), "{a}");
        for (x, y) in ca.iter().zip(cb) {
            worst = worst.max((x - y).abs());
        }
    }
    assert!(worst < tolerance, "{worst}");
    worst
}

/// The Shapefile's parts copied into the workspace, less those named in `leave_out`.
fn shapefile_copy(workspace: &Workspace, leave_out: &[&str]) -> PathBuf {
    for extension in ["shp", "shx", "dbf", "prj"] {
        if !leave_out.contains(&extension) {
            let name = format!("buurt2017.{extension}");
            let bytes = std::fs::read(fixture(&format!("formats/{name}"))).unwrap();
            workspace.write(&name, &bytes);
        }
    }
    workspace.dir.path().join("buurt2017.shp")
}

/// Runs `import FILE`, expects a located refusal and an unchanged store; returns stderr.
fn refused(workspace: &Workspace, file: &Path) -> String {
    let before = workspace.dump();
    let output = workspace.run(&["import", &file.display().to_string()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("import geweigerd: er is niets veranderd in"),
        "{stderr}"
    );
    assert_eq!(workspace.dump(), before, "the store changed");
    stderr
}

/// A workspace with the 2017 Groningen buurten from the GeoJSON, to refuse files against.
fn groningen() -> Workspace {
    let workspace = Workspace::new();
    workspace.import(&[&data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson")]);
    workspace
}

/// The CBS Shapefile (WGS84, Latin-1 DBF, `AANT_INW`) and the GeoPackage made from it by
/// `make_gpkg.py` (layer `buurten`, RD New, `buurtcode` … `aantalInwoners`) give the areas and
/// inhabitants of the same map as GeoJSON.
#[test]
fn shapefile_and_geopackage_give_the_areas_of_the_geojson() {
    let geojson = groningen();
    let shapefile = Workspace::new();
    let summary = shapefile.import(&[&fixture("formats/buurt2017.shp")]);
    assert!(summary.contains("108 inwonertallen"), "{summary}");
    let geopackage = Workspace::new();
    let summary = geopackage.import(&[&fixture("formats/buurt2017.gpkg")]);
    assert!(!summary.contains("geen inwonertallen"), "{summary}");

    let expected = dumped_areas(&geojson);
    assert!(expected.len() > 108, "buurten, their wijken and gemeente");
    // The Shapefile is WGS84 as the GeoJSON: the same numbers.
    let worst = assert_same_areas(&dumped_areas(&shapefile), &expected, 1e-9);
    println!("Shapefile against GeoJSON: largest coordinate difference {worst:e} degrees");
    // The GeoPackage went WGS84 → RD New by PROJ and comes back by buurtbeeld's RD polynomial
    // (Schreutelkamp & Strang van Hees), accurate to about 1 m (`cube::rd`): 1e-5 degrees is
    // 0.7 m east-west and 1.1 m north-south at 53° N.
    let worst = assert_same_areas(&dumped_areas(&geopackage), &expected, 1e-5);
    println!(
        "GeoPackage (RD New) against GeoJSON: largest coordinate difference {worst:e} degrees"
    );

    let population = population_lines(&geojson.dump());
    assert_eq!(population.len(), 108);
    assert_eq!(population_lines(&shapefile.dump()), population);
    assert_eq!(population_lines(&geopackage.dump()), population);
    let imports = shapefile.ok(&["log"]);
    assert!(imports.contains("areas-shapefile"), "{imports}");
}

/// The checksum of a Shapefile covers its `.dbf`: the same `.shp` with other attributes is a new
/// import, the same files again are not.
#[test]
fn the_shapefile_checksum_covers_the_dbf() {
    let workspace = Workspace::new();
    let shp = shapefile_copy(&workspace, &[]);
    let imports = |w: &Workspace| {
        w.dump()
            .lines()
            .filter(|l| l.starts_with("imports\t"))
            .count()
    };
    workspace.import(&[&shp]);
    let first = imports(&workspace);
    let again = workspace.import(&[&shp]);
    assert_eq!(imports(&workspace), first, "{again}");
    let dbf = workspace.dir.path().join("buurt2017.dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    // A letter of the first buurt name ("Binnenstad-Noord") becomes another letter.
    let at = bytes.windows(10).position(|w| w == b"Binnenstad").unwrap();
    bytes[at] = b'P';
    std::fs::write(&dbf, bytes).unwrap();
    workspace.import(&[&shp]);
    assert_eq!(imports(&workspace), first + 1);
    assert!(workspace.dump().contains("Pinnenstad-Noord"));
}

#[test]
fn a_shapefile_without_its_dbf_is_refused_naming_the_file() {
    let workspace = groningen();
    let shp = shapefile_copy(&workspace, &["dbf"]);
    let stderr = refused(&workspace, &shp);
    assert!(
        stderr.contains("buurt2017.dbf ontbreekt naast buurt2017.shp"),
        "{stderr}"
    );
}

#[test]
fn a_shapefile_in_an_unknown_coordinate_system_is_refused() {
    let workspace = groningen();
    let shp = shapefile_copy(&workspace, &["prj"]);
    workspace.write(
        "buurt2017.prj",
        br#"PROJCS["WGS_1984_UTM_Zone_31N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Transverse_Mercator"]]"#,
    );
    let stderr = refused(&workspace, &shp);
    assert!(
        stderr.contains("buurt2017.shp, veld '.prj': onbekend coördinatenstelsel"),
        "{stderr}"
    );
    assert!(stderr.contains("EPSG:28992"), "{stderr}");
}

#[test]
fn a_geopackage_without_feature_layers_is_refused() {
    let workspace = groningen();
    let stderr = refused(
        &workspace,
        &fixture("formats/buurt2017_without_features.gpkg"),
    );
    assert!(
        stderr.contains("de GeoPackage heeft geen laag met features"),
        "{stderr}"
    );
}

#[test]
fn a_corrupt_geopackage_geometry_is_refused_with_layer_and_feature() {
    let workspace = groningen();
    let stderr = refused(
        &workspace,
        &fixture("formats/buurt2017_corrupt_geometry.gpkg"),
    );
    assert!(
        stderr.contains(
            "buurt2017_corrupt_geometry.gpkg, laag buurten, feature 2, veld 'geom': onleesbare \
             WKB-geometrie"
        ),
        "{stderr}"
    );
}

/// The 2017 buurten as GeoJSON with their properties changed by `change`.
fn changed_geojson(
    workspace: &Workspace,
    name: &str,
    change: impl Fn(&mut serde_json::Map<String, Json>),
) -> PathBuf {
    let source = data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson");
    let mut map: Json = serde_json::from_slice(&std::fs::read(source).unwrap()).unwrap();
    for feature in map["features"].as_array_mut().unwrap() {
        change(feature["properties"].as_object_mut().unwrap());
    }
    workspace.write(name, map.to_string().as_bytes())
}

#[test]
fn a_boundary_file_with_aantal_inwoners_brings_its_population() {
    let modern = Workspace::new();
    let file = changed_geojson(&modern, "buurten_2017.geojson", |p| {
        let inhabitants = p.remove("AANT_INW").unwrap();
        p.insert("aantalInwoners".to_owned(), inhabitants);
    });
    modern.import(&[&file]);
    assert_eq!(
        population_lines(&modern.dump()),
        population_lines(&groningen().dump())
    );
}

#[test]
fn a_boundary_file_without_inhabitants_says_so() {
    let workspace = Workspace::new();
    let file = changed_geojson(&workspace, "buurten_2017.geojson", |p| {
        p.remove("AANT_INW");
    });
    let summary = workspace.import(&[&file]);
    assert!(
        summary.contains(
            "geen inwonertallen in dit bestand (verwacht AANT_INW, aantalInwoners of \
                          AantalInwoners_…); importeer ze apart uit de kerncijfers"
        ),
        "{summary}"
    );
    assert!(population_lines(&workspace.dump()).is_empty());
}

/// The real portal export of 47022NED, only its "Totaal misdrijven" rows (every area and month).
fn portal_slice() -> String {
    let text = std::fs::read_to_string(data(
        "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_portal_export.csv",
    ))
    .unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    std::iter::once(header)
        .chain(lines.filter(|l| l.starts_with("\"Totaal misdrijven\"")))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// What StatLine writes around a table downloaded as CSV: a BOM, the table's title above the
/// header, the source and copyright below the data.
fn as_downloaded(title: &str, table: &str) -> String {
    format!(
        "\u{feff}\"{title}\"\n{table}\"Bron: CBS\"\n\"© Centraal Bureau voor de Statistiek, \
         Den Haag/Heerlen 28-11-2026\"\n"
    )
}

fn series_lines(dump: &str) -> Vec<String> {
    dump.lines()
        .filter(|l| l.starts_with("series\t") || l.starts_with("areas\t"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_police_table_as_downloaded_from_statline_gives_the_cells_of_the_plain_export() {
    let plain = Workspace::new();
    let slice = portal_slice();
    assert_eq!(slice.lines().count(), 1 + 39 * 12);
    plain.import(&[&plain.write("misdrijven_GM1581.csv", slice.as_bytes())]);

    let downloaded = Workspace::new();
    let text = as_downloaded(
        "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, maand",
        &slice,
    );
    let summary = downloaded.import(&[&downloaded.write("misdrijven_GM1581.csv", text.as_bytes())]);
    assert!(summary.contains("468"), "{summary}");
    let cells = series_lines(&plain.dump());
    assert!(cells.len() > 39);
    assert_eq!(series_lines(&downloaded.dump()), cells);
}

#[test]
fn data_after_a_statline_footer_is_refused_with_its_line() {
    let workspace = Workspace::new();
    let slice = portal_slice();
    let mut text = as_downloaded(
        "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, maand",
        &slice,
    );
    // A second download pasted below the first.
    text.push_str("\"Totaal misdrijven\";\"2023 december\";\"Utrechtse Heuvelrug\";140\n");
    let file = workspace.write("misdrijven_GM1581.csv", text.as_bytes());
    let stderr = refused(&workspace, &file);
    // Title 1, header 2, 468 rows, "Bron: CBS" 471, copyright 472, the pasted row 473.
    assert!(
        stderr.contains(
            "misdrijven_GM1581.csv, regel 473: gegevens na de voetregel 'Bron: CBS' op regel 471"
        ),
        "{stderr}"
    );
}

#[test]
fn kerncijfers_as_downloaded_from_statline_give_the_same_population() {
    let table = "\"WijkenEnBuurten\";\"Codering_3\";\"AantalInwoners_5\"\n\
                 \"GM1581    \";\"GM1581    \";50560\n\
                 \"BU15810000\";\"BU15810000\";2740\n";
    let plain = Workspace::new();
    plain.import(&[&plain.write("85984NED_TypedDataSet.csv", table.as_bytes())]);
    let downloaded = Workspace::new();
    let text = as_downloaded("Kerncijfers wijken en buurten 2024", table);
    downloaded.import(&[&downloaded.write("85984NED_TypedDataSet.csv", text.as_bytes())]);
    let population = population_lines(&plain.dump());
    assert_eq!(population.len(), 2);
    assert_eq!(population_lines(&downloaded.dump()), population);
}

/// A workbook of registrations is read through the mapping beside it, in one import with the
/// boundaries it is placed in; the same three files again are a no-op; `--mapping` names the
/// mapping of one file only.
#[test]
fn registrations_are_read_through_the_mapping_beside_them() {
    let workspace = Workspace::new();
    let boundaries = data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson");
    let workbook = data("groningen-handhaving-synthetisch/handhaving-groningen.xlsx");
    let out = workspace.import(&[&boundaries, &workbook]);
    assert!(out.contains("'Opmerking', 'Behandelaar'"), "{out}");
    let dump = workspace.dump();
    let incidents = dump
        .lines()
        .filter(|l| l.starts_with("incidents\t"))
        .count();
    assert!((7_000..9_000).contains(&incidents), "{incidents}");
    assert!(
        dump.lines()
            .any(|l| l.starts_with("incident_sources\t") && l.contains("handhaving")),
        "{dump}"
    );
    workspace.import(&[&workbook]);
    assert_eq!(
        workspace.dump(),
        dump,
        "the same files again change nothing"
    );

    let mapping = data("groningen-handhaving-synthetisch/handhaving-groningen.mapping.toml");
    let output = workspace.run(&[
        "import",
        &workbook.display().to_string(),
        &boundaries.display().to_string(),
        "--mapping",
        &mapping.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--mapping geldt voor één bestand"),
        "{stderr}"
    );
}
