//! Why a question could not be answered: one error type per use-case, each worded in Dutch for
//! the people who read it (CLI, pages, API), and one classification that the command line maps
//! to its exit codes and the server to HTTP statuses.
//!
//! Messages name what was asked and what would make it answerable, never a command-line flag:
//! the same text reaches the dashboard and the API.

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode};
use buurtbeeld_store::StoreError;

/// How a use-case error is to be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// What was asked for does not exist (an area, theme, plan, or figures for it).
    NotFound,
    /// The question cannot be answered as asked (a period not covered, too little history).
    Invalid,
    /// The store failed: not the user's doing.
    Broken,
}

/// Implemented by every use-case error, so callers classify them in one place.
pub trait AnswerError: std::error::Error + Send + Sync + 'static {
    fn refusal(&self) -> Refusal;
}

/// The crime picture and its trend, and the look-ups every other question starts with.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error("onbekend gebied {0}: het staat niet in de database (importeer eerst de cijfers of de grenzen)")]
    UnknownArea(AreaCode),
    #[error("onbekend thema '{0}'; de thema's zijn: {1}")]
    UnknownTheme(String, String),
    #[error(
        "thema '{0}' heeft geen politiecategorieën: de cijfers komen uit een andere bron (zie de \
         lijst van thema's)"
    )]
    ThemeWithoutCategories(String),
    #[error(
        "thema '{theme}' heeft geen categorieën van bron '{source_name}': voeg ze toe onder \
         [theme.sources] in het themabestand"
    )]
    ThemeWithoutSourceCategories { theme: String, source_name: String },
    #[error("onbekende categorie '{0}': geen SoortMisdrijf-code in de database")]
    UnknownCategory(CategoryCode),
    #[error("geen misdrijfcijfers voor {area} in de database{}", in_source(.source_table))]
    NoData {
        area: AreaCode,
        source_table: Option<String>,
    },
    #[error(
        "geen cijfers voor {area} over {period} in bron {source_table}; de bron beslaat {covered}"
    )]
    PeriodNotCovered {
        area: AreaCode,
        period: String,
        source_table: String,
        covered: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn in_source(source: &Option<String>) -> String {
    source
        .as_ref()
        .map_or_else(String::new, |s| format!(" in bron {s}"))
}

impl PictureError {
    /// No figures for `area` (in `source`, when one was asked for).
    pub fn no_data(area: &AreaCode, source: Option<&str>) -> PictureError {
        PictureError::NoData {
            area: area.clone(),
            source_table: source.map(str::to_owned),
        }
    }
}

impl AnswerError for PictureError {
    fn refusal(&self) -> Refusal {
        match self {
            PictureError::Store(_) => Refusal::Broken,
            PictureError::UnknownArea(_)
            | PictureError::UnknownTheme(..)
            | PictureError::UnknownCategory(_)
            | PictureError::NoData { .. }
            // No figures for that period: the picture asked for does not exist.
            | PictureError::PeriodNotCovered { .. }
            // The police (or another source) have no figures for the theme: nothing to show,
            // as for an area without figures.
            | PictureError::ThemeWithoutCategories(_)
            | PictureError::ThemeWithoutSourceCategories { .. } => Refusal::NotFound,
        }
    }
}

/// A series put on one indeling.
#[derive(Debug, thiserror::Error)]
pub enum IndelingError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error("{0} is geen gemeente: een reeks op één indeling wordt per gemeente gemaakt")]
    NotAGemeente(AreaCode),
    #[error(
        "geen buurten van {area} in de indeling {year}; de database heeft buurtindelingen van: \
         {known} (importeer eerst de wijk- en buurtkaart van {year})"
    )]
    UnknownIndeling {
        year: i32,
        area: AreaCode,
        known: String,
    },
    #[error("geen cijfers voor {area} in de gevraagde perioden; de bron beslaat {covered}")]
    EmptyRange { area: AreaCode, covered: String },
}

impl From<StoreError> for IndelingError {
    fn from(error: StoreError) -> IndelingError {
        IndelingError::Picture(error.into())
    }
}

impl AnswerError for IndelingError {
    fn refusal(&self) -> Refusal {
        match self {
            IndelingError::Picture(e) => e.refusal(),
            IndelingError::UnknownIndeling { .. } | IndelingError::EmptyRange { .. } => {
                Refusal::NotFound
            }
            IndelingError::NotAGemeente(_) => Refusal::Invalid,
        }
    }
}

