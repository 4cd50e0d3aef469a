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
    /// The session could not be serialized.
    #[error("the session could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
}
