//! Engines built from the package's settings, and the handle of one request's session.

use std::sync::{Mutex, PoisonError};

use chunked_cookie_session::revocation::{Identity, Pending, RevocationError};
use chunked_cookie_session::{Key, LoadReason, ResponseInfo, Session, SessionEngine};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::outcome::{Outcome, Sizes};
use crate::revocation::{self, Advice, DeviceRow, Store};
use crate::settings::{EngineSettings, Spelling};
use crate::{convert, no_panic};

fn value_error(err: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// A new key: 32 random bytes in base64url, what `python -m chunked_cookie_session keygen`
/// prints.
#[pyfunction]
pub(crate) fn keygen() -> String {
    chunked_cookie_session::generate_secret()
}

/// Raises `ValueError` (saying how to make one) unless `text` is a usable key: base64 or
/// base64url of 32 to 1024 bytes.
#[pyfunction]
pub(crate) fn check_key(py: Python<'_>, text: &str) -> PyResult<()> {
    match Key::from_base64(text) {
        Ok(_) => Ok(()),
        Err(err) => {
            // The library says what a key must be; the package says how to make one.
            let advice: String = py
                .import("chunked_cookie_session._settings")?
                .getattr("MAKE_A_KEY")?
                .extract()?;
            Err(PyValueError::new_err(format!("{err}; {advice}")))
        }
    }
}

/// Every reason a session is accepted or refused, by the library's names (`no-session`,
/// `valid`, ...), in the library's order: what `Handle.load_reason` gives, and what the
/// package's `LoadReason` type lists.
#[pyfunction]
pub(crate) fn load_reasons() -> Vec<&'static str> {
    LoadReason::all()
        .iter()
        .map(|reason| reason.as_str())
        .collect()
}

/// Every setting's stable code (`max_size`, `same_site`, ...): the keys of a spelling.
#[pyfunction]
pub(crate) fn setting_codes() -> Vec<&'static str> {
    chunked_cookie_session::Setting::all()
        .iter()
        .map(|setting| setting.code())
        .collect()
}

/// A configured engine. Build one per set of settings and keep it: it is immutable and
/// cheap to share.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Engine {
    inner: SessionEngine,
    flask: bool,
    /// The name of each previous format, in the order of the engine's migrations.
    migrations: Vec<&'static str>,
    /// How the framework spells the settings its errors name.
    spelling: Spelling,
    /// What revocation errors advise, in the framework's words.
    advice: Advice,
    /// The revocation store, if the settings name one.
    store: Option<Py<Store>>,
}

#[pymethods]
impl Engine {
    /// The engine `settings` describe (the package's `Settings`, read by attribute name),
    /// with their migrations. Every check is the library's; an error raises the package's
    /// `ConfigurationError`, naming the settings as `spelling` spells them.
    #[new]
    fn new(py: Python<'_>, settings: EngineSettings, spelling: Spelling) -> PyResult<Engine> {
        no_panic(|| {
            let built = settings.build(py, &spelling)?;
            let advice = Advice::new(&spelling);
            let store = built
                .store
                .map(|obtained| Py::new(py, Store::new(&obtained, advice.clone())))
                .transpose()?;
            Ok(Engine {
                inner: built.engine,
                flask: built.flask,
                migrations: built.migrations,
                spelling,
                advice,
                store,
            })
        })
    }

    /// True for Flask's format, where `_permanent` is the session's persistence.
    #[getter]
    fn is_flask(&self) -> bool {
        self.flask
    }

    /// The budget: the most bytes the session's cookies take in a request's `Cookie`
    /// header.
    #[getter]
    fn max_size(&self) -> usize {
        self.inner.config().max_size()
    }

    /// The revocation store sessions are checked against, or `None`.
    #[getter]
    fn store(&self, py: Python<'_>) -> Option<Py<Store>> {
        self.store.as_ref().map(|store| store.clone_ref(py))
    }

    /// The revocation store, or the package's `RevocationError` (`not-configured`) saying
    /// which setting turns it on.
    fn required_store(&self, py: Python<'_>) -> PyResult<Py<Store>> {
        self.store(py)
            .ok_or_else(|| self.advice.error(py, &RevocationError::NotConfigured))
    }

