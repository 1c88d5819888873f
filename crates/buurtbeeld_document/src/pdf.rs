//! PDF output of a [`Document`]: a small one-column A4 page layout of our own, drawn with krilla.
//!
//! The documents need flowing text, numbered headings, a table of contents, tables whose header
//! repeats on every page, and figures. That is little enough to lay out here: a typesetting
//! engine (typst 0.15) did the same with 231 more crates and a 17,5-minute clean release build,
//! against a few dozen crates for krilla. The figures are the dashboard's own SVGs, placed as
//! vectors through krilla-svg, so the PDF and the web page show the same chart.
//!
//! Text is measured with the font's advance widths (ttf-parser), so no line runs past its margin
//! or column; a word wider than its column is broken between characters. Fonts (DejaVu Sans) are
//! compiled in. The output is deterministic: no creation date or random id is written.
//!
//! Every PDF is tagged and checked against PDF/UA-1 by krilla while it is written: the layout
//! records the logical structure (title and headings as H1–H3, paragraphs, lists, tables with
//! header cells, figures with their text alternative and caption, the contents) beside what it
//! draws, and page furniture (running head, footer, page numbers, rules, zebra stripes and a
//! table header repeated on a new page) is marked as artifact. A document that does not conform
//! is not written at all ([`PdfError::Accessibility`]).

use std::num::NonZeroU16;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder, ValidationError};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, BBox, ContentTag, Identifier, ListNumbering, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::document::{heading_label, heading_numbers, Block, DocTable, Document};
use buurtbeeld_cube::dutch::integer;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN_X: f32 = 62.0;
const TOP: f32 = 70.0;
/// The last baseline of body text; the footer sits below it.
const BOTTOM: f32 = PAGE_HEIGHT - 66.0;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 14.0;
const TABLE_SIZE: f32 = 8.5;
const TABLE_LEADING: f32 = 11.0;
const CELL_PADDING: f32 = 3.0;
const SMALL_SIZE: f32 = 8.0;
/// The smallest share of its width a figure is drawn at to fit the rest of a page.
const MIN_FIGURE_SCALE: f32 = 0.75;

/// Rijkshuisstijl-like colours, as in the dashboard: logo blue, body text, secondary text.
const BLUE: [u8; 3] = [0x01, 0x68, 0x9b];
const TEXT: [u8; 3] = [0x1a, 0x1a, 0x1a];
const GREY: [u8; 3] = [0x53, 0x53, 0x53];
const ZEBRA: [u8; 3] = [0xf2, 0xf2, 0xf2];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("figure {number} is not a valid SVG: {message}")]
    Figure { number: usize, message: String },
    #[error("the PDF could not be written: {0}")]
    Write(String),
    /// krilla's PDF/UA-1 check refused the document: a missing title, language or text
    /// alternative, or a glyph without its character.
    #[error("de PDF is niet geschreven omdat zij niet toegankelijk is (PDF/UA-1): {0}")]
    Accessibility(String),
}

/// A written PDF and its number of pages.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

impl Document {
    /// The PDF (A4, with a table of contents, page numbers and bookmarks).
    pub fn to_pdf(&self) -> Result<RenderedPdf, PdfError> {
        render_pdf(self)
    }
}

/// Lay `document` out on A4 pages and write it as PDF.
pub fn render_pdf(document: &Document) -> Result<RenderedPdf, PdfError> {
    let fonts = Fonts::load();
    let figures = parse_figures(document)?;
    let mut layout = Layout::new(&fonts);
    layout.title_block(document);
    let numbers = heading_numbers(&document.blocks);
    let mut tables = 0;
    let mut figure_index = 0;
    for (index, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Contents => layout.contents(&document.blocks, &numbers),
            Block::Heading(level, text) => {
                // Keep a heading on the page of what opens the section below it.
                let keep = match document.blocks.get(index + 1) {
                    // The heading's own space below it, then the table's opening.
                    Some(Block::Table(table)) => 4.0 + layout.table_opening(table) + 1.0,
                    Some(Block::Figure { caption, .. }) => {
                        let tree = &figures[figure_index];
                        // Its space below, then the figure drawn as small as it may be.
                        4.0 + layout.figure_opening(figure_index + 1, tree, caption) + 1.0
                    }
                    _ => 3.0 * BODY_LEADING,
                };
                layout.heading(index, *level, &numbers[index], text, keep);
            }
            Block::Paragraph(text) => layout.paragraph(text),
            Block::Bullets(items) => layout.bullets(items),
            Block::Table(table) => {
                tables += 1;
                layout.table(tables, table);
            }
            Block::Figure { caption, alt, .. } => {
                let tree = &figures[figure_index];
                figure_index += 1;
                layout.figure(figure_index, tree, caption, alt);
            }
        }
    }
    let pages = layout.pages.len();
    let bytes = write(document, &fonts, layout, &figures)?;
    Ok(RenderedPdf { bytes, pages })
}

