//! The fixed limits browsers and this crate impose on session cookies.

/// Browsers drop a cookie whose name and value exceed this many bytes (RFC 6265bis).
pub const BROWSER_NAME_VALUE_LIMIT: usize = 4096;

/// The longest `Set-Cookie` value (name, value and every attribute) this crate writes; the
/// figure older Safari and Chromium builds enforced on the whole line.
pub const SET_COOKIE_LINE_LIMIT: usize = 4093;

/// The default budget for all session cookies together, measured as they appear in the
/// request's `Cookie` line: 7 KiB, so an 8 KiB header limit still leaves room for the
/// site's other cookies.
pub const DEFAULT_MAX_SIZE: usize = 7 * 1024;

/// Chromium keeps at most this many bytes (names and values) of partitioned cookies per
/// partition, evicting the least recently used beyond it.
pub const PARTITIONED_LIMIT: usize = 10 * 1024;

/// The hard ceiling on the number of chunks, whatever the configuration says.
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
