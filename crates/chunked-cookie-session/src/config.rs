//! Cookie attributes, lifetimes, size budgets and policies.

use std::time::Duration;

pub use cookie::SameSite;

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

/// What happens when a session does not fit in the budget at write time.
///
/// The session is never truncated: either nothing is written, or (with `Clear`) the whole
/// session is deleted, and both are logged with the sizes.
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

/// Why a configuration was refused.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The cookie name is empty or holds a character that is not an HTTP token character.
    #[error(
        "the cookie name {0:?} is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~ only)"
    )]
    InvalidName(String),
    /// A `__Host-` cookie must be `Secure`, have `Path=/` and no `Domain`.
    #[error("a `__Host-` cookie needs Secure, Path=/ and no Domain; browsers refuse it otherwise")]
    HostPrefix,
    /// A `__Secure-` cookie must be `Secure`.
    #[error("a `__Secure-` cookie needs Secure; browsers refuse it otherwise")]
    SecurePrefix,
    /// `Partitioned` requires `Secure`.
    #[error("a Partitioned cookie needs Secure; browsers refuse it otherwise")]
    PartitionedWithoutSecure,
    /// `SameSite=None` requires `Secure`.
    #[error("SameSite=None needs Secure; browsers refuse it otherwise")]
    SameSiteNoneWithoutSecure,
    /// Path or Domain is invalid (over 1024 bytes, or holds `;` or a control character).
    #[error("the {0} attribute is invalid: at most 1024 bytes, no ';' and no control characters")]
    InvalidAttribute(&'static str),
    /// `Path` or `Domain` holds characters outside ASCII. Browsers match both against the
    /// ASCII form of the URL, so such a cookie is never sent back.
    #[error(
        "the {0} attribute must be ASCII, as browsers match it against the ASCII form of the \
         URL: percent-encode a path, and write an internationalized domain in punycode \
         (`xn--…`, e.g. with the `idna` crate)"
    )]
    NonAscii(&'static str),
    /// A size or count is out of its range.
    #[error("{0}")]
    OutOfRange(String),
}

/// Everything the engine needs to know about the session cookies, validated when built.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::SessionConfig;
///
/// let config = SessionConfig::builder()
///     .name("__Host-session")
///     .idle_timeout(Duration::from_secs(30 * 60))
///     .max_size(40 * 1024)
///     .build()
///     .unwrap();
/// assert_eq!(config.name(), "__Host-session");
/// assert!(config.secure());
///
/// // Browsers refuse a `__Host-` cookie with a Domain, so the builder does too.
/// assert!(SessionConfig::builder().name("__Host-s").domain("example.com").build().is_err());
/// ```
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) domain: Option<String>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: Option<SameSite>,
    pub(crate) partitioned: bool,
    pub(crate) lifetime: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) refresh_after: Option<Duration>,
    pub(crate) clock_skew: Duration,
    pub(crate) persistent: bool,
    pub(crate) max_size: usize,
    pub(crate) max_chunks: usize,
    pub(crate) max_decoded_size: usize,
    pub(crate) overflow: OverflowPolicy,
    pub(crate) compression: Compression,
    pub(crate) write_on_server_error: bool,
    pub(crate) refresh_each_request: bool,
    pub(crate) expires_date: bool,
}

impl Default for SessionConfig {
    fn default() -> SessionConfig {
        SessionConfig {
            name: "session".to_owned(),
            path: "/".to_owned(),
            domain: None,
            secure: true,
            http_only: true,
            same_site: Some(SameSite::Lax),
            partitioned: false,
            lifetime: Duration::from_secs(14 * 24 * 3600),
            idle_timeout: None,
            refresh_after: None,
            clock_skew: Duration::from_secs(60),
            persistent: false,
            max_size: DEFAULT_MAX_SIZE,
            max_chunks: 16,
            max_decoded_size: 1024 * 1024,
            overflow: OverflowPolicy::Error,
            compression: Compression::Auto,
            write_on_server_error: false,
            refresh_each_request: false,
            expires_date: false,
        }
    }
}

impl SessionConfig {
    /// A builder starting from the secure defaults: name `session`, `Path=/`, `Secure`,
    /// `HttpOnly`, `SameSite=Lax`, a 14-day absolute lifetime, no idle timeout, a 7 KiB
    /// budget and at most 16 chunks.
    pub fn builder() -> SessionConfigBuilder {
        SessionConfigBuilder {
            config: SessionConfig::default(),
        }
    }

