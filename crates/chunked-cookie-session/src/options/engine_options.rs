//! `EngineOptions`: the value, its defaults per format, and the engine it builds.

#[cfg(feature = "flask")]
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "flask")]
use zeroize::Zeroizing;

use super::key_material::KeyMaterial;
#[cfg(any(feature = "starlette", feature = "django"))]
use crate::codec::Format;
use crate::config::{
    Compression, ConfigError, DEFAULT_MAX_SIZE, MAX_CHUNKS_CEILING, OverflowPolicy, SameSite,
    SessionConfig, SessionConfigBuilder,
};
use crate::engine::SessionEngine;
#[cfg(feature = "flask")]
use crate::flask::{FlaskLayout, FlaskSettings};
use crate::keys::KeyRing;
use crate::revocation::Revocation;
use crate::setting::Setting;
use crate::wire_format::WireFormat;

#[cfg(feature = "flask")]
impl FromStr for FlaskLayout {
    type Err = ConfigError;

    /// `stock` or `chunked`.
    fn from_str(text: &str) -> Result<FlaskLayout, ConfigError> {
        match text {
            "stock" => Ok(FlaskLayout::Stock),
            "chunked" => Ok(FlaskLayout::Chunked),
            _ => Err(ConfigError::UnknownValue {
                setting: Setting::Layout,
                value: text.to_owned(),
                expected: &["stock", "chunked"],
            }),
        }
    }
}

/// Everything an engine depends on, as one typed value: the format and its keys (or a
/// Flask application's secrets), the cookie's name and attributes, the budget, the
/// lifetimes, and the engines whose sessions it takes over.
///
/// Start from [`EngineOptions::new`] with a format, which sets that format's defaults (the
/// native formats: `Secure`, `SameSite=Lax`; Flask's: Flask's own cookie defaults), change
/// the fields the user set, and [`build`](Self::build). Every check is made there, once;
/// an error names the [`Setting`] at fault.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::{EngineOptions, LoadReason, WireFormat};
///
/// let mut options = EngineOptions::new(WireFormat::Signed);
/// options.key = Some(chunked_cookie_session::generate_secret().into());
/// options.max_size = 40 * 1024;
/// options.idle_timeout = Some(Duration::from_secs(1800));
/// let engine = options.build()?;
/// assert_eq!(engine.config().max_chunks(), 16);
///
/// let session = engine.load(std::iter::empty());
/// assert_eq!(session.load_reason(), LoadReason::NoSession);
///
/// options.key = None;
/// let err = options.build().unwrap_err();
/// assert_eq!(err.message(|_| "SESSION_KEY".to_owned()), "SESSION_KEY is not set");
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The wire format.
    pub format: WireFormat,
    /// The native formats: the current key, which seals every write.
    pub key: Option<KeyMaterial>,
    /// The native formats: older keys, still accepted for reading during a rotation.
    pub old_keys: Vec<KeyMaterial>,
    /// Flask's format: the application's `SECRET_KEY` (a text key is its UTF-8 bytes).
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub secret_key: Option<Zeroizing<Vec<u8>>>,
    /// Flask's format: `SECRET_KEY_FALLBACKS`, oldest first.
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fallback_secrets: Vec<Zeroizing<Vec<u8>>>,
    /// Flask's format: the signing salt (Flask's default `cookie-session` when `None`).
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub salt: Option<Vec<u8>>,
    /// Flask's format: one cookie (stock) or the recipe's `session:0`, `session:1`, ….
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub layout: FlaskLayout,
    /// The name of the first cookie; `None`: the format's default, `__Host-session` for the
    /// native formats where the attributes allow the prefix (`Secure`, `Path=/`, no
    /// `Domain`), `session` otherwise and for Flask's (see [`SessionConfigBuilder::name`]).
    pub name: Option<String>,
    /// The `Path` attribute.
    pub path: String,
    /// The `Domain` attribute; `None` for a host-only cookie.
    pub domain: Option<String>,
    /// The `Secure` attribute.
    pub secure: bool,
    /// The `HttpOnly` attribute.
    pub http_only: bool,
    /// The `SameSite` attribute; `None` leaves it out.
    pub same_site: Option<SameSite>,
    /// The `Partitioned` attribute (CHIPS).
    pub partitioned: bool,
    /// The budget for all session cookies, in bytes of the request's `Cookie` header.
    pub max_size: usize,
    /// The most cookies a session may take; `None`: 16, or more for a budget that 16
    /// cookies cannot hold.
    pub max_chunks: Option<usize>,
    /// The largest session JSON a reader inflates; `None`: 1 MiB.
    pub max_decoded_size: Option<usize>,
    /// The lifetime of a session: the native formats' absolute lifetime from its first
    /// write (default 14 days), or Flask's `PERMANENT_SESSION_LIFETIME` (default 31 days).
    pub lifetime: Option<Duration>,
    /// End a session no request touched for this long.
    pub idle_timeout: Option<Duration>,
    /// Write a read session again once its last write is this old (default: a quarter of
    /// the idle timeout).
    pub refresh_after: Option<Duration>,
    /// How far in the future a signed timestamp may lie; `None`: 60 seconds.
    pub clock_skew: Option<Duration>,
    /// Whether new sessions get persistent cookies.
    pub persistent: bool,
    /// Write a persistent session again on every request that reads it; `None`: the
    /// format's default (on for Flask's, as Flask's `SESSION_REFRESH_EACH_REQUEST`; off
    /// for the native formats).
    pub refresh_each_request: Option<bool>,
    /// Give persistent cookies an `Expires` date beside `Max-Age`.
    pub expires_date: bool,
    /// When to compress.
    pub compression: Compression,
    /// What to do when a session does not fit.
    pub overflow: OverflowPolicy,
    /// Write session cookies even on 5xx responses.
    pub write_on_server_error: bool,
    /// Engines whose sessions a request without one of this engine's is read from, most
    /// likely first (see [`SessionEngine::migrating_from`]).
    pub migrations: Vec<EngineOptions>,
    /// The revocation store every session is checked against (see
    /// [`SessionEngine::with_revocation`]); `None`: no revocation. Build it with
    /// [`session_lifetime`](Self::session_lifetime) as its lifetime.
    pub revocation: Option<Arc<dyn Revocation>>,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions::new(WireFormat::default())
    }
}