/// One face for drawing (krilla) and for measuring (ttf-parser).
struct Face {
    pdf: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        Face {
            pdf: Font::new(data.into(), 0).expect("DejaVu Sans is a valid font"),
            metrics: ttf_parser::Face::parse(data, 0).expect("DejaVu Sans is a valid font"),
        }
    }

    /// Width of `text` at `size` points, from the advance widths (kerning only narrows it).
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.metrics
                    .glyph_index(c)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(self.metrics.units_per_em())
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn load() -> Fonts {
        Fonts {
            regular: Face::load(dejavu::sans::regular()),
            bold: Face::load(dejavu::sans::bold()),
        }
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

fn parse_figures(document: &Document) -> Result<Vec<usvg::Tree>, PdfError> {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(dejavu::sans::regular().to_vec());
    fonts.load_font_data(dejavu::sans::bold().to_vec());
    // The charts ask for the system font stack, which ends in the generic `sans-serif`.
    fonts.set_sans_serif_family("DejaVu Sans");
    let options = usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    };
    document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Figure { svg, .. } => Some(svg),
            _ => None,
        })
        .enumerate()
        .map(|(i, svg)| {
            usvg::Tree::from_str(svg, &options).map_err(|e| PdfError::Figure {
                number: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// What a mark is in the document's logical structure.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Content of the structure leaf with this number ([`Structure::leaf`]).
    Content(usize),
    /// Page furniture or decoration, left out of the structure.
    Artifact(ArtifactType),
}

/// A mark and its role.
struct Placed {
    role: Role,
    mark: Mark,
}

/// A node of the logical structure: a group with its tag, or a leaf that collects the
/// marked-content sequences drawn for it.
enum Element {
    Group(TagKind, Vec<Element>),
    Leaf(usize),
}

/// The logical structure, recorded in reading order while laying out: groups are opened and
/// closed around what belongs to them, leaves are numbered so that marks can point at them.
struct Structure {
    /// The open groups, innermost last; the first is the document itself.
    open: Vec<(Option<TagKind>, Vec<Element>)>,
    leaves: usize,
}

impl Structure {
    fn new() -> Structure {
        Structure {
            open: vec![(None, Vec::new())],
            leaves: 0,
        }
    }

    fn children(&mut self) -> &mut Vec<Element> {
        &mut self.open.last_mut().expect("the document is always open").1
    }

    fn open(&mut self, tag: TagKind) {
        self.open.push((Some(tag), Vec::new()));
    }

    fn close(&mut self) {
        let (tag, children) = self.open.pop().expect("a group to close");
        let tag = tag.expect("the document itself is never closed");
        self.children().push(Element::Group(tag, children));
    }

    fn leaf(&mut self) -> usize {
        let leaf = self.leaves;
        self.leaves += 1;
        self.children().push(Element::Leaf(leaf));
        leaf
    }

    /// The top-level elements; every group opened has been closed.
    fn finish(mut self) -> Vec<Element> {
        assert_eq!(self.open.len(), 1, "every structure group is closed");
        std::mem::take(self.children())
    }
}

/// What is drawn on a page, in page coordinates (points, origin top left, y down).
enum Mark {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: [u8; 3],
        text: String,
    },
    Rectangle {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: [u8; 3],
    },
    Rule {
        x: f32,
        y: f32,
        width: f32,
        thickness: f32,
        colour: [u8; 3],
    },
    Figure {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        index: usize,
    },
    /// The page number of heading `heading` (a block index), right-aligned at `right`: known
    /// only when the whole document is laid out.
    PageOf { right: f32, y: f32, heading: usize },
}

struct Heading {
    block: usize,
    level: u8,
    text: String,
    page: usize,
    y: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Placed>>,
    /// The top of the free space on the current page.
    y: f32,
    headings: Vec<Heading>,
    structure: Structure,
    /// The role of the marks pushed now.
    role: Role,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            headings: Vec::new(),
            structure: Structure::new(),
            role: Role::Artifact(ArtifactType::Layout),
        }
    }

    /// Draw `mark` as part of what is being laid out now.
    fn push(&mut self, mark: Mark) {
        let role = self.role;
        self.pages
            .last_mut()
            .expect("there is always a page")
            .push(Placed { role, mark });
    }

    /// Draw `mark` as decoration (rules, stripes), outside the structure.
    fn decorate(&mut self, mark: Mark) {
        let outer = std::mem::replace(&mut self.role, Role::Artifact(ArtifactType::Layout));
        self.push(mark);
        self.role = outer;
    }

    /// Lay out what `draw` draws as one leaf of the structure, in a group tagged `tag`.
    fn tagged(&mut self, tag: impl Into<TagKind>, draw: impl FnOnce(&mut Self)) {
        self.group(tag, |layout| {
            let leaf = layout.structure.leaf();
            let outer = std::mem::replace(&mut layout.role, Role::Content(leaf));
            draw(layout);
            layout.role = outer;
        });
    }

    /// Lay out what `draw` lays out inside a group tagged `tag`.
    fn group(&mut self, tag: impl Into<TagKind>, draw: impl FnOnce(&mut Self)) {
        self.structure.open(tag.into());
        draw(self);
        self.structure.close();
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Start a new page unless `height` more fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: [u8; 3], text: &str) {
        self.push(Mark::Text {
            x,
            y: baseline,
            size,
            bold,
            colour,
            text: text.to_owned(),
        });
    }

    /// `text` broken into lines no wider than `width`.
    fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let face = self.fonts.face(bold);
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the column on its own is broken between characters.
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn title_block(&mut self, document: &Document) {
        self.y = TOP + 40.0;
        self.tagged(heading_tag(1, &document.title), |layout| {
            for line in layout.wrap(&document.title, WIDTH, 24.0, true) {
                layout.y += 30.0;
                layout.text(MARGIN_X, layout.y, 24.0, true, BLUE, &line);
            }
        });
        self.tagged(Tag::P, |layout| {
            for line in layout.wrap(&document.subtitle, WIDTH, 13.0, false) {
                layout.y += 20.0;
                layout.text(MARGIN_X, layout.y, 13.0, false, TEXT, &line);
            }
        });
        self.tagged(Tag::P, |layout| {
            layout.y += 18.0;
            layout.text(MARGIN_X, layout.y, BODY_SIZE, false, GREY, &document.date);
        });
        self.y += 12.0;
        let y = self.y;
        self.decorate(Mark::Rule {
            x: MARGIN_X,
            y,
            width: WIDTH,
            thickness: 1.5,
            colour: BLUE,
        });
        self.y += 24.0;
    }

    fn contents(&mut self, blocks: &[Block], numbers: &[String]) {
        self.y += 24.0;
        self.tagged(heading_tag(2, "Inhoud"), |layout| {
            layout.text(MARGIN_X, layout.y, 14.0, true, BLUE, "Inhoud");
        });
        self.y += 8.0;
        self.group(Tag::TOC, |layout| {
            for (index, block) in blocks.iter().enumerate() {
                let Block::Heading(level, text) = block else {
                    continue;
                };
                if numbers[index].is_empty() {
                    continue;
                }
                layout.group(Tag::TOCI, |layout| {
                    layout.tagged(Tag::P, |layout| {
                        layout.contents_entry(index, *level, &format!("{} {text}", numbers[index]))
                    });
                });
            }
        });
        self.new_page();
    }

    /// One line of the contents: the heading's number and text, and its page on the right.
    fn contents_entry(&mut self, heading: usize, level: u8, label: &str) {
        let indent = if level <= 1 { 0.0 } else { 24.0 };
        let bold = level <= 1;
        let lines = self.wrap(label, WIDTH - indent - 40.0, BODY_SIZE, bold);
        self.ensure(BODY_LEADING * lines.len() as f32 + 4.0);
        self.y += 4.0;
        for line in &lines {
            self.y += BODY_LEADING;
            self.text(MARGIN_X + indent, self.y, BODY_SIZE, bold, TEXT, line);
        }
        let y = self.y;
        self.push(Mark::PageOf {
            right: MARGIN_X + WIDTH,
            y,
            heading,
        });
    }

    fn heading(&mut self, block: usize, level: u8, number: &str, text: &str, keep: f32) {
        let (size, space) = if level <= 1 {
            (15.0, 22.0)
        } else {
            (12.0, 14.0)
        };
        let label = heading_label(number, text);
        let lines = self.wrap(&label, WIDTH, size, true);
        self.ensure(space + size * 1.4 * lines.len() as f32 + keep);
        if self.y > TOP {
            self.y += space;
        }
        let top = self.y;
        // The document's title is H1; chapters are H2, sections H3, as in the HTML.
        self.tagged(heading_tag(level + 1, &label), |layout| {
            for line in &lines {
                layout.y += size * 1.4;
                layout.text(MARGIN_X, layout.y, size, true, BLUE, line);
            }
        });
        self.headings.push(Heading {
            block,
            level,
            text: label,
            page: self.pages.len() - 1,
            y: top,
        });
        self.y += 4.0;
    }

    fn paragraph(&mut self, text: &str) {
        self.tagged(Tag::P, |layout| layout.lines(MARGIN_X, WIDTH, text));
        self.y += 6.0;
    }

    /// `text` wrapped to `width`, breaking to a new page where it runs out, but never leaving
    /// a paragraph's first or last line alone on a page (orphans and widows).
    fn lines(&mut self, x: f32, width: f32, text: &str) {
        let lines = self.wrap(text, width, BODY_SIZE, false);
        let count = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let together = if count >= 2 && (i == 0 || i + 2 == count) {
                2.0
            } else {
                1.0
            };
            self.ensure(together * BODY_LEADING);
            self.y += BODY_LEADING;
            self.text(x, self.y, BODY_SIZE, false, TEXT, line);
        }
    }

    fn bullets(&mut self, items: &[String]) {
        self.group(Tag::L(ListNumbering::Disc), |layout| {
            for item in items {
                layout.group(Tag::LI, |layout| {
                    layout.ensure(BODY_LEADING);
                    layout.tagged(Tag::Lbl, |layout| {
                        let baseline = layout.y + BODY_LEADING;
                        layout.text(MARGIN_X + 4.0, baseline, BODY_SIZE, false, BLUE, "•");
                    });
                    layout.tagged(Tag::LBody, |layout| {
                        layout.lines(MARGIN_X + 16.0, WIDTH - 16.0, item);
                    });
                });
                layout.y += 3.0;
            }
        });
        self.y += 4.0;
    }

    /// The height of a table's caption, header and first rows, which are kept together on one
    /// page: two rows, or one when it is tall on its own (four lines or more). The rest of a
    /// table continues on the next page under its repeated header, so a long table never leaves
    /// the page before it half empty.
    fn table_opening(&self, table: &DocTable) -> f32 {
        let widths = self.column_widths(table);
        let caption = table.caption.as_ref().map_or(0.0, |c| {
            self.wrap(&format!("Tabel 00. {c}"), WIDTH, 9.0, true).len() as f32 * 12.0 + 4.0
        });
        let header = row_height(&self.wrap_row(&table.headers, &widths, true));
        let mut rows = 0.0;
        for (i, row) in table.rows.iter().take(2).enumerate() {
            if i > 0 && rows >= 4.0 * TABLE_LEADING {
                break;
            }
            rows += row_height(&self.wrap_row(row, &widths, false));
        }
        8.0 + caption + header + rows
    }

    fn table(&mut self, number: usize, table: &DocTable) {
        let widths = self.column_widths(table);
        let header = self.wrap_row(&table.headers, &widths, true);
        self.ensure(self.table_opening(table));
        self.y += 8.0;
        self.group(Tag::Table, |layout| {
            if let Some(caption) = &table.caption {
                let caption = format!("Tabel {number}. {caption}");
                layout.tagged(Tag::Caption, |layout| {
                    for line in layout.wrap(&caption, WIDTH, 9.0, true) {
                        layout.y += 12.0;
                        layout.text(MARGIN_X, layout.y, 9.0, true, TEXT, &line);
                    }
                });
            }
            layout.y += 4.0;
            layout.group(Tag::THead, |layout| {
                layout.table_row(&header, &widths, table, Row::Header);
            });
            layout.group(Tag::TBody, |layout| {
                let rows: Vec<_> = table
                    .rows
                    .iter()
                    .map(|row| layout.wrap_row(row, &widths, false))
                    .collect();
                for (i, row) in rows.iter().enumerate() {
                    // The last row never stands alone under a repeated header.
                    let with_last = match rows.get(i + 1) {
                        Some(last) if i + 2 == rows.len() && i > 0 => row_height(last),
                        _ => 0.0,
                    };
                    if layout.y + row_height(row) + with_last > BOTTOM + TABLE_LEADING {
                        layout.new_page();
                        layout.table_row(&header, &widths, table, Row::RepeatedHeader);
                    }
                    layout.table_row(row, &widths, table, Row::Body(i));
                }
            });
        });
        self.y += 10.0;
    }

    /// Relative widths when given; otherwise each column's widest content, scaled to fit. Then
    /// every column is widened to its longest word where the others have room to give, so
    /// words are broken only when the table cannot be laid out otherwise.
    fn column_widths(&self, table: &DocTable) -> Vec<f32> {
        let cells = |c: usize| {
            table
                .rows
                .iter()
                .filter_map(move |r| r.get(c))
                .map(|cell| (cell, false))
                .chain(std::iter::once((&table.headers[c], true)))
        };
        let widest = |c: usize, words: bool| {
            cells(c)
                .flat_map(|(cell, bold)| {
                    let face = self.fonts.face(bold);
                    let parts: Vec<&str> = if words {
                        cell.split_whitespace().collect()
                    } else {
                        vec![cell.as_str()]
                    };
                    parts
                        .into_iter()
                        .map(move |part| face.width(part, TABLE_SIZE))
                })
                .fold(0.0, f32::max)
                + 2.0 * CELL_PADDING
                + 1.0
        };
        let columns = table.headers.len();
        let weights: Vec<f32> = match &table.widths {
            Some(w) => w.iter().map(|w| f32::from(*w)).collect(),
            None => (0..columns).map(|c| widest(c, false)).collect(),
        };
        let total: f32 = weights.iter().sum();
        let natural = table.widths.is_none() && total <= WIDTH;
        let mut widths: Vec<f32> = weights
            .iter()
            .map(|w| if natural { *w } else { w * WIDTH / total })
            .collect();
        let minimum: Vec<f32> = (0..columns).map(|c| widest(c, true)).collect();
        let deficit: f32 = widths
            .iter()
            .zip(&minimum)
            .map(|(w, m)| (m - w).max(0.0))
            .sum();
        let slack: f32 = widths
            .iter()
            .zip(&minimum)
            .map(|(w, m)| (w - m).max(0.0))
            .sum();
        if deficit > 0.0 && slack >= deficit {
            for (w, m) in widths.iter_mut().zip(&minimum) {
                *w = if *w <= *m {
                    *m
                } else {
                    *w - (*w - m) * deficit / slack
                };
            }
        }
        widths
    }

    fn wrap_row(&self, cells: &[String], widths: &[f32], bold: bool) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| self.wrap(cell, width - 2.0 * CELL_PADDING, TABLE_SIZE, bold))
            .collect()
    }

    fn table_row(&mut self, cells: &[Vec<String>], widths: &[f32], table: &DocTable, kind: Row) {
        if kind == Row::RepeatedHeader {
            // Read once, in the table's THead; its repetition is page furniture.
            let outer = std::mem::replace(
                &mut self.role,
                Role::Artifact(ArtifactType::PaginationOther),
            );
            self.table_cells(cells, widths, table, kind);
            self.role = outer;
        } else {
            self.group(Tag::TR, |layout| {
                layout.table_cells(cells, widths, table, kind)
            });
        }
    }

    fn table_cells(&mut self, cells: &[Vec<String>], widths: &[f32], table: &DocTable, kind: Row) {
        let (header, row) = match kind {
            Row::Header | Row::RepeatedHeader => (true, None),
            Row::Body(i) => (false, Some(i)),
        };
        let shaded = row.is_some_and(|i| i % 2 == 1);
        let height = row_height(cells);
        let top = self.y;
        let full_width: f32 = widths.iter().sum();
        if shaded {
            self.decorate(Mark::Rectangle {
                x: MARGIN_X,
                y: top,
                width: full_width,
                height,
                colour: ZEBRA,
            });
        }
        let mut x = MARGIN_X;
        for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let numeric = table.numeric.get(column).copied().unwrap_or(false);
            let tone = row.and_then(|r| table.tone(r, column));
            // A toned cell (a status) is drawn in its colour; its text says the same.
            let (bold, colour) = (header, tone.map_or(TEXT, |t| t.rgb()));
            let draw = |layout: &mut Self| {
                for (i, line) in cell.iter().enumerate() {
                    let baseline = top + CELL_PADDING + (i as f32 + 1.0) * TABLE_LEADING - 2.5;
                    let left = if numeric {
                        x + width - CELL_PADDING - layout.fonts.face(bold).width(line, TABLE_SIZE)
                    } else {
                        x + CELL_PADDING
                    };
                    layout.text(left, baseline, TABLE_SIZE, bold, colour, line);
                }
            };
            match kind {
                Row::Header => self.tagged(Tag::TH(TableHeaderScope::Column), draw),
                Row::Body(_) => self.tagged(Tag::TD, draw),
                Row::RepeatedHeader => draw(self),
            }
            x += width;
        }
        self.y = top + height;
        if header {
            let y = self.y;
            self.decorate(Mark::Rule {
                x: MARGIN_X,
                y,
                width: full_width,
                thickness: 1.2,
                colour: BLUE,
            });
        }
    }

    /// The lines of a figure's caption and the height they take with the space around them.
    fn figure_caption(&self, number: usize, caption: &str) -> (Vec<String>, f32) {
        let lines = self.wrap(&format!("Figuur {number}. {caption}"), WIDTH, 9.0, false);
        let height = 12.0 + lines.len() as f32 * 12.0;
        (lines, height)
    }

    /// The least height a figure takes: drawn as small as it may be, with its caption.
    fn figure_opening(&self, number: usize, tree: &usvg::Tree, caption: &str) -> f32 {
        8.0 + MIN_FIGURE_SCALE * figure_size(tree).1 + self.figure_caption(number, caption).1
    }

    fn figure(&mut self, number: usize, tree: &usvg::Tree, caption: &str, alt: &str) {
        let (mut width, mut height) = figure_size(tree);
        let (caption, text) = self.figure_caption(number, caption);
        // A figure that nearly fits is drawn a little smaller (it is vector art) rather than
        // leave the rest of the page empty.
        let room = BOTTOM - self.y - 8.0 - text;
        if height > room && room >= MIN_FIGURE_SCALE * height && self.y > TOP {
            width *= room / height;
            height = room;
        }
        self.ensure(height + text);
        self.y += 8.0;
        let (x, y) = (MARGIN_X + (WIDTH - width) / 2.0, self.y);
        let bounds =
            Rect::from_xywh(x, y, width, height).map(|rect| BBox::new(self.pages.len() - 1, rect));
        self.group(Tag::Div, |layout| {
            layout.tagged(
                Tag::Figure(Some(alt.to_owned())).with_bbox(bounds),
                |layout| {
                    layout.push(Mark::Figure {
                        x,
                        y,
                        width,
                        height,
                        index: number - 1,
                    });
                },
            );
            layout.y += height + 2.0;
            layout.tagged(Tag::Caption, |layout| {
                for line in &caption {
                    layout.y += 12.0;
                    layout.text(MARGIN_X, layout.y, 9.0, false, GREY, line);
                }
            });
        });
        self.y += 8.0;
    }
}

