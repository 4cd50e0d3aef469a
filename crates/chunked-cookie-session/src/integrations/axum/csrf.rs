//! The CSRF guard for axum: [`CsrfLayer`] refuses, with a 403 of its own, every request of
//! an unsafe method that does not carry the session's CSRF token.

use std::fmt;
use std::task::{Context, Poll};

use ::axum::BoxError;
use ::axum::body::{Body, Bytes, HttpBody};
use ::axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use ::axum::http::{HeaderValue, Request, StatusCode};
use ::axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use super::layer::BoxedCall;
use crate::csrf;
use crate::integrations::{Submitted, csrf_refused, form_token, take_ready};
use crate::session::Session;

/// The body of the 413 answered when a form is announced larger than the guard reads.
const FORM_TOO_LARGE: &str = "the form is too large to check its CSRF token\n";

/// The body of the 400 answered when a form's body could not be read within the limit.
const FORM_UNREADABLE: &str = "the form could not be read to check its CSRF token\n";

/// The answer to a request the guard sees without a session: a bug of the application.
const OUTSIDE_SESSION: &str = "CsrfLayer found no session: install it inside SessionLayer (or \
TowerSessions::layer()), that is before it with Router::layer\n";

/// The most bytes of a form body the guard reads by default: axum's own default body
/// limit.
const DEFAULT_FORM_LIMIT: usize = 2 * 1024 * 1024;

/// A tower [`Layer`] that guards every route against cross-site request forgery.
///
/// A request of a safe method (`GET`, `HEAD`, `OPTIONS`, `TRACE`: see
/// [`csrf::is_safe_method`]) goes through. Any other must carry the session's token
/// ([`csrf::token`], which the page that shows the form puts in it): in the `x-csrf-token`
/// header ([`csrf::HEADER`], for scripts) or, in a URL-encoded form, in the `csrf_token`
/// field ([`csrf::FORM_FIELD`]). Else the guard answers `403` itself, with a plain-text body
/// that says what was missing or wrong, and logs it; the handler never runs. The guard reads
/// a form's body (up to [`form_limit`](Self::form_limit) bytes, else `413`) and hands it on
/// unchanged, so the handler's `Form` extractor still works.
///
/// Install it inside the [`SessionLayer`](super::SessionLayer) (or `TowerSessions::layer`):
/// with `Router::layer`, before it. The helper functions of [`csrf`] stay, for handlers
/// that check a token themselves.
///
/// # Example
///
/// ```
/// use axum::{Router, body::Body, http::Request, routing::get};
/// use chunked_cookie_session::axum::{CsrfLayer, SessionLayer};
/// use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine, csrf};
/// use tower::ServiceExt;
///
/// async fn form(session: Session) -> String {
///     format!(r#"<form method="post"><input type="hidden" name="csrf_token" value="{}">"#,
///         csrf::token(&session))
/// }
/// async fn transfer() -> &'static str {
///     "done" // reached only with the session's token
/// }
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let app: Router = Router::new()
///     .route("/transfer", get(form).post(transfer))
///     .layer(CsrfLayer::new()) // inside the session layer
///     .layer(SessionLayer::new(engine));
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let forged = Request::post("/transfer")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(Body::from("amount=1000"))
///     .unwrap();
/// let response = app.oneshot(forged).await.unwrap();
/// assert_eq!(response.status(), 403);
/// # });
/// ```
#[derive(Clone)]
pub struct CsrfLayer {
    form_limit: usize,
}

impl fmt::Debug for CsrfLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfLayer")
            .field("form_limit", &self.form_limit)
            .finish()
    }
}

impl Default for CsrfLayer {
    fn default() -> CsrfLayer {
        CsrfLayer::new()
    }
}

impl CsrfLayer {
    /// The guard, reading forms of up to 2 MiB (axum's default body limit).
    ///
    /// # Example
    ///
    /// ```
    /// let guard = chunked_cookie_session::axum::CsrfLayer::new();
    /// assert_eq!(guard.limit(), 2 * 1024 * 1024);
    /// ```
    pub fn new() -> CsrfLayer {
        CsrfLayer {
            form_limit: DEFAULT_FORM_LIMIT,
        }
    }

