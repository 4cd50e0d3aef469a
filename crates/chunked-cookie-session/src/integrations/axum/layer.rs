//! The session layer: [`SessionLayer`] gives every request a [`Session`], the extractor
//! hands it to handlers, and the session's errors answer as responses.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::axum::BoxError;
use ::axum::body::{Body, Bytes, HttpBody};
use ::axum::extract::FromRequestParts;
use ::axum::http::header::{CACHE_CONTROL, COOKIE, RETRY_AFTER, USER_AGENT, VARY};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use ::axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use crate::engine::SessionEngine;
use crate::error::{GetError, InsertError, SaveError};
use crate::integrations::{
    Adapter, READ_FAILED, SAVE_FAILED, UPDATE_FAILED, copy_headers, log_entry_error,
    log_revocation_answer, log_save_error, revocation_answer, take_ready,
};
use crate::revocation::RevocationError;
use crate::session::Session;

/// The future of the crate's axum services.
pub(crate) type BoxedCall<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

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
#[derive(Clone)]
pub struct SessionLayer {
    adapter: Adapter<Response>,
}

impl fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.adapter.debug("SessionLayer", f)
    }
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
    /// assert_eq!(layer.engine().config().name(), "__Host-session");
    /// ```
    pub fn new(engine: SessionEngine) -> SessionLayer {
        SessionLayer {
            adapter: Adapter::new(engine, |_| {
                (StatusCode::INTERNAL_SERVER_ERROR, SAVE_FAILED).into_response()
            }),
        }
    }

    /// Answers with `handler`'s response when a handler succeeded but its session could not
    /// be saved (over the budget, say): nothing was written, and the client keeps its
    /// previous cookies. The default is a plain `500` that says only that the session could
    /// not be saved; the engine logs the sizes and the setting to change either way, and the
    /// [`SaveError`] carries them too.
    ///
    /// # Example
    ///
    /// ```
    /// use axum::http::StatusCode;
    /// use axum::response::{IntoResponse, Redirect};
    /// use chunked_cookie_session::axum::SessionLayer;
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    ///
    /// let layer = SessionLayer::new(engine).on_save_error(|err| {
    ///     tracing::warn!("cart too big: {err}");
    ///     Redirect::to("/cart?full=1").into_response()
    /// });
    /// ```
    #[must_use]
    pub fn on_save_error<F>(self, handler: F) -> SessionLayer
    where
        F: Fn(&SaveError) -> Response + Send + Sync + 'static,
    {
        SessionLayer {
            adapter: self.adapter.on_save_error(handler),
        }
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
        self.adapter.engine()
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            layer: self.clone(),
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
    layer: SessionLayer,
}

impl<S> fmt::Debug for SessionService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.layer.adapter.debug("SessionService", f)
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for SessionService<S>
where
    S: Service<Request<ReqBody>, Response = ::axum::http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxedCall<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let fields = request.headers().get_all(COOKIE).iter();
        let user_agent = request.headers().get(USER_AGENT).map(HeaderValue::as_bytes);
        let session = self
            .layer
            .adapter
            .load(fields.map(HeaderValue::as_bytes), user_agent);
        request.extensions_mut().insert(session.clone());
        let mut inner = take_ready(&mut self.inner);
        let layer = self.layer.clone();
        Box::pin(async move {
            let response = inner.call(request).await?;
            Ok(finish(&layer, &session, response.map(Body::new)))
        })
    }
}

/// Applies the engine's verdict to the handler's response.
fn finish(layer: &SessionLayer, session: &Session, response: Response) -> Response {
    let headers = response.headers();
    let (outcome, replacement) = layer.adapter.finish(
        session,
        response.status().as_u16(),
        headers.contains_key(CACHE_CONTROL),
        headers.get_all(VARY).iter().map(HeaderValue::as_bytes),
    );
    let mut response = replacement.unwrap_or(response);
    let headers = response.headers_mut();
    copy_headers(&outcome, |name, value| {
        HeaderValue::from_str(value)
            .map(|value| headers.append(HeaderName::from_static(name), value))
            .is_ok()
    });
    response
}