/// Which row of a table is laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Row {
    Header,
    /// The header again at the top of a page the table continues on.
    RepeatedHeader,
    /// The row with this index among the table's rows.
    Body(usize),
}

/// The tag of a heading at `level` (1: the document's title), with its text as its title.
fn heading_tag(level: u8, text: &str) -> Tag<krilla::tagging::kind::Hn> {
    let level = NonZeroU16::new(u16::from(level.max(1))).expect("at least 1");
    Tag::Hn(level, Some(text.to_owned()))
}

/// A row's height: its tallest cell.
fn row_height(cells: &[Vec<String>]) -> f32 {
    cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEADING + 2.0 * CELL_PADDING
}

/// A figure at the full text width, or less where it would take more than 60% of a page.
fn figure_size(tree: &usvg::Tree) -> (f32, f32) {
    let size = tree.size();
    let height = WIDTH * size.height() / size.width();
    let max_height = (BOTTOM - TOP) * 0.6;
    if height > max_height {
        (WIDTH * max_height / height, max_height)
    } else {
        (WIDTH, height)
    }
}

fn write(
    document: &Document,
    fonts: &Fonts,
    layout: Layout<'_>,
    figures: &[usvg::Tree],
) -> Result<Vec<u8>, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    let mut pdf = krilla::Document::new_with(krilla::SerializeSettings {
        configuration,
        ..krilla::SerializeSettings::default()
    });
    let count = layout.pages.len();
    let page_of = |block: usize| {
        layout
            .headings
            .iter()
            .find(|h| h.block == block)
            .map_or(0, |h| h.page + 1)
    };
    // The marked-content sequences drawn for each leaf of the structure, in reading order.
    let mut drawn: Vec<Vec<Identifier>> = vec![Vec::new(); layout.structure.leaves];
    for (index, marks) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size");
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        // One marked-content sequence per run of marks with the same role.
        for run in marks.chunk_by(|a, b| a.role == b.role) {
            let tag = match run[0].role {
                Role::Artifact(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
                Role::Content(_) if matches!(run[0].mark, Mark::Figure { .. }) => ContentTag::Other,
                Role::Content(_) => ContentTag::Span(SpanTag::empty()),
            };
            let identifier = surface.start_tagged(tag);
            for placed in run {
                draw(&mut surface, fonts, &placed.mark, figures, &page_of);
            }
            surface.end_tagged();
            if let Role::Content(leaf) = run[0].role {
                drawn[leaf].push(identifier);
            }
        }
        // Running head from page 2 on; footer with the source and the page number everywhere.
        let mut furniture = |kind: ArtifactType, x: f32, y: f32, text: &str| {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
            draw_text(&mut surface, fonts, x, y, SMALL_SIZE, false, GREY, text);
            surface.end_tagged();
        };
        if index > 0 {
            furniture(ArtifactType::Header, MARGIN_X, 40.0, &document.title);
        }
        let footer = PAGE_HEIGHT - 36.0;
        let number = format!("pagina {} van {}", index + 1, count);
        let right = MARGIN_X + WIDTH - fonts.regular.width(&number, SMALL_SIZE);
        let attribution = fitted(fonts, &document.attribution, right - MARGIN_X - 12.0);
        furniture(ArtifactType::Footer, MARGIN_X, footer, &attribution);
        furniture(ArtifactType::PageNumber, right, footer, &number);
        surface.finish();
        page.finish();
    }
    pdf.set_outline(outline(&layout.headings));
    let mut tree = TagTree::new().with_lang(Some("nl".to_owned()));
    for element in tag_nodes(layout.structure.finish(), &mut drawn) {
        tree.push(element);
    }
    pdf.set_tag_tree(tree);
    pdf.set_metadata(
        Metadata::new()
            .title(document.title.clone())
            .description(document.subtitle.clone())
            .language("nl".to_owned())
            .creator("buurtbeeld".to_owned()),
    );
    pdf.finish().map_err(|error| match error {
        KrillaError::Validation(problems) => {
            let mut texts: Vec<String> = problems
                .iter()
                .map(|(problem, _)| accessibility_problem(problem))
                .collect();
            texts.dedup();
            PdfError::Accessibility(texts.join("; "))
        }
        error => PdfError::Write(format!("{error:?}")),
    })
}

