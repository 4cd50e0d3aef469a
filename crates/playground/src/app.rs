//! The page and the JSON API. Handlers only translate between HTTP and the session: sizes,
//! limits and load reasons all come from the engine.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE};
use axum::http::{HeaderMap, StatusCode};
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
}

/// The whole application: the page, the API, and the session layer around them.
pub fn router(engine: SessionEngine) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/health", get(health))
        .route("/api/session", get(show).delete(purge))
        .route("/api/session/{key}", axum::routing::put(set).delete(remove))
        .with_state(AppState {
            engine: engine.clone(),
        })
        .layer(SessionLayer::new(engine))
}

async fn page() -> impl IntoResponse {
    ([(CACHE_CONTROL, "no-store")], Html(PAGE))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn show(State(app): State<AppState>, headers: HeaderMap, session: Session) -> Response {
    view(&app.engine, &headers, &session, session.load_reason())
}

async fn set(
    State(app): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    session: Session,
    body: Bytes,
) -> Response {
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body must be one JSON value, such as \"text\", 42 or {\"a\": 1}"}),
        );
    };
    // Try the change on a second copy of the incoming session first: `save` has no side
    // effects, and a change that does not fit must leave the client's cookies untouched,
    // so the real session is only changed once the copy fits.
    let trial = app.engine.load(cookie_fields(&headers));
    trial.insert_value(&key, value.clone());
    match app.engine.save(&trial) {
        Ok(_) => {
            session.insert_value(&key, value);
            view(&app.engine, &headers, &session, session.load_reason())
        }
        Err(SaveError::Overflow {
            needed,
            limit,
            chunks,
            max_chunks,
        }) => error(
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
        Err(other) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": other.to_string()}),
        ),
    }
}

async fn remove(
    State(app): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
    session: Session,
) -> Response {
    session.remove(&key);
    view(&app.engine, &headers, &session, session.load_reason())
}

async fn purge(State(app): State<AppState>, headers: HeaderMap, session: Session) -> Response {
    // The reason is read first: a purged session is never decoded.
    let reason = session.load_reason();
    session.purge();
    view(&app.engine, &headers, &session, reason)
}

fn error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The values of every `Cookie` field of the request.
fn cookie_fields(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
}

/// The `name=value` pairs of the request's cookies.
fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    cookie_fields(headers)
        .flat_map(|field| field.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The session as JSON, with the cookies the browser will hold once this response lands:
/// the request's session cookies, updated by the `Set-Cookie` lines the layer is about to
/// write (computing them here has no side effects).
fn view(
    engine: &SessionEngine,
    headers: &HeaderMap,
    session: &Session,
    reason: LoadReason,
) -> Response {
    let mut cookies: Vec<(usize, String, usize)> = request_cookies(headers)
        .filter_map(|(name, value)| {
            let index = engine.chunk_index(name)?;
            Some((index, name.to_owned(), name.len() + 1 + value.len()))
        })
        .collect();
    if let Ok(lines) = engine.save(session) {
        for line in lines {
            let mut parts = line.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            let Some(index) = engine.chunk_index(name) else {
                continue;
            };
            cookies.retain(|(_, existing, _)| existing != name);
            if !parts.any(|attribute| attribute.eq_ignore_ascii_case("Max-Age=0")) {
                cookies.push((index, name.to_owned(), name.len() + 1 + value.len()));
            }
        }
    }
    cookies.sort();
    let session_bytes: usize = cookies.iter().map(|(_, _, bytes)| bytes).sum();
    let other_bytes: usize = request_cookies(headers)
        .filter(|(name, _)| engine.chunk_index(name).is_none())
        .map(|(name, value)| name.len() + 1 + value.len())
        .sum();
    let other_count = request_cookies(headers)
        .filter(|(name, _)| engine.chunk_index(name).is_none())
        .count();
    let count = cookies.len() + other_count;
    // "Cookie: " and the "; " between pairs count against a proxy's header-line limit.
    let cookie_line = if count == 0 {
        0
    } else {
        "Cookie: ".len() + session_bytes + other_bytes + 2 * (count - 1)
    };
    let config = engine.config();
    let body = json!({
        "entries": session.entries(),
        "load": reason.as_str(),
        "load_detail": reason.describe(),
        "cookies": cookies
            .iter()
            .map(|(_, name, bytes)| json!({"name": name, "bytes": bytes}))
            .collect::<Vec<_>>(),
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
