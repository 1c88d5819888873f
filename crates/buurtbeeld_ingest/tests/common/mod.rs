//! What the reader fuzz test (`tests/fuzz.rs`) and the long campaign
//! (`examples/fuzz_campaign.rs`) share: the seed file of each reader, the mutations that damage
//! it, the context a reader gets, and the rules a refusal must keep.
//!
//! A mutation is plain data built from a few random numbers (`Mutation::from_parts`), so that
//! proptest (which shrinks those numbers) and the campaign's seeded RNG draw the same mutations.

// The test and the campaign each use a part of this file.
#![allow(dead_code)]

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use buurtbeeld_cube::{AreaLevel, ImportBatch};
use buurtbeeld_ingest::{default_batch, read_file, Context, ImportError, InputKind, ReadOptions};

/// How a seed's text is cut into the fields that `ReplaceField` replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Lines of fields separated by this byte.
    Delimited(u8),
    /// JSON: string literals and bare scalars.
    Json,
    /// TOML: string literals and bare words (keys and values).
    Toml,
}

/// One reader under fuzzing: its kind and the real file its inputs are made from.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    /// Short name for tables and test names.
    pub name: &'static str,
    pub kind: InputKind,
    /// File name under `tests/fuzz_seeds/`; inputs are written under the same name, because
    /// detection and some readers (year of a boundary or population file) look at it.
    pub seed: &'static str,
    pub syntax: Syntax,
}

pub const READERS: [Reader; 20] = [
    Reader {
        name: "politie-coded-csv",
        kind: InputKind::PolitieCodedCsv,
        seed: "47022NED_GM1581_coded.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "politie-portal-csv",
        kind: InputKind::PolitiePortalCsv,
        seed: "47022NED_GM1581_portal_export.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "politie-odata-json",
        kind: InputKind::PolitieOdataJson,
        seed: "47022NED_GM1581_odata.json",
        syntax: Syntax::Json,
    },
    Reader {
        name: "population-csv",
        kind: InputKind::PopulationCsv,
        seed: "Population85984_2024_GM1581.csv",
        syntax: Syntax::Delimited(b','),
    },
    Reader {
        name: "population-odata-json",
        kind: InputKind::PopulationOdataJson,
        seed: "85984NED_GM1581_odata.json",
        syntax: Syntax::Json,
    },
    Reader {
        name: "areas-geojson",
        kind: InputKind::AreasGeojson,
        seed: "buurt2017_groningen.geojson",
        syntax: Syntax::Json,
    },
    // The binary formats are cut at zero bytes, so that a "field" is a run of bytes between
    // them: a number, a name, a piece of a header. A Shapefile's other files are copied beside
    // the damaged .shp undamaged (`read_input`).
    Reader {
        name: "areas-shapefile",
        kind: InputKind::AreasShapefile,
        seed: "buurt2017_groningen.shp",
        syntax: Syntax::Delimited(0),
    },
    Reader {
        name: "areas-geopackage",
        kind: InputKind::AreasGeopackage,
        seed: "wijkenbuurten_2017_groningen.gpkg",
        syntax: Syntax::Delimited(0),
    },
    Reader {
        name: "bvh-incidents",
        kind: InputKind::BvhIncidents,
        seed: "fietsdiefstallen_groningen_BVH.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "themes-toml",
        kind: InputKind::ThemesToml,
        seed: "themes.toml",
        syntax: Syntax::Toml,
    },
    Reader {
        name: "incident-codes-csv",
        kind: InputKind::IncidentCodesCsv,
        seed: "incident_codes.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "plan-toml",
        kind: InputKind::PlanToml,
        seed: "voorbeeldplan_groningen_2014_2017.toml",
        syntax: Syntax::Toml,
    },
    Reader {
        name: "actions-toml",
        kind: InputKind::ActionsToml,
        seed: "voorbeeldplan_acties_2016.toml",
        syntax: Syntax::Toml,
    },
    Reader {
        name: "intervention-toml",
        kind: InputKind::InterventionToml,
        seed: "voorbeeld_interventie_stationsgebied_2015.toml",
        syntax: Syntax::Toml,
    },
    Reader {
        name: "budget-csv",
        kind: InputKind::BudgetCsv,
        seed: "voorbeeldplan_begroting_2014_2017.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "signalen-csv",
        kind: InputKind::SignalenCsv,
        seed: "signalen_meldingen_groningen.csv",
        syntax: Syntax::Delimited(b','),
    },
    // Its locations.csv and categories.csv are copied beside the damaged signals.csv
    // undamaged (`read_input`).
    Reader {
        name: "signalen-datawarehouse-csv",
        kind: InputKind::SignalenDatawarehouseCsv,
        seed: "signalen_dwh_signals.csv",
        syntax: Syntax::Delimited(b','),
    },
    Reader {
        name: "signalen-geojson",
        kind: InputKind::SignalenGeojson,
        seed: "signalen_kaart_groningen.geojson",
        syntax: Syntax::Json,
    },
    // Read with the mapping (and lookup) files beside them, copied undamaged (`read_input`).
    Reader {
        name: "registrations-csv",
        kind: InputKind::RegistrationsCsv,
        seed: "registraties_halt.csv",
        syntax: Syntax::Delimited(b';'),
    },
    Reader {
        name: "registrations-xlsx",
        kind: InputKind::RegistrationsXlsx,
        seed: "registraties_handhaving.xlsx",
        syntax: Syntax::Delimited(0),
    },
];

