//! The fixed limits browsers and this crate impose on session cookies.

/// Browsers drop a cookie whose name and value exceed this many bytes (RFC 6265bis).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{BROWSER_NAME_VALUE_LIMIT, SessionConfig};
///
/// // The largest budget two chunks allow: two full cookies and the `; ` after each.
/// let most = 2 * (BROWSER_NAME_VALUE_LIMIT + 2);
/// assert!(SessionConfig::builder().max_chunks(2).max_size(most).build().is_ok());
/// assert!(SessionConfig::builder().max_chunks(2).max_size(most + 1).build().is_err());
/// ```
pub const BROWSER_NAME_VALUE_LIMIT: usize = 4096;

/// The longest `Set-Cookie` value (name, value and every attribute) this crate writes; the
/// figure older Safari and Chromium builds enforced on the whole line.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
/// use chunked_cookie_session::SET_COOKIE_LINE_LIMIT;
/// # let config = SessionConfig::builder().compression(Compression::Off).build()?;
/// # let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
/// # let session = engine.load(std::iter::empty());
/// # session.insert("notes", "x".repeat(4500))?;
/// let outcome = engine.save(&session)?; // a session of two chunks
/// assert_eq!(outcome.cookies.len(), 2);
/// assert!(outcome.cookies.iter().all(|cookie| cookie.line().len() <= SET_COOKIE_LINE_LIMIT));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const SET_COOKIE_LINE_LIMIT: usize = 4093;

/// The default budget for all session cookies together, measured as they appear in the
/// request's `Cookie` line: 7 KiB, so an 8 KiB header limit still leaves room for the
/// site's other cookies.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{DEFAULT_MAX_SIZE, SessionConfig};
/// assert_eq!(SessionConfig::default().max_size(), DEFAULT_MAX_SIZE);
/// assert_eq!(DEFAULT_MAX_SIZE, 7168);
/// ```
pub const DEFAULT_MAX_SIZE: usize = 7 * 1024;

/// Chromium keeps at most this many bytes (names and values) of partitioned cookies per
/// partition, evicting the least recently used beyond it.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{PARTITIONED_LIMIT, SessionConfig};
/// let partitioned = || SessionConfig::builder().partitioned(true);
/// assert!(partitioned().max_size(PARTITIONED_LIMIT).build().is_ok());
/// assert!(partitioned().max_size(PARTITIONED_LIMIT + 1).build().is_err());
/// ```
pub const PARTITIONED_LIMIT: usize = 10 * 1024;

/// The hard ceiling on the number of chunks, whatever the configuration says.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{MAX_CHUNKS_CEILING, SessionConfig};
/// assert!(SessionConfig::builder().max_chunks(MAX_CHUNKS_CEILING).build().is_ok());
/// assert!(SessionConfig::builder().max_chunks(MAX_CHUNKS_CEILING + 1).build().is_err());
/// ```
pub const MAX_CHUNKS_CEILING: usize = 64;

/// The deepest nesting of arrays and objects a session may hold, the session object itself
/// counting as one level: serde_json's own limit, which the native formats read with, and
/// the limit the Flask format reads with too. Sessions deeper than this are refused when
/// written ([`SaveError::TooDeep`](crate::SaveError::TooDeep)), never written and lost.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::MAX_NESTING;
/// let deepest = "[".repeat(MAX_NESTING - 1) + &"]".repeat(MAX_NESTING - 1);
/// let json = format!("{{\"a\":{deepest}}}");
/// assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
/// let deeper = format!("{{\"a\":[{deepest}]}}");
/// assert!(serde_json::from_str::<serde_json::Value>(&deeper).is_err());
/// ```
pub const MAX_NESTING: usize = 127;