    /// A builder starting from Flask's own cookie defaults, for an engine that shares
    /// sessions with a Flask application: name `session`, `Path=/`, `HttpOnly`, and neither
    /// `Secure` nor `SameSite` (Flask's `SESSION_COOKIE_SECURE` and `SESSION_COOKIE_SAMESITE`
    /// are off unless the app sets them; set the same here when it does).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SessionConfig;
    ///
    /// let config = SessionConfig::flask_defaults().build()?;
    /// assert!(!config.secure() && config.http_only() && config.same_site().is_none());
    /// let behind_tls = SessionConfig::flask_defaults().secure(true).build()?;
    /// assert!(behind_tls.secure());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn flask_defaults() -> SessionConfigBuilder {
        SessionConfig::builder().secure(false).same_site(None)
    }

    /// The name of the first cookie; further chunks append `_1`, `_2`, ….
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The `Path` attribute.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The `Domain` attribute, if any.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
    /// Whether cookies carry `Secure`.
    pub fn secure(&self) -> bool {
        self.secure
    }
    /// Whether cookies carry `HttpOnly`.
    pub fn http_only(&self) -> bool {
        self.http_only
    }
    /// The `SameSite` attribute, if any.
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }
    /// Whether cookies carry `Partitioned` (CHIPS).
    pub fn partitioned(&self) -> bool {
        self.partitioned
    }
    /// The absolute lifetime of a session, counted from its first write.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
    /// The idle timeout, if any.
    pub fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }
    /// The budget for all session cookies, in bytes of the request's `Cookie` line.
    pub fn max_size(&self) -> usize {
        self.max_size
    }
    /// The most chunks a session may use.
    pub fn max_chunks(&self) -> usize {
        self.max_chunks
    }
    /// The overflow policy.
    pub fn overflow(&self) -> OverflowPolicy {
        self.overflow
    }
    /// Whether persistent sessions are written again on every request that reads them.
    pub fn refresh_each_request(&self) -> bool {
        self.refresh_each_request
    }
    /// Whether persistent cookies carry an `Expires` date beside `Max-Age`.
    pub fn expires_date(&self) -> bool {
        self.expires_date
    }

    /// How long an untouched-but-read session may go before it is written again, so the
    /// idle timer moves forward: the configured threshold, or a quarter of the idle timeout.
    pub(crate) fn refresh_threshold(&self) -> Option<Duration> {
        self.refresh_after
            .or(self.idle_timeout.map(|idle| idle / 4))
    }
}

/// Builds a [`SessionConfig`]; see [`SessionConfig::builder`].
#[derive(Debug, Clone)]
#[must_use = "call `build()` to obtain the configuration"]
pub struct SessionConfigBuilder {
    config: SessionConfig,
}

