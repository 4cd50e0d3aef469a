//! Errors of the write path.

/// Why a session could not be written.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::SaveError;
///
/// let err = SaveError::Overflow { needed: 9000, limit: 7168, chunks: 3, max_chunks: 16 };
/// assert!(err.to_string().contains("max_size"));
/// ```
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The session does not fit in the configured budget. Nothing was written.
    #[error(
        "the session needs {needed} bytes of Cookie header in {chunks} cookies, over the budget \
         of {limit} bytes in at most {max_chunks} cookies; store less, or raise \
         `SessionConfigBuilder::max_size` / `max_chunks` (and the proxy limits, see DEPLOYMENT.md)"
    )]
    Overflow {
        /// Bytes the session cookies would take in the request's `Cookie` line.
        needed: usize,
        /// The configured budget (`max_size`).
        limit: usize,
        /// How many cookies the session would need.
        chunks: usize,
        /// The configured `max_chunks`.
        max_chunks: usize,
    },
    /// The cookie name and attributes leave no room for a value within 4093 bytes.
    #[error(
        "the cookie {name:?} and its attributes take {bytes} bytes, leaving no room for a value"
    )]
    AttributesTooLong {
        /// The cookie name.
        name: String,
        /// Bytes taken by the name and attributes.
        bytes: usize,
    },
    /// The session's JSON is larger than a reader inflates (`max_decoded_size`): it would be
    /// written, then refused as `too-large` on the next request. Nothing was written.
    #[error(
        "the session's JSON takes {bytes} bytes, over the {limit} bytes a reader inflates \
         (max_decoded_size): store less"
    )]
    TooLarge {
        /// Bytes of the session's JSON.
        bytes: usize,
        /// The configured `max_decoded_size`.
        limit: usize,
    },
    /// The session nests arrays and objects deeper than a reader accepts
    /// ([`MAX_NESTING`](crate::MAX_NESTING) levels, the session itself counting as one).
    /// Nothing was written.
    #[error(
        "the entry {entry:?} nests arrays and objects deeper than the {limit} levels a reader \
         accepts (the session itself counts as one)"
    )]
    TooDeep {
        /// The entry that nests too deep.
        entry: String,
        /// [`MAX_NESTING`](crate::MAX_NESTING).
        limit: usize,
    },
    /// In Flask's format, an entry that is not valid tagged JSON: Flask (and this crate)
    /// would refuse the whole cookie on the next request. `tag` is the tag whose payload is
    /// wrong (`" t"` tuple, `" b"` bytes, `" m"` Markup, `" u"` UUID, `" d"` datetime,
    /// `" di"` escaped dict). A map whose keys come from users goes in a
    /// [`flask::Dict`](crate::flask::Dict), which escapes them as Flask does. Nothing was
    /// written.
    #[error(
        "the entry {entry:?} is not valid in Flask's tagged JSON: the {tag:?} tag holds a \
         value Flask cannot read back; wrap maps whose keys come from users in flask::Dict"
    )]
    InvalidFlaskEntry {
        /// The session entry.
        entry: String,
        /// The tag whose payload Flask would refuse.
        tag: &'static str,
    },
    /// The session could not be serialized.
    #[error("the session could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
}

/// An entry of the session does not hold the type it was read as.
///
/// With the `axum` feature it answers `500` as an axum response, and with `actix` as an
/// actix-web error, so `?` works in handlers; the key and the type are logged, never the
/// entry's content.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{GetError, Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("visits", "many")?;
/// let err: GetError = session.get::<u64>("visits").unwrap_err();
/// assert_eq!(err.key(), "visits");
/// assert!(err.to_string().contains("u64"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
// The source's message is left out of the text: serde_json quotes the data it read.
#[error("the session entry {key:?} does not hold a {type_name}")]
pub struct GetError {
    key: String,
    type_name: &'static str,
    #[source]
    source: serde_json::Error,
}

impl GetError {
    pub(crate) fn new<T>(key: &str, source: serde_json::Error) -> GetError {
        GetError {
            key: key.to_owned(),
            type_name: std::any::type_name::<T>(),
            source,
        }
    }

    /// The entry's key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// A value could not be stored in the session: it has no JSON form (a map with keys that
/// are not strings, say).
///
/// With the `axum` and `actix` features it answers `500`, as [`GetError`] does.
///
/// # Example
///
/// ```
/// use std::collections::HashMap;
/// use chunked_cookie_session::{InsertError, Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// let by_pair = HashMap::from([((1, 2), "no string key")]);
/// let err: InsertError = session.insert("map", by_pair).unwrap_err();
/// assert_eq!(err.key(), "map");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("the value for the session entry {key:?} has no JSON form")]
pub struct InsertError {
    key: String,
    #[source]
    source: serde_json::Error,
}

impl InsertError {
    pub(crate) fn new(key: &str, source: serde_json::Error) -> InsertError {
        InsertError {
            key: key.to_owned(),
            source,
        }
    }

    /// The entry's key.
    pub fn key(&self) -> &str {
        &self.key
    }
}
