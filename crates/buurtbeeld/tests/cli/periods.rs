//! Periods as people read them (#20): no output of the demo meant for people shows an ISO range
//! such as `2023-01..2023-11`, `2015-03 tot 2015-12` or `2015-03-01 toegevoegd`.
//!
//! The demo store of the snapshots is reused; every command that prints for people runs on it
//! in its table form, every page of the menu and the main sub-pages are fetched from a running
//! server, and the council documents are written as HTML and as PDF (whose text lopdf reads).
//! JSON, CSV, URLs and form values keep ISO on purpose and are not checked: machines read them.

use crate::serve::Server;
use crate::snapshots::demo;

/// The first ISO range or ISO day with "toegevoegd" in `text`, with some context, if any.
fn iso_period_range(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for start in 0..bytes.len() {
        let at_word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if !at_word_start {
            continue;
        }
        let Some(mut i) = iso_month_at(bytes, start) else {
            continue;
        };
        if let Some(day) = iso_day_suffix(bytes, i) {
            i = day;
            if text[i..].starts_with(" toegevoegd") {
                return Some(context(text, start));
            }
        }
        let after_space = skip_spaces(bytes, i);
        let separator = ["..", "tot", "t/m", "–", "-"]
            .iter()
            .find(|s| text.get(after_space..).is_some_and(|t| t.starts_with(**s)));
        let Some(separator) = separator else {
            continue;
        };
        let next = skip_spaces(bytes, after_space + separator.len());
        if iso_month_at(bytes, next).is_some() {
            return Some(context(text, start));
        }
    }
    None
}

/// `dddd-dd` at `at`: the index after it.
fn iso_month_at(bytes: &[u8], at: usize) -> Option<usize> {
    let candidate = bytes.get(at..at + 7)?;
    let fits = candidate.iter().enumerate().all(|(k, b)| match k {
        4 => *b == b'-',
        _ => b.is_ascii_digit(),
    });
    fits.then_some(at + 7)
}

/// `-dd` at `at` (the day of an ISO date): the index after it.
fn iso_day_suffix(bytes: &[u8], at: usize) -> Option<usize> {
    let candidate = bytes.get(at..at + 3)?;
    let ends = !bytes.get(at + 3).is_some_and(u8::is_ascii_digit);
    (candidate[0] == b'-' && candidate[1..].iter().all(u8::is_ascii_digit) && ends)
        .then_some(at + 3)
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

fn context(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + 60).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    text[from..to].replace('\n', "⏎")
}

#[test]
fn the_checker_finds_iso_ranges_and_leaves_dutch_periods_alone() {
    for bad in [
        "Periode 2023-01..2023-11 vergeleken",
        "Fietsdiefstal, 2015-03 tot 2015-12, in",
        "2015-03 t/m 2015-12",
        "<td>2013-01 – 2016-06</td>",
        "2015-03-2015-12",
        "<li>2015-03-01 toegevoegd: Aanpak</li>",
        "van 2015-03-01 tot 2015-12-31",
    ] {
        assert!(iso_period_range(bad).is_some(), "{bad}");
    }
    for good in [
        "januari–november 2023",
        "maart 2015 t/m februari 2016",
        "jan–jun 2016 t.o.v. jan–jun 2015",
        "1 maart 2015 toegevoegd",
        "voorbeeldplan-groningen-2014-2017",
        "/api/v1/forecasts?from=2016-07&amp;format=csv",
        "2014–2017",
    ] {
        assert_eq!(iso_period_range(good), None, "{good}");
    }
}

/// Every command that prints for people, in its table form (arguments split at spaces).
const COMMANDS: &[&str] = &[
    "picture --area GM0014 --theme fietsdiefstal --year 2015",
    "picture --area GM0014 --theme fietsdiefstal --year 2016",
    "picture --area GM0014 --theme fietsdiefstal --year 2016 --month 2016-03",
    "picture --area WK001400 --theme fietsdiefstal --year 2015",
    "picture --area GM1581 --theme totaal --year 2023",
    "hotspots --area GM0014 --theme fietsdiefstal --period 2015",
    "hotspots --area GM0014 --theme fietsdiefstal --period 2016-03",
    "vis --area GM0014 --theme fietsdiefstal",
    "near-repeat --area GM0014 --theme fietsdiefstal",
    "density --area GM0014 --theme fietsdiefstal",
    "series --area GM0014 --category 1.2.3 --indeling 2017 --from 2015 --to 2016",
    "forecast --area GM0014 --level buurt --theme fietsdiefstal --from 2016-07 --horizon 6",
    "backtest --area GM0014 --level buurt --theme fietsdiefstal --from 2016-07 --horizon 1",
    "plan",
    "effect",
    "effect --intervention lokfietsen-stationsgebied-2015 --method all",
    "themes",
    "log",
    "formats",
];

