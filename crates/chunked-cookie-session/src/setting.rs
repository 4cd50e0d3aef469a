//! The names of the settings, so an error can say which one is at fault and each front end
//! can spell it its own way.

use std::fmt;

/// One setting of an engine: what an error names when a value is refused or a limit is hit.
///
/// The library never spells a setting for its caller. An error carries `Setting`s, and
/// [`ConfigError::message`](crate::ConfigError::message) and
/// [`SaveError::message`](crate::SaveError::message) take the caller's spelling of each: a
/// command-line tool says `--max-size`, a Flask extension `CHUNKED_SESSION_MAX_SIZE`, a
/// Rust program the builder method `max_size`. [`Setting::code`] is the stable name, the
/// one [`Display`](fmt::Display) uses.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{SessionConfig, Setting};
///
/// let err = SessionConfig::builder().max_size(100).build().unwrap_err();
/// assert_eq!(err.settings()[0], Setting::MaxSize);
/// let flask = err.message(|setting| match setting {
///     Setting::MaxSize => "CHUNKED_SESSION_MAX_SIZE".to_owned(),
///     other => other.code().to_owned(),
/// });
/// assert!(flask.starts_with("CHUNKED_SESSION_MAX_SIZE is 100 bytes"));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The wire format: signed, private or Flask's.
    Format,
    /// The current key of the native formats.
    Key,
    /// The older keys the native formats still read.
    OldKeys,
    /// A Flask application's `SECRET_KEY`.
    SecretKey,
    /// A Flask application's `SECRET_KEY_FALLBACKS`.
    FallbackSecrets,
    /// The salt of Flask's signature.
    Salt,
    /// The Flask cookie layout: stock (one cookie) or chunked (the recipe's).
    Layout,
    /// The name of the first cookie.
    Name,
    /// The `Path` attribute.
    Path,
    /// The `Domain` attribute.
    Domain,
    /// The `Secure` attribute.
    Secure,
    /// The `HttpOnly` attribute.
    HttpOnly,
    /// The `SameSite` attribute.
    SameSite,
    /// The `Partitioned` attribute.
    Partitioned,
    /// The budget for all session cookies, in bytes of the `Cookie` header.
    MaxSize,
    /// The most cookies a session may take.
    MaxChunks,
    /// The largest decompressed session a reader accepts.
    MaxDecodedSize,
    /// The absolute lifetime of a session (Flask's `PERMANENT_SESSION_LIFETIME`).
    Lifetime,
    /// The idle timeout.
    IdleTimeout,
    /// How old a read session may grow before it is written again.
    RefreshAfter,
    /// How far in the future a signed timestamp may lie.
    ClockSkew,
    /// The revocation store the engine checks sessions against.
    Revocation,
}

impl Setting {
    /// Every setting, in declaration order.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Setting;
    /// assert!(Setting::all().contains(&Setting::MaxSize));
    /// ```
    pub const fn all() -> &'static [Setting] {
        &[
            Setting::Format,
            Setting::Key,
            Setting::OldKeys,
            Setting::SecretKey,
            Setting::FallbackSecrets,
            Setting::Salt,
            Setting::Layout,
            Setting::Name,
            Setting::Path,
            Setting::Domain,
            Setting::Secure,
            Setting::HttpOnly,
            Setting::SameSite,
            Setting::Partitioned,
            Setting::MaxSize,
            Setting::MaxChunks,
            Setting::MaxDecodedSize,
            Setting::Lifetime,
            Setting::IdleTimeout,
            Setting::RefreshAfter,
            Setting::ClockSkew,
            Setting::Revocation,
        ]
    }

    /// The stable name: the field of [`EngineOptions`](crate::EngineOptions) or the method
    /// of [`SessionConfigBuilder`](crate::SessionConfigBuilder) that sets it.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Setting;
    /// assert_eq!(Setting::MaxSize.code(), "max_size");
    /// assert_eq!(Setting::SameSite.code(), "same_site");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            Setting::Format => "format",
            Setting::Key => "key",
            Setting::OldKeys => "old_keys",
            Setting::SecretKey => "secret_key",
            Setting::FallbackSecrets => "fallback_secrets",
            Setting::Salt => "salt",
            Setting::Layout => "layout",
            Setting::Name => "name",
            Setting::Path => "path",
            Setting::Domain => "domain",
            Setting::Secure => "secure",
            Setting::HttpOnly => "http_only",
            Setting::SameSite => "same_site",
            Setting::Partitioned => "partitioned",
            Setting::MaxSize => "max_size",
            Setting::MaxChunks => "max_chunks",
            Setting::MaxDecodedSize => "max_decoded_size",
            Setting::Lifetime => "lifetime",
            Setting::IdleTimeout => "idle_timeout",
            Setting::RefreshAfter => "refresh_after",
            Setting::ClockSkew => "clock_skew",
            Setting::Revocation => "revocation",
        }
    }

    /// The setting whose [`code`](Self::code) is `code`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Setting;
    /// assert_eq!(Setting::from_code("max_chunks"), Some(Setting::MaxChunks));
    /// assert_eq!(Setting::from_code("colour"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Setting> {
        Setting::all()
            .iter()
            .copied()
            .find(|setting| setting.code() == code)
    }
}

/// How a front end spells settings in messages: the name of each, and a setting given a
/// value. Any `Fn(Setting) -> String` is one, with values written after the name
/// (`--layout chunked`); implement it to write them another way.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Setting, Vocabulary};
///
/// struct Flask;
/// impl Vocabulary for Flask {
///     fn name(&self, setting: Setting) -> String {
///         format!("CHUNKED_SESSION_{}", setting.code().to_uppercase())
///     }
///     fn assign(&self, setting: Setting, value: &str) -> String {
///         format!("{} = {value:?}", self.name(setting))
///     }
/// }
/// assert_eq!(Flask.assign(Setting::Layout, "chunked"), "CHUNKED_SESSION_LAYOUT = \"chunked\"");
/// let cli = |setting: Setting| format!("--{}", setting.code());
/// assert_eq!(cli.assign(Setting::Layout, "chunked"), "--layout chunked");
/// ```
pub trait Vocabulary {
    /// The front end's name for `setting`.
    fn name(&self, setting: Setting) -> String;

    /// The front end's way to say "`setting` set to `value`".
    fn assign(&self, setting: Setting, value: &str) -> String {
        format!("{} {value}", self.name(setting))
    }
}

impl<F: Fn(Setting) -> String> Vocabulary for F {
    fn name(&self, setting: Setting) -> String {
        self(setting)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        for setting in Setting::all() {
            assert_eq!(Setting::from_code(setting.code()), Some(*setting));
        }
        let mut codes: Vec<_> = Setting::all().iter().map(|s| s.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Setting::all().len());
    }
}