impl Reader {
    pub fn by_name(name: &str) -> Option<Reader> {
        READERS.into_iter().find(|r| r.name == name)
    }

    pub fn seed_path(&self) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz_seeds")
            .join(self.seed)
    }

    pub fn seed_bytes(&self) -> Vec<u8> {
        std::fs::read(self.seed_path()).expect("the seed files are committed")
    }

    /// Options as the command line gives them: the reader forced (`--kind`), or detected.
    pub fn options(&self, detect: bool) -> ReadOptions {
        ReadOptions {
            kind: (!detect).then_some(self.kind),
            ..ReadOptions::default()
        }
    }
}

/// Strings that break readers: empty, long, multi-byte and invalid UTF-8, control bytes,
/// quotes and separators, the numbers CBS uses for secret cells and numbers no type holds,
/// spreadsheet formulas, and near-valid codes, periods and dates of the formats.
pub const NASTY: &[&[u8]] = &[
    b"",
    b"\xc3\xa9",
    b"\xc3\xba",
    "Súdwest-Fryslân".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\0",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"\"",
    b"'",
    b"\"\"",
    b"\\",
    b";",
    b",",
    b"#",
    b"=",
    b"[",
    b"]",
    b"{",
    b"}",
    b"[]",
    b"{}",
    b"null",
    b"true",
    b"-99999999",
    b"NaN",
    b"nan",
    b"inf",
    b"-inf",
    b"1e309",
    b"-1e309",
    b"1.5e3",
    b"-0",
    b"0.5",
    b"37.0",
    b".",
    b"4294967295",
    b"4294967296",
    b"2147483647",
    b"2147483648",
    b"-2147483649",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9.223.372.036.854.775.807",
    b"18446744073709551616",
    b"99999999999999999999999999999999999999",
    b"=1+1",
    b"0.0.0",
    b"1.2.3",
    b"9.9.9",
    b"NL00",
    b"GM1581",
    b"GM0014",
    b"WK158100",
    b"BU15810000",
    b"BU00140008",
    b"BU0014000\xc3\xa9",
    b"WK1581\xc3\xba",
    b"2023MM13",
    b"2023MM00",
    b"2023JJ00",
    b"1899MM01",
    b"2101MM12",
    b"2023 januari",
    b"2023 smarch",
    b"29-2-2016 1:00",
    b"31-4-2016 1:00",
    b"0-0-0 0:00",
    b"234234",
    b"583983",
    b"1234\xc3\xa9NED",
    b"4702\xc3\xbaNED",
    b"BSN",
    b"Naam",
    b"TOTAAL",
    b"1.1",
    b"x1000",
    b"17.198",
    b"1.234.567.890.123.456.789",
    b"gepland",
    b"2015-13",
    b"2015-03",
    b"9999-12-31",
    b"2015-03-01T10:00:00Z",
    b"\\u0000",
    b"$metadata",
];

/// A long string of this many bytes replaces a field when the dictionary index asks for one.
const LONG: usize = 70_000;

