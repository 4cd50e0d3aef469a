//! tower-sessions 0.14 on chunked cookies (feature `tower-sessions`): handlers, axum-login
//! 0.17–0.18 and axum-messages 0.8 get a real `tower_sessions::Session` whose record lives
//! in this crate's signed (or encrypted) chunked cookies, with no server-side store.
//!
//! [`TowerSessions`] hands out the two layers that work together:
//!
//! - [`TowerSessions::session_manager_layer`]: a stock `tower_sessions::SessionManagerLayer`
//!   over [`RelayStore`], what `axum_login::AuthManagerLayerBuilder::new(backend, ..)`
//!   takes (or install it alone, for `tower_sessions::Session` and axum-messages);
//! - [`TowerSessions::layer`]: the outer layer, installed *outside* it. It is this crate's
//!   own [`SessionLayer`](crate::axum::SessionLayer) (so every rule is the engine's: exact
//!   budgets, generation binding, the key ring, the overflow policy and the
//!   [`on_save_error`](TowerSessions::on_save_error) hook, `Vary` and `Cache-Control`, no
//!   write for an unchanged session, nothing written on a 5xx) with a relay inside it.
//!
//! How the record travels: the relay gives tower-sessions an id for the request (as the
//! id cookie tower-sessions looks for, added to the request only) and runs the inner
//! stack with the request's [`Session`] at hand; [`RelayStore`] answers tower-sessions'
//! `load`, `save`, `create` and `delete` from that session: `load` hands it the entries,
//! `save` applies what tower-sessions changed, `delete` (from `cycle_id` and `flush`) is
//! [`Session::purge`] and the `create` that follows writes the new record as a fresh
//! session. The id cookie never leaves the server: the relay removes it from the response.
//!
//! | tower-sessions | here |
//! |---|---|
//! | `Session::id()` | stable from one request to the next, kept in the session under [`ID_KEY`] once the session holds data; new after `cycle_id`, `None` after `flush` |
//! | `cycle_id()` (axum-login's login) | a fresh session with the same data: new generation id, new lifetime, the CSRF token dropped |
//! | `flush()` (axum-login's logout) | [`Session::purge`]: every cookie deleted, unless something is written afterwards (a flash message), which starts a fresh session |
//! | a session rejected (tampered, expired, …) | an empty session; the reason is [`Session::load_reason`] (the [`Session`] is a request extension, as under [`SessionLayer`](crate::axum::SessionLayer)) and a [`LoadReason`](crate::LoadReason) request extension |
//! | `with_expiry`, `set_expiry` | no effect (warned once): lifetime, idle timeout and persistence are the [`SessionConfig`](crate::SessionConfig)'s |
//! | `with_name`, `with_secure`, `with_same_site`, `with_path`, `with_domain`, `with_http_only` | no effect on the session cookies, which take their attributes from the configuration; `with_name`, `with_signed` and `with_private` break the relay and are refused loudly |
//! | `with_always_save(true)` | harmless: an unchanged record writes nothing |
//!
//! Misassembly is loud: a `SessionManagerLayer` outside the outer layer answers 500 at once,
//! and a store call outside it (the outer layer missing, a reconfigured id cookie, the
//! session first touched from a spawned task) is a store error, which tower-sessions
//! answers with a 500, each with a log line that says what to change.
//!
//! # Example
//!
//! ```
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use chunked_cookie_session::tower_sessions::TowerSessions;
//! use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
//! use tower::ServiceExt;
//!
//! async fn visits(session: tower_sessions::Session) -> String {
//!     let visits: u64 = session.get("visits").await.unwrap().unwrap_or(0) + 1;
//!     session.insert("visits", visits).await.unwrap();
//!     format!("visit {visits}")
//! }
//!
//! let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
//! let sessions = TowerSessions::new(engine);
//! let app: Router = Router::new()
//!     .route("/", get(visits))
//!     .layer(sessions.session_manager_layer()) // what axum-login's builder takes
//!     .layer(sessions.layer()); // outside it
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let response = app.clone().oneshot(Request::new(Body::empty())).await.unwrap();
//! let set_cookie: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
//! assert_eq!(set_cookie.len(), 1);
//! assert!(set_cookie[0].to_str().unwrap().starts_with("session="));
//! let cookie = set_cookie[0].to_str().unwrap().split(';').next().unwrap().to_owned();
//!
//! let request = Request::builder().header("cookie", cookie).body(Body::empty()).unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
//! assert_eq!(body, "visit 2");
//! # });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use ::axum::BoxError;
use ::axum::body::{Body, Bytes, HttpBody};
use ::axum::http::header::{COOKIE, SET_COOKIE};
use ::axum::http::{HeaderValue, Request, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::tower_sessions::SessionManagerLayer;
use ::tower_sessions::session::{Id, Record};
use ::tower_sessions::session_store::{self, SessionStore};
use serde_json::Value;
use time::OffsetDateTime;
use tower::{Layer, Service};

use super::axum::{SessionLayer, SessionService};
use crate::engine::SessionEngine;
use crate::error::SaveError;
use crate::session::Session;
use crate::state::CSRF_KEY;

/// The session entry that keeps tower-sessions' id between requests (22 characters), so
/// `tower_sessions::Session::id` is stable until `cycle_id` or `flush`. Written only with
/// the session's other data.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::tower_sessions::ID_KEY;
/// // The entry an application sees on this crate's `Session`, beside its own.
/// assert_eq!(ID_KEY, "tower-sessions.id");
/// ```
pub const ID_KEY: &str = "tower-sessions.id";

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

/// The default lifetime tower-sessions 0.14 gives a record without an `Expiry`.
const TOWER_DEFAULT_LIFETIME: time::Duration = time::Duration::weeks(2);

/// The pair of layers that puts `tower_sessions::Session` on chunked cookies.
///
/// Build it once from an engine; [`session_manager_layer`](Self::session_manager_layer)
/// goes where a `SessionManagerLayer` goes (axum-login's builder, or the router), and
/// [`layer`](Self::layer) wraps it from outside. Cloning is cheap.
///
/// # Example
///
/// ```
/// use axum::Router;
/// use axum::routing::get;
/// use axum_login::{AuthManagerLayerBuilder, AuthUser, AuthnBackend, UserId};
/// use chunked_cookie_session::tower_sessions::TowerSessions;
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// #[derive(Clone, Debug)]
/// struct User(i64);
/// impl AuthUser for User {
///     type Id = i64;
///     fn id(&self) -> i64 { self.0 }
///     fn session_auth_hash(&self) -> &[u8] { b"" }
/// }
/// #[derive(Clone)]
/// struct Backend;
/// impl AuthnBackend for Backend {
///     type User = User;
///     type Credentials = i64;
///     type Error = std::convert::Infallible;
///     async fn authenticate(&self, id: i64) -> Result<Option<User>, Self::Error> { Ok(Some(User(id))) }
///     async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, Self::Error> { Ok(Some(User(*id))) }
/// }
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let sessions = TowerSessions::new(engine);
/// let auth = AuthManagerLayerBuilder::new(Backend, sessions.session_manager_layer()).build();
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     .layer(auth)
///     .layer(sessions.layer());
/// assert_eq!(sessions.engine().config().name(), "session");
/// ```
#[derive(Clone)]
pub struct TowerSessions {
    layer: SessionLayer,
}

impl fmt::Debug for TowerSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TowerSessions")
            .field("engine", self.layer.engine())
            .finish_non_exhaustive()
    }
}

