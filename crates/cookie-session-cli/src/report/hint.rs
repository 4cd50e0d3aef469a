//! The sentences after a refusal that say what to try.

use std::fmt::Write as _;

use chunked_cookie_session::{
    EngineOptions, Inspection, Inspector, LoadReason, SessionConfig, TokenInfo, WireFormat,
};
use cookie_session_cli::options::Format;

use super::shared::{date, looks_like, name_list, printable};
use crate::SessionArgs;

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
