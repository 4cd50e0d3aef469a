//! The page and the JSON API. Handlers only translate between HTTP and the session: sizes,
//! limits, load reasons and every rule of revocation come from the engine and its store.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chunked_cookie_session::axum::SessionLayer;
use chunked_cookie_session::flask::{self, EntryError, PyValue};
use chunked_cookie_session::revocation::{Freshness, RevocationError, SessionId, check_subject};
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, LoadReason, SaveError, Session, SessionEngine,
};
use serde_json::{Value, json};

use crate::setup::Revocations;

/// The single page, with its styles and script inline: the playground works offline.
const PAGE: &str = include_str!("page.html");

/// Header limits the page draws against the whole `Cookie` line: nginx's and Apache's
/// per-line default, and the HTTP/2 header-list default of hyper and many proxies.
const HEADER_LIMITS: [usize; 2] = [8 * 1024, 16 * 1024];

#[derive(Clone)]
struct AppState {
    engine: SessionEngine,
    body: BodyJson,
    revocations: Revocations,
}

/// How a `PUT` body is read as a session entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyJson {
    /// JSON, as serde_json reads it: the native formats.
    Plain,
    /// Python's JSON with Flask's tags (big ints, `NaN`), as a Flask app would store it.
    Python,
}

/// The whole application: the page, the API, and the session layer around them.
pub fn router(engine: SessionEngine, body: BodyJson, revocations: Revocations) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/health", get(health))
        .route("/api/session", get(show).delete(purge))
        .route("/api/session/{key}", axum::routing::put(set).delete(remove))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/sign-out-everywhere", post(sign_out_everywhere))
        .route("/api/sessions", get(devices))
        .route("/api/sessions/{id}", delete(revoke_device))
        .with_state(AppState {
            engine: engine.clone(),
            body,
            revocations,
        })
        .layer(SessionLayer::new(engine))
}

async fn page() -> impl IntoResponse {
    ([(CACHE_CONTROL, "no-store")], Html(PAGE))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn show(State(app): State<AppState>, session: Session) -> Response {
    view(&app, &session, session.load_reason())
}

async fn set(
    State(app): State<AppState>,
    Path(key): Path<String>,
    session: Session,
    body: Bytes,
) -> Response {
    let bad_body = || {
        error(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body must be one JSON value, such as \"text\", 42 or {\"a\": 1}"}),
        )
    };
    // A change that does not fit leaves the session, and so the client's cookies, as
    // they were.
    let inserted = match app.body {
        // Flask's tagged JSON: each tag is the Python value Flask reads from it, stored as
        // that value. A tag Flask cannot read is the client's mistake (422 below).
        BodyJson::Python => match python_value(&body) {
            Some(Ok(python)) => session.try_insert(&key, python),
            Some(Err(err)) => return unreadable(&key, &err),
            None => return bad_body(),
        },
        // Plain JSON, stored as it is: an object is an object, whatever its keys.
        BodyJson::Plain => match serde_json::from_slice::<Value>(&body) {
            Ok(value) => session.try_insert_value(&key, value),
            Err(_) => return bad_body(),
        },
    };
    match inserted {
        Ok(_) => view(&app, &session, session.load_reason()),
        Err(err) => refused(&err),
    }
}

/// The entries as the page shows them: Flask's tagged JSON in Flask mode (its tags are
/// Python's types), the plain JSON the Rust API reads otherwise.
fn entries(body: BodyJson, session: &Session) -> Value {
    match (body, session.python_entries()) {
        (BodyJson::Python, Ok(python)) => Value::Object(
            python
                .into_iter()
                .map(|(key, value)| (key, value.into_tagged()))
                .collect(),
        ),
        _ => Value::Object(session.entries()),
    }
}

/// A body in Python's JSON with Flask's tags (big ints and `NaN` included), as the Python
/// value Flask reads from it; the reason Flask could not read its tags; `None` for a body
/// that is not JSON.
fn python_value(body: &[u8]) -> Option<Result<PyValue, EntryError>> {
    let text = std::str::from_utf8(body).ok()?;
    if let Ok(tagged) = flask::value_from_json(text) {
        return Some(PyValue::from_tagged(&tagged));
    }
    // JSON whose tags Flask cannot read: the reason, tag named.
    let json: Value = serde_json::from_str(text).ok()?;
    Some(PyValue::from_tagged(&json))
}

/// 422 for a body whose tags Flask cannot read, naming the entry and the tag.
fn unreadable(key: &str, err: &EntryError) -> Response {
    error(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"error": format!(
            "the entry {key:?} is not valid in Flask's tagged JSON: {err}. Nothing was changed."
        )}),
    )
}

