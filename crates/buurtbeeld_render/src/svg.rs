//! Server-rendered SVG charts and maps: no JavaScript, with text alternatives.
//!
//! Every function here is pure: it takes data and returns an SVG document as a `String`, with
//! no IO and no randomness. The output is deterministic (input order only, no hash-map
//! iteration, coordinates always written with one fixed decimal), so it can be snapshot-tested
//! and cached. All numbers people read go through [`crate::format`] (`16.848`, `3,5`), all text
//! is escaped.
//!
//! # Look and accessibility (WCAG 2.1 AA)
//!
//! - Sober Rijkshuisstijl-like look: white background, blue tones, the system font stack,
//!   no visible chart title (the page or report around the figure supplies the heading).
//! - Text is `#1a1a1a` (17,4:1 against white) or `#535353` for tick labels (7,7:1).
//! - Every figure has `role="img"` and `aria-labelledby` pointing at its `<title>` and a
//!   `<desc>` that summarises the data in words (classes and their counts, highest and lowest
//!   values, per line the first, last, highest and lowest value), which is the text
//!   alternative (WCAG 1.1.1). A map whose areas are links gets `role="group"` instead, because
//!   `role="img"` makes its children presentational and would hide the links from assistive
//!   technology.
//! - Ids are derived from a hash of the content, so two figures inlined in one HTML page do
//!   not share ids.
//!
//! # Map palette
//!
//! Five steps of one blue hue (around Rijkshuisstijl hemelblauw), spaced evenly in CIELAB
//! lightness L* ≈ 93, 77, 61, 45, 28 so that each step looks equally far from the next; the
//! darkest is Rijkshuisstijl donkerblauw. Contrast against white:
//!
//! | step | colour    | L*   | vs white | boundary stroke           |
//! |------|-----------|------|----------|---------------------------|
//! | 1    | `#e2ecf8` | 93,0 | 1,19:1   | `#333333` (10,6:1 on fill) |
//! | 2    | `#9ec2e6` | 77,0 | 1,86:1   | `#333333` (6,8:1 on fill)  |
//! | 3    | `#5f98cf` | 61,1 | 3,05:1   | `#ffffff` (3,05:1)         |
//! | 4    | `#026fb0` | 45,0 | 5,38:1   | `#ffffff` (5,38:1)         |
//! | 5    | `#154273` | 27,6 | 10,20:1  | `#ffffff` (10,20:1)        |
//!
//! Adjacent steps differ 1,55–1,90:1 in contrast; colour alone never carries the exact value:
//! every area has a `<title>` with its figure and the `<desc>` lists the classes. Boundaries
//! are 0,5 px white where white has ≥ 3:1 contrast with the fill (WCAG 1.4.11), and `#333`
//! on the two light steps. A single-hue sequential scale reads the same for all common forms
//! of colour blindness (only lightness varies). Areas without a figure are hatched grey
//! (`#8c8c8c` lines on `#f3f3f3`), which is not mistaken for the lightest blue.

use std::fmt::Write as _;

use buurtbeeld_cube::dutch::{decimal, integer};

use crate::markup::{escape, Svg};

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// Appends formatted markup and a line break: one element (or group tag) per line keeps
/// snapshots and diffs readable.
macro_rules! el {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}

/// The stylesheet inside every map: outlines the area under the pointer or focus. Public so
/// that the server can allow exactly this text in its Content-Security-Policy.
pub const MAP_STYLE: &str =
    ".bb-map .bb-area:hover,.bb-map a:hover .bb-area,.bb-map a:focus .bb-area\
     {stroke:#000;stroke-width:2px}";

/// Width of every chart, in px (user units equal px).
const WIDTH: f64 = 640.0;
/// Width of a map: wider than a chart, so that the areas (not the legend) get the room.
const MAP_WIDTH: f64 = 960.0;
/// Height of a line chart.
const CHART_HEIGHT: f64 = 280.0;
/// Margin between a figure's edge and its content.
const PAD: f64 = 12.0;
/// The system font stack (no web fonts: works offline and in PDF renderers).
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/// Body text: 17,4:1 against white.
const TEXT: &str = "#1a1a1a";
/// Secondary text (tick labels, messages): 7,7:1 against white.
const TEXT_MUTED: &str = "#535353";
/// A shaded stretch of a chart (light blue-grey): the muted text on it keeps 4,5:1 contrast.
const SPAN_FILL: &str = "#e4ebf1";

/// The sequential map palette, light to dark; see the module documentation.
const MAP_PALETTE: [&str; 5] = ["#e2ecf8", "#9ec2e6", "#5f98cf", "#026fb0", "#154273"];
/// Boundary stroke per palette step: `#333` on the light steps, white where white has ≥ 3:1.
const MAP_STROKE: [&str; 5] = ["#333333", "#333333", "#ffffff", "#ffffff", "#ffffff"];
/// Boundary stroke of an area without a figure.
const NODATA_STROKE: &str = "#333333";
/// Largest map height; a tall area is drawn narrower instead.
const MAX_MAP_HEIGHT: f64 = 640.0;

/// Line colours: colour-blind-safe, each ≥ 3:1 against white (blue 6,1:1, orange 3,2:1,
/// green 4,5:1, purple 14,0:1, ruby 7,3:1, dark green 8,2:1). Lines beyond six repeat colours.
const LINE_PALETTE: [&str; 6] = [
    "#01689b", "#e17000", "#39870c", "#42145f", "#a90061", "#275937",
];

/// One area on a choropleth map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapArea<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// GeoJSON geometry (Polygon or MultiPolygon) in WGS84 lon/lat, as text.
    pub geometry: &'a str,
    /// The value that colours the area; None = no figure ("geen gegevens"), drawn hatched grey.
    pub value: Option<f64>,
    /// Link target when the area is clicked (an `<a href>` around the path), if any.
    pub href: Option<String>,
    /// Why an area without a value has none when that is a rule rather than missing data
    /// (e.g. `Geen cijfer: minder dan 100 inwoners`): drawn dotted, with this legend label,
    /// instead of hatched as "Geen gegevens".
    pub no_figure: Option<&'a str>,
}

/// Lower and upper bounds per x label.
pub type Band<'a> = (&'a [Option<f64>], &'a [Option<f64>]);

/// One line on a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    pub name: &'a str,
    /// One value per x label; None leaves a gap.
    pub values: &'a [Option<f64>],
    /// Dashed (for e.g. a 12-month rolling mean or a forecast).
    pub dashed: bool,
    /// An interval around the line (e.g. a 95% prediction interval: lower and upper per x
    /// label), drawn as a light band in the line's colour where both bounds are known.
    pub band: Option<Band<'a>>,
}

