//! The frame of every page: the layout with its stylesheet, the markers the authorisation layer
//! fills in per viewer, and the Dutch error page.

use axum::response::Html;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::error::Params;
use crate::AppError;

/// Where the menu and the account's name go in every page.
pub(crate) const MENU_MARKER: &str = "<!--buurtbeeld:menu-->";
/// Where a form's hidden CSRF field goes.
pub(crate) const CSRF_MARKER: &str = "<!--buurtbeeld:csrf-->";

/// An error on a page is answered as a Dutch HTML page with the right status; the API answers
/// problem+json instead.
pub(crate) struct PageError(AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl axum::response::IntoResponse for PageError {
    fn into_response(self) -> axum::response::Response {
        let (status, title, detail) = self.0.parts();
        let body = html! {
            h1 { (title) }
            p { (detail) }
            p { a href="/" { "Terug naar het overzicht" } }
        };
        (status, layout(title, body)).into_response()
    }
}

/// [`Params`] for pages: a malformed query string is a Dutch error page.
#[derive(Debug)]
pub(crate) struct PageParams<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PageParams<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<PageParams<T>, PageError> {
        let Params(value) = Params::from_request_parts(parts, state).await?;
        Ok(PageParams(value))
    }
}

pub(crate) const STYLE: &str = include_str!("style.css");

/// A whole page. The menu is left as [`MENU_MARKER`]: the authorisation layer fills it in for
/// the viewer (which pages their role opens, their name, sign-out).
pub(crate) fn layout(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="nl" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    // No favicon request, so a browser logs no 404.
                    link rel="icon" href="data:,";
                    title { (title) " · buurtbeeld" }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    a.skip href="#inhoud" { "Naar de inhoud" }
                    header.site {
                        div.wrap {
                            span.brand { "buurtbeeld" }
                            span.tagline { "Veiligheidsbeeld per buurt" }
                            (PreEscaped(MENU_MARKER))
                        }
                    }
                    main #inhoud .wrap { (body) }
                    footer.site {
                        div.wrap {
                            p { "De bron van elk cijfer staat bij de tabel of grafiek; alle bronnen en licenties op " a href="/gegevens" { "Gegevens" } "." }
                            p { "buurtbeeld is open source (EUPL-1.2)." }
                        }
                    }
                }
            }
        }
        .into_string(),
    )
}

/// Runs store work off the async executor (SQLite calls block), for a page: its error, or a
/// panic in it, becomes the Dutch error page.
pub(crate) async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, PageError>
where
    T: Send + 'static,
    E: Into<PageError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(Into::into),
        Err(error) => Err(AppError::Internal(error.to_string()).into()),
    }
}