impl EngineOptions {
    /// Options for `format` with its defaults: for the native formats the library's secure
    /// cookie (`__Host-session`, `Path=/`, `Secure`, `HttpOnly`, `SameSite=Lax`), for
    /// Flask's Flask's own (`session`, `HttpOnly` only); a 7 KiB budget; no key yet.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, SameSite, WireFormat};
    /// let options = EngineOptions::new(WireFormat::Signed);
    /// assert!(options.secure && options.same_site == Some(SameSite::Lax));
    /// ```
    pub fn new(format: WireFormat) -> EngineOptions {
        let flask = format.is_flask();
        EngineOptions {
            format,
            key: None,
            old_keys: Vec::new(),
            #[cfg(feature = "flask")]
            secret_key: None,
            #[cfg(feature = "flask")]
            fallback_secrets: Vec::new(),
            #[cfg(feature = "flask")]
            salt: None,
            #[cfg(feature = "flask")]
            layout: FlaskLayout::Stock,
            name: None,
            path: "/".to_owned(),
            domain: None,
            secure: !flask,
            http_only: true,
            same_site: (!flask).then_some(SameSite::Lax),
            partitioned: false,
            max_size: DEFAULT_MAX_SIZE,
            max_chunks: None,
            max_decoded_size: None,
            lifetime: None,
            idle_timeout: None,
            refresh_after: None,
            clock_skew: None,
            persistent: false,
            refresh_each_request: None,
            expires_date: false,
            compression: Compression::Auto,
            overflow: OverflowPolicy::Error,
            write_on_server_error: false,
            migrations: Vec::new(),
            revocation: None,
        }
    }

