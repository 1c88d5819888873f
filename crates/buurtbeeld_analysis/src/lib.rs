//! The use-cases of buurtbeeld: each question a safety team asks, answered from the store as
//! plain typed data: the crime picture, its trend, hotspots ("waar is actie nodig?"),
//! forecasts ("vooruitblik"), the effect of interventions ("heeft het geholpen?") and the
//! progress of the safety plan, and series put on one indeling across boundary changes.
//!
//! Reads the store; computes with `buurtbeeld_stats`; renders nothing (that is
//! `buurtbeeld_render`), knows no input format, no HTTP and no command line.

mod areas;
mod density;
mod effect;
mod error;
mod forecast;
mod hotspots;
mod import;
mod indeling;
mod near_repeat;
mod peers;
mod picture;
mod plan;
mod public;
mod rate;
mod registrations;
mod source;
mod trend;
mod vis;

pub(crate) use areas::{descendants, sum_over};
/// What a question is about; vocabulary of the cube crate, re-exported for the callers.
pub use buurtbeeld_cube::Subject;
pub use buurtbeeld_stats::emerging_hotspot::{EmergingClass, Pattern};
pub use buurtbeeld_stats::forecast::Method as ForecastMethod;
pub use buurtbeeld_stats::multiple_testing::Correction;
pub use density::{density, DensityCell, DensityMap, DensityRequest, DEFAULT_CELL_METRES};
pub use effect::{
    effect, effect_on_panel, effect_panel, ComparisonArea, Displacement, EffectEstimate,
    EffectMethod, EffectPanel, EffectReport, Verdict, MIN_PLACEBO_PRE_INCIDENTS, MIN_PRE_INCIDENTS,
    MIN_PRE_MONTHS,
};
pub use error::{
    AnswerError, EffectError, ForecastError, HotspotError, IndelingError, PatternError,
    PictureError, PlanError, Refusal,
};
pub use forecast::{
    forecast, method_names, month_after_data, run_backtest, AreaForecast, Backtest,
    ForecastRequest, ForecastRow, Forecasts, MethodScores, RankingScores, RuleScore,
};
pub use hotspots::{
    hotspots, parse_correction, HotspotClass, HotspotRequest, HotspotRow, Hotspots, Measure,
    WeightsRule, DEFAULT_SEED,
};
pub use import::{
    import_context, import_each, import_files, read_each, read_files, ImportFailure, ImportFile,
};
pub use indeling::{
    series_on_indeling, IndelingCell, IndelingRequest, IndelingRow, IndelingSeries, IndelingTotal,
    SourceIndeling, MERGED_AREA_SHARE,
};
pub use near_repeat::{
    near_repeat, near_repeat_bands, NearRepeat, NearRepeatCell, NearRepeatRequest,
    NEAR_REPEAT_ALPHA,
};
pub use peers::{
    compare_with_peers, peer_years, peers_over_years, size_class, PeerComparison, PeerGroup, Rate,
    PEER_SOURCE, SIZE_CLASSES,
};
pub use picture::{
    complete_year_picture, picture, years_with_data, Picture, PictureRequest, PictureRow, ALPHA,
};
pub use plan::{
    complete_years, known_plan_report, plan_report, BbvIndicator, KpiProgress, KpiStatus,
    PlanReport,
};
pub use public::{public_counts, public_picture, PublicCount, PublicCounts};
pub use rate::{
    rate_per_1000, small_population_note, smoothed_per_1000, too_few_for_rate,
    MIN_POPULATION_FOR_RATE, SMOOTHED_RATE_LABEL,
};
pub use source::{area_attribution, attribution, store_credits, ATTRIBUTION};
pub(crate) use source::{choose_source, covered_span, resolve_subject, source_frequency};
pub use trend::{trend, Trend, TrendPoint};
pub use vis::{vis, DedupRule, Movement, Vis, VisColumn, VisCorrelation, VisRequest};
