//! The validated configuration an engine runs on.

use std::time::Duration;

use cookie::SameSite;

use super::limits::DEFAULT_MAX_SIZE;
use super::policy::{Compression, OverflowPolicy};

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
    /// The application named the cookie; otherwise the engine picks the format's default.
    pub(crate) name_set: bool,
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

/// The cookie's name when the application names none: Flask's, and the native formats'
/// where the `__Host-` prefix is not allowed.
const DEFAULT_NAME: &str = "session";

/// The native formats' name for a cookie the application did not name, wherever the
/// attributes allow the prefix.
const HOST_NAME: &str = "__Host-session";

impl Default for SessionConfig {
    fn default() -> SessionConfig {
        SessionConfig {
            name: DEFAULT_NAME.to_owned(),
            name_set: false,
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
    /// The name of the first cookie; further chunks append `_1`, `_2`, …. A configuration
    /// that never named its cookie says `session` here, and the native engines built from
    /// it use `__Host-session` where its attributes allow (their
    /// [`config`](crate::SessionEngine::config) says which).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let engine = |config| SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let default = engine(SessionConfig::default());
    /// assert_eq!(default.config().name(), "__Host-session");
    /// let plain_http = engine(SessionConfig::builder().secure(false).build()?);
    /// assert_eq!(plain_http.config().name(), "session");
    /// let named = engine(SessionConfig::builder().name("sid").build()?);
    /// assert_eq!(named.config().name(), "sid");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The `Path` attribute.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert_eq!(SessionConfig::default().path(), "/");
    /// assert_eq!(SessionConfig::builder().path("/shop").build()?.path(), "/shop");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The `Domain` attribute, if any.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert_eq!(SessionConfig::default().domain(), None);
    /// let shared = SessionConfig::builder().domain("example.com").build()?;
    /// assert_eq!(shared.domain(), Some("example.com"));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
    /// Whether cookies carry `Secure`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert!(SessionConfig::default().secure());
    /// assert!(!SessionConfig::flask_defaults().build()?.secure());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn secure(&self) -> bool {
        self.secure
    }
    /// Whether cookies carry `HttpOnly`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert!(SessionConfig::default().http_only());
    /// assert!(!SessionConfig::builder().http_only(false).build()?.http_only());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn http_only(&self) -> bool {
        self.http_only
    }
    /// The `SameSite` attribute, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SameSite, SessionConfig};
    /// assert_eq!(SessionConfig::default().same_site(), Some(SameSite::Lax));
    /// assert_eq!(SessionConfig::flask_defaults().build()?.same_site(), None);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn same_site(&self) -> Option<SameSite> {
        self.same_site
    }
    /// Whether cookies carry `Partitioned` (CHIPS).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert!(!SessionConfig::default().partitioned());
    /// assert!(SessionConfig::builder().partitioned(true).build()?.partitioned());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn partitioned(&self) -> bool {
        self.partitioned
    }
    /// The absolute lifetime of a session, counted from its first write.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::SessionConfig;
    /// assert_eq!(SessionConfig::default().lifetime(), Duration::from_secs(14 * 24 * 3600));
    /// ```
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
    /// The idle timeout, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::SessionConfig;
    ///
    /// assert_eq!(SessionConfig::default().idle_timeout(), None);
    /// let config = SessionConfig::builder().idle_timeout(Duration::from_secs(900)).build()?;
    /// assert_eq!(config.idle_timeout(), Some(Duration::from_secs(900)));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }
    /// The budget for all session cookies, in bytes of the request's `Cookie` line.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{DEFAULT_MAX_SIZE, SessionConfig};
    /// assert_eq!(SessionConfig::default().max_size(), DEFAULT_MAX_SIZE);
    /// ```
    pub fn max_size(&self) -> usize {
        self.max_size
    }
    /// The most chunks a session may use.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert_eq!(SessionConfig::default().max_chunks(), 16);
    /// assert_eq!(SessionConfig::builder().max_chunks(8).build()?.max_chunks(), 8);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn max_chunks(&self) -> usize {
        self.max_chunks
    }
    /// The overflow policy.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{OverflowPolicy, SessionConfig};
    /// assert_eq!(SessionConfig::default().overflow(), OverflowPolicy::Error);
    /// ```
    pub fn overflow(&self) -> OverflowPolicy {
        self.overflow
    }
    /// Whether persistent sessions are written again on every request that reads them.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert!(!SessionConfig::default().refresh_each_request());
    /// let flask_like = SessionConfig::flask_defaults().refresh_each_request(true).build()?;
    /// assert!(flask_like.refresh_each_request());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn refresh_each_request(&self) -> bool {
        self.refresh_each_request
    }
    /// Whether persistent cookies carry an `Expires` date beside `Max-Age`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// assert!(!SessionConfig::default().expires_date());
    /// assert!(SessionConfig::builder().expires_date(true).build()?.expires_date());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn expires_date(&self) -> bool {
        self.expires_date
    }

    /// This configuration as a native engine uses it: a cookie the application never named
    /// is `__Host-session` when the attributes allow the prefix (`Secure`, `Path=/`, no
    /// `Domain`), which browsers refuse to let a sibling subdomain or a plain-HTTP page
    /// set: the defence against cookie tossing. Otherwise, and for a named cookie, the name
    /// stays as it is.
    pub(crate) fn with_native_name(mut self) -> SessionConfig {
        if self.native_name() != self.name {
            HOST_NAME.clone_into(&mut self.name);
        }
        self
    }

    /// The name a native engine gives the cookie under this configuration (see
    /// [`with_native_name`](Self::with_native_name)).
    pub(crate) fn native_name(&self) -> &str {
        if !self.name_set && self.secure && self.path == "/" && self.domain.is_none() {
            HOST_NAME
        } else {
            &self.name
        }
    }

    /// How long an untouched-but-read session may go before it is written again, so the
    /// idle timer moves forward: the configured threshold, or a quarter of the idle timeout.
    pub(crate) fn refresh_threshold(&self) -> Option<Duration> {
        self.refresh_after
            .or(self.idle_timeout.map(|idle| idle / 4))
    }
}
