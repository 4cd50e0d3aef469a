//! The Flask settings both sides of a migration must share, and the cookie layouts.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::ConfigError;
use crate::setting::Setting;

/// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{DEFAULT_MAX_AGE, FlaskSettings};
/// assert_eq!(FlaskSettings::new("k")?.max_age_secs(), DEFAULT_MAX_AGE.as_secs());
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(31 * 24 * 3600);

/// The most cookies the chunked layout uses: the recipe's `session:0` … `session:9`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings, MAX_CHUNKS};
/// use chunked_cookie_session::{SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::flask(
///     SessionConfig::default(),
///     FlaskSettings::new("k")?.layout(FlaskLayout::Chunked),
/// );
/// assert_eq!(engine.chunk_index("session:9"), Some(MAX_CHUNKS - 1));
/// assert_eq!(engine.chunk_index("session:10"), None);
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
pub const MAX_CHUNKS: usize = 10;

/// How the signed value is laid out in cookies.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::FlaskLayout;
/// assert_eq!(FlaskLayout::default(), FlaskLayout::Stock);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlaskLayout {
    /// Flask's own `SecureCookieSessionInterface`: one cookie named as configured
    /// (`session`). A session that does not fit in one cookie is a write error, where
    /// Flask would send a cookie the browser drops.
    #[default]
    Stock,
    /// The chunked recipe's layout: `session:0`, `session:1`, … (at most
    /// [`MAX_CHUNKS`]), read in numeric order up to the first gap, written in as few
    /// cookies as the byte budgets allow, stale ones deleted.
    Chunked,
}

/// The Flask settings both sides must share: `SECRET_KEY`, `SECRET_KEY_FALLBACKS`, the
/// signing salt, `PERMANENT_SESSION_LIFETIME` and the layout.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
///
/// let settings = FlaskSettings::new("new-secret")?
///     .fallback("old-secret")
///     .salt("cookie-session")
///     .max_age(Duration::from_secs(3600))
///     .layout(FlaskLayout::Chunked);
/// assert_eq!(settings.max_age_secs(), 3600);
/// assert!(!format!("{settings:?}").contains("secret\""));
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct FlaskSettings {
    secret: Zeroizing<Vec<u8>>,
    /// Oldest first, as Flask lists `SECRET_KEY_FALLBACKS`.
    fallbacks: Vec<Zeroizing<Vec<u8>>>,
    salt: Vec<u8>,
    max_age: Duration,
    layout: FlaskLayout,
    refresh_each_request: bool,
}

impl fmt::Debug for FlaskSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskSettings")
            .field("fallbacks", &self.fallbacks.len())
            .field("salt", &String::from_utf8_lossy(&self.salt))
            .field("max_age", &self.max_age)
            .field("layout", &self.layout)
            .field("refresh_each_request", &self.refresh_each_request)
            .finish_non_exhaustive()
    }
}

impl FlaskSettings {
    /// Settings for a Flask app whose `SECRET_KEY` is `secret` (a `str` key is its UTF-8
    /// bytes), with Flask's defaults: salt `cookie-session`, a 31-day lifetime, the stock
    /// layout and `SESSION_REFRESH_EACH_REQUEST` on.
    ///
    /// # Errors
    ///
    /// An empty secret: Flask refuses to sign sessions without one.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::FlaskSettings;
    /// assert!(FlaskSettings::new("").is_err());
    /// assert!(FlaskSettings::new(b"\x00binary keys work too").is_ok());
    /// ```
    pub fn new(secret: impl AsRef<[u8]>) -> Result<FlaskSettings, ConfigError> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(ConfigError::Missing(Setting::SecretKey));
        }
        Ok(FlaskSettings {
            secret: Zeroizing::new(secret.to_vec()),
            fallbacks: Vec::new(),
            salt: b"cookie-session".to_vec(),
            max_age: DEFAULT_MAX_AGE,
            layout: FlaskLayout::Stock,
            refresh_each_request: true,
        })
    }

    /// Adds an entry of `SECRET_KEY_FALLBACKS`: accepted when reading, never used to sign.
    /// Add them in Flask's order (oldest first); the order does not change which cookies
    /// verify.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k3")?.fallback("k1").fallback("k2");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn fallback(mut self, secret: impl AsRef<[u8]>) -> FlaskSettings {
        self.fallbacks
            .push(Zeroizing::new(secret.as_ref().to_vec()));
        self
    }

    /// The signing salt (Flask's `SecureCookieSessionInterface.salt`, default
    /// `cookie-session`; some deployments of the chunked recipe used `cookie-session_ha`).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k")?.salt("cookie-session_ha");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> FlaskSettings {
        self.salt = salt.as_ref().to_vec();
        self
    }

    /// `PERMANENT_SESSION_LIFETIME`: the oldest signature accepted (for every session,
    /// permanent or not, as Flask checks it) and how far ahead a permanent session's
    /// `Expires` lies. Whole seconds count, as Flask truncates.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// # use std::time::Duration;
    /// let settings = FlaskSettings::new("k")?.max_age(Duration::from_secs(1800));
    /// assert_eq!(settings.max_age_secs(), 1800);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> FlaskSettings {
        self.max_age = max_age;
        self
    }

    /// The cookie layout (default [`FlaskLayout::Stock`]).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
    /// let settings = FlaskSettings::new("k")?.layout(FlaskLayout::Chunked);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn layout(mut self, layout: FlaskLayout) -> FlaskSettings {
        self.layout = layout;
        self
    }

    /// `SESSION_REFRESH_EACH_REQUEST` (default on): a permanent session is signed again,
    /// with a fresh timestamp and `Expires`, on every response that touched it.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k")?.refresh_each_request(false);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn refresh_each_request(mut self, refresh: bool) -> FlaskSettings {
        self.refresh_each_request = refresh;
        self
    }

    /// The lifetime in whole seconds.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// # use std::time::Duration;
    /// let settings = FlaskSettings::new("k")?.max_age(Duration::from_millis(90_500));
    /// assert_eq!(settings.max_age_secs(), 90);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn max_age_secs(&self) -> u64 {
        self.max_age.as_secs()
    }

    pub(crate) fn secrets_oldest_first(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.fallbacks
            .iter()
            .map(|s| s.as_slice())
            .chain(std::iter::once(self.secret.as_slice()))
    }

    pub(crate) fn salt_bytes(&self) -> &[u8] {
        &self.salt
    }

    pub(crate) fn layout_kind(&self) -> FlaskLayout {
        self.layout
    }

    pub(crate) fn refreshes_each_request(&self) -> bool {
        self.refresh_each_request
    }
}
