//! `cookie` 0.18's `SignedJar` (HMAC-SHA256) and `PrivateJar` (AES-256-GCM) over the same
//! JSON: one cookie, no chunking, no compression, no expiry inside the seal.

use cookie::{Cookie, CookieJar, Key};
use serde_json::Value;

/// Which jar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jar {
    /// `SignedJar`.
    Signed,
    /// `PrivateJar`.
    Private,
}

impl Jar {
    /// Both jars.
    pub const ALL: [Jar; 2] = [Jar::Signed, Jar::Private];

    /// The row label in tables.
    pub fn label(self) -> &'static str {
        match self {
            Jar::Signed => "cookie 0.18 SignedJar",
            Jar::Private => "cookie 0.18 PrivateJar",
        }
    }
}

/// The jars' key (64 bytes: `cookie` derives its signing and encryption keys from it).
pub fn key() -> Key {
    Key::from(&[7; 64])
}

/// Serializes the session and seals it into a cookie; returns `name=value`.
pub fn encode(jar: Jar, key: &Key, value: &Value) -> String {
    let json = serde_json::to_string(value).expect("serializable");
    let mut cookies = CookieJar::new();
    match jar {
        Jar::Signed => cookies.signed_mut(key).add(Cookie::new("session", json)),
        Jar::Private => cookies.private_mut(key).add(Cookie::new("session", json)),
    }
    cookies
        .get("session")
        .map(ToString::to_string)
        .expect("just added")
}

/// Opens the cookie `name=value` and parses the session.
pub fn decode(jar: Jar, key: &Key, cookie: &str) -> Value {
    let mut cookies = CookieJar::new();
    cookies.add_original(Cookie::parse(cookie.to_owned()).expect("a cookie"));
    let opened = match jar {
        Jar::Signed => cookies.signed(key).get("session"),
        Jar::Private => cookies.private(key).get("session"),
    }
    .expect("a valid seal");
    serde_json::from_str(opened.value()).expect("JSON")
}
