//! Which document to write, for what, and in which format: the one dispatcher behind the
//! command line's `report` and the dashboard's `/documenten/…` downloads.

use buurtbeeld_cube::AreaCode;
use buurtbeeld_store::Store;

use crate::{programma, veiligheidsbrief, wijkprofiel, Document, DocumentError, PdfError};

/// The council documents buurtbeeld writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Veiligheidsbrief,
    Wijkprofiel,
    Programma,
}

impl DocumentKind {
    /// By its name in a file name or URL, e.g. `veiligheidsbrief`.
    pub fn parse(name: &str) -> Option<DocumentKind> {
        match name {
            "veiligheidsbrief" => Some(DocumentKind::Veiligheidsbrief),
            "wijkprofiel" => Some(DocumentKind::Wijkprofiel),
            "programma" => Some(DocumentKind::Programma),
            _ => None,
        }
    }
}

/// The file format, chosen by the extension of the file asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    Html,
}

impl DocumentFormat {
    /// `pdf`, or `html`/`htm`, in any case.
    pub fn from_extension(extension: &str) -> Option<DocumentFormat> {
        match extension.to_ascii_lowercase().as_str() {
            "pdf" => Some(DocumentFormat::Pdf),
            "html" | "htm" => Some(DocumentFormat::Html),
            _ => None,
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// What a document is about. The plan is resolved by the caller (the command line refuses an
/// ambiguous store, the dashboard shows the first plan).
#[derive(Debug, Clone)]
pub struct DocumentRequest {
    pub kind: DocumentKind,
    pub plan: Option<String>,
    /// The wijk or buurt of a wijkprofiel.
    pub area: Option<AreaCode>,
    /// Default: the latest complete year (programma: the latest year with a budget or actions).
    pub year: Option<i32>,
    /// The date line, in Dutch.
    pub date: String,
}

/// The document asked for.
pub fn write_document(store: &Store, request: &DocumentRequest) -> Result<Document, DocumentError> {
    let (year, date) = (request.year, request.date.as_str());
    match request.kind {
        DocumentKind::Wijkprofiel => {
            let area = request.area.as_ref().ok_or(DocumentError::NeedsArea)?;
            wijkprofiel(store, area, year, date)
        }
        DocumentKind::Programma => {
            let plan = request.plan.as_deref().ok_or(DocumentError::NoPlan)?;
            programma(store, plan, year, date)
        }
        DocumentKind::Veiligheidsbrief => {
            let plan = request.plan.as_deref().ok_or(DocumentError::NoPlan)?;
            veiligheidsbrief(store, plan, year, date)
        }
    }
}

/// The document's bytes in `format`, with its page count for a PDF.
pub fn document_bytes(
    document: &Document,
    format: DocumentFormat,
) -> Result<(Vec<u8>, Option<usize>), PdfError> {
    match format {
        DocumentFormat::Pdf => {
            let rendered = document.to_pdf()?;
            Ok((rendered.bytes, Some(rendered.pages)))
        }
        DocumentFormat::Html => Ok((document.to_html().into_bytes(), None)),
    }
}
