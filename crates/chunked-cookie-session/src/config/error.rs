//! Why a configuration was refused, naming the settings at fault.

use std::fmt;

use super::limits::{BROWSER_NAME_VALUE_LIMIT, PARTITIONED_LIMIT};
use crate::keys::KeyError;
use crate::setting::Setting;

/// Why a configuration was refused.
///
/// Every error names the settings it is about ([`settings`](Self::settings)), and
/// [`message`](Self::message) words it with the caller's spelling of them, so a front end
/// never matches variants to say which of its options is wrong.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{ConfigError, SameSite, SessionConfig, Setting};
///
/// let err = SessionConfig::builder()
///     .secure(false)
///     .same_site(Some(SameSite::None))
///     .build()
///     .unwrap_err();
/// assert_eq!(err, ConfigError::SameSiteNoneWithoutSecure);
/// assert_eq!(err.code(), "same-site-none-without-secure");
/// assert_eq!(err.settings(), [Setting::SameSite, Setting::Secure]);
/// let flask = err.message(|setting| format!("SESSION_COOKIE_{}", setting.code().to_uppercase()));
/// assert!(flask.contains("SESSION_COOKIE_SAME_SITE") && flask.contains("SESSION_COOKIE_SECURE"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The cookie name is empty or holds a character that is not an HTTP token character.
    InvalidName(String),
    /// A `__Host-` cookie must be `Secure`, have `Path=/` and no `Domain`.
    HostPrefix,
    /// A `__Secure-` cookie must be `Secure`.
    SecurePrefix,
    /// `Partitioned` requires `Secure`.
    PartitionedWithoutSecure,
    /// `SameSite=None` requires `Secure`.
    SameSiteNoneWithoutSecure,
    /// `Path` or `Domain` is invalid (empty, over 1024 bytes, or holds `;` or a control
    /// character).
    InvalidAttribute(Setting),
    /// `Path` or `Domain` holds characters outside ASCII. Browsers match both against the
    /// ASCII form of the URL, so such a cookie is never sent back.
    NonAscii(Setting),
    /// A size, count or duration is out of its range.
    OutOfRange {
        /// The setting.
        setting: Setting,
        /// The value given, in `unit`s.
        value: u64,
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted, if there is one.
        max: Option<u64>,
        /// What the numbers count.
        unit: Unit,
        /// The other setting the range depends on, when it does.
        bound_by: Option<Setting>,
    },
    /// A value the format needs was not given (a key, a secret).
    Missing(Setting),
    /// A key or secret that cannot be used: `index` is its place in a list (`old_keys`).
    InvalidKey {
        /// The setting holding it.
        setting: Setting,
        /// Its place in the list, for a list.
        index: Option<usize>,
        /// What is wrong with it.
        source: KeyError,
    },
    /// A value that is not one of the names a setting takes (a format, a layout, a
    /// `SameSite` value), or a format this build was compiled without.
    UnknownValue {
        /// The setting.
        setting: Setting,
        /// The value given.
        value: String,
        /// The values this build accepts.
        expected: &'static [&'static str],
    },
}

/// What the numbers of [`ConfigError::OutOfRange`] count.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{ConfigError, SessionConfig, Unit};
///
/// let err = SessionConfig::builder().max_chunks(100).build().unwrap_err();
/// assert!(matches!(err, ConfigError::OutOfRange { unit: Unit::Chunks, max: Some(64), .. }));
/// assert!(err.to_string().contains("64 cookies"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes.
    Bytes,
    /// Cookies.
    Chunks,
    /// Seconds.
    Seconds,
}

impl Unit {
    fn word(self, n: u64) -> &'static str {
        match (self, n) {
            (Unit::Bytes, 1) => "byte",
            (Unit::Bytes, _) => "bytes",
            (Unit::Chunks, 1) => "cookie",
            (Unit::Chunks, _) => "cookies",
            (Unit::Seconds, 1) => "second",
            (Unit::Seconds, _) => "seconds",
        }
    }
}

