//! The configuration builder, and every check a configuration must pass.

use std::time::Duration;

use cookie::SameSite;

use super::error::{ConfigError, Unit};
use super::limits::{BROWSER_NAME_VALUE_LIMIT, MAX_CHUNKS_CEILING, PARTITIONED_LIMIT};
use super::policy::{Compression, OverflowPolicy};
use super::session_config::SessionConfig;
use crate::setting::Setting;

/// Builds a [`SessionConfig`]; see [`SessionConfig::builder`].
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::{SessionConfig, SessionConfigBuilder};
///
/// // A builder is `Clone`: one base, two configurations.
/// let base: SessionConfigBuilder = SessionConfig::builder().max_size(16 * 1024);
/// let admin = base.clone().lifetime(Duration::from_secs(8 * 3600)).build()?;
/// let public = base.build()?;
/// assert_eq!(admin.max_size(), public.max_size());
/// assert!(admin.lifetime() < public.lifetime());
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "call `build()` to obtain the configuration"]
pub struct SessionConfigBuilder {
    config: SessionConfig,
}

impl SessionConfig {
    /// A builder starting from the secure defaults: `Path=/`, `Secure`, `HttpOnly`,
    /// `SameSite=Lax`, a 14-day absolute lifetime, no idle timeout, a 7 KiB budget and at
    /// most 16 chunks. Unless the cookie is named, a native engine calls it
    /// `__Host-session` (see [`SessionConfigBuilder::name`]).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::{DEFAULT_MAX_SIZE, SameSite, SessionConfig};
    ///
    /// let config = SessionConfig::builder().build()?;
    /// assert_eq!((config.path(), config.secure(), config.http_only()), ("/", true, true));
    /// assert_eq!(config.same_site(), Some(SameSite::Lax));
    /// assert_eq!(config.lifetime(), Duration::from_secs(14 * 24 * 3600));
    /// assert_eq!(config.idle_timeout(), None);
    /// assert_eq!((config.max_size(), config.max_chunks()), (DEFAULT_MAX_SIZE, 16));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn builder() -> SessionConfigBuilder {
        SessionConfigBuilder::starting_from(SessionConfig::default())
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
}

impl SessionConfigBuilder {
    pub(super) fn starting_from(config: SessionConfig) -> SessionConfigBuilder {
        SessionConfigBuilder { config }
    }

