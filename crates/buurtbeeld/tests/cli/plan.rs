//! The safety plan, its action points and budget, and the Veiligheidsbrief written from them:
//! imported from the transcribed real documents, and the generated PDF read back as text and
//! rendered to page images, as a reader would.

use std::path::Path;
use std::sync::{Arc, Mutex};

use hayro::hayro_interpret::{InterpreterSettings, InterpreterWarning};
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

use crate::harness::{fixture, Workspace};

/// The PDF's text in drawing order, page by page, read in-process by lopdf through each font's
/// ToUnicode map: one line per text object, as our PDFs draw one line of text per object.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let document =
        lopdf::Document::load(pdf).unwrap_or_else(|e| panic!("lopdf reads {}: {e}", pdf.display()));
    document
        .get_pages()
        .keys()
        .map(|&number| {
            let text = document
                .extract_text(&[number])
                .unwrap_or_else(|e| panic!("no text on page {number}: {e}"));
            // lopdf ends every TJ array with a space; drop it so a line reads as drawn.
            text.lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// Whitespace collapsed, so a phrase matches across the line breaks of a table cell.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn budget_import_reports_every_year_whose_lines_miss_the_stated_total() {
    let workspace = Workspace::new();
    let output = workspace.run(&[
        "import",
        &fixture("plan/nijmegen_veiligheidsplan_2022_2026.toml")
            .display()
            .to_string(),
        &fixture("plan/nijmegen_begroting_2022_2026.csv")
            .display()
            .to_string(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for (year, lines, stated) in [
        (2022, "6.706", "16.848"),
        (2023, "17.056", "17.198"),
        (2024, "17.063", "17.205"),
        (2025, "16.872", "17.014"),
        (2026, "16.872", "17.014"),
    ] {
        let line = report
            .lines()
            .find(|l| l.contains(&year.to_string()) && l.contains(stated))
            .unwrap_or_else(|| panic!("no mismatch reported for {year}:\n{report}"));
        assert!(line.contains(lines), "{year}: {line}");
    }
}

#[test]
fn veiligheidsbrief_accounts_for_all_sixteen_nieuwegein_action_points() {
    let workspace = Workspace::new();
    workspace.import(&[
        &fixture("plan/nieuwegein_ivp_2017_2020.toml"),
        &fixture("plan/nieuwegein_acties_2019.toml"),
    ]);
    let pdf = workspace.dir.path().join("brief.pdf");
    workspace.ok(&[
        "report",
        "veiligheidsbrief",
        "--year",
        "2019",
        "--out",
        &pdf.display().to_string(),
    ]);
    let pages = pdf_pages(&pdf);
    let text = words(&pages.join(" "));
    assert!(text.contains("Verantwoording actiepunten 2019"), "{text}");
    assert!(
        text.contains(
            "16 actiepunten (6 gerealiseerd, 2 deels, 1 niet gerealiseerd, \
             7 doorlopend)"
        ),
        "{text}"
    );
    let table: &str = text
        .split_once("Tabel")
        .map(|(_, rest)| rest)
        .expect("the accountability table");
    // Every action point's number appears in the table, in order, each followed by its text.
    let plan = std::fs::read_to_string(fixture("plan/nieuwegein_acties_2019.toml")).unwrap();
    let first_words: Vec<String> = plan
        .lines()
        .filter_map(|l| l.strip_prefix("gepland = \""))
        .map(|g| {
            let text = g.split('"').next().unwrap_or_default();
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(first_words.len(), 16);
    let mut rest = table;
    for (number, words) in first_words.iter().enumerate() {
        let at = rest
            .find(words.as_str())
            .unwrap_or_else(|| panic!("action {} ('{words}') not in the table", number + 1));
        rest = &rest[at..];
    }
}

/// A page rendered to grey pixels at 72 dpi (1 pixel per point) by hayro, in-process.
struct PageImage {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn render_pages(pdf: &Path) -> Vec<PageImage> {
    let pdf = Pdf::new(std::fs::read(pdf).expect("the PDF")).expect("hayro reads the PDF");
    // A font hayro cannot load would be left out silently: collect its warnings and fail on any.
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let settings = InterpreterSettings {
        warning_sink: Arc::new(move |w: InterpreterWarning| sink.lock().unwrap().push(w)),
        ..Default::default()
    };
    let cache = RenderCache::new();
    // Opaque white paper, as a reader sees it; unscaled, so 1 pixel is 1 point.
    let paper = PixmapSettings {
        bg_color: WHITE,
        ..Default::default()
    };
    let images = pdf
        .pages()
        .iter()
        .map(|page| {
            let pixmap = hayro::render(page, &cache, &settings, &RenderSettings::default(), &paper);
            // Grey (BT.601 luma) of each pixel; the paper is opaque, so the premultiplied RGBA
            // hayro gives is plain RGB.
            PageImage {
                width: usize::from(pixmap.width()),
                height: usize::from(pixmap.height()),
                pixels: pixmap
                    .data()
                    .iter()
                    .map(|p| {
                        let luma =
                            299 * u32::from(p.r) + 587 * u32::from(p.g) + 114 * u32::from(p.b);
                        (luma / 1000) as u8
                    })
                    .collect(),
            }
        })
        .collect();
    let warnings = warnings.lock().unwrap();
    assert!(warnings.is_empty(), "hayro: {warnings:?}");
    images
}

/// After `buurtbeeld demo`, the Veiligheidsbrief of the example plan is written and reads
/// right: page numbers, headings, the figures of the store, and nothing drawn in the margins.
#[test]
fn demo_veiligheidsbrief_matches_the_store_and_stays_inside_its_margins() {
    let workspace = Workspace::new();
    workspace.ok(&["demo"]);
    let pdf = workspace.dir.path().join("brief.pdf");
    let output = workspace.run(&[
        "report",
        "veiligheidsbrief",
        "--out",
        &pdf.display().to_string(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let message = String::from_utf8_lossy(&output.stderr).into_owned();

    let pages = pdf_pages(&pdf);
    assert!(pages.len() >= 4, "{} pages", pages.len());
    assert!(
        message.contains(&format!("({} pagina's", pages.len())),
        "{message}"
    );
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("pagina {} van {}", i + 1, pages.len());
        assert!(page.contains(&footer), "page {}: no '{footer}'", i + 1);
        assert!(
            // The demo's figures are the police's BVH registrations of Groningen.
            page.contains("Bron: Politie (BVH-registraties, via de gemeente)"),
            "page {}: no attribution",
            i + 1
        );
    }
    let text = words(&pages.join(" "));
    // The latest complete year of the demo data is 2015.
    for heading in [
        "Veiligheidsbrief 2015",
        "Inhoud",
        "1 Inleiding",
        "2 Criminaliteitsbeeld 2015",
        "Doelen en voortgang",
        "Verantwoording actiepunten 2015",
        "Prioriteiten en acties 2016",
        "Begroting en realisatie 2015",
        "Bronnen en werkwijze",
    ] {
        assert!(text.contains(heading), "no heading '{heading}'");
    }

    // Key figures, as the store gives them.
    let picture: serde_json::Value = serde_json::from_str(&workspace.ok(&[
        "picture",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--year",
        "2015",
        "--format",
        "json",
    ]))
    .unwrap();
    let own = &picture["rows"][0];
    let count = own["count"].as_u64().unwrap();
    let previous = own["previous_count"].as_u64().unwrap();
    let dutch = |n: u64| buurtbeeld_cube::dutch::integer(n);
    let row = format!("Fietsdiefstal {} {}", dutch(previous), dutch(count));
    assert!(text.contains(&row), "no '{row}' in the crime table");
    let plan: serde_json::Value =
        serde_json::from_str(&workspace.ok(&["plan", "--format", "json"])).unwrap();
    let actions_2015 = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|set| set["year"] == 2015)
        .expect("actions of 2015");
    let n = actions_2015["actions"].as_array().unwrap().len();
    assert!(
        text.contains(&format!("{n} actiepunten (")),
        "no count of {n} actions"
    );

    // Rendered as a reader sees it (A4 = 595,3 × 841,9 pt; hayro cuts off the fraction): every
    // page, and nothing in the side margins (an overflowing table or figure would draw there).
    let images = render_pages(&pdf);
    assert_eq!(images.len(), pages.len());
    for (i, image) in images.iter().enumerate() {
        assert_eq!(
            (image.width, image.height),
            (595, 841),
            "page {} is not A4",
            i + 1
        );
        let margin = 56;
        let inked = (0..image.height).any(|y| {
            (0..margin)
                .chain(image.width - margin..image.width)
                .any(|x| image.pixels[y * image.width + x] < 200)
        });
        assert!(
            !inked,
            "page {}: something is drawn in a side margin",
            i + 1
        );
        let body_ink = image.pixels.iter().filter(|p| **p < 200).count();
        assert!(body_ink > 1000, "page {} is nearly empty", i + 1);
    }
}

#[test]
fn wijkprofiel_and_programma_are_written_from_the_demo_store() {
    let workspace = Workspace::new();
    workspace.ok(&["demo"]);

    let wijk = workspace.dir.path().join("wijk.pdf");
    workspace.ok(&[
        "report",
        "wijkprofiel",
        "--area",
        "WK001400",
        "--out",
        &wijk.display().to_string(),
    ]);
    let text = words(&pdf_pages(&wijk).join(" "));
    assert!(text.contains("Wijkprofiel Centrum 2015"), "{text}");
    let picture: serde_json::Value = serde_json::from_str(&workspace.ok(&[
        "picture",
        "--area",
        "WK001400",
        "--theme",
        "fietsdiefstal",
        "--year",
        "2015",
        "--format",
        "json",
    ]))
    .unwrap();
    let own = &picture["rows"][0];
    let dutch = |key: &str| buurtbeeld_cube::dutch::integer(own[key].as_u64().unwrap());
    let row = format!(
        "Fietsdiefstal {} {}",
        dutch("previous_count"),
        dutch("count")
    );
    assert!(text.contains(&row), "no '{row}' in {text}");
    // The example plan's 2015 actions in Centrum (WK001400 or one of its buurten): 1-4, 9, 10.
    assert!(text.contains("Actiepunten 2015 in deze wijk"), "{text}");
    assert!(text.contains("Centrum en Groningen"), "{text}");

    let programma = workspace.dir.path().join("programma.html");
    workspace.ok(&[
        "report",
        "programma",
        "--year",
        "2015",
        "--out",
        &programma.display().to_string(),
    ]);
    let html = std::fs::read_to_string(&programma).unwrap();
    for question in [
        "Wat willen we bereiken?",
        "Wat gaan we daarvoor doen?",
        "Wat mag het kosten?",
    ] {
        assert!(html.contains(question), "no '{question}'");
    }
    // Per taakveld: brandweer (1.1) alone, the rest under 1.2; together the lines' total.
    assert!(
        html.contains("<td>1.1 Crisisbeheersing en brandweer</td><td class=\"num\">13.480</td>"),
        "{html}"
    );
    assert!(html.contains("<td>Totaal van de regels</td><td></td><td class=\"num\">15.520</td>"));

    let refused = workspace.run(&["report", "wijkprofiel", "--out", "x.pdf"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("vraagt --area"));
}

/// The plan files written by `plan --export` read back to the same plan, action points and
/// budget, and a second export of the re-imported plan gives the same bytes.
#[test]
fn an_exported_plan_imports_back_unchanged() {
    let original = Workspace::new();
    original.import(&[
        &fixture("plan/nieuwegein_ivp_2017_2020.toml"),
        &fixture("plan/nieuwegein_acties_2019.toml"),
    ]);
    original.import(&[
        &fixture("plan/nijmegen_veiligheidsplan_2022_2026.toml"),
        &fixture("plan/nijmegen_begroting_2022_2026.csv"),
    ]);
    let copy = Workspace::new();
    let mut exported = Vec::new();
    for id in [
        "ivp-nieuwegein-2017-2020",
        "veiligheidsplan-nijmegen-2022-2026",
    ] {
        let dir = original.dir.path().join(id);
        let listed = original.ok(&["plan", "--id", id, "--export", &dir.display().to_string()]);
        let files: Vec<&Path> = listed.lines().map(Path::new).collect();
        assert!(files.len() >= 2, "{listed}");
        copy.import(&files);
        exported.push(dir);
    }
    let measured = |w: &Workspace, id: &str| -> serde_json::Value {
        let mut report: serde_json::Value =
            serde_json::from_str(&w.ok(&["plan", "--id", id, "--format", "json"])).unwrap();
        report.as_object_mut().unwrap().remove("history");
        report
    };
    for (id, first) in [
        "ivp-nieuwegein-2017-2020",
        "veiligheidsplan-nijmegen-2022-2026",
    ]
    .iter()
    .zip(&exported)
    {
        assert_eq!(measured(&original, id), measured(&copy, id), "{id}");
        let again = copy.dir.path().join(format!("{id}-again"));
        copy.ok(&["plan", "--id", id, "--export", &again.display().to_string()]);
        for entry in std::fs::read_dir(first).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                std::fs::read_to_string(again.join(name)).unwrap(),
                "{}",
                path.display()
            );
        }
    }
}
