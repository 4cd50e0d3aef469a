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
    view(&app.engine, &session, session.load_reason())
}

async fn set(
    State(app): State<AppState>,
    Path(key): Path<String>,
    session: Session,
    body: Bytes,
) -> Response {
    let python = || {
        let text = std::str::from_utf8(&body).ok()?;
        chunked_cookie_session::flask::value_from_json(text).ok()
    };
    // JSON that Flask's tags cannot read is still taken as plain JSON, so that the session
    // itself refuses it, with the entry and the tag named (422 below).
    let value = match app.body {
        BodyJson::Python => python().or_else(|| serde_json::from_slice::<Value>(&body).ok()),
        BodyJson::Plain => serde_json::from_slice::<Value>(&body).ok(),
    };
    let Some(value) = value else {
        return error(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body must be one JSON value, such as \"text\", 42 or {\"a\": 1}"}),
        );
    };
    // A change that does not fit leaves the session, and so the client's cookies, as
    // they were.
    match session.try_insert_value(&key, value) {
        Ok(_) => view(&app.engine, &session, session.load_reason()),
        Err(err) => refused(&err),
    }
}

async fn remove(
    State(app): State<AppState>,
    Path(key): Path<String>,
    session: Session,
) -> Response {
    session.remove(&key);
    view(&app.engine, &session, session.load_reason())
}

async fn purge(State(app): State<AppState>, session: Session) -> Response {
    // The reason is read first: a purged session is never decoded.
    let reason = session.load_reason();
    session.purge();
    view(&app.engine, &session, reason)
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
fn view(engine: &SessionEngine, session: &Session, reason: LoadReason) -> Response {
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
        "entries": session.entries(),
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