    /// The name of the first cookie. Keep `__Host-` or `__Secure-` at its start to use the
    /// browser's cookie prefixes; every chunk keeps the prefix.
    ///
    /// Unnamed, the cookie of the native formats is `__Host-session` whenever the
    /// attributes allow that prefix (`Secure`, `Path=/`, no `Domain`: the defaults), since
    /// browsers let no sibling subdomain and no plain-HTTP page set such a cookie; it is
    /// `session` otherwise, and in Flask's format, as in Flask. A name given here is kept
    /// as it is, whatever the format.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().name("__Host-app").build()?;
    /// assert_eq!(config.name(), "__Host-app");
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// assert_eq!(engine.chunk_name(1).as_deref(), Some("__Host-app_1"));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = name.into();
        self.config.name_set = true;
        self
    }
    /// The `Path` attribute (default `/`).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().path("/app").build()?;
    /// assert_eq!(config.path(), "/app");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config.path = path.into();
        self
    }
    /// The `Domain` attribute (default: none, a host-only cookie).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().domain("example.com").build()?;
    /// assert_eq!(config.domain(), Some("example.com"));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.config.domain = Some(domain.into());
        self
    }
    /// The `Secure` attribute (default on). Turn it off only for plain HTTP on loopback.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().secure(false).build()?;
    /// assert!(!config.secure());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn secure(mut self, secure: bool) -> Self {
        self.config.secure = secure;
        self
    }
    /// The `HttpOnly` attribute (default on).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().http_only(false).build()?;
    /// assert!(!config.http_only());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.config.http_only = http_only;
        self
    }
    /// The `SameSite` attribute (default `Lax`); `None` omits the attribute.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SameSite, SessionConfig};
    /// let strict = SessionConfig::builder().same_site(Some(SameSite::Strict)).build()?;
    /// assert_eq!(strict.same_site(), Some(SameSite::Strict));
    /// assert_eq!(SessionConfig::builder().same_site(None).build()?.same_site(), None);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn same_site(mut self, same_site: Option<SameSite>) -> Self {
        self.config.same_site = same_site;
        self
    }
    /// The `Partitioned` attribute (default off); needs `Secure`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().partitioned(true).build()?;
    /// assert!(config.partitioned());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.config.partitioned = partitioned;
        self
    }
    /// The absolute lifetime of a session from its first write (default 14 days, at most
    /// 400 days, the ceiling browsers apply).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::SessionConfig;
    ///
    /// let config = SessionConfig::builder().lifetime(Duration::from_secs(3600)).build()?;
    /// assert_eq!(config.lifetime(), Duration::from_secs(3600));
    /// let too_long = Duration::from_secs(401 * 24 * 3600);
    /// assert!(SessionConfig::builder().lifetime(too_long).build().is_err());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.config.lifetime = lifetime;
        self
    }
    /// End a session that no request touched for this long (default: no idle timeout).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::SessionConfig;
    ///
    /// let half_hour = Duration::from_secs(30 * 60);
    /// let config = SessionConfig::builder().idle_timeout(half_hour).build()?;
    /// assert_eq!(config.idle_timeout(), Some(half_hour));
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.config.idle_timeout = Some(idle);
        self
    }
    /// Re-write a session that was read but not changed once its last write is this old,
    /// so the idle timer moves on (default: a quarter of the idle timeout).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().refresh_after(Duration::from_secs(600)).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    ///
    /// // Read and left unchanged: written again only once ten minutes have passed.
    /// let soon = engine.load_at([cookies.as_str()], 1_700_000_599);
    /// assert!(soon.contains("user"));
    /// assert!(engine.save_at(&soon, 1_700_000_599)?.cookies.is_empty());
    /// let later = engine.load_at([cookies.as_str()], 1_700_000_600);
    /// assert!(later.contains("user"));
    /// assert_eq!(engine.save_at(&later, 1_700_000_600)?.cookies.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh_after(mut self, after: Duration) -> Self {
        self.config.refresh_after = Some(after);
        self
    }
    /// How far in the future a signed timestamp may lie before it is refused (default 60 s).
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let keys = KeyRing::new(Key::generate());
    /// let strict = SessionEngine::signed(SessionConfig::default(), keys.clone());
    /// let lenient = SessionConfig::builder().clock_skew(Duration::from_secs(300)).build()?;
    /// let lenient = SessionEngine::signed(lenient, keys);
    ///
    /// // A server whose clock runs two minutes ahead wrote the session.
    /// let session = strict.load_at(std::iter::empty(), 1_700_000_120);
    /// session.insert("user", "ada")?;
    /// let cookies = strict.save_at(&session, 1_700_000_120)?.cookie_header();
    /// let read = |engine: &SessionEngine| engine.load_at([cookies.as_str()], 1_700_000_000);
    /// assert_eq!(read(&strict).load_reason(), LoadReason::Expired);
    /// assert_eq!(read(&lenient).load_reason(), LoadReason::Valid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.config.clock_skew = skew;
        self
    }
    /// Whether new sessions get persistent cookies (`Max-Age`) rather than cookies that end
    /// with the browser session (default: browser-session cookies). Each session can change
    /// it with [`Session::set_persistent`](crate::Session::set_persistent).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().persistent(true).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// assert!(session.is_persistent());
    /// session.insert("user", "ada")?;
    /// let line = engine.save_at(&session, 1_700_000_000)?.cookies[0].line().to_owned();
    /// assert!(line.contains("Max-Age=1209600"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persistent(mut self, persistent: bool) -> Self {
        self.config.persistent = persistent;
        self
    }
    /// The budget for all session cookies together, in bytes of the request's `Cookie`
    /// line (default 7 KiB). `40 * 1024` holds the original recipe's ten cookies; see
    /// DEPLOYMENT.md for the proxy settings a budget above 8 KiB needs.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::SessionConfig;
    /// let config = SessionConfig::builder().max_size(40 * 1024).build()?;
    /// assert_eq!(config.max_size(), 40 * 1024);
    /// // More than 16 full cookies hold: refused under the default `max_chunks`.
    /// assert!(SessionConfig::builder().max_size(80 * 1024).build().is_err());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.config.max_size = bytes;
        self
    }
    /// The most chunks a session may use (default 16, at most 64). Incoming cookies beyond
    /// it are never read, and the cleanup they cause never exceeds it.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().max_chunks(4).build()?;
    /// assert_eq!(config.max_chunks(), 4);
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// assert_eq!(engine.chunk_name(4), None);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn max_chunks(mut self, chunks: usize) -> Self {
        self.config.max_chunks = chunks;
        self
    }
    /// The largest decompressed payload accepted when reading (default 1 MiB).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SaveError, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().max_decoded_size(8 * 1024).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// // It compresses to a few dozen bytes, but a reader would inflate it past the limit.
    /// session.insert("notes", "x".repeat(10_000))?;
    /// assert!(matches!(engine.save(&session), Err(SaveError::TooLarge { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_decoded_size(mut self, bytes: usize) -> Self {
        self.config.max_decoded_size = bytes;
        self
    }
    /// What to do when a session does not fit (default [`OverflowPolicy::Error`]).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{OverflowPolicy, SessionConfig};
    /// let config = SessionConfig::builder().overflow(OverflowPolicy::Clear).build()?;
    /// assert_eq!(config.overflow(), OverflowPolicy::Clear);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn overflow(mut self, policy: OverflowPolicy) -> Self {
        self.config.overflow = policy;
        self
    }
    /// When to compress the payload (default [`Compression::Auto`]).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let written = |compression| -> Result<usize, Box<dyn std::error::Error>> {
    ///     let config = SessionConfig::builder().compression(compression).build()?;
    ///     let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    ///     let session = engine.load(std::iter::empty());
    ///     session.insert("notes", "la".repeat(1000))?;
    ///     Ok(engine.save(&session)?.cookie_header().len())
    /// };
    /// assert!(written(Compression::Auto)? < 500);
    /// assert!(written(Compression::Off)? > 2000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compression(mut self, compression: Compression) -> Self {
        self.config.compression = compression;
        self
    }
    /// Write session cookies even on 5xx responses (default off).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().write_on_server_error(true).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("attempts", 3)?;
    /// assert_eq!(engine.finish(&session, ResponseInfo::new(503)).cookies.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_on_server_error(mut self, write: bool) -> Self {
        self.config.write_on_server_error = write;
        self
    }
    /// Write a persistent session again on every request that reads it, as Flask's
    /// `SESSION_REFRESH_EACH_REQUEST` does, so its cookies (and the idle timer) are renewed
    /// at every visit; its absolute deadline stays (default off: a read session is written
    /// again once [`refresh_after`](Self::refresh_after) has passed). A Flask engine takes
    /// this from `flask::FlaskSettings` instead.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder()
    ///     .persistent(true)
    ///     .refresh_each_request(true)
    ///     .build()?;
    /// assert!(config.refresh_each_request());
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    ///
    /// // Read a second later and left unchanged: written again, its cookies renewed.
    /// let next = engine.load_at([cookies.as_str()], 1_700_000_001);
    /// assert!(next.contains("user"));
    /// assert_eq!(engine.save_at(&next, 1_700_000_001)?.cookies.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
        check_attribute(Setting::Path, &c.path)?;
        if let Some(domain) = &c.domain {
            check_attribute(Setting::Domain, domain)?;
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
        if c.same_site == Some(SameSite::None) && !c.secure {
            return Err(ConfigError::SameSiteNoneWithoutSecure);
        }
        let out_of_range =
            |setting, value: usize, min: usize, max: Option<usize>, unit, bound_by| {
                ConfigError::OutOfRange {
                    setting,
                    value: value as u64,
                    min: min as u64,
                    max: max.map(|max| max as u64),
                    unit,
                    bound_by,
                }
            };
        if c.max_chunks == 0 || c.max_chunks > MAX_CHUNKS_CEILING {
            return Err(out_of_range(
                Setting::MaxChunks,
                c.max_chunks,
                1,
                Some(MAX_CHUNKS_CEILING),
                Unit::Chunks,
                None,
            ));
        }
        if c.partitioned && !(MIN_MAX_SIZE..=PARTITIONED_LIMIT).contains(&c.max_size) {
            return Err(out_of_range(
                Setting::MaxSize,
                c.max_size,
                MIN_MAX_SIZE,
                Some(PARTITIONED_LIMIT),
                Unit::Bytes,
                Some(Setting::Partitioned),
            ));
        }
        let most = c.max_chunks * (BROWSER_NAME_VALUE_LIMIT + 2);
        if !(MIN_MAX_SIZE..=most).contains(&c.max_size) {
            return Err(out_of_range(
                Setting::MaxSize,
                c.max_size,
                MIN_MAX_SIZE,
                Some(most),
                Unit::Bytes,
                Some(Setting::MaxChunks),
            ));
        }
        if c.lifetime.is_zero() || c.lifetime > MAX_LIFETIME {
            return Err(ConfigError::OutOfRange {
                setting: Setting::Lifetime,
                value: c.lifetime.as_secs(),
                min: 1,
                max: Some(MAX_LIFETIME.as_secs()),
                unit: Unit::Seconds,
                bound_by: None,
            });
        }
        if let Some(idle) = c.idle_timeout.filter(|idle| idle.as_secs() == 0) {
            return Err(ConfigError::OutOfRange {
                setting: Setting::IdleTimeout,
                value: idle.as_secs(),
                min: 1,
                max: None,
                unit: Unit::Seconds,
                bound_by: None,
            });
        }
        if c.max_decoded_size < c.max_size {
            return Err(out_of_range(
                Setting::MaxDecodedSize,
                c.max_decoded_size,
                c.max_size,
                None,
                Unit::Bytes,
                Some(Setting::MaxSize),
            ));
        }
        Ok(c)
    }
}

/// The smallest budget accepted.
const MIN_MAX_SIZE: usize = 512;

/// The longest lifetime accepted: 400 days, the ceiling browsers apply to a cookie's.
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);

/// RFC 9110 token characters, the only ones allowed in a cookie name.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn check_attribute(setting: Setting, value: &str) -> Result<(), ConfigError> {
    if !value.is_ascii() {
        // Browsers compare Path and Domain byte for byte with the ASCII forms of URLs: a
        // cookie with either in UTF-8 is stored but never sent back.
        return Err(ConfigError::NonAscii(setting));
    }
    let bad = value.len() > 1024 || value.bytes().any(|b| b == b';' || b.is_ascii_control());
    if bad || value.is_empty() {
        return Err(ConfigError::InvalidAttribute(setting));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_MAX_SIZE;

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
            ConfigError::NonAscii(Setting::Path)
        );
        assert_eq!(
            b().domain("bücher.example").build().unwrap_err(),
            ConfigError::NonAscii(Setting::Domain)
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