/// A choropleth map: areas coloured in 5 classes (quantile breaks over the non-None values;
/// fewer classes if there are fewer distinct values), a legend with the class ranges in Dutch
/// number format (`decimals` places), a `<title>` per area ("Naam (CODE): value"), `role="img"`,
/// `aria-labelledby` pointing at a <title> and <desc> of the whole map. Width 640, height chosen
/// from the areas' aspect ratio (project lon/lat with an equirectangular projection scaled by
/// cos(mean latitude) so NL is not squashed). Paths use `fill-rule="evenodd"` so holes show.
/// Areas with hrefs are keyboard-focusable links (tabindex via <a>), with a visible focus style
/// (a CSS class `bb-area` on the path; include a <style> in the SVG: hover/focus stroke 2px #000).
///
/// Details:
/// - With fewer than 5 classes the colours are spread over the palette (1 class: the middle
///   step; 2: lightest and darkest; 3: steps 1, 3, 5; 4: steps 1, 2, 4, 5).
/// - Breaks and labels follow the rule of `Classes`: no class of a single value, no range
///   stretched by one far outlier.
/// - An area without a value but with a `no_figure` reason (e.g. too few inhabitants for a
///   rate) is drawn dotted, with that reason in the legend and its tooltip, and takes no class.
/// - Non-finite values count as None. An area whose geometry is not a valid Polygon or
///   MultiPolygon is skipped entirely (not drawn, not in the breaks); the `<desc>` says how
///   many were skipped. With nothing to draw the result is a small SVG saying
///   "Geen kaart beschikbaar".
/// - The "mean latitude" is the middle of the latitude range of all drawn areas.
/// - If any area has an href the root has `role="group"` instead of `role="img"` (an image's
///   children are hidden from assistive technology, so its links would be too). An href that
///   starts with `javascript:` is dropped.
pub fn choropleth(areas: &[MapArea<'_>], title: &str, legend_title: &str, decimals: usize) -> Svg {
    // Parse every geometry once; invalid ones are skipped.
    let drawn: Vec<(&MapArea<'_>, Vec<Ring>)> = areas
        .iter()
        .filter_map(|area| parse_geometry(area.geometry).map(|rings| (area, rings)))
        .collect();
    let skipped = areas.len() - drawn.len();
    let id = content_id(
        "bb-map",
        std::iter::once(title).chain(areas.iter().map(|a| a.code)),
    );
    if drawn.is_empty() {
        let mut desc =
            "Geen kaart beschikbaar: er zijn geen gebieden met een geldige geometrie.".to_owned();
        if skipped > 0 {
            w!(desc, " {} niet getekend.", areas_count(skipped));
        }
        return placeholder(&id, title, &desc, "Geen kaart beschikbaar", 96.0);
    }

    let value_of = |area: &MapArea<'_>| area.value.filter(|v| v.is_finite());
    let values: Vec<f64> = drawn.iter().filter_map(|(a, _)| value_of(a)).collect();
    let classes = Classes::quantile(&values, decimals);
    let reasons: std::collections::BTreeSet<&str> =
        drawn.iter().filter_map(|(a, _)| no_figure(a)).collect();
    let without_figure = drawn.iter().filter(|(a, _)| no_figure(a).is_some()).count();
    let nodata = drawn.len() - values.len() - without_figure;

    // Legend: label texts first, as they set the legend's width.
    let labels = class_labels(&classes, decimals);
    let mut rows = class_legend_rows(&classes, &labels, &MAP_STROKE);
    for reason in &reasons {
        rows.push((
            (*reason).to_owned(),
            format!("url(#{id}-nf)"),
            NODATA_STROKE,
        ));
    }
    if nodata > 0 {
        rows.push((
            "Geen gegevens".to_owned(),
            format!("url(#{id}-nd)"),
            NODATA_STROKE,
        ));
    }
    let mut desc = map_descape(
        &drawn,
        &classes,
        &labels,
        nodata,
        skipped,
        legend_title,
        decimals,
    );
    for reason in &reasons {
        let n = drawn
            .iter()
            .filter(|(a, _)| no_figure(a) == Some(*reason))
            .count();
        w!(desc, " {reason}: {}.", areas_count(n));
    }
    draw_map(
        &id,
        title,
        &desc,
        legend_title,
        &rows,
        nodata > 0,
        &drawn,
        |area| {
            let (fill, stroke) = match (value_of(area), no_figure(area)) {
                (Some(v), _) => {
                    let step = classes.steps[classes.class_of(v)];
                    (MAP_PALETTE[step].to_owned(), MAP_STROKE[step])
                }
                (None, Some(_)) => (format!("url(#{id}-nf)"), NODATA_STROKE),
                (None, None) => (format!("url(#{id}-nd)"), NODATA_STROKE),
            };
            let shown = match (value_of(area), no_figure(area)) {
                (Some(v), _) => decimal(v, decimals),
                (None, Some(reason)) => reason.to_lowercase(),
                (None, None) => "geen gegevens".to_owned(),
            };
            let tip = format!("{} ({}): {shown}", area.name, area.code);
            (fill, stroke, tip)
        },
    )
}

/// A density map: grid cells (`cells`, each a small polygon with its density as `value` and an
/// empty `code`)
/// coloured in up to 5 quantile classes over the cells drawn, under the outlines of the areas
/// (`outlines`, drawn unfilled on top so the buurten stay readable). Cells without a value are
/// not drawn: a density map shows where something is, not where nothing is. Otherwise as
/// [`choropleth`]; the `<desc>` names the classes and the number of cells.
pub fn density_map(
    cells: &[MapArea<'_>],
    outlines: &[MapArea<'_>],
    title: &str,
    legend_title: &str,
    decimals: usize,
) -> Svg {
    let parsed = |areas: &'_ [MapArea<'_>]| -> Vec<(usize, Vec<Ring>)> {
        areas
            .iter()
            .enumerate()
            .filter_map(|(i, area)| parse_geometry(area.geometry).map(|rings| (i, rings)))
            .collect()
    };
    let id = content_id(
        "bb-density",
        std::iter::once(title).chain(outlines.iter().map(|a| a.code)),
    );
    let cells: Vec<MapArea<'_>> = cells
        .iter()
        .filter(|c| c.value.is_some_and(f64::is_finite))
        .cloned()
        .collect();
    let drawn_cells = parsed(&cells);
    let drawn_outlines = parsed(outlines);
    if drawn_outlines.is_empty() {
        return placeholder(
            &id,
            title,
            "Geen kaart beschikbaar: er zijn geen gebieden met een geldige geometrie.",
            "Geen kaart beschikbaar",
            96.0,
        );
    }
    let values: Vec<f64> = cells.iter().filter_map(|c| c.value).collect();
    let classes = Classes::quantile(&values, decimals);
    let labels = class_labels(&classes, decimals);
    // Cells have no outline of their own: a swatch is drawn in its fill colour.
    let mut rows = class_legend_rows(&classes, &labels, &MAP_PALETTE);
    rows.push(("Buurtgrens".to_owned(), "#ffffff".to_owned(), "#535353"));
    let mut desc = format!(
        "Dichtheidskaart: {} rastercellen met een waarde onder de grenzen van {}. Kleur: {}",
        integer(drawn_cells.len() as u64),
        areas_count(drawn_outlines.len()),
        legend_title
    );
    for (i, label) in labels.iter().enumerate() {
        w!(desc, "{} {label}", if i == 0 { ":" } else { ";" });
    }
    desc.push('.');
    let drawn: Vec<(&MapArea<'_>, Vec<Ring>)> = drawn_cells
        .into_iter()
        .map(|(i, rings)| (&cells[i], rings))
        .chain(
            drawn_outlines
                .into_iter()
                .map(|(i, rings)| (&outlines[i], rings)),
        )
        .collect();
    draw_map(
        &id,
        title,
        &desc,
        legend_title,
        &rows,
        false,
        &drawn,
        |area| {
            // Cells carry no code; outlines do.
            match area.value.filter(|_| area.code.is_empty()) {
                Some(v) => {
                    let step = MAP_PALETTE[classes.steps[classes.class_of(v)]];
                    (
                        step.to_owned(),
                        "none",
                        format!("{}: {}", area.name, decimal(v, decimals)),
                    )
                }
                None => (
                    "none".to_owned(),
                    "#535353",
                    format!("{} ({})", area.name, area.code),
                ),
            }
        },
    )
}

/// Why an area without a value has none, when a rule says why (see [`MapArea::no_figure`]).
fn no_figure<'a>(area: &MapArea<'a>) -> Option<&'a str> {
    area.no_figure
        .filter(|_| !area.value.is_some_and(f64::is_finite))
}

/// A legend row (label, fill, stroke) per class, in the palette step of the class.
fn class_legend_rows(
    classes: &Classes,
    labels: &[String],
    strokes: &[&'static str],
) -> Vec<(String, String, &'static str)> {
    labels
        .iter()
        .zip(&classes.steps)
        .map(|(label, &step)| (label.clone(), MAP_PALETTE[step].to_owned(), strokes[step]))
        .collect()
}

/// The legend label of each class: its range in Dutch numbers ("1,2 – 3,4"), open-ended at an
/// end stretched by an outlier ("22,2 of meer"); one number only when all values read the same.
fn class_labels(classes: &Classes, decimals: usize) -> Vec<String> {
    let last = classes.highs.len().saturating_sub(1);
    classes
        .lows
        .iter()
        .zip(&classes.highs)
        .enumerate()
        .map(|(i, (&lo, &hi))| {
            let (lo, hi) = (decimal(lo, decimals), decimal(hi, decimals));
            if lo == hi {
                lo
            } else if i == last && classes.open_above {
                format!("{lo} of meer")
            } else if i == 0 && classes.open_below {
                format!("{hi} of minder")
            } else {
                format!("{lo} – {hi}")
            }
        })
        .collect()
}

/// One class of a [`class_map`]: its legend label and colours.
#[derive(Debug, Clone, PartialEq)]
pub struct MapClass<'a> {
    pub label: &'a str,
    pub fill: &'a str,
    pub stroke: &'static str,
}

/// A map of areas coloured by class (e.g. hotspot, coldspot, geen patroon) rather than by value:
/// `class_of[i]` is the index in `classes` of `areas[i]`, and `areas[i].value` is ignored. The
/// tooltip of each area is "Naam (CODE): label"; the legend lists every class with its number of
/// areas. Otherwise as [`choropleth`].
pub fn class_map(
    areas: &[MapArea<'_>],
    class_of: &[usize],
    classes: &[MapClass<'_>],
    title: &str,
    legend_title: &str,
) -> Svg {
    let drawn: Vec<(&MapArea<'_>, Vec<Ring>)> = areas
        .iter()
        .filter_map(|area| parse_geometry(area.geometry).map(|rings| (area, rings)))
        .collect();
    let id = content_id(
        "bb-classmap",
        std::iter::once(title).chain(areas.iter().map(|a| a.code)),
    );
    if drawn.is_empty() {
        return placeholder(
            &id,
            title,
            "Geen kaart beschikbaar: er zijn geen gebieden met een geldige geometrie.",
            "Geen kaart beschikbaar",
            96.0,
        );
    }
    let class_by_code = |area: &MapArea<'_>| {
        areas
            .iter()
            .position(|a| a.code == area.code)
            .and_then(|i| class_of.get(i).copied())
            .filter(|&c| c < classes.len())
    };
    let mut counts = vec![0usize; classes.len()];
    for (area, _) in &drawn {
        if let Some(c) = class_by_code(area) {
            counts[c] += 1;
        }
    }
    let rows: Vec<(String, String, &str)> = classes
        .iter()
        .map(|c| (c.label.to_owned(), c.fill.to_owned(), c.stroke))
        .collect();
    let mut desc = format!(
        "Kaart van {}. Kleur: {}.",
        areas_count(drawn.len()),
        legend_title
    );
    for (i, (class, count)) in classes.iter().zip(&counts).enumerate() {
        let sep = if i == 0 { "" } else { ";" };
        w!(desc, "{sep} {}: {}", class.label, areas_count(*count));
    }
    desc.push('.');
    draw_map(
        &id,
        title,
        &desc,
        legend_title,
        &rows,
        false,
        &drawn,
        |area| match class_by_code(area) {
            Some(c) => (
                classes[c].fill.to_owned(),
                classes[c].stroke,
                format!("{} ({}): {}", area.name, area.code, classes[c].label),
            ),
            None => (
                format!("url(#{id}-nd)"),
                NODATA_STROKE,
                format!("{} ({}): geen gegevens", area.name, area.code),
            ),
        },
    )
}

/// Draws the areas with their fills (`paint` gives fill, stroke and tooltip per area) and the
/// legend `rows` (label, fill, stroke; the last one the no-data row when `nodata_last`).
#[allow(clippy::too_many_arguments)]
fn draw_map(
    id: &str,
    title: &str,
    desc: &str,
    legend_title: &str,
    rows: &[(String, String, &str)],
    nodata_last: bool,
    drawn: &[(&MapArea<'_>, Vec<Ring>)],
    paint: impl Fn(&MapArea<'_>) -> (String, &'static str, String),
) -> Svg {
    let legend = MapLegend::new(legend_title, rows);
    let (projection, height) = MapProjection::fit(drawn, &legend);
    let linked = drawn.iter().any(|(a, _)| safe_href(a).is_some());
    let mut out = String::with_capacity(64 * 1024);
    open_map_svg(&mut out, id, height, linked, title, desc);
    write_map_areas(&mut out, drawn, &projection, paint);
    write_map_labels(&mut out, drawn, &projection);
    write_map_legend(&mut out, &legend, rows, nodata_last);
    out.push_str("</svg>");
    Svg::new(out)
}

/// The size of a map's legend and its title wrapped to that width.
#[derive(Debug)]
struct MapLegend {
    width: f64,
    height: f64,
    title_lines: Vec<String>,
    /// Each row's label, wrapped to the legend's width so that no label is cut off.
    row_lines: Vec<Vec<String>>,
}

impl MapLegend {
    /// Sizes the legend for its row labels and its title.
    fn new(legend_title: &str, rows: &[(String, String, &str)]) -> MapLegend {
        let widest = rows
            .iter()
            .map(|(label, _, _)| text_width(label, 13.0))
            .fold(0.0, f64::max);
        // The legend is as wide as its labels need (150–230 px), and up to 200 px if that keeps
        // its title to two lines. Semibold text is wider: ≈ 0,64 em per character.
        let wrapped = |width: f64| wrap(legend_title, (width / (13.0 * 0.64)).floor() as usize);
        let mut width = (widest + 30.0).clamp(150.0, 230.0);
        while width < 200.0 && wrapped(width).len() > 2 {
            width += 10.0;
        }
        let title_lines = wrapped(width);
        let label_chars = ((width - 30.0) / (13.0 * 0.6)).floor() as usize;
        let row_lines: Vec<Vec<String>> = rows
            .iter()
            .map(|(label, _, _)| wrap(label, label_chars))
            .collect();
        let label_lines: usize = row_lines.iter().map(|lines| lines.len().max(1)).sum();
        let height = title_lines.len() as f64 * 18.0
            + 8.0
            + rows.len() as f64 * 24.0
            + (label_lines - rows.len()) as f64 * 16.0;
        MapLegend {
            width,
            height,
            title_lines,
            row_lines,
        }
    }
}

/// Equirectangular projection from lon/lat to the map, x scaled by cos(mid latitude).
#[derive(Debug)]
struct MapProjection {
    min_lon: f64,
    max_lat: f64,
    kx: f64,
    scale: f64,
    x0: f64,
    y0: f64,
}

impl MapProjection {
    /// Fits the areas, centred, into the room the legend leaves; also returns the figure height.
    fn fit(drawn: &[(&MapArea<'_>, Vec<Ring>)], legend: &MapLegend) -> (MapProjection, f64) {
        let (min_lon, max_lon, min_lat, max_lat) = bounding_box(drawn);
        let kx = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.01);
        let geo_w = ((max_lon - min_lon) * kx).max(1e-9);
        let geo_h = (max_lat - min_lat).max(1e-9);
        let avail_w = MAP_WIDTH - 2.0 * PAD - legend.width - 24.0;
        let scale = (avail_w / geo_w).min(MAX_MAP_HEIGHT / geo_h);
        let (map_w, map_h) = (geo_w * scale, geo_h * scale);
        let content_h = map_h.max(legend.height);
        let projection = MapProjection {
            min_lon,
            max_lat,
            kx,
            scale,
            x0: PAD + (avail_w - map_w) / 2.0,
            y0: PAD + (content_h - map_h) / 2.0,
        };
        (projection, (content_h + 2.0 * PAD).ceil())
    }

    /// The map coordinates of a lon/lat point.
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.x0 + (lon - self.min_lon) * self.kx * self.scale,
            self.y0 + (self.max_lat - lat) * self.scale,
        )
    }
}

/// The smallest and largest longitude and latitude of all drawn rings.
fn bounding_box(drawn: &[(&MapArea<'_>, Vec<Ring>)]) -> (f64, f64, f64, f64) {
    let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (_, rings) in drawn {
        for &(lon, lat) in rings.iter().flatten() {
            min_lon = min_lon.min(lon);
            max_lon = max_lon.max(lon);
            min_lat = min_lat.min(lat);
            max_lat = max_lat.max(lat);
        }
    }
    (min_lon, max_lon, min_lat, max_lat)
}

/// Opens a map: the root, the hover and focus style, the no-data hatching, a white background.
fn open_map_svg(out: &mut String, id: &str, height: f64, linked: bool, title: &str, desc: &str) {
    open_svg(
        out,
        id,
        (MAP_WIDTH, height),
        if linked { "group" } else { "img" },
        "bb-map",
        title,
        desc,
    );
    el!(out, "<style>{MAP_STYLE}</style>");
    el!(
        out,
        "<defs><pattern id=\"{id}-nd\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f3f3f3\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8c8c8c\" stroke-width=\"1.5\"/>\
         </pattern><pattern id=\"{id}-nf\" width=\"6\" height=\"6\" \
         patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
         <circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"#6f6f6f\"/></pattern></defs>"
    );
    el!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
}

/// One path per area with its tooltip, inside a link where the area has a safe href.
fn write_map_areas(
    out: &mut String,
    drawn: &[(&MapArea<'_>, Vec<Ring>)],
    projection: &MapProjection,
    paint: impl Fn(&MapArea<'_>) -> (String, &'static str, String),
) {
    el!(
        out,
        "<g class=\"bb-areas\" stroke-width=\"0.5\" stroke-linejoin=\"round\">"
    );
    for (area, rings) in drawn {
        let mut d = String::new();
        for ring in rings {
            append_ring(
                &mut d,
                ring.iter().map(|&(lon, lat)| projection.project(lon, lat)),
            );
        }
        let (fill, stroke, tip) = paint(area);
        let path = format!(
            "<path class=\"bb-area\" d=\"{d}\" fill=\"{fill}\" stroke=\"{stroke}\" \
             fill-rule=\"evenodd\""
        );
        match safe_href(area) {
            Some(href) => el!(
                out,
                "<a href=\"{}\"><title>{}</title>{path}/></a>",
                escape(href),
                escape(&tip)
            ),
            None => el!(out, "{path}><title>{}</title></path>", escape(&tip)),
        }
    }
    el!(out, "</g>");
}

/// Font size of the names written on a map.
const MAP_LABEL_SIZE: f64 = 11.0;

/// The names of the areas large enough to hold them, written inside them (at a point inside
/// the largest ring, so a crescent-shaped area is not labelled outside itself). Largest areas
/// first; a name that would overlap one already written is left out. The names are for the
/// eye only: every area's name is already its tooltip and link text for assistive technology.
fn write_map_labels(
    out: &mut String,
    drawn: &[(&MapArea<'_>, Vec<Ring>)],
    projection: &MapProjection,
) {
    use geo::{Area, BoundingRect, InteriorPoint, Intersects};
    let mut candidates: Vec<(f64, &str, geo::Point<f64>, geo::Rect<f64>)> = drawn
        .iter()
        .filter_map(|(area, rings)| {
            let largest = rings
                .iter()
                .map(|ring| {
                    let points: Vec<(f64, f64)> = ring
                        .iter()
                        .map(|&(lon, lat)| projection.project(lon, lat))
                        .collect();
                    geo::Polygon::new(geo::LineString::from(points), Vec::new())
                })
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
            let (point, rect) = (largest.interior_point()?, largest.bounding_rect()?);
            Some((largest.unsigned_area(), area.name, point, rect))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut placed: Vec<geo::Rect<f64>> = Vec::new();
    let mut labels = String::new();
    for (_, name, point, room) in candidates {
        let (w, h) = (text_width(name, MAP_LABEL_SIZE), MAP_LABEL_SIZE + 2.0);
        if w > room.width() * 0.9 || h > room.height() * 0.6 {
            continue;
        }
        let label = geo::Rect::new(
            (point.x() - w / 2.0, point.y() - h / 2.0),
            (point.x() + w / 2.0, point.y() + h / 2.0),
        );
        if placed.iter().any(|other| label.intersects(other)) {
            continue;
        }
        placed.push(label);
        w!(
            labels,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            n1(point.x()),
            n1(point.y() + MAP_LABEL_SIZE * 0.35),
            escape(name)
        );
    }
    if !labels.is_empty() {
        // A white halo keeps dark text readable on the darkest class.
        el!(
            out,
            "<g class=\"bb-labels\" aria-hidden=\"true\" font-size=\"{MAP_LABEL_SIZE}\" \
             text-anchor=\"middle\" fill=\"{TEXT}\" stroke=\"#ffffff\" stroke-width=\"3\" \
             paint-order=\"stroke\" pointer-events=\"none\">{labels}</g>"
        );
    }
}

/// The legend, top right: the title, then a swatch and a label per row.
fn write_map_legend(
    out: &mut String,
    legend: &MapLegend,
    rows: &[(String, String, &str)],
    nodata_last: bool,
) {
    let lx = MAP_WIDTH - PAD - legend.width;
    let mut y = PAD;
    el!(
        out,
        "<g class=\"bb-legend\" font-size=\"13\" fill=\"{TEXT}\">"
    );
    for line in &legend.title_lines {
        y += 18.0;
        el!(
            out,
            "<text x=\"{}\" y=\"{}\" font-weight=\"600\">{}</text>",
            n1(lx),
            n1(y - 4.0),
            escape(line)
        );
    }
    y += 8.0;
    for (i, ((_, fill, stroke), lines)) in rows.iter().zip(&legend.row_lines).enumerate() {
        let class = if nodata_last && i == rows.len() - 1 {
            "bb-swatch-nodata"
        } else {
            "bb-swatch"
        };
        let first = lines.first().map_or("", String::as_str);
        el!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"22\" height=\"16\" fill=\"{fill}\" \
             stroke=\"{stroke}\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\">{}</text>",
            n1(lx),
            n1(y + 2.0),
            n1(lx + 30.0),
            n1(y + 15.0),
            escape(first)
        );
        // A label too long for the legend continues on lines of its own.
        for (k, line) in lines.iter().enumerate().skip(1) {
            el!(
                out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                n1(lx + 30.0),
                n1(y + 15.0 + k as f64 * 16.0),
                escape(line)
            );
        }
        y += 24.0 + lines.len().saturating_sub(1) as f64 * 16.0;
    }
    el!(out, "</g>");
}

/// A line chart with x labels (e.g. months "2015-01"; show at most ~12 tick labels, evenly
/// spaced), a y axis starting at 0 with 4–6 nice round ticks in Dutch format, a legend, a
/// <title>/<desc>, role="img". Width 640, height 280. Colours: a colour-blind-safe palette with
/// ≥ 3:1 contrast against white (e.g. #01689b Rijksoverheid blue, #e17000 orange, #39870c
/// green, #42145f purple).
///
/// Details:
/// - Tick steps are 1, 2, 2,5 or 5 × 10ⁿ. Negative values extend the axis below 0.
/// - X labels are shown every 1, 2, 3, 4, 6, 12, 24, … positions (so monthly series starting in
///   January are labelled at each January), at most 12 and as many as fit side by side.
/// - A value between two gaps is drawn as a dot. Values beyond the number of x labels are
///   ignored; non-finite values count as None.
/// - `y_label` is shown above the y axis; the legend (a line sample per line, dashed where the
///   line is dashed) sits below the chart.
/// - Without x labels or without any value the result is a chart-sized SVG saying
///   "Geen gegevens beschikbaar".
pub fn line_chart(lines: &[Line<'_>], x_labels: &[String], title: &str, y_label: &str) -> Svg {
    line_chart_with_span(lines, x_labels, title, y_label, None)
}

/// A stretch of the x axis shaded behind the lines, e.g. the months an intervention ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShadedSpan<'a> {
    /// First and last x position shaded (inclusive).
    pub first: usize,
    pub last: usize,
    /// What the stretch is, shown in it and said in the description (e.g. `Interventie`).
    pub label: &'a str,
}

/// [`line_chart`] with an optional shaded stretch of the x axis, drawn behind the lines from
/// half a step before `first` to half a step after `last`, its label at the top, and named in
/// the text alternative.
pub fn line_chart_with_span(
    lines: &[Line<'_>],
    x_labels: &[String],
    title: &str,
    y_label: &str,
    span: Option<ShadedSpan<'_>>,
) -> Svg {
    let id = content_id(
        "bb-chart",
        std::iter::once(title)
            .chain(lines.iter().map(|l| l.name))
            .chain(x_labels.iter().map(String::as_str)),
    );
    let all = plotted_values(lines, x_labels.len());
    if all.is_empty() {
        let desc = format!("{y_label}: geen gegevens beschikbaar.");
        return placeholder(&id, title, &desc, "Geen gegevens beschikbaar", CHART_HEIGHT);
    }

    let lo = all.iter().copied().fold(0.0, f64::min);
    let hi = all.iter().copied().fold(0.0, f64::max);
    let axis = NiceAxis::new(lo, hi);
    let tick_labels: Vec<String> = axis.ticks().map(|t| decimal(t, axis.decimals)).collect();
    // The legend is laid out before the plot: its rows set the plot height.
    let (legend, legend_rows) = chart_legend_layout(lines);
    let plot = Plot::new(axis, &tick_labels, x_labels, legend_rows);

    let span = span.filter(|s| s.first <= s.last && s.last < x_labels.len());
    let mut desc = chart_descape(lines, x_labels, y_label);
    if let Some(span) = span {
        w!(
            desc,
            " Grijs vlak: {}, {} tot en met {}.",
            span.label,
            x_labels[span.first],
            x_labels[span.last]
        );
    }
    let mut out = String::with_capacity(16 * 1024);
    open_svg(
        &mut out,
        &id,
        (WIDTH, CHART_HEIGHT),
        "img",
        "bb-chart",
        title,
        &desc,
    );
    el!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    if let Some(span) = span {
        write_span(&mut out, &plot, span);
    }
    write_y_axis(&mut out, &plot, &tick_labels, y_label);
    write_x_axis(&mut out, &plot, x_labels);
    write_bands(&mut out, lines, &plot);
    for (k, line) in lines.iter().enumerate() {
        write_line(&mut out, line, line_colour(k), &plot);
    }
    write_chart_legend(&mut out, lines, &legend, plot.bottom);
    out.push_str("</svg>");
    Svg::new(out)
}

/// The value at position `i`, if there is one and it is finite.
fn finite_at(values: &[Option<f64>], i: usize) -> Option<f64> {
    values.get(i).copied().flatten().filter(|v| v.is_finite())
}

/// Every value and band bound a chart of `n` positions shows: what its y axis must cover.
fn plotted_values(lines: &[Line<'_>], n: usize) -> Vec<f64> {
    lines
        .iter()
        .flat_map(|line| {
            let bands = line.band.into_iter().flat_map(move |(lo, hi)| {
                (0..n).flat_map(move |i| [finite_at(lo, i), finite_at(hi, i)].into_iter().flatten())
            });
            (0..n)
                .filter_map(move |i| finite_at(line.values, i))
                .chain(bands)
        })
        .collect()
}

/// The colour of the `k`-th line; beyond the palette the colours repeat.
fn line_colour(k: usize) -> &'static str {
    LINE_PALETTE[k % LINE_PALETTE.len()]
}

/// Stroke width and dash attribute of a line, the same on the chart and in its legend.
fn stroke_style(dashed: bool) -> (&'static str, &'static str) {
    if dashed {
        ("2", " stroke-dasharray=\"6 4\"")
    } else {
        ("2.5", "")
    }
}

/// Where each line's legend entry goes, as (x, row), laid out left to right and wrapping; and
/// the number of rows.
fn chart_legend_layout(lines: &[Line<'_>]) -> (Vec<(f64, usize)>, usize) {
    let mut legend = Vec::with_capacity(lines.len());
    let (mut lx, mut row) = (PAD, 0usize);
    for line in lines {
        let item_w = 34.0 + text_width(line.name, 13.0);
        if lx > PAD && lx + item_w > WIDTH - PAD {
            lx = PAD;
            row += 1;
        }
        legend.push((lx, row));
        lx += item_w + 24.0;
    }
    let rows = if lines.is_empty() { 0 } else { row + 1 };
    (legend, rows)
}

/// The plot area of a line chart, and where positions and values fall in it.
#[derive(Debug)]
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// The number of x positions.
    positions: usize,
    /// The width of the widest x label, which sets how many of them fit.
    label_w: f64,
    axis: NiceAxis,
}

impl Plot {
    /// Leaves room for the tick labels on the left, half an x label on either side, and the
    /// x labels and `legend_rows` below.
    fn new(
        axis: NiceAxis,
        tick_labels: &[String],
        x_labels: &[String],
        legend_rows: usize,
    ) -> Plot {
        let label_w = x_labels
            .iter()
            .map(|l| text_width(l, 12.0))
            .fold(0.0, f64::max);
        let tick_w = tick_labels
            .iter()
            .map(|t| text_width(t, 12.0))
            .fold(0.0, f64::max);
        Plot {
            left: (PAD + tick_w + 10.0).max(PAD + label_w / 2.0).round(),
            right: WIDTH - (PAD + 4.0).max(label_w / 2.0 + 4.0).round(),
            top: 34.0,
            bottom: CHART_HEIGHT - 10.0 - legend_rows as f64 * 22.0 - 30.0,
            positions: x_labels.len(),
            label_w,
            axis,
        }
    }

    /// The width of the plot area.
    fn width(&self) -> f64 {
        self.right - self.left
    }

    /// The x of position `i`; a single position sits in the middle.
    fn x_at(&self, i: usize) -> f64 {
        if self.positions == 1 {
            self.left + self.width() / 2.0
        } else {
            self.left + self.width() * i as f64 / (self.positions - 1) as f64
        }
    }

    /// The y of value `v` on the axis.
    fn y_at(&self, v: f64) -> f64 {
        self.bottom
            - (v - self.axis.min) / (self.axis.max - self.axis.min) * (self.bottom - self.top)
    }
}

/// The y label above the axis, a grid line per tick (the zero line darker) and the tick labels.
fn write_y_axis(out: &mut String, plot: &Plot, tick_labels: &[String], y_label: &str) {
    el!(
        out,
        "<text x=\"{}\" y=\"18\" font-size=\"13\" fill=\"{TEXT}\">{}</text>",
        n1(PAD),
        escape(y_label)
    );
    el!(
        out,
        "<g class=\"bb-y-axis\" font-size=\"12\" fill=\"{TEXT_MUTED}\" text-anchor=\"end\">"
    );
    for (t, label) in plot.axis.ticks().zip(tick_labels) {
        // Half-pixel offsets keep one-pixel lines sharp.
        let y = plot.y_at(t).round() + 0.5;
        let stroke = if t == 0.0 { "#767676" } else { "#dddddd" };
        el!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" \
             stroke-width=\"1\"/><text x=\"{}\" y=\"{}\">{}</text>",
            n1(plot.left),
            n1(y),
            n1(plot.right),
            n1(y),
            n1(plot.left - 8.0),
            n1(y + 4.0),
            escape(label)
        );
    }
    el!(out, "</g>");
}

/// A tick and a label every [`label_step`] positions: as many labels as fit, at most 12.
fn write_x_axis(out: &mut String, plot: &Plot, x_labels: &[String]) {
    let max_labels = ((plot.width() / (plot.label_w + 14.0)).floor() as usize).clamp(1, 12);
    let step = label_step(x_labels.len(), max_labels);
    el!(
        out,
        "<g class=\"bb-x-axis\" font-size=\"12\" fill=\"{TEXT_MUTED}\" text-anchor=\"middle\">"
    );
    for (i, label) in x_labels.iter().enumerate().step_by(step) {
        let x = plot.x_at(i).round() + 0.5;
        el!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#767676\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            n1(x),
            n1(plot.bottom),
            n1(x),
            n1(plot.bottom + 5.0),
            n1(x),
            n1(plot.bottom + 20.0),
            escape(label)
        );
    }
    el!(out, "</g>");
}

/// The intervals as light bands in their line's colour, where both bounds are known. Written
/// before the lines, so that every band lies under every line.
fn write_bands(out: &mut String, lines: &[Line<'_>], plot: &Plot) {
    for (k, line) in lines.iter().enumerate() {
        let Some((lower, upper)) = line.band else {
            continue;
        };
        let known: Vec<(usize, f64, f64)> = (0..plot.positions)
            .filter_map(|i| Some((i, finite_at(lower, i)?, finite_at(upper, i)?)))
            .collect();
        if known.len() >= 2 {
            let mut d = String::new();
            let outline = known
                .iter()
                .map(|&(i, _, hi)| (plot.x_at(i), plot.y_at(hi)))
                .chain(
                    known
                        .iter()
                        .rev()
                        .map(|&(i, lo, _)| (plot.x_at(i), plot.y_at(lo))),
                );
            append_ring(&mut d, outline);
            el!(
                out,
                "<path class=\"bb-band\" d=\"{d}\" fill=\"{}\" fill-opacity=\"0.15\" \
                 stroke=\"none\"><title>{}: interval</title></path>",
                line_colour(k),
                escape(line.name)
            );
        }
    }
}

/// The shaded stretch behind the grid and lines, widened by half a step on each side so that a
/// single month is a visible band, and clipped to the plot.
fn write_span(out: &mut String, plot: &Plot, span: ShadedSpan<'_>) {
    let half_step = if plot.positions > 1 {
        plot.width() / (plot.positions - 1) as f64 / 2.0
    } else {
        plot.width() / 2.0
    };
    let left = (plot.x_at(span.first) - half_step).max(plot.left);
    let right = (plot.x_at(span.last) + half_step).min(plot.right);
    el!(
        out,
        "<g class=\"bb-span\"><title>{label}</title>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{SPAN_FILL}\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{TEXT_MUTED}\">{label}</text></g>",
        n1(left),
        n1(plot.top),
        n1(right - left),
        n1(plot.bottom - plot.top),
        n1(left + 4.0),
        n1(plot.top + 14.0),
        label = escape(span.label)
    );
}

/// One line: a path per run of values without a gap, a dot for a value between two gaps.
fn write_line(out: &mut String, line: &Line<'_>, colour: &str, plot: &Plot) {
    let (width, dash) = stroke_style(line.dashed);
    // Butt caps keep the dash pattern as drawn in the legend.
    let cap = if line.dashed { "butt" } else { "round" };
    el!(
        out,
        "<g class=\"bb-line\"><title>{}</title>",
        escape(line.name)
    );
    for run in unbroken_runs(line.values, plot.positions) {
        let points: Vec<(f64, f64)> = run
            .filter_map(|j| finite_at(line.values, j).map(|v| (plot.x_at(j), plot.y_at(v))))
            .collect();
        if let [(x, y)] = points[..] {
            el!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>",
                n1(x),
                n1(y)
            );
        } else {
            let mut d = String::new();
            append_polyline(&mut d, points.into_iter());
            el!(
                out,
                "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" \
                 stroke-linejoin=\"round\" stroke-linecap=\"{cap}\"{dash}/>"
            );
        }
    }
    el!(out, "</g>");
}

/// The stretches of positions below `n` that have a value, each ended by a gap or by `n`.
fn unbroken_runs(values: &[Option<f64>], n: usize) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        if finite_at(values, i).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && finite_at(values, i).is_some() {
            i += 1;
        }
        runs.push(start..i);
    }
    runs
}

/// The legend below the plot: per line a short sample in its colour and dash, and its name.
fn write_chart_legend(out: &mut String, lines: &[Line<'_>], layout: &[(f64, usize)], bottom: f64) {
    el!(
        out,
        "<g class=\"bb-legend\" font-size=\"13\" fill=\"{TEXT}\">"
    );
    for (k, (line, &(x, row))) in lines.iter().zip(layout).enumerate() {
        let y = bottom + 50.0 + row as f64 * 22.0;
        let (width, dash) = stroke_style(line.dashed);
        el!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" \
             stroke-width=\"{width}\"{dash}/><text x=\"{}\" y=\"{}\">{}</text>",
            n1(x),
            n1(y - 4.5),
            n1(x + 26.0),
            n1(y - 4.5),
            line_colour(k),
            n1(x + 34.0),
            n1(y),
            escape(line.name)
        );
    }
    el!(out, "</g>");
}

/// The 12-month rolling mean used with line_chart: None until 12 values are available, or
/// where any of the last 12 is None.
///
/// `window` is the number of values averaged (12 for months); a window of 0 gives all None.
/// Non-finite values count as None. Each mean is summed afresh (no running sum), so results do
/// not drift over long series.
pub fn rolling_mean(values: &[Option<f64>], window: usize) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            if window == 0 || i + 1 < window {
                return None;
            }
            let mut sum = 0.0;
            for v in &values[i + 1 - window..=i] {
                sum += v.filter(|v| v.is_finite())?;
            }
            Some(sum / window as f64)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Map helpers
// ---------------------------------------------------------------------------------------------

/// One ring of a polygon as (lon, lat) points.
type Ring = Vec<(f64, f64)>;

/// The rings of a GeoJSON Polygon or MultiPolygon (all of them: with even-odd filling, holes
/// show without telling outer and inner rings apart). None if the text is not such a geometry
/// or has no ring with at least 3 valid positions.
fn parse_geometry(text: &str) -> Option<Vec<Ring>> {
    let polygons = match text.parse::<geojson::Geometry>().ok()?.value {
        geojson::Value::Polygon(rings) => vec![rings],
        geojson::Value::MultiPolygon(polygons) => polygons,
        _ => return None,
    };
    let rings: Vec<Ring> = polygons
        .iter()
        .flatten()
        .map(|ring| {
            ring.iter()
                .filter_map(|position| {
                    let (lon, lat) = (*position.first()?, *position.get(1)?);
                    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
                        .then_some((lon, lat))
                })
                .collect::<Ring>()
        })
        .filter(|points| points.len() >= 3)
        .collect();
    (!rings.is_empty()).then_some(rings)
}

/// Appends one closed ring to path data, dropping points that round to the previous one.
fn append_ring(d: &mut String, points: impl Iterator<Item = (f64, f64)>) {
    let before = d.len();
    let count = append_polyline(d, points);
    if count >= 2 {
        d.push('Z');
    } else {
        d.truncate(before);
    }
}

/// Appends `M x y L x y x y …` to path data, skipping points that print the same as the
/// previous one; returns the number of points written.
fn append_polyline(d: &mut String, points: impl Iterator<Item = (f64, f64)>) -> usize {
    let mut last = String::new();
    let mut count = 0;
    for (x, y) in points {
        let point = format!("{} {}", n1(x), n1(y));
        if point == last {
            continue;
        }
        match count {
            0 => d.push('M'),
            1 => d.push('L'),
            _ => d.push(' '),
        }
        d.push_str(&point);
        last = point;
        count += 1;
    }
    count
}

/// Quantile classes over the non-None values, on the values as their labels show them.
///
/// The rule, for maps that never mislead by their legend:
/// - Values are classed as rounded to the legend's `decimals`, so two values that read the
///   same are always in the same class and no two labels share a bound.
/// - Breaks: the rounded values sorted; the upper bound of class `i` of `k` (at most 5, at most
///   the number of distinct values) is the value at index `ceil((i+1)·n/k) − 1`; equal bounds
///   are merged.
/// - A class holding a single value is merged with its neighbour of fewer areas (the upper one
///   on a tie), until none is left, so every label is a range; only when all values read the
///   same is there one class of that value.
/// - A label runs from the smallest to the largest value in the class; when the largest value
///   of the top class lies beyond Tukey's far-out fence (Q3 + 3·IQR of all values, IQR > 0) the
///   label is "van X" … "X of meer" instead of a range stretched by one outlier (likewise
///   "X of minder" for the bottom class below Q1 − 3·IQR). The area's own value stays in its
///   tooltip and the table.
#[derive(Debug)]
struct Classes {
    /// Smallest value in each class.
    lows: Vec<f64>,
    /// Largest value in each class (the break).
    highs: Vec<f64>,
    /// Number of values in each class.
    counts: Vec<usize>,
    /// Palette step of each class.
    steps: Vec<usize>,
    /// The bottom class has an outlier below the far-out fence.
    open_below: bool,
    /// The top class has an outlier above the far-out fence.
    open_above: bool,
    decimals: usize,
}

impl Classes {
    fn quantile(values: &[f64], decimals: usize) -> Classes {
        let mut sorted: Vec<f64> = values.iter().map(|&v| round_to(v, decimals)).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mut distinct = sorted.clone();
        distinct.dedup();
        let k = distinct.len().min(MAP_PALETTE.len());
        let mut highs: Vec<f64> = (0..k)
            .map(|i| sorted[((i + 1) * n).div_ceil(k) - 1])
            .collect();
        highs.dedup();
        let mut groups: Vec<(f64, f64, usize)> = Vec::with_capacity(highs.len());
        let mut start = 0;
        for &high in &highs {
            let end = sorted.partition_point(|&v| v <= high);
            groups.push((sorted[start], high, end - start));
            start = end;
        }
        merge_single_values(&mut groups);
        let (open_below, open_above) = outliers(&sorted, &groups);
        let m = groups.len();
        let steps = (0..m)
            .map(|j| match m {
                1 => 2,
                _ => (j * 4 + (m - 1) / 2) / (m - 1),
            })
            .collect();
        Classes {
            lows: groups.iter().map(|g| g.0).collect(),
            highs: groups.iter().map(|g| g.1).collect(),
            counts: groups.iter().map(|g| g.2).collect(),
            steps,
            open_below,
            open_above,
            decimals,
        }
    }

    /// The class of a value: the first whose upper bound is not below it (as rounded).
    fn class_of(&self, v: f64) -> usize {
        let v = round_to(v, self.decimals);
        self.highs
            .partition_point(|&high| high < v)
            .min(self.highs.len().saturating_sub(1))
    }
}

/// `v` as it reads with `decimals` places (rounded as `dutch::decimal` rounds), so classes
/// agree with their labels.
fn round_to(v: f64, decimals: usize) -> f64 {
    format!("{v:.decimals$}").parse().unwrap_or(v)
}

/// Merges every class of one value (low = high) into its neighbour with fewer areas (the upper
/// one on a tie) while there is more than one class.
fn merge_single_values(groups: &mut Vec<(f64, f64, usize)>) {
    while groups.len() > 1 {
        let Some(i) = groups.iter().position(|g| g.0 == g.1) else {
            return;
        };
        let upper = i + 1 < groups.len();
        let lower = i > 0;
        let with_upper = match (lower, upper) {
            (true, true) => groups[i + 1].2 <= groups[i - 1].2,
            (_, up) => up,
        };
        let (a, b) = if with_upper { (i, i + 1) } else { (i - 1, i) };
        groups[a] = (groups[a].0, groups[b].1, groups[a].2 + groups[b].2);
        groups.remove(b);
    }
}

/// Whether the bottom and top classes are stretched by far outliers (Tukey's far-out fences,
/// 3 × IQR beyond the quartiles), and are labelled open-ended instead.
fn outliers(sorted: &[f64], groups: &[(f64, f64, usize)]) -> (bool, bool) {
    if groups.len() < 2 {
        return (false, false);
    }
    let quartile = |q: f64| {
        let position = q * (sorted.len() - 1) as f64;
        let (below, above) = (position.floor() as usize, position.ceil() as usize);
        sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
    };
    let (q1, q3) = (quartile(0.25), quartile(0.75));
    let iqr = q3 - q1;
    if iqr <= 0.0 {
        return (false, false);
    }
    let (first, last) = (groups[0], groups[groups.len() - 1]);
    (
        first.0 < q1 - 3.0 * iqr && first.1 >= q1 - 3.0 * iqr,
        last.1 > q3 + 3.0 * iqr && last.0 <= q3 + 3.0 * iqr,
    )
}

/// The text alternative of a map: what is shown, the classes with their counts, the extremes.
fn map_descape(
    drawn: &[(&MapArea<'_>, Vec<Ring>)],
    classes: &Classes,
    labels: &[String],
    nodata: usize,
    skipped: usize,
    legend_title: &str,
    decimals: usize,
) -> String {
    let mut desc = format!(
        "Kaart van {}. Kleur: {}.",
        areas_count(drawn.len()),
        legend_title
    );
    if labels.is_empty() {
        desc.push_str(" Voor geen enkel gebied zijn gegevens beschikbaar.");
    } else {
        w!(
            desc,
            " {} {}:",
            integer(labels.len() as u64),
            if labels.len() == 1 {
                "klasse"
            } else {
                "klassen"
            }
        );
        for (i, (label, count)) in labels.iter().zip(&classes.counts).enumerate() {
            let sep = if i == 0 { "" } else { ";" };
            w!(desc, "{sep} {label} ({})", areas_count(*count));
        }
        desc.push('.');
        let valued = drawn
            .iter()
            .filter_map(|(a, _)| a.value.filter(|v| v.is_finite()).map(|v| (*a, v)));
        let mut highest: Option<(&MapArea<'_>, f64)> = None;
        let mut lowest: Option<(&MapArea<'_>, f64)> = None;
        for (area, v) in valued {
            if highest.is_none_or(|(_, h)| v > h) {
                highest = Some((area, v));
            }
            if lowest.is_none_or(|(_, l)| v < l) {
                lowest = Some((area, v));
            }
        }
        if let (Some((ha, hv)), Some((la, lv))) = (highest, lowest) {
            w!(
                desc,
                " Hoogste waarde: {} ({}); laagste: {} ({}).",
                ha.name,
                decimal(hv, decimals),
                la.name,
                decimal(lv, decimals)
            );
        }
    }
    if nodata > 0 && !labels.is_empty() {
        w!(desc, " Geen gegevens: {}.", areas_count(nodata));
    }
    if skipped > 0 {
        w!(
            desc,
            " {} zonder geldige geometrie niet getekend.",
            areas_count(skipped)
        );
    }
    desc
}

/// "1 gebied", "108 gebieden".
fn areas_count(n: usize) -> String {
    if n == 1 {
        "1 gebied".to_owned()
    } else {
        format!("{} gebieden", integer(n as u64))
    }
}

/// The href of an area, unless absent or a `javascript:` URL.
fn safe_href<'s>(area: &'s MapArea<'_>) -> Option<&'s str> {
    let href = area.href.as_deref()?;
    let scheme = href.trim_start().get(..11).unwrap_or("");
    (!scheme.eq_ignore_ascii_case("javascript:")).then_some(href)
}

// ---------------------------------------------------------------------------------------------
// Chart helpers
// ---------------------------------------------------------------------------------------------

/// A y axis from `min` to `max` in `step`s of 1, 2, 2,5 or 5 × 10ⁿ.
#[derive(Debug)]
struct NiceAxis {
    min: f64,
    max: f64,
    step: f64,
    /// Decimal places the tick labels need.
    decimals: usize,
}

impl NiceAxis {
    /// The smallest nice step that covers `lo..=hi` (lo ≤ 0 ≤ hi) in at most 5 steps. The
    /// candidates grow by at most 2,5× each, so this is also at least 3 steps: 4–6 ticks.
    fn new(lo: f64, hi: f64) -> NiceAxis {
        let hi = if hi - lo > 0.0 { hi } else { lo + 4.0 };
        let range = hi - lo;
        let mut exponent = (range / 5.0).log10().floor() as i32 - 1;
        loop {
            for (mantissa, extra) in [(1.0, 0), (2.0, 0), (2.5, 1), (5.0, 0)] {
                let step = mantissa * 10f64.powi(exponent);
                let lo_i = (lo / step + 1e-9).floor();
                let hi_i = (hi / step - 1e-9).ceil();
                if hi_i - lo_i <= 5.0 {
                    return NiceAxis {
                        min: lo_i * step,
                        max: hi_i * step,
                        step,
                        decimals: (extra - exponent).max(0) as usize,
                    };
                }
            }
            exponent += 1;
        }
    }

    /// Tick values from min to max, each computed from its index (no accumulated error).
    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = ((self.max - self.min) / self.step).round() as i64;
        (0..=count).map(move |i| {
            let t = self.min + i as f64 * self.step;
            if t.abs() < self.step * 1e-9 {
                0.0
            } else {
                t
            }
        })
    }
}

/// The label step: the smallest of 1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120, … that shows at
/// most `max_labels` labels for `n` positions.
fn label_step(n: usize, max_labels: usize) -> usize {
    const STEPS: [usize; 11] = [1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120];
    STEPS
        .into_iter()
        .find(|&s| n.div_ceil(s) <= max_labels)
        .unwrap_or_else(|| n.div_ceil(max_labels).max(1))
}

/// The text alternative of a line chart: the period, and per line its first, last, highest
/// and lowest value and how many periods have no value.
fn chart_descape(lines: &[Line<'_>], x_labels: &[String], y_label: &str) -> String {
    let n = x_labels.len();
    let mut desc = format!(
        "Lijndiagram, {} tot en met {}; verticale as: {}.",
        x_labels[0],
        x_labels[n - 1],
        y_label
    );
    for line in lines {
        let points: Vec<(usize, f64)> = (0..n)
            .filter_map(|i| finite_at(line.values, i).map(|v| (i, v)))
            .collect();
        let style = match (line.dashed, line.band.is_some()) {
            (true, true) => ", gestippelde lijn met een interval als band",
            (true, false) => ", gestippelde lijn",
            (false, true) => ", met een interval als band",
            (false, false) => "",
        };
        let Some(&(first_i, first)) = points.first() else {
            w!(desc, " {}{style}: geen waarden.", line.name);
            continue;
        };
        let places = if points.iter().all(|(_, v)| v.fract() == 0.0) {
            0
        } else {
            1
        };
        let (last_i, last) = points[points.len() - 1];
        let mut high = (first_i, first);
        let mut low = (first_i, first);
        for &(i, v) in &points {
            if v > high.1 {
                high = (i, v);
            }
            if v < low.1 {
                low = (i, v);
            }
        }
        w!(
            desc,
            " {}{style}: eerste waarde {} ({}), laatste {} ({}), hoogste {} ({}), laagste {} ({}).",
            line.name,
            decimal(first, places),
            x_labels[first_i],
            decimal(last, places),
            x_labels[last_i],
            decimal(high.1, places),
            x_labels[high.0],
            decimal(low.1, places),
            x_labels[low.0]
        );
        let missing = n - points.len();
        if missing > 0 {
            w!(
                desc,
                " {} {} zonder waarde.",
                integer(missing as u64),
                if missing == 1 { "periode" } else { "perioden" }
            );
        }
    }
    desc
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// Opens the root `<svg>` with its `<title>` and `<desc>` (escaped) as the first children.
fn open_svg(
    out: &mut String,
    id: &str,
    (width, height): (f64, f64),
    role: &str,
    class: &str,
    title: &str,
    desc: &str,
) {
    let height = n1(height);
    el!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\" role=\"{role}\" aria-labelledby=\"{id}-title {id}-desc\" \
         class=\"{class}\" font-family=\"{FONT}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc),
        w = n1(width)
    );
}

/// A figure that says there is nothing to show, with the usual title and description.
fn placeholder(id: &str, title: &str, desc: &str, message: &str, height: f64) -> Svg {
    let mut out = String::new();
    open_svg(
        &mut out,
        id,
        (WIDTH, height),
        "img",
        "bb-empty",
        title,
        desc,
    );
    el!(
        out,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"#f3f3f3\" \
         stroke=\"#cccccc\"/>",
        n1(WIDTH - 1.0),
        n1(height - 1.0)
    );
    el!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"14\" fill=\"{TEXT_MUTED}\" \
         text-anchor=\"middle\">{}</text>",
        n1(WIDTH / 2.0),
        n1(height / 2.0 + 5.0),
        escape(message)
    );
    out.push_str("</svg>");
    Svg::new(out)
}

/// A number for SVG markup (not for people): one decimal, trailing `.0` dropped, no `-0`.
fn n1(x: f64) -> String {
    let text = format!("{x:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A rough width in px of text in the system sans-serif, for layout: ≈ 0,6 em per character,
/// on the safe side (Segoe UI and San Francisco are narrower, DejaVu Sans about this wide).
fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * font_size * 0.6
}

/// Greedy word wrap at `max_chars` characters per line (a longer word gets its own line).
fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= max_chars.max(1);
        if !line.is_empty() && !fits {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A deterministic id for a figure (FNV-1a over its content), so that several figures inlined
/// in one HTML page do not share ids.
fn content_id<'s>(prefix: &str, parts: impl Iterator<Item = &'s str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{prefix}-{:08x}", hash >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_markup_needs() {
        assert_eq!(escape("a&b<c>d\"e'f\u{1}"), "a&amp;b&lt;c&gt;d&quot;e'f");
    }

    #[test]
    fn svg_numbers_are_fixed() {
        assert_eq!(n1(3.0), "3");
        assert_eq!(n1(3.04), "3");
        assert_eq!(n1(3.06), "3.1");
        assert_eq!(n1(-0.01), "0");
    }

    #[test]
    fn legend_labels_wrap_instead_of_being_cut_off() {
        let rows = vec![
            ("0,5 – 1,9".to_owned(), "#fff".to_owned(), "#000"),
            (
                "Niet getoetst (geen buren of geen inwoners): minder dan 100 inwoners".to_owned(),
                "#fff".to_owned(),
                "#000",
            ),
        ];
        let legend = MapLegend::new("Per 1.000 inwoners", &rows);
        assert!(legend.row_lines[1].len() > 1, "{:?}", legend.row_lines);
        for line in legend.row_lines.iter().flatten() {
            assert!(text_width(line, 13.0) + 30.0 <= legend.width, "{line}");
        }
        assert_eq!(legend.row_lines[0], ["0,5 – 1,9"]);
    }

    #[test]
    fn quantile_breaks() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let classes = Classes::quantile(&values, 0);
        assert_eq!(classes.highs, vec![2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(classes.lows, vec![1.0, 3.0, 5.0, 7.0, 9.0]);
        assert_eq!(classes.counts, vec![2; 5]);
        assert_eq!(classes.steps, vec![0, 1, 2, 3, 4]);
        assert_eq!(classes.class_of(2.6), 1);
        assert_eq!(classes.class_of(0.0), 0);
        assert_eq!(classes.class_of(11.0), 4);

        // Many equal values: equal breaks merge, and the class of zeros alone joins the next.
        let classes = Classes::quantile(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0], 0);
        assert_eq!((classes.lows, classes.highs), (vec![0.0], vec![2.0]));
        assert_eq!(classes.counts, vec![9]);

        assert_eq!(Classes::quantile(&[7.0, 7.0], 0).steps, vec![2]);
        assert_eq!(Classes::quantile(&[1.0, 2.0], 0).steps, vec![2]);
        let classes = Classes::quantile(&[1.0, 2.0, 3.0, 4.0], 0);
        assert_eq!(
            (classes.lows, classes.highs),
            (vec![1.0, 3.0], vec![2.0, 4.0])
        );
        assert_eq!(classes.steps, vec![0, 4]);
        assert!(Classes::quantile(&[], 0).highs.is_empty());
    }

    #[test]
    fn values_that_read_the_same_share_a_class() {
        // 12,34 and 12,36 both read 12,3: never split over two classes with a shared bound.
        let classes = Classes::quantile(&[1.0, 2.0, 12.34, 12.36, 20.0, 30.0], 1);
        let labels = class_labels(&classes, 1);
        assert_eq!(classes.class_of(12.34), classes.class_of(12.36));
        assert!(labels.iter().all(|l| l.contains('–')), "{labels:?}");
    }

    #[test]
    fn a_far_outlier_opens_the_top_class_instead_of_stretching_it() {
        // Groningen's buurten per 1.000 with Zernike Campus (5 inhabitants) still in: one
        // value of 2.200 made the top class "22,2 – 2.200,0".
        let mut values: Vec<f64> = (0..40).map(|i| 5.0 + f64::from(i) * 0.5).collect();
        values.push(2200.0);
        let classes = Classes::quantile(&values, 1);
        let labels = class_labels(&classes, 1);
        assert!(labels.last().unwrap().ends_with(" of meer"), "{labels:?}");
        assert!(!labels.iter().any(|l| l.contains("2.200")), "{labels:?}");
        assert_eq!(classes.class_of(2200.0), labels.len() - 1);
    }

    use proptest::prelude::*;

    proptest! {
        /// For any values: every value lands in exactly one class whose range holds it, the
        /// counts add up, and no label is a single value unless all values read the same.
        #[test]
        fn classes_are_ranges_that_hold_every_value(
            values in proptest::collection::vec(
                prop_oneof![0.0f64..50.0, 0.0f64..5000.0, (0u32..20).prop_map(f64::from)],
                1..120,
            ),
            decimals in 0usize..3,
        ) {
            let classes = Classes::quantile(&values, decimals);
            let labels = class_labels(&classes, decimals);
            prop_assert_eq!(classes.counts.iter().sum::<usize>(), values.len());
            let mut members = vec![0usize; labels.len()];
            for &v in &values {
                let c = classes.class_of(v);
                let r = round_to(v, decimals);
                let holding: Vec<usize> = (0..labels.len())
                    .filter(|&i| classes.lows[i] <= r && r <= classes.highs[i])
                    .collect();
                prop_assert_eq!(holding, vec![c]);
                members[c] += 1;
            }
            prop_assert_eq!(&members, &classes.counts);
            let mut read: Vec<String> = values.iter().map(|&v| decimal(v, decimals)).collect();
            read.sort();
            read.dedup();
            if read.len() > 1 {
                for label in &labels {
                    prop_assert!(
                        label.contains(" – ") || label.contains(" of "),
                        "single-value label {} in {:?}", label, labels
                    );
                }
            }
        }
    }

    #[test]
    fn nice_axes_have_four_to_six_ticks() {
        for hi in [
            0.3, 1.0, 4.0, 7.0, 10.0, 10.5, 13.0, 99.0, 101.0, 4_440.0, 16_848.0, 1e9,
        ] {
            let axis = NiceAxis::new(0.0, hi);
            let ticks: Vec<f64> = axis.ticks().collect();
            assert!((4..=6).contains(&ticks.len()), "{hi}: {ticks:?}");
            assert_eq!(ticks[0], 0.0);
            assert!(*ticks.last().unwrap() >= hi);
        }
        let axis = NiceAxis::new(0.0, 10.5);
        assert_eq!(axis.step, 2.5);
        assert_eq!(axis.decimals, 1);
        assert_eq!(NiceAxis::new(0.0, 105.0).decimals, 0);
    }

    #[test]
    fn label_steps() {
        assert_eq!(label_step(24, 10), 3);
        assert_eq!(label_step(120, 10), 12);
        assert_eq!(label_step(156, 10), 24);
        assert_eq!(label_step(5, 10), 1);
        assert_eq!(label_step(5000, 10), 500);
    }

    #[test]
    fn wraps_words() {
        assert_eq!(
            wrap("Inwoners per buurt, 1 januari 2017", 20),
            vec!["Inwoners per buurt,", "1 januari 2017"]
        );
        assert!(wrap("", 20).is_empty());
    }
}
