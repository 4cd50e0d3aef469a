//! tower-sessions 0.14 on chunked cookies (feature `tower-sessions`): handlers, axum-login
//! 0.17–0.18 and axum-messages 0.8 get a real `tower_sessions::Session` whose record lives
//! in this crate's encrypted chunked cookies, with no server-side store.
//!
//! Encrypted, because a record holds what an application would keep on the server:
//! axum-login stores the user's `session_auth_hash` there. [`TowerSessions::new`] takes an
//! engine of the private format ([`SessionEngine::private`](crate::SessionEngine::private))
//! and refuses any other with [`UnencryptedEngine`]; [`TowerSessions::readable`] takes a
//! signed engine when the application decides, in code, that its clients may read the
//! values.
//!
//! [`TowerSessions`] hands out the two layers that work together:
//!
//! - [`TowerSessions::session_manager_layer`]: a stock `tower_sessions::SessionManagerLayer`
//!   over [`RelayStore`], what `axum_login::AuthManagerLayerBuilder::new(backend, ..)`
//!   takes (or install it alone, for `tower_sessions::Session` and axum-messages);
//! - [`TowerSessions::layer`]: the outer layer, installed *outside* it. It is this crate's
//!   own [`SessionLayer`](crate::axum::SessionLayer) (so every rule is the engine's: exact
//!   budgets, generation binding, the key ring, the overflow policy and the
//!   [`on_save_error`](TowerSessions::on_save_error) hook, `Vary` and `Cache-Control`, no
//!   write for an unchanged session, nothing written on a 5xx) with a relay inside it.
//!
//! How the record travels: the relay gives tower-sessions an id for the request (as the
//! id cookie tower-sessions looks for, added to the request only) and runs the inner
//! stack with the request's [`Session`](crate::Session) at hand; [`RelayStore`] answers tower-sessions'
//! `load`, `save`, `create` and `delete` from that session: `load` hands it the entries,
//! `save` applies what tower-sessions changed, `delete` (from `cycle_id` and `flush`) is
//! [`Session::revoke`](crate::Session::revoke) (a purge and, when the engine has a
//! revocation store, the end of every copy of the session's cookies) and the `create`
//! that follows writes the new record as a fresh session. The id cookie never leaves the
//! server: the relay removes it from the response.
//!
//! | tower-sessions | here |
//! |---|---|
//! | `Session::id()` | stable from one request to the next, kept in the session under [`ID_KEY`] once the session holds data; new after `cycle_id`, `None` after `flush`, and new for a record written after `flush` |
//! | `cycle_id()` (axum-login's login) | a fresh session with the same data: new session id, generation id and lifetime, the CSRF token dropped; with a revocation store the pre-login session is revoked |
//! | `flush()` (axum-login's logout) | [`Session::revoke`](crate::Session::revoke): every cookie deleted, unless something is written afterwards (a flash message), which starts a fresh session; with a revocation store every copy of the logged-out session's cookies is refused from then on, with no application code |
//! | a session rejected (tampered, expired, …) | an empty session; the reason is [`Session::load_reason`](crate::Session::load_reason) (the [`Session`](crate::Session) is a request extension, as under [`SessionLayer`](crate::axum::SessionLayer)) and a [`LoadReason`](crate::LoadReason) request extension |
//! | `with_expiry`, `set_expiry` | no effect (warned once): lifetime, idle timeout and persistence are the [`SessionConfig`](crate::SessionConfig)'s |
//! | `with_name`, `with_secure`, `with_same_site`, `with_path`, `with_domain`, `with_http_only` | no effect on the session cookies, which take their attributes from the configuration; `with_name`, `with_signed` and `with_private` break the relay and are refused loudly |
//! | `with_always_save(true)` | harmless: an unchanged record writes nothing |
//! | a write through `tower_sessions::Session` | reaches this crate's [`Session`](crate::Session) when tower-sessions saves its record, after the handler: [`Session::check`](crate::Session::check) does not see it before; [`check`] saves the record, then checks |
//!
//! Misassembly is loud: a `SessionManagerLayer` outside the outer layer answers 500 at once,
//! and a store call outside it (the outer layer missing, a reconfigured id cookie, the
//! session first touched from a spawned task) is a store error, which tower-sessions
//! answers with a 500, each with a log line that says what to change.
//!
//! # Example
//!
//! ```
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use chunked_cookie_session::tower_sessions::TowerSessions;
//! use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
//! use tower::ServiceExt;
//!
//! async fn visits(session: tower_sessions::Session) -> String {
//!     let visits: u64 = session.get("visits").await.unwrap().unwrap_or(0) + 1;
//!     session.insert("visits", visits).await.unwrap();
//!     format!("visit {visits}")
//! }
//!
//! let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
//! let sessions = TowerSessions::new(engine)?;
//! let app: Router = Router::new()
//!     .route("/", get(visits))
//!     .layer(sessions.session_manager_layer()) // what axum-login's builder takes
//!     .layer(sessions.layer()); // outside it
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let response = app.clone().oneshot(Request::new(Body::empty())).await.unwrap();
//! let set_cookie: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
//! assert_eq!(set_cookie.len(), 1);
//! assert!(set_cookie[0].to_str().unwrap().starts_with("__Host-session="));
//! let cookie = set_cookie[0].to_str().unwrap().split(';').next().unwrap().to_owned();
//!
//! let request = Request::builder().header("cookie", cookie).body(Body::empty()).unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
//! assert_eq!(body, "visit 2");
//! # });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod facade;
mod relay;
mod store;

pub use check::{CheckError, check};
pub use facade::{TowerSessions, TowerSessionsLayer, UnencryptedEngine};
pub use relay::{RELAY_COOKIE, RelayService};
pub use store::{ID_KEY, RelayStore};
