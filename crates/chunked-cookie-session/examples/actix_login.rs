//! Log-in on actix-web with a chunked session, flash messages from
//! actix-web-flash-messages 0.5, and CSRF tokens (features `actix-flash` and `private`).
//!
//! ```sh
//! cargo run -p chunked-cookie-session --example actix_login --features actix-flash,private
//! # then open http://127.0.0.1:8080 and log in as ada / lovelace
//! ```
//!
//! The session is encrypted
//! ([`SessionEngine::private`](chunked_cookie_session::SessionEngine::private)): who is
//! logged in and the user's data are the server's to read, not the client's.
//!
//! actix-identity and actix-session cannot carry a session past one 4 KB cookie (see
//! docs/ECOSYSTEM.md), so this is the pattern they would give you, on this crate's
//! [`Session`]:
//!
//! - [`CurrentUser`], an extractor: the logged-in user, or a redirect to the login form for
//!   a browser asking for a page (`Accept: text/html`) and a 401 for anything else;
//! - login: check the CSRF token and the password, then [`Session::renew`] (a new
//!   generation id and lifetime, and the anonymous page's CSRF token dropped) and store the
//!   user's id;
//! - logout: [`Session::revoke`]: the session is revoked (the engine has a revocation
//!   store, `shared::engine`), so a copy of its cookies taken before is refused after it,
//!   and every cookie is deleted; the flash message sent after it starts a fresh session
//!   in the same response;
//! - log out everywhere: [`Session::revoke_everywhere`], every session of the user (the
//!   login binds it with [`Session::set_subject`]), on every device.
//!
//! The tests in `tests/ecosystem` drive this very application over 127.0.0.1, with the
//! same login scenario as `axum_login.rs`; `shared/` holds what the two examples share.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use actix_web::{
    App, FromRequest, HttpMessage as _, HttpRequest, HttpResponse, HttpServer, ResponseError, web,
};
use actix_web_flash_messages::{FlashMessage, FlashMessagesFramework, IncomingFlashMessages};
use chunked_cookie_session::actix::SessionMiddleware;
use chunked_cookie_session::actix_flash::SessionMessageStore;
use chunked_cookie_session::{Session, SessionEngine, csrf};
use serde::Deserialize;
use serde_json::json;

#[path = "shared/mod.rs"]
mod shared;
pub use shared::engine;

/// The session entry that says who is logged in.
const USER_ID: &str = "user_id";

/// A user of the toy user table.
#[derive(Debug, Clone)]
pub struct User {
    /// What the session keeps under `user_id`.
    pub id: u64,
    /// The name shown on the page.
    pub name: &'static str,
}

/// The user table; a real application asks its database, and verifies a password hash.
fn find_user(id: u64) -> Option<User> {
    (id == 1).then_some(User { id: 1, name: "ada" })
}

fn check_password(name: &str, password: &str) -> Option<User> {
    (name == "ada" && password == "lovelace")
        .then(|| find_user(1))
        .flatten()
}

/// The logged-in user. Extracting it from a request without one answers
/// [`LoginRequired`]: a redirect to the login form for pages, a 401 for the API.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequest for CurrentUser {
    type Error = LoginRequired;
    type Future = Ready<Result<CurrentUser, LoginRequired>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let wants_page = request
            .headers()
            .get(ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        let refused = LoginRequired {
            redirect: wants_page.then(|| format!("/login?next={}", request.path())),
        };
        let Some(session) = request.extensions().get::<Session>().cloned() else {
            return ready(Err(refused));
        };
        let user = session
            .get::<u64>(USER_ID)
            .ok()
            .flatten()
            .and_then(find_user);
        ready(user.map(CurrentUser).ok_or(refused))
    }
}

/// The answer to a request that needs a logged-in user and has none.
#[derive(Debug)]
pub struct LoginRequired {
    redirect: Option<String>,
}

impl std::fmt::Display for LoginRequired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("login required")
    }
}