/// What krilla's PDF/UA-1 check found, in Dutch where it is about the document's content; other
/// findings by krilla's own name.
fn accessibility_problem(problem: &ValidationError) -> String {
    match problem {
        ValidationError::MissingAltText(_) => "een figuur heeft geen tekstalternatief".to_owned(),
        ValidationError::NoDocumentTitle => "het document heeft geen titel".to_owned(),
        ValidationError::NoDocumentLanguage => "de taal van het document ontbreekt".to_owned(),
        ValidationError::MissingHeadingTitle => "een kop heeft geen tekst".to_owned(),
        ValidationError::MissingDocumentOutline => "de bladwijzers ontbreken".to_owned(),
        ValidationError::ContainsNotDefGlyph(..)
        | ValidationError::NoCodepointMapping(..)
        | ValidationError::InvalidCodepointMapping(..) => {
            "een teken staat niet in het lettertype".to_owned()
        }
        other => format!("{other:?}"),
    }
}

/// The structure as krilla's tag tree, each leaf replaced by the sequences drawn for it.
fn tag_nodes(elements: Vec<Element>, drawn: &mut [Vec<Identifier>]) -> Vec<krilla::tagging::Node> {
    elements
        .into_iter()
        .flat_map(|element| match element {
            Element::Group(tag, children) => {
                vec![TagGroup::with_children(tag, tag_nodes(children, drawn)).into()]
            }
            Element::Leaf(leaf) => std::mem::take(&mut drawn[leaf])
                .into_iter()
                .map(Into::into)
                .collect(),
        })
        .collect()
}

