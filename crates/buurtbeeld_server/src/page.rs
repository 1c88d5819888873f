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
/// the viewer (which pages their role opens, their name, sign-out). Every table of the body is
/// put in its own horizontal scroll box ([`scroll_boxes`]).
pub(crate) fn layout(title: &str, body: Markup) -> Html<String> {
    let body = PreEscaped(scroll_boxes(&body.into_string()));
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

/// Puts every table of a page body in a box that scrolls sideways by itself, so that a wide
/// table never widens the page on a phone. The box is focusable and named after the table's
/// caption, so keyboard users can scroll it too (WCAG 2.1.1; axe `scrollable-region-focusable`).
///
/// Done once here rather than in each page, so that no page can forget it. The body is maud's
/// output: tags are lower case and text is escaped, so a `<table` in it is always a tag.
pub(crate) fn scroll_boxes(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 256);
    let mut rest = body;
    while let Some(start) = find_tag(rest, "table") {
        let Some(end) = rest[start..]
            .find("</table>")
            .map(|end| start + end + "</table>".len())
        else {
            break;
        };
        let table = &rest[start..end];
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
            table_label(table)
        ));
        out.push_str(table);
        out.push_str("</div>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the opening tag `<name` (followed by `>` or a space) starts in `html`.
fn find_tag(html: &str, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(at) = html[from..].find(&open).map(|at| from + at) {
        if matches!(html.as_bytes().get(at + open.len()), Some(b'>' | b' ')) {
            return Some(at);
        }
        from = at + open.len();
    }
    None
}

/// The accessible name of a table's scroll box: "Tabel: " and its caption without markup.
/// The caption is already escaped text, so it can go into an attribute as it is.
fn table_label(table: &str) -> String {
    let caption = find_tag(table, "caption")
        .and_then(|start| {
            let inner = start + table[start..].find('>')? + 1;
            let end = inner + table[inner..].find("</caption>")?;
            Some(&table[inner..end])
        })
        .map(strip_tags)
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|text| !text.is_empty());
    match caption {
        Some(caption) => format!("Tabel: {caption}"),
        None => "Tabel".to_owned(),
    }
}

fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
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

#[cfg(test)]
mod tests {
    use super::scroll_boxes;

    #[test]
    fn every_table_gets_a_focusable_scroll_box_named_after_its_caption() {
        let body = "<p>x</p><table class=\"doc\"><caption>Aantal <span>per jaar</span> &amp; \
                    buurt</caption><tr><td>1</td></tr></table><tablet></tablet>\
                    <table><tr><td>2</td></tr></table>";
        assert_eq!(
            scroll_boxes(body),
            "<p>x</p><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" \
             aria-label=\"Tabel: Aantal per jaar &amp; buurt\"><table class=\"doc\"><caption>\
             Aantal <span>per jaar</span> &amp; buurt</caption><tr><td>1</td></tr></table></div>\
             <tablet></tablet><div class=\"table-scroll\" tabindex=\"0\" role=\"region\" \
             aria-label=\"Tabel\"><table><tr><td>2</td></tr></table></div>"
        );
    }
}
