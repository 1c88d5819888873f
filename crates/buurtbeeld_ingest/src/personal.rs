//! Refusal of person-identifying fields: buurtbeeld works on counts and anonymous incidents only.

use std::collections::BTreeSet;

use crate::problem::{ImportError, Problems};

/// Column-name fragments that identify persons. Matched on the lower-cased name with spaces,
/// dashes and underscores removed. Location fields of an offence (street, postcode) are not in
/// this list: BVH exports carry them, and the incident reader drops them without storing them.
const PERSONAL_FRAGMENTS: &[&str] = &[
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "voornaam",
    "achternaam",
    "voorletters",
    "tussenvoegsel",
    "geboortedatum",
    "geboorteplaats",
    "geboortejaar",
    "naamverdachte",
    "naamaangever",
    "naamslachtoffer",
    "verdachtenaam",
    "persoonsnaam",
    "telefoon",
    "email",
    "emailadres",
    "kenteken",
    "paspoort",
    "rijbewijs",
    "iban",
    "rekeningnummer",
];

/// Whole column names that identify persons.
const PERSONAL_NAMES: &[&str] = &[
    "naam",
    "name",
    "aangever",
    "verdachte",
    "slachtoffer",
    "melder",
    "geslacht",
    "leeftijd",
];

/// The trimmed header row of a CSV (BOM removed); every column that looks like personal data is
/// recorded as a problem on line 1.
pub(crate) fn checked_headers<R: std::io::Read>(
    file: &str,
    csv: &mut csv::Reader<R>,
    problems: &mut Problems,
) -> Result<Vec<String>, ImportError> {
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|e| Problems::new(file).fatal(Some(1), None, format!("onleesbare kopregel: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(crate::text::strip_bom(h))
                .trim()
                .to_owned()
        })
        .collect();
    for h in &headers {
        if let Some(why) = personal_field(h) {
            problems.add(Some(1), Some(h), why);
        }
    }
    Ok(headers)
}

/// Records each personal field of a JSON object (a GeoJSON feature's properties, an OData record)
/// that `reported` does not hold yet, so that a file names each such field once.
pub(crate) fn report_personal_keys(
    problems: &mut Problems,
    at: Option<u64>,
    object: &serde_json::Map<String, serde_json::Value>,
    reported: &mut BTreeSet<String>,
) {
    for key in object.keys() {
        if let Some(why) = personal_field(key) {
            if reported.insert(key.clone()) {
                problems.add(at, Some(key), why);
            }
        }
    }
}

/// If the column looks like personal data, says why.
pub fn personal_field(column: &str) -> Option<String> {
    let key: String = column
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.' | '/'))
        .collect();
    let hit = PERSONAL_NAMES.contains(&key.as_str())
        || PERSONAL_FRAGMENTS.iter().any(|f| key.contains(f));
    hit.then(|| {
        format!(
            "kolom '{column}' lijkt persoonsgegevens te bevatten; buurtbeeld slaat geen gegevens \
             op die personen herkenbaar maken: verwijder de kolom en importeer opnieuw"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::personal_field;

    #[test]
    fn refuses_person_fields_but_not_area_names() {
        for bad in [
            "BSN",
            "Naam",
            "Geboortedatum",
            "Naam verdachte",
            "E-mail",
            "Kenteken",
        ] {
            assert!(personal_field(bad).is_some(), "{bad}");
        }
        for ok in [
            "BU_NAAM",
            "Gemeentenaam_2",
            "Pleegstraatnaam",
            "Verdachten",
            "statnaam",
            "Wijken en buurten",
        ] {
            assert!(personal_field(ok).is_none(), "{ok}");
        }
    }
}
