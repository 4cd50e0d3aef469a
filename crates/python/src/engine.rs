//! Engines built from keyword settings, and the handle of one request's session.

use std::time::Duration;

use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
use chunked_cookie_session::{
    Key, KeyRing, ResponseInfo, SameSite, Session, SessionConfig, SessionEngine,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert;
use crate::outcome::{Outcome, Sizes};

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

/// `SameSite` as werkzeug accepts it: `Strict`, `Lax` or `None`, in any case.
fn same_site(text: Option<&str>) -> PyResult<Option<SameSite>> {
    match text.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(None),
        Some("strict") => Ok(Some(SameSite::Strict)),
        Some("lax") => Ok(Some(SameSite::Lax)),
        Some("none") => Ok(Some(SameSite::None)),
        Some(_) => Err(PyValueError::new_err(
            "SameSite must be 'Strict', 'Lax', or 'None'.",
        )),
    }
}

/// A configured engine. Build one per set of settings and keep it: it is immutable and
/// cheap to share.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Engine {
    inner: SessionEngine,
    flask: bool,
}

#[pymethods]
impl Engine {
    /// `format` is `signed`, `private` or `flask`. The native formats take `key` and
    /// `old_keys`; Flask's takes `secret_key`, `fallbacks`, `salt` and `layout`. `lifetime`
    /// is the native absolute lifetime or Flask's `max_age`, in seconds. `previous` are
    /// engines whose sessions a request without one of this engine's is read from.
    #[new]
    #[pyo3(signature = (
        format, *, key = None, old_keys = Vec::new(), secret_key = None,
        fallbacks = Vec::new(), salt = None, layout = "stock", name = "session", path = "/",
        domain = None, secure = true, httponly = true, samesite = Some("Lax"),
        partitioned = false, max_size = None, lifetime = None, idle_timeout = None,
        refresh_each_request = false, expires_date = false, previous = Vec::new()
    ))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        format: &str,
        key: Option<&str>,
        old_keys: Vec<String>,
        secret_key: Option<Vec<u8>>,
        fallbacks: Vec<Vec<u8>>,
        salt: Option<Vec<u8>>,
        layout: &str,
        name: &str,
        path: &str,
        domain: Option<&str>,
        secure: bool,
        httponly: bool,
        samesite: Option<&str>,
        partitioned: bool,
        max_size: Option<usize>,
        lifetime: Option<u64>,
        idle_timeout: Option<u64>,
        refresh_each_request: bool,
        expires_date: bool,
        previous: Vec<PyRef<'_, Engine>>,
    ) -> PyResult<Engine> {
        let mut builder = SessionConfig::builder()
            .name(name)
            .path(path)
            .secure(secure)
            .http_only(httponly)
            .same_site(same_site(samesite)?)
            .partitioned(partitioned)
            .refresh_each_request(refresh_each_request)
            .expires_date(expires_date);
        if let Some(domain) = domain {
            builder = builder.domain(domain);
        }
        if let Some(bytes) = max_size {
            builder = builder.max_size(bytes);
        }
        if let Some(idle) = idle_timeout {
            builder = builder.idle_timeout(Duration::from_secs(idle));
        }
        let (inner, flask) = if format == "flask" {
            let secret = secret_key
                .ok_or_else(|| PyValueError::new_err("the flask format needs a secret_key"))?;
            let mut settings = FlaskSettings::new(secret)
                .map_err(value_error)?
                .layout(match layout {
                    "stock" => FlaskLayout::Stock,
                    "chunked" => FlaskLayout::Chunked,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "the layout is 'stock' or 'chunked', not {other:?}"
                        )));
                    }
                })
                .refresh_each_request(refresh_each_request);
            for fallback in fallbacks {
                settings = settings.fallback(fallback);
            }
            if let Some(salt) = salt {
                settings = settings.salt(salt);
            }
            if let Some(seconds) = lifetime {
                settings = settings.max_age(Duration::from_secs(seconds));
            }
            let config = builder.build().map_err(value_error)?;
            (SessionEngine::flask(config, settings), true)
        } else {
            if let Some(seconds) = lifetime {
                builder = builder.lifetime(Duration::from_secs(seconds));
            }
            let config = builder.build().map_err(value_error)?;
            let key = key.ok_or_else(|| PyValueError::new_err("a native format needs a key"))?;
            let mut ring = KeyRing::new(Key::from_base64(key).map_err(value_error)?);
            for old in &old_keys {
                ring = ring.with_old_key(Key::from_base64(old).map_err(value_error)?);
            }
            match format {
                "signed" => (SessionEngine::signed(config, ring), false),
                "private" => (SessionEngine::private(config, ring), false),
                other => {
                    return Err(PyValueError::new_err(format!(
                        "the format is 'signed', 'private' or 'flask', not {other:?}"
                    )));
                }
            }
        };
        let inner = previous.iter().fold(inner, |engine, old| {
            engine.migrating_from(old.inner.clone())
        });
        Ok(Engine { inner, flask })
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
    fn open(&self, py: Python<'_>, cookie_header: Option<String>) -> Handle {
        let engine = self.inner.clone();
        // Verifying, decrypting and inflating need no Python: other threads run meanwhile.
        let session = py.detach(move || {
            let session = engine.load_python(cookie_header.as_deref());
            session.load_reason();
            session
        });
        Handle {
            session,
            engine: self.inner.clone(),
            flask: self.flask,
        }
    }
}

/// One request's session on the Rust side.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Handle {
    session: Session,
    engine: SessionEngine,
    flask: bool,
}

#[pymethods]
impl Handle {
    /// Why the incoming session was accepted or refused: `no-session`, `valid`,
    /// `missing-chunk`, `stale-chunk`, `too-many-chunks`, `bad-signature`, `unknown-key`,
    /// `expired`, `idle-expired`, `malformed`, `too-large`.
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

    /// The index of the previous engine the session was read from, if it was.
    #[getter]
    fn migrated_from(&self) -> Option<usize> {
        self.session.migrated_from()
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
        if !self.flask {
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
        let config = self.engine.config();
        Sizes::new(py, checked, config.max_size(), config.max_chunks())
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
        let (engine, session) = (self.engine.clone(), self.session.clone());
        let outcome = py.detach(move || engine.finish(&session, info));
        Outcome::new(py, &outcome)
    }
}
