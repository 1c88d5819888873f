//! The council documents of buurtbeeld: the Veiligheidsbrief, the wijkprofiel and the
//! programma, built from the analysis use-cases as one `Document` model (headings, paragraphs,
//! tables, figures) and written as PDF (our own A4 layout on krilla, in-process) or as one HTML
//! file.
//!
//! Knows no input format, no HTTP and no command line.

mod document;
mod error;
mod own_sources;
mod pdf;
mod programma;
mod request;
mod veiligheidsbrief;
mod wijkprofiel;

pub use document::{Block, DocTable, Document, Tone, HTML_STYLE};
pub use error::DocumentError;
pub use pdf::{render_pdf, PdfError, RenderedPdf};
pub use programma::programma;
pub use request::{document_bytes, write_document, DocumentFormat, DocumentKind, DocumentRequest};
pub use veiligheidsbrief::{
    action_summary, action_table, bbv_table, budget_table, dutch_date, goals_table, mismatch_notes,
    veiligheidsbrief, BBV_NOTE,
};
pub use wijkprofiel::wijkprofiel;
