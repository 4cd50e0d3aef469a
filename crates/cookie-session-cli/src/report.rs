//! What the tool says about a request's session cookies: the hints after a refusal, and
//! the `inspect` table and JSON. Everything said comes from the library's inspection.
//!
//! Cookie names and values are the client's: whatever of them reaches the terminal goes
//! through [`printable`] (text) or [`json_text`] (JSON), so a cookie named
//! `\x1b[2J` prints as `\u{1b}[2J` instead of clearing the screen.

use std::borrow::Cow;
use std::fmt::Write as _;

use chunked_cookie_session::revocation::Identity;
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, EngineOptions, Inspection, Inspector, LoadReason, SessionConfig,
    TokenInfo, WireFormat,
};
use cookie_session_cli::options::{Format, FormatArgs, Layout};
use cookie_session_cli::revocation::utc_micros;
use serde_json::{Value, json};

use crate::SessionArgs;

/// Header-line limits a session is held against: nginx's and Apache's default per line,
/// and the HTTP/2 header-list default of hyper and many proxies.
const HEADER_LIMITS: [(usize, &str); 2] = [(8 * 1024, "nginx, Apache"), (16 * 1024, "HTTP/2")];

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
fn name_list(names: &[String]) -> String {
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
fn looks_like(inspection: &Inspection) -> Option<&'static str> {
    match &inspection.token {
        Some(TokenInfo::Native(header)) if header.encrypted => Some("private"),
        Some(TokenInfo::Native(_)) => Some("signed"),
        Some(TokenInfo::Flask(token)) if token.signed_at.is_some() => Some("flask"),
        _ => None,
    }
}

/// What the same cookies look like when read as the other family of formats, under the
/// cookie name `name`.
fn other_family(
    inspection_fields: &[&str],
    args: &SessionArgs,
    name: String,
) -> Option<&'static str> {
    let config = SessionConfig::builder().name(name).build().ok()?;
    let other = match args.format.format {
        Format::Flask => Inspector::native(&config),
        Format::Signed | Format::Private => {
            Inspector::flask(&config, chunked_cookie_session::flask::FlaskLayout::Stock)
        }
    };
    looks_like(&other.inspect(inspection_fields.iter().copied()))
}

/// The name the library gives a cookie nobody named in the other family of formats than
/// the chosen one (the native formats' and Flask's differ).
fn other_default_name(args: &SessionArgs) -> Option<String> {
    let other = match args.format.format {
        Format::Flask => WireFormat::Signed,
        Format::Signed | Format::Private => WireFormat::Flask,
    };
    let config = EngineOptions::new(other).config().ok()?;
    Some(config.name().to_owned())
}

/// A sentence (or two) after a refusal, saying what to try.
pub(crate) fn hint(
    reason: LoadReason,
    inspection: &Inspection,
    fields: &[String],
    args: &SessionArgs,
    max_size_given: bool,
) -> String {
    let chosen = match args.format.format {
        Format::Signed => "signed",
        Format::Private => "private",
        Format::Flask => "flask",
    };
    let mut out = String::new();
    match reason {
        LoadReason::NoSession if inspection.others.is_empty() => {
            out.push_str("\nthe request carried no cookie at all");
        }
        LoadReason::NoSession => {
            let _ = write!(
                out,
                "\nthe request carried no cookie named {:?}, but these: {}; use --name to read \
                 one of them",
                args.name(),
                name_list(&inspection.others)
            );
            // Unnamed, the cookie of the other family has another name: the cookies may be
            // that family's, under its own.
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            let other = args
                .name
                .is_none()
                .then(|| other_default_name(args))
                .flatten();
            if let Some(actual) = other.and_then(|name| other_family(&fields, args, name)) {
                let _ = write!(
                    out,
                    "\nthese cookies look like the {actual} format, not {chosen}: try \
                     --format {actual}"
                );
            }
        }
        LoadReason::Malformed | LoadReason::BadSignature => {
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            match looks_like(inspection).or_else(|| other_family(&fields, args, args.name())) {
                Some(actual) if actual != chosen => {
                    let _ = write!(
                        out,
                        "\nthese cookies look like the {actual} format, not {chosen}: try \
                         --format {actual}"
                    );
                }
                _ if reason == LoadReason::BadSignature => out.push_str(
                    "\nthe key does not match the one that sealed it; if keys rotated, give \
                     the old one with --old-key (Flask: --fallback-secret)",
                ),
                _ => {}
            }
        }
        LoadReason::UnknownKey => {
            if let Some(TokenInfo::Native(header)) = &inspection.token {
                let _ = write!(
                    out,
                    "\nit was sealed by key id {}; give that key with --old-key",
                    header.key_id
                );
            }
        }
        LoadReason::Expired | LoadReason::IdleExpired => {
            if let Some(TokenInfo::Native(header)) = &inspection.token {
                let _ = write!(
                    out,
                    "\nissued {}, absolute deadline {}; --now reads it as of another time",
                    date(header.issued_at),
                    date(header.expires_at)
                );
            } else if let Some(TokenInfo::Flask(token)) = &inspection.token
                && let Some(at) = token.signed_at
            {
                let _ = write!(
                    out,
                    "\nsigned {}; --max-age sets the lifetime, --now the clock",
                    date(at)
                );
            }
        }
        LoadReason::TooLarge | LoadReason::TooManyChunks if max_size_given => {
            out.push_str("\nraise --max-size to read it");
        }
        LoadReason::Ambiguous => out.push_str(
            "\nseveral copies of the cookie came (another Domain or Path), each a different \
             session; `inspect` shows them: send the one to read",
        ),
        LoadReason::MissingChunk | LoadReason::StaleChunk => {
            let names: Vec<String> = inspection
                .chunks
                .iter()
                .map(|chunk| match chunk.same_write {
                    Some(false) => format!("{} (another write)", printable(&chunk.name)),
                    _ => printable(&chunk.name).into_owned(),
                })
                .collect();
            let _ = write!(out, "\ncookies present: {}", names.join(", "));
        }
        _ => {}
    }
    out
}

