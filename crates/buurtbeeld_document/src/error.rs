//! Why a council document could not be written, in Dutch, classified like the use-case errors
//! it wraps.

use buurtbeeld_analysis::{AnswerError, EffectError, PictureError, PlanError, Refusal};
use buurtbeeld_cube::AreaCode;
use buurtbeeld_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Picture(#[from] PictureError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Effect(#[from] EffectError),
    #[error("voor {0} is er geen volledig jaar met cijfers om een document over te schrijven")]
    NoCompleteYear(AreaCode),
    #[error(
        "er is geen veiligheidsplan ingelezen; lees eerst een planbestand in (docs/plan-files.md)"
    )]
    NoPlan,
    #[error("een wijkprofiel vraagt de code van een wijk of buurt, bijvoorbeeld WK001400")]
    NeedsArea,
}

impl From<StoreError> for DocumentError {
    fn from(error: StoreError) -> DocumentError {
        DocumentError::Picture(error.into())
    }
}

impl AnswerError for DocumentError {
    fn refusal(&self) -> Refusal {
        match self {
            DocumentError::Picture(e) => e.refusal(),
            DocumentError::Plan(e) => e.refusal(),
            DocumentError::Effect(e) => e.refusal(),
            DocumentError::NoPlan => Refusal::NotFound,
            DocumentError::NoCompleteYear(_) | DocumentError::NeedsArea => Refusal::Invalid,
        }
    }
}