    /// The most bytes of a form body the guard reads to find the token; a larger form
    /// (announced by `Content-Length`) is answered `413`. A request that sends the token in
    /// the header is never read.
    ///
    /// # Example
    ///
    /// ```
    /// let guard = chunked_cookie_session::axum::CsrfLayer::new().form_limit(64 * 1024);
    /// assert_eq!(guard.limit(), 64 * 1024);
    /// ```
    #[must_use]
    pub fn form_limit(self, bytes: usize) -> CsrfLayer {
        CsrfLayer { form_limit: bytes }
    }

    /// The most bytes of a form body the guard reads.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(chunked_cookie_session::axum::CsrfLayer::default().limit() > 0);
    /// ```
    pub fn limit(&self) -> usize {
        self.form_limit
    }
}

impl<S> Layer<S> for CsrfLayer {
    type Service = CsrfService<S>;

    fn layer(&self, inner: S) -> CsrfService<S> {
        CsrfService {
            inner,
            form_limit: self.form_limit,
        }
    }
}

/// The service [`CsrfLayer`] wraps around an inner service.
///
/// # Example
///
/// ```
/// use tower::Layer;
/// let route: axum::routing::MethodRouter = axum::routing::post(|| async { "done" });
/// let service = chunked_cookie_session::axum::CsrfLayer::new().layer(route);
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct CsrfService<S> {
    inner: S,
    form_limit: usize,
}

impl<S> fmt::Debug for CsrfService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfService")
            .field("form_limit", &self.form_limit)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<Request<B>> for CsrfService<S>
where
    S: Service<Request<Body>, Response: IntoResponse, Future: Send> + Clone + Send + 'static,
    B: HttpBody<Data = Bytes, Error: Into<BoxError>> + Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxedCall<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let mut inner = take_ready(&mut self.inner);
        let form_limit = self.form_limit;
        Box::pin(async move {
            let request = request.map(Body::new);
            match guard(request, form_limit).await {
                Ok(request) => Ok(inner.call(request).await?.into_response()),
                Err(refusal) => Ok(refusal),
            }
        })
    }
}

/// The request, its body put back if it was read, when it may go on; else the answer.
async fn guard(request: Request<Body>, form_limit: usize) -> Result<Request<Body>, Response> {
    let method = request.method().as_str().to_owned();
    if csrf::is_safe_method(&method) {
        return Ok(request);
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        tracing::error!("{OUTSIDE_SESSION}");
        return Err((StatusCode::INTERNAL_SERVER_ERROR, OUTSIDE_SESSION).into_response());
    };
    let headers = request.headers();
    let found = Submitted::find(
        headers.get(csrf::HEADER).map(HeaderValue::as_bytes),
        headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes),
    );
    let (verdict, request) = match found {
        Submitted::Header(token) => (csrf::require(&session, Some(token)), request),
        Submitted::Nowhere => (csrf::require(&session, None), request),
        Submitted::Form => {
            let (parts, body) = request.into_parts();
            let announced = parts.headers.get(CONTENT_LENGTH);
            if announced.and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
                > Some(form_limit)
            {
                return Err((StatusCode::PAYLOAD_TOO_LARGE, FORM_TOO_LARGE).into_response());
            }
            let Ok(bytes) = ::axum::body::to_bytes(body, form_limit).await else {
                return Err((StatusCode::BAD_REQUEST, FORM_UNREADABLE).into_response());
            };
            let token = form_token(&bytes);
            let verdict = csrf::require(&session, token.as_deref());
            (verdict, Request::from_parts(parts, Body::from(bytes)))
        }
    };
    match verdict {
        Ok(()) => Ok(request),
        Err(rejection) => {
            let body = csrf_refused(&method, request.uri().path(), rejection);
            Err((StatusCode::FORBIDDEN, body).into_response())
        }
    }
}