/// Unix seconds as a UTC date.
fn date(seconds: u64) -> String {
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

fn format_name(args: &SessionArgs) -> String {
    match (args.format.format, args.format.layout) {
        (Format::Flask, Layout::Stock) => "Flask, stock layout (one cookie)".to_owned(),
        (Format::Flask, Layout::Chunked) => "Flask, chunked layout (name:0, name:1, …)".to_owned(),
        (Format::Signed | Format::Private, _) => "native (name, name_1, …)".to_owned(),
    }
}

/// Whether the session's id was derived (a version 1 session, written before sessions
/// carried one) rather than read.
fn derived_id(inspection: &Inspection) -> bool {
    matches!(&inspection.token, Some(TokenInfo::Native(header)) if header.version == 1)
}

/// The identity lines of the `inspect` table: the session's id, creation time and subject
/// when it loaded, or why they are not shown.
fn identity_lines(
    out: &mut String,
    inspection: &Inspection,
    reason: Option<LoadReason>,
    identity: Option<&Identity>,
) {
    match (identity, reason) {
        (Some(identity), _) => {
            let derived = if derived_id(inspection) {
                " (derived: a version 1 session carries none; its next write carries this one)"
            } else {
                ""
            };
            let _ = writeln!(out, "session id   {}{derived}", identity.session_id());
            let _ = writeln!(
                out,
                "created      {} ({} µs)",
                utc_micros(identity.created()),
                identity.created()
            );
            match identity.subject() {
                Some(subject) => {
                    let _ = writeln!(out, "subject      \"{}\"", printable(subject));
                }
                None => out.push_str("subject      none\n"),
            }
        }
        (None, Some(_)) if inspection.chunks.is_empty() => {}
        (None, Some(reason)) => {
            let _ = writeln!(
                out,
                "session id   none: the session was refused ({reason}), so it has no identity"
            );
        }
        (None, None) if inspection.chunks.is_empty() => {}
        (None, None) => out.push_str(
            "session id   not shown: the id, subject and creation time are read with the key \
             (inside the signed payload, or the encrypted one)\n",
        ),
    }
}

/// The human table of `inspect`.
pub(crate) fn table(
    inspection: &Inspection,
    reason: Option<LoadReason>,
    identity: Option<&Identity>,
    args: &SessionArgs,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "layout       {}", format_name(args));
    if let Some(actual) = looks_like(inspection) {
        let _ = writeln!(out, "looks like   {actual}");
    }
    let _ = writeln!(
        out,
        "cookies      {} of {:?} (a browser keeps at most {BROWSER_NAME_VALUE_LIMIT} bytes of \
         name and value per cookie)",
        inspection.chunks.len(),
        args.name()
    );
    for chunk in &inspection.chunks {
        let mut notes = Vec::new();
        if chunk.bytes > BROWSER_NAME_VALUE_LIMIT {
            notes.push("OVER the browser limit".to_owned());
        }
        if chunk.copies > 1 {
            notes.push(format!("{} copies (other Domain or Path)", chunk.copies));
        }
        if chunk.same_write == Some(false) {
            notes.push("from another write".to_owned());
        }
        let _ = writeln!(
            out,
            "  {:<20} {:>6} bytes  {}",
            printable(&chunk.name),
            chunk.bytes,
            notes.join(", ")
        );
    }
    if !inspection.others.is_empty() {
        let _ = writeln!(out, "other        {}", name_list(&inspection.others));
    }
    let line = "Cookie: ".len() + inspection.cookie_header_len;
    let verdicts: Vec<String> = HEADER_LIMITS
        .iter()
        .map(|(limit, who)| {
            let verdict = if line <= *limit { "fits" } else { "OVER" };
            format!("{verdict} {limit} ({who})")
        })
        .collect();
    let _ = writeln!(out, "cookie line  {line} bytes: {}", verdicts.join(", "));
    match &inspection.token {
        Some(TokenInfo::Native(header)) => {
            let _ = writeln!(
                out,
                "header       version {}, {}, {}, {} cookie",
                header.version,
                if header.encrypted {
                    "private (encrypted)"
                } else {
                    "signed"
                },
                if header.compressed {
                    "compressed"
                } else {
                    "not compressed"
                },
                if header.persistent {
                    "persistent"
                } else {
                    "browser-session"
                },
            );
            let _ = writeln!(
                out,
                "             announces {} chunk(s), generation {}, key id {}",
                header.chunk_count,
                printable(&header.generation),
                header.key_id
            );
            let _ = writeln!(out, "issued       {}", date(header.issued_at));
            let _ = writeln!(out, "expires      {}", date(header.expires_at));
        }
        Some(TokenInfo::Flask(token)) => {
            let _ = writeln!(
                out,
                "token        {} bytes, {}",
                token.bytes,
                if token.compressed {
                    "zlib-compressed"
                } else {
                    "not compressed"
                }
            );
            if let Some(at) = token.signed_at {
                let _ = writeln!(out, "signed       {}", date(at));
            }
        }
        _ if inspection.chunks.is_empty() => {}
        _ => out.push_str("header       unreadable\n"),
    }
    match reason {
        Some(reason) => {
            let _ = writeln!(out, "load         {reason}: {}", reason.describe());
        }
        None => out.push_str(
            "load         not verified: give the key (SESSION_KEY or --key-file; Flask: \
             FLASK_SECRET_KEY or --secret-file) to verify\n",
        ),
    }
    identity_lines(&mut out, inspection, reason, identity);
    out
}

