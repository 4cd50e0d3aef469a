//! The names of the wire formats an engine speaks, as front ends spell them.

use std::fmt;
use std::str::FromStr;

use crate::config::ConfigError;
use crate::setting::Setting;

/// The wire formats an engine speaks.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::WireFormat;
/// assert_eq!("signed".parse::<WireFormat>()?, WireFormat::Signed);
/// assert_eq!(WireFormat::Signed.as_str(), "signed");
/// assert!("json".parse::<WireFormat>().is_err());
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WireFormat {
    /// The native format, signed with HMAC-SHA256: readable by the client, not alterable.
    #[default]
    Signed,
    /// The native format, encrypted with XChaCha20-Poly1305 (feature `private`).
    #[cfg(feature = "private")]
    Private,
    /// A Flask application's own session cookie (feature `flask`).
    #[cfg(feature = "flask")]
    Flask,
    /// The cookie of Starlette's `SessionMiddleware` (feature `starlette`): read, to take
    /// its sessions over, never written. Only a migration's previous format (see
    /// [`EngineOptions::starlette_takeover`](crate::EngineOptions::starlette_takeover)).
    #[cfg(feature = "starlette")]
    Starlette,
    /// The cookie of Django's `signed_cookies` session backend (feature `django`): read, to
    /// take its sessions over, never written. Only a migration's previous format (see
    /// [`EngineOptions::django_takeover`](crate::EngineOptions::django_takeover)).
    #[cfg(feature = "django")]
    Django,
}

impl WireFormat {
    /// The names of the formats this build writes (and parses from text).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::WireFormat;
    ///
    /// assert_eq!(WireFormat::NAMES[0], "signed");
    /// for name in WireFormat::NAMES {
    ///     assert_eq!(name.parse::<WireFormat>()?.as_str(), *name);
    /// }
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub const NAMES: &'static [&'static str] = &[
        "signed",
        #[cfg(feature = "private")]
        "private",
        #[cfg(feature = "flask")]
        "flask",
    ];

    /// The format's name: `signed`, `private`, `flask`, `starlette` or `django`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::WireFormat;
    /// assert_eq!(WireFormat::Signed.as_str(), "signed");
    /// assert_eq!(WireFormat::default().to_string(), WireFormat::Signed.as_str());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            WireFormat::Signed => "signed",
            #[cfg(feature = "private")]
            WireFormat::Private => "private",
            #[cfg(feature = "flask")]
            WireFormat::Flask => "flask",
            #[cfg(feature = "starlette")]
            WireFormat::Starlette => "starlette",
            #[cfg(feature = "django")]
            WireFormat::Django => "django",
        }
    }

    /// True for the formats that are only read, to take sessions over from another
    /// framework: an engine writes in none of them.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::WireFormat;
    /// assert!(!WireFormat::Signed.is_previous_only());
    /// ```
    pub fn is_previous_only(self) -> bool {
        match self {
            #[cfg(feature = "starlette")]
            WireFormat::Starlette => true,
            #[cfg(feature = "django")]
            WireFormat::Django => true,
            _ => false,
        }
    }

    /// True for the formats that hide the session from the client.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::WireFormat;
    /// assert!(!WireFormat::Signed.is_encrypted());
    /// ```
    pub fn is_encrypted(self) -> bool {
        #[cfg(feature = "private")]
        if self == WireFormat::Private {
            return true;
        }
        false
    }

    pub(crate) fn is_flask(self) -> bool {
        #[cfg(feature = "flask")]
        if self == WireFormat::Flask {
            return true;
        }
        false
    }
}

impl fmt::Display for WireFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WireFormat {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<WireFormat, ConfigError> {
        match text {
            "signed" => Ok(WireFormat::Signed),
            #[cfg(feature = "private")]
            "private" => Ok(WireFormat::Private),
            #[cfg(feature = "flask")]
            "flask" => Ok(WireFormat::Flask),
            _ => Err(ConfigError::UnknownValue {
                setting: Setting::Format,
                value: text.to_owned(),
                expected: WireFormat::NAMES,
            }),
        }
    }
}
