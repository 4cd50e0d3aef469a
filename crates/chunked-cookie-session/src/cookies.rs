//! `Set-Cookie` values, formatted by the `cookie` crate from the configuration.

use std::fmt;

use cookie::Cookie;

use crate::config::SessionConfig;

/// One `Set-Cookie` header value a response carries for the session: a chunk, or the
/// deletion of one.
///
/// Read names, values and deletions from here rather than from the text of the line.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(["__Host-session=stale"]);
/// session.insert("user", "ada")?;
/// let outcome = engine.save(&session)?;
/// let cookie = &outcome.cookies[0];
/// assert_eq!((cookie.name(), cookie.index(), cookie.is_removal()), ("__Host-session", 0, false));
/// assert!(cookie.line().starts_with(cookie.pair()));
/// assert_eq!(cookie.pair(), format!("__Host-session={}", cookie.value()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    index: usize,
    removal: bool,
    name_len: usize,
    value_len: usize,
    line: String,
}

impl SetCookie {
    /// The cookie's name.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// assert_eq!(engine.save(&session)?.cookies[0].name(), "__Host-session");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.line[..self.name_len]
    }

    /// The cookie's value (empty for a deletion).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(["__Host-session=stale"]);
    /// session.purge();
    /// let deletion = &engine.save(&session)?.cookies[0];
    /// assert_eq!((deletion.name(), deletion.value()), ("__Host-session", ""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn value(&self) -> &str {
        &self.line[self.name_len + 1..self.name_len + 1 + self.value_len]
    }

    /// `name=value`, as the next request's `Cookie` header carries it.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let outcome = engine.save(&session)?;
    /// let next = engine.load([outcome.cookies[0].pair()]);
    /// assert_eq!(next.get::<String>("user")?.as_deref(), Some("ada"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pair(&self) -> &str {
        &self.line[..self.name_len + 1 + self.value_len]
    }

    /// The chunk index the cookie holds in the session's layout.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Compression, Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().compression(Compression::Off).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("notes", "x".repeat(4500))?;
    /// let outcome = engine.save(&session)?;
    /// let indexes: Vec<_> = outcome.cookies.iter().map(|cookie| cookie.index()).collect();
    /// assert_eq!(indexes, [0, 1]);
    /// assert_eq!(engine.chunk_name(1).as_deref(), Some(outcome.cookies[1].name()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// True when this line deletes the cookie (`Max-Age=0`).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(["__Host-session=old; __Host-session_1=older"]);
    /// session.purge();
    /// let outcome = engine.save(&session)?;
    /// assert_eq!(outcome.cookies.len(), 2);
    /// assert!(outcome.cookies.iter().all(|cookie| cookie.is_removal()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_removal(&self) -> bool {
        self.removal
    }

    /// The whole `Set-Cookie` header value, attributes included.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let keys = KeyRing::new(Key::generate());
    /// # let engine = SessionEngine::signed(SessionConfig::default(), keys);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let outcome = engine.save(&session)?;
    /// let line = outcome.cookies[0].line();
    /// assert!(line.starts_with(outcome.cookies[0].pair()));
    /// for attribute in ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"] {
    ///     assert!(line.contains(attribute));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn line(&self) -> &str {
        &self.line
    }
}

impl fmt::Debug for SetCookie {
    // A chunk's value is session content: only its size reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name())
            .field("index", &self.index)
            .field("removal", &self.removal)
            .field("value_bytes", &self.value_len)
            .field("line_bytes", &self.line.len())
            .finish()
    }
}

/// How the cookies of a write say when they end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Persistence {
    /// No deadline: the cookie ends with the browser session.
    BrowserSession,
    /// `Max-Age`, in seconds.
    MaxAge(u64),
    /// `Expires`, as Unix seconds.
    Expires(u64),
    /// Both: `Max-Age` in seconds, and the same deadline as an `Expires` date (Unix
    /// seconds) for clients that read only `Expires`.
    MaxAgeAndExpires(u64, u64),
}

/// Formats the `Set-Cookie` values of one response: every chunk and every deletion carries
/// the same Path, Domain, Secure, HttpOnly, SameSite and Partitioned, so the browser
/// matches deletions to the cookies they are meant to remove.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookieWriter<'a> {
    config: &'a SessionConfig,
    persistence: Persistence,
}