/// `?` on [`Session::get`] in a handler answers `500`, and logs the entry's key.
impl IntoResponse for GetError {
    fn into_response(self) -> Response {
        log_entry_error(&self);
        (StatusCode::INTERNAL_SERVER_ERROR, READ_FAILED).into_response()
    }
}

/// `?` on [`Session::insert`] in a handler answers `500`, and logs the entry's key.
impl IntoResponse for InsertError {
    fn into_response(self) -> Response {
        log_entry_error(&self);
        (StatusCode::INTERNAL_SERVER_ERROR, UPDATE_FAILED).into_response()
    }
}

/// `?` on [`Session::check`] or [`Session::try_insert_value`] in a handler answers `500`
/// with a body that names nothing of the session, and logs the error with its sizes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{SaveError, Session};
///
/// async fn add_note(session: Session, note: String) -> Result<&'static str, SaveError> {
///     session.try_insert_value("note", note.into())?;
///     Ok("kept")
/// }
/// let _router: axum::Router = axum::Router::new().route("/", axum::routing::put(add_note));
/// ```
impl IntoResponse for SaveError {
    fn into_response(self) -> Response {
        log_save_error(&self);
        (StatusCode::INTERNAL_SERVER_ERROR, SAVE_FAILED).into_response()
    }
}

/// `?` on an awaited revocation call in a handler ([`Session::revoke`],
/// [`Session::revoke_everywhere`], [`Session::devices`], [`Session::revoke_device`], the
/// engine's) answers with a plain-text status that says what happened: `202` when Redis
/// did not confirm in time (the revocation holds on this server, is queued for the
/// others, and the response still deletes a logged-out session's cookies), `409` for a
/// session bound to no subject, `404` without a device registry, `400` for an id or
/// subject that is not one, `503` (with `Retry-After`) when Redis did not answer, `500`
/// when the engine has no store. docs/REVOCATION.md has the table.
///
/// `.await` the call: it suspends the task, never blocks the executor's thread.
///
/// # Example
///
/// ```
/// use axum::Json;
/// use axum::extract::Path;
/// use chunked_cookie_session::Session;
/// use chunked_cookie_session::revocation::{RevocationError, SessionId};
///
/// async fn logout(session: Session) -> Result<&'static str, RevocationError> {
///     session.revoke().await?; // every copy of the cookies is refused from now on
///     Ok("bye")
/// }
///
/// async fn sign_out_everywhere(session: Session) -> Result<&'static str, RevocationError> {
///     session.revoke_everywhere().await?;
///     Ok("signed out on every device")
/// }
///
/// async fn devices(session: Session) -> Result<Json<Vec<String>>, RevocationError> {
///     let devices = session.devices().await?;
///     Ok(Json(devices.iter().map(|device| device.session_id.to_string()).collect()))
/// }
///
/// async fn sign_out_device(
///     session: Session,
///     Path(id): Path<String>,
/// ) -> Result<&'static str, RevocationError> {
///     let id: SessionId = id.parse()?; // 400 for what is not an id
///     match session.revoke_device(id).await? {
///         true => Ok("signed out"),
///         false => Ok("not one of your sessions"),
///     }
/// }
///
/// let _router: axum::Router = axum::Router::new()
///     .route("/logout", axum::routing::post(logout))
///     .route("/sign-out-everywhere", axum::routing::post(sign_out_everywhere))
///     .route("/devices", axum::routing::get(devices))
///     .route("/devices/{id}", axum::routing::delete(sign_out_device));
/// ```
impl IntoResponse for RevocationError {
    fn into_response(self) -> Response {
        let (status, body, retry) = revocation_answer(&self);
        log_revocation_answer(&self, status);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, body.into_owned()).into_response();
        if retry {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
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
    fn into_response(self) -> Response {
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
