//! Per-session CSRF tokens: the synchronizer-token pattern, kept in the session itself.
//!
//! A page that shows a form puts [`token`] in a hidden field named [`FORM_FIELD`] (or a
//! script sends it in the [`HEADER`] header); the handler that receives the form calls
//! [`verify`] before it acts, and refuses the request (403) when it answers `false`. Or a
//! guard does it for every route: `chunked_cookie_session::axum::CsrfLayer` (feature
//! `axum`) and `chunked_cookie_session::actix::CsrfMiddleware` (feature `actix`) let the
//! safe methods through ([`is_safe_method`]), take the token from the header or the form
//! field, and answer 403 themselves ([`require`] is their rule).
//!
//! - The token is 32 bytes from the operating system's random number generator, in
//!   base64url without padding (43 characters), stored in the session under
//!   [`SESSION_KEY`]. It is made on first use and then stays for the whole session.
//! - [`verify`] decodes both tokens and compares them in constant time; a missing, short or
//!   malformed token is refused.
//! - [`Session::renew`] drops the token (call `renew` at login), so a token an attacker saw
//!   or planted before the login is refused after it; [`Session::purge`] drops it with
//!   everything else.
//!
//! The same functions serve the axum and actix-web adapters (both hand handlers the same
//! [`Session`]) and the tower-sessions layer (feature `tower-sessions`, which puts the same
//! [`Session`] in the request's extensions beside `tower_sessions::Session`; its
//! `tower_token` and `tower_verify` work on the latter, for handlers that only hold it,
//! as axum-login's `AuthSession::session`).
//!
//! Why the session and not a cookie of its own: the session is already signed (or
//! encrypted) and bound to the client, so the token needs no second secret, and a forged
//! cross-site request carries the victim's cookies but can never read the token to copy it
//! into the form.
//!
//! # Example
//!
//! ```
//! use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
//!
//! let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
//!
//! // GET /transfer: the form carries the token.
//! let session = engine.load(std::iter::empty());
//! let token = csrf::token(&session);
//! let form = format!(r#"<input type="hidden" name="{}" value="{token}">"#, csrf::FORM_FIELD);
//! let cookies = engine.save(&session)?.cookie_header();
//!
//! // POST /transfer, from our own form, then from a forged one.
//! let session = engine.load([cookies.as_str()]);
//! assert!(csrf::verify(&session, &token));
//! assert!(!csrf::verify(&session, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
//! assert!(!csrf::verify(&session, ""));
//! # assert!(form.contains(&token));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::session::Session;

/// The session entry that holds the token.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// let token = csrf::token(&session);
/// assert_eq!(session.get::<String>(csrf::SESSION_KEY).unwrap(), Some(token));
/// ```
pub const SESSION_KEY: &str = crate::state::CSRF_KEY;

/// The conventional name of the form field that carries the token.
///
/// # Example
///
/// ```
/// let field = format!(r#"<input type="hidden" name="{}">"#, chunked_cookie_session::csrf::FORM_FIELD);
/// assert_eq!(field, r#"<input type="hidden" name="csrf_token">"#);
/// ```
pub const FORM_FIELD: &str = "csrf_token";

/// The conventional name of the request header that carries the token (for scripts).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::csrf::HEADER;
/// // Lowercase, as HTTP/2 field names must be.
/// assert_eq!(HEADER, "x-csrf-token");
/// ```
pub const HEADER: &str = "x-csrf-token";

/// Bytes of randomness in a token.
const TOKEN_BYTES: usize = 32;

/// True for the methods a guard lets through without a token: `GET`, `HEAD`, `OPTIONS`
/// and `TRACE`, the methods HTTP defines as safe (RFC 9110, 9.2.1). A handler that changes
/// anything on one of them is not protected; methods are case-sensitive, so `get` is not
/// safe.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::csrf::is_safe_method;
/// assert!(is_safe_method("GET") && is_safe_method("HEAD"));
/// assert!(!is_safe_method("POST") && !is_safe_method("DELETE") && !is_safe_method("get"));
/// ```
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

/// Why a CSRF guard refused a request (the axum layer and the actix-web middleware answer
/// `403` with this text, and log it).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::csrf::Rejection;
/// assert!(Rejection::Missing.to_string().contains("x-csrf-token"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The request carried no token, in the [`HEADER`] header or the [`FORM_FIELD`] field
    /// of a form.
    #[error("no CSRF token: send it in the x-csrf-token header or the csrf_token form field")]
    Missing,
    /// The request carried a token that is not the session's (forged, stale since a login,
    /// or the session has none).
    #[error("the CSRF token is not this session's")]
    Wrong,
}

/// What a guard decides for a request of an unsafe method: the token `submitted` (from
/// the header, else the form field; `None` when the request carried neither) must be the
/// session's, compared as [`verify`] does.
///
/// # Errors
///
/// The [`Rejection`] that says why not.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// use chunked_cookie_session::csrf::{self, Rejection};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// let token = csrf::token(&session);
/// assert_eq!(csrf::require(&session, Some(&token)), Ok(()));
/// assert_eq!(csrf::require(&session, None), Err(Rejection::Missing));
/// assert_eq!(csrf::require(&session, Some(&csrf::generate())), Err(Rejection::Wrong));
/// ```
pub fn require(session: &Session, submitted: Option<&str>) -> Result<(), Rejection> {
    match submitted {
        None => Err(Rejection::Missing),
        Some(submitted) if verify(session, submitted) => Ok(()),
        Some(_) => Err(Rejection::Wrong),
    }
}

