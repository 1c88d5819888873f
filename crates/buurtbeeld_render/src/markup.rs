//! Markup made here: one escaper for the figures, the documents' HTML and anything else that
//! writes markup by hand, and the `Svg` type in which a figure reaches the pages (as maud
//! `Render`, so the server never marks text as pre-escaped) and the PDF.

/// `text` safe inside markup, as element text or a double-quoted attribute value (the only
/// kind we write): `&`, `<`, `>` and `"` escaped, as maud does, and the control characters XML
/// forbids dropped. An apostrophe stays as it is, so Dutch plurals read as written in the
/// source ("thema's").
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A finished SVG figure: markup built with [`escape`], safe to place in a page as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    pub(crate) fn new(markup: String) -> Svg {
        Svg(markup)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Svg {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl maud::Render for Svg {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&self.0);
    }
}

/// A fragment of HTML written by hand from [`escape`]d text (a document's table), placed in a
/// page as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlFragment(String);

impl HtmlFragment {
    /// Wraps markup whose every text was passed through [`escape`].
    pub fn from_escaped(markup: String) -> HtmlFragment {
        HtmlFragment(markup)
    }
}

impl std::ops::Deref for HtmlFragment {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl maud::Render for HtmlFragment {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&self.0);
    }
}