async fn remove(
    State(app): State<AppState>,
    Path(key): Path<String>,
    session: Session,
) -> Response {
    session.remove(&key);
    view(&app, &session, session.load_reason())
}

async fn purge(State(app): State<AppState>, session: Session) -> Response {
    // The reason is read first: a purged session is never decoded.
    let reason = session.load_reason();
    session.purge();
    view(&app, &session, reason)
}

/// `POST /api/login` with `{"user": NAME}`: a new session id (the session renewed, its
/// entries kept) bound to the user NAME, as an application does at login.
async fn login(State(app): State<AppState>, session: Session, body: Bytes) -> Response {
    let user = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|body| body.get("user")?.as_str().map(str::to_owned));
    let Some(user) = user else {
        return error(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body must be {\"user\": NAME}"}),
        );
    };
    // Checked before anything changes: a refused name leaves the session as it was.
    if let Err(err) = check_subject(&user) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("user: {err}")}),
        );
    }
    let reason = session.load_reason();
    session.renew();
    if let Err(err) = session.set_subject(user) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("user: {err}")}),
        );
    }
    view(&app, &session, reason)
}

/// `POST /api/logout`: revokes this session (every copy of its cookies, on every
/// playground sharing the store) and deletes its cookies. Always a 200 with the view: the
/// session ends here whatever Redis says, and `revocation` says whether Redis confirmed it.
async fn logout(State(app): State<AppState>, session: Session) -> Response {
    let reason = session.load_reason();
    let outcome = session.revoke().await.map(|()| Value::Null);
    with_revocation(&app, &session, reason, outcome)
}

/// `POST /api/sign-out-everywhere`: revokes every session of the current user created
/// before now, this one included, on every playground sharing the store. 409 when nobody
/// is logged in.
async fn sign_out_everywhere(State(app): State<AppState>, session: Session) -> Response {
    let reason = session.load_reason();
    match session.revoke_everywhere().await {
        Err(err @ RevocationError::NoSubject) => revocation_error(err),
        outcome => with_revocation(&app, &session, reason, outcome.map(Value::from)),
    }
}

/// `GET /api/sessions`: the current user's sessions, as the device registry knows them.
/// 404 without `--registry`, 409 when nobody is logged in, 503 when Redis does not answer.
async fn devices(State(app): State<AppState>, session: Session) -> Response {
    if !app.revocations.registry {
        return no_registry();
    }
    let current = session.subject().and_then(|_| session.id().ok());
    match session.devices().await {
        Ok(devices) => {
            let sessions: Vec<Value> = devices
                .iter()
                .map(|device| {
                    json!({
                        "id": device.session_id.to_string(),
                        "created": device.created,
                        "last_seen": device.last_seen,
                        "user_agent": device.user_agent,
                        "expires_at": device.expires_at,
                        "current": Some(device.session_id) == current,
                    })
                })
                .collect();
            json_response(StatusCode::OK, &json!({"sessions": sessions}))
        }
        Err(err) => revocation_error(err),
    }
}

/// `DELETE /api/sessions/{id}`: revokes one of the current user's sessions ("sign out that
/// device"): 200 `{"revoked": ID}`; 404 for an id that is not one of theirs (or without
/// `--registry`), 400 for what is not an id, 409 when nobody is logged in.
async fn revoke_device(
    State(app): State<AppState>,
    Path(id): Path<String>,
    session: Session,
) -> Response {
    if !app.revocations.registry {
        return no_registry();
    }
    let id: SessionId = match id.parse() {
        Ok(id) => id,
        Err(err) => return revocation_error(RevocationError::from(err)),
    };
    match session.revoke_device(id).await {
        Ok(true) => json_response(StatusCode::OK, &json!({"revoked": id.to_string()})),
        Ok(false) => error(
            StatusCode::NOT_FOUND,
            json!({"error": "no session with this id among the current user's sessions"}),
        ),
        Err(err) => revocation_error(err),
    }
}

fn no_registry() -> Response {
    error(
        StatusCode::NOT_FOUND,
        json!({"error": "the device registry is off: start the playground with --registry"}),
    )
}

/// A revocation call that did not do what was asked, with the status the library's axum
/// adapter gives it (409 nobody logged in, 404 no registry, 400 not an id, 503 Redis did
/// not answer) and a JSON body.
fn revocation_error(err: RevocationError) -> Response {
    let message = match &err {
        RevocationError::NoSubject => {
            "nobody is logged in: POST /api/login with {\"user\": NAME} first".to_owned()
        }
        RevocationError::RegistryDisabled => {
            "the device registry is off: start the playground with --registry".to_owned()
        }
        other => other.to_string(),
    };
    let status = err.into_response().status();
    error(status, json!({"error": message}))
}

