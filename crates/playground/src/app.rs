//! The page and the JSON API. Handlers only translate between HTTP and the session: sizes,
//! limits and load reasons all come from the engine.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chunked_cookie_session::axum::SessionLayer;
use chunked_cookie_session::flask::{self, EntryError, PyValue};
use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, LoadReason, SaveError, Session, SessionEngine,
};
use serde_json::{Value, json};

/// The single page, with its styles and script inline: the playground works offline.
const PAGE: &str = include_str!("page.html");

/// Header limits the page draws against the whole `Cookie` line: nginx's and Apache's
/// per-line default, and the HTTP/2 header-list default of hyper and many proxies.
const HEADER_LIMITS: [usize; 2] = [8 * 1024, 16 * 1024];

#[derive(Clone)]
struct AppState {
    engine: SessionEngine,
    body: BodyJson,
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
pub fn router(engine: SessionEngine, body: BodyJson) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/health", get(health))
        .route("/api/session", get(show).delete(purge))
        .route("/api/session/{key}", axum::routing::put(set).delete(remove))
        .with_state(AppState {
            engine: engine.clone(),
            body,
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

fn error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The answer to a change the session cannot hold: 413 with the sizes for an overflow,
/// 422 with the reason for a value no reader would take back (nested too deep, too large
/// to inflate, not valid in Flask's tagged JSON). Either way the client's fault, and
/// nothing was changed.
fn refused(err: &SaveError) -> Response {
    match *err {
        SaveError::Overflow {
            needed,
            limit,
            chunks,
            max_chunks,
            ..
        } => error(
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
        SaveError::InvalidFlaskEntry { .. }
        | SaveError::TooDeep { .. }
        | SaveError::TooLarge { .. } => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": format!("{err}. Nothing was changed.")}),
        ),
        _ => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": err.to_string()}),
        ),
    }
}

/// The session as JSON, with the cookies the browser will hold once this response lands:
/// the engine's own account of the request's cookies and of what the layer is about to
/// write (computing it here has no side effect).
fn view(app: &AppState, session: &Session, reason: LoadReason) -> Response {
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
    let config = engine.config();
    let body = json!({
        "entries": entries(app.body, session),
        "load": reason.as_str(),
        "load_detail": reason.describe(),
        "cookies": cookies,
        "cookie_line": cookie_line,
        "limits": {
            "cookie": BROWSER_NAME_VALUE_LIMIT,
            "header": HEADER_LIMITS,
            "max_size": config.max_size(),
            "max_chunks": config.max_chunks(),
        },
        "cookie_name": config.name(),
    });
    (
        [
            (CONTENT_TYPE, "application/json"),
            (CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}
