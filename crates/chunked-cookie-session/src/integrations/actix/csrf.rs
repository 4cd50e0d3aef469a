//! The CSRF guard for actix-web: [`CsrfMiddleware`] refuses, with a 403 of its own, every
//! request of an unsafe method that does not carry the session's CSRF token.

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{Error, HttpMessage, HttpResponse, web};

use crate::csrf;
use crate::integrations::{Submitted, csrf_refused, form_token};
use crate::session::Session;

/// The answer to a request the guard sees without a session: a bug of the application.
const OUTSIDE_SESSION: &str = "CsrfMiddleware found no session: wrap it inside \
SessionMiddleware, that is before it with App::wrap\n";

/// actix-web middleware that guards every route against cross-site request forgery.
///
/// A request of a safe method (`GET`, `HEAD`, `OPTIONS`, `TRACE`: see
/// [`csrf::is_safe_method`]) goes through. Any other must carry the session's token
/// ([`csrf::token`], which the page that shows the form puts in it): in the `x-csrf-token`
/// header ([`csrf::HEADER`], for scripts) or, in a URL-encoded form, in the `csrf_token`
/// field ([`csrf::FORM_FIELD`]). Else the middleware answers `403` itself, with a
/// plain-text body that says what was missing or wrong, and logs it; the handler never
/// runs. The middleware reads a form's body within the application's `PayloadConfig` limit
/// (256 KiB by default; over it, `413`) and hands it on unchanged, so the handler's
/// `web::Form` extractor still works.
///
/// Wrap it inside the [`SessionMiddleware`](super::SessionMiddleware): with `App::wrap`,
/// before it. The helper functions of [`csrf`] stay, for handlers that check a token
/// themselves.
///
/// # Example
///
/// ```
/// use actix_web::{App, test, web};
/// use chunked_cookie_session::actix::{CsrfMiddleware, SessionMiddleware};
/// use chunked_cookie_session::{Key, KeyRing, Session, SessionConfig, SessionEngine, csrf};
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
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(CsrfMiddleware::new()) // inside the session middleware
///         .wrap(SessionMiddleware::new(engine))
///         .route("/transfer", web::get().to(form))
///         .route("/transfer", web::post().to(transfer)),
/// )
/// .await;
/// let forged = test::TestRequest::post()
///     .uri("/transfer")
///     .insert_header(("content-type", "application/x-www-form-urlencoded"))
///     .set_payload("amount=1000")
///     .to_request();
/// let response = test::call_service(&app, forged).await;
/// assert_eq!(response.status(), 403);
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct CsrfMiddleware {
    _private: (),
}

impl CsrfMiddleware {
    /// The guard.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::actix::CsrfMiddleware;
    /// let app = actix_web::App::new().wrap(CsrfMiddleware::new());
    /// # let _ = app;
    /// ```
    pub fn new() -> CsrfMiddleware {
        CsrfMiddleware::default()
    }
}

impl<S, B> Transform<S, ServiceRequest> for CsrfMiddleware
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Transform = CsrfMiddlewareService<S>;
    type Future = Ready<Result<CsrfMiddlewareService<S>, ()>>;
    type InitError = ();
    // The handler's body, or the guard's own answer.
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;

    fn new_transform(&self, service: S) -> Self::Future {
        let service = Rc::new(service);
        ready(Ok(CsrfMiddlewareService { service }))
    }
}

/// The service [`CsrfMiddleware`] wraps around the application's; built by actix-web.
///
/// # Example
///
/// ```
/// // Not named in application code: `App::wrap` builds it from the middleware.
/// fn assert_service<S>(_: Option<chunked_cookie_session::actix::CsrfMiddlewareService<S>>) {}
/// assert_service::<()>(None);
/// ```
pub struct CsrfMiddlewareService<S> {
    service: Rc<S>,
}

impl<S> fmt::Debug for CsrfMiddlewareService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfMiddlewareService")
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for CsrfMiddlewareService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            match guard(request).await {
                Ok(request) => Ok(service.call(request).await?.map_into_left_body()),
                Err(refusal) => Ok(refusal.map_into_right_body()),
            }
        })
    }
}

/// The request, its body put back if it was read, when it may go on; else the answer.
async fn guard(mut request: ServiceRequest) -> Result<ServiceRequest, ServiceResponse> {
    if csrf::is_safe_method(request.method().as_str()) {
        return Ok(request);
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        tracing::error!("{OUTSIDE_SESSION}");
        let answer = HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(OUTSIDE_SESSION);
        return Err(request.into_response(answer));
    };
    let headers = request.headers();
    let found = Submitted::find(
        headers.get(csrf::HEADER).map(HeaderValue::as_bytes),
        headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes),
    );
    let verdict = match found {
        Submitted::Header(token) => csrf::require(&session, Some(token)),
        Submitted::Nowhere => csrf::require(&session, None),
        Submitted::Form => {
            let bytes = match request.extract::<web::Bytes>().await {
                Ok(bytes) => bytes,
                Err(err) => return Err(request.error_response(err)),
            };
            let token = form_token(&bytes);
            request.set_payload(Payload::from(bytes));
            csrf::require(&session, token.as_deref())
        }
    };
    match verdict {
        Ok(()) => Ok(request),
        Err(rejection) => {
            let body = csrf_refused(request.method().as_str(), request.path(), rejection);
            let refusal = HttpResponse::Forbidden()
                .content_type("text/plain; charset=utf-8")
                .body(body);
            Err(request.into_response(refusal))
        }
    }
}