/// `text` in the small size cut at a word to fit `width`, with "…"; the sources section of
/// every document has the full attribution.
fn fitted(fonts: &Fonts, text: &str, width: f32) -> String {
    if fonts.regular.width(text, SMALL_SIZE) <= width {
        return text.to_owned();
    }
    let mut shown = String::new();
    for word in text.split(' ') {
        let candidate = if shown.is_empty() {
            word.to_owned()
        } else {
            format!("{shown} {word}")
        };
        if fonts.regular.width(&format!("{candidate} …"), SMALL_SIZE) > width {
            break;
        }
        shown = candidate;
    }
    format!("{shown} …")
}

/// The PDF bookmarks: level-2 headings under their level-1 heading.
fn outline(headings: &[Heading]) -> Outline {
    let mut outline = Outline::new();
    let mut open: Option<OutlineNode> = None;
    for heading in headings {
        let node = OutlineNode::new(
            heading.text.clone(),
            XyzDestination::new(heading.page, Point::from_xy(MARGIN_X, heading.y)),
        );
        if heading.level <= 1 {
            if let Some(parent) = open.take() {
                outline.push_child(parent);
            }
            open = Some(node);
        } else if let Some(parent) = open.as_mut() {
            parent.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(parent) = open {
        outline.push_child(parent);
    }
    outline
}

fn draw(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    mark: &Mark,
    figures: &[usvg::Tree],
    page_of: &dyn Fn(usize) -> usize,
) {
    match mark {
        Mark::Text {
            x,
            y,
            size,
            bold,
            colour,
            text,
        } => draw_text(surface, fonts, *x, *y, *size, *bold, *colour, text),
        Mark::Rectangle {
            x,
            y,
            width,
            height,
            colour,
        } => {
            let mut path = PathBuilder::new();
            path.push_rect(
                Rect::from_xywh(*x, *y, *width, *height).expect("a table row has a positive size"),
            );
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*colour)));
                surface.draw_path(&path);
            }
        }
        Mark::Rule {
            x,
            y,
            width,
            thickness,
            colour,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(*x, *y);
            path.line_to(x + width, *y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(colour[0], colour[1], colour[2]).into(),
                    width: *thickness,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Mark::Figure {
            x,
            y,
            width,
            height,
            index,
        } => {
            surface.push_transform(&Transform::from_translate(*x, *y));
            let size = Size::from_wh(*width, *height).expect("a figure has a positive size");
            surface.draw_svg(&figures[*index], size, SvgSettings::default());
            surface.pop();
        }
        Mark::PageOf { right, y, heading } => {
            let number = integer(page_of(*heading) as u64);
            let x = right - fonts.regular.width(&number, BODY_SIZE);
            draw_text(surface, fonts, x, *y, BODY_SIZE, false, TEXT, &number);
        }
    }
}