/// Every page of the menu and the main sub-pages, the documents in HTML among them.
const PAGES: &[&str] = &[
    "/",
    "/?gemeente=GM0014&thema=fietsdiefstal&jaar=2016",
    "/?gemeente=GM1581",
    "/thema/fietsdiefstal?gemeente=GM0014",
    "/thema/fietsdiefstal?gemeente=GM0014&jaar=2016",
    "/thema/totaal?gemeente=GM1581",
    "/gebied/GM0014?jaar=2015",
    "/gebied/GM0014?jaar=2016",
    "/gebied/GM1581",
    "/gebied/WK001400",
    "/gebied/BU00140008",
    "/gegevens",
    "/actie",
    "/actie?gemeente=GM0014&thema=fietsdiefstal&jaar=2016&maand=3",
    "/vooruitblik",
    "/vooruitblik?gemeente=GM0014&thema=fietsdiefstal&gebied=BU00140008",
    "/bronnen",
    "/patronen",
    "/interventies",
    "/interventie/lokfietsen-stationsgebied-2015",
    "/plan",
    "/plan/acties",
    "/plan/begroting",
    "/plan/geschiedenis?plan=voorbeeldplan-groningen-2014-2017",
    "/documenten/veiligheidsbrief.html?plan=voorbeeldplan-groningen-2014-2017&jaar=2015",
    "/documenten/programma.html?plan=voorbeeldplan-groningen-2014-2017&jaar=2015",
];

/// The council documents, written by `buurtbeeld report` as HTML and as PDF.
const DOCUMENTS: &[&[&str]] = &[
    &["veiligheidsbrief"],
    &["wijkprofiel", "--area", "WK001400"],
    &["programma", "--year", "2015"],
];

#[test]
fn no_output_of_the_demo_shows_an_iso_range() {
    let demo = demo();
    let mut found = Vec::new();
    let mut check = |what: String, text: &str| {
        if let Some(hit) = iso_period_range(text) {
            found.push(format!("{what}: …{hit}…"));
        }
    };
    check("buurtbeeld demo".to_owned(), &demo.output);
    for command in COMMANDS {
        let args: Vec<&str> = command.split_whitespace().collect();
        let output = demo.workspace.run(&args);
        assert!(
            output.status.success(),
            "buurtbeeld {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        check(
            format!("buurtbeeld {}", args.join(" ")),
            &String::from_utf8_lossy(&output.stdout),
        );
    }

    let server = Server::start(&demo.workspace);
    for path in PAGES {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        check(format!("GET {path}"), &body);
    }

    let out = tempfile::tempdir().expect("temp dir");
    for args in DOCUMENTS {
        for extension in ["html", "pdf"] {
            let file = out.path().join(format!("{}.{extension}", args[0]));
            let file_arg = file.display().to_string();
            let mut command = vec!["report"];
            command.extend_from_slice(args);
            command.extend(["--out", file_arg.as_str()]);
            demo.workspace.ok(&command);
            let text = match extension {
                "html" => std::fs::read_to_string(&file).expect("document written"),
                _ => pdf_text(&file),
            };
            check(
                format!(
                    "buurtbeeld {} (.{extension})",
                    command[..command.len() - 2].join(" ")
                ),
                &text,
            );
        }
    }
    assert!(
        found.is_empty(),
        "ISO periods shown to people:\n{}",
        found.join("\n")
    );
}

/// The text of every page of a PDF, as lopdf reads it through the fonts' ToUnicode maps.
fn pdf_text(pdf: &std::path::Path) -> String {
    let document = lopdf::Document::load(pdf).expect("lopdf reads the PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).expect("the PDF's text")
}
