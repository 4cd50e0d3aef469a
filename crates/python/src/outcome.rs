//! What a response carries for its session, as Python reads it: the library's `Outcome`,
//! `Sizes` and `SaveError`, field for field.

use chunked_cookie_session::{SaveError, Sizes as LibSizes};
use pyo3::prelude::*;

/// One `Set-Cookie` header value: a chunk, or the deletion of one.
#[pyclass(frozen, get_all, module = "chunked_cookie_session._native")]
#[derive(Debug)]
pub(crate) struct Cookie {
    /// The cookie's name.
    pub(crate) name: String,
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
    /// `overflow`, `too-large`, `too-deep`, `invalid-entry`, `attributes-too-long`,
    /// `serialize` or `random`.
    pub(crate) kind: &'static str,
    /// The library's sentence, with the sizes and the setting to change.
    pub(crate) message: String,
    /// Overflow: bytes of `Cookie` header the session needs.
    pub(crate) needed: Option<usize>,
    /// Overflow: the budget.
    pub(crate) limit: Option<usize>,
    /// Overflow: how many cookies it needs.
    pub(crate) chunks: Option<usize>,
    /// Overflow: the most cookies allowed.
    pub(crate) max_chunks: Option<usize>,
    /// The entry at fault, for `too-deep` and `invalid-entry`.
    pub(crate) entry: Option<String>,
}

impl SaveFailure {
    pub(crate) fn from_error(error: &SaveError) -> SaveFailure {
        let mut failure = SaveFailure {
            kind: "serialize",
            message: error.to_string(),
            needed: None,
            limit: None,
            chunks: None,
            max_chunks: None,
            entry: None,
        };
        match error {
            SaveError::Overflow {
                needed,
                limit,
                chunks,
                max_chunks,
            } => {
                failure.kind = "overflow";
                failure.needed = Some(*needed);
                failure.limit = Some(*limit);
                failure.chunks = Some(*chunks);
                failure.max_chunks = Some(*max_chunks);
            }
            SaveError::TooLarge { bytes, limit } => {
                failure.kind = "too-large";
                failure.needed = Some(*bytes);
                failure.limit = Some(*limit);
            }
            SaveError::TooDeep { entry, .. } => {
                failure.kind = "too-deep";
                failure.entry = Some(entry.clone());
            }
            SaveError::InvalidFlaskEntry { entry, .. } => {
                failure.kind = "invalid-entry";
                failure.entry = Some(entry.clone());
            }
            SaveError::AttributesTooLong { .. } => failure.kind = "attributes-too-long",
            SaveError::Random => failure.kind = "random",
            _ => {}
        }
        failure
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
                let failure = SaveFailure::from_error(&error);
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
    ) -> PyResult<Outcome> {
        let cookies = outcome
            .cookies
            .iter()
            .map(|cookie| {
                Py::new(
                    py,
                    Cookie {
                        name: cookie.name().to_owned(),
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
            .map(|error| Py::new(py, SaveFailure::from_error(error)))
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