fn fill(colour: [u8; 3]) -> Fill {
    Fill {
        paint: rgb::Color::new(colour[0], colour[1], colour[2]).into(),
        opacity: krilla::num::NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_text(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    colour: [u8; 3],
    text: &str,
) {
    surface.set_stroke(None);
    surface.set_fill(Some(fill(colour)));
    surface.draw_text(
        Point::from_xy(x, y),
        fonts.face(bold).pdf.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Block, DocTable, Document};

    fn sample(rows: usize) -> Document {
        Document {
            title: "Veiligheidsbrief 2025".into(),
            subtitle: "Proefgemeente".into(),
            date: "23 november 2026".into(),
            attribution: "Bron: CBS/Politie".into(),
            blocks: vec![
                Block::Contents,
                Block::Heading(1, "Inleiding".into()),
                Block::Paragraph("Een alinea met <tekens> & \"aanhalingen\". ".repeat(20)),
                Block::Heading(2, "Een tabel".into()),
                Block::Table(DocTable {
                    tones: Vec::new(),
                    headers: vec!["Nr.".into(), "Omschrijving".into(), "Bedrag".into()],
                    numeric: vec![true, false, true],
                    widths: None,
                    rows: (1..=rows)
                        .map(|i| {
                            vec![
                                i.to_string(),
                                format!("regel {i} ").repeat(8),
                                "16.848".into(),
                            ]
                        })
                        .collect(),
                    caption: Some("Een lange tabel".into()),
                }),
            ],
        }
    }

    /// A chart as the documents carry it, with the text alternative `alt`.
    fn figure(alt: &str) -> Block {
        let values = [Some(3.0), Some(5.0), Some(4.0)];
        let labels = ["jan 2015".to_owned(), "feb 2015".into(), "mrt 2015".into()];
        let svg = buurtbeeld_render::svg::line_chart(
            &[buurtbeeld_render::svg::Line {
                name: "Fietsdiefstal",
                values: &values,
                dashed: false,
                band: None,
            }],
            &labels,
            "Fietsdiefstal per maand",
            "aantal",
        );
        Block::Figure {
            svg,
            caption: "Fietsdiefstal per maand".into(),
            alt: alt.into(),
        }
    }

    fn contains(bytes: &[u8], needle: &str) -> bool {
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn every_kind_of_block_is_tagged_under_the_pdf_ua_1_check() {
        let mut document = sample(60);
        document.blocks.extend([
            Block::Bullets(vec!["Een punt".into(), "Nog een punt".into()]),
            figure("Lijndiagram van fietsdiefstal per maand: 3, 5 en 4."),
        ]);
        let pdf = render_pdf(&document).expect("conforms to PDF/UA-1");
        for marker in [
            "/Marked true",
            "/StructTreeRoot",
            "/Lang(nl)",
            "/DisplayDocTitle true",
            "pdfuaid:part",
        ] {
            assert!(contains(&pdf.bytes, marker), "no {marker}");
        }
    }

    #[test]
    fn a_figure_without_a_text_alternative_is_not_written() {
        let mut document = sample(1);
        document.blocks.push(figure(""));
        match render_pdf(&document) {
            Err(PdfError::Accessibility(problems)) => {
                assert_eq!(problems, "een figuur heeft geen tekstalternatief")
            }
            other => panic!("expected a refusal, got {:?}", other.map(|p| p.pages)),
        }
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let first = render_pdf(&sample(10)).unwrap();
        let second = render_pdf(&sample(10)).unwrap();
        assert_eq!(first.bytes, second.bytes);
        assert!(first.bytes.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_long_table_continues_on_new_pages() {
        let short = render_pdf(&sample(5)).unwrap();
        let long = render_pdf(&sample(200)).unwrap();
        assert_eq!(short.pages, 2, "title and contents, then the text");
        assert!(long.pages > 5, "{} pages", long.pages);
    }

    #[test]
    fn a_table_starts_where_its_caption_header_and_two_rows_fit() {
        let fonts = Fonts::load();
        let mut layout = Layout::new(&fonts);
        let Block::Table(table) = &sample(40).blocks[4] else {
            panic!("the sample's table")
        };
        let short_rows = DocTable {
            rows: table
                .rows
                .iter()
                .map(|r| vec![r[0].clone(), "kort".into(), r[2].clone()])
                .collect(),
            ..table.clone()
        };
        layout.y = BOTTOM - 80.0;
        layout.table(1, &short_rows);
        let on_first_page = |start: &str| {
            layout.pages[0].iter().any(
                |placed| matches!(&placed.mark, Mark::Text { text, .. } if text.starts_with(start)),
            )
        };
        assert!(on_first_page("Tabel 1."), "the caption stays on the page");
        assert!(on_first_page("2"), "with its first two rows");
        assert_eq!(layout.pages.len(), 2, "the rest continues on the next page");
    }

    #[test]
    fn wrapped_lines_fit_their_width_and_lose_no_text() {
        let fonts = Fonts::load();
        let layout = Layout::new(&fonts);
        let text =
            "Een Veiligheids-Informatiesysteemwoordzonderspaties dat niet past, en gewone woorden.";
        for width in [40.0, 80.0, 200.0] {
            let lines = layout.wrap(text, width, TABLE_SIZE, false);
            for line in &lines {
                assert!(
                    fonts.regular.width(line, TABLE_SIZE) <= width,
                    "{line:?} at {width}"
                );
            }
            let joined: String = lines.concat();
            let expected: String = text.split_whitespace().collect();
            assert_eq!(joined.replace(' ', ""), expected);
        }
    }
}
