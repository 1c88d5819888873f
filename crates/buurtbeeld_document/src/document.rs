//! Council documents as plain data (headings, paragraphs, tables, figures), written out as PDF
//! (in-process, `crate::pdf`) or as one self-contained HTML file from the same content.
//!
//! Every text in a document is data: it is escaped for HTML and drawn as text in the PDF, so
//! names and descriptions from files can never be read as markup.

use buurtbeeld_render::markup::{escape, HtmlFragment, Svg};

/// A document: a title block, then blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub subtitle: String,
    /// Dutch date line, e.g. `22 november 2026`.
    pub date: String,
    /// The source attribution in every page footer.
    pub attribution: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The table of contents.
    Contents,
    /// Level 1 or 2; numbered, except before the `Contents` (the opening Kernboodschappen).
    Heading(u8, String),
    Paragraph(String),
    /// A list of short points.
    Bullets(Vec<String>),
    Table(DocTable),
    /// An SVG from `buurtbeeld_render::svg`, with a caption and its text alternative (what a
    /// screen reader says instead of the picture; `Block::figure` takes it from the SVG).
    Figure {
        svg: Svg,
        caption: String,
        alt: String,
    },
}

impl Block {
    /// A figure whose text alternative is the SVG's own `<title>` and `<desc>` (every chart and
    /// map of `buurtbeeld_render::svg` has both), or the caption when the SVG has neither.
    pub fn figure(svg: Svg, caption: String) -> Block {
        let alt = text_alternative(&svg).unwrap_or_else(|| caption.clone());
        Block::Figure { svg, caption, alt }
    }
}

/// The text of the root's `<title>` and `<desc>`, joined by ". ".
fn text_alternative(svg: &str) -> Option<String> {
    let tree = roxmltree::Document::parse(svg).ok()?;
    let text = |name: &str| {
        tree.root_element()
            .children()
            .find(|node| node.has_tag_name(name))
            .and_then(|node| node.text())
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|text| !text.is_empty())
    };
    match (text("title"), text("desc")) {
        (Some(title), Some(desc)) => Some(format!("{}. {desc}", title.trim_end_matches('.'))),
        (title, desc) => title.or(desc),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocTable {
    pub headers: Vec<String>,
    /// One flag per column: right-aligned (figures) or not.
    pub numeric: Vec<bool>,
    /// Relative column widths; `None`: each column as wide as its content, scaled to fit.
    pub widths: Option<Vec<u8>>,
    pub rows: Vec<Vec<String>>,
    pub caption: Option<String>,
    /// Cells drawn in a signal colour, as (row, column, tone): a status whose text already says
    /// it (colour is never the only carrier of meaning).
    pub tones: Vec<(usize, usize, Tone)>,
}

/// The signal colour of a cell: good (green), caution (amber), bad (red). The cell's text
/// carries the meaning; the colour repeats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Caution,
    Bad,
}

impl Tone {
    /// The CSS class of a cell in this tone (`HTML_STYLE` and the dashboard's stylesheet).
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "tone-good",
            Tone::Caution => "tone-caution",
            Tone::Bad => "tone-bad",
        }
    }

    /// The text colour, dark enough for 4,5:1 contrast on white and on the zebra rows.
    pub fn rgb(self) -> [u8; 3] {
        match self {
            Tone::Good => [0x1d, 0x6b, 0x2f],
            Tone::Caution => [0x8a, 0x4b, 0x00],
            Tone::Bad => [0xa4, 0x16, 0x1a],
        }
    }
}

