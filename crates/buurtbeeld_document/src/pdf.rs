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

use std::sync::Arc;

use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::document::{heading_numbers, Block, DocTable, Document};
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
                    Some(Block::Table(table)) => layout.table_opening(table),
                    Some(Block::Figure { .. }) => figure_size(&figures[figure_index]).1 + 40.0,
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
            Block::Figure { caption, .. } => {
                let tree = &figures[figure_index];
                figure_index += 1;
                layout.figure(figure_index, tree, caption);
            }
        }
    }
    let pages = layout.pages.len();
    let bytes = write(document, &fonts, &layout, &figures)?;
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
    pages: Vec<Vec<Mark>>,
    /// The top of the free space on the current page.
    y: f32,
    headings: Vec<Heading>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            headings: Vec::new(),
        }
    }

    fn page(&mut self) -> &mut Vec<Mark> {
        self.pages.last_mut().expect("there is always a page")
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
        self.page().push(Mark::Text {
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
        for line in self.wrap(&document.title, WIDTH, 24.0, true) {
            self.y += 30.0;
            self.text(MARGIN_X, self.y, 24.0, true, BLUE, &line);
        }
        for line in self.wrap(&document.subtitle, WIDTH, 13.0, false) {
            self.y += 20.0;
            self.text(MARGIN_X, self.y, 13.0, false, TEXT, &line);
        }
        self.y += 18.0;
        self.text(MARGIN_X, self.y, BODY_SIZE, false, GREY, &document.date);
        self.y += 12.0;
        let y = self.y;
        self.page().push(Mark::Rule {
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
        self.text(MARGIN_X, self.y, 14.0, true, BLUE, "Inhoud");
        self.y += 8.0;
        for (index, block) in blocks.iter().enumerate() {
            let Block::Heading(level, text) = block else {
                continue;
            };
            let indent = if *level <= 1 { 0.0 } else { 24.0 };
            let bold = *level <= 1;
            let label = format!("{} {text}", numbers[index]);
            let lines = self.wrap(&label, WIDTH - indent - 40.0, BODY_SIZE, bold);
            self.ensure(BODY_LEADING * lines.len() as f32 + 4.0);
            self.y += 4.0;
            for line in &lines {
                self.y += BODY_LEADING;
                self.text(MARGIN_X + indent, self.y, BODY_SIZE, bold, TEXT, line);
            }
            let y = self.y;
            self.page().push(Mark::PageOf {
                right: MARGIN_X + WIDTH,
                y,
                heading: index,
            });
        }
        self.new_page();
    }

    fn heading(&mut self, block: usize, level: u8, number: &str, text: &str, keep: f32) {
        let (size, space) = if level <= 1 {
            (15.0, 22.0)
        } else {
            (12.0, 14.0)
        };
        let lines = self.wrap(&format!("{number} {text}"), WIDTH, size, true);
        self.ensure(space + size * 1.4 * lines.len() as f32 + keep);
        if self.y > TOP {
            self.y += space;
        }
        let top = self.y;
        for line in &lines {
            self.y += size * 1.4;
            self.text(MARGIN_X, self.y, size, true, BLUE, line);
        }
        self.headings.push(Heading {
            block,
            level,
            text: format!("{number} {text}"),
            page: self.pages.len() - 1,
            y: top,
        });
        self.y += 4.0;
    }

    fn paragraph(&mut self, text: &str) {
        self.lines(MARGIN_X, WIDTH, text);
        self.y += 6.0;
    }

    fn lines(&mut self, x: f32, width: f32, text: &str) {
        for line in self.wrap(text, width, BODY_SIZE, false) {
            self.ensure(BODY_LEADING);
            self.y += BODY_LEADING;
            self.text(x, self.y, BODY_SIZE, false, TEXT, &line);
        }
    }

    fn bullets(&mut self, items: &[String]) {
        for item in items {
            self.ensure(BODY_LEADING);
            self.text(
                MARGIN_X + 4.0,
                self.y + BODY_LEADING,
                BODY_SIZE,
                false,
                BLUE,
                "•",
            );
            self.lines(MARGIN_X + 16.0, WIDTH - 16.0, item);
            self.y += 3.0;
        }
        self.y += 4.0;
    }

    /// The height of a table's caption, header and first rows (up to three), which are kept
    /// together on one page.
    fn table_opening(&self, table: &DocTable) -> f32 {
        let widths = self.column_widths(table);
        let caption = table.caption.as_ref().map_or(0.0, |c| {
            self.wrap(&format!("Tabel 00. {c}"), WIDTH, 9.0, true).len() as f32 * 12.0 + 4.0
        });
        let rows: f32 = std::iter::once(&table.headers)
            .chain(table.rows.iter().take(3))
            .map(|row| row_height(&self.wrap_row(row, &widths, false)))
            .sum();
        8.0 + caption + rows
    }

    fn table(&mut self, number: usize, table: &DocTable) {
        let widths = self.column_widths(table);
        let header = self.wrap_row(&table.headers, &widths, true);
        self.ensure(self.table_opening(table));
        self.y += 8.0;
        if let Some(caption) = &table.caption {
            for line in self.wrap(&format!("Tabel {number}. {caption}"), WIDTH, 9.0, true) {
                self.y += 12.0;
                self.text(MARGIN_X, self.y, 9.0, true, TEXT, &line);
            }
        }
        self.y += 4.0;
        self.table_row(&header, &widths, table, None, false);
        for (i, row) in table.rows.iter().enumerate() {
            let row = self.wrap_row(row, &widths, false);
            if self.y + row_height(&row) > BOTTOM + TABLE_LEADING {
                self.new_page();
                self.table_row(&header, &widths, table, None, false);
            }
            self.table_row(&row, &widths, table, Some(i), i % 2 == 1);
        }
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

    fn table_row(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        table: &DocTable,
        // The row's index among the table's rows; `None` for the header.
        row: Option<usize>,
        shaded: bool,
    ) {
        let header = row.is_none();
        let height = row_height(cells);
        let top = self.y;
        let full_width: f32 = widths.iter().sum();
        if shaded {
            self.page().push(Mark::Rectangle {
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
            for (i, line) in cell.iter().enumerate() {
                let baseline = top + CELL_PADDING + (i as f32 + 1.0) * TABLE_LEADING - 2.5;
                let left = if numeric {
                    x + width - CELL_PADDING - self.fonts.face(bold).width(line, TABLE_SIZE)
                } else {
                    x + CELL_PADDING
                };
                self.text(left, baseline, TABLE_SIZE, bold, colour, line);
            }
            x += width;
        }
        self.y = top + height;
        if header {
            let y = self.y;
            self.page().push(Mark::Rule {
                x: MARGIN_X,
                y,
                width: full_width,
                thickness: 1.2,
                colour: BLUE,
            });
        }
    }

    fn figure(&mut self, number: usize, tree: &usvg::Tree, caption: &str) {
        let (width, height) = figure_size(tree);
        let caption = self.wrap(&format!("Figuur {number}. {caption}"), WIDTH, 9.0, false);
        self.ensure(height + 12.0 + caption.len() as f32 * 12.0);
        self.y += 8.0;
        let y = self.y;
        self.page().push(Mark::Figure {
            x: MARGIN_X + (WIDTH - width) / 2.0,
            y,
            width,
            height,
            index: number - 1,
        });
        self.y += height + 2.0;
        for line in &caption {
            self.y += 12.0;
            self.text(MARGIN_X, self.y, 9.0, false, GREY, line);
        }
        self.y += 8.0;
    }
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
    layout: &Layout<'_>,
    figures: &[usvg::Tree],
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = krilla::Document::new();
    let count = layout.pages.len();
    let page_of = |block: usize| {
        layout
            .headings
            .iter()
            .find(|h| h.block == block)
            .map_or(0, |h| h.page + 1)
    };
    for (index, marks) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a valid size");
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        for mark in marks {
            draw(&mut surface, fonts, mark, figures, &page_of);
        }
        // Running head from page 2 on; footer with the source and the page number everywhere.
        if index > 0 {
            draw_text(
                &mut surface,
                fonts,
                MARGIN_X,
                40.0,
                SMALL_SIZE,
                false,
                GREY,
                &document.title,
            );
        }
        let footer = PAGE_HEIGHT - 36.0;
        let number = format!("pagina {} van {}", index + 1, count);
        let right = MARGIN_X + WIDTH - fonts.regular.width(&number, SMALL_SIZE);
        draw_text(
            &mut surface,
            fonts,
            MARGIN_X,
            footer,
            SMALL_SIZE,
            false,
            GREY,
            &fitted(fonts, &document.attribution, right - MARGIN_X - 12.0),
        );
        draw_text(
            &mut surface,
            fonts,
            right,
            footer,
            SMALL_SIZE,
            false,
            GREY,
            &number,
        );
        surface.finish();
        page.finish();
    }
    pdf.set_outline(outline(&layout.headings));
    pdf.set_metadata(
        Metadata::new()
            .title(document.title.clone())
            .description(document.subtitle.clone())
            .language("nl".to_owned())
            .creator("buurtbeeld".to_owned()),
    );
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
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