    /// How long these options' sessions live: [`lifetime`](Self::lifetime), or the
    /// format's default (14 days native, Flask's 31). A revocation store must keep
    /// revocations at least this long: build it with this lifetime.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{EngineOptions, WireFormat};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Signed);
    /// options.key = Some(chunked_cookie_session::generate_secret().into());
    /// assert_eq!(options.session_lifetime().as_secs(), 14 * 86_400);
    /// let store = MemoryRevocation::builder().lifetime(options.session_lifetime()).build()?;
    /// options.revocation = Some(Arc::new(store));
    /// assert!(options.build()?.revocation().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn session_lifetime(&self) -> Duration {
        #[cfg(feature = "flask")]
        if self.format.is_flask() {
            return self.lifetime.unwrap_or(crate::flask::DEFAULT_MAX_AGE);
        }
        self.lifetime
            .unwrap_or_else(|| SessionConfig::default().lifetime())
    }

    /// `SameSite` as frameworks spell it: `Strict`, `Lax` or `None`, in any case.
    ///
    /// # Errors
    ///
    /// [`ConfigError::UnknownValue`] naming [`Setting::SameSite`].
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, SameSite};
    /// assert_eq!(EngineOptions::parse_same_site("lax")?, SameSite::Lax);
    /// assert!(EngineOptions::parse_same_site("loose").is_err());
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn parse_same_site(text: &str) -> Result<SameSite, ConfigError> {
        match text.to_ascii_lowercase().as_str() {
            "strict" => Ok(SameSite::Strict),
            "lax" => Ok(SameSite::Lax),
            "none" => Ok(SameSite::None),
            _ => Err(ConfigError::UnknownValue {
                setting: Setting::SameSite,
                value: text.to_owned(),
                expected: &["Strict", "Lax", "None"],
            }),
        }
    }

    /// Checks every setting and builds the engine, with its migrations and its revocation
    /// store.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the setting at fault: a missing or unusable key or secret,
    /// attributes a browser would refuse, a size or duration out of range, a revocation
    /// store that keeps revocations for less than the sessions live.
    ///
    /// A format that is only read ([`WireFormat::is_previous_only`]) is refused here as the
    /// format to write, naming [`Setting::Format`]; it is built as a migration's previous
    /// format.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, Setting, WireFormat, generate_secret};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Signed);
    /// options.key = Some(generate_secret().into());
    /// options.old_keys = vec![generate_secret().into()];
    /// let engine = options.build()?;
    /// assert_eq!(engine.config().name(), "__Host-session");
    ///
    /// // Every check is made here, and the error names the setting at fault.
    /// options.old_keys = vec![vec![1u8; 5].into()];
    /// assert_eq!(options.build().unwrap_err().settings(), [Setting::OldKeys]);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn build(&self) -> Result<SessionEngine, ConfigError> {
        if self.format.is_previous_only() {
            return Err(ConfigError::UnknownValue {
                setting: Setting::Format,
                value: self.format.as_str().to_owned(),
                expected: WireFormat::NAMES,
            });
        }
        self.build_any()
    }

    /// [`build`](Self::build), for a migration's previous engine too.
    fn build_any(&self) -> Result<SessionEngine, ConfigError> {
        let config = self.config()?;
        let mut engine = match self.format {
            WireFormat::Signed => SessionEngine::signed(config, self.key_ring()?),
            #[cfg(feature = "private")]
            WireFormat::Private => SessionEngine::private(config, self.key_ring()?),
            #[cfg(feature = "flask")]
            WireFormat::Flask => SessionEngine::flask(config, self.flask_settings()?),
            #[cfg(feature = "starlette")]
            WireFormat::Starlette => SessionEngine::with_format(
                config,
                Format::starlette(
                    self.previous_secret()?,
                    self.salt.as_deref(),
                    self.previous_lifetime(),
                ),
            ),
            #[cfg(feature = "django")]
            WireFormat::Django => {
                let secrets = std::iter::once(self.previous_secret()?)
                    .chain(self.fallback_secrets.iter().map(|secret| secret.as_slice()));
                SessionEngine::with_format(
                    config,
                    Format::django(secrets, self.previous_lifetime()),
                )
            }
        };
        if let Some(store) = &self.revocation {
            engine = engine.with_revocation(Arc::clone(store))?;
        }
        self.migrations.iter().try_fold(engine, |engine, previous| {
            Ok(engine.migrating_from(previous.build_any()?))
        })
    }

    /// The cookie configuration these options describe, as the engine of their format uses
    /// it (an unnamed cookie given the format's default name).
    ///
    /// # Errors
    ///
    /// As [`SessionConfigBuilder::build`].
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, WireFormat};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Signed);
    /// assert_eq!(options.config()?.name(), "__Host-session");
    /// options.secure = false;
    /// assert_eq!(options.config()?.name(), "session");
    /// options.name = Some("sid".to_owned());
    /// assert_eq!(options.config()?.name(), "sid");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn config(&self) -> Result<SessionConfig, ConfigError> {
        let mut builder = SessionConfig::builder()
            .path(self.path.clone())
            .secure(self.secure)
            .http_only(self.http_only)
            .same_site(self.same_site)
            .partitioned(self.partitioned)
            .max_size(self.max_size)
            .persistent(self.persistent)
            .expires_date(self.expires_date)
            .compression(self.compression)
            .overflow(self.overflow)
            .write_on_server_error(self.write_on_server_error);
        builder = apply(builder, self.name.clone(), SessionConfigBuilder::name);
        builder = apply(builder, self.domain.clone(), SessionConfigBuilder::domain);
        // A budget past what 16 cookies hold brings more cookies, unless their count is set:
        // 4000 bytes is a little under what one carries, so the count never limits first.
        let max_chunks = self
            .max_chunks
            .unwrap_or_else(|| (self.max_size / 4000 + 1).clamp(16, MAX_CHUNKS_CEILING));
        builder = builder.max_chunks(max_chunks);
        builder = apply(
            builder,
            self.max_decoded_size,
            SessionConfigBuilder::max_decoded_size,
        );
        builder = apply(
            builder,
            self.idle_timeout,
            SessionConfigBuilder::idle_timeout,
        );
        builder = apply(
            builder,
            self.refresh_after,
            SessionConfigBuilder::refresh_after,
        );
        builder = apply(builder, self.clock_skew, SessionConfigBuilder::clock_skew);
        builder = apply(
            builder,
            self.refresh_each_request,
            SessionConfigBuilder::refresh_each_request,
        );
        if !self.format.is_flask() {
            // Flask's lifetime is its settings' `max_age`, below.
            builder = apply(builder, self.lifetime, SessionConfigBuilder::lifetime);
            return builder.build().map(SessionConfig::with_native_name);
        }
        builder.build()
    }

    fn key_ring(&self) -> Result<KeyRing, ConfigError> {
        let invalid = |setting, index| {
            move |source| ConfigError::InvalidKey {
                setting,
                index,
                source,
            }
        };
        let current = self
            .key
            .as_ref()
            .ok_or(ConfigError::Missing(Setting::Key))?
            .key()
            .map_err(invalid(Setting::Key, None))?;
        self.old_keys
            .iter()
            .enumerate()
            .try_fold(KeyRing::new(current), |ring, (index, old)| {
                let key = old.key().map_err(invalid(Setting::OldKeys, Some(index)))?;
                Ok(ring.with_old_key(key))
            })
    }

    #[cfg(feature = "flask")]
    fn flask_settings(&self) -> Result<FlaskSettings, ConfigError> {
        let secret = self
            .secret_key
            .as_ref()
            .filter(|secret| !secret.is_empty())
            .ok_or(ConfigError::Missing(Setting::SecretKey))?;
        let mut settings = FlaskSettings::new(secret.as_slice())?.layout(self.layout);
        for fallback in &self.fallback_secrets {
            settings = settings.fallback(fallback.as_slice());
        }
        settings = apply(settings, self.salt.as_ref(), FlaskSettings::salt);
        settings = apply(settings, self.lifetime, FlaskSettings::max_age);
        Ok(apply(
            settings,
            self.refresh_each_request,
            FlaskSettings::refresh_each_request,
        ))
    }
}

