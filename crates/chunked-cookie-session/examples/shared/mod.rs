//! What the two login examples share (`axum_login.rs`, `actix_login.rs`): the engine, the
//! user's data, and the pages, so that the two differ only where their frameworks do.

use std::sync::Arc;

use chunked_cookie_session::revocation::MemoryRevocation;
use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};

/// The engine of the examples: the encrypted format, so that what the session holds (the
/// user's id, axum-login's `session_auth_hash`, the user's data) is the server's to read,
/// not the client's; the key from `SESSION_KEY` (see `cookie-session keygen`), or a fresh
/// one, which logs everyone out at every restart; and a revocation store, so that logout
/// holds: a copy of the cookies taken before it is refused after it (docs/REVOCATION.md).
///
/// # Panics
///
/// When `SESSION_KEY` is not a key.
pub fn engine() -> SessionEngine {
    let key = match std::env::var("SESSION_KEY") {
        Ok(key) => Key::from_base64(&key).expect("SESSION_KEY: a base64url key"),
        Err(_) => {
            eprintln!("SESSION_KEY is not set: using a fresh key, sessions end at restart");
            Key::generate()
        }
    };
    revocable(SessionEngine::private(loopback_config(), KeyRing::new(key)))
}

/// `engine` checking every session against a revocation store kept in this process's
/// memory, which lives as long as the engine's sessions. One process needs no more; a
/// fleet shares a `RedisRevocation` (feature `redis`) built the same way, with
/// `RedisRevocation::builder(url).lifetime(..).connect()`.
///
/// # Panics
///
/// Never: the store is built with the engine's own lifetime.
pub fn revocable(engine: SessionEngine) -> SessionEngine {
    let store = MemoryRevocation::builder()
        .lifetime(engine.config().lifetime())
        .build()
        .expect("the engine's lifetime is one a store keeps");
    engine
        .with_revocation(Arc::new(store))
        .expect("the store keeps revocations as long as the sessions live")
}

/// The configuration of the examples. Plain HTTP on loopback: without `secure(false)` a
/// client would never send the cookies back over http. Behind HTTPS, keep the default
/// (`Secure`).
///
/// # Panics
///
/// Never: the configuration is valid.
pub fn loopback_config() -> SessionConfig {
    SessionConfig::builder()
        .secure(false)
        .build()
        .expect("a valid configuration")
}

/// The user's data stored at login: 4.5 KB of random ids, which take two cookies.
pub fn recent_documents() -> Vec<String> {
    (0..100).map(|_| csrf::generate()).collect()
}

/// The login form, with its CSRF token and the flash messages of the previous request.
pub fn login_page(flashes: &str, token: &str) -> String {
    format!(
        r#"<!doctype html><title>Log in</title>
{flashes}<form method="post" action="/login">
<input type="hidden" name="{field}" value="{token}">
<label>Name <input name="name" value="ada"></label>
<label>Password <input name="password" type="password"></label>
<button>Log in</button></form>
<p>Try ada / lovelace.</p>"#,
        field = csrf::FORM_FIELD,
    )
}

/// The page only a logged-in user sees, with the log-out form.
pub fn protected_page(flashes: &str, name: &str, documents: usize, token: &str) -> String {
    format!(
        r#"<!doctype html><title>Protected</title>
{flashes}<h1>Hello, {name}</h1>
<p>{documents} recent documents kept in your session.</p>
<form method="post" action="/logout">
<input type="hidden" name="{field}" value="{token}"><button>Log out</button></form>
<form method="post" action="/logout-everywhere">
<input type="hidden" name="{field}" value="{token}"><button>Log out everywhere</button></form>"#,
        name = escape(name),
        field = csrf::FORM_FIELD,
    )
}

/// One flash message, as the pages show it, its level (`Success`, `error`, …) as a
/// lowercase class.
pub fn flash(level: &str, message: &str) -> String {
    let class = level.to_lowercase();
    format!("<p class=\"{class}\">{}</p>\n", escape(message))
}

/// The answer to a form whose CSRF token is missing or wrong.
pub const FORGED: &str = "forged form: CSRF token refused\n";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