/// The bytes of dictionary entry `index`; the few indices past the list are very long strings.
pub fn nasty(index: u8) -> Vec<u8> {
    let index = usize::from(index) % (NASTY.len() + 2);
    match index.checked_sub(NASTY.len()) {
        None => NASTY[index].to_vec(),
        Some(0) => vec![b'7'; LONG],
        Some(_) => "é".repeat(LONG / 2).into_bytes(),
    }
}

/// One change to an input. Positions are taken modulo the input's size when applied, so any
/// numbers make a valid mutation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    FlipBit {
        at: u32,
        bit: u8,
    },
    InsertByte {
        at: u32,
        byte: u8,
    },
    InsertNasty {
        at: u32,
        nasty: u8,
    },
    DeleteBytes {
        at: u32,
        len: u8,
    },
    Truncate {
        at: u32,
    },
    DuplicateLine {
        line: u32,
    },
    DeleteLine {
        line: u32,
    },
    SwapLines {
        a: u32,
        b: u32,
    },
    /// Replaces a field (delimited text: field `field` of line `line`; JSON and TOML: literal
    /// `line + field` of the file) by a dictionary entry, bare or written as a quoted string.
    ReplaceField {
        line: u32,
        field: u32,
        nasty: u8,
        quoted: bool,
    },
    /// Copies a field (as above) over a field `offset` further on: in delimited text the same
    /// column of a later line, in JSON and TOML a later literal. The copy is valid somewhere,
    /// and so reaches the checks between fields: a code repeated, a year out of order.
    CopyField {
        line: u32,
        field: u32,
        offset: u8,
    },
}

/// How many kinds of mutation `from_parts` chooses from; field replacement and copying are
/// drawn more often, as they reach the checks behind the parsers.
pub const MUTATION_CHOICES: u8 = 14;

impl Mutation {
    /// The mutation that four random numbers choose.
    pub fn from_parts(choice: u8, a: u32, b: u32, c: u8) -> Mutation {
        match choice % MUTATION_CHOICES {
            0 => Mutation::FlipBit { at: a, bit: c % 8 },
            1 => Mutation::InsertByte { at: a, byte: c },
            2 => Mutation::InsertNasty { at: a, nasty: c },
            3 => Mutation::DeleteBytes {
                at: a,
                len: c % 16 + 1,
            },
            4 => Mutation::Truncate { at: a },
            5 => Mutation::DuplicateLine { line: a },
            6 => Mutation::DeleteLine { line: a },
            7 => Mutation::SwapLines { a, b },
            8..=11 => Mutation::ReplaceField {
                line: a,
                field: b,
                nasty: c,
                quoted: (a ^ b) & 1 == 1,
            },
            _ => Mutation::CopyField {
                line: a,
                field: b,
                offset: c % 16 + 1,
            },
        }
    }

    pub fn apply(&self, input: &mut Vec<u8>, syntax: Syntax) {
        let position = |at: u32, len: usize| at as usize % (len + 1);
        match *self {
            Mutation::FlipBit { at, bit } => {
                if !input.is_empty() {
                    let i = at as usize % input.len();
                    input[i] ^= 1 << (bit % 8);
                }
            }
            Mutation::InsertByte { at, byte } => input.insert(position(at, input.len()), byte),
            Mutation::InsertNasty { at, nasty: n } => {
                let i = position(at, input.len());
                input.splice(i..i, nasty(n));
            }
            Mutation::DeleteBytes { at, len } => {
                let i = position(at, input.len());
                let end = (i + usize::from(len)).min(input.len());
                input.drain(i..end);
            }
            Mutation::Truncate { at } => input.truncate(position(at, input.len())),
            Mutation::DuplicateLine { line } => {
                let mut lines = split_lines(input);
                let i = line as usize % lines.len();
                lines.insert(i, lines[i].clone());
                *input = lines.concat();
            }
            Mutation::DeleteLine { line } => {
                let mut lines = split_lines(input);
                lines.remove(line as usize % lines.len());
                *input = lines.concat();
            }
            Mutation::SwapLines { a, b } => {
                let mut lines = split_lines(input);
                let n = lines.len();
                lines.swap(a as usize % n, b as usize % n);
                *input = lines.concat();
            }
            Mutation::ReplaceField {
                line,
                field,
                nasty: n,
                quoted,
            } => {
                let value = nasty(n);
                if let Some(range) = field_range(input, syntax, line, field) {
                    let replacement = if quoted { quote(&value, syntax) } else { value };
                    input.splice(range, replacement);
                }
            }
            Mutation::CopyField {
                line,
                field,
                offset,
            } => {
                let (line_to, field_to) = match syntax {
                    Syntax::Delimited(_) => (line.wrapping_add(u32::from(offset)), field),
                    Syntax::Json | Syntax::Toml => (line, field.wrapping_add(u32::from(offset))),
                };
                let source = field_range(input, syntax, line, field);
                let target = field_range(input, syntax, line_to, field_to);
                if let (Some(source), Some(target)) = (source, target) {
                    let copy = input[source].to_vec();
                    input.splice(target, copy);
                }
            }
        }
    }
}