impl ConfigError {
    /// A stable name for the kind of error, for logs and front ends.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SessionConfig;
    /// let err = SessionConfig::builder().max_chunks(0).build().unwrap_err();
    /// assert_eq!(err.code(), "out-of-range");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::InvalidName(_) => "invalid-name",
            ConfigError::HostPrefix => "host-prefix",
            ConfigError::SecurePrefix => "secure-prefix",
            ConfigError::PartitionedWithoutSecure => "partitioned-without-secure",
            ConfigError::SameSiteNoneWithoutSecure => "same-site-none-without-secure",
            ConfigError::InvalidAttribute(_) => "invalid-attribute",
            ConfigError::NonAscii(_) => "non-ascii",
            ConfigError::OutOfRange { .. } => "out-of-range",
            ConfigError::Missing(_) => "missing",
            ConfigError::InvalidKey { .. } => "invalid-key",
            ConfigError::UnknownValue { .. } => "unknown-value",
        }
    }

    /// The settings the error is about, the one at fault first.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SessionConfig, Setting};
    /// let err = SessionConfig::builder().name("__Host-s").path("/app").build().unwrap_err();
    /// assert_eq!(err.settings()[0], Setting::Name);
    /// ```
    pub fn settings(&self) -> Vec<Setting> {
        match self {
            ConfigError::InvalidName(_) => vec![Setting::Name],
            ConfigError::HostPrefix => vec![
                Setting::Name,
                Setting::Secure,
                Setting::Path,
                Setting::Domain,
            ],
            ConfigError::SecurePrefix => vec![Setting::Name, Setting::Secure],
            ConfigError::PartitionedWithoutSecure => vec![Setting::Partitioned, Setting::Secure],
            ConfigError::SameSiteNoneWithoutSecure => vec![Setting::SameSite, Setting::Secure],
            ConfigError::InvalidAttribute(setting)
            | ConfigError::NonAscii(setting)
            | ConfigError::Missing(setting)
            | ConfigError::InvalidKey { setting, .. }
            | ConfigError::UnknownValue { setting, .. } => vec![*setting],
            ConfigError::OutOfRange {
                setting, bound_by, ..
            } => std::iter::once(*setting).chain(*bound_by).collect(),
        }
    }

    /// The error in words, each setting spelled by `spell`: the caller's own name for it
    /// (a command-line flag, a framework setting, a builder method). [`Display`] spells
    /// them by [`Setting::code`].
    ///
    /// [`Display`]: std::fmt::Display
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SessionConfig, Setting};
    /// let err = SessionConfig::builder().max_size(100).build().unwrap_err();
    /// let cli = err.message(|setting| format!("--{}", setting.code().replace('_', "-")));
    /// assert_eq!(
    ///     cli,
    ///     "--max-size is 100 bytes: it must be between 512 and 65568 bytes with --max-chunks at 16"
    /// );
    /// ```
    pub fn message(&self, spell: impl Fn(Setting) -> String) -> String {
        let s = &spell;
        match self {
            ConfigError::InvalidName(name) => format!(
                "{} {name:?} is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~ only)",
                s(Setting::Name)
            ),
            ConfigError::HostPrefix => format!(
                "a `__Host-` cookie ({}) needs {}, {} `/` and no {}; browsers refuse it otherwise",
                s(Setting::Name),
                s(Setting::Secure),
                s(Setting::Path),
                s(Setting::Domain)
            ),
            ConfigError::SecurePrefix => format!(
                "a `__Secure-` cookie ({}) needs {}; browsers refuse it otherwise",
                s(Setting::Name),
                s(Setting::Secure)
            ),
            ConfigError::PartitionedWithoutSecure => format!(
                "{} needs {}; browsers refuse a Partitioned cookie without it",
                s(Setting::Partitioned),
                s(Setting::Secure)
            ),
            ConfigError::SameSiteNoneWithoutSecure => format!(
                "{} None needs {}; browsers refuse a SameSite=None cookie without it",
                s(Setting::SameSite),
                s(Setting::Secure)
            ),
            ConfigError::InvalidAttribute(setting) => format!(
                "{} is invalid: it must be 1 to 1024 bytes, with no ';' and no control characters",
                s(*setting)
            ),
            ConfigError::NonAscii(setting) => format!(
                "{} must be ASCII, as browsers match it against the ASCII form of the URL: \
                 percent-encode a path, and write an internationalized domain in punycode \
                 (`xn--…`, e.g. with the `idna` crate)",
                s(*setting)
            ),
            ConfigError::OutOfRange {
                setting,
                value,
                min,
                max,
                unit,
                bound_by,
            } => {
                let mut text = format!(
                    "{} is {value} {}: it must be ",
                    s(*setting),
                    unit.word(*value)
                );
                match max {
                    Some(max) => text += &format!("between {min} and {max} {}", unit.word(*max)),
                    None => text += &format!("at least {min} {}", unit.word(*min)),
                }
                match bound_by {
                    Some(Setting::MaxChunks) => {
                        let chunks =
                            max.map_or(0, |max| max / (BROWSER_NAME_VALUE_LIMIT as u64 + 2));
                        text += &format!(" with {} at {chunks}", s(Setting::MaxChunks));
                    }
                    Some(Setting::Partitioned) => {
                        text += &format!(
                            " for a {} cookie (Chromium keeps at most {PARTITIONED_LIMIT} bytes of \
                             cookies per partition)",
                            s(Setting::Partitioned)
                        );
                    }
                    Some(Setting::Revocation) => {
                        text += &format!(
                            ", as long as the store given as {} keeps revocations (build it with \
                             this lifetime)",
                            s(Setting::Revocation)
                        );
                    }
                    Some(other) => text += &format!(" (as {} is)", s(*other)),
                    None => {}
                }
                text
            }
            ConfigError::Missing(setting) => format!("{} is not set", s(*setting)),
            ConfigError::InvalidKey {
                setting,
                index,
                source,
            } => match index {
                Some(index) => format!("{}[{index}]: {source}", s(*setting)),
                None => format!("{}: {source}", s(*setting)),
            },
            ConfigError::UnknownValue {
                setting,
                value,
                expected,
            } => format!(
                "{} is {value:?}: it must be one of {}",
                s(*setting),
                expected
                    .iter()
                    .map(|name| format!("{name:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(|setting| setting.code().to_owned()))
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::InvalidKey { source, .. } => Some(source),
            _ => None,
        }
    }
}
