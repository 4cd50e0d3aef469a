//! The facade: [`TowerSessions`], built once from an engine, hands out the two layers
//! that work together, tower-sessions' own `SessionManagerLayer` over
//! [`RelayStore`] and the outer [`TowerSessionsLayer`].

use std::fmt;

use ::axum::response::Response;
use ::tower_sessions::SessionManagerLayer;
use tower::Layer;

use super::relay::{RELAY_COOKIE, RelayService};
use super::store::RelayStore;
use crate::engine::SessionEngine;
use crate::error::SaveError;
use crate::integrations::axum::{SessionLayer, SessionService};

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
/// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let sessions = TowerSessions::new(engine)?;
/// let auth = AuthManagerLayerBuilder::new(Backend, sessions.session_manager_layer()).build();
/// let app: Router = Router::new()
///     .route("/", get(|| async { "hello" }))
///     .layer(auth)
///     .layer(sessions.layer());
/// assert_eq!(sessions.engine().config().name(), "__Host-session");
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// Serves tower-sessions' records from `engine`'s cookies, which must be encrypted
    /// ([`SessionEngine::private`]).
    ///
    /// A tower-sessions record is where axum-login keeps the user's `session_auth_hash`
    /// (often derived from the password hash) and where applications put what they would
    /// put in a server-side store. With the signed format every client can read it: that
    /// takes a decision in code, [`readable`](Self::readable).
    ///
    /// # Errors
    ///
    /// [`UnencryptedEngine`] when `engine` writes sessions a client can read (the signed
    /// and Flask formats).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// use chunked_cookie_session::tower_sessions::TowerSessions;
    /// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)?;
    /// assert_eq!(sessions.engine().config().max_chunks(), 16);
    ///
    /// let signed = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert!(TowerSessions::new(signed).is_err());
    /// # Ok::<(), chunked_cookie_session::tower_sessions::UnencryptedEngine>(())
    /// ```
    pub fn new(engine: SessionEngine) -> Result<TowerSessions, UnencryptedEngine> {
        if engine.is_encrypted() {
            Ok(TowerSessions::readable(engine))
        } else {
            Err(UnencryptedEngine { _private: () })
        }
    }

    /// Serves tower-sessions' records from `engine`'s cookies whatever its format: the
    /// application says here, in code, that its clients may read the session's values (the
    /// signed format is readable base64 JSON; axum-login's `session_auth_hash` travels in
    /// it). Prefer [`new`](Self::new) with [`SessionEngine::private`].
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// use chunked_cookie_session::tower_sessions::TowerSessions;
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// // Nothing secret in these sessions: a theme and a cart.
    /// let sessions = TowerSessions::readable(engine);
    /// assert!(!sessions.engine().is_encrypted());
    /// ```
    pub fn readable(engine: SessionEngine) -> TowerSessions {
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
    /// # let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)?
    ///     .on_save_error(|_err| Redirect::to("/cart?full=1").into_response());
    /// # let _ = sessions;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)?;
    /// assert_eq!(sessions.engine().config().name(), "__Host-session");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)?;
    /// let layer: tower_sessions::SessionManagerLayer<RelayStore> = sessions.session_manager_layer();
    /// # let _ = layer;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let sessions = TowerSessions::new(engine)?;
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
    /// assert!(response.headers()["set-cookie"].to_str().unwrap().starts_with("__Host-session="));
    /// # });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
/// # let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let layer: TowerSessionsLayer = TowerSessions::new(engine)?.layer();
/// # let _ = layer;
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
        self.layer.layer(RelayService::new(inner))
    }
}

/// The answer of [`TowerSessions::new`] to an engine whose sessions a client can read.
///
/// # Example
///
/// ```
/// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
/// use chunked_cookie_session::tower_sessions::TowerSessions;
/// let signed = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let err = TowerSessions::new(signed).unwrap_err();
/// assert!(err.to_string().contains("SessionEngine::private"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "TowerSessions::new takes an engine that encrypts (SessionEngine::private): with this one \
     every client can read the session, and axum-login keeps the user's session_auth_hash in \
     it. Build the engine with SessionEngine::private, or call TowerSessions::readable(engine) \
     if the values may be read"
)]
pub struct UnencryptedEngine {
    _private: (),
}
