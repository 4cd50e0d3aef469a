//! A browser's cookie jar for one host and path, as the tests model it: a response's
//! cookies replace those of the same name, a deletion removes one, and the next request
//! carries what is left. This is the one place the tests turn a response into the next
//! request's `Cookie` header.
//!
//! Responses the engine decided arrive as structured [`SetCookie`] values; responses read
//! off the wire (a real server's headers, the CLI's output) arrive as `Set-Cookie` text and
//! are parsed by the `cookie` crate, as a client would parse them, never by splitting on
//! `;`.

use std::collections::BTreeMap;

use chunked_cookie_session::{Outcome, SetCookie};
use cookie::Cookie;
use http::HeaderMap;
use http::header::SET_COOKIE;

/// One `Set-Cookie` header value as a client reads it off the wire.
#[derive(Debug, Clone)]
pub struct WireCookie {
    cookie: Cookie<'static>,
    line: String,
}

impl WireCookie {
    /// Parses one `Set-Cookie` header value; a value a client could not parse fails the
    /// test.
    pub fn parse(line: &str) -> WireCookie {
        let cookie = Cookie::parse(line.to_owned())
            .unwrap_or_else(|err| panic!("an unparsable Set-Cookie value ({err}): {line:?}"));
        WireCookie {
            cookie,
            line: line.to_owned(),
        }
    }

    /// Every `Set-Cookie` field of a response, in order.
    pub fn from_headers(headers: &HeaderMap) -> Vec<WireCookie> {
        headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| {
                let line = value
                    .to_str()
                    .unwrap_or_else(|err| panic!("a Set-Cookie field that is not text: {err}"));
                WireCookie::parse(line)
            })
            .collect()
    }

    /// Every line of `text` that is not blank, each one `Set-Cookie` value (the CLI prints
    /// them so).
    pub fn from_text(text: &str) -> Vec<WireCookie> {
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(WireCookie::parse)
            .collect()
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        self.cookie.name()
    }

    /// The cookie's value, as sent.
    pub fn value(&self) -> &str {
        self.cookie.value()
    }

    /// True when a browser deletes the cookie on reading this line now: a `Max-Age` of zero
    /// or less, or an `Expires` date already past.
    pub fn is_removal(&self) -> bool {
        self.is_removal_at(chunked_cookie_session::unix_now())
    }

    /// True when a browser whose clock reads `now` (Unix seconds) deletes the cookie on
    /// reading this line: for tests whose server ran on a clock of their own.
    pub fn is_removal_at(&self, now: u64) -> bool {
        let aged_out = self
            .cookie
            .max_age()
            .is_some_and(|age| age <= time::Duration::ZERO);
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        let expired = self
            .cookie
            .expires_datetime()
            .is_some_and(|at| at.unix_timestamp() <= now);
        aged_out || expired
    }

    /// The parsed cookie, for its attributes.
    pub fn cookie(&self) -> &Cookie<'static> {
        &self.cookie
    }

    /// The header value as it was received.
    pub fn line(&self) -> &str {
        &self.line
    }
}

/// The cookies a browser holds for the session's host and path, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar {
    cookies: BTreeMap<String, String>,
}

impl Jar {
    /// An empty jar: a client that never visited.
    pub fn new() -> Jar {
        Jar::default()
    }

    /// Applies the cookies of one response, as the engine decided them, in order. Expiry is
    /// judged at the server's clock: a set is kept, a deletion removes (a test's fixed clock
    /// may lie years before the real one that a Flask `Expires` date would meet).
    pub fn apply(&mut self, cookies: &[SetCookie]) {
        for cookie in cookies {
            if cookie.is_removal() {
                self.cookies.remove(cookie.name());
            } else {
                self.put(cookie.name(), cookie.value());
            }
        }
    }

    /// Applies every cookie of `outcome`.
    pub fn apply_outcome(&mut self, outcome: &Outcome) {
        self.apply(&outcome.cookies);
    }

    /// Applies `Set-Cookie` values read off the wire, in order, as a browser would now.
    pub fn apply_wire(&mut self, cookies: &[WireCookie]) {
        self.apply_wire_at(cookies, chunked_cookie_session::unix_now());
    }

    /// Applies `Set-Cookie` values read off the wire, in order, as a browser whose clock
    /// reads `now` (Unix seconds) would: for a server that ran on a clock of its own.
    pub fn apply_wire_at(&mut self, cookies: &[WireCookie], now: u64) {
        for cookie in cookies {
            if cookie.is_removal_at(now) {
                self.cookies.remove(cookie.name());
            } else {
                self.put(cookie.name(), cookie.value());
            }
        }
    }

    /// Applies every `Set-Cookie` field of a response's headers, and returns them parsed.
    pub fn apply_headers(&mut self, headers: &HeaderMap) -> Vec<WireCookie> {
        let cookies = WireCookie::from_headers(headers);
        self.apply_wire(&cookies);
        cookies
    }

    /// Stores a cookie directly, as a foreign or hostile client would.
    pub fn put(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// Drops a cookie, as a browser that lost or evicted it would; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.cookies.remove(name)
    }

    /// The value held under `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// A mutable handle on the value held under `name`, to alter it in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut String> {
        self.cookies.get_mut(name)
    }

    /// The names held, sorted.
    pub fn names(&self) -> Vec<String> {
        self.cookies.keys().cloned().collect()
    }

    /// `(name, value)` of every cookie held, sorted by name.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.cookies
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect()
    }

    /// How many cookies the jar holds.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// True when the jar holds no cookie.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The next request's `Cookie` header, as one field: `a=1; b=2`.
    pub fn header(&self) -> String {
        join_pairs(&self.pairs())
    }

    /// The next request's cookies as HTTP/2 sends them: one `Cookie` field per cookie.
    pub fn fields(&self) -> Vec<String> {
        self.pairs()
            .iter()
            .map(|pair| join_pairs(std::slice::from_ref(pair)))
            .collect()
    }
}

/// `a=1; b=2`: pairs as one `Cookie` field.
pub fn join_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_sets_and_deletions_read_off_the_wire() {
        let mut jar = Jar::new();
        let applied = WireCookie::from_text(
            "session=abc; Path=/; HttpOnly\n\nsession_1=d;e; Max-Age=60\nold=; Max-Age=0\n",
        );
        assert_eq!(applied.len(), 3);
        jar.put("old", "x");
        jar.apply_wire(&applied);
        assert_eq!(jar.header(), "session=abc; session_1=d");
        assert!(applied[2].is_removal() && !applied[1].is_removal());
        let gone = WireCookie::parse("session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        jar.apply_wire(&[gone]);
        assert_eq!(jar.fields(), ["session_1=d"]);
    }
}
