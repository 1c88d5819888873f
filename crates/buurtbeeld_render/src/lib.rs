//! Renders buurtbeeld's answers for people: Dutch terminal tables, CSV (`;`, decimal comma, as
//! Dutch Excel expects), JSON, and SVG charts and maps (the same SVG serves pages and PDFs).
//!
//! Pure functions of the data `buurtbeeld_analysis` returns: no store, no IO, no HTTP.

pub mod effect;
pub mod forecast;
pub mod hotspots;
pub mod indeling;
pub mod map;
pub mod markup;
pub mod patterns;
pub mod picture;
pub mod plan;
pub mod svg;
pub mod vis;

/// An import's time as people read it, `2026-11-29 02:06:24 UTC`: seconds are precise enough
/// for a log a person reads; the store keeps the full RFC 3339 time.
pub fn import_time(imported_at: &str) -> String {
    let seconds = imported_at.get(..19).unwrap_or(imported_at);
    format!("{} UTC", seconds.replace('T', " "))
}

/// Areas a terminal table shows unless asked for all of them (`--all`).
pub const SHOWN_AREAS: usize = 10;

pub use effect::{
    displacement_chart, displacement_reading, effect_chart, effect_chart_of, render_effect,
    render_effect_csv, verdict_estimate, verdict_text,
};
pub use forecast::{method_label, render_backtest, render_forecasts, render_forecasts_csv};
pub use hotspots::{emerging_label, method_line, render_hotspots, render_hotspots_csv};
pub use indeling::{render_indeling, render_indeling_csv};
pub use map::{picture_map, MapMeasure};
pub use patterns::{
    density_svg, render_density, render_density_csv, render_near_repeat, render_near_repeat_csv,
};
pub use picture::{render, render_csv, OutputFormat, HIDDEN_FIGURE};
pub use plan::{kpi_decimals, render_plan};
pub use vis::{render_vis, render_vis_csv, vis_chart, vis_title};

/// A terminal table in the house style that fits the terminal: on a terminal its width, else
/// the width in `COLUMNS` when set (so `COLUMNS=80 buurtbeeld … | less` fits too); wrapped
/// inside its cells rather than running off the screen. Without either it keeps its natural
/// width, so output to a file or a pipe is stable.
pub(crate) fn terminal_table() -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= 40)
    {
        table.set_width(columns);
    }
    table
}
