//! `chunked_cookie_session._native`: the Rust engine behind the `chunked-cookie-session`
//! Python package (a Flask extension).
//!
//! What crosses the boundary: the package's framework-neutral `Settings` and a framework's
//! spelling of them in, once per engine (`settings.rs`: every check is the library's
//! `EngineOptions::build`, and its errors name settings the framework's way); the
//! request's `Cookie` header in; the session's entries as
//! Python objects, mapped one for one onto `flask::PyValue` (`convert.rs`); the load
//! reason; and the response's decisions as the library's `Outcome` (each `Set-Cookie`
//! line with its name, index and whether it deletes, `Vary`, `Cache-Control`, the error).
//! Every rule (which cookies, what a tag looks like, when to write, what fits) is the
//! library's; this crate and the Python code above it only translate.

#![forbid(unsafe_code)]

mod convert;
mod engine;
mod outcome;
mod revocation;
mod settings;

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;

pyo3::import_exception!(chunked_cookie_session._errors, EngineError);

/// Runs `f`, turning a panic into the package's `EngineError` (a `RuntimeError`). Left
/// alone, PyO3 raises a panic as `PanicException`, a `BaseException` that Flask's error
/// handlers and `except Exception` never see. No panic is known: this is the floor under
/// the engine's own rule that none happens. The panic's text is not in the error (it
/// could quote a session's data); the panic hook prints it to stderr.
pub(crate) fn no_panic<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(EngineError::new_err(
            "the session engine failed unexpectedly (a bug of chunked-cookie-session: please \
             report it with the panic message printed to stderr)",
        ))
    })
}

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::Engine>()?;
    m.add_class::<engine::Handle>()?;
    m.add_class::<outcome::Outcome>()?;
    m.add_class::<outcome::Cookie>()?;
    m.add_class::<outcome::Sizes>()?;
    m.add_class::<outcome::SaveFailure>()?;
    m.add_class::<revocation::Store>()?;
    m.add_function(wrap_pyfunction!(engine::keygen, m)?)?;
    m.add_function(wrap_pyfunction!(engine::check_key, m)?)?;
    m.add_function(wrap_pyfunction!(engine::setting_codes, m)?)?;
    m.add_function(wrap_pyfunction!(engine::load_reasons, m)?)?;
    m.add_function(wrap_pyfunction!(revocation::close_stores, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
