//! What the adapters share, whatever the framework: the engine and the answer to a
//! session that could not be saved, where CSRF guards find a token, the bodies of the
//! answers they make, and the logging.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::csrf::{self, Rejection};
use crate::engine::SessionEngine;
use crate::error::SaveError;
use crate::outcome::{Outcome, ResponseInfo};
use crate::revocation::{MAX_USER_AGENT_LEN, RevocationError};
use crate::session::Session;

/// The plain-text body of the default 500 that replaces a successful response whose session
/// could not be saved. It tells the client nothing more: the sizes and the remedy are in
/// the error the engine logged, and in the `SaveError` an application's own hook receives.
pub(crate) const SAVE_FAILED: &str = "the session could not be saved\n";

/// The body of the 500 that `?` on [`Session::get`](crate::Session::get) answers with.
pub(crate) const READ_FAILED: &str = "the session could not be read\n";

/// The body of the 500 that `?` on [`Session::insert`](crate::Session::insert) answers
/// with.
pub(crate) const UPDATE_FAILED: &str = "the session could not be updated\n";

/// Builds the framework's response to a session that could not be saved.
type SaveErrorHandler<R> = Arc<dyn Fn(&SaveError) -> R + Send + Sync>;

/// What an adapter holds, whatever the framework: the engine, and how to answer when a
/// handler succeeded but its session could not be saved. `R` is the framework's response.
pub(crate) struct Adapter<R> {
    engine: SessionEngine,
    on_save_error: SaveErrorHandler<R>,
}

impl<R> Clone for Adapter<R> {
    fn clone(&self) -> Adapter<R> {
        Adapter {
            engine: self.engine.clone(),
            on_save_error: Arc::clone(&self.on_save_error),
        }
    }
}

impl<R> Adapter<R> {
    /// An adapter of `engine` answering a failed save with `default`.
    pub(crate) fn new(
        engine: SessionEngine,
        default: impl Fn(&SaveError) -> R + Send + Sync + 'static,
    ) -> Adapter<R> {
        Adapter {
            engine,
            on_save_error: Arc::new(default),
        }
    }

    /// The same adapter, answering a failed save with `handler`.
    pub(crate) fn on_save_error(
        self,
        handler: impl Fn(&SaveError) -> R + Send + Sync + 'static,
    ) -> Adapter<R> {
        Adapter::new(self.engine, handler)
    }

    pub(crate) fn engine(&self) -> &SessionEngine {
        &self.engine
    }

    /// Writes the `Debug` form of the adapter type `name` that holds this.
    pub(crate) fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }

    /// Loads the request's session from the raw bytes of every `Cookie` field, and hands
    /// it the `User-Agent` for the device registry (when the engine's revocation store has
    /// one: the session keeps at most its first 512 bytes, cut at a character).
    pub(crate) fn load<'a>(
        &self,
        fields: impl IntoIterator<Item = &'a [u8]>,
        user_agent: Option<&[u8]>,
    ) -> Session {
        // A field that is not UTF-8 cannot hold our (ASCII) cookies, but the cookies beside
        // ours in it are no reason to drop the whole field. `from_utf8` checks ASCII a word
        // at a time; `from_utf8_lossy` walks every byte, several microseconds for a 5 KB
        // field, so it only runs on a field that is not UTF-8.
        let fields: Vec<Cow<'_, str>> = fields
            .into_iter()
            .map(|field| match std::str::from_utf8(field) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(field),
            })
            .collect();
        let session = self.engine.load(fields.iter().map(|field| &**field));
        let registry = self
            .engine
            .revocation()
            .is_some_and(|store| store.registry_enabled());
        if let Some(user_agent) = user_agent
            && registry
        {
            // Cut before it is copied: a hostile header can be as long as the server allows.
            let bytes = &user_agent[..user_agent.len().min(MAX_USER_AGENT_LEN + 3)];
            session.set_user_agent(&String::from_utf8_lossy(bytes));
        }
        session
    }

    /// The engine's verdict on a response of `status` (whose handler set `Cache-Control`
    /// or not, and these `Vary` fields): the outcome, whose headers the response takes,
    /// and the response that replaces the handler's when the session could not be saved.
    pub(crate) fn finish<'a>(
        &self,
        session: &Session,
        status: u16,
        cache_control: bool,
        vary: impl IntoIterator<Item = &'a [u8]>,
    ) -> (Outcome, Option<R>) {
        let info = ResponseInfo::new(status)
            .cache_control(cache_control)
            .vary(vary);
        let outcome = self.engine.finish(session, info);
        let replacement = outcome
            .error_response()
            .map(|error| (self.on_save_error)(error));
        (outcome, replacement)
    }
}