impl SessionConfigBuilder {
    /// The name of the first cookie (default `session`). Keep `__Host-` or `__Secure-` at
    /// its start to use the browser's cookie prefixes; every chunk keeps the prefix.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self
    }
    /// The `Path` attribute (default `/`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config.path = path.into();
        self
    }
    /// The `Domain` attribute (default: none, a host-only cookie).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.config.domain = Some(domain.into());
        self
    }
    /// The `Secure` attribute (default on). Turn it off only for plain HTTP on loopback.
    pub fn secure(mut self, secure: bool) -> Self {
        self.config.secure = secure;
        self
    }
    /// The `HttpOnly` attribute (default on).
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.config.http_only = http_only;
        self
    }
    /// The `SameSite` attribute (default `Lax`); `None` omits the attribute.
    pub fn same_site(mut self, same_site: Option<SameSite>) -> Self {
        self.config.same_site = same_site;
        self
    }
    /// The `Partitioned` attribute (default off); needs `Secure`.
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.config.partitioned = partitioned;
        self
    }
    /// The absolute lifetime of a session from its first write (default 14 days, at most
    /// 400 days, the ceiling browsers apply).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.config.lifetime = lifetime;
        self
    }
    /// End a session that no request touched for this long (default: no idle timeout).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.config.idle_timeout = Some(idle);
        self
    }
    /// Re-write a session that was read but not changed once its last write is this old,
    /// so the idle timer moves on (default: a quarter of the idle timeout).
    pub fn refresh_after(mut self, after: Duration) -> Self {
        self.config.refresh_after = Some(after);
        self
    }
    /// How far in the future a signed timestamp may lie before it is refused (default 60 s).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.config.clock_skew = skew;
        self
    }
    /// Whether new sessions get persistent cookies (`Max-Age`) rather than cookies that end
    /// with the browser session (default: browser-session cookies). Each session can change
    /// it with [`Session::set_persistent`](crate::Session::set_persistent).
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.config.persistent = persistent;
        self
    }
    /// The budget for all session cookies together, in bytes of the request's `Cookie`
    /// line (default 7 KiB). `40 * 1024` holds the original recipe's ten cookies; see
    /// DEPLOYMENT.md for the proxy settings a budget above 8 KiB needs.
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.config.max_size = bytes;
        self
    }
    /// The most chunks a session may use (default 16, at most 64). Incoming cookies beyond
    /// it are never read, and the cleanup they cause never exceeds it.
    pub fn max_chunks(mut self, chunks: usize) -> Self {
        self.config.max_chunks = chunks;
        self
    }
    /// The largest decompressed payload accepted when reading (default 1 MiB).
    pub fn max_decoded_size(mut self, bytes: usize) -> Self {
        self.config.max_decoded_size = bytes;
        self
    }
    /// What to do when a session does not fit (default [`OverflowPolicy::Error`]).
    pub fn overflow(mut self, policy: OverflowPolicy) -> Self {
        self.config.overflow = policy;
        self
    }
    /// When to compress the payload (default [`Compression::Auto`]).
    pub fn compression(mut self, compression: Compression) -> Self {
        self.config.compression = compression;
        self
    }
    /// Write session cookies even on 5xx responses (default off).
    pub fn write_on_server_error(mut self, write: bool) -> Self {
        self.config.write_on_server_error = write;
        self
    }
    /// Write a persistent session again on every request that reads it, as Flask's
    /// `SESSION_REFRESH_EACH_REQUEST` does, so its cookies (and the idle timer) are renewed
    /// at every visit; its absolute deadline stays (default off: a read session is written
    /// again once [`refresh_after`](Self::refresh_after) has passed). A Flask engine takes
    /// this from [`FlaskSettings`](crate::flask::FlaskSettings) instead.
    pub fn refresh_each_request(mut self, refresh: bool) -> Self {
        self.config.refresh_each_request = refresh;
        self
    }
    /// Give persistent cookies an `Expires` date beside `Max-Age`, both for the same
    /// deadline (default off: `Max-Age` alone, which every current browser reads and which
    /// does not depend on the client's clock). For clients and tests that look for
    /// `Expires`, as Flask's own tests do.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().persistent(true).expires_date(true).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let line = engine.save_at(&session, 1_700_000_000)?.cookies[0].line().to_owned();
    /// assert!(line.contains("Max-Age=1209600") && line.contains("Expires=Tue, 28 Nov 2023"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expires_date(mut self, expires: bool) -> Self {
        self.config.expires_date = expires;
        self
    }

    /// Validates the configuration.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] for a name that is not a cookie token, attributes a browser would
    /// refuse (`__Host-` with a Domain or without Secure, Partitioned or `SameSite=None`
    /// without Secure), and sizes out of range.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{ConfigError, SessionConfig};
    /// let err = SessionConfig::builder().secure(false).partitioned(true).build().unwrap_err();
    /// assert_eq!(err, ConfigError::PartitionedWithoutSecure);
    /// ```
    pub fn build(self) -> Result<SessionConfig, ConfigError> {
        let c = self.config;
        if c.name.is_empty() || c.name.len() > 200 || !c.name.bytes().all(is_tchar) {
            return Err(ConfigError::InvalidName(c.name));
        }
        check_attribute("Path", &c.path)?;
        if let Some(domain) = &c.domain {
            check_attribute("Domain", domain)?;
        }
        let lower = c.name.to_ascii_lowercase();
        if lower.starts_with("__host-") && (!c.secure || c.domain.is_some() || c.path != "/") {
            return Err(ConfigError::HostPrefix);
        }
        if lower.starts_with("__secure-") && !c.secure {
            return Err(ConfigError::SecurePrefix);
        }
        if c.partitioned && !c.secure {
            return Err(ConfigError::PartitionedWithoutSecure);
        }
        if c.partitioned && c.max_size > PARTITIONED_LIMIT {
            return Err(ConfigError::OutOfRange(format!(
                "a Partitioned session must fit in {PARTITIONED_LIMIT} bytes (Chromium's cap on \
                 the cookies of one partition), not max_size {}",
                c.max_size
            )));
        }
        if c.same_site == Some(SameSite::None) && !c.secure {
            return Err(ConfigError::SameSiteNoneWithoutSecure);
        }
        if c.max_chunks == 0 || c.max_chunks > MAX_CHUNKS_CEILING {
            return Err(ConfigError::OutOfRange(format!(
                "max_chunks must be between 1 and {MAX_CHUNKS_CEILING}, not {}",
                c.max_chunks
            )));
        }
        if c.max_size < 512 || c.max_size > c.max_chunks * (BROWSER_NAME_VALUE_LIMIT + 2) {
            return Err(ConfigError::OutOfRange(format!(
                "max_size must be between 512 and {} bytes for {} chunks, not {}",
                c.max_chunks * (BROWSER_NAME_VALUE_LIMIT + 2),
                c.max_chunks,
                c.max_size
            )));
        }
        let max_lifetime = Duration::from_secs(400 * 24 * 3600);
        if c.lifetime.is_zero() || c.lifetime > max_lifetime {
            return Err(ConfigError::OutOfRange(
                "lifetime must be between 1 second and 400 days".to_owned(),
            ));
        }
        if c.idle_timeout.is_some_and(|idle| idle.is_zero()) {
            return Err(ConfigError::OutOfRange(
                "idle_timeout must not be zero".to_owned(),
            ));
        }
        if c.max_decoded_size < c.max_size {
            return Err(ConfigError::OutOfRange(
                "max_decoded_size must be at least max_size".to_owned(),
            ));
        }
        Ok(c)
    }
}