    /// The name of the cookie holding chunk `index`, or `None` past the most chunks.
    fn chunk_name(&self, index: usize) -> Option<String> {
        self.inner.chunk_name(index)
    }

    /// Reads the session of a request from its `Cookie` header (a WSGI `HTTP_COOKIE`).
    /// Never raises for what the client sent: a refused session is empty, with its reason.
    /// A WSGI server decodes the header's bytes as latin-1, which gives no lone
    /// surrogate; one put there by other code is read as U+FFFD, which no cookie of the
    /// engine's holds, so the cookie it is in is refused (`malformed`) and the others
    /// read as usual.
    #[pyo3(signature = (cookie_header = None))]
    fn open(slf: &Bound<'_, Self>, cookie_header: Option<Bound<'_, PyString>>) -> PyResult<Handle> {
        // UTF-8 validation is fast; the lossy conversion, which walks the text a character
        // at a time, serves only a header holding a surrogate.
        let header = cookie_header.map(|header| match header.to_cow() {
            Ok(text) => text.into_owned(),
            Err(_) => header.to_string_lossy().into_owned(),
        });
        let engine = slf.get().inner.clone();
        // Verifying, decrypting and inflating need no Python: other threads run meanwhile.
        let session = slf.py().detach(move || {
            no_panic(|| {
                let session = engine.load_python(header.as_deref());
                session.load_reason();
                Ok(session)
            })
        })?;
        Ok(Handle {
            session,
            engine: slf.clone().unbind(),
            ended: Mutex::new(None),
        })
    }
}

/// One request's session on the Rust side.
///
/// The library's `Session` is behind a lock. Two rules keep the lock and the GIL from
/// waiting on each other: every call that takes the lock releases the GIL first
/// (`Python::detach`), so a thread waiting for the lock never blocks one that holds it
/// and needs the GIL back; and no Python code runs while the lock is held: entries are
/// copied out of it before they become Python objects, and made from Python objects
/// before they go in.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Handle {
    session: Session,
    /// The engine that opened it.
    engine: Py<Engine>,
    /// The identity of the session the request carried, kept when `purge` ended it with a
    /// revocation store configured, so a `revoke` later in the request still revokes it
    /// (Flask-Login's logout after the session was purged).
    ended: Mutex<Option<Identity>>,
}

impl Handle {
    /// Runs `f` on the session with the GIL released: `f` may wait for the session's lock.
    fn locked<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&Session) -> R + Send) -> PyResult<R> {
        let session = &self.session;
        py.detach(move || no_panic(|| Ok(f(session))))
    }

    /// The package's exception for a revocation error, in the framework's words.
    fn raise(&self, py: Python<'_>, error: &RevocationError) -> PyErr {
        self.engine.get().advice.error(py, error)
    }

    /// The session's subject, checked before a registry call: the registry is asked only
    /// about sessions bound to one (with no store, the store's absence is the error).
    fn bound_subject(&self, py: Python<'_>) -> PyResult<String> {
        if self.engine.get().store.is_none() {
            return Err(self.raise(py, &RevocationError::NotConfigured));
        }
        self.locked(py, Session::subject)?
            .ok_or_else(|| self.raise(py, &RevocationError::NoSubject))
    }
}

#[pymethods]
impl Handle {
    /// Why the incoming session was accepted or refused: `no-session`, `valid`,
    /// `missing-chunk`, `stale-chunk`, `too-many-chunks`, `bad-signature`, `unknown-key`,
    /// `expired`, `idle-expired`, `malformed`, `too-large`, `ambiguous`, `foreign-key`,
    /// `revoked`, `revocation-unavailable`.
    #[getter]
    fn load_reason(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.locked(py, |session| session.load_reason().as_str())
    }

    /// A sentence about the reason.
    #[getter]
    fn description(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.locked(py, |session| session.load_reason().describe())
    }

