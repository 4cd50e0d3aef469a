//! The policies a configuration chooses between: what to do on overflow, when to compress.

/// What happens when a session does not fit in the budget at write time.
///
/// The session is never truncated: either nothing is written, or (with `Clear`) the whole
/// session is deleted, and both are logged with the sizes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Compression, Key, KeyRing, OverflowPolicy, SaveError};
/// use chunked_cookie_session::{SessionConfig, SessionEngine};
///
/// let config = SessionConfig::builder()
///     .compression(Compression::Off)
///     .overflow(OverflowPolicy::Clear)
///     .build()?;
/// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("user", "ada")?;
/// let cookies = engine.save(&session)?.cookie_header();
///
/// let session = engine.load([cookies.as_str()]);
/// session.insert("notes", "x".repeat(10_000))?;
/// assert!(matches!(session.check(), Err(SaveError::Overflow { .. })));
/// // `Error` would fail the save; `Clear` deletes the session instead.
/// let outcome = engine.save(&session)?;
/// assert_eq!(outcome.cookies.len(), 1);
/// assert!(outcome.cookies[0].is_removal());
/// assert_eq!(outcome.cookie_line, Some(0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverflowPolicy {
    /// Write no cookie at all, leave the client's previous cookies untouched, and report a
    /// [`SaveError`](crate::SaveError) (the adapters log it and answer with a 500 unless the
    /// handler already chose an error status).
    #[default]
    Error,
    /// Delete the session cookies, so the client starts afresh, and log a warning.
    Clear,
}

/// When the payload is compressed before it is sealed.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Compression, SessionConfig};
///
/// // Signed sessions compress by default; private ones only with the explicit opt-in,
/// // after reading the length side channel in docs/SECURITY.md.
/// assert_eq!(Compression::default(), Compression::Auto);
/// let config = SessionConfig::builder().compression(Compression::On).build();
/// assert!(config.is_ok());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// Never compress.
    Off,
    /// Compress when it saves bytes, in the signed format only (the default). Private
    /// (encrypted) sessions are never compressed under `Auto`: compressing secrets beside
    /// attacker-chosen data leaks their content through the length (see docs/SECURITY.md).
    #[default]
    Auto,
    /// Compress when it saves bytes, in every format: the explicit opt-in that private
    /// sessions need. Choose it only when nothing an attacker can influence sits in the
    /// session next to a secret.
    On,
}