impl TowerSessions {
    /// Serves tower-sessions' records from `engine`'s cookies.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// use chunked_cookie_session::tower_sessions::TowerSessions;
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine);
    /// assert_eq!(sessions.engine().config().max_chunks(), 16);
    /// ```
    pub fn new(engine: SessionEngine) -> TowerSessions {
        TowerSessions {
            layer: SessionLayer::new(engine),
        }
    }

    /// Answers with `handler`'s response when a handler succeeded but its session could not
    /// be saved (over the budget, say), as
    /// [`SessionLayer::on_save_error`](crate::axum::SessionLayer::on_save_error) does.
    ///
    /// # Example
    ///
    /// ```
    /// use axum::response::{IntoResponse, Redirect};
    /// use chunked_cookie_session::tower_sessions::TowerSessions;
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)
    ///     .on_save_error(|_err| Redirect::to("/cart?full=1").into_response());
    /// # let _ = sessions;
    /// ```
    #[must_use]
    pub fn on_save_error<F>(self, handler: F) -> TowerSessions
    where
        F: Fn(&SaveError) -> Response + Send + Sync + 'static,
    {
        TowerSessions {
            layer: self.layer.on_save_error(handler),
        }
    }

    /// The engine behind the layers.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # use chunked_cookie_session::tower_sessions::TowerSessions;
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine);
    /// assert_eq!(sessions.engine().config().name(), "session");
    /// ```
    pub fn engine(&self) -> &SessionEngine {
        self.layer.engine()
    }

    /// The `SessionManagerLayer` to hand to `axum_login::AuthManagerLayerBuilder::new`, or
    /// to install alone: tower-sessions' own layer, over a [`RelayStore`] and the relay's id
    /// cookie. Leave its cookie settings alone: the session cookies take theirs from the
    /// engine's configuration, and `with_name`, `with_signed` and `with_private` break the
    /// relay (refused with a 500 and a log line on the first write).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # use chunked_cookie_session::tower_sessions::{RelayStore, TowerSessions};
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine);
    /// let layer: tower_sessions::SessionManagerLayer<RelayStore> = sessions.session_manager_layer();
    /// # let _ = layer;
    /// ```
    pub fn session_manager_layer(&self) -> SessionManagerLayer<RelayStore> {
        SessionManagerLayer::new(RelayStore).with_name(RELAY_COOKIE)
    }

    /// The outer layer: install it outside the
    /// [`session_manager_layer`](Self::session_manager_layer) (after it, with
    /// `Router::layer`; before it, with `ServiceBuilder`).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// # use chunked_cookie_session::tower_sessions::TowerSessions;
    /// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine);
    /// async fn hello(session: tower_sessions::Session) -> &'static str {
    ///     session.insert("seen", true).await.unwrap();
    ///     "hello"
    /// }
    /// let app: axum::Router = axum::Router::new()
    ///     .route("/", axum::routing::get(hello))
    ///     .layer(
    ///         tower::ServiceBuilder::new()
    ///             .layer(sessions.layer()) // outermost first
    ///             .layer(sessions.session_manager_layer()),
    ///     );
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use tower::ServiceExt;
    /// let response = app.oneshot(axum::http::Request::new(axum::body::Body::empty())).await.unwrap();
    /// assert_eq!(response.status(), 200);
    /// assert!(response.headers()["set-cookie"].to_str().unwrap().starts_with("session="));
    /// # });
    /// ```
    pub fn layer(&self) -> TowerSessionsLayer {
        TowerSessionsLayer {
            layer: self.layer.clone(),
        }
    }
}

