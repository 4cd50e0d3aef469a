//! Before the response: whether the session will fit, tower-sessions' writes included.
//!
//! tower-sessions keeps what a handler writes through `tower_sessions::Session` in its own
//! record until its layer saves it, after the handler. [`Session::check`] measures this
//! crate's session, which holds those writes only from then on: [`check`] saves the record
//! first, then measures.

use ::axum::http::StatusCode;
use ::axum::response::{IntoResponse, Response};

use super::store;
use crate::error::SaveError;
use crate::integrations::SAVE_FAILED;
use crate::session::Session;
// `Sizes` is what `Session::check` returns; session.rs does not re-export it, and the
// crate root is above this layer. docs/ARCHITECTURE.md draws this one exception.
use crate::state::Sizes;

/// [`Session::check`] for a handler that writes through `tower_sessions::Session`: hands
/// tower-sessions' pending record over to the request's session, then measures it. What the
/// response would write, in bytes and cookies, or the error the write would meet.
///
/// Call it after the writes it must see. The record is saved again by tower-sessions after
/// the handler, as usual; writes made after this call count then.
///
/// # Errors
///
/// [`CheckError::Save`] with the [`SaveError`] the write would meet
/// ([`SaveError::Overflow`] above all); [`CheckError::Relay`] when the record cannot reach
/// the session (the layers misassembled, or a session not served by
/// [`TowerSessions`](super::TowerSessions)). Both answer `500` as a response, so `?` works
/// in a handler.
///
/// # Example
///
/// ```
/// use axum::{Router, body::Body, http::Request, routing::post};
/// use chunked_cookie_session::tower_sessions::{self as chunked, CheckError, TowerSessions};
/// use chunked_cookie_session::{Key, KeyRing, SaveError, SessionConfig, SessionEngine};
/// use tower::ServiceExt;
///
/// async fn add(session: tower_sessions::Session) -> Result<String, CheckError> {
///     session.insert("notes", "n".repeat(20_000)).await.expect("the relay answers");
///     match chunked::check(&session).await {
///         Err(CheckError::Save(SaveError::Overflow { .. })) => {
///             session.remove::<String>("notes").await.expect("the relay answers");
///             Ok("too much: not kept".to_owned())
///         }
///         other => Ok(format!("{} cookies", other?.chunks)),
///     }
/// }
///
/// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let sessions = TowerSessions::new(engine)?;
/// let app: Router = Router::new()
///     .route("/", post(add))
///     .layer(sessions.session_manager_layer())
///     .layer(sessions.layer());
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let request = Request::post("/").body(Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert_eq!(body, "too much: not kept");
/// # });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn check(session: &::tower_sessions::Session) -> Result<Sizes, CheckError> {
    session.save().await.map_err(CheckError::Relay)?;
    store::with_session(Session::check)
        .map_err(|err| CheckError::Relay(err.into()))?
        .map_err(CheckError::Save)
}

/// Why [`check`] could not say the session fits.
///
/// As a response it answers `500` with a body that names nothing of the session, and logs
/// the error (the sizes, for an overflow).
///
/// # Example
///
/// ```
/// use axum::response::IntoResponse;
/// use chunked_cookie_session::{SaveError, Setting};
/// use chunked_cookie_session::tower_sessions::CheckError;
///
/// let err = CheckError::Save(SaveError::Overflow { needed: 9000, limit: 7168, chunks: 3, max_chunks: 16, capped_by: Setting::MaxChunks });
/// assert!(err.to_string().contains("9000"));
/// assert_eq!(err.into_response().status(), 500);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The session would not be written: the engine's error, over the budget above all.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// tower-sessions' record could not reach the request's session: the layers are
    /// misassembled (the log says how), or the `tower_sessions::Session` is not one that
    /// [`TowerSessions`](super::TowerSessions) serves.
    #[error("tower-sessions' record could not reach the session: {0}")]
    Relay(#[source] ::tower_sessions::session::Error),
}

impl IntoResponse for CheckError {
    fn into_response(self) -> Response {
        match self {
            CheckError::Save(error) => error.into_response(),
            CheckError::Relay(error) => {
                tracing::error!("session check failed, answering 500: {error}");
                (StatusCode::INTERNAL_SERVER_ERROR, SAVE_FAILED).into_response()
            }
        }
    }
}