/// Hands each header of `outcome` to `append`, which answers `false` when the framework
/// refuses the value. The configuration is validated, so a line is always a valid header
/// value; should one ever be refused, dropping it (and saying so) is all that is left to do.
pub(crate) fn copy_headers(outcome: &Outcome, mut append: impl FnMut(&'static str, &str) -> bool) {
    for (name, value) in outcome.headers() {
        if !append(name, value) {
            header_refused(name);
        }
    }
}

/// Where a CSRF guard finds the token of a request whose method is not safe.
pub(crate) enum Submitted<'a> {
    /// In the [`csrf::HEADER`] header; a value that is not text is no token of ours, and
    /// is refused as a wrong one.
    Header(&'a str),
    /// Perhaps in the [`csrf::FORM_FIELD`] field of the URL-encoded form the body holds:
    /// the guard reads the body, then [`form_token`].
    Form,
    /// Nowhere: neither the header nor a form.
    Nowhere,
}

impl<'a> Submitted<'a> {
    /// Looks at the request's [`csrf::HEADER`] and `Content-Type` values. The header comes
    /// first: a request that carries it is judged on it, whatever its body.
    pub(crate) fn find(header: Option<&'a [u8]>, content_type: Option<&[u8]>) -> Submitted<'a> {
        match header {
            Some(value) => Submitted::Header(std::str::from_utf8(value).unwrap_or_default()),
            None if content_type.is_some_and(is_url_encoded_form) => Submitted::Form,
            None => Submitted::Nowhere,
        }
    }
}

/// True for `application/x-www-form-urlencoded`, parameters or not, in any case.
fn is_url_encoded_form(content_type: &[u8]) -> bool {
    let essence = content_type
        .split(|&byte| byte == b';')
        .next()
        .unwrap_or_default();
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
}

/// The value of the first [`csrf::FORM_FIELD`] field of a URL-encoded form.
pub(crate) fn form_token(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(name, _)| name == csrf::FORM_FIELD)
        .map(|(_, value)| value.into_owned())
}

/// Logs a request a CSRF guard refused (its method and path, never a token) and returns
/// the body of the 403.
pub(crate) fn csrf_refused(method: &str, path: &str, rejection: Rejection) -> String {
    tracing::warn!(method, path, "CSRF guard answering 403: {rejection}");
    format!("{rejection}\n")
}

/// Logs a session header the framework refused.
pub(crate) fn header_refused(name: &str) {
    tracing::error!(header = name, "a session header is not a valid value");
}

#[cfg(feature = "axum")]
/// The ready service out of `service`, leaving a fresh clone in its place: the clone that
/// `poll_ready` readied must serve the call, and the fresh one waits for the next
/// `poll_ready`.
pub(crate) fn take_ready<S: Clone>(service: &mut S) -> S {
    let fresh = service.clone();
    std::mem::replace(service, fresh)
}

/// How an adapter answers a [`RevocationError`] a handler's `?` returned: the status, a
/// plain-text body that names nothing of the session or of Redis, and whether to add
/// `Retry-After: 1`.
///
/// | error | status |
/// |---|---|
/// | `Unconfirmed` | 202: the revocation holds on this server and is queued for the others; the response still deletes the cookies of a revoked session |
/// | `NoSubject` | 409: the session is bound to no subject (nobody is logged in) |
/// | `RegistryDisabled` | 404: there is no device list |
/// | `Identity`, `FutureEpoch` | 400: what was given is not an id, a subject or a past time |
/// | `TimedOut`, `QueueFull`, `Closed`, `Store` | 503 with `Retry-After: 1`: Redis did not do it |
/// | `NotConfigured` | 500: the engine has no revocation store (a bug of the application) |
pub(crate) fn revocation_answer(error: &RevocationError) -> (u16, Cow<'static, str>, bool) {
    match error {
        RevocationError::Unconfirmed(_) => (
            202,
            "signed out on this server; the other servers hear of it once Redis confirms\n".into(),
            false,
        ),
        RevocationError::NoSubject => (
            409,
            "this session is bound to no subject: nobody is logged in\n".into(),
            false,
        ),
        RevocationError::RegistryDisabled => (404, "there is no device registry\n".into(), false),
        RevocationError::Identity(_) | RevocationError::FutureEpoch => {
            (400, format!("{error}\n").into(), false)
        }
        RevocationError::NotConfigured => {
            (500, "no revocation store is configured\n".into(), false)
        }
        _ => (
            503,
            "the revocation store did not answer; try again\n".into(),
            true,
        ),
    }
}

/// Logs a [`RevocationError`] a handler's `?` turned into a response of `status`, in the
/// error's own words (which never carry a subject or the Redis password).
pub(crate) fn log_revocation_answer(error: &RevocationError, status: u16) {
    match status {
        500 => tracing::error!("revocation call answering {status}: {error}"),
        202 | 503 => tracing::warn!("revocation call answering {status}: {error}"),
        _ => tracing::debug!("revocation call answering {status}: {error}"),
    }
}

/// What a revocation the adapters make on their own (the tower-sessions relay's logout)
/// leaves to say: nothing when it was confirmed or there is no store; else a log line, the
/// revocation holding on this server either way.
#[cfg(feature = "tower-sessions")]
pub(crate) fn log_revocation(result: Result<(), RevocationError>) {
    match result {
        Ok(()) | Err(RevocationError::NotConfigured) => {}
        Err(error @ RevocationError::Unconfirmed(_)) => {
            tracing::warn!("session revoked on this server only for now: {error}");
        }
        Err(error) => tracing::error!("session revocation incomplete: {error}"),
    }
}

/// Logs a [`SaveError`] a handler's `?` turned into a 500 (from
/// [`Session::check`](crate::Session::check) or
/// [`Session::try_insert_value`](crate::Session::try_insert_value)): its own words, the sizes
/// and the limit, never an entry's content. The response says only that the session could
/// not be saved.
pub(crate) fn log_save_error(error: &SaveError) {
    tracing::error!("session would not be saved, answering 500: {error}");
}

/// Logs a session error a handler's `?` turned into a 500: its own words (the entry's key
/// and the type), never an entry's content.
pub(crate) fn log_entry_error(error: &dyn std::error::Error) {
    tracing::error!("session entry error, answering 500: {error}");
}
