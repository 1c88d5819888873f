//! The readers of registrations through a mapping file (docs/registraties-mapping.md): two
//! corpora of malformed inputs, the enforcement export (XLSX and CSV, coordinates and addresses
//! through a lookup file) and a generic CSV (Halt referrals by buurt code), each refused with
//! the Dutch problem that names the file, the line (sheet and row) and the field; and what an
//! accepted file gives: points, the lookup, `other`, the sidecar rule, the checksum, and dropped
//! columns whose text never reaches the batch.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use buurtbeeld_ingest::{read_file, Context, ImportError, InputKind, ReadOptions};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(common::reference_context)
}

/// A cell of a test workbook.
#[derive(Debug, Clone)]
enum V {
    T(String),
    N(f64),
    /// A date cell (year, month, day), formatted `d-m-yyyy` as Dutch Excel shows it.
    D(u16, u8, u8),
    E,
}

fn t(text: &str) -> V {
    V::T(text.to_owned())
}

fn xlsx(sheet: &str, rows: &[Vec<V>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let worksheet = book.add_worksheet();
    worksheet.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("d-m-yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match value {
                V::T(text) => {
                    worksheet.write_string(r, c, text).unwrap();
                }
                V::N(n) => {
                    worksheet.write_number(r, c, *n).unwrap();
                }
                V::D(y, m, d) => {
                    let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    worksheet
                        .write_datetime_with_format(r, c, &day, &date)
                        .unwrap();
                }
                V::E => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const HEADER: [&str; 9] = [
    "Registratienummer",
    "Datum",
    "Soort registratie",
    "X",
    "Y",
    "Postcode",
    "Huisnummer",
    "Team",
    "Opmerking",
];

/// Three registrations: two by RD coordinates in the seed's buurten, one by address.
fn enforcement_rows() -> Vec<Vec<V>> {
    let row = |id: &str, date: V, kind: &str, x: V, y: V, pc: V, nr: V, note: &str| {
        vec![
            t(id),
            date,
            t(kind),
            x,
            y,
            pc,
            nr,
            t("Team Centrum"),
            t(note),
        ]
    };
    vec![
        HEADER.iter().map(|h| t(h)).collect(),
        row(
            "HH-1",
            V::D(2016, 3, 7),
            "Overlast jongeren (APV 2:48)",
            V::N(233_823.0),
            V::N(583_675.0),
            V::E,
            V::E,
            "Groep aangesproken",
        ),
        row(
            "HH-2",
            V::D(2016, 7, 1),
            "Foutparkeren (RVV 1990)",
            V::N(233_946.0),
            V::N(581_908.0),
            V::E,
            V::E,
            "",
        ),
        row(
            "HH-3",
            t("12-8-2016"),
            "Afval naast container",
            V::E,
            V::E,
            t("9712 AB"),
            t("3a"),
            "",
        ),
    ]
}

const ENFORCEMENT_MAPPING: &str = r#"source = "handhaving"
kind = "handhaving"
name = "Handhaving (test)"
lookup = "adressen.csv"
drop = ["Opmerking"]

[columns]
date = "Datum"
category = "Soort registratie"
id = "Registratienummer"
x = "X"
y = "Y"
postcode = "Postcode"
house_number = "Huisnummer"

[categories]
"Overlast jongeren (APV 2:48)" = { key = "jeugdoverlast", label = "Overlast jongeren" }
"Foutparkeren (RVV 1990)" = "parkeren"
"Afval naast container" = "afval"
"#;

const LOOKUP: &str = "openbareruimtenaam;huisnummer;huisletter;huisnummertoevoeging;postcode;\
                      woonplaatsnaam;x;y\n\
                      Voorbeeldstraat;3;A;;9712AB;Groningen;233764;581499\n\
                      Voorbeeldstraat;5;;;9712AB;Groningen;233958;581911\n";

type Files = Vec<(&'static str, Vec<u8>)>;

fn enforcement_xlsx(rows: &[Vec<V>], mapping: &str, lookup: &str) -> Files {
    vec![
        ("handhaving.xlsx", xlsx("Registraties", rows)),
        ("handhaving.mapping.toml", mapping.as_bytes().to_vec()),
        ("adressen.csv", lookup.as_bytes().to_vec()),
    ]
}

fn enforcement(rows: Vec<Vec<V>>) -> Files {
    enforcement_xlsx(&rows, ENFORCEMENT_MAPPING, LOOKUP)
}

fn enforcement_mapping(from: &str, to: &str) -> Files {
    assert!(ENFORCEMENT_MAPPING.contains(from), "{from}");
    enforcement_xlsx(
        &enforcement_rows(),
        &ENFORCEMENT_MAPPING.replacen(from, to, 1),
        LOOKUP,
    )
}

fn with_cell(row: usize, column: usize, value: V) -> Files {
    let mut rows = enforcement_rows();
    rows[row][column] = value;
    enforcement(rows)
}

/// The enforcement export as CSV (`;`), Windows-1252 as Dutch Excel writes it.
fn enforcement_csv(text: &str) -> Files {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    vec![
        ("handhaving.csv", bytes.into_owned()),
        (
            "handhaving.mapping.toml",
            ENFORCEMENT_MAPPING.as_bytes().to_vec(),
        ),
        ("adressen.csv", LOOKUP.as_bytes().to_vec()),
    ]
}

const CSV_HEADER: &str =
    "Registratienummer;Datum;Soort registratie;X;Y;Postcode;Huisnummer;Team;Opmerking\n";

const HALT_MAPPING: &str = r#"source = "halt"
kind = "overig"
name = "Halt-verwijzingen (test)"
drop = ["Toelichting"]

[columns]
date = "Datum"
category = "Soort"
buurt = "Buurtcode"

[categories]
"Vernieling" = "vernieling"
"Vuurwerk" = "vuurwerk"
"#;

const HALT: &str = "Datum;Soort;Buurtcode;Leeftijdsgroep;Toelichting\n\
                    7-3-2015;Vernieling;BU00140000;12-14;\n\
                    8-3-2015;Vuurwerk;BU00140301;15-17;Doorverwezen\n";

fn halt(data: &str, mapping: &str) -> Files {
    vec![
        ("halt.csv", data.as_bytes().to_vec()),
        ("halt.mapping.toml", mapping.as_bytes().to_vec()),
    ]
}

fn halt_data(from: &str, to: &str) -> Files {
    assert!(HALT.contains(from), "{from}");
    halt(&HALT.replacen(from, to, 1), HALT_MAPPING)
}

fn halt_mapping(from: &str, to: &str) -> Files {
    assert!(HALT_MAPPING.contains(from), "{from}");
    halt(HALT, &HALT_MAPPING.replacen(from, to, 1))
}

/// Where a case's problem must be reported and what it must say.
#[derive(Debug)]
struct At {
    file: &'static str,
    /// `blad 'Registraties'` for a sheet.
    part: Option<&'static str>,
    line: Option<u64>,
    /// What `line` counts: `regel` or `rij`.
    unit: &'static str,
    field: Option<&'static str>,
    contains: &'static [&'static str],
}

const SHEET: Option<&str> = Some("blad 'Registraties'");

fn row(line: u64, field: &'static str, contains: &'static [&'static str]) -> At {
    At {
        file: "handhaving.xlsx",
        part: SHEET,
        line: Some(line),
        unit: "rij",
        field: Some(field),
        contains,
    }
}

fn line(
    file: &'static str,
    line: u64,
    field: Option<&'static str>,
    contains: &'static [&'static str],
) -> At {
    At {
        file,
        part: None,
        line: Some(line),
        unit: "regel",
        field,
        contains,
    }
}

fn whole(file: &'static str, part: Option<&'static str>, contains: &'static [&'static str]) -> At {
    At {
        file,
        part,
        line: None,
        unit: "regel",
        field: None,
        contains,
    }
}

/// Writes the files, reads the first, and returns the refusal.
fn refusal(files: &Files) -> ImportError {
    try_refusal(files).unwrap_or_else(|accepted| panic!("{accepted}"))
}

fn try_refusal(files: &Files) -> Result<ImportError, String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (name, _) = files[0];
    match read_file(
        &dir.path().join(name),
        name,
        &ReadOptions::default(),
        context(),
    ) {
        Ok(batch) => Err(format!(
            "accepted: {} incidents",
            batch.incidents.incidents.len()
        )),
        Err(error) => Ok(error),
    }
}

/// Whether the case is refused with the expected problem, and every problem is located.
fn check(name: &str, files: Files, at: At) -> Result<(), String> {
    let error = try_refusal(&files).map_err(|accepted| format!("{name}: {accepted}"))?;
    let found = error.problems.iter().any(|p| {
        p.file == at.file
            && p.part.as_deref() == at.part
            && p.line == at.line
            && (at.line.is_none() || p.unit == at.unit)
            && p.field.as_deref() == at.field
            && at.contains.iter().all(|c| p.message.contains(c))
    });
    if !found {
        return Err(format!(
            "{name}: expected a problem at {at:?}\nthe refusal:\n{error}"
        ));
    }
    // Every problem is located, or one of the whole-file refusals.
    let faults = common::refusal_faults(&error, &error.problems[0].file);
    if faults.iter().any(|f| f.starts_with("no line or field")) {
        return Err(format!("{name}: {faults:?}\n{error}"));
    }
    Ok(())
}

fn run(corpus: Vec<(&'static str, Files, At)>) {
    assert!(corpus.len() >= 15);
    let failures: Vec<String> = corpus
        .into_iter()
        .filter_map(|(name, files, at)| check(name, files, at).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn enforcement_corpus() -> Vec<(&'static str, Files, At)> {
    let bsn_rows = {
        let mut rows = enforcement_rows();
        rows[0].push(t("Kenmerk"));
        for (row, bsn) in rows
            .iter_mut()
            .skip(1)
            .zip(["111222333", "123456782", "999999990"])
        {
            row.push(t(bsn));
        }
        rows
    };
    let email_rows = {
        let mut rows = enforcement_rows();
        rows[0].push(t("Notitie"));
        rows[1].push(t("contact: j.jansen@example.nl"));
        rows
    };
    let name_rows = {
        let mut rows = enforcement_rows();
        rows[0].push(t("Naam overtreder"));
        rows[1].push(t("J. Jansen"));
        rows
    };
    let duplicate_rows = {
        let mut rows = enforcement_rows();
        rows[2][0] = t("HH-1");
        rows
    };
    vec![
        (
            "a date that does not exist",
            with_cell(2, 1, t("31-02-2016")),
            row(3, "Datum", &["31-02-2016", "geen datum", "dag 31"]),
        ),
        (
            "a number in the date column",
            with_cell(1, 1, V::N(42_436.0)),
            row(2, "Datum", &["42436", "getal, geen datum", "als datum"]),
        ),
        (
            "a category the mapping does not list, without other",
            with_cell(2, 2, t("Fietswrak")),
            row(
                3,
                "Soort registratie",
                &["onbekende categorie 'Fietswrak'", "other"],
            ),
        ),
        (
            "a column the mapping names is missing",
            with_cell(0, 1, t("Datum registratie")),
            row(
                1,
                "Datum",
                &[
                    "columns.date",
                    "ontbreekt in de kopregel",
                    "Datum registratie",
                ],
            ),
        ),
        (
            "coordinates outside the Netherlands",
            with_cell(1, 3, V::N(9_000_000.0)),
            row(2, "X", &["ligt niet in Nederland", "RD New"]),
        ),
        (
            "coordinates that are text",
            with_cell(2, 4, t("vijf")),
            row(3, "X", &["geen coördinaat", "RD New"]),
        ),
        (
            "a postcode that is not in the lookup",
            with_cell(3, 5, t("9999 ZZ")),
            row(
                4,
                "Postcode",
                &["9999ZZ", "staat niet in het adressenbestand adressen.csv"],
            ),
        ),
        (
            "a postcode that is no postcode",
            with_cell(3, 5, t("97AB")),
            row(4, "Postcode", &["'97AB' is geen postcode", "9712 AB"]),
        ),
        (
            "a house number that is no number",
            with_cell(3, 6, t("drie")),
            row(4, "Huisnummer", &["geen huisnummer", "12a"]),
        ),
        (
            "a lookup file without the BAG columns",
            enforcement_xlsx(
                &enforcement_rows(),
                ENFORCEMENT_MAPPING,
                "straat;nummer\nA;1\n",
            ),
            line(
                "adressen.csv",
                1,
                None,
                &["BAG-adressenbestand", "postcode, huisnummer"],
            ),
        ),
        (
            "a lookup file with a point outside the Netherlands",
            enforcement_xlsx(
                &enforcement_rows(),
                ENFORCEMENT_MAPPING,
                &LOOKUP.replacen("233958;581911", "5;6", 1),
            ),
            line("adressen.csv", 3, Some("x"), &["ligt niet in Nederland"]),
        ),
        (
            "a mapping file that is no TOML",
            enforcement_mapping("[columns]\ndate", "[columns\ndate"),
            line(
                "handhaving.mapping.toml",
                7,
                None,
                &["TOML", "verwacht source"],
            ),
        ),
        (
            "a mapping with an unknown kind",
            enforcement_mapping("kind = \"handhaving\"", "kind = \"boa\""),
            line(
                "handhaving.mapping.toml",
                2,
                Some("kind"),
                &["'boa'", "'handhaving'"],
            ),
        ),
        (
            "a mapping naming a sheet the workbook does not have",
            enforcement_mapping("lookup =", "sheet = \"Blad9\"\nlookup ="),
            whole(
                "handhaving.xlsx",
                None,
                &["geen blad 'Blad9'", "Registraties"],
            ),
        ),
        (
            "a mapping with an address but without a lookup file",
            enforcement_mapping("lookup = \"adressen.csv\"\n", ""),
            line(
                "handhaving.mapping.toml",
                6,
                Some("lookup"),
                &["adressenbestand nodig"],
            ),
        ),
        (
            "a lookup file that is not there",
            enforcement_mapping("lookup = \"adressen.csv\"", "lookup = \"bag.csv\""),
            At {
                file: "handhaving.mapping.toml",
                part: None,
                line: None,
                unit: "regel",
                field: Some("lookup"),
                contains: &["'bag.csv'", "niet lezen"],
            },
        ),
        (
            "burgerservicenummers in a column that is not dropped",
            enforcement(bsn_rows),
            row(2, "Kenmerk", &["burgerservicenummers", "niet herhaald"]),
        ),
        (
            "an e-mail address in a column that is not dropped",
            enforcement(email_rows),
            row(2, "Notitie", &["e-mailadressen"]),
        ),
        (
            "person names in a name column that is not dropped",
            enforcement(name_rows),
            row(2, "Naam overtreder", &["namen van personen"]),
        ),
        (
            "a registration number twice",
            enforcement(duplicate_rows),
            row(3, "Registratienummer", &["'HH-1'", "rij 2", "één keer"]),
        ),
        (
            "an empty sheet",
            vec![
                ("handhaving.xlsx", xlsx("Registraties", &[])),
                (
                    "handhaving.mapping.toml",
                    ENFORCEMENT_MAPPING.as_bytes().to_vec(),
                ),
                ("adressen.csv", LOOKUP.as_bytes().to_vec()),
            ],
            whole("handhaving.xlsx", SHEET, &["het blad is leeg", "kopregel"]),
        ),
        (
            "a sheet with a header only",
            enforcement(enforcement_rows()[..1].to_vec()),
            whole(
                "handhaving.xlsx",
                SHEET,
                &["kopregel maar geen gegevensregels"],
            ),
        ),
        (
            "a file with the .xlsx extension that is no workbook",
            vec![
                ("handhaving.xlsx", b"Datum;Soort\n1-1-2016;x\n".to_vec()),
                (
                    "handhaving.mapping.toml",
                    ENFORCEMENT_MAPPING.as_bytes().to_vec(),
                ),
                ("adressen.csv", LOOKUP.as_bytes().to_vec()),
            ],
            whole("handhaving.xlsx", None, &["XLSX-bestand is onleesbaar"]),
        ),
        (
            "a workbook without its mapping file",
            vec![("handhaving.xlsx", xlsx("Registraties", &enforcement_rows()))],
            whole(
                "handhaving.xlsx",
                None,
                &[
                    "geen mappingbestand",
                    "handhaving.mapping.toml",
                    "--mapping",
                ],
            ),
        ),
        (
            "the CSV export with a date that does not exist",
            enforcement_csv(&format!(
                "{CSV_HEADER}HH-1;30-2-2016;Foutparkeren (RVV 1990);233946;581908;;;Team;\n"
            )),
            line(
                "handhaving.csv",
                2,
                Some("Datum"),
                &["30-2-2016", "geen datum"],
            ),
        ),
        (
            "the CSV export with a line cut short",
            enforcement_csv(&format!(
                "{CSV_HEADER}HH-1;1-2-2016;Foutparkeren (RVV 1990);233946;581908;;;Team;\n\
                 HH-2;1-2-2016;Foutparkeren (RVV 1990);233946\n"
            )),
            line(
                "handhaving.csv",
                3,
                None,
                &["verwacht 9 velden", "gevonden 4"],
            ),
        ),
        (
            "the CSV export (Windows-1252) with a category the mapping does not list",
            enforcement_csv(&format!(
                "{CSV_HEADER}HH-1;1-2-2016;Overlast café;233946;581908;;;Team;\n"
            )),
            line(
                "handhaving.csv",
                2,
                Some("Soort registratie"),
                &["onbekende categorie 'Overlast café'"],
            ),
        ),
    ]
}

fn generic_corpus() -> Vec<(&'static str, Files, At)> {
    vec![
        (
            "a month that does not exist",
            halt_data("8-3-2015", "8-13-2015"),
            line("halt.csv", 3, Some("Datum"), &["8-13-2015", "maand 13"]),
        ),
        (
            "a date in another order than date_format says",
            halt(
                &HALT.replacen("7-3-2015", "2015-03-07", 1),
                &HALT_MAPPING.replacen(
                    "date = \"Datum\"",
                    "date = \"Datum\"\ndate_format = \"dag-maand-jaar\"",
                    1,
                ),
            ),
            line(
                "halt.csv",
                2,
                Some("Datum"),
                &["2015-03-07", "dag-maand-jaar"],
            ),
        ),
        (
            "an empty date",
            halt_data("7-3-2015", ""),
            line("halt.csv", 2, Some("Datum"), &["geen datum"]),
        ),
        (
            "a category the mapping does not list, without other",
            halt_data("Vuurwerk;", "Graffiti;"),
            line(
                "halt.csv",
                3,
                Some("Soort"),
                &["onbekende categorie 'Graffiti'", "other"],
            ),
        ),
        (
            "an empty category without other",
            halt_data("Vuurwerk;", ";"),
            line("halt.csv", 3, Some("Soort"), &["'(leeg)'"]),
        ),
        (
            "a column the mapping names is missing",
            halt_data("Buurtcode;", "Buurt;"),
            line(
                "halt.csv",
                1,
                Some("Buurtcode"),
                &["columns.buurt", "ontbreekt"],
            ),
        ),
        (
            "a buurt code the store does not know",
            halt_data("BU00140301", "BU00149999"),
            line(
                "halt.csv",
                3,
                Some("Buurtcode"),
                &["BU00149999", "onbekend in de opslag"],
            ),
        ),
        (
            "a buurt name instead of a code",
            halt_data("BU00140301", "Indische buurt"),
            line(
                "halt.csv",
                3,
                Some("Buurtcode"),
                &["geen CBS-buurtcode", "BU00140000"],
            ),
        ),
        (
            "a wijk code instead of a buurt code",
            halt_data("BU00140301", "WK001403"),
            line("halt.csv", 3, Some("Buurtcode"), &["geen CBS-buurtcode"]),
        ),
        (
            "WGS84 coordinates outside the Netherlands",
            halt(
                "Datum;Soort;Lon;Lat\n7-3-2015;Vernieling;2,35;48,85\n",
                &HALT_MAPPING.replacen(
                    "buurt = \"Buurtcode\"",
                    "x = \"Lon\"\ny = \"Lat\"\ncrs = \"wgs84\"",
                    1,
                ),
            ),
            line(
                "halt.csv",
                2,
                Some("Lon"),
                &["ligt niet in Nederland", "WGS84"],
            ),
        ),
        (
            "a mapping without [columns]",
            halt(HALT, &HALT_MAPPING.replacen("[columns]", "[kolommen]", 1)),
            line("halt.mapping.toml", 6, None, &["onbekend veld", "kolommen"]),
        ),
        (
            "a mapping without a place",
            halt_mapping("buurt = \"Buurtcode\"\n", ""),
            line(
                "halt.mapping.toml",
                6,
                Some("columns"),
                &["geen kolom voor de plaats"],
            ),
        ),
        (
            "a mapping with x but without y",
            halt_mapping("buurt = \"Buurtcode\"", "x = \"X\""),
            line(
                "halt.mapping.toml",
                6,
                Some("columns"),
                &["x en y horen bij elkaar"],
            ),
        ),
        (
            "a mapping with an unknown coordinate system",
            halt_mapping(
                "buurt = \"Buurtcode\"",
                "x = \"X\"\ny = \"Y\"\ncrs = \"epsg:3857\"",
            ),
            line(
                "halt.mapping.toml",
                11,
                Some("columns.crs"),
                &["'epsg:3857'", "wgs84"],
            ),
        ),
        (
            "a category key that is no identifier",
            halt_mapping("= \"vuurwerk\"", "= \"Vuurwerk Overlast\""),
            line(
                "halt.mapping.toml",
                13,
                Some("categories"),
                &["'Vuurwerk Overlast'", "kleine letters"],
            ),
        ),
        (
            "a category value listed twice",
            halt_mapping(
                "\"Vuurwerk\" = \"vuurwerk\"",
                "\"Vuurwerk\" = \"vuurwerk\"\n\"Vuurwerk\" = \"x\"",
            ),
            line("halt.mapping.toml", 14, None, &["twee keer"]),
        ),
        (
            "a key given two labels",
            halt_mapping(
                "\"Vuurwerk\" = \"vuurwerk\"",
                "\"Vuurwerk\" = { key = \"vernieling\", label = \"Vuurwerk\" }\n\
                 \"Knallen\" = { key = \"vernieling\", label = \"Knallen\" }",
            ),
            line(
                "halt.mapping.toml",
                14,
                Some("categories"),
                &["twee labels"],
            ),
        ),
        (
            "a dropped column that is also read",
            halt_mapping(
                "drop = [\"Toelichting\"]",
                "drop = [\"Toelichting\", \"Soort\"]",
            ),
            line(
                "halt.mapping.toml",
                4,
                Some("drop"),
                &["'Soort' wordt gelezen"],
            ),
        ),
        (
            "a source id that is no identifier",
            halt_mapping("source = \"halt\"", "source = \"Halt verwijzingen\""),
            line(
                "halt.mapping.toml",
                1,
                Some("source"),
                &["geen geldige bron-id"],
            ),
        ),
        (
            "an e-mail address in a column that is not dropped",
            halt_data("12-14;", "ouder@example.nl;"),
            line("halt.csv", 2, Some("Leeftijdsgroep"), &["e-mailadressen"]),
        ),
        (
            "a phone number in a column that is not dropped",
            halt_data("15-17;", "bel 06-12345678;"),
            line("halt.csv", 3, Some("Leeftijdsgroep"), &["telefoonnummers"]),
        ),
        (
            "a BSN column by its name",
            halt_data("Leeftijdsgroep", "BSN"),
            line("halt.csv", 1, Some("BSN"), &["persoonsgegevens"]),
        ),
        (
            "a naam column by its name",
            halt_data("Leeftijdsgroep", "Naam"),
            line("halt.csv", 1, Some("Naam"), &["persoonsgegevens"]),
        ),
        (
            "a header only",
            halt(
                "Datum;Soort;Buurtcode;Leeftijdsgroep;Toelichting\n",
                HALT_MAPPING,
            ),
            whole("halt.csv", None, &["kopregel maar geen gegevensregels"]),
        ),
        (
            "an empty file",
            halt("\n", HALT_MAPPING),
            whole("halt.csv", None, &["het bestand is leeg"]),
        ),
    ]
}

#[test]
fn the_enforcement_corpus_is_refused_with_located_dutch_problems() {
    run(enforcement_corpus());
}

#[test]
fn the_generic_corpus_is_refused_with_located_dutch_problems() {
    run(generic_corpus());
}

fn read(files: &Files, options: &ReadOptions) -> buurtbeeld_cube::ImportBatch {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (name, _) = files[0];
    read_file(&dir.path().join(name), name, options, context()).unwrap_or_else(|e| panic!("{e}"))
}

/// An incident as (category, day, area, point, external id).
type Summary = (String, String, String, Option<(f64, f64)>, Option<String>);

#[test]
fn an_enforcement_workbook_gives_points_buurten_ids_and_categories() {
    let batch = read(&enforcement(enforcement_rows()), &ReadOptions::default());
    let source = batch.source.as_ref().unwrap();
    assert_eq!(source.kind, "registrations-xlsx");
    assert_eq!(source.table_id, "handhaving");
    assert_eq!(source.rows, 3);
    let incidents = &batch.incidents;
    assert_eq!(incidents.source.as_ref().unwrap().id, "handhaving");
    let got: Vec<Summary> = incidents
        .incidents
        .iter()
        .map(|i| {
            (
                i.category.clone(),
                i.day.to_string(),
                i.area.as_str().to_owned(),
                i.point.map(|p| (p.x, p.y)),
                i.external_id.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "jeugdoverlast".into(),
                "2016-03-07".into(),
                "BU00140301".into(),
                Some((233_823.0, 583_675.0)),
                Some("HH-1".into())
            ),
            (
                "parkeren".into(),
                "2016-07-01".into(),
                "BU00140001".into(),
                Some((233_946.0, 581_908.0)),
                Some("HH-2".into())
            ),
            // "3a" at 9712 AB: the lookup's 3A.
            (
                "afval".into(),
                "2016-08-12".into(),
                "BU00140001".into(),
                Some((233_764.0, 581_499.0)),
                Some("HH-3".into())
            ),
        ]
    );
    let labels: Vec<(&str, &str)> = incidents
        .categories
        .iter()
        .map(|c| (c.code.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("afval", "Afval naast container"),
            ("jeugdoverlast", "Overlast jongeren"),
            ("parkeren", "Foutparkeren (RVV 1990)"),
        ]
    );
    let notes = batch.notes.join("\n");
    assert!(
        notes.contains("drop in de mapping): 'Opmerking'"),
        "{notes}"
    );
    assert!(
        notes.contains("gecontroleerd op persoonsgegevens: 'Team'"),
        "{notes}"
    );
}

#[test]
fn the_csv_export_in_windows_1252_reads_like_the_workbook() {
    let mapping = ENFORCEMENT_MAPPING.replacen(
        "\"Afval naast container\" = \"afval\"",
        "\"Afval naast container\" = \"afval\"\n\"Overlast café\" = \"horeca\"",
        1,
    );
    let mut files = enforcement_csv(&format!(
        "{CSV_HEADER}HH-1;7-3-2016;Overlast café;233823,4;583675,6;;;Team;\n\
         HH-2;2016-03-08;Afval naast container;;;9712ab;5;Team;\n"
    ));
    files[1].1 = mapping.into_bytes();
    let batch = read(&files, &ReadOptions::default());
    assert_eq!(batch.source.as_ref().unwrap().kind, "registrations-csv");
    let got: Vec<(&str, Option<(f64, f64)>)> = batch
        .incidents
        .incidents
        .iter()
        .map(|i| (i.category.as_str(), i.point.map(|p| (p.x, p.y))))
        .collect();
    assert_eq!(
        got,
        [
            ("horeca", Some((233_823.0, 583_676.0))),
            ("afval", Some((233_958.0, 581_911.0)))
        ]
    );
}

#[test]
fn other_counts_unlisted_values_as_one_category_and_says_so() {
    let files = halt(
        &HALT.replacen("Vuurwerk;", "Graffiti;", 1),
        &HALT_MAPPING.replacen(
            "[columns]",
            "other = { key = \"overig\", label = \"Overige verwijzingen\" }\n\n[columns]",
            1,
        ),
    );
    let batch = read(&files, &ReadOptions::default());
    let categories: Vec<&str> = batch
        .incidents
        .incidents
        .iter()
        .map(|i| i.category.as_str())
        .collect();
    assert_eq!(categories, ["vernieling", "overig"]);
    assert!(batch
        .incidents
        .categories
        .iter()
        .any(|c| c.code == "overig" && c.label == "Overige verwijzingen"));
    assert!(
        batch
            .notes
            .iter()
            .any(|n| n.contains("geteld als 'overig'")),
        "{:?}",
        batch.notes
    );
    // A buurt code places the registration without a point.
    assert!(batch.incidents.incidents.iter().all(|i| i.point.is_none()));
    assert_eq!(batch.incidents.incidents[1].area.as_str(), "BU00140301");
}

#[test]
fn dropped_free_text_never_reaches_the_batch() {
    let secrets = [
        "Jan de Vries",
        "j.devries@example.nl",
        "06-12345678",
        "Grote Markt 1, 9711 LV",
        "123456782",
    ];
    let mut rows = enforcement_rows();
    for (row, secret) in rows.iter_mut().skip(1).zip(secrets) {
        row[8] = t(&format!("Betrokkene {secret} aangesproken"));
    }
    rows[0].push(t("Behandelaar"));
    for (row, secret) in rows.iter_mut().skip(1).zip(secrets.iter().rev()) {
        row.push(t(secret));
    }
    let mapping = ENFORCEMENT_MAPPING.replacen(
        "drop = [\"Opmerking\"]",
        "drop = [\"Opmerking\", \"Behandelaar\"]",
        1,
    );
    let batch = read(
        &enforcement_xlsx(&rows, &mapping, LOOKUP),
        &ReadOptions::default(),
    );
    let debug = format!("{batch:?}");
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} is in the batch");
    }
    assert!(debug.contains("'Opmerking', 'Behandelaar'"), "{debug}");
    // Without the drop, the same file is refused for the personal data it holds.
    let error = refusal(&enforcement_xlsx(&rows, ENFORCEMENT_MAPPING, LOOKUP));
    assert!(
        error
            .problems
            .iter()
            .any(|p| p.field.as_deref() == Some("Behandelaar")),
        "{error}"
    );
}

#[test]
fn the_mapping_is_found_beside_the_data_or_given_and_the_checksum_covers_it() {
    let files = enforcement(enforcement_rows());
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let data = dir.path().join("handhaving.xlsx");
    let sidecar = read_file(&data, "handhaving.xlsx", &ReadOptions::default(), context()).unwrap();
    assert_eq!(
        buurtbeeld_ingest::detect_kind(&data, &ReadOptions::default()),
        Some(InputKind::RegistrationsXlsx)
    );
    // Given elsewhere with --mapping: the same reading, and the same checksum.
    let elsewhere = dir.path().join("elders.toml");
    std::fs::copy(dir.path().join("handhaving.mapping.toml"), &elsewhere).unwrap();
    let given = ReadOptions {
        mapping: Some(elsewhere.clone()),
        ..ReadOptions::default()
    };
    let with_flag = read_file(&data, "handhaving.xlsx", &given, context()).unwrap();
    assert_eq!(with_flag.incidents, sidecar.incidents);
    let checksum = |b: &buurtbeeld_cube::ImportBatch| b.source.as_ref().unwrap().checksum.clone();
    assert_eq!(checksum(&with_flag), checksum(&sidecar));
    // A changed mapping, or a changed lookup, is a new import.
    std::fs::write(
        &elsewhere,
        ENFORCEMENT_MAPPING.replacen("(test)", "(test, nieuw)", 1),
    )
    .unwrap();
    let changed = read_file(&data, "handhaving.xlsx", &given, context()).unwrap();
    assert_ne!(checksum(&changed), checksum(&sidecar));
    std::fs::write(dir.path().join("adressen.csv"), format!("{LOOKUP}\n")).unwrap();
    let lookup_changed =
        read_file(&data, "handhaving.xlsx", &ReadOptions::default(), context()).unwrap();
    assert_ne!(checksum(&lookup_changed), checksum(&sidecar));
    // A CSV is read through a mapping only when one is beside it or given.
    let csv = dir.path().join("halt.csv");
    std::fs::write(&csv, HALT).unwrap();
    assert_eq!(
        buurtbeeld_ingest::detect_kind(&csv, &ReadOptions::default()),
        None
    );
    std::fs::write(dir.path().join("halt.mapping.toml"), HALT_MAPPING).unwrap();
    assert_eq!(
        buurtbeeld_ingest::detect_kind(&csv, &ReadOptions::default()),
        Some(InputKind::RegistrationsCsv)
    );
}

#[test]
fn the_synthetic_demo_workbook_reads_completely() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut context = Context::default();
    let boundaries = root.join("data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson");
    let areas = read_file(
        &boundaries,
        "buurt2017.geojson",
        &ReadOptions::default(),
        &context,
    )
    .unwrap();
    common::learn(&mut context, &areas);
    let data = root.join("data/groningen-handhaving-synthetisch/handhaving-groningen.xlsx");
    let batch = read_file(
        &data,
        "handhaving-groningen.xlsx",
        &ReadOptions::default(),
        &context,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let incidents = &batch.incidents.incidents;
    assert!(
        (7_000..9_000).contains(&incidents.len()),
        "{}",
        incidents.len()
    );
    let keys: Vec<&str> = batch
        .incidents
        .categories
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "afval",
            "alcohol",
            "cameratoezicht",
            "drugs",
            "horeca",
            "jeugdoverlast",
            "overlast-personen",
            "parkeren",
            "vernieling"
        ]
    );
    let by_address = incidents.iter().filter(|i| i.point.is_some()).count();
    assert_eq!(by_address, incidents.len(), "every row has a point");
    let unknown = incidents
        .iter()
        .filter(|i| i.area.as_str().ends_with("99999999") || !i.area.as_str().starts_with("BU0014"))
        .count();
    assert!(
        unknown * 50 < incidents.len(),
        "{unknown} outside the buurten"
    );
    let (first, last) = (
        incidents.iter().map(|i| i.day).min().unwrap(),
        incidents.iter().map(|i| i.day).max().unwrap(),
    );
    assert!(first.to_string().starts_with("2013-01"), "{first}");
    assert!(last.to_string().starts_with("2017-12"), "{last}");
}
