//! The police incident code → `SoortMisdrijf` mapping (CSV, `#` comments allowed).

use std::collections::BTreeMap;

use buurtbeeld_cube::{CategoryCode, ImportBatch, IncidentCodeRecord};

use crate::codelists::code_lists;
use crate::personal::ContentScan;
use crate::problem::{csv_problem, ImportError, Problems};
use crate::{text, Input, ReadOptions};

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let mut problems = Problems::new(input.name);
    let header = ["incident_code", "label", "category"];
    let mut csv = text::own_csv(input.name, text, input.delimiter, &header)?;
    // The label is the one free-text column; code and category are parsed.
    let mut scan = ContentScan::new(&header.map(str::to_owned), &[0, 2]);
    let mut records: BTreeMap<String, (u64, IncidentCodeRecord)> = BTreeMap::new();
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, input.delimiter);
                problems.add(line, None, message);
                continue;
            }
        };
        scan.observe_record(&record);
        let line = record.position().map_or(0, |p| p.line());
        let code = record.get(0).unwrap_or("").trim().to_owned();
        if code.is_empty() {
            problems.add(
                Some(line),
                Some("incident_code"),
                "leeg; verwacht een code zoals A72",
            );
            continue;
        }
        let category = match CategoryCode::parse(record.get(2).unwrap_or("")) {
            Ok(c) if code_lists().category(c.as_str()).is_some() && !c.is_total() => c,
            Ok(c) => {
                problems.add(
                    Some(line),
                    Some("category"),
                    format!("'{c}' is geen SoortMisdrijf-detailcode uit de codelijst van 47022NED"),
                );
                continue;
            }
            Err(e) => {
                problems.add(Some(line), Some("category"), e.to_string());
                continue;
            }
        };
        if let Some((first, _)) = records.get(&code) {
            problems.add(
                Some(line),
                Some("incident_code"),
                format!("{code} is twee keer gekoppeld (eerst op regel {first})"),
            );
            continue;
        }
        let label = record.get(1).unwrap_or("").trim().to_owned();
        records.insert(
            code.clone(),
            (
                line,
                IncidentCodeRecord {
                    incident_code: code,
                    label,
                    category,
                },
            ),
        );
    }
    scan.report_first(&mut problems, None);
    let rows = records.len() as u64;
    let batch = ImportBatch {
        source: Some(input.source_info("incident-codes-csv", "incident-codes", options, rows)),
        incident_codes: Some(records.into_values().map(|(_, r)| r).collect()),
        ..ImportBatch::default()
    };
    problems.finish(batch)
}