/// The JSON of `inspect --json`.
pub(crate) fn json(
    inspection: &Inspection,
    reason: Option<LoadReason>,
    identity: Option<&Identity>,
    args: &SessionArgs,
) -> String {
    let identity = identity.map_or(Value::Null, |identity| {
        json!({
            "session_id": identity.session_id().to_string(),
            "created": identity.created(),
            "created_utc": utc_micros(identity.created()),
            "subject": identity.subject(),
            "derived": derived_id(inspection),
        })
    });
    let token = match &inspection.token {
        Some(TokenInfo::Native(header)) => json!({
            "kind": "native",
            "version": header.version,
            "encrypted": header.encrypted,
            "compressed": header.compressed,
            "persistent": header.persistent,
            "chunk_count": header.chunk_count,
            "generation": header.generation,
            "key_id": header.key_id.to_string(),
            "issued_at": header.issued_at,
            "expires_at": header.expires_at,
        }),
        Some(TokenInfo::Flask(token)) => json!({
            "kind": "flask",
            "signed_at": token.signed_at,
            "compressed": token.compressed,
            "bytes": token.bytes,
        }),
        _ => Value::Null,
    };
    let chunks: Vec<Value> = inspection
        .chunks
        .iter()
        .map(|chunk| {
            json!({
                "index": chunk.index,
                "name": chunk.name,
                "bytes": chunk.bytes,
                "over_browser_limit": chunk.bytes > BROWSER_NAME_VALUE_LIMIT,
                "copies": chunk.copies,
                "same_write": chunk.same_write,
            })
        })
        .collect();
    let line = "Cookie: ".len() + inspection.cookie_header_len;
    let body = json!({
        "layout": format_name(args),
        "looks_like": looks_like(inspection),
        "name": args.name(),
        "chunks": chunks,
        "others": inspection.others,
        "cookie_line": line,
        "header_limits": HEADER_LIMITS
            .iter()
            .map(|(limit, who)| json!({"limit": limit, "who": who, "fits": line <= *limit}))
            .collect::<Vec<_>>(),
        "token": token,
        "load": reason.map(LoadReason::as_str),
        "identity": identity,
    });
    format!("{}\n", json_text(&body.to_string()))
}
