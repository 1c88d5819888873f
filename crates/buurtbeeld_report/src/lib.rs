//! Answers for users: the crime picture per theme and area, hotspots ("waar is actie nodig?"), rendered as Dutch terminal tables,
//! CSV (`;`, decimal comma, as Dutch Excel expects) and JSON.
//!
//! Reads the store; computes with `buurtbeeld_stats`; knows no input format and no HTTP.

pub mod document;
mod effect;
mod forecast;
pub mod format;
mod hotspots;
mod pdf;
mod picture;
mod plan;
mod programma;
mod render;
mod render_effect;
mod render_forecast;
mod render_hotspots;
mod render_plan;
pub mod svg;
mod trend;
mod veiligheidsbrief;
mod wijkprofiel;

pub use effect::{
    effect, ComparisonArea, Displacement, EffectEstimate, EffectMethod, EffectReport, Verdict,
    ALPHA, COMPARISON_AREAS, MIN_PRE_INCIDENTS, MIN_PRE_MONTHS,
};
pub use forecast::{
    forecast, method_names, run_backtest, AreaForecast, Backtest, ForecastRequest, ForecastRow,
    Forecasts, MethodScores, RankingScores,
};
pub use hotspots::{
    hotspots, parse_correction, HotspotClass, HotspotRequest, HotspotRow, Hotspots, Measure,
    WeightsRule, DEFAULT_SEED,
};
pub use pdf::{render_pdf, PdfError, RenderedPdf};
pub use picture::{
    picture, years_with_data, Picture, PictureError, PictureRequest, PictureRow, Subject,
};
pub use plan::{plan_report, BbvIndicator, KpiProgress, KpiStatus, PlanReport};
pub use programma::programma;
pub use render::{render, render_csv, OutputFormat};
pub use render_effect::{
    displacement_chart, displacement_reading, effect_chart, render_effect, render_effect_csv,
    verdict_text,
};
pub use render_forecast::{method_label, render_backtest, render_forecasts, render_forecasts_csv};
pub use render_hotspots::{emerging_label, method_line, render_hotspots, render_hotspots_csv};
pub use render_plan::{kpi_decimals, render_plan};
pub use trend::{trend, Trend, TrendPoint};
pub use veiligheidsbrief::{
    action_summary, action_table, bbv_table, budget_table, dutch_date, goals_table, mismatch_notes,
    veiligheidsbrief, BBV_NOTE,
};
pub use wijkprofiel::wijkprofiel;

/// The attribution every output of CBS/Politie figures carries (CC BY 4.0).
pub const ATTRIBUTION: &str = "Bron: CBS/Politie";
