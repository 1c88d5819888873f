//! The public view's answers: the protected counts of `buurtbeeld_analysis::public`, and what
//! the public may ask (themes, complete years).

use buurtbeeld_analysis::{public_counts, Picture, PictureRequest, PublicCounts};
use buurtbeeld_cube::Subject;
use buurtbeeld_store::Store;

use crate::AppError;

/// Refuses what only accounts see: months and single police categories.
pub(crate) fn public_request(request: &PictureRequest) -> Result<(), AppError> {
    if request.month.is_some() || matches!(request.subject, Subject::Category(_)) {
        return Err(AppError::Unauthorized(
            "Maandcijfers en cijfers per soort misdrijf zijn alleen voor accounts; het openbare \
             beeld toont thema's per heel jaar."
                .to_owned(),
        ));
    }
    Ok(())
}

/// The protected counts of `year` and the year before.
pub(crate) fn counts(
    store: &Store,
    year: i32,
    threshold: u64,
) -> Result<(PublicCounts, PublicCounts), AppError> {
    Ok((
        public_counts(store, year, threshold)?,
        public_counts(store, year - 1, threshold)?,
    ))
}

/// The picture of `request` as the public sees it.
pub(crate) fn picture(
    store: &Store,
    request: &PictureRequest,
    threshold: u64,
) -> Result<Picture, AppError> {
    public_request(request)?;
    // The protected table is of each gemeente's preferred source; another source's counts
    // would not be protected, so the public's picture is always of the preferred one.
    let request = PictureRequest {
        source: None,
        ..request.clone()
    };
    let (current, previous) = counts(store, request.year, threshold)?;
    Ok(buurtbeeld_analysis::public_picture(
        store, &request, &current, &previous,
    )?)
}
