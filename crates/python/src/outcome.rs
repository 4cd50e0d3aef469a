//! What a response carries for its session, as Python reads it: the library's `Outcome`,
//! `Sizes` and `SaveError`, field for field.

use chunked_cookie_session::{SaveError, Sizes as LibSizes};
use pyo3::prelude::*;

use crate::settings::Spelling;

/// One `Set-Cookie` header value: a chunk, or the deletion of one.
#[pyclass(frozen, get_all, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Cookie {
    /// The cookie's name.
    pub(crate) name: String,
    /// Its value (empty for a deletion).
    pub(crate) value: String,
    /// Its chunk index in its format's layout.
    pub(crate) index: usize,
    /// True when the line deletes the cookie.
    pub(crate) removal: bool,
    /// The whole header value, attributes included.
    pub(crate) line: String,
}

#[pymethods]
impl Cookie {
    fn __repr__(&self) -> String {
        let what = if self.removal { "delete" } else { "set" };
        format!(
            "<Cookie {what} {:?} ({} bytes)>",
            self.name,
            self.line.len()
        )
    }
}

/// Why a session was not written. Nothing was; the client keeps its previous cookies.
#[pyclass(frozen, get_all, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct SaveFailure {
    /// The library's stable name of the kind: `overflow`, `too-large`, `too-deep`,
    /// `invalid-entry`, `attributes-too-long`, `serialize`, `random`, ...
    pub(crate) kind: &'static str,
    /// The library's sentence, with the sizes and the settings to change, spelled the
    /// framework's way.
    pub(crate) message: String,
    /// The bytes the session needs (of `Cookie` header for an overflow).
    pub(crate) needed: Option<usize>,
    /// The limit hit (the budget for an overflow).
    pub(crate) limit: Option<usize>,
    /// Overflow: how many cookies it needs.
    pub(crate) chunks: Option<usize>,
    /// Overflow: the most cookies allowed.
    pub(crate) max_chunks: Option<usize>,
    /// The entry at fault, for `too-deep` and `invalid-entry`.
    pub(crate) entry: Option<String>,
    /// The settings that govern the limit hit, spelled the framework's way.
    pub(crate) settings: Vec<String>,
}

impl SaveFailure {
    /// The failure `error` describes, read through its accessors.
    pub(crate) fn from_error(error: &SaveError, spelling: &Spelling) -> SaveFailure {
        let (chunks, max_chunks) = error.chunks().unzip();
        SaveFailure {
            kind: error.code(),
            message: error.message_in(spelling),
            needed: error.needed(),
            limit: error.limit(),
            chunks,
            max_chunks,
            entry: error.entry().map(str::to_owned),
            settings: spelling.spell_all(error.settings()),
        }
    }
}

#[pymethods]
impl SaveFailure {
    fn __repr__(&self) -> String {
        format!("<SaveFailure {}: {}>", self.kind, self.message)
    }
}

/// How big the session is on the wire, or why it cannot be written.
#[pyclass(frozen, get_all, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Sizes {
    /// Bytes of the session's `name=value` pairs in the client's `Cookie` header.
    pub(crate) cookie_line: usize,
    /// How many cookies carry it.
    pub(crate) chunks: usize,
    /// The budget.
    pub(crate) max_size: usize,
    /// The most cookies allowed.
    pub(crate) max_chunks: usize,
    /// Why it would not be written, when it would not.
    pub(crate) failure: Option<Py<SaveFailure>>,
}

impl Sizes {
    pub(crate) fn new(
        py: Python<'_>,
        checked: Result<LibSizes, SaveError>,
        max_size: usize,
        max_chunks: usize,
        spelling: &Spelling,
    ) -> PyResult<Sizes> {
        Ok(match checked {
            Ok(sizes) => Sizes {
                cookie_line: sizes.cookie_line,
                chunks: sizes.chunks,
                max_size: sizes.max_size,
                max_chunks: sizes.max_chunks,
                failure: None,
            },
            Err(error) => {
                let failure = SaveFailure::from_error(&error, spelling);
                Sizes {
                    cookie_line: failure.needed.unwrap_or(0),
                    chunks: failure.chunks.unwrap_or(0),
                    max_size,
                    max_chunks,
                    failure: Some(Py::new(py, failure)?),
                }
            }
        })
    }
}

/// What the response carries for its session, decided by the library.
#[pyclass(frozen, get_all, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Outcome {
    /// `Set-Cookie` values, deletions first, one per name.
    pub(crate) cookies: Vec<Py<Cookie>>,
    /// Add `Cookie` to the response's `Vary`.
    pub(crate) vary_cookie: bool,
    /// Add this `Cache-Control` value.
    pub(crate) cache_control: Option<&'static str>,
    /// The session could not be written.
    pub(crate) failure: Option<Py<SaveFailure>>,
    /// The handler's response must not stand (a success whose session was lost): answer
    /// the failure instead.
    pub(crate) replace_response: bool,
}

impl Outcome {
    pub(crate) fn new(
        py: Python<'_>,
        outcome: &chunked_cookie_session::Outcome,
        spelling: &Spelling,
    ) -> PyResult<Outcome> {
        let cookies = outcome
            .cookies
            .iter()
            .map(|cookie| {
                Py::new(
                    py,
                    Cookie {
                        name: cookie.name().to_owned(),
                        value: cookie.value().to_owned(),
                        index: cookie.index(),
                        removal: cookie.is_removal(),
                        line: cookie.line().to_owned(),
                    },
                )
            })
            .collect::<PyResult<_>>()?;
        let failure = outcome
            .error
            .as_ref()
            .map(|error| Py::new(py, SaveFailure::from_error(error, spelling)))
            .transpose()?;
        Ok(Outcome {
            cookies,
            vary_cookie: outcome.vary_cookie,
            cache_control: outcome.cache_control,
            failure,
            replace_response: outcome.error_response().is_some(),
        })
    }
}