/// RFC 9110 token characters, the only ones allowed in a cookie name.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn check_attribute(name: &'static str, value: &str) -> Result<(), ConfigError> {
    if !value.is_ascii() {
        // Browsers compare Path and Domain byte for byte with the ASCII forms of URLs: a
        // cookie with either in UTF-8 is stored but never sent back.
        return Err(ConfigError::NonAscii(name));
    }
    let bad = value.len() > 1024 || value.bytes().any(|b| b == b';' || b.is_ascii_control());
    if bad || value.is_empty() {
        return Err(ConfigError::InvalidAttribute(name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_secure() {
        let c = SessionConfig::builder().build().unwrap();
        assert!(c.secure() && c.http_only());
        assert_eq!(c.same_site(), Some(SameSite::Lax));
        assert_eq!(c.path(), "/");
        assert_eq!(c.max_size(), DEFAULT_MAX_SIZE);
    }

    #[test]
    fn refuses_what_browsers_refuse() {
        let b = SessionConfig::builder;
        assert_eq!(
            b().name("__Host-x").secure(false).build().unwrap_err(),
            ConfigError::HostPrefix
        );
        assert_eq!(
            b().name("__Host-x").path("/app").build().unwrap_err(),
            ConfigError::HostPrefix
        );
        assert_eq!(
            b().name("__Secure-x").secure(false).build().unwrap_err(),
            ConfigError::SecurePrefix
        );
        assert_eq!(
            b().secure(false)
                .same_site(Some(SameSite::None))
                .build()
                .unwrap_err(),
            ConfigError::SameSiteNoneWithoutSecure
        );
        assert!(matches!(
            b().name("a:b").build(),
            Err(ConfigError::InvalidName(_))
        ));
        assert!(matches!(
            b().name("").build(),
            Err(ConfigError::InvalidName(_))
        ));
        assert!(b().path("/a;b").build().is_err());
        assert_eq!(
            b().path("/café").build().unwrap_err(),
            ConfigError::NonAscii("Path")
        );
        assert_eq!(
            b().domain("bücher.example").build().unwrap_err(),
            ConfigError::NonAscii("Domain")
        );
        assert!(b().domain("xn--bcher-kva.example").build().is_ok());
        assert!(b().max_chunks(0).build().is_err());
        assert!(b().max_chunks(65).build().is_err());
        assert!(b().max_size(100).build().is_err());
        assert!(b().max_size(40 * 1024).build().is_ok());
        assert!(b().name("__Host-session").build().is_ok());
        assert!(b().partitioned(true).max_size(10 * 1024).build().is_ok());
        assert!(b().partitioned(true).max_size(40 * 1024).build().is_err());
    }
}
