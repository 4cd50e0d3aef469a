//! The stores this process built, one per store settings and lifetime, in [`STORES`]: an
//! engine asks here for its store, and `atexit` lets them go once their queued revocations
//! had their chance to reach Redis. A fork's child forgets its parent's stores.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chunked_cookie_session::revocation::Revocation;
use pyo3::prelude::*;

use super::store_settings::{StoreError, StoreSettings};
use crate::no_panic;

/// A store built, with what the binding says of it.
#[derive(Clone)]
struct Kept {
    settings: StoreSettings,
    /// The longest session the store keeps revocations for, in seconds.
    lifetime: u64,
    /// The process that built it: a child of a fork has none of its threads.
    pid: u32,
    store: Arc<dyn Revocation>,
    kind: &'static str,
}

/// Every store this process built, by its settings.
static STORES: Mutex<Vec<Kept>> = Mutex::new(Vec::new());

/// A store built for an engine.
pub(crate) struct Obtained {
    pub(crate) store: Arc<dyn Revocation>,
    pub(crate) kind: &'static str,
}

/// The store these settings describe for an engine whose sessions live `lifetime`: the
/// one this process built already, or a new one (a Redis store waits for its first sync,
/// at most its start-up wait: call it with the GIL released).
pub(crate) fn obtain(settings: &StoreSettings, lifetime: Duration) -> Result<Obtained, StoreError> {
    let lifetime = settings.lifetime(lifetime);
    let seconds = lifetime.as_secs();
    let pid = std::process::id();
    // Held while a store is built, so two threads never build the same one.
    let mut stores = STORES.lock().unwrap_or_else(PoisonError::into_inner);
    // A fork's child has the stores of its parent without their threads: it forgets them.
    stores.retain(|kept| kept.pid == pid);
    if let Some(kept) = stores
        .iter()
        .find(|kept| kept.lifetime == seconds && kept.settings == *settings)
    {
        return Ok(Obtained {
            store: Arc::clone(&kept.store),
            kind: kept.kind,
        });
    }
    let (store, kind) = settings.build(lifetime)?;
    stores.push(Kept {
        settings: settings.clone(),
        lifetime: seconds,
        pid,
        store: Arc::clone(&store),
        kind,
    });
    Ok(Obtained { store, kind })
}

/// Waits, at most `timeout` seconds, until the revocations this process's stores queued
/// for Redis are written (not at all for a store out of touch with Redis), then lets the
/// stores go (their threads stop once no engine holds
/// them, at the latest when the process ends). Returns how many were still waiting: they
/// apply in this process only. `atexit` calls it.
#[pyfunction]
pub(crate) fn close_stores(py: Python<'_>, timeout: f64) -> PyResult<u64> {
    let bound = Duration::try_from_secs_f64(timeout.max(0.0)).unwrap_or(Duration::ZERO);
    py.detach(move || {
        no_panic(|| {
            let pid = std::process::id();
            let stores: Vec<Kept> =
                std::mem::take(&mut *STORES.lock().unwrap_or_else(PoisonError::into_inner))
                    .into_iter()
                    .filter(|kept| kept.pid == pid)
                    .collect();
            let deadline = Instant::now() + bound;
            Ok(stores
                .iter()
                .map(|kept| flush(kept.store.as_ref(), deadline))
                .sum())
        })
    })
}

/// How many revocations `store` still has waiting for Redis once they are all written,
/// `deadline` has passed, or the store is out of touch with Redis (nothing would be
/// written then).
fn flush(store: &dyn Revocation, deadline: Instant) -> u64 {
    loop {
        let pending = store.stats().pending_writes;
        if pending == 0 || Instant::now() >= deadline || !store.freshness().is_fresh() {
            return pending;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
