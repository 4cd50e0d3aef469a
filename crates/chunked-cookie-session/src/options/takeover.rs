//! The options of the engines whose sessions an engine takes over: a Flask application's,
//! Starlette's `SessionMiddleware`'s and Django's `signed_cookies` backend's, derived from
//! the options of the engine that replaces them.

#[cfg(any(feature = "starlette", feature = "django"))]
use std::time::Duration;

use super::engine_options::{EngineOptions, FLASK_NAME};
use crate::config::BROWSER_NAME_VALUE_LIMIT;
#[cfg(any(feature = "starlette", feature = "django"))]
use crate::config::ConfigError;
use crate::flask::{FlaskLayout, MAX_CHUNKS as RECIPE_CHUNKS};
#[cfg(any(feature = "starlette", feature = "django"))]
use crate::setting::Setting;
use crate::wire_format::WireFormat;

impl EngineOptions {
    /// Options that read the sessions a Flask application wrote before this engine took
    /// over: Flask's format in `layout`, under the cookie `name`, with these options' Flask
    /// secrets, salt, lifetime and cookie attributes. They read up to what the recipe's ten
    /// cookies hold, whatever this engine's own budget (a partitioned cookie keeps its
    /// own). `None` when there is no `secret_key` to verify them with, or when they would
    /// be this engine's own cookies. Push the result onto [`migrations`](Self::migrations).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::FlaskLayout;
    /// use chunked_cookie_session::{EngineOptions, WireFormat};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Flask);
    /// options.secret_key = Some(b"the app's SECRET_KEY".to_vec().into());
    /// assert!(options.flask_takeover(FlaskLayout::Stock, "session").is_none()); // its own
    /// let recipe = options.flask_takeover(FlaskLayout::Chunked, "session").unwrap();
    /// assert_eq!(recipe.max_size, 40 * 1024);
    /// options.migrations.push(recipe);
    /// assert!(options.build().is_ok());
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn flask_takeover(&self, layout: FlaskLayout, name: &str) -> Option<EngineOptions> {
        let own_name = self.name.as_deref().unwrap_or(FLASK_NAME);
        let own = self.format.is_flask() && self.layout == layout && own_name == name;
        let secret = self.secret_key.as_ref().filter(|secret| !secret.is_empty());
        if own || secret.is_none() {
            return None;
        }
        let recipe_budget = RECIPE_CHUNKS * BROWSER_NAME_VALUE_LIMIT;
        Some(EngineOptions {
            format: WireFormat::Flask,
            key: None,
            old_keys: Vec::new(),
            layout,
            name: Some(name.to_owned()),
            max_size: if self.partitioned {
                self.max_size
            } else {
                self.max_size.max(recipe_budget)
            },
            max_chunks: None,
            idle_timeout: None,
            refresh_after: None,
            migrations: Vec::new(),
            revocation: None,
            ..self.clone()
        })
    }

    /// Options that read the sessions Starlette's `SessionMiddleware` wrote before this
    /// engine took over: its cookie `name`, signed with these options' `secret_key` (the
    /// middleware's `secret_key`, as `str()` makes it, in UTF-8) and living their
    /// `lifetime` (the middleware's `max_age`; 14 days when `None`, its default), under
    /// these options' cookie attributes. `None` without a `secret_key`. Push the result
    /// onto [`migrations`](Self::migrations); the engine never writes that format.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, WireFormat};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Signed);
    /// options.key = Some(chunked_cookie_session::generate_secret().into());
    /// assert!(options.starlette_takeover("session").is_none()); // no secret to verify with
    /// options.secret_key = Some(b"the secret_key SessionMiddleware had".to_vec().into());
    /// let previous = options.starlette_takeover("session").unwrap();
    /// assert_eq!(previous.format, WireFormat::Starlette);
    /// assert!(previous.build().is_err()); // a format to read, never to write
    /// options.migrations.push(previous);
    /// assert!(options.build().is_ok());
    /// ```
    #[cfg(feature = "starlette")]
    #[cfg_attr(docsrs, doc(cfg(feature = "starlette")))]
    pub fn starlette_takeover(&self, name: &str) -> Option<EngineOptions> {
        self.previous(WireFormat::Starlette, name)
    }

    /// Options that read the sessions of Django's `signed_cookies` backend written before
    /// this engine took over: its cookie `name`, signed with these options' `secret_key`
    /// (Django's `SECRET_KEY`) or one of their `fallback_secrets` (`SECRET_KEY_FALLBACKS`),
    /// living their `lifetime` (`SESSION_COOKIE_AGE`; 14 days when `None`, Django's
    /// default), under these options' cookie attributes. `None` without a `secret_key`.
    /// Push the result onto [`migrations`](Self::migrations); the engine never writes that
    /// format.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{EngineOptions, WireFormat};
    ///
    /// let mut options = EngineOptions::new(WireFormat::Private);
    /// options.key = Some(chunked_cookie_session::generate_secret().into());
    /// options.name = Some("sessionid".to_owned());
    /// options.secret_key = Some(b"django-insecure-...".to_vec().into());
    /// let previous = options.django_takeover("sessionid").unwrap();
    /// options.migrations.push(previous);
    /// assert!(options.build().is_ok());
    /// ```
    #[cfg(feature = "django")]
    #[cfg_attr(docsrs, doc(cfg(feature = "django")))]
    pub fn django_takeover(&self, name: &str) -> Option<EngineOptions> {
        self.previous(WireFormat::Django, name)
    }

    /// A previous-only format's options: the cookie `name` with these options' secrets,
    /// lifetime and attributes, room for one full cookie whatever this engine's budget.
    #[cfg(any(feature = "starlette", feature = "django"))]
    fn previous(&self, format: WireFormat, name: &str) -> Option<EngineOptions> {
        self.secret_key
            .as_ref()
            .filter(|secret| !secret.is_empty())?;
        Some(EngineOptions {
            format,
            key: None,
            old_keys: Vec::new(),
            name: Some(name.to_owned()),
            max_size: self.max_size.max(BROWSER_NAME_VALUE_LIMIT),
            max_chunks: None,
            idle_timeout: None,
            refresh_after: None,
            migrations: Vec::new(),
            ..self.clone()
        })
    }

    /// The secret a previous format is verified with.
    #[cfg(any(feature = "starlette", feature = "django"))]
    pub(super) fn previous_secret(&self) -> Result<&[u8], ConfigError> {
        self.secret_key
            .as_ref()
            .filter(|secret| !secret.is_empty())
            .map(|secret| secret.as_slice())
            .ok_or(ConfigError::Missing(Setting::SecretKey))
    }

    /// The lifetime of a previous format's sessions: Starlette's and Django's default is
    /// 14 days.
    #[cfg(any(feature = "starlette", feature = "django"))]
    pub(super) fn previous_lifetime(&self) -> Duration {
        self.lifetime.unwrap_or(Duration::from_secs(14 * 24 * 3600))
    }
}
