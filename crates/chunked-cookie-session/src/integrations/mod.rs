//! Framework adapters. Each one only translates: it hands every `Cookie` field of the
//! request to [`SessionEngine::load`](crate::SessionEngine::load), and after the handler
//! copies the headers of [`SessionEngine::finish`](crate::SessionEngine::finish)'s
//! [`Outcome`](crate::Outcome) onto the response. Every decision is the engine's.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;

use std::borrow::Cow;

use crate::engine::SessionEngine;
use crate::error::SaveError;
use crate::session::Session;

/// Loads the request's session from the raw bytes of every `Cookie` field.
pub(crate) fn load_session<'a>(
    engine: &SessionEngine,
    fields: impl IntoIterator<Item = &'a [u8]>,
) -> Session {
    // A field that is not UTF-8 cannot hold our (ASCII) cookies, but the cookies beside
    // ours in it are no reason to drop the whole field.
    let fields: Vec<Cow<'_, str>> = fields.into_iter().map(String::from_utf8_lossy).collect();
    engine.load(fields.iter().map(|field| &**field))
}

/// The plain-text body of the 500 that replaces a successful response whose session could
/// not be saved.
pub(crate) fn error_body(error: &SaveError) -> String {
    format!("the session could not be saved: {error}\n")
}
