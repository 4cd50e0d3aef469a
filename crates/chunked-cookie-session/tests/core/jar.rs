//! A small model of a browser's cookie jar for one host and path: it applies `Set-Cookie`
//! values as a browser would (same name replaces, `Max-Age=0` deletes) and renders the
//! `Cookie` header the next request carries.

use std::collections::BTreeMap;

use cookie::Cookie;

/// The cookies a browser holds for the session's host and path, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar {
    cookies: BTreeMap<String, String>,
}

impl Jar {
    pub fn new() -> Jar {
        Jar::default()
    }

    /// Applies the `Set-Cookie` values of one response, in order.
    pub fn apply<S: AsRef<str>>(&mut self, lines: &[S]) {
        for line in lines {
            self.apply_one(line.as_ref());
        }
    }

    /// Applies one `Set-Cookie` value.
    pub fn apply_one(&mut self, line: &str) {
        let cookie = Cookie::parse(line).unwrap_or_else(|err| panic!("unparsable {line:?}: {err}"));
        let deletes = cookie
            .max_age()
            .is_some_and(|age| age <= time::Duration::ZERO);
        if deletes {
            self.cookies.remove(cookie.name());
        } else {
            assert!(
                !cookie.value().is_empty(),
                "a set with an empty value: {line}"
            );
            self.cookies
                .insert(cookie.name().to_owned(), cookie.value().to_owned());
        }
    }

    /// Stores a cookie directly, as a foreign or hostile client would.
    pub fn put(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn names(&self) -> Vec<String> {
        self.cookies.keys().cloned().collect()
    }

    pub fn pairs(&self) -> Vec<(String, String)> {
        self.cookies
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The `Cookie` header as one field, in the jar's order.
    pub fn header(&self) -> String {
        join_pairs(&self.pairs())
    }
}

/// `a=1; b=2`.
pub fn join_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}
