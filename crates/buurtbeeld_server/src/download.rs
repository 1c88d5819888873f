//! The `Content-Disposition` header of downloads, safe for any file name the data produces.
//!
//! Document and export names carry area names from imported files. A quote, a newline or a
//! non-ASCII letter in such a name must neither break the header (a newline made the response
//! an empty 500, #16) nor change its meaning, so the name is written twice as RFC 6266 advises:
//! an ASCII `filename` with anything unsafe replaced by `_`, and the exact name percent-encoded
//! in `filename*` (RFC 8187), which every current browser prefers.

use axum::http::HeaderValue;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Whether the browser should show the file (`Inline`) or save it (`Attachment`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Disposition {
    Inline,
    Attachment,
}

/// `attachment; filename="…"; filename*=UTF-8''…` for `file_name`.
pub(crate) fn content_disposition(disposition: Disposition, file_name: &str) -> HeaderValue {
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let fallback: String = file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let value = format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, NOT_ATTR_CHAR)
    );
    HeaderValue::from_str(&value).expect("only visible ASCII is written")
}

/// RFC 8187 `attr-char`: letters, digits and ``!#$&+-.^_`|~`` as they are, every other byte of
/// the UTF-8 encoding as `%XX`.
const NOT_ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::{content_disposition, Disposition};

    #[test]
    fn a_name_with_quotes_newlines_and_accents_makes_one_valid_header() {
        let header = content_disposition(
            Disposition::Inline,
            "wijkprofiel-\"a\"\r\nSet-Cookie: x-súdwest.pdf",
        );
        assert_eq!(
            header.to_str().unwrap(),
            "inline; filename=\"wijkprofiel-_a___Set-Cookie: x-s_dwest.pdf\"; \
             filename*=UTF-8''wijkprofiel-%22a%22%0D%0ASet-Cookie%3A%20x-s%C3%BAdwest.pdf"
        );
    }
}
