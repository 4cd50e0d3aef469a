//! `Store`, the pyclass Python's `RevocationStore` wraps: the library's store of an engine,
//! its admin calls waited on with the GIL released, its freshness and counters.

use std::sync::Arc;

use chunked_cookie_session::revocation::{Freshness, Pending, Revocation, SessionId};
use pyo3::prelude::*;

use super::admin::{DeviceRow, device_rows, session_id, wait};
use super::advice::Advice;
use super::cache::Obtained;

/// The revocation store of an engine: the library's, shared by every engine built with the
/// same store settings in this process. Every call that revokes applies in this process
/// before it returns, and waits (at most the store's bound, with the GIL released) for
/// Redis to confirm it.
#[pyclass(frozen, module = "chunked_cookie_session._native")]
pub(crate) struct Store {
    inner: Arc<dyn Revocation>,
    kind: &'static str,
    advice: Advice,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The library's Debug of a Redis store shows its address without the password.
        f.debug_struct("Store")
            .field("kind", &self.kind)
            .field("inner", &self.inner)
            .finish()
    }
}

impl Store {
    pub(crate) fn new(obtained: &Obtained, advice: Advice) -> Store {
        Store {
            inner: Arc::clone(&obtained.store),
            kind: obtained.kind,
            advice,
        }
    }

    /// The library's store.
    pub(crate) fn shared(&self) -> Arc<dyn Revocation> {
        Arc::clone(&self.inner)
    }

    fn answer<T: Send>(&self, py: Python<'_>, pending: Pending<T>) -> PyResult<T> {
        wait(py, pending)?.map_err(|error| self.advice.error(py, &error))
    }
}

#[pymethods]
impl Store {
    /// `memory` or `redis`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    /// Whether the device registry is on.
    #[getter]
    fn registry(&self) -> bool {
        self.inner.registry_enabled()
    }

    /// Revokes one session by its id, until `expires_at` (Unix seconds; `None`: as long as
    /// a session can live).
    #[pyo3(signature = (session_id, expires_at = None))]
    fn revoke_session(
        &self,
        py: Python<'_>,
        session_id: &str,
        expires_at: Option<u64>,
    ) -> PyResult<()> {
        let id = session_id_or_raise(py, &self.advice, session_id)?;
        self.answer(py, self.inner.revoke_session(id, expires_at))
    }

    /// Revokes every session of `subject` created before now; the answer is the epoch, in
    /// microseconds since the Unix epoch.
    fn revoke_subject(&self, py: Python<'_>, subject: &str) -> PyResult<u64> {
        self.answer(py, self.inner.revoke_subject(subject))
    }

    /// Revokes every session created before `before` (microseconds since the Unix epoch).
    fn revoke_everyone_before(&self, py: Python<'_>, before: u64) -> PyResult<()> {
        self.answer(py, self.inner.revoke_everyone_before(before))
    }

    /// The subject's sessions the registry knows, most recently seen first.
    fn devices(&self, py: Python<'_>, subject: &str) -> PyResult<Vec<DeviceRow>> {
        self.answer(py, self.inner.devices(subject))
            .map(device_rows)
    }

    /// Revokes one of the subject's sessions by id: `False` when the registry does not list
    /// it for that subject.
    fn revoke_device(&self, py: Python<'_>, subject: &str, session_id: &str) -> PyResult<bool> {
        let id = session_id_or_raise(py, &self.advice, session_id)?;
        self.answer(py, self.inner.revoke_device(subject, id))
    }

    /// How current the store is: `local` (the memory store), `fresh`, `stale` or
    /// `never-synced`, and for the first three how long ago (seconds) it last heard from
    /// Redis, when it has.
    fn freshness(&self) -> (&'static str, Option<f64>) {
        match self.inner.freshness() {
            Freshness::Local => ("local", None),
            Freshness::Fresh(age) => ("fresh", Some(age.as_secs_f64())),
            Freshness::Stale(age) => ("stale", Some(age.as_secs_f64())),
            _ => ("never-synced", None),
        }
    }

    /// The store's counters and sizes, by the library's names.
    fn stats(&self) -> Vec<(&'static str, u64)> {
        let s = self.inner.stats();
        vec![
            ("applied", s.applied),
            ("resyncs", s.resyncs),
            ("reconnects", s.reconnects),
            ("stale_accepts", s.stale_accepts),
            ("stale_refusals", s.stale_refusals),
            ("registry_records", s.registry_records),
            ("registry_drops", s.registry_drops),
            ("unconfirmed", s.unconfirmed),
            ("pending_writes", s.pending_writes),
            ("bad_messages", s.bad_messages),
            ("revoked_sessions", s.revoked_sessions),
            ("revoked_subjects", s.revoked_subjects),
        ]
    }

    fn __repr__(&self) -> String {
        format!("<Store {} {:?}>", self.kind, self.inner.freshness())
    }
}

/// `text` as a session id, or the package's `InvalidRevocation`.
fn session_id_or_raise(py: Python<'_>, advice: &Advice, text: &str) -> PyResult<SessionId> {
    session_id(text).map_err(|error| advice.error(py, &error))
}