/// The byte range of a field: in delimited text field `field` of line `line`, in JSON and TOML
/// literal `line + field` of the file.
fn field_range(
    input: &[u8],
    syntax: Syntax,
    line: u32,
    field: u32,
) -> Option<std::ops::Range<usize>> {
    match syntax {
        Syntax::Delimited(delimiter) => delimited_field(input, delimiter, line, field),
        Syntax::Json | Syntax::Toml => {
            let literals = literals(input);
            (!literals.is_empty()).then(|| {
                literals[(line as usize).wrapping_add(field as usize) % literals.len()].clone()
            })
        }
    }
}

/// The seed with the mutations applied in order.
pub fn mutate(seed: &[u8], mutations: &[Mutation], syntax: Syntax) -> Vec<u8> {
    let mut input = seed.to_vec();
    for mutation in mutations {
        mutation.apply(&mut input, syntax);
    }
    input
}

/// Lines with their `\n` kept, so that joining them gives the input back; never empty.
fn split_lines(input: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = input
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.is_empty() {
        lines.push(Vec::new());
    }
    lines
}

/// The byte range of a field of a delimited line (`\r\n` or `\n` not included), counting
/// separators as they are written, quotes or not: a field may be half a quoted field.
fn delimited_field(
    input: &[u8],
    delimiter: u8,
    line: u32,
    field: u32,
) -> Option<std::ops::Range<usize>> {
    let mut starts = vec![0];
    starts.extend(
        input
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    let start = starts[line as usize % starts.len()];
    let end = input[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(input.len(), |i| start + i);
    let end = if end > start && input[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    let mut bounds = vec![start];
    bounds.extend(
        (start..end)
            .filter(|&i| input[i] == delimiter)
            .flat_map(|i| [i, i + 1]),
    );
    bounds.push(end);
    let fields = bounds.len() / 2;
    let k = field as usize % fields;
    Some(bounds[2 * k]..bounds[2 * k + 1])
}

/// The literals of a JSON or TOML text: string literals with their quotes, and runs of
/// letters, digits and `.+-_:` (numbers, keys, `true`, dates).
fn literals(input: &[u8]) -> Vec<std::ops::Range<usize>> {
    let bare = |b: u8| b.is_ascii_alphanumeric() || b".+-_:".contains(&b);
    let mut found = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'"' {
            let start = i;
            i += 1;
            while i < input.len() && input[i] != b'"' && input[i] != b'\n' {
                i += if input[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(input.len());
            found.push(start..i);
        } else if bare(input[i]) {
            let start = i;
            while i < input.len() && bare(input[i]) {
                i += 1;
            }
            found.push(start..i);
        } else {
            i += 1;
        }
    }
    found
}

/// A dictionary entry written as a quoted string of the syntax: CSV doubles its quotes, JSON
/// and TOML escape (JSON's escapes are TOML's); invalid UTF-8 goes between the quotes as it is.
fn quote(value: &[u8], syntax: Syntax) -> Vec<u8> {
    match (syntax, std::str::from_utf8(value)) {
        (Syntax::Delimited(_), _) => {
            let mut quoted = vec![b'"'];
            for &b in value {
                if b == b'"' {
                    quoted.push(b'"');
                }
                quoted.push(b);
            }
            quoted.push(b'"');
            quoted
        }
        (_, Ok(text)) => serde_json::to_string(text)
            .expect("a string serialises")
            .into_bytes(),
        (_, Err(_)) => [b"\"", value, b"\""].concat(),
    }
}

/// What a new store knows (the shipped themes and incident codes) plus what the boundary and
/// plan seeds teach the files read after them (buurt polygons, the plan), as the command line's
/// `import` collects it. The themes and incident code seeds are left out: they would replace
/// the shipped sets with the same or fewer entries.
pub fn reference_context() -> Context {
    let mut context = Context::default();
    learn(
        &mut context,
        &default_batch().expect("the shipped defaults are valid"),
    );
    for reader in READERS
        .iter()
        .filter(|r| matches!(r.kind, InputKind::AreasGeojson | InputKind::PlanToml))
    {
        let batch = read_file(
            &reader.seed_path(),
            reader.seed,
            &reader.options(false),
            &context,
        )
        .unwrap_or_else(|e| panic!("seed {} is refused: {e}", reader.seed));
        learn(&mut context, &batch);
    }
    context
}

/// Adds what a read batch defines to the context of the files after it.
pub fn learn(context: &mut Context, batch: &ImportBatch) {
    for area in &batch.areas {
        context.known_areas.insert(area.code.clone());
        if let (AreaLevel::Buurt, Some(geometry)) = (area.level, &area.geometry) {
            context
                .buurt_geometries
                .push((area.code.clone(), geometry.clone()));
        }
    }
    for plan in &batch.plans {
        context.plans.insert(plan.id.clone(), plan.clone());
    }
    if let Some(themes) = &batch.themes {
        context.theme_ids = themes.iter().map(|t| t.id.clone()).collect();
    }
    if let Some(codes) = &batch.incident_codes {
        context.incident_codes = codes
            .iter()
            .map(|c| (c.incident_code.clone(), c.category.clone()))
            .collect();
    }
}

/// One reading: the reader's answer, or the message of its panic.
pub type Reading = Result<Result<ImportBatch, ImportError>, String>;

/// Writes `input` to `dir` under the seed's name and reads it, catching a panic.
pub fn read_input(
    dir: &Path,
    reader: &Reader,
    input: &[u8],
    detect: bool,
    context: &Context,
) -> Reading {
    let path = dir.join(reader.seed);
    std::fs::write(&path, input).expect("the temporary directory is writable");
    if reader.kind == InputKind::AreasShapefile {
        for extension in ["shx", "dbf", "prj", "cpg"] {
            let sidecar = reader.seed_path().with_extension(extension);
            if sidecar.is_file() {
                std::fs::copy(&sidecar, path.with_extension(extension))
                    .expect("the temporary directory is writable");
            }
        }
    }
    if reader.kind == InputKind::SignalenDatawarehouseCsv {
        for related in ["locations", "categories"] {
            let name = reader.seed.replace("signals", related);
            std::fs::copy(reader.seed_path().with_file_name(&name), dir.join(&name))
                .expect("the temporary directory is writable");
        }
    }
    if matches!(
        reader.kind,
        InputKind::RegistrationsCsv | InputKind::RegistrationsXlsx
    ) {
        let stem = reader.seed.rsplit_once('.').map_or(reader.seed, |(s, _)| s);
        for sidecar in [
            format!("{stem}.mapping.toml"),
            format!("{stem}.adressen.csv"),
        ] {
            let from = reader.seed_path().with_file_name(&sidecar);
            if from.is_file() {
                std::fs::copy(&from, dir.join(&sidecar))
                    .expect("the temporary directory is writable");
            }
        }
    }
    let options = reader.options(detect);
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        read_file(&path, reader.seed, &options, context)
    }))
    .map_err(|payload| panic_message(payload.as_ref()))
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".to_owned())
}

/// Refusals about the file as a whole, which have no line or field to point at. Matched on a
/// fragment of their message; each says why it has no location.
pub const WHOLE_FILE_REFUSALS: &[(&str, &str)] = &[
    // Nothing in the file to point at.
    ("het bestand is leeg", "the file holds only white space"),
    // The absence of data lines has no line.
    (
        "het bestand heeft een kopregel maar geen gegevensregels",
        "a header without data lines",
    ),
    (
        "de export heeft een kopregel maar geen incidenten",
        "a BVH header without incidents",
    ),
    (
        "de export heeft een kopregel maar geen meldingen",
        "a Signalen header without meldingen",
    ),
    (
        "verwacht een GeoJSON FeatureCollection van meldingen",
        "Signalen JSON without a features array",
    ),
    (
        "geen begrotingsregels na de kopregel",
        "a budget header without lines",
    ),
    // The shape of a whole JSON document: the member that is missing has no position.
    (
        "verwacht een OData-JSON-pagina",
        "JSON without a \"value\" array",
    ),
    (
        "verwacht een OData-pagina met een array",
        "JSON without a \"value\" array",
    ),
    (
        "JSON, maar geen GeoJSON FeatureCollection",
        "detection found JSON of no known kind",
    ),
    (
        "verwacht een GeoJSON FeatureCollection van gebieden",
        "GeoJSON that is no FeatureCollection",
    ),
    (
        "de FeatureCollection heeft geen features",
        "a FeatureCollection without features",
    ),
    // Binary files broken beyond their records: nothing before the first record to point at.
    (
        "het .shp-bestand is onleesbaar",
        "a Shapefile whose header cannot be read",
    ),
    (
        "het .dbf-bestand is onleesbaar",
        "a DBF whose header cannot be read",
    ),
    (
        "de Shapefile heeft geen records",
        "a Shapefile without records",
    ),
    (
        "ontbreekt naast",
        "a Shapefile without its .dbf: the missing file has no line",
    ),
    (
        "geen GeoPackage: de tabellen gpkg_contents",
        "an SQLite file that is no GeoPackage, or whose damage SQLite meets first",
    ),
    ("geen leesbare GeoPackage", "a file SQLite cannot open"),
    (
        "de lagen van de GeoPackage zijn onleesbaar",
        "a GeoPackage whose list of layers is damaged",
    ),
    (
        "de GeoPackage heeft geen laag met features",
        "a GeoPackage without a feature layer",
    ),
    (
        "de laag is onleesbaar",
        "a layer SQLite cannot start reading: no feature to point at",
    ),
    (
        "geen enkele laag heeft gebiedscodes",
        "a GeoPackage whose layers have no code column",
    ),
    // A workbook broken beyond its rows, or without the sheet or mapping it is read with.
    (
        "het XLSX-bestand is onleesbaar",
        "a workbook whose zip or XML cannot be read: no row to point at",
    ),
    ("het blad is leeg", "a sheet without any cell"),
    (
        "de werkmap heeft geen blad",
        "the sheet the mapping names is absent",
    ),
    (
        "geen mappingbestand",
        "a file of registrations without its mapping: the missing file has no line",
    ),
    // What the file does not say anywhere.
    (
        "geen enkele feature heeft een gebiedscode",
        "a boundary file without any code property",
    ),
    (
        "het jaar van deze wijk- en buurtindeling is niet te bepalen",
        "a boundary file without a year",
    ),
];

/// Refusals that should name a line or feature but do not yet: (message fragment, why). The
/// test lets them pass so that it guards everything else; the campaign counts them. Empty since
/// areas.rs converts features one by one and names the feature the geojson crate cannot read.
pub const KNOWN_GAPS: &[(&str, &str)] = &[];

fn matches_any(message: &str, list: &[(&str, &str)]) -> bool {
    list.iter().any(|(fragment, _)| message.contains(fragment))
}

/// The problems of a refusal that have neither line nor field and are no whole-file refusal
/// (known gaps included).
pub fn unlocated_problems(error: &ImportError) -> usize {
    error
        .problems
        .iter()
        .filter(|p| p.line.is_none() && p.field.is_none())
        .filter(|p| !matches_any(&p.message, WHOLE_FILE_REFUSALS))
        .count()
}

/// Why a refusal breaks the rules (no problems, a problem naming another file, or a problem
/// without line or field that is neither a whole-file refusal nor a known gap), one sentence
/// per broken rule.
pub fn refusal_faults(error: &ImportError, file: &str) -> Vec<String> {
    let mut faults = Vec::new();
    if error.problems.is_empty() {
        faults.push("refused without a problem".to_owned());
    }
    for problem in &error.problems {
        if problem.file != file {
            faults.push(format!("names file '{}', not '{file}'", problem.file));
        }
        let located = problem.line.is_some() || problem.field.is_some();
        let excused = matches_any(&problem.message, WHOLE_FILE_REFUSALS)
            || matches_any(&problem.message, KNOWN_GAPS);
        if !located && !excused {
            faults.push(format!("no line or field: {}", problem.message));
        }
    }
    faults
}
