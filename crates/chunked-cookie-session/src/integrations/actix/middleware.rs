//! The session middleware: [`SessionMiddleware`] gives every request a [`Session`], the
//! extractor hands it to handlers, and the session's errors answer as actix-web errors.

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    CACHE_CONTROL, COOKIE, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT, VARY,
};
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::engine::SessionEngine;
use crate::error::{GetError, InsertError, SaveError};
use crate::integrations::{
    Adapter, READ_FAILED, SAVE_FAILED, UPDATE_FAILED, copy_headers, log_entry_error,
    log_revocation_answer, log_save_error, revocation_answer,
};
use crate::revocation::RevocationError;
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
#[derive(Clone)]
pub struct SessionMiddleware {
    adapter: Adapter<HttpResponse>,
}

impl fmt::Debug for SessionMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.adapter.debug("SessionMiddleware", f)
    }
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
        SessionMiddleware {
            adapter: Adapter::new(engine, |_| plain_500(SAVE_FAILED)),
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
    /// use actix_web::HttpResponse;
    /// use actix_web::http::header::LOCATION;
    /// use chunked_cookie_session::actix::SessionMiddleware;
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    ///
    /// let middleware = SessionMiddleware::new(engine).on_save_error(|err| {
    ///     tracing::warn!("cart too big: {err}");
    ///     HttpResponse::SeeOther().insert_header((LOCATION, "/cart?full=1")).finish()
    /// });
    /// ```
    #[must_use]
    pub fn on_save_error<F>(self, handler: F) -> SessionMiddleware
    where
        F: Fn(&SaveError) -> HttpResponse + Send + Sync + 'static,
    {
        SessionMiddleware {
            adapter: self.adapter.on_save_error(handler),
        }
    }

    /// The engine behind the middleware.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let middleware = chunked_cookie_session::actix::SessionMiddleware::new(engine);
    /// assert_eq!(middleware.engine().config().name(), "__Host-session");
    /// ```
    pub fn engine(&self) -> &SessionEngine {
        self.adapter.engine()
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
            middleware: self.clone(),
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
    middleware: SessionMiddleware,
}

impl<S> fmt::Debug for SessionMiddlewareService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.middleware.adapter.debug("SessionMiddlewareService", f)
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
        let fields = request.headers().get_all(COOKIE);
        let user_agent = request.headers().get(USER_AGENT).map(HeaderValue::as_bytes);
        let session = self
            .middleware
            .adapter
            .load(fields.map(HeaderValue::as_bytes), user_agent);
        request.extensions_mut().insert(session.clone());
        let service = Rc::clone(&self.service);
        let middleware = self.middleware.clone();
        Box::pin(async move {
            let response = service.call(request).await?;
            Ok(finish(&middleware, &session, response))
        })
    }
}

/// Applies the engine's verdict to the handler's response.
fn finish<B>(
    middleware: &SessionMiddleware,
    session: &Session,
    response: ServiceResponse<B>,
) -> ServiceResponse<EitherBody<B>> {
    let headers = response.headers();
    let (outcome, replacement) = middleware.adapter.finish(
        session,
        response.status().as_u16(),
        headers.contains_key(CACHE_CONTROL),
        headers.get_all(VARY).map(HeaderValue::as_bytes),
    );
    let mut response = match replacement {
        Some(replacement) => response.into_response(replacement).map_into_right_body(),
        None => response.map_into_left_body(),
    };
    let headers = response.headers_mut();
    copy_headers(&outcome, |name, value| {
        HeaderValue::from_str(value)
            .map(|value| headers.append(HeaderName::from_static(name), value))
            .is_ok()
    });
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

/// `?` on [`Session::get`] in a handler answers `500`, and logs the entry's key.
impl ResponseError for GetError {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        log_entry_error(self);
        plain_500(READ_FAILED)
    }
}

/// `?` on [`Session::insert`] in a handler answers `500`, and logs the entry's key.
impl ResponseError for InsertError {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        log_entry_error(self);
        plain_500(UPDATE_FAILED)
    }
}

/// `?` on [`Session::check`] or [`Session::try_insert_value`] in a handler answers `500`
/// with a body that names nothing of the session, and logs the error with its sizes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::Session;
///
/// async fn add_note(session: Session, note: String) -> actix_web::Result<&'static str> {
///     session.try_insert_value("note", note.into())?;
///     Ok("kept")
/// }
/// let _app = actix_web::App::new().route("/", actix_web::web::put().to(add_note));
/// ```
impl ResponseError for SaveError {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        log_save_error(self);
        plain_500(SAVE_FAILED)
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
/// `.await` the call: it suspends the task, never blocks the worker's thread.
///
/// # Example
///
/// ```
/// use actix_web::web;
/// use chunked_cookie_session::Session;
/// use chunked_cookie_session::revocation::SessionId;
///
/// async fn logout(session: Session) -> actix_web::Result<&'static str> {
///     session.revoke().await?; // every copy of the cookies is refused from now on
///     Ok("bye")
/// }
///
/// async fn sign_out_everywhere(session: Session) -> actix_web::Result<&'static str> {
///     session.revoke_everywhere().await?;
///     Ok("signed out on every device")
/// }
///
/// async fn devices(session: Session) -> actix_web::Result<web::Json<Vec<String>>> {
///     let devices = session.devices().await?;
///     Ok(web::Json(devices.iter().map(|device| device.session_id.to_string()).collect()))
/// }
///
/// async fn sign_out_device(
///     session: Session,
///     id: web::Path<String>,
/// ) -> actix_web::Result<&'static str> {
///     let id: SessionId = id.parse().map_err(chunked_cookie_session::revocation::RevocationError::from)?;
///     match session.revoke_device(id).await? {
///         true => Ok("signed out"),
///         false => Ok("not one of your sessions"),
///     }
/// }
///
/// let _app = actix_web::App::new()
///     .route("/logout", web::post().to(logout))
///     .route("/sign-out-everywhere", web::post().to(sign_out_everywhere))
///     .route("/devices", web::get().to(devices))
///     .route("/devices/{id}", web::delete().to(sign_out_device));
/// ```
impl ResponseError for RevocationError {
    fn status_code(&self) -> StatusCode {
        let (status, _, _) = revocation_answer(self);
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let (status, body, retry) = revocation_answer(self);
        log_revocation_answer(self, status);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = HttpResponse::build(status);
        response.content_type("text/plain; charset=utf-8");
        if retry {
            response.insert_header((RETRY_AFTER, "1"));
        }
        response.body(body.into_owned())
    }
}

/// A plain-text 500 with `body`.
fn plain_500(body: &'static str) -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body(body)
}