impl ResponseError for LoginRequired {
    fn status_code(&self) -> StatusCode {
        match self.redirect {
            Some(_) => StatusCode::SEE_OTHER,
            None => StatusCode::UNAUTHORIZED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match &self.redirect {
            Some(to) => HttpResponse::SeeOther()
                .insert_header((LOCATION, to.as_str()))
                .finish(),
            None => HttpResponse::Unauthorized()
                .content_type("text/plain; charset=utf-8")
                .body("login required\n"),
        }
    }
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    csrf_token: String,
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
}

fn forged() -> HttpResponse {
    HttpResponse::Forbidden()
        .content_type("text/plain; charset=utf-8")
        .body(shared::FORGED)
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .finish()
}

fn page(html: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(html)
}

fn render(messages: &IncomingFlashMessages) -> String {
    messages
        .iter()
        .map(|m| shared::flash(&format!("{:?}", m.level()), m.content()))
        .collect()
}

async fn login_page(session: Session, messages: IncomingFlashMessages) -> HttpResponse {
    page(shared::login_page(
        &render(&messages),
        &csrf::token(&session),
    ))
}

async fn login(session: Session, form: web::Form<LoginForm>) -> actix_web::Result<HttpResponse> {
    if !csrf::verify(&session, &form.csrf_token) {
        return Ok(forged());
    }
    let Some(user) = check_password(&form.name, &form.password) else {
        FlashMessage::error("Wrong name or password.").send();
        return Ok(see_other("/login"));
    };
    // A fresh session for the logged-in user: new generation id, new lifetime, and the
    // anonymous page's CSRF token gone.
    session.renew();
    session.insert(USER_ID, user.id)?;
    // The user the session belongs to, for "log out everywhere" (an opaque id, not the
    // name: the subject travels with the session).
    session
        .set_subject(user.id.to_string())
        .map_err(actix_web::error::ErrorInternalServerError)?;
    session.insert("recent", shared::recent_documents())?;
    FlashMessage::success(format!("Welcome, {}!", user.name)).send();
    Ok(see_other("/protected"))
}

async fn protected(
    CurrentUser(user): CurrentUser,
    session: Session,
    messages: IncomingFlashMessages,
) -> actix_web::Result<HttpResponse> {
    let recent: Vec<String> = session.get("recent")?.unwrap_or_default();
    Ok(page(shared::protected_page(
        &render(&messages),
        user.name,
        recent.len(),
        &csrf::token(&session),
    )))
}

/// What the server knows about the request's session, as JSON: the user (or `null`) and
/// why the session was accepted or refused.
async fn whoami(session: Session) -> HttpResponse {
    let user = session
        .get::<u64>(USER_ID)
        .ok()
        .flatten()
        .and_then(find_user);
    HttpResponse::Ok().json(json!({
        "user": user.map(|user| user.name),
        "load": session.load_reason().as_str(),
    }))
}

async fn me(CurrentUser(user): CurrentUser, session: Session) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user": user.name,
        "load": session.load_reason().as_str(),
    }))
}

async fn logout(_user: CurrentUser, session: Session, form: web::Form<CsrfForm>) -> HttpResponse {
    if !csrf::verify(&session, &form.csrf_token) {
        return forged();
    }
    // Revoked on this server before the call returns; the answer says whether Redis, in a
    // fleet, confirmed it. Either way the logout goes on (logged when not confirmed).
    if let Err(err) = session.revoke().await {
        tracing::warn!("logout: {err}");
    }
    FlashMessage::info("You have been logged out.").send();
    see_other("/login")
}

async fn logout_everywhere(
    _user: CurrentUser,
    session: Session,
    form: web::Form<CsrfForm>,
) -> actix_web::Result<HttpResponse> {
    if !csrf::verify(&session, &form.csrf_token) {
        return Ok(forged());
    }
    // `?`: a session bound to no user answers 409; Redis not answering, 503.
    session.revoke_everywhere().await?;
    FlashMessage::info("You have been logged out on every device.").send();
    Ok(see_other("/login"))
}

/// The application. `SessionMiddleware` is wrapped last, so it runs outside
/// `FlashMessagesFramework` and writes the messages the framework stores.
pub fn app(
    engine: SessionEngine,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(FlashMessagesFramework::builder(SessionMessageStore::default()).build())
        .wrap(SessionMiddleware::new(engine))
        .route("/", web::get().to(|| async { see_other("/protected") }))
        .route("/login", web::get().to(login_page))
        .route("/login", web::post().to(login))
        .route("/protected", web::get().to(protected))
        .route("/api/me", web::get().to(me))
        .route("/whoami", web::get().to(whoami))
        .route("/logout", web::post().to(logout))
        .route("/logout-everywhere", web::post().to(logout_everywhere))
}

fn main() -> std::io::Result<()> {
    let engine = engine();
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || app(engine.clone())).bind(("127.0.0.1", 8080))?;
        println!("listening on http://127.0.0.1:8080");
        server.run().await
    })
}
