//! `Set-Cookie` lines, formatted by the `cookie` crate from the configuration.

use cookie::Cookie;

use crate::config::SessionConfig;

/// Formats the `Set-Cookie` values of one response: every chunk and every deletion carries
/// the same Path, Domain, Secure, HttpOnly, SameSite and Partitioned, so the browser
/// matches deletions to the cookies they are meant to remove.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookieWriter<'a> {
    config: &'a SessionConfig,
    /// `Max-Age` in seconds for persistent cookies; `None` for browser-session cookies.
    max_age: Option<u64>,
    /// `Expires` as Unix seconds, for formats that state the deadline as a date (Flask).
    expires: Option<u64>,
}

impl<'a> CookieWriter<'a> {
    pub(crate) fn new(config: &'a SessionConfig, max_age: Option<u64>) -> CookieWriter<'a> {
        CookieWriter {
            config,
            max_age,
            expires: None,
        }
    }

    /// The same writer, stating `expires` (Unix seconds) as an `Expires` date on sets.
    pub(crate) fn with_expires(self, expires: Option<u64>) -> CookieWriter<'a> {
        CookieWriter { expires, ..self }
    }

    fn build<'c>(&self, name: &'c str, value: &'c str, max_age: Option<u64>) -> Cookie<'c> {
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
        if let Some(seconds) = max_age {
            let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
            cookie.set_max_age(time::Duration::seconds(seconds));
        }
        cookie
    }

    /// The `Set-Cookie` value that stores `value` under `name`.
    pub(crate) fn set(&self, name: &str, value: &str) -> String {
        let mut cookie = self.build(name, value, self.max_age);
        let expires = self
            .expires
            .and_then(|at| i64::try_from(at).ok())
            .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok());
        if let Some(at) = expires {
            cookie.set_expires(at);
        }
        cookie.to_string()
    }

    /// The `Set-Cookie` value that deletes `name`: an empty value and `Max-Age=0` (never an
    /// Expires date in 1970, which some hosts drop, and never a positive Max-Age).
    pub(crate) fn remove(&self, name: &str) -> String {
        self.build(name, "", Some(0)).to_string()
    }

    /// How many bytes a `Set-Cookie` value takes beyond `name=value`.
    pub(crate) fn attributes_len(&self) -> usize {
        self.set("n", "").len() - "n=".len()
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
        let writer = CookieWriter::new(&config, Some(3600));
        let set = writer.set("session", "abc");
        let removal = writer.remove("session_1");
        for attr in [
            "Domain=example.com",
            "Path=/app",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Partitioned",
        ] {
            assert!(set.contains(attr), "{set}");
            assert!(removal.contains(attr), "{removal}");
        }
        assert!(set.starts_with("session=abc;") && set.contains("Max-Age=3600"));
        assert!(removal.starts_with("session_1=;") && removal.contains("Max-Age=0"));
        assert!(!removal.contains("Expires"));
        assert_eq!(writer.attributes_len(), set.len() - "session=abc".len());
    }
}
