//! Vocabulary and cube of buurtbeeld: areas, categories, periods, counts, the safety plan and
//! the import batch.
//!
//! This crate does no IO and knows no file format: it is the language the other crates speak.

mod access;
mod area;
mod batch;
mod category;
mod day;
pub mod dutch;
mod incident;
mod intervention;
mod period;
mod plan;
pub mod rd;
mod series;
mod theme;
mod value;

pub use access::Role;
pub use area::{area_name_problem, AreaCode, AreaCodeError, AreaLevel, MAX_AREA_NAME_CHARS};
pub use batch::{
    AreaRecord, CategoryRecord, ImportBatch, IncidentCodeRecord, PopulationRecord, SeriesKey,
    SourceInfo,
};
pub use category::{CategoryCode, CategoryCodeError, TOTAL_CATEGORY};
pub use day::{days_in_month, Day, DayError};
pub use incident::{
    IncidentBatch, IncidentRecord, IncidentSource, RdPoint, SourceCategoryRecord, SourceKind,
};
pub use intervention::{Dosage, Intervention, InterventionKind};
pub use period::{Frequency, Period, PeriodError, DUTCH_MONTHS};
pub use plan::{
    Action, ActionSet, ActionStatus, AmountUnit, Amounts, BudgetColumn, BudgetLine, BudgetYear,
    ChangeKind, Direction, Goal, KpiMeasure, Plan, PlanChange, PlanTheme, Taakveld, TotalMismatch,
    ROUNDING_TOLERANCE,
};
pub use series::Series;
pub use theme::{Subject, Theme};
pub use value::Value;
