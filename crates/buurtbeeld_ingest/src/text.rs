//! Reading input bytes: checksums, BOMs and text encodings.

use sha2::{Digest, Sha256};

use crate::problem::{ImportError, Problems};

pub fn checksum(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, read in large blocks.
pub fn checksum_of_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Strips a UTF-8 byte order mark, as the CBS/Politie portal writes one.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Decodes a file that must be UTF-8 (all CBS/Politie formats), naming the line of the first
/// invalid byte otherwise.
pub fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    let bytes = strip_bom(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Problems::new(file).fatal(
            Some(line),
            None,
            format!(
                "het bestand is geen geldige UTF-8 (byte 0x{:02X} op positie {}); CBS en Politie \
                 publiceren UTF-8: sla het bestand opnieuw op als UTF-8 of download het opnieuw",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            ),
        )
    })
}

/// Decodes a police BVH export: Windows-1252 as delivered, or UTF-8 if re-saved that way.
pub fn utf8_or_windows_1252(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = strip_bom(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The largest count a series cell holds: cells are packed as `i32` (`cube::Series` and the
/// store's blobs), so a larger count would be kept as another number.
pub const MAX_COUNT: u32 = i32::MAX as u32;

/// The days of a month in the Gregorian calendar, for checking the dates exports write.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a count cell: empty means withheld; whole numbers, also written as `37.0`.
pub fn parse_count(raw: &str) -> Result<Option<u32>, String> {
    let cell = raw.trim();
    if cell.is_empty() || cell == "." {
        return Ok(None);
    }
    let whole = cell.strip_suffix(".0").unwrap_or(cell);
    match whole.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!(
            "'{raw}' is negatief; verwacht een aantal (een geheel getal van 0 of meer), of een lege cel voor een geheimgehouden cijfer"
        )),
        Ok(n) => u32::try_from(n)
            .ok()
            .filter(|&n| n <= MAX_COUNT)
            .map(Some)
            .ok_or_else(|| format!("'{raw}' is te groot voor een aantal")),
        Err(_) => Err(format!(
            "'{raw}' is geen aantal; verwacht een geheel getal van 0 of meer, of een lege cel voor een geheimgehouden cijfer"
        )),
    }
}

/// A CSV reader as every reader here uses it. Records end at `\n` only, so that line numbers
/// count lines the way an editor does for CRLF files too (a trailing `\r` is trimmed with the
/// field); quoted fields may still hold line breaks.
pub fn csv_builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 20);
    builder
}

/// Explains a line that is not UTF-8, naming the offending byte.
pub fn not_utf8(bytes: &[u8], error: &std::str::Utf8Error) -> String {
    format!(
        "de regel is geen geldige UTF-8 (byte 0x{:02X}); CBS en Politie publiceren UTF-8: sla het \
         bestand op als UTF-8",
        bytes[error.valid_up_to()]
    )
}

/// A TOML parser's message in Dutch where it is one of serde's usual phrasings (a missing or
/// unknown field, a value of the wrong type); other (syntax) messages are kept as the parser
/// wrote them, named as such.
pub fn toml_message(message: &str) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("veld {rest} ontbreekt");
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let rest = rest
            .replacen(", expected one of ", ", verwacht een van ", 1)
            .replacen(", expected ", ", verwacht ", 1)
            .replacen(", there are no fields", ", hier horen geen velden", 1);
        return format!("onbekend veld {rest}");
    }
    for (english, dutch) in [
        ("invalid type: ", "ongeldig type: "),
        ("invalid value: ", "ongeldige waarde: "),
        ("invalid length ", "ongeldige lengte "),
    ] {
        if let Some(rest) = message.strip_prefix(english) {
            let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
            let found = found
                .replacen("string ", "tekst ", 1)
                .replacen("integer ", "geheel getal ", 1)
                .replacen("floating point ", "kommagetal ", 1)
                .replacen("boolean ", "waar/onwaar ", 1);
            let expected = match expected {
                "" => String::new(),
                "f64" | "f32" => ", verwacht een getal (f64)".to_owned(),
                "i32" | "i64" | "u32" | "u64" => {
                    format!(", verwacht een geheel getal ({expected})")
                }
                "a string" => ", verwacht een tekst".to_owned(),
                "a sequence" => ", verwacht een lijst".to_owned(),
                "a boolean" => ", verwacht true of false".to_owned(),
                other => format!(", verwacht {other}"),
            };
            return format!("{dutch}{found}{expected}");
        }
    }
    if let Some(rest) = message.strip_prefix("duplicate key ") {
        return format!("sleutel {rest} komt twee keer voor");
    }
    format!("fout in de TOML-opmaak ({message})")
}

/// A number with its noun, singular or plural: `1 gebied`, `12.399 regels`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {noun}", buurtbeeld_cube::dutch::integer(n))
}

/// The 1-based line of a byte offset, for TOML spans.
pub fn line_of(text: &str, offset: usize) -> u64 {
    text[..offset.min(text.len())].matches('\n').count() as u64 + 1
}

/// Whether `id` is an identifier of buurtbeeld's own files: lowercase letters, digits and `-`.
pub fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A CSV reader over buurtbeeld's own files (`#` comment lines allowed) whose header must be
/// exactly `expected`.
pub fn own_csv<'a>(
    name: &str,
    text: &'a str,
    delimiter: u8,
    expected: &[&str],
) -> Result<csv::Reader<&'a [u8]>, ImportError> {
    let mut csv = csv_builder(delimiter)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = csv.headers().map_err(|e| {
        Problems::new(name).fatal(Some(1), None, format!("onleesbare kopregel: {e}"))
    })?;
    if headers.iter().map(str::trim).ne(expected.iter().copied()) {
        return Err(Problems::new(name).fatal(
            headers.position().map(|p| p.line()),
            None,
            format!("verwacht de kopregel {}", expected.join(";")),
        ));
    }
    Ok(csv)
}
