//! axum 0.8 integration (feature `axum`): [`SessionLayer`] and the [`Session`] extractor.
//!
//! The layer reads every `Cookie` field of the request (HTTP/2 clients send one field per
//! cookie), gives the handler a [`Session`] that decodes on first touch, and after the
//! handler writes the `Set-Cookie` fields the engine decided, `Vary: Cookie`, and
//! `Cache-Control: private, no-store` when cookies are set and the handler chose no
//! caching policy. A session that no longer fits turns a successful response into a 500.
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
//! assert!(set_cookie.starts_with("session="));
//! assert_eq!(response.headers()["vary"], "Cookie");
//! # });
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::axum::extract::FromRequestParts;
use ::axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, VARY};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use ::axum::response::{IntoResponse, Response as AxumResponse};
use tower::{Layer, Service};

use super::{error_body, load_session};
use crate::engine::SessionEngine;
use crate::outcome::ResponseInfo;
use crate::session::Session;

/// A tower [`Layer`] that gives every request a [`Session`] and writes it back.
///
/// Install it with [`Router::layer`](::axum::Router::layer); handlers then take
/// [`Session`] as an argument. The engine is shared, so cloning the layer is cheap.
///
/// # Example
///
/// ```
/// use axum::{Router, routing::get};
/// use chunked_cookie_session::axum::SessionLayer;
/// use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine};
///
/// async fn logout(session: Session) -> &'static str {
///     session.purge();
///     "bye"
/// }
///
/// let config = SessionConfig::builder().name("__Host-session").build().unwrap();
/// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
/// let app: Router = Router::new()
///     .route("/logout", get(logout))
///     .layer(SessionLayer::new(engine));
/// ```
#[derive(Debug, Clone)]
pub struct SessionLayer {
    engine: SessionEngine,
}

impl SessionLayer {
    /// A layer serving sessions from `engine`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let layer = chunked_cookie_session::axum::SessionLayer::new(engine);
    /// assert_eq!(layer.engine().config().name(), "session");
    /// ```
    pub fn new(engine: SessionEngine) -> SessionLayer {
        SessionLayer { engine }
    }

    /// The engine behind the layer.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let layer = chunked_cookie_session::axum::SessionLayer::new(engine);
    /// assert_eq!(layer.engine().config().max_chunks(), 16);
    /// ```
    pub fn engine(&self) -> &SessionEngine {
        &self.engine
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            engine: self.engine.clone(),
        }
    }
}

/// The service [`SessionLayer`] wraps around an inner service.
///
/// # Example
///
/// ```
/// use tower::Layer;
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let layer = chunked_cookie_session::axum::SessionLayer::new(engine);
/// let route: axum::routing::MethodRouter = axum::routing::get(|| async { "hello" });
/// let service = layer.layer(route);
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct SessionService<S> {
    inner: S,
    engine: SessionEngine,
}

impl<S> fmt::Debug for SessionService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionService")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for SessionService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let session = load_session(
            &self.engine,
            request
                .headers()
                .get_all(COOKIE)
                .iter()
                .map(HeaderValue::as_bytes),
        );
        request.extensions_mut().insert(session.clone());
        // The clone that `poll_ready` readied must serve this call; the fresh clone waits
        // for the next `poll_ready`.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let engine = self.engine.clone();
        Box::pin(async move {
            let response = inner.call(request).await?;
            Ok(finish(&engine, &session, response))
        })
    }
}

/// Applies the engine's verdict to the handler's response.
fn finish<B: From<String>>(
    engine: &SessionEngine,
    session: &Session,
    response: Response<B>,
) -> Response<B> {
    let headers = response.headers();
    let info = ResponseInfo::new(response.status().as_u16())
        .cache_control(headers.contains_key(CACHE_CONTROL))
        .vary(headers.get_all(VARY).iter().map(HeaderValue::as_bytes));
    let outcome = engine.finish(session, info);
    let mut response = match outcome.error_response() {
        Some(error) => {
            let mut replaced = Response::new(B::from(error_body(error)));
            *replaced.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            replaced.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            replaced
        }
        None => response,
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

/// The rejection of the [`Session`] extractor when no [`SessionLayer`] wraps the route.
///
/// It answers 500: a missing layer is a bug in the application, not in the request.
///
/// # Example
///
/// ```
/// use axum::response::IntoResponse;
/// let response = chunked_cookie_session::axum::MissingSessionLayer.into_response();
/// assert_eq!(response.status(), 500);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MissingSessionLayer;

impl fmt::Display for MissingSessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "SessionLayer is not installed: add `.layer(SessionLayer::new(engine))` to the router \
             serving this route",
        )
    }
}

impl std::error::Error for MissingSessionLayer {}

impl IntoResponse for MissingSessionLayer {
    fn into_response(self) -> AxumResponse {
        tracing::error!("{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

/// Takes the request's session from the [`SessionLayer`].
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
/// let _router: axum::Router = axum::Router::new().route("/", axum::routing::get(whoami));
/// ```
impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = MissingSessionLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(MissingSessionLayer)
    }
}