impl<'a> CookieWriter<'a> {
    pub(crate) fn new(config: &'a SessionConfig, persistence: Persistence) -> CookieWriter<'a> {
        CookieWriter {
            config,
            persistence,
        }
    }

    fn build<'c>(&self, name: &'c str, value: &'c str, persistence: Persistence) -> Cookie<'c> {
        let c = self.config;
        let mut cookie = Cookie::build((name, value))
            .path(c.path.clone())
            .secure(c.secure)
            .http_only(c.http_only)
            .partitioned(c.partitioned)
            .build();
        if let Some(domain) = &c.domain {
            cookie.set_domain(domain.clone());
        }
        if let Some(same_site) = c.same_site {
            cookie.set_same_site(same_site);
        }
        let (max_age, expires) = match persistence {
            Persistence::BrowserSession => (None, None),
            Persistence::MaxAge(seconds) => (Some(seconds), None),
            Persistence::Expires(at) => (None, Some(at)),
            Persistence::MaxAgeAndExpires(seconds, at) => (Some(seconds), Some(at)),
        };
        if let Some(seconds) = max_age {
            let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
            cookie.set_max_age(time::Duration::seconds(seconds));
        }
        let expires = expires
            .and_then(|at| i64::try_from(at).ok())
            .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok());
        if let Some(at) = expires {
            cookie.set_expires(at);
        }
        cookie
    }

    fn line(&self, name: &str, index: usize, value: &str, removal: bool) -> SetCookie {
        let persistence = if removal {
            Persistence::MaxAge(0)
        } else {
            self.persistence
        };
        let line = self.build(name, value, persistence).to_string();
        debug_assert!(line.starts_with(name) && line[name.len()..].starts_with('='));
        SetCookie {
            index,
            removal,
            name_len: name.len(),
            value_len: value.len(),
            line,
        }
    }

    /// The `Set-Cookie` value that stores `value` as chunk `index`, named `name`.
    pub(crate) fn set(&self, name: &str, index: usize, value: &str) -> SetCookie {
        self.line(name, index, value, false)
    }

    /// The `Set-Cookie` value that deletes chunk `index`, named `name`: an empty value and
    /// `Max-Age=0` (never an Expires date in 1970, which some hosts drop, and never a
    /// positive Max-Age).
    pub(crate) fn remove(&self, name: &str, index: usize) -> SetCookie {
        self.line(name, index, "", true)
    }

    /// How many bytes a `Set-Cookie` value takes beyond `name=value`.
    pub(crate) fn attributes_len(&self) -> usize {
        self.build("n", "", self.persistence).to_string().len() - "n=".len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SameSite;

    #[test]
    fn mirrors_attributes_in_sets_and_removals() {
        let config = SessionConfig::builder()
            .domain("example.com")
            .path("/app")
            .same_site(Some(SameSite::Strict))
            .partitioned(true)
            .build()
            .unwrap();
        let writer = CookieWriter::new(&config, Persistence::MaxAge(3600));
        let set = writer.set("session", 0, "abc");
        let removal = writer.remove("session_1", 1);
        for attr in [
            "Domain=example.com",
            "Path=/app",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Partitioned",
        ] {
            assert!(set.line().contains(attr), "{}", set.line());
            assert!(removal.line().contains(attr), "{}", removal.line());
        }
        assert!(set.line().starts_with("session=abc;") && set.line().contains("Max-Age=3600"));
        assert_eq!(
            (set.name(), set.value(), set.pair()),
            ("session", "abc", "session=abc")
        );
        assert!(!set.is_removal() && removal.is_removal());
        assert_eq!(
            (removal.name(), removal.value(), removal.index()),
            ("session_1", "", 1)
        );
        assert!(removal.line().contains("Max-Age=0") && !removal.line().contains("Expires"));
        assert_eq!(
            writer.attributes_len(),
            set.line().len() - "session=abc".len()
        );
        assert!(!format!("{set:?}").contains("abc"));
    }

    #[test]
    fn states_expires_as_a_date() {
        let config = SessionConfig::default();
        let writer = CookieWriter::new(&config, Persistence::Expires(1_700_000_000));
        let set = writer.set("session", 0, "v");
        assert!(
            set.line().contains("Expires=Tue, 14 Nov 2023 22:13:20 GMT"),
            "{}",
            set.line()
        );
        assert_eq!(
            writer.attributes_len(),
            set.line().len() - "session=v".len()
        );
        let both = CookieWriter::new(&config, Persistence::MaxAgeAndExpires(60, 1_700_000_000));
        let set = both.set("session", 0, "v");
        assert!(set.line().contains("Max-Age=60"), "{}", set.line());
        assert!(set.line().contains("Expires=Tue, 14 Nov 2023 22:13:20 GMT"));
        assert_eq!(both.attributes_len(), set.line().len() - "session=v".len());
        let browser = CookieWriter::new(&config, Persistence::BrowserSession).set("s", 0, "v");
        assert!(!browser.line().contains("Max-Age") && !browser.line().contains("Expires"));
    }
}
