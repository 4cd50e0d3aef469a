//! The `inspect` table and its JSON.

use std::fmt::Write as _;

use chunked_cookie_session::revocation::Identity;
use chunked_cookie_session::{BROWSER_NAME_VALUE_LIMIT, Inspection, LoadReason, TokenInfo};
use cookie_session_cli::revocation::utc_micros;
use serde_json::{Value, json};

use super::shared::{
    HEADER_LIMITS, date, format_name, json_text, looks_like, name_list, printable,
};
use crate::SessionArgs;

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
