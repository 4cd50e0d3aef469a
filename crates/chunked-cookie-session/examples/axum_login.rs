//! Log-in with axum-login 0.18 and flash messages with axum-messages 0.8, both unchanged,
//! on a session kept entirely in chunked cookies (feature `tower-sessions`).
//!
//! ```sh
//! cargo run -p chunked-cookie-session --example axum_login --features tower-sessions
//! # then open http://127.0.0.1:3000 and log in as ada / lovelace
//! ```
//!
//! The whole session (axum-login's user id and `session_auth_hash`, axum-messages' queue,
//! the CSRF token and 4.5 KB of the user's recent documents) travels in the `session`,
//! `session_1`, … cookies: no Redis, no database. It travels encrypted
//! ([`SessionEngine::private`](chunked_cookie_session::SessionEngine::private)): what
//! axum-login keeps in the session is nobody's business but the server's, and
//! `TowerSessions::new` refuses an engine whose sessions a client could read. The assembly is
//! axum-login's documented one, with [`TowerSessions`] in place of a `SessionManagerLayer`
//! over a store:
//!
//! ```text
//! let sessions = TowerSessions::new(engine)?; // a private (encrypted) engine
//! let auth = AuthManagerLayerBuilder::new(backend, sessions.session_manager_layer()).build();
//! router.layer(MessagesManagerLayer).layer(auth).layer(sessions.layer())
//! ```
//!
//! Logout holds: the engine has a revocation store (`shared::engine`), and the relay
//! revokes the session when axum-login's `logout` flushes it (and the pre-login session
//! when `login` cycles its id), so a copy of the cookies taken before logout is refused
//! after it, with no code here. The login binds the session to the user
//! ([`Session::set_subject`]), so "log out everywhere" ends every session of the user.
//!
//! The tests in `tests/ecosystem` drive this very router over 127.0.0.1, with the same
//! login scenario as `actix_login.rs`; `shared/` holds what the two examples share.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Json};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use axum_login::{AuthManagerLayerBuilder, AuthSession, AuthUser, AuthnBackend, UserId};
use axum_messages::{Messages, MessagesManagerLayer};
use chunked_cookie_session::tower_sessions::{TowerSessions, UnencryptedEngine};
use chunked_cookie_session::{LoadReason, Session, SessionEngine, csrf, generate_secret};
use serde::Deserialize;
use serde_json::json;

#[path = "shared/mod.rs"]
mod shared;
pub use shared::engine;

/// A user of the toy backend.
#[derive(Clone)]
pub struct User {
    id: i64,
    name: String,
    /// A real application keeps a password hash (argon2, say), never the password.
    password: String,
    /// What axum-login keeps in the session to tell that the user's credentials did not
    /// change since the login: random, stored with the user, and replaced when the password
    /// changes, which logs the user out everywhere. It says nothing about the password.
    session_stamp: String,
}

impl std::fmt::Debug for User {
    // No password in the logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.session_stamp.as_bytes()
    }
}

/// What the backend checks.
#[derive(Clone)]
pub struct Credentials {
    name: String,
    password: String,
}