/// The outer layer of [`TowerSessions`]: this crate's
/// [`SessionLayer`](crate::axum::SessionLayer) around the relay.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// # use chunked_cookie_session::tower_sessions::{TowerSessions, TowerSessionsLayer};
/// # let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let layer: TowerSessionsLayer = TowerSessions::new(engine).layer();
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct TowerSessionsLayer {
    layer: SessionLayer,
}

impl fmt::Debug for TowerSessionsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TowerSessionsLayer")
            .field("engine", self.layer.engine())
            .finish_non_exhaustive()
    }
}

impl<S> Layer<S> for TowerSessionsLayer {
    type Service = SessionService<RelayService<S>>;

    fn layer(&self, inner: S) -> Self::Service {
        self.layer.layer(RelayService { inner })
    }
}

/// The relay inside [`TowerSessionsLayer`]: gives tower-sessions the request's id and runs
/// the inner stack with the request's [`Session`] at hand for [`RelayStore`].
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

impl<S> fmt::Debug for RelayService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelayService").finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RelayService<S>
where
    S: Service<Request<ReqBody>, Response = ::axum::http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    ReqBody: Send + 'static,
    ResBody: HttpBody<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
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
        let id = stored_id(&session).unwrap_or_default();
        request.extensions_mut().insert(session.load_reason());
        give_id(&mut request, id);
        let slot = Arc::new(Slot::new(session, id));
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        Box::pin(SLOT.scope(slot, async move {
            let mut response = inner.call(request).await?.map(Body::new);
            keep_id_home(&mut response);
            Ok(response)
        }))
    }
}