impl Document {
    /// One HTML file with the SVGs inline, for the web and for e-mail.
    pub fn to_html(&self) -> String {
        let numbers = heading_numbers(&self.blocks);
        let anchor = |number: &str| format!("h{}", number.replace('.', "-"));
        let mut contents = String::new();
        for (index, block) in self.blocks.iter().enumerate() {
            if let Block::Heading(level, text) = block {
                let number = &numbers[index];
                if number.is_empty() {
                    continue;
                }
                contents.push_str(&format!(
                    "<li class=\"level-{level}\"><a href=\"#{}\">{number} {}</a></li>",
                    anchor(number),
                    escape(text)
                ));
            }
        }
        let mut body = String::new();
        for (index, block) in self.blocks.iter().enumerate() {
            match block {
                // The entries carry their own numbers (`2.1`), so the list draws no markers.
                Block::Contents => body.push_str(&format!(
                    "<nav aria-label=\"Inhoud\"><h2>Inhoud</h2><ol class=\"contents\">{contents}</ol></nav>"
                )),
                Block::Heading(level, text) if numbers[index].is_empty() => {
                    let tag = level + 1;
                    body.push_str(&format!("<h{tag}>{}</h{tag}>", escape(text)));
                }
                Block::Heading(level, text) => {
                    let number = &numbers[index];
                    let tag = level + 1;
                    body.push_str(&format!(
                        "<h{tag} id=\"{}\">{number} {}</h{tag}>",
                        anchor(number),
                        escape(text)
                    ));
                }
                Block::Paragraph(text) => body.push_str(&format!("<p>{}</p>", escape(text))),
                Block::Bullets(items) => {
                    body.push_str("<ul>");
                    for item in items {
                        body.push_str(&format!("<li>{}</li>", escape(item)));
                    }
                    body.push_str("</ul>");
                }
                Block::Table(table) => body.push_str(&table.to_html()),
                Block::Figure { svg, caption, .. } => body.push_str(&format!(
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    escape(caption)
                )),
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><style>{HTML_STYLE}</style></head><body><header>\
             <h1>{title}</h1><p class=\"subtitle\">{subtitle}</p><p class=\"date\">{date}</p>\
             </header><main>{body}</main><footer>{attribution}</footer></body></html>\n",
            title = escape(&self.title),
            subtitle = escape(&self.subtitle),
            date = escape(&self.date),
            attribution = escape(&self.attribution),
        )
    }
}

/// The stylesheet of the HTML documents; public so that the server can allow exactly this text
/// in its Content-Security-Policy.
pub const HTML_STYLE: &str =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:60rem;margin:2rem \
auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}h1,h2,h3{color:#01689b}table{border-collapse:\
collapse;width:100%;margin:1rem 0}th{text-align:left;border-bottom:2px solid #01689b}td,th{padding:\
.25rem .4rem;vertical-align:top}tr:nth-child(even) td{background:#f4f4f4}.num{text-align:right;\
white-space:nowrap}figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption,caption{\
font-size:.9em;color:#444;text-align:left}footer{border-top:1px solid #ccc;margin-top:2rem;color:\
#444;font-size:.9em}ol.contents{list-style:none;padding-left:0}nav li.level-2{margin-left:1.5rem}.tone-good{color:#1d6b2f;font-weight:bold}.tone-caution{color:\
#8a4b00;font-weight:bold}.tone-bad{color:#a4161a;font-weight:bold}";

/// The number of every heading (`1`, `1.1`, …) by block index; empty for other blocks and for
/// the headings before the contents, which open the document unnumbered and are not listed.
pub(crate) fn heading_numbers(blocks: &[Block]) -> Vec<String> {
    let mut counters = [0usize; 2];
    let contents = blocks.iter().position(|b| matches!(b, Block::Contents));
    blocks
        .iter()
        .enumerate()
        .map(|(index, block)| match block {
            Block::Heading(..) if contents.is_some_and(|c| index < c) => String::new(),
            Block::Heading(level, _) if *level <= 1 => {
                counters = [counters[0] + 1, 0];
                counters[0].to_string()
            }
            Block::Heading(..) => {
                counters[1] += 1;
                format!("{}.{}", counters[0], counters[1])
            }
            _ => String::new(),
        })
        .collect()
}

/// A heading as shown: its number, if it has one, and its text.
pub(crate) fn heading_label(number: &str, text: &str) -> String {
    if number.is_empty() {
        text.to_owned()
    } else {
        format!("{number} {text}")
    }
}

impl DocTable {
    /// The tone of the cell in `row`, `column`, if it has one.
    pub fn tone(&self, row: usize, column: usize) -> Option<Tone> {
        self.tones
            .iter()
            .find(|(r, c, _)| (*r, *c) == (row, column))
            .map(|t| t.2)
    }

    /// The table as HTML (escaped; figures right-aligned), for documents and pages.
    pub fn to_html(&self) -> HtmlFragment {
        let table = self;
        let class = |i: usize| {
            if table.numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            }
        };
        let mut out = String::from("<table class=\"doc\">");
        if let Some(caption) = &table.caption {
            out.push_str(&format!("<caption>{}</caption>", escape(caption)));
        }
        out.push_str("<thead><tr>");
        for (i, header) in table.headers.iter().enumerate() {
            out.push_str(&format!(
                "<th scope=\"col\"{}>{}</th>",
                class(i),
                escape(header)
            ));
        }
        out.push_str("</tr></thead><tbody>");
        for (r, row) in table.rows.iter().enumerate() {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let attributes = match table.tone(r, i) {
                    Some(tone) if class(i).is_empty() => format!(" class=\"{}\"", tone.class()),
                    Some(tone) => format!(" class=\"num {}\"", tone.class()),
                    None => class(i).to_owned(),
                };
                out.push_str(&format!("<td{attributes}>{}</td>", escape(cell)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        HtmlFragment::from_escaped(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_contents_numbers_each_heading_once_and_leaves_out_the_front_matter() {
        let document = Document {
            title: "Veiligheidsbrief 2015".into(),
            subtitle: "Proefgemeente".into(),
            date: "29 november 2026".into(),
            attribution: "Bron: CBS/Politie".into(),
            blocks: vec![
                Block::Heading(1, "Kernboodschappen".into()),
                Block::Bullets(vec!["Fietsdiefstal steeg.".into()]),
                Block::Contents,
                Block::Heading(1, "Inleiding".into()),
                Block::Heading(2, "Aanleiding".into()),
            ],
        };
        let html = document.to_html();
        // The list draws no markers of its own: the entries carry their numbers.
        assert!(html.contains("ol.contents{list-style:none"), "{html}");
        assert!(html.contains(
            "<ol class=\"contents\"><li class=\"level-1\"><a href=\"#h1\">1 Inleiding</a></li>\
             <li class=\"level-2\"><a href=\"#h1-1\">1.1 Aanleiding</a></li></ol>"
        ));
        assert!(html.contains("<h2>Kernboodschappen</h2><ul>"), "{html}");
        assert!(html.contains("<h2 id=\"h1\">1 Inleiding</h2>"), "{html}");
    }
}
