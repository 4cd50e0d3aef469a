//! axum 0.8 integration (feature `axum`): [`SessionLayer`], the [`Session`](crate::Session)
//! extractor, and [`CsrfLayer`], the CSRF guard.
//!
//! The layer reads every `Cookie` field of the request (HTTP/2 clients send one field per
//! cookie), gives the handler a [`Session`](crate::Session) that decodes on first touch, and after the
//! handler writes the `Set-Cookie` fields the engine decided, `Vary: Cookie`, and
//! `Cache-Control: private, no-store` when cookies are set and the handler chose no
//! caching policy. A session that no longer fits turns a successful response into a 500,
//! or into the application's own answer ([`SessionLayer::on_save_error`]); a handler can
//! ask beforehand with [`Session::check`](crate::Session::check). [`GetError`](crate::GetError),
//! [`InsertError`](crate::InsertError) and [`SaveError`](crate::SaveError) are responses, so
//! `?` works on the session's methods, `check` and `try_insert_value` included.
//!
//! With a revocation store on the engine (docs/REVOCATION.md), handlers end sessions
//! through the same [`Session`](crate::Session): `.await` [`revoke`](crate::Session::revoke)
//! (logout), [`revoke_everywhere`](crate::Session::revoke_everywhere),
//! [`devices`](crate::Session::devices) and [`revoke_device`](crate::Session::revoke_device)
//! (the task waits, no thread blocks); [`RevocationError`](crate::revocation::RevocationError)
//! is a response too (`202` unconfirmed, `409` no subject, `404` no registry, `400` not an
//! id, `503` Redis silent).
//!
//! [`CsrfLayer`], installed inside the session layer, refuses with a 403 every request of
//! an unsafe method that carries neither the `x-csrf-token` header nor the `csrf_token` form
//! field with the session's token ([`csrf`](crate::csrf)).
//!
//! # Example
//!
//! ```
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use chunked_cookie_session::axum::SessionLayer;
//! use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine};
//! use tower::Service;
//!
//! async fn visits(session: Session) -> String {
//!     let visits = session.get::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
//!     session.insert("visits", visits).expect("a number is JSON");
//!     format!("visit {visits}, session {}", session.load_reason())
//! }
//!
//! let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
//! let mut app: Router = Router::new()
//!     .route("/", get(visits))
//!     .layer(SessionLayer::new(engine));
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let response = app.call(Request::new(Body::empty())).await.unwrap();
//! let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
//! assert!(set_cookie.starts_with("__Host-session="));
//! assert_eq!(response.headers()["vary"], "Cookie");
//! # });
//! ```

mod csrf;
mod layer;

pub use csrf::{CsrfLayer, CsrfService};
#[cfg(feature = "tower-sessions")]
pub(crate) use layer::BoxedCall;
pub use layer::{MissingSessionLayer, SessionLayer, SessionService};