const MISORDERED: &str = "chunked-cookie-session: tower-sessions' SessionManagerLayer (or \
axum-login's AuthManagerLayer) wraps TowerSessions::layer(); install TowerSessions::layer() \
outside it (after it with Router::layer, before it with ServiceBuilder)";

const OUTSIDE: &str = "chunked-cookie-session: RelayStore was called outside a request served \
by TowerSessions::layer(): install TowerSessions::layer() outside the SessionManagerLayer (or \
AuthManagerLayer), and touch tower_sessions::Session first in the request's own task, not in a \
spawned one";

const RECONFIGURED: &str = "chunked-cookie-session: tower-sessions did not receive the relay's \
id: the SessionManagerLayer from TowerSessions::session_manager_layer() must keep its cookie \
name and plain cookies (no with_name, with_signed or with_private)";

/// The id kept in the session, if any.
fn stored_id(session: &Session) -> Option<Id> {
    match session.get_value(ID_KEY) {
        Some(Value::String(id)) => id.parse().ok(),
        _ => None,
    }
}

/// Replaces any relay cookie a client sent with the request's id.
fn give_id<B>(request: &mut Request<B>, id: Id) {
    let headers = request.headers_mut();
    let sent = headers
        .get_all(COOKIE)
        .iter()
        .any(|field| contains_subslice(field.as_bytes(), RELAY_COOKIE.as_bytes()));
    if sent {
        let kept: Vec<HeaderValue> = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|field| {
                let field = String::from_utf8_lossy(field.as_bytes());
                let pairs: Vec<&str> = field
                    .split(';')
                    .map(str::trim)
                    .filter(|pair| {
                        !pair.is_empty()
                            && pair.split('=').next().map(str::trim) != Some(RELAY_COOKIE)
                    })
                    .collect();
                HeaderValue::from_str(&pairs.join("; ")).ok()
            })
            .filter(|field| !field.is_empty())
            .collect();
        headers.remove(COOKIE);
        for field in kept {
            headers.append(COOKIE, field);
        }
    }
    if let Ok(field) = HeaderValue::from_str(&format!("{RELAY_COOKIE}={id}")) {
        headers.append(COOKIE, field);
    }
}

