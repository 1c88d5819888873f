//! `buurtbeeld series`: a category or theme of a gemeente's buurten on one chosen indeling, so
//! that a trend does not break where CBS renumbered or redrew the buurten.

use std::path::Path;

use buurtbeeld_analysis::{IndelingError, IndelingRequest};

use crate::cli::SeriesArgs;
use crate::commands::{open_store, resolve_area, subject_of, Failure, Outcome};

impl From<IndelingError> for Failure {
    fn from(error: IndelingError) -> Failure {
        Failure::answer(error)
    }
}

pub fn run(data_dir: &Path, args: SeriesArgs) -> Outcome {
    let store = open_store(data_dir)?;
    let request = IndelingRequest {
        area: resolve_area(&store, &args.area)?,
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