/// Patterns of registrations with a point: near repeats and density.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error(
        "onbekende bron '{0}': geen registraties met die bron in de database (bijvoorbeeld BVH, \
         signalen of handhaving)"
    )]
    UnknownSource(String),
    #[error(
        "te weinig registraties met een plek in {area}: {events}, nodig zijn er minstens \
         {minimum}; kies een groter gebied of een langere periode"
    )]
    TooFewEvents {
        area: AreaCode,
        events: usize,
        minimum: usize,
    },
    #[error("de near-repeattest kan niet worden berekend: {0}")]
    Knox(#[from] buurtbeeld_stats::knox::KnoxError),
    #[error("de dichtheid kan niet worden berekend: {0}")]
    Density(String),
    #[error(
        "het raster zou {cells} cellen hebben, meer dan {maximum}: kies grotere cellen of een \
         kleiner gebied"
    )]
    GridTooLarge { cells: usize, maximum: usize },
}

impl From<StoreError> for PatternError {
    fn from(error: StoreError) -> PatternError {
        PatternError::Picture(error.into())
    }
}

impl AnswerError for PatternError {
    fn refusal(&self) -> Refusal {
        match self {
            PatternError::Picture(e) => e.refusal(),
            PatternError::UnknownSource(_) | PatternError::TooFewEvents { .. } => Refusal::NotFound,
            PatternError::Knox(_)
            | PatternError::Density(_)
            | PatternError::GridTooLarge { .. } => Refusal::Invalid,
        }
    }
}

/// "Waar is actie nodig?"
#[derive(Debug, thiserror::Error)]
pub enum HotspotError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error(
        "geen grenzen voor de gebieden op niveau {level} van {area}: importeer eerst de CBS wijk- \
         en buurtkaart"
    )]
    NoBoundaries { area: AreaCode, level: AreaLevel },
    #[error(
        "{area} is zelf een {}: er liggen geen gebieden op niveau {level} binnen; kies een \
         niveau onder {}", area.level(), area.level()
    )]
    LevelNotBelow { area: AreaCode, level: AreaLevel },
    #[error(
        "te weinig gebieden van {0} met een inwonertal (minstens 3 met genoeg inwoners voor een \
         cijfer per 1.000): importeer eerst de CBS-kerncijfers, of vergelijk aantallen in plaats \
         van cijfers per 1.000 inwoners"
    )]
    NoPopulation(AreaCode),
}

impl From<StoreError> for HotspotError {
    fn from(error: StoreError) -> HotspotError {
        HotspotError::Picture(error.into())
    }
}

impl AnswerError for HotspotError {
    fn refusal(&self) -> Refusal {
        match self {
            HotspotError::Picture(e) => e.refusal(),
            // The map asked for does not exist (yet): no areas there, or no data for them.
            HotspotError::NoBoundaries { .. }
            | HotspotError::NoPopulation(_)
            | HotspotError::LevelNotBelow { .. } => Refusal::NotFound,
        }
    }
}

/// "Vooruitblik": forecasts and their backtests.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error("'{0}' is geen maand; een voorspelling begint bij een maand, zoals 2016-01")]
    NotAMonth(String),
    #[error(
        "{area} heeft {months} maanden historie vóór de voorspelling; nodig zijn er minstens 24"
    )]
    TooShort { area: AreaCode, months: usize },
    #[error("onbekende methode '{0}'; de methoden zijn: auto, {1}")]
    UnknownMethod(String, String),
}

impl From<StoreError> for ForecastError {
    fn from(error: StoreError) -> ForecastError {
        ForecastError::Picture(error.into())
    }
}

impl AnswerError for ForecastError {
    fn refusal(&self) -> Refusal {
        match self {
            ForecastError::Picture(e) => e.refusal(),
            ForecastError::UnknownMethod(..) | ForecastError::NotAMonth(_) => Refusal::Invalid,
            // Too little history: like missing figures, the forecast asked for does not exist.
            ForecastError::TooShort { .. } => Refusal::NotFound,
        }
    }
}

/// The safety plan measured: KPIs, indicators, actions and budget.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error("onbekend plan '{0}': importeer eerst het planbestand (zie docs/plan-files.md)")]
    UnknownPlan(String),
}

impl From<StoreError> for PlanError {
    fn from(error: StoreError) -> PlanError {
        PlanError::Picture(error.into())
    }
}

impl AnswerError for PlanError {
    fn refusal(&self) -> Refusal {
        match self {
            PlanError::Picture(e) => e.refusal(),
            PlanError::UnknownPlan(_) => Refusal::NotFound,
        }
    }
}

/// "Heeft het geholpen?": an intervention's effect.
#[derive(Debug, thiserror::Error)]
pub enum EffectError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error("onbekende interventie '{0}'; de interventies zijn: {1}")]
    UnknownIntervention(String, String),
}

impl From<StoreError> for EffectError {
    fn from(error: StoreError) -> EffectError {
        EffectError::Picture(error.into())
    }
}

impl AnswerError for EffectError {
    fn refusal(&self) -> Refusal {
        match self {
            EffectError::Picture(e) => e.refusal(),
            EffectError::UnknownIntervention(..) => Refusal::NotFound,
        }
    }
}