/// The session's CSRF token, made (and stored in the session) on first use.
///
/// # Panics
///
/// When the operating system's random number generator fails.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// let token = csrf::token(&session);
/// assert_eq!(token.len(), 43);
/// assert_eq!(csrf::token(&session), token, "one token for the whole session");
/// session.renew(); // at login
/// assert_ne!(csrf::token(&session), token);
/// ```
pub fn token(session: &Session) -> String {
    if let Some(Value::String(token)) = session.get_value(SESSION_KEY)
        && decode(&token).is_some()
    {
        return token;
    }
    let token = generate();
    session.insert_value(SESSION_KEY, Value::String(token.clone()));
    token
}

/// True when `submitted` is the session's CSRF token, compared in constant time. A
/// session without a token refuses everything; `verify` never makes one.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// assert!(!csrf::verify(&session, &csrf::generate()), "no token yet");
/// let token = csrf::token(&session);
/// assert!(csrf::verify(&session, &token));
/// assert!(!csrf::verify(&session, &token[..42]));
/// ```
pub fn verify(session: &Session, submitted: &str) -> bool {
    match session.get_value(SESSION_KEY) {
        Some(Value::String(expected)) => matches(&expected, submitted),
        _ => false,
    }
}

/// A new random token: 32 bytes from the operating system, base64url without padding.
///
/// # Panics
///
/// When the operating system's random number generator fails.
///
/// # Example
///
/// ```
/// let token = chunked_cookie_session::csrf::generate();
/// assert_eq!(token.len(), 43);
/// assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// assert_ne!(token, chunked_cookie_session::csrf::generate());
/// ```
pub fn generate() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Compares two tokens in constant time, after decoding; anything that is not a 32-byte
/// token on either side is refused.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::csrf;
/// let token = csrf::generate();
/// assert!(csrf::matches(&token, &token.clone()));
/// assert!(!csrf::matches(&token, &csrf::generate()));
/// assert!(!csrf::matches("short", "short"));
/// ```
pub fn matches(expected: &str, submitted: &str) -> bool {
    match (decode(expected), decode(submitted)) {
        (Some(expected), Some(submitted)) => expected.ct_eq(&submitted).into(),
        _ => false,
    }
}

fn decode(token: &str) -> Option<[u8; TOKEN_BYTES]> {
    let mut bytes = [0u8; TOKEN_BYTES];
    match URL_SAFE_NO_PAD.decode_slice(token.as_bytes(), &mut bytes) {
        Ok(TOKEN_BYTES) => Some(bytes),
        _ => None,
    }
}

/// [`token`] for a `tower_sessions::Session` (feature `tower-sessions`): the same token,
/// kept in the same entry, for handlers that only hold tower-sessions' handle (axum-login's
/// `AuthSession::session`, say).
///
/// # Errors
///
/// The tower-sessions error when its store fails: under
/// [`TowerSessions`](crate::tower_sessions::TowerSessions), only when the layers are
/// misassembled.
///
/// # Panics
///
/// When the operating system's random number generator fails.
///
/// # Example
///
/// ```
/// use axum::{Router, body::Body, http::Request, routing::get};
/// use chunked_cookie_session::tower_sessions::TowerSessions;
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
/// use tower::ServiceExt;
///
/// async fn form(session: tower_sessions::Session) -> String {
///     let token = csrf::tower_token(&session).await.expect("the relay answers");
///     format!(r#"<input type="hidden" name="{}" value="{token}">"#, csrf::FORM_FIELD)
/// }
///
/// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let sessions = TowerSessions::new(engine)?;
/// let app: Router = Router::new()
///     .route("/", get(form))
///     .layer(sessions.session_manager_layer())
///     .layer(sessions.layer());
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let response = app.oneshot(Request::new(Body::empty())).await.unwrap();
/// assert!(response.headers()["set-cookie"].to_str().unwrap().starts_with("__Host-session="));
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert!(body.starts_with(br#"<input type="hidden" name="csrf_token""#));
/// # });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub async fn tower_token(
    session: &::tower_sessions::Session,
) -> Result<String, ::tower_sessions::session::Error> {
    if let Some(Value::String(token)) = session.get_value(SESSION_KEY).await?
        && decode(&token).is_some()
    {
        return Ok(token);
    }
    let token = generate();
    session
        .insert_value(SESSION_KEY, Value::String(token.clone()))
        .await?;
    Ok(token)
}

/// [`verify`] for a `tower_sessions::Session` (feature `tower-sessions`). A store failure
/// refuses the token.
///
/// # Example
///
/// ```
/// use axum::{Router, body::Body, http::Request, routing::get};
/// use chunked_cookie_session::tower_sessions::TowerSessions;
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, csrf};
/// use tower::ServiceExt;
///
/// async fn check(session: tower_sessions::Session) -> String {
///     let forged_first = csrf::tower_verify(&session, &csrf::generate()).await;
///     let token = csrf::tower_token(&session).await.expect("the relay answers");
///     let real = csrf::tower_verify(&session, &token).await;
///     let forged = csrf::tower_verify(&session, &csrf::generate()).await;
///     format!("{forged_first} {real} {forged}")
/// }
///
/// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let sessions = TowerSessions::new(engine)?;
/// let app: Router = Router::new()
///     .route("/", get(check))
///     .layer(sessions.session_manager_layer())
///     .layer(sessions.layer());
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let response = app.oneshot(Request::new(Body::empty())).await.unwrap();
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert_eq!(body, "false true false");
/// # });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub async fn tower_verify(session: &::tower_sessions::Session, submitted: &str) -> bool {
    match session.get_value(SESSION_KEY).await {
        Ok(Some(Value::String(expected))) => matches(&expected, submitted),
        _ => false,
    }
}
