//! What the hints and the `inspect` report share: client text made safe to print, lists
//! of names, dates, the format's name and its look from outside.

use std::borrow::Cow;
use std::fmt::Write as _;

use chunked_cookie_session::{Inspection, Inspector, SessionConfig, TokenInfo};
use cookie_session_cli::options::{Format, FormatArgs, Layout};

use crate::SessionArgs;

/// Header-line limits a session is held against: nginx's and Apache's default per line,
/// and the HTTP/2 header-list default of hyper and many proxies.
pub(super) const HEADER_LIMITS: [(usize, &str); 2] =
    [(8 * 1024, "nginx, Apache"), (16 * 1024, "HTTP/2")];

/// The most names a human-readable list shows; the rest are counted.
const LISTED_NAMES: usize = 20;

/// `text` with every control character (C0, DEL, C1) escaped as Rust writes it
/// (`\u{1b}`, `\n`), and backslashes doubled so an escape cannot be faked: safe to print
/// to a terminal, and unambiguous.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || c == '\\';
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with the control characters serde_json leaves raw (DEL and the C1 range; it
/// escapes the C0 ones itself) written as `\u` escapes: the same JSON, safe to print.
/// Outside strings JSON text holds no such character, so only strings change.
pub(crate) fn json_text(json: &str) -> Cow<'_, str> {
    if !json.contains(char::is_control) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        // Pretty JSON's own newlines and indentation stay as they are.
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Cookie names for a sentence: printable, comma-separated, the first [`LISTED_NAMES`]
/// of them and a count of the rest.
pub(super) fn name_list(names: &[String]) -> String {
    let mut out = names
        .iter()
        .take(LISTED_NAMES)
        .map(|name| printable(name))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED_NAMES {
        let _ = write!(out, " and {} more", names.len() - LISTED_NAMES);
    }
    out
}

/// An inspector for the chosen format, which needs no key.
pub(crate) fn keyless_inspector(config: &SessionConfig, format: &FormatArgs) -> Inspector {
    match format.format {
        Format::Flask => Inspector::flask(config, format.layout.into()),
        Format::Signed | Format::Private => Inspector::native(config),
    }
}

/// The format the cookies look like, from the outside.
pub(super) fn looks_like(inspection: &Inspection) -> Option<&'static str> {
    match &inspection.token {
        Some(TokenInfo::Native(header)) if header.encrypted => Some("private"),
        Some(TokenInfo::Native(_)) => Some("signed"),
        Some(TokenInfo::Flask(token)) if token.signed_at.is_some() => Some("flask"),
        _ => None,
    }
}

/// Unix seconds as a UTC date.
pub(super) fn date(seconds: u64) -> String {
    let at = i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok());
    match at {
        Some(at) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC ({seconds})",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        ),
        None => format!("{seconds} (out of range)"),
    }
}

pub(super) fn format_name(args: &SessionArgs) -> String {
    match (args.format.format, args.format.layout) {
        (Format::Flask, Layout::Stock) => "Flask, stock layout (one cookie)".to_owned(),
        (Format::Flask, Layout::Chunked) => "Flask, chunked layout (name:0, name:1, …)".to_owned(),
        (Format::Signed | Format::Private, _) => "native (name, name_1, …)".to_owned(),
    }
}