/// The view, with `revocation`: whether the store confirmed the call (and the epoch of a
/// sign-out-everywhere), or what it said instead (the call applied on this playground all
/// the same).
fn with_revocation(
    app: &AppState,
    session: &Session,
    reason: LoadReason,
    outcome: Result<Value, RevocationError>,
) -> Response {
    let mut body = view_body(app, session, reason);
    body["revocation"] = match outcome {
        Ok(Value::Null) => json!({"confirmed": true}),
        Ok(epoch) => json!({"confirmed": true, "epoch": epoch}),
        Err(err) => json!({"confirmed": false, "message": err.to_string()}),
    };
    json_response(StatusCode::OK, &body)
}

fn error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The answer to a change the session cannot hold: 413 with the sizes for an overflow,
/// 422 with the reason for a value no reader would take back (nested too deep, too large
/// to inflate, not valid in Flask's tagged JSON). Either way the client's fault, and
/// nothing was changed.
fn refused(err: &SaveError) -> Response {
    match (err.code(), err.needed(), err.limit(), err.chunks()) {
        ("overflow", Some(needed), Some(limit), Some((chunks, max_chunks))) => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({
                "error": format!(
                    "the session would need {needed} bytes of Cookie header in {chunks} cookies; \
                     the budget is {limit} bytes in {max_chunks} cookies. Nothing was changed."
                ),
                "needed": needed,
                "limit": limit,
                "chunks": chunks,
                "max_chunks": max_chunks,
            }),
        ),
        ("invalid-entry" | "too-deep" | "too-large", ..) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("{err}. Nothing was changed.")}),
        ),
        _ => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": err.to_string()}),
        ),
    }
}

/// The session as JSON, with the cookies the browser will hold once this response lands.
fn view(app: &AppState, session: &Session, reason: LoadReason) -> Response {
    json_response(StatusCode::OK, &view_body(app, session, reason))
}

/// A JSON body that no cache keeps.
fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The session as JSON, with the cookies the browser will hold once this response lands:
/// the engine's own account of the request's cookies and of what the layer is about to
/// write (computing it here has no side effect), and the session's identity when the
/// browser will hold a session.
fn view_body(app: &AppState, session: &Session, reason: LoadReason) -> Value {
    let engine = &app.engine;
    let request = session.request_cookies();
    // Over budget the layer writes nothing, and the browser keeps what it sent.
    let outcome = engine.save(session).unwrap_or_default();
    let cookies: Vec<Value> = outcome
        .held(&request)
        .iter()
        .map(|held| {
            json!({
                "name": engine.chunk_name(held.index),
                "bytes": held.bytes,
            })
        })
        .collect();
    let header = outcome.next_cookie_header_len(&request);
    // "Cookie: " counts against a proxy's header-line limit too.
    let cookie_line = if header == 0 {
        0
    } else {
        "Cookie: ".len() + header
    };
    let subject = session.subject();
    // A session with nothing in it is written nowhere, so it has no id to show (asking
    // for one would draw an id nobody keeps).
    let session_id = (!session.is_empty() || subject.is_some())
        .then(|| session.id().ok())
        .flatten()
        .map(|id| id.to_string());
    let freshness = engine
        .revocation()
        .map(|store| freshness_name(store.freshness()));
    let config = engine.config();
    json!({
        "entries": entries(app.body, session),
        "load": reason.as_str(),
        "load_detail": reason.describe(),
        "session_id": session_id,
        "subject": subject,
        "cookies": cookies,
        "cookie_line": cookie_line,
        "limits": {
            "cookie": BROWSER_NAME_VALUE_LIMIT,
            "header": HEADER_LIMITS,
            "max_size": config.max_size(),
            "max_chunks": config.max_chunks(),
        },
        "cookie_name": config.name(),
        "revocation_store": {
            "store": app.revocations.store,
            "registry": app.revocations.registry,
            "freshness": freshness,
        },
    })
}

/// How current the store is, in a word: `local` (memory), `fresh`, `stale` or
/// `never-synced`.
fn freshness_name(freshness: Freshness) -> &'static str {
    match freshness {
        Freshness::Local => "local",
        Freshness::Fresh(_) => "fresh",
        Freshness::Stale(_) => "stale",
        _ => "never-synced",
    }
}
