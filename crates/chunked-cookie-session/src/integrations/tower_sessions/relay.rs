//! The relay: the service between this crate's session layer and tower-sessions' own. It
//! gives tower-sessions the request's id as the cookie tower-sessions looks for (on the
//! request only), runs the inner stack with the request's [`Session`] at hand for the
//! store, and keeps that cookie off the response.
//!
//! Every edit of a `Cookie` or `Set-Cookie` field goes through the `cookie` crate.

use std::fmt;
use std::task::{Context, Poll};

use ::axum::http::header::{COOKIE, SET_COOKIE};
use ::axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::tower_sessions::session::Id;
use cookie::Cookie;
use tower::Service;

use super::store;
use crate::integrations::axum::BoxedCall;
use crate::integrations::{header_refused, take_ready};
use crate::session::Session;

/// The name of the id cookie the relay adds to the request for tower-sessions; it is never
/// sent to the client, and one a client sends is dropped.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::tower_sessions::RELAY_COOKIE;
/// assert!(cookie::Cookie::parse(format!("{RELAY_COOKIE}=x")).is_ok());
/// ```
pub const RELAY_COOKIE: &str = "chunked-cookie-session.relay";

const MISORDERED: &str = "chunked-cookie-session: tower-sessions' SessionManagerLayer (or \
axum-login's AuthManagerLayer) wraps TowerSessions::layer(); install TowerSessions::layer() \
outside it (after it with Router::layer, before it with ServiceBuilder)";

/// The relay inside [`TowerSessionsLayer`](super::TowerSessionsLayer): gives
/// tower-sessions the request's id and runs the inner stack with the request's [`Session`]
/// at hand for [`RelayStore`](super::RelayStore).
///
/// # Example
///
/// ```
/// // Not named in application code: `TowerSessions::layer` builds it.
/// fn assert_service<S>(_: Option<chunked_cookie_session::tower_sessions::RelayService<S>>) {}
/// assert_service::<()>(None);
/// ```
#[derive(Clone)]
pub struct RelayService<S> {
    inner: S,
}

impl<S> RelayService<S> {
    pub(super) fn new(inner: S) -> RelayService<S> {
        RelayService { inner }
    }
}

impl<S> fmt::Debug for RelayService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelayService").finish_non_exhaustive()
    }
}

impl<S, B> Service<Request<B>> for RelayService<S>
where
    S: Service<Request<B>, Response: IntoResponse, Future: Send> + Clone + Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxedCall<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let session = request.extensions().get::<Session>().cloned();
        let misordered = request
            .extensions()
            .get::<::tower_sessions::Session>()
            .is_some();
        let Some(session) = session.filter(|_| !misordered) else {
            tracing::error!("{MISORDERED}");
            return Box::pin(async {
                Ok((StatusCode::INTERNAL_SERVER_ERROR, MISORDERED).into_response())
            });
        };
        let id = store::id_of(&session);
        request.extensions_mut().insert(session.load_reason());
        give_id(request.headers_mut(), id);
        let mut inner = take_ready(&mut self.inner);
        Box::pin(store::serve(session, id, async move {
            let mut response = inner.call(request).await?.into_response();
            keep_id_home(response.headers_mut());
            Ok(response)
        }))
    }
}

/// Gives tower-sessions `id` as its cookie, in a `Cookie` field of its own after the
/// others, and drops every relay cookie the client sent.
///
/// tower-sessions reads cookies through tower-cookies, which reads the fields that are
/// UTF-8, in order, the last cookie of a name winning: the relay's field, last, wins
/// whatever the client sent; the client's are dropped as well, so that no handler sees
/// them. A field that is not UTF-8 is never read by tower-cookies, and is left as sent.
fn give_id(headers: &mut HeaderMap, id: Id) {
    let fields: Vec<HeaderValue> = headers.get_all(COOKIE).iter().cloned().collect();
    if fields.iter().any(carries_relay) {
        headers.remove(COOKIE);
        for field in fields {
            if let Some(field) = without_relay(field) {
                headers.append(COOKIE, field);
            }
        }
    }
    let relay = Cookie::new(RELAY_COOKIE, id.to_string());
    match HeaderValue::from_str(&relay.to_string()) {
        Ok(field) => {
            headers.append(COOKIE, field);
        }
        Err(_) => header_refused(COOKIE.as_str()),
    }
}

/// True when a `Cookie` field holds a cookie named [`RELAY_COOKIE`].
fn carries_relay(field: &HeaderValue) -> bool {
    std::str::from_utf8(field.as_bytes()).is_ok_and(|text| {
        // Parsing only the fields that can hold one: most requests carry none.
        text.contains(RELAY_COOKIE)
            && Cookie::split_parse(text)
                .flatten()
                .any(|cookie| cookie.name() == RELAY_COOKIE)
    })
}

/// The field without its relay cookies, or `None` when nothing else is left. The other
/// cookies keep their names and values as sent.
fn without_relay(field: HeaderValue) -> Option<HeaderValue> {
    if !carries_relay(&field) {
        return Some(field);
    }
    let text = std::str::from_utf8(field.as_bytes()).ok()?;
    let kept: Vec<String> = Cookie::split_parse(text)
        .flatten()
        .filter(|cookie| cookie.name() != RELAY_COOKIE)
        .map(|cookie| cookie.stripped().to_string())
        .collect();
    if kept.is_empty() {
        return None;
    }
    HeaderValue::from_str(&kept.join("; ")).ok()
}

/// Removes the relay's id cookie from the response: it never reaches the client.
fn keep_id_home(headers: &mut HeaderMap) {
    let is_relay = |line: &HeaderValue| {
        // A line starts with its cookie's name: only those that can be the relay's are
        // parsed.
        let bytes = line.as_bytes().trim_ascii_start();
        bytes.starts_with(RELAY_COOKIE.as_bytes())
            && std::str::from_utf8(bytes)
                .ok()
                .and_then(|line| Cookie::parse(line).ok())
                .is_some_and(|cookie| cookie.name() == RELAY_COOKIE)
    };
    if !headers.get_all(SET_COOKIE).iter().any(is_relay) {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter(|line| !is_relay(line))
        .cloned()
        .collect();
    headers.remove(SET_COOKIE);
    for line in kept {
        headers.append(SET_COOKIE, line);
    }
}
