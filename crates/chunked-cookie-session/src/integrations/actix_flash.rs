//! Flash messages for actix-web on chunked sessions (feature `actix-flash`): a
//! [`FlashMessageStore`] for actix-web-flash-messages 0.5 that keeps the messages in the
//! request's [`Session`], as the crate's own `SessionMessageStore` does with actix-session.
//!
//! The messages a handler sends are stored in the session under one entry (`_flash` by
//! default) and read by the next request, once: whether that request shows them or not,
//! they are gone after it, as with the crate's own stores. Nothing is written for a request
//! that neither sent nor received a message. A message sent after [`Session::purge`]
//! (logout) starts a fresh session and arrives.
//!
//! Wrap [`SessionMiddleware`](crate::actix::SessionMiddleware) *outside*
//! `FlashMessagesFramework` (the later `.wrap`): the framework stores the messages after
//! the handler, and the session middleware must write them after that. The wrong order
//! loses the messages, and the store says so in the log, at error level.
//!
//! # Example
//!
//! ```
//! use actix_web::http::header::LOCATION;
//! use actix_web::{App, HttpResponse, test, web};
//! use actix_web_flash_messages::{FlashMessage, FlashMessagesFramework, IncomingFlashMessages};
//! use chunked_cookie_session::actix::SessionMiddleware;
//! use chunked_cookie_session::actix_flash::SessionMessageStore;
//! use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
//!
//! async fn save() -> HttpResponse {
//!     FlashMessage::success("Saved.").send();
//!     HttpResponse::SeeOther().insert_header((LOCATION, "/")).finish()
//! }
//!
//! async fn show(messages: IncomingFlashMessages) -> String {
//!     messages.iter().map(|m| m.content().to_owned()).collect::<Vec<_>>().join(",")
//! }
//!
//! let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(
//!     App::new()
//!         .wrap(FlashMessagesFramework::builder(SessionMessageStore::default()).build())
//!         .wrap(SessionMiddleware::new(engine)) // outside the framework
//!         .route("/save", web::post().to(save))
//!         .route("/", web::get().to(show)),
//! )
//! .await;
//! let response = test::call_service(&app, test::TestRequest::post().uri("/save").to_request()).await;
//! let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap();
//! let cookie = cookie.split(';').next().unwrap().to_owned();
//!
//! let request = test::TestRequest::get().uri("/").insert_header(("cookie", cookie)).to_request();
//! let body = test::call_and_read_body(&app, request).await;
//! assert_eq!(body, "Saved.");
//! # });
//! ```

use actix_web::dev::ResponseHead;
use actix_web::{HttpMessage, HttpRequest};
use actix_web_flash_messages::FlashMessage;
use actix_web_flash_messages::storage::{FlashMessageStore, LoadError, StoreError};

use crate::session::Session;

/// The default session entry, the one actix-web-flash-messages' own `SessionMessageStore`
/// uses.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::actix_flash::{DEFAULT_KEY, SessionMessageStore};
/// assert_eq!(SessionMessageStore::default().key(), DEFAULT_KEY);
/// assert_eq!(DEFAULT_KEY, "_flash");
/// ```
pub const DEFAULT_KEY: &str = "_flash";

/// A [`FlashMessageStore`] that keeps flash messages in the request's chunked [`Session`].
///
/// # Example
///
/// ```
/// use actix_web_flash_messages::FlashMessagesFramework;
/// use chunked_cookie_session::actix_flash::SessionMessageStore;
///
/// let framework = FlashMessagesFramework::builder(SessionMessageStore::new("messages")).build();
/// # let _ = framework;
/// assert_eq!(SessionMessageStore::default().key(), "_flash");
/// ```
#[derive(Debug, Clone)]
pub struct SessionMessageStore {
    key: String,
}

impl Default for SessionMessageStore {
    fn default() -> SessionMessageStore {
        SessionMessageStore::new(DEFAULT_KEY)
    }
}

impl SessionMessageStore {
    /// A store that keeps the messages under the session entry `key`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::actix_flash::SessionMessageStore;
    /// assert_eq!(SessionMessageStore::new("notices").key(), "notices");
    /// ```
    pub fn new(key: impl Into<String>) -> SessionMessageStore {
        SessionMessageStore { key: key.into() }
    }

    /// The session entry the messages are kept under.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::actix_flash::SessionMessageStore;
    /// assert_eq!(SessionMessageStore::default().key(), chunked_cookie_session::actix_flash::DEFAULT_KEY);
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The request's session. Cloned out of the extensions at once: holding the borrow while
/// actix-web borrows them mutably would panic.
fn session_of(request: &HttpRequest) -> Option<Session> {
    request.extensions().get::<Session>().cloned()
}

const MISSING: &str = "flash messages: chunked-cookie-session's SessionMiddleware is not \
installed; wrap it outside FlashMessagesFramework";

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Misconfigured(&'static str);

impl FlashMessageStore for SessionMessageStore {
    fn load(&self, request: &HttpRequest) -> Result<Vec<FlashMessage>, LoadError> {
        let Some(session) = session_of(request) else {
            tracing::error!("{MISSING}");
            return Err(LoadError::GenericError(Misconfigured(MISSING).into()));
        };
        // A rejected session is an empty one: no messages. An entry that is not a list of
        // messages (written by something else under this key) is none either.
        match session.get::<Vec<FlashMessage>>(&self.key) {
            Ok(messages) => Ok(messages.unwrap_or_default()),
            Err(err) => {
                tracing::warn!("flash messages dropped: {err}");
                Ok(Vec::new())
            }
        }
    }

    /// Never fails: actix-web-flash-messages unwraps what this returns.
    fn store(
        &self,
        messages: &[FlashMessage],
        request: HttpRequest,
        _response: &mut ResponseHead,
    ) -> Result<(), StoreError> {
        let Some(session) = session_of(&request) else {
            if !messages.is_empty() {
                tracing::error!("{MISSING}: {} message(s) lost", messages.len());
            }
            return Ok(());
        };
        if session.is_finished() {
            if !messages.is_empty() {
                tracing::error!(
                    "flash messages lost: {} message(s) sent after the session was written; \
                     wrap SessionMiddleware outside FlashMessagesFramework",
                    messages.len()
                );
            }
            return Ok(());
        }
        if messages.is_empty() {
            // The messages the request came with are spent. Only a request that carried a
            // session can hold any: the others are left untouched, undecoded.
            if !session.request_cookies().session_pairs().is_empty() {
                session.remove(&self.key);
            }
        } else if let Err(err) = session.insert(&self.key, messages) {
            tracing::error!("flash messages lost: {err}");
        }
        Ok(())
    }
}
