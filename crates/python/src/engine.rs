//! Engines built from the package's settings, and the handle of one request's session.

use chunked_cookie_session::{Key, ResponseInfo, Session, SessionEngine};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert;
use crate::outcome::{Outcome, Sizes};
use crate::settings::{EngineSettings, Spelling};

fn value_error(err: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// A new key: 32 random bytes in base64url, what `cookie-session keygen` prints.
#[pyfunction]
pub(crate) fn keygen() -> String {
    chunked_cookie_session::generate_secret()
}

/// Raises `ValueError` (saying how to make one) unless `text` is a usable key: base64 or
/// base64url of 32 to 1024 bytes.
#[pyfunction]
pub(crate) fn check_key(text: &str) -> PyResult<()> {
    Key::from_base64(text).map(drop).map_err(value_error)
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
}

#[pymethods]
impl Engine {
    /// The engine `settings` describe (the package's `Settings`, read by attribute name),
    /// with their migrations. Every check is the library's; an error raises the package's
    /// `ConfigurationError`, naming the settings as `spelling` spells them.
    #[new]
    fn new(py: Python<'_>, settings: EngineSettings, spelling: Spelling) -> PyResult<Engine> {
        let built = settings.build(py, &spelling)?;
        Ok(Engine {
            inner: built.engine,
            flask: built.flask,
            migrations: built.migrations,
            spelling,
        })
    }

    /// True for Flask's format, where `_permanent` is the session's persistence.
    #[getter]
    fn is_flask(&self) -> bool {
        self.flask
    }

    /// The name of the cookie holding chunk `index`, or `None` past the most chunks.
    fn chunk_name(&self, index: usize) -> Option<String> {
        self.inner.chunk_name(index)
    }

    /// Reads the session of a request from its `Cookie` header (a WSGI `HTTP_COOKIE`).
    /// Never raises for what the client sent: a refused session is empty, with its reason.
    #[pyo3(signature = (cookie_header = None))]
    fn open(slf: &Bound<'_, Self>, cookie_header: Option<String>) -> Handle {
        let engine = slf.get().inner.clone();
        // Verifying, decrypting and inflating need no Python: other threads run meanwhile.
        let session = slf.py().detach(move || {
            let session = engine.load_python(cookie_header.as_deref());
            session.load_reason();
            session
        });
        Handle {
            session,
            engine: slf.clone().unbind(),
        }
    }
}

/// One request's session on the Rust side.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Handle {
    session: Session,
    /// The engine that opened it.
    engine: Py<Engine>,
}

#[pymethods]
impl Handle {
    /// Why the incoming session was accepted or refused: `no-session`, `valid`,
    /// `missing-chunk`, `stale-chunk`, `too-many-chunks`, `bad-signature`, `unknown-key`,
    /// `expired`, `idle-expired`, `malformed`, `too-large`, `revoked`,
    /// `revocation-unavailable`.
    #[getter]
    fn load_reason(&self) -> &'static str {
        self.session.load_reason().as_str()
    }

    /// A sentence about the reason.
    #[getter]
    fn description(&self) -> &'static str {
        self.session.load_reason().describe()
    }

    /// The `logging` level the reason is logged at: WARNING for what points at tampering
    /// or a misbehaving client, INFO for what ordinary use produces, DEBUG otherwise.
    #[getter]
    fn log_level(&self) -> u8 {
        match self.session.load_reason().level() {
            tracing::Level::WARN => 30,
            tracing::Level::INFO => 20,
            _ => 10,
        }
    }

    /// The previous format the session was read from (`flask`, `flask-chunked`), if it
    /// was.
    #[getter]
    fn migrated_from(&self) -> Option<&'static str> {
        let index = self.session.migrated_from()?;
        self.engine.get().migrations.get(index).copied()
    }

    /// Whether the loaded session's cookies are persistent.
    #[getter]
    fn persistent(&self) -> bool {
        self.session.is_persistent()
    }

    /// The entries, as a new dict of Python objects.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.session
            .with_python_entries(|entries| convert::dict_from_entries(py, entries))
            .map_err(value_error)?
    }

    /// True when the response writes the session even though nothing changed.
    fn rewrite_due(&self) -> bool {
        self.session.rewrite_due()
    }

    /// Replaces every entry with the items of `entries`; the session counts as modified.
    /// `permanent` is the persistence for the native formats (Flask's is the `_permanent`
    /// entry).
    #[pyo3(signature = (entries, permanent = false))]
    fn replace(&self, entries: &Bound<'_, PyDict>, permanent: bool) -> PyResult<()> {
        let entries = convert::entries_from_dict(entries)?;
        self.session.set_python_entries(entries);
        if !self.engine.get().flask {
            self.session.set_persistent(permanent);
        }
        Ok(())
    }

    /// Ends the session: every cookie the request carried is deleted, whatever happens to
    /// the session later in the request.
    fn purge(&self) {
        self.session.purge();
    }

    /// The next write starts a new absolute lifetime under a new generation id: call it
    /// when privileges change (at login).
    fn renew(&self) {
        self.session.renew();
    }

    /// How big the session is on the wire as it stands, or why it would not be written.
    fn check(&self, py: Python<'_>) -> PyResult<Sizes> {
        let session = self.session.clone();
        let checked = py.detach(move || session.check());
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
        self.session.set_accessed(accessed);
        let info = ResponseInfo::new(status)
            .cache_control(cache_control)
            .vary(vary.iter().map(String::as_bytes));
        let engine = self.engine.get();
        let (inner, session) = (engine.inner.clone(), self.session.clone());
        let outcome = py.detach(move || inner.finish(&session, info));
        Outcome::new(py, &outcome, &engine.spelling)
    }
}
