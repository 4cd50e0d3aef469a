//! actix-web 4 integration (feature `actix`): [`SessionMiddleware`], the
//! [`Session`](crate::Session) extractor, and [`CsrfMiddleware`], the CSRF guard.
//!
//! The middleware reads every `Cookie` field of the request, gives handlers a
//! [`Session`](crate::Session) that decodes on first touch, and after the handler writes
//! the `Set-Cookie` fields the engine decided, `Vary: Cookie`, and `Cache-Control: private,
//! no-store` when cookies are set and the handler chose no caching policy. A session that no longer fits turns a
//! successful response into a 500, or into the application's own answer
//! ([`SessionMiddleware::on_save_error`]); a handler can ask beforehand with
//! [`Session::check`](crate::Session::check). [`GetError`](crate::GetError),
//! [`InsertError`](crate::InsertError) and [`SaveError`](crate::SaveError) are actix-web
//! errors, so `?` works on the session's methods, `check` and `try_insert_value` included.
//!
//! With a revocation store on the engine (docs/REVOCATION.md), handlers end sessions
//! through the same [`Session`](crate::Session): `.await` [`revoke`](crate::Session::revoke)
//! (logout), [`revoke_everywhere`](crate::Session::revoke_everywhere),
//! [`devices`](crate::Session::devices) and [`revoke_device`](crate::Session::revoke_device)
//! (the task waits, no worker thread blocks);
//! [`RevocationError`](crate::revocation::RevocationError) is an actix-web error too (`202`
//! unconfirmed, `409` no subject, `404` no registry, `400` not an id, `503` Redis silent).
//!
//! [`CsrfMiddleware`], wrapped inside the session middleware, refuses with a 403 every
//! request of an unsafe method that carries neither the `x-csrf-token` header nor the
//! `csrf_token` form field with the session's token ([`csrf`](crate::csrf)).
//!
//! # Example
//!
//! ```
//! use actix_web::{App, test, web};
//! use chunked_cookie_session::actix::SessionMiddleware;
//! use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine};
//!
//! async fn visits(session: Session) -> String {
//!     let visits = session.get::<u64>("visits").ok().flatten().unwrap_or(0) + 1;
//!     session.insert("visits", visits).expect("a number is JSON");
//!     format!("visit {visits}, session {}", session.load_reason())
//! }
//!
//! let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(
//!     App::new()
//!         .wrap(SessionMiddleware::new(engine))
//!         .route("/", web::get().to(visits)),
//! )
//! .await;
//! let response = test::call_service(&app, test::TestRequest::get().to_request()).await;
//! let set_cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap();
//! assert!(set_cookie.starts_with("__Host-session="));
//! assert_eq!(response.headers().get("vary").unwrap(), "Cookie");
//! # });
//! ```

mod csrf;
mod middleware;

pub use csrf::{CsrfMiddleware, CsrfMiddlewareService};
pub use middleware::{SessionMiddleware, SessionMiddlewareService};
