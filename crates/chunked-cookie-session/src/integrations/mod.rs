//! Framework adapters. Each one only translates: it hands every `Cookie` field of the
//! request to [`SessionEngine::load`](crate::SessionEngine::load), and after the handler
//! copies the headers of [`SessionEngine::finish`](crate::SessionEngine::finish)'s
//! [`Outcome`](crate::Outcome) onto the response. Every decision is the engine's.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "actix-flash")]
pub mod actix_flash;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "tower-sessions")]
pub mod tower_sessions;

use std::borrow::Cow;

use crate::engine::SessionEngine;
use crate::session::Session;

/// The plain-text body of the default 500 that replaces a successful response whose session
/// could not be saved. It tells the client nothing more: the sizes and the remedy are in
/// the error the engine logged, and in the `SaveError` an application's own hook receives.
pub(crate) const SAVE_FAILED: &str = "the session could not be saved\n";

/// The body of the 500 that `?` on [`Session::get`](crate::Session::get) answers with.
pub(crate) const READ_FAILED: &str = "the session could not be read\n";

/// The body of the 500 that `?` on [`Session::insert`](crate::Session::insert) answers
/// with.
pub(crate) const UPDATE_FAILED: &str = "the session could not be updated\n";

/// Logs a session header the framework refused. The configuration is validated, so a line
/// is always a valid header value; should one ever be refused, dropping it (and saying so)
/// is all that is left to do.
pub(crate) fn header_refused(name: &str) {
    tracing::error!(header = name, "a session header is not a valid value");
}

/// Loads the request's session from the raw bytes of every `Cookie` field.
pub(crate) fn load_session<'a>(
    engine: &SessionEngine,
    fields: impl IntoIterator<Item = &'a [u8]>,
) -> Session {
    // A field that is not UTF-8 cannot hold our (ASCII) cookies, but the cookies beside
    // ours in it are no reason to drop the whole field. `from_utf8` checks ASCII a word at a
    // time; `from_utf8_lossy` walks every byte, several microseconds for a 5 KB field, so it
    // only runs on a field that is not UTF-8.
    let fields: Vec<Cow<'_, str>> = fields
        .into_iter()
        .map(|field| match std::str::from_utf8(field) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(field),
        })
        .collect();
    engine.load(fields.iter().map(|field| &**field))
}

/// Logs a session error a handler's `?` turned into a 500: its own words (the entry's key
/// and the type), never an entry's content.
pub(crate) fn log_entry_error(error: &dyn std::error::Error) {
    tracing::error!("session entry error, answering 500: {error}");
}
