//! `buurtbeeld series`: a category or theme of a gemeente's buurten on one chosen indeling, so
//! that a trend does not break where CBS renumbered or redrew the buurten.

use std::path::Path;

use buurtbeeld_analysis::{IndelingError, IndelingRequest};
use buurtbeeld_cube::{AreaCode, Period};

use crate::cli::{area_code, period, Format, SubjectArgs};
use crate::commands::{open_store, subject_of, Failure, Outcome};

/// The options of `buurtbeeld series`.
#[derive(Debug, clap::Args)]
pub struct SeriesArgs {
    /// The gemeente: GM….
    #[arg(long, value_parser = area_code)]
    pub area: AreaCode,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// The year of the buurtindeling to show every period on (see the import log for the
    /// indelingen in the store).
    #[arg(long, value_name = "YYYY")]
    pub indeling: i32,
    /// First period shown: a year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM", value_parser = period)]
    pub from: Option<Period>,
    /// Last period shown: a year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM", value_parser = period)]
    pub to: Option<Period>,
    /// Source table, e.g. 47022NED or BVH (default: the best one available).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl From<IndelingError> for Failure {
    fn from(error: IndelingError) -> Failure {
        Failure::answer(error)
    }
}

pub fn run(data_dir: &Path, args: SeriesArgs) -> Outcome {
    let store = open_store(data_dir)?;
    let request = IndelingRequest {
        area: args.area,
        subject: subject_of(args.subject),
        indeling: args.indeling,
        source: args.source,
        from: args.from,
        to: args.to,
    };
    let series = buurtbeeld_analysis::series_on_indeling(&store, &request)?;
    out!(
        "{}",
        buurtbeeld_render::render_indeling(&series, args.format.into())
    );
    Ok(())
}