fn contains_subslice(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Removes the relay's id cookie from the response: it never reaches the client.
fn keep_id_home(response: &mut Response) {
    let headers = response.headers_mut();
    let is_relay = |value: &HeaderValue| {
        value
            .as_bytes()
            .split(|&byte| byte == b'=')
            .next()
            .is_some_and(|name| name.trim_ascii() == RELAY_COOKIE.as_bytes())
    };
    if !headers.get_all(SET_COOKIE).iter().any(is_relay) {
        return;
    }
    let kept: Vec<HeaderValue> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter(|value| !is_relay(value))
        .cloned()
        .collect();
    headers.remove(SET_COOKIE);
    for value in kept {
        headers.append(SET_COOKIE, value);
    }
}

tokio::task_local! {
    static SLOT: Arc<Slot>;
}

/// One request's session, as [`RelayStore`] sees it.
struct Slot {
    session: Session,
    state: Mutex<SlotState>,
}

struct SlotState {
    /// The id tower-sessions knows the session by now: `None` after a `delete`, until the
    /// `create` that may follow.
    id: Option<Id>,
    /// The entries tower-sessions holds as of its last `load`, `save` or `create`: a save
    /// applies only what differs from them, so entries written directly on the
    /// [`Session`] in the same request survive.
    base: HashMap<String, Value>,
}

impl Slot {
    fn new(session: Session, id: Id) -> Slot {
        Slot {
            session,
            state: Mutex::new(SlotState {
                id: Some(id),
                base: HashMap::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SlotState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn load(&self, id: Id) -> session_store::Result<Option<Record>> {
        let mut state = self.state();
        if state.id != Some(id) {
            return Err(refuse(RECONFIGURED));
        }
        let mut data: HashMap<String, Value> = self.session.entries().into_iter().collect();
        data.remove(ID_KEY);
        state.base.clone_from(&data);
        // Always a record, if an empty one: an absent or rejected session is an empty
        // session under the same id, never a "record not found".
        Ok(Some(Record {
            id,
            data,
            expiry_date: to_datetime(self.session.expires_at()),
        }))
    }

    fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut state = self.state();
        if state.id != Some(record.id) {
            return Err(refuse(RECONFIGURED));
        }
        self.apply(&mut state, record);
        Ok(())
    }

    fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut state = self.state();
        if state.id.is_some() {
            // A create follows a delete (cycle_id, flush); without one, tower-sessions found
            // no id in the request: not the relay's.
            return Err(refuse(RECONFIGURED));
        }
        // After cycle_id (a login): the token seen before must not serve after.
        record.data.remove(CSRF_KEY);
        state.id = Some(record.id);
        self.apply(&mut state, record);
        Ok(())
    }

    fn delete(&self, id: Id) {
        let mut state = self.state();
        if state.id == Some(id) {
            self.session.purge();
            state.base.clear();
            state.id = None;
        }
    }

    /// Applies what tower-sessions changed since it last synchronized, and keeps its id
    /// with the data.
    fn apply(&self, state: &mut SlotState, record: &Record) {
        warn_on_foreign_expiry(record.expiry_date);
        let session = &self.session;
        for (key, value) in &record.data {
            if key != ID_KEY && state.base.get(key) != Some(value) {
                session.insert_value(key, value.clone());
            }
        }
        for key in state.base.keys() {
            if !record.data.contains_key(key) {
                session.remove(key);
            }
        }
        state.base.clone_from(&record.data);
        state.base.remove(ID_KEY);
        let holds_data = session.len() > usize::from(session.contains(ID_KEY));
        if holds_data {
            session.insert_value(ID_KEY, Value::String(record.id.to_string()));
        } else {
            session.remove(ID_KEY);
        }
    }
}

fn refuse(message: &'static str) -> session_store::Error {
    tracing::error!("{message}");
    session_store::Error::Backend(message.to_owned())
}

fn to_datetime(unix: u64) -> OffsetDateTime {
    i64::try_from(unix)
        .ok()
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// tower-sessions computes a record's expiry date from its own `Expiry` (two weeks without
/// one); any other date means `with_expiry` or `set_expiry` was used, which has no effect
/// here. Said once per process.
fn warn_on_foreign_expiry(expiry_date: OffsetDateTime) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let default = OffsetDateTime::now_utc().saturating_add(TOWER_DEFAULT_LIFETIME);
    if (expiry_date - default).abs() > time::Duration::minutes(1)
        && !WARNED.swap(true, Ordering::Relaxed)
    {
        tracing::warn!(
            "tower-sessions' expiry (with_expiry, set_expiry) has no effect on chunked cookie \
             sessions: set the lifetime, idle timeout and persistence in SessionConfig"
        );
    }
}

/// The `SessionStore` behind [`TowerSessions::session_manager_layer`]: it holds nothing;
/// every call is answered from the session of the request that
/// [`TowerSessions::layer`] is serving.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::tower_sessions::RelayStore;
/// use tower_sessions::SessionStore;
/// use tower_sessions::session::Id;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// // Outside a request served by `TowerSessions::layer()` it refuses, loudly.
/// assert!(RelayStore.load(&Id::default()).await.is_err());
/// # });
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RelayStore;

fn with_slot<T>(f: impl FnOnce(&Slot) -> session_store::Result<T>) -> session_store::Result<T> {
    SLOT.try_with(|slot| f(slot))
        .unwrap_or_else(|_| Err(refuse(OUTSIDE)))
}

#[async_trait::async_trait]
impl SessionStore for RelayStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        with_slot(|slot| slot.create(record))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        with_slot(|slot| slot.save(record))
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        with_slot(|slot| slot.load(*session_id))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        with_slot(|slot| {
            slot.delete(*session_id);
            Ok(())
        })
    }
}
