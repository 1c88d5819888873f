//! Every council document of the demo written as a tagged PDF under krilla's PDF/UA-1 check,
//! and the Veiligheidsbrief's key messages built from the demo's figures.

#[path = "../../buurtbeeld_analysis/tests/common/mod.rs"]
mod common;

use buurtbeeld_cube::AreaCode;
use buurtbeeld_document::{
    render_pdf, write_document, Block, Document, DocumentKind, DocumentRequest,
};

const PLAN: &str = "voorbeeldplan-groningen-2014-2017";

fn document(kind: DocumentKind, area: Option<&str>, year: Option<i32>) -> Document {
    let request = DocumentRequest {
        kind,
        plan: Some(PLAN.to_owned()),
        area: area.map(|code| AreaCode::parse(code).expect("a valid code")),
        year,
        date: "29 november 2026".to_owned(),
    };
    write_document(&common::store(), &request).expect("the demo's document")
}

/// The council documents the command line and the dashboard write from the demo.
fn demo_documents() -> Vec<(&'static str, Document)> {
    vec![
        (
            "veiligheidsbrief",
            document(DocumentKind::Veiligheidsbrief, None, None),
        ),
        (
            "wijkprofiel",
            document(DocumentKind::Wijkprofiel, Some("WK001400"), None),
        ),
        (
            "programma",
            document(DocumentKind::Programma, None, Some(2015)),
        ),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn every_demo_document_is_a_tagged_pdf_that_passes_pdf_ua_1() {
    for (name, document) in demo_documents() {
        // render_pdf writes with krilla's UA-1 validator on: Ok means it found nothing.
        let pdf = render_pdf(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        for marker in [
            &b"/Marked true"[..],
            b"/StructTreeRoot",
            b"/Lang(nl)",
            b"/DisplayDocTitle true",
            b"pdfuaid:part",
        ] {
            assert!(
                contains(&pdf.bytes, marker),
                "{name}: no {}",
                String::from_utf8_lossy(marker)
            );
        }
    }
}

#[test]
fn every_figure_has_a_text_alternative_from_its_svg() {
    for (name, document) in demo_documents() {
        for block in &document.blocks {
            if let Block::Figure { alt, caption, .. } = block {
                assert!(!alt.is_empty(), "{name}: {caption}");
                assert_ne!(
                    alt, caption,
                    "{name}: the SVG's own <desc> is the alternative"
                );
            }
        }
    }
}

#[test]
fn the_demo_brief_opens_with_its_key_messages() {
    let brief = document(DocumentKind::Veiligheidsbrief, None, None);
    assert_eq!(
        brief.blocks[0],
        Block::Heading(1, "Kernboodschappen".to_owned())
    );
    let Block::Bullets(messages) = &brief.blocks[1] else {
        panic!("the key messages are a list: {:?}", brief.blocks[1]);
    };
    assert!((1..=5).contains(&messages.len()), "{messages:#?}");
    assert_eq!(
        messages[0],
        "Fietsdiefstal steeg in 2015 met 5,9% tot 3.572 geregistreerde misdrijven; dat is meer \
         dan toeval."
    );
    // Before the contents and the introduction.
    assert_eq!(brief.blocks[2], Block::Contents);
}
