//! Tables as downloaded from StatLine (opendata.cbs.nl, data.politie.nl: "Download → CSV"):
//! title lines above the header and footer lines below the data, which the CSV readers must
//! neither take as the header nor as data.
//!
//! Such a file looks like this (the portal export of 47022NED, `;` and quotes as written):
//!
//! ```text
//! "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, maand"
//! "Soort misdrijf";"Perioden";"Wijken en buurten";"Geregistreerde misdrijven (aantal)"
//! "Totaal misdrijven";"2022 december";"Utrechtse Heuvelrug";129
//! …
//! "Bron: CBS"
//! "© Centraal Bureau voor de Statistiek, Den Haag/Heerlen 28-11-2026"
//! ```
//!
//! A title line is one quoted field (it may hold the separator: "…; soort misdrijf, …"). A footer
//! starts at the first line after the header that is one field beginning with `Bron`, `©`,
//! `(c)`, `Copyright` or `Centraal Bureau voor de Statistiek`; after it only single-field lines
//! (sources, notes) and blank lines may follow. Anything else there is refused with its line, so
//! that data is never dropped silently, e.g. when two downloads were pasted together.

use std::borrow::Cow;

use crate::problem::{ImportError, Problems};

/// How footer lines start (compared without case).
const FOOTER_STARTS: [&str; 5] = [
    "bron",
    "©",
    "(c)",
    "copyright",
    "centraal bureau voor de statistiek",
];

/// The text of a line that is one quoted CSV field (`""` inside stands for `"`), followed by
/// nothing but separators, blanks or empty quoted fields.
fn single_quoted_field(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix('"')?;
    let mut field = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            field.push(c);
        } else if chars.peek().is_some_and(|(_, next)| *next == '"') {
            chars.next();
            field.push('"');
        } else {
            let after = rest[i + 1..].replace("\"\"", "");
            return after
                .chars()
                .all(|c| matches!(c, ';' | ',' | '\t' | ' ' | '\r'))
                .then_some(field);
        }
    }
    None
}

/// Whether a line is a StatLine title line: one quoted field.
pub(crate) fn is_title_line(line: &str) -> bool {
    single_quoted_field(line).is_some_and(|f| !f.trim().is_empty())
}

/// The text of a line that is one field: quoted, or unquoted without the separator.
fn single_field(line: &str, delimiter: u8) -> Option<String> {
    single_quoted_field(line).or_else(|| {
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.contains(char::from(delimiter)) && !trimmed.contains('"'))
            .then(|| trimmed.to_owned())
    })
}

fn is_footer_line(line: &str, delimiter: u8) -> bool {
    single_field(line, delimiter).is_some_and(|field| {
        let lower = field.trim().to_lowercase();
        FOOTER_STARTS.iter().any(|start| lower.starts_with(start))
    })
}

/// The text the CSV readers see: title lines above the header blanked (their line breaks kept,
/// so that line numbers stay those of the file) and the footer cut off. A footer followed by
/// more data is refused, naming each such line.
pub(crate) fn frame<'t>(
    name: &str,
    text: &'t str,
    delimiter: u8,
) -> Result<Cow<'t, str>, ImportError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let titles = lines
        .iter()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || is_title_line(l))
        .count();
    let titled = lines[..titles].iter().any(|l| is_title_line(l));
    // The header is the first line after the titles; the footer starts below it.
    let footer = lines
        .iter()
        .enumerate()
        .skip(titles + 1)
        .find(|(_, l)| is_footer_line(l, delimiter))
        .map(|(i, _)| i);
    if !titled && footer.is_none() {
        return Ok(Cow::Borrowed(text));
    }
    if let Some(footer) = footer {
        let mut problems = Problems::new(name);
        let first = single_field(lines[footer], delimiter).unwrap_or_default();
        for (i, line) in lines.iter().enumerate().skip(footer + 1) {
            if line.trim().is_empty() || single_field(line, delimiter).is_some() {
                continue;
            }
            problems.add(
                Some(i as u64 + 1),
                None,
                format!(
                    "gegevens na de voetregel '{}' op regel {}; een download van StatLine eindigt \
                     met bron- en copyrightregels, verwacht daarna geen gegevens meer (zijn twee \
                     bestanden aan elkaar geplakt? importeer ze apart)",
                    first.trim(),
                    footer + 1
                ),
            );
        }
        if !problems.is_empty() {
            return Err(problems.into_error());
        }
    }
    let mut framed = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if footer.is_some_and(|f| i >= f) {
            break;
        }
        if i < titles && is_title_line(line) {
            framed.push('\n');
        } else {
            framed.push_str(line);
        }
    }
    Ok(Cow::Owned(framed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_one_quoted_field_even_with_the_separator_inside() {
        assert!(is_title_line(
            "\"Geregistreerde misdrijven; soort misdrijf, wijk, buurt, maand\"\r\n"
        ));
        assert!(is_title_line("\"Bevolking; kerncijfers\";;;"));
        assert!(!is_title_line("\"Soort misdrijf\";\"Perioden\""));
        assert!(!is_title_line("code;year;inhabitants"));
        assert!(!is_title_line("\"\""));
    }

    #[test]
    fn titles_are_blanked_and_the_footer_cut() {
        let text = "\u{feff}\"Titel; ondertitel\"\n\"a\";\"b\"\n\"x\";1\n\"Bron: CBS\"\n\"© Centraal Bureau voor de Statistiek, Den Haag/Heerlen 1-1-2024\"\n";
        let framed = frame("t.csv", text.trim_start_matches('\u{feff}'), b';').unwrap();
        assert_eq!(framed, "\n\"a\";\"b\"\n\"x\";1\n");
    }

    #[test]
    fn data_after_the_footer_is_refused_with_its_line() {
        let text = "\"a\";\"b\"\n\"x\";1\n\"Bron: CBS\"\n\"y\";2\n";
        let error = frame("t.csv", text, b';').unwrap_err();
        assert_eq!(error.problems[0].line, Some(4));
        assert!(error.problems[0].message.contains("regel 3"), "{error}");
    }

    #[test]
    fn a_file_without_titles_or_footer_is_left_as_it_is() {
        let text = "code;year;inhabitants\nGM0014;2024;1\n";
        assert!(matches!(
            frame("t.csv", text, b';').unwrap(),
            Cow::Borrowed(_)
        ));
    }
}
