//! Client-side sessions kept in signed (or encrypted) cookies, split over several cookies
//! so a session can grow past the 4 KB a browser keeps per cookie, with no server-side
//! storage.
//!
//! The data takes one road:
//!
//! 1. [`SessionEngine::load`] gathers the session cookies from every `Cookie` header field
//!    of a request, by exact name (`__Host-session`, `__Host-session_1`, … unless the
//!    cookie is named otherwise), trusting no count the client sends.
//! 2. The first time a handler touches the [`Session`], the chunks are joined, the one MAC
//!    over the whole session is verified (it covers the cookie name, the chunk count, the
//!    timestamps and a generation id fresh at every write), and the JSON is parsed. Any
//!    inconsistency gives an empty session and a typed [`LoadReason`], never an error page.
//! 3. [`SessionEngine::save`] (or [`SessionEngine::finish`] in an adapter) decides what
//!    the response carries, as one [`Outcome`]: the session written back only if it
//!    changed, split to exact byte budgets, with deletions for the chunks that became
//!    stale, and the `Vary` and `Cache-Control` decisions. A session over the budget is a
//!    [`SaveError`], never a truncated cookie.
//!
//! # Example
//!
//! ```
//! use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
//!
//! let config = SessionConfig::builder().max_size(40 * 1024).build()?;
//! let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
//!
//! let session = engine.load(["theme=dark"]);
//! assert_eq!(session.load_reason(), LoadReason::NoSession);
//! session.insert("user", "ada")?;
//! let outcome = engine.save(&session)?;
//! // Unnamed, the cookie takes the `__Host-` prefix, which no sibling subdomain can set.
//! assert_eq!(outcome.cookies[0].name(), "__Host-session");
//! assert!(outcome.cookies[0].line().starts_with("__Host-session="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! | feature | adds |
//! |---|---|
//! | `axum` | a tower layer, a `Session` extractor and a CSRF guard for axum 0.8 (module `axum`) |
//! | `tower-sessions` | `tower_sessions::Session` (0.14) on chunked cookies, for axum-login 0.17–0.18 and axum-messages 0.8, encrypted (module `tower_sessions`); implies `axum` and `private` |
//! | `actix` | middleware, a `Session` extractor and a CSRF guard for actix-web 4 (module `actix`) |
//! | `actix-flash` | a `FlashMessageStore` for actix-web-flash-messages 0.5 on the session (module `actix_flash`); implies `actix` |
//! | `private` | the encrypted format (XChaCha20-Poly1305) |
//! | `flask` | Flask's session cookie format, stock and chunked (module `flask`) |
//! | `starlette` | taking over the sessions of Starlette's `SessionMiddleware` (`EngineOptions::starlette_takeover`; read only); implies `flask` |
//! | `django` | taking over the sessions of Django's `signed_cookies` backend (`EngineOptions::django_takeover`; read only); implies `flask` |
//! | `redis` | `revocation::RedisRevocation`: revocations shared by a fleet through Redis 7 or Valkey |
//!
//! Without a feature: [`csrf`], per-session CSRF tokens for every adapter.
//!
//! # Limitations
//!
//! Every request carries the whole session in its `Cookie` header, so the practical
//! ceiling is the header limit of the proxies in front of the application (8 KiB per
//! header line for nginx and Apache by default). The default budget, 7 KiB, fits behind
//! them; docs/DEPLOYMENT.md lists the settings a larger budget needs.
//!
//! A cookie session cannot be taken back from the client, but it can be refused: with a
//! [`revocation`] store (in memory, or shared across a fleet through Redis), logout,
//! sign-out-everywhere and break glass refuse every copy of the cookies, at the cost of a
//! memory lookup per request. See docs/REVOCATION.md.
#![forbid(unsafe_code)]
// On docs.rs (nightly, `--cfg docsrs`), each feature-gated item is marked with the
// features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, from the top: the adapters translate HTTP; the engine holds the write rules;
// the session handle and its state (the read rules) below it; then the chunk layer and the
// codecs; then the primitives. Imports only ever run down. docs/ARCHITECTURE.md draws it.
#[cfg(any(feature = "axum", feature = "actix"))]
mod integrations;

pub mod csrf;
mod engine;
mod inspect;
mod options;
mod outcome;
mod session;
mod state;

mod chunk;
mod codec;
mod pyvalue;

mod clock;
mod config;
mod cookies;
mod error;
mod keys;
mod reason;
mod request;
pub mod revocation;
mod setting;
mod wire_format;

#[cfg(feature = "flask")]
#[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
pub mod flask;

pub use clock::unix_now;
pub use config::{
    BROWSER_NAME_VALUE_LIMIT, Compression, ConfigError, DEFAULT_MAX_SIZE, MAX_CHUNKS_CEILING,
    MAX_NESTING, OverflowPolicy, PARTITIONED_LIMIT, SET_COOKIE_LINE_LIMIT, SameSite, SessionConfig,
    SessionConfigBuilder, Unit,
};
pub use cookies::SetCookie;
pub use engine::SessionEngine;
pub use error::{GetError, InsertError, SaveError};
#[cfg(feature = "flask")]
#[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
pub use inspect::FlaskToken;
pub use inspect::{InspectedChunk, Inspection, Inspector, NativeHeader, TokenInfo};
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub use integrations::actix;
#[cfg(feature = "actix-flash")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-flash")))]
pub use integrations::actix_flash;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use integrations::axum;
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub use integrations::tower_sessions;
pub use keys::{Key, KeyError, KeyId, KeyRing, MAX_SECRET_LEN, MIN_SECRET_LEN, generate_secret};
pub use options::{EngineOptions, KeyMaterial};
pub use outcome::{CACHE_CONTROL_PRIVATE, HeldCookie, Outcome, ResponseInfo};
pub use reason::{LoadReason, UnknownReason};
pub use request::RequestCookies;
/// The JSON types the session's entries are held in (`Value`, `Map`), re-exported so a
/// signature needs no guess at serde_json's version.
pub use serde_json::{self, Map, Value};
pub use session::Session;
pub use setting::{Setting, Vocabulary};
pub use state::Sizes;
pub use wire_format::WireFormat;
