//! What the previous formats share (features `starlette`, `django`): the formats of other
//! frameworks' session cookies, which an engine reads to take their sessions over and never
//! writes. Each is one signed cookie holding the session's JSON as Python's `json` wrote
//! it, read back as `json.loads` reads it, without any tags.

use std::time::Duration;

use serde::ser::Error as _;

use super::entries::Entries;
use super::policy::{Policy, Rewrite};
use super::shared::OpenInput;
use crate::chunk::{Count, Deadline, Layout};
use crate::error::SaveError;
use crate::pyvalue::{PyValue, parse, plain_dict};
use crate::reason::LoadReason;

/// One cookie, named as configured. Starlette and Django read the last cookie of a name
/// and werkzeug the first, so every same-name twin is tried: each must verify on its own.
pub(crate) const ONE_COOKIE: Layout = Layout {
    separator: '_',
    index_first: false,
    max_chunks: 1,
    count: Count::UntilGap,
    try_twins: true,
    deadline: Deadline::MaxAge,
};

/// A previous format's properties: one cookie; a lifetime that runs from the signed
/// timestamp of each write; refused cookies left alone (they may belong to an application
/// still running on that framework); nothing rewritten on its own account.
pub(crate) fn policy(lifetime: Duration) -> Policy {
    Policy {
        layout: &ONE_COOKIE,
        encrypted: false,
        lifetime: Some(lifetime),
        restarts_lifetime: true,
        clears_rejected: false,
        carries_identity: false,
        persistence_entry: None,
        rewrite: Rewrite::default(),
    }
}

/// What preparing a write in a previous format gives: an error. An engine of such a format
/// is only ever built as the previous engine of a migration
/// ([`EngineOptions::build`](crate::EngineOptions::build) refuses it as a format to write),
/// and previous engines are only read with.
pub(crate) fn never_written(format: &str) -> SaveError {
    SaveError::Serialize(serde_json::Error::custom(format!(
        "{format} sessions are read to take them over, never written"
    )))
}

/// The session in a document of Python's JSON, as `json.loads` gives it (no object hook: a
/// dict that looks like a Flask tag stays a dict), which must be a dict. `json` must not be
/// longer than the configured `max_decoded_size`.
pub(crate) fn session_from_json(json: &str, input: &OpenInput<'_>) -> Result<Entries, LoadReason> {
    if json.len() > input.config.max_decoded_size {
        return Err(LoadReason::TooLarge);
    }
    match parse(json, plain_dict).map_err(|_| LoadReason::Malformed)? {
        PyValue::Dict(entries) => Ok(Entries::from_python(entries.into())),
        _ => Err(LoadReason::Malformed),
    }
}