/// The name of a Flask application's cookie unless `SESSION_COOKIE_NAME` says otherwise.
#[cfg(feature = "flask")]
pub(super) const FLASK_NAME: &str = "session";

/// `set(builder, value)` when there is a value.
fn apply<B, T>(builder: B, value: Option<T>, set: impl FnOnce(B, T) -> B) -> B {
    match value {
        Some(value) => set(builder, value),
        None => builder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyError;

    #[test]
    fn each_key_error_names_its_setting() {
        let mut options = EngineOptions::new(WireFormat::Signed);
        options.key = Some("not base64!".into());
        let err = options.build().unwrap_err();
        assert_eq!(err.settings(), [Setting::Key]);
        options.key = Some(vec![1u8; 32].into());
        options.old_keys = vec![vec![2u8; 32].into(), vec![3u8; 5].into()];
        let err = options.build().unwrap_err();
        assert_eq!(
            err,
            ConfigError::InvalidKey {
                setting: Setting::OldKeys,
                index: Some(1),
                source: KeyError::TooShort(5),
            }
        );
        assert!(
            err.message(|s| s.code().to_owned())
                .starts_with("old_keys[1]: ")
        );
    }

    #[test]
    fn a_large_budget_brings_more_cookies_unless_they_are_set() {
        let mut options = EngineOptions::new(WireFormat::Signed);
        options.key = Some(vec![1u8; 32].into());
        options.max_size = 100 * 1024;
        assert_eq!(options.build().unwrap().config().max_chunks(), 26);
        options.max_chunks = Some(16);
        let err = options.build().unwrap_err();
        assert_eq!(err.settings(), [Setting::MaxSize, Setting::MaxChunks]);
    }

    #[cfg(feature = "flask")]
    #[test]
    fn a_flask_takeover_reads_what_the_recipe_holds_unless_partitioned() {
        let mut options = EngineOptions::new(WireFormat::Signed);
        assert!(
            options
                .flask_takeover(FlaskLayout::Stock, "session")
                .is_none()
        );
        options.secret_key = Some(Zeroizing::new(b"dev".to_vec()));
        let stock = options
            .flask_takeover(FlaskLayout::Stock, "session")
            .unwrap();
        assert_eq!(
            (stock.format, stock.max_size),
            (WireFormat::Flask, 40 * 1024)
        );
        options.partitioned = true;
        let recipe = options.flask_takeover(FlaskLayout::Chunked, "sid").unwrap();
        assert_eq!(
            (recipe.name.as_deref(), recipe.max_size),
            (Some("sid"), DEFAULT_MAX_SIZE)
        );
    }

    #[cfg(feature = "flask")]
    #[test]
    fn flask_takes_its_lifetime_and_refresh_from_the_options() {
        let mut options = EngineOptions::new(WireFormat::Flask);
        assert_eq!(
            options.build().unwrap_err(),
            ConfigError::Missing(Setting::SecretKey)
        );
        options.secret_key = Some(Zeroizing::new(b"dev".to_vec()));
        options.lifetime = Some(Duration::from_secs(3600));
        options.layout = "chunked".parse().unwrap();
        let engine = options.build().unwrap();
        assert!(!engine.config().secure());
        assert_eq!(engine.chunk_name(1).as_deref(), Some("session:1"));
    }
}
