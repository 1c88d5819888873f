//! What the server leaves out of the store's records for its visitors, none of whom signs in
//! yet: the server's own paths (they tell an attacker how the machine is laid out) and who
//! imported (a colleague's login name is not public). `buurtbeeld log` on the server itself
//! still shows both.

use buurtbeeld_analysis::PlanReport;
use buurtbeeld_store::ImportLogEntry;
use serde::Serialize;

/// An import log entry as the API and the data page show it.
#[derive(Debug, Serialize)]
pub(crate) struct PublicImport {
    pub id: i64,
    /// The file's name, without the directory it was read from.
    pub file: String,
    pub kind: String,
    pub table_id: String,
    pub release: String,
    pub imported_at: String,
    pub rows: i64,
    pub checksum: String,
    pub summary: String,
}

impl From<ImportLogEntry> for PublicImport {
    fn from(entry: ImportLogEntry) -> PublicImport {
        PublicImport {
            id: entry.id,
            file: file_name(&entry.file).to_owned(),
            kind: entry.kind,
            table_id: entry.table_id,
            release: entry.release,
            imported_at: entry.imported_at,
            rows: entry.rows,
            checksum: entry.checksum,
            summary: public_summary(entry.summary),
        }
    }
}

/// The import summary (JSON text) with its file name in place of the path it was read from.
fn public_summary(summary: String) -> String {
    let Ok(mut parsed) = serde_json::from_str::<serde_json::Value>(&summary) else {
        return summary;
    };
    if let Some(file) = parsed.get("file").and_then(|f| f.as_str()) {
        parsed["file"] = file_name(file).into();
    }
    parsed.to_string()
}

/// The plan report without directories in its version history and without who imported.
pub(crate) fn public_plan(mut report: PlanReport) -> PlanReport {
    for version in &mut report.history {
        version.file = file_name(&version.file).to_owned();
        version.imported_by.clear();
    }
    report
}

/// The last component of a path as a Unix or Windows machine wrote it.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn a_path_is_shown_as_its_file_name() {
        assert_eq!(
            file_name("/srv/buurtbeeld/in/buurt2017.geojson"),
            "buurt2017.geojson"
        );
        assert_eq!(file_name("C:\\Users\\oov\\begroting.csv"), "begroting.csv");
        assert_eq!(file_name("buurt2017.geojson"), "buurt2017.geojson");
    }
}
