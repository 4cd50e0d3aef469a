//! actix-web 4 integration (feature `actix`): [`SessionMiddleware`] and the [`Session`]
//! extractor.
//!
//! The middleware reads every `Cookie` field of the request, gives handlers a [`Session`]
//! that decodes on first touch, and after the handler writes the `Set-Cookie` fields the
//! engine decided, `Vary: Cookie`, and `Cache-Control: private, no-store` when cookies are
//! set and the handler chose no caching policy. A session that no longer fits turns a
//! successful response into a 500.
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
//! assert!(set_cookie.starts_with("session="));
//! assert_eq!(response.headers().get("vary").unwrap(), "Cookie");
//! # });
//! ```

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{CACHE_CONTROL, COOKIE, HeaderName, HeaderValue, VARY};
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, HttpResponse};

use super::{error_body, load_session};
use crate::engine::SessionEngine;
use crate::outcome::ResponseInfo;
use crate::session::Session;

/// actix-web middleware that gives every request a [`Session`] and writes it back.
///
/// Install it with [`App::wrap`](actix_web::App::wrap); handlers then take [`Session`] as
/// an argument. The engine is shared, so the factory closure of `HttpServer::new` can
/// clone it for every worker.
///
/// # Example
///
/// ```no_run
/// use actix_web::{App, HttpServer, web};
/// use chunked_cookie_session::actix::SessionMiddleware;
/// use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine};
///
/// async fn logout(session: Session) -> &'static str {
///     session.purge();
///     "bye"
/// }
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// actix_web::rt::System::new().block_on(async move {
///     HttpServer::new(move || {
///         App::new()
///             .wrap(SessionMiddleware::new(engine.clone()))
///             .route("/logout", web::post().to(logout))
///     })
///     .bind(("127.0.0.1", 8080))?
///     .run()
///     .await
/// })
/// .unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SessionMiddleware {
    engine: SessionEngine,
}

impl SessionMiddleware {
    /// Middleware serving sessions from `engine`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let app = actix_web::App::new()
    ///     .wrap(chunked_cookie_session::actix::SessionMiddleware::new(engine));
    /// # let _ = app;
    /// ```
    pub fn new(engine: SessionEngine) -> SessionMiddleware {
        SessionMiddleware { engine }
    }

    /// The engine behind the middleware.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let middleware = chunked_cookie_session::actix::SessionMiddleware::new(engine);
    /// assert_eq!(middleware.engine().config().name(), "session");
    /// ```
    pub fn engine(&self) -> &SessionEngine {
        &self.engine
    }
}

impl<S, B> Transform<S, ServiceRequest> for SessionMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = SessionMiddlewareService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(SessionMiddlewareService {
            service: Rc::new(service),
            engine: self.engine.clone(),
        }))
    }
}

/// The service [`SessionMiddleware`] wraps around the application's; built by actix-web.
///
/// # Example
///
/// ```
/// // Not named in application code: `App::wrap` builds it from the middleware.
/// fn assert_service<S>(_: Option<chunked_cookie_session::actix::SessionMiddlewareService<S>>) {}
/// assert_service::<()>(None);
/// ```
pub struct SessionMiddlewareService<S> {
    service: Rc<S>,
    engine: SessionEngine,
}

impl<S> fmt::Debug for SessionMiddlewareService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionMiddlewareService")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for SessionMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let session = load_session(
            &self.engine,
            request.headers().get_all(COOKIE).map(HeaderValue::as_bytes),
        );
        request.extensions_mut().insert(session.clone());
        let service = Rc::clone(&self.service);
        let engine = self.engine.clone();
        Box::pin(async move {
            let response = service.call(request).await?;
            Ok(finish(&engine, &session, response))
        })
    }
}

/// Applies the engine's verdict to the handler's response.
fn finish<B>(
    engine: &SessionEngine,
    session: &Session,
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B>> {
    let headers = response.headers();
    let info = ResponseInfo::new(response.status().as_u16())
        .cache_control(headers.contains_key(CACHE_CONTROL))
        .vary(headers.get_all(VARY).map(HeaderValue::as_bytes));
    let outcome = engine.finish(session, info);
    let mut response = match outcome.error_response() {
        Some(error) => response
            .into_response(
                HttpResponse::InternalServerError()
                    .content_type("text/plain; charset=utf-8")
                    .body(error_body(error)),
            )
            .map_into_right_body(),
        None => response.map_into_left_body(),
    };
    let headers = response.headers_mut();
    for (name, value) in outcome.headers() {
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.append(HeaderName::from_static(name), value);
            }
            // The configuration is validated, so a line is always a valid header value;
            // should that ever fail, dropping it is all that is left to do.
            Err(_) => tracing::error!(header = name, "a session header is not a valid value"),
        }
    }
    response
}

/// Takes the request's session from the [`SessionMiddleware`]; without the middleware the
/// extraction fails with a 500 that says so.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{LoadReason, Session};
///
/// async fn whoami(session: Session) -> String {
///     match session.load_reason() {
///         LoadReason::Valid => session.get::<String>("user").ok().flatten().unwrap_or_default(),
///         other => format!("no session ({other})"),
///     }
/// }
/// let _app = actix_web::App::new().route("/", actix_web::web::get().to(whoami));
/// ```
impl FromRequest for Session {
    type Error = Error;
    type Future = Ready<Result<Session, Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let session = request.extensions().get::<Session>().cloned();
        ready(session.ok_or_else(|| {
            tracing::error!("SessionMiddleware is not installed");
            actix_web::error::ErrorInternalServerError(
                "SessionMiddleware is not installed: add `.wrap(SessionMiddleware::new(engine))` \
                 to the App serving this route",
            )
        }))
    }
}