    /// The `logging` level the reason is logged at: WARNING for what points at tampering
    /// or a misbehaving client, INFO for what ordinary use produces, DEBUG otherwise.
    #[getter]
    fn log_level(&self, py: Python<'_>) -> PyResult<u8> {
        Ok(
            match self.locked(py, |session| session.load_reason().level())? {
                tracing::Level::WARN => 30,
                tracing::Level::INFO => 20,
                _ => 10,
            },
        )
    }

    /// The previous format the session was read from (`flask`, `flask-chunked`), if it
    /// was.
    #[getter]
    fn migrated_from(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        let index = self.locked(py, Session::migrated_from)?;
        Ok(index.and_then(|index| self.engine.get().migrations.get(index).copied()))
    }

    /// Whether the loaded session's cookies are persistent.
    #[getter]
    fn persistent(&self, py: Python<'_>) -> PyResult<bool> {
        self.locked(py, Session::is_persistent)
    }

    /// The entries, as a new dict of Python objects: a snapshot taken from the session
    /// (shared, not copied), converted with the lock released.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let entries = self
            .locked(py, Session::python_snapshot)?
            .map_err(value_error)?;
        no_panic(|| convert::dict_from_entries(py, &entries))
    }

    /// True when the response writes the session even though nothing changed.
    fn rewrite_due(&self, py: Python<'_>) -> PyResult<bool> {
        self.locked(py, Session::rewrite_due)
    }

    /// Replaces every entry with the items of `entries`; the session counts as modified.
    /// `permanent` is the persistence for the native formats (Flask's is the `_permanent`
    /// entry). `default` is the app's JSON provider's `default` (Flask's
    /// `app.json.default`): what it makes of a value no tag covers is stored, as Flask's
    /// serializer stores it; without it such a value is json's `TypeError`.
    #[pyo3(signature = (entries, permanent = false, default = None))]
    fn replace<'py>(
        &self,
        entries: &Bound<'py, PyDict>,
        permanent: bool,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        let py = entries.py();
        // Python code runs here (a value's `__html__`): before the lock is taken.
        let entries = no_panic(|| convert::entries_from_dict(entries, default.as_ref()))?;
        let flask = self.engine.get().flask;
        self.locked(py, move |session| {
            session.set_python_entries(entries);
            if !flask {
                session.set_persistent(permanent);
            }
        })
    }

    /// Ends the session: every cookie the request carried is deleted, whatever happens to
    /// the session later in the request. With a revocation store, a `revoke` later in the
    /// request still revokes the session the request carried.
    fn purge(&self, py: Python<'_>) -> PyResult<()> {
        let keep = self.engine.get().store.is_some();
        let ended = &self.ended;
        self.locked(py, move |session| {
            if keep
                && session.load_reason() == LoadReason::Valid
                && let Ok(identity) = session.identity()
            {
                *ended.lock().unwrap_or_else(PoisonError::into_inner) = Some(identity);
            }
            session.purge();
        })
    }

    /// The next write starts a new absolute lifetime under a new generation id: call it
    /// when privileges change (at login).
    fn renew(&self, py: Python<'_>) -> PyResult<()> {
        self.locked(py, Session::renew)
    }

    /// The session's id (22 characters of base64url): the same in every write of the
    /// session, replaced by `renew`. A session without one yet draws it now.
    #[getter]
    fn session_id(&self, py: Python<'_>) -> PyResult<String> {
        let id = self.locked(py, Session::id)?;
        id.map(|id| id.to_string())
            .map_err(|error| self.raise(py, &error.into()))
    }

    /// When the session's id was created, in microseconds since the Unix epoch.
    #[getter]
    fn created(&self, py: Python<'_>) -> PyResult<u64> {
        self.locked(py, Session::created)?
            .map_err(|error| self.raise(py, &error.into()))
    }

    /// The subject the session is bound to, if any.
    #[getter]
    fn subject(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.locked(py, Session::subject)
    }

    /// Binds the session to `subject` (1 to 256 bytes, no control character), or unbinds
    /// it (`None`); a change is written by the response.
    fn set_subject(&self, py: Python<'_>, subject: Option<String>) -> PyResult<()> {
        let set = self.locked(py, move |session| match subject {
            Some(subject) => session.set_subject(subject),
            None => {
                session.clear_subject();
                Ok(())
            }
        })?;
        set.map_err(|error| self.raise(py, &error.into()))
    }

    /// The request's `User-Agent`, which the device registry records with the session's
    /// writes (kept only when the registry is on).
    fn set_user_agent(&self, py: Python<'_>, user_agent: &str) -> PyResult<()> {
        let user_agent = user_agent.to_owned();
        self.locked(py, move |session| session.set_user_agent(&user_agent))
    }

    /// Logout: revokes this session (every copy, every write) and purges it. Waits for
    /// Redis to confirm, at most the store's bound, with the GIL released.
    fn revoke(&self, py: Python<'_>) -> PyResult<()> {
        let store = self
            .engine
            .get()
            .store
            .as_ref()
            .map(|store| store.get().shared());
        let session = &self.session;
        let ended = &self.ended;
        let result = py.detach(move || {
            no_panic(|| {
                // Both calls are made before either is waited for: one bound for both.
                let this = session.revoke();
                let earlier = ended.lock().unwrap_or_else(PoisonError::into_inner).take();
                let earlier: Option<Pending<()>> = earlier
                    .zip(store)
                    .map(|(identity, store)| store.revoke(&identity));
                let mut result = this.wait();
                if let Some(earlier) = earlier {
                    let confirmed = earlier.wait();
                    if matches!(result, Ok(()) | Err(RevocationError::NotConfigured)) {
                        result = confirmed;
                    }
                }
                Ok(result)
            })
        })?;
        result.map_err(|error| self.raise(py, &error))
    }

    /// Signs out every other session of this session's subject (those created before now)
    /// and renews this one, which stays signed in; the answer is the epoch (µs).
    fn revoke_others(&self, py: Python<'_>) -> PyResult<u64> {
        let pending = self.locked(py, Session::revoke_others)?;
        revocation::wait(py, pending)?.map_err(|error| self.raise(py, &error))
    }

    /// The device registry's sessions of this session's subject, most recently seen first.
    fn devices(&self, py: Python<'_>) -> PyResult<Vec<DeviceRow>> {
        let subject = self.bound_subject(py)?;
        let pending = self.engine.get().inner.devices(&subject);
        revocation::wait(py, pending)?
            .map(revocation::device_rows)
            .map_err(|error| self.raise(py, &error))
    }

    /// Revokes one of this session's subject's sessions by id: `False` when the registry
    /// does not list it for the subject.
    fn revoke_device(&self, py: Python<'_>, session_id: &str) -> PyResult<bool> {
        let id = revocation::session_id(session_id).map_err(|error| self.raise(py, &error))?;
        let subject = self.bound_subject(py)?;
        let pending = self.engine.get().inner.revoke_device(&subject, id);
        revocation::wait(py, pending)?.map_err(|error| self.raise(py, &error))
    }

    /// How big the session is on the wire as it stands, or why it would not be written.
    fn check(&self, py: Python<'_>) -> PyResult<Sizes> {
        let checked = self.locked(py, Session::check)?;
        let engine = self.engine.get();
        let config = engine.inner.config();
        Sizes::new(
            py,
            checked,
            config.max_size(),
            config.max_chunks(),
            &engine.spelling,
        )
    }

    /// What the response carries: `status` is its status code, `accessed` whether the
    /// handler touched the session (Flask's `session.accessed`), `cache_control` whether
    /// the response set its own `Cache-Control`, `vary` its `Vary` values.
    #[pyo3(signature = (status, *, accessed, cache_control = false, vary = Vec::new()))]
    fn finish(
        &self,
        py: Python<'_>,
        status: u16,
        accessed: bool,
        cache_control: bool,
        vary: Vec<String>,
    ) -> PyResult<Outcome> {
        let info = ResponseInfo::new(status)
            .cache_control(cache_control)
            .vary(vary.iter().map(String::as_bytes));
        let engine = self.engine.get();
        let inner = &engine.inner;
        let outcome = self.locked(py, move |session| {
            session.set_accessed(accessed);
            inner.finish(session, info)
        })?;
        Outcome::new(py, &outcome, &engine.spelling)
    }
}
