//! Text placed in SVG or HTML markup: one escaper for the figures, the documents' HTML and
//! anything else that writes markup by hand (the server's pages use maud, which escapes itself).

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