impl std::fmt::Debug for Credentials {
    // No password in the logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// An in-memory user table, as axum-login's examples have one.
#[derive(Clone, Debug)]
pub struct Backend {
    users: Arc<HashMap<i64, User>>,
}

impl Default for Backend {
    fn default() -> Backend {
        let ada = User {
            id: 1,
            name: "ada".to_owned(),
            password: "lovelace".to_owned(),
            session_stamp: generate_secret(),
        };
        Backend {
            users: Arc::new(HashMap::from([(ada.id, ada)])),
        }
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = std::convert::Infallible;

    async fn authenticate(&self, credentials: Credentials) -> Result<Option<User>, Self::Error> {
        let found = self.users.values().find(|user| {
            // A real application verifies a password hash (argon2, say).
            user.name == credentials.name && user.password == credentials.password
        });
        Ok(found.cloned())
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, Self::Error> {
        Ok(self.users.get(id).cloned())
    }
}

type Auth = AuthSession<Backend>;

/// The login form.
#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    csrf_token: String,
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
struct CsrfForm {
    csrf_token: String,
}

/// The application: every route, with axum-login, axum-messages and the chunked session.
///
/// # Errors
///
/// [`UnencryptedEngine`] when `engine` does not encrypt: see [`TowerSessions::new`].
pub fn app(engine: SessionEngine) -> Result<Router, UnencryptedEngine> {
    let sessions = TowerSessions::new(engine)?;
    let auth =
        AuthManagerLayerBuilder::new(Backend::default(), sessions.session_manager_layer()).build();
    Ok(Router::new()
        .route("/protected", get(protected))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route_layer(axum_login::login_required!(Backend, login_url = "/login"))
        .route("/", get(|| async { Redirect::to("/protected") }))
        .route("/login", get(login_page).post(login))
        .route("/whoami", get(whoami))
        .layer(MessagesManagerLayer)
        .layer(auth)
        .layer(sessions.layer()))
}

async fn login_page(auth: Auth, messages: Messages) -> Result<Html<String>, Response> {
    let token = csrf::tower_token(&auth.session).await.map_err(internal)?;
    Ok(Html(shared::login_page(&render(messages), &token)))
}

async fn login(
    mut auth: Auth,
    session: Session,
    messages: Messages,
    Form(form): Form<LoginForm>,
) -> Response {
    if !csrf::tower_verify(&auth.session, &form.csrf_token).await {
        return (StatusCode::FORBIDDEN, shared::FORGED).into_response();
    }
    let credentials = Credentials {
        name: form.name,
        password: form.password,
    };
    let user = match auth.authenticate(credentials).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            messages.error("Wrong name or password.");
            return Redirect::to("/login").into_response();
        }
        Err(err) => return internal(err),
    };
    // `login` cycles tower-sessions' id: a fresh session (new session id, generation id
    // and lifetime), the pre-login session revoked, and the CSRF token of the anonymous
    // page dropped with it.
    if let Err(err) = auth.login(&user).await {
        return internal(err);
    }
    // The user the session belongs to, for "log out everywhere" (an opaque id, not the
    // name: the subject travels with the session).
    if let Err(err) = session.set_subject(user.id.to_string()) {
        return internal(err);
    }
    if let Err(err) = auth
        .session
        .insert("recent", shared::recent_documents())
        .await
    {
        return internal(err);
    }
    messages.success(format!("Welcome, {}!", user.name));
    Redirect::to("/protected").into_response()
}

async fn protected(auth: Auth, messages: Messages) -> Result<Html<String>, Response> {
    let name = auth.user.as_ref().map_or("?", |user| &user.name).to_owned();
    let recent: Vec<String> = auth
        .session
        .get("recent")
        .await
        .map_err(internal)?
        .unwrap_or_default();
    let token = csrf::tower_token(&auth.session).await.map_err(internal)?;
    Ok(Html(shared::protected_page(
        &render(messages),
        &name,
        recent.len(),
        &token,
    )))
}

async fn logout(mut auth: Auth, messages: Messages, Form(form): Form<CsrfForm>) -> Response {
    if !csrf::tower_verify(&auth.session, &form.csrf_token).await {
        return (StatusCode::FORBIDDEN, shared::FORGED).into_response();
    }
    // `logout` flushes the session: it is revoked (a copy of its cookies is refused from
    // now on), every cookie is deleted, and the flash message below starts a fresh
    // session in the same response.
    if let Err(err) = auth.logout().await {
        return internal(err);
    }
    messages.info("You have been logged out.");
    Redirect::to("/login").into_response()
}

async fn logout_everywhere(
    mut auth: Auth,
    session: Session,
    messages: Messages,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf::tower_verify(&auth.session, &form.csrf_token).await {
        return (StatusCode::FORBIDDEN, shared::FORGED).into_response();
    }
    // Every session of the user created before now, on every device, this one included;
    // then axum-login's own logout, so that its record is not written again afterwards.
    if let Err(err) = session.revoke_everywhere().await {
        // Revoked on this server whatever Redis said; logged, and the logout goes on.
        tracing::warn!("log out everywhere: {err}");
    }
    if let Err(err) = auth.logout().await {
        return internal(err);
    }
    messages.info("You have been logged out on every device.");
    Redirect::to("/login").into_response()
}

/// What the server knows about the request's session, as JSON: the user, why the session
/// was accepted or refused, and tower-sessions' id.
async fn whoami(auth: Auth, Extension(reason): Extension<LoadReason>) -> Json<serde_json::Value> {
    Json(json!({
        "user": auth.user.as_ref().map(|user| user.name.clone()),
        "load": reason.as_str(),
        "id": auth.session.id().map(|id| id.to_string()),
    }))
}

fn render(messages: Messages) -> String {
    messages
        .map(|message| shared::flash(&message.level.to_string(), &message.message))
        .collect()
}

fn internal(err: impl std::fmt::Display) -> Response {
    tracing::error!("{err}");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = app(engine())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
