//! The revocation store behind the engines, as Python reaches it.
//!
//! A store is process-wide state: the library's `MemoryRevocation` or `RedisRevocation`
//! (with its two threads and its Redis connections), built once per set of store settings
//! and shared by every engine that names them, whatever else their settings say. The
//! engines of a process are kept per settings value in Python, and tests change settings
//! often; the stores are kept here, in [`STORES`], so a new engine never means a new
//! Redis connection. [`close_stores`] (registered with `atexit` by the package) gives the
//! queued revocations their chance to reach Redis before the process ends; a process
//! forked from one that had stores builds its own (a fork copies no thread).
//!
//! Every rule is the library's: this module translates the settings, the calls and their
//! errors. Admin calls wait for their answer (at most the store's bound) with the GIL
//! released.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chunked_cookie_session::Setting;
use chunked_cookie_session::revocation::{
    DEFAULT_REGISTRY_CAP, Freshness, IdentityError, MAX_LIFETIME, MemoryRevocation, OptionsError,
    Pending, Policy, RedisRevocation, Revocation, RevocationError, SessionId,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::no_panic;
use crate::settings::Spelling;

/// The package's exceptions for revocation (`chunked_cookie_session._errors`).
mod raised {
    pyo3::import_exception!(chunked_cookie_session._errors, RevocationError);
    pyo3::import_exception!(chunked_cookie_session._errors, RevocationUnconfirmed);
    pyo3::import_exception!(chunked_cookie_session._errors, InvalidRevocation);
}

/// The store settings, as Python's `StoreSettings` holds them (read by attribute name).
/// `None` leaves the library's default. Never `Debug`: the URL may hold a password.
#[derive(Clone, PartialEq, Eq, FromPyObject)]
pub(crate) struct StoreSettings {
    /// `memory`, or the Redis URL.
    store: String,
    /// The device registry is on.
    registry: bool,
    /// Sessions kept per subject (`None`: the library's default).
    registry_cap: Option<usize>,
    namespace: Option<String>,
    staleness_bound_ms: Option<u64>,
    startup_wait_ms: Option<u64>,
    timeout_ms: Option<u64>,
    policy: Option<String>,
}

/// The store settings' codes, the keys of a spelling's `extra` names (the library's
/// `Setting` has `revocation` and `lifetime`; these are the stores' own).
const REGISTRY: &str = "registry";
const NAMESPACE: &str = "namespace";
const STALENESS_BOUND: &str = "staleness_bound";
const STARTUP_WAIT: &str = "startup_wait";
const TIMEOUT: &str = "timeout";
const POLICY: &str = "policy";

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

/// Why a store could not be built, to raise in the framework's words.
pub(crate) enum StoreError {
    Options(OptionsError),
    Policy(String),
    NotAStore,
}

/// A store built for an engine.
pub(crate) struct Obtained {
    pub(crate) store: Arc<dyn Revocation>,
    pub(crate) kind: &'static str,
}

impl StoreSettings {
    /// The longest a session lives for this store: the engine's lifetime for Redis
    /// (where Redis keeps the truth, so a store built again for another lifetime loses
    /// nothing); the longest the library accepts for the memory store, which is the only
    /// copy of its revocations and so is never built twice for one process.
    fn lifetime(&self, engine: Duration) -> Duration {
        if self.is_memory() {
            MAX_LIFETIME
        } else {
            engine
        }
    }

    fn is_memory(&self) -> bool {
        self.store == "memory"
    }

    fn build(&self, lifetime: Duration) -> Result<(Arc<dyn Revocation>, &'static str), StoreError> {
        let cap = self
            .registry
            .then(|| self.registry_cap.unwrap_or(DEFAULT_REGISTRY_CAP));
        // Read for either store, so a misspelt policy is refused before Redis is in use.
        let policy = self
            .policy
            .as_ref()
            .map(|policy| {
                policy
                    .parse::<Policy>()
                    .map_err(|_| StoreError::Policy(policy.clone()))
            })
            .transpose()?;
        if self.is_memory() {
            let mut builder = MemoryRevocation::builder().lifetime(lifetime);
            if let Some(cap) = cap {
                builder = builder.registry(cap);
            }
            let store = builder.build().map_err(StoreError::Options)?;
            return Ok((Arc::new(store), "memory"));
        }
        if !self.store.contains("://") {
            return Err(StoreError::NotAStore);
        }
        let mut builder = RedisRevocation::builder(self.store.as_str()).lifetime(lifetime);
        if let Some(namespace) = &self.namespace {
            builder = builder.namespace(namespace.as_str());
        }
        if let Some(ms) = self.staleness_bound_ms {
            builder = builder.staleness_bound(Duration::from_millis(ms));
        }
        if let Some(ms) = self.startup_wait_ms {
            builder = builder.startup_wait(Duration::from_millis(ms));
        }
        if let Some(ms) = self.timeout_ms {
            builder = builder.write_timeout(Duration::from_millis(ms));
        }
        if let Some(policy) = policy {
            builder = builder.policy(policy);
        }
        if let Some(cap) = cap {
            builder = builder.registry(cap);
        }
        let store = builder.connect().map_err(StoreError::Options)?;
        Ok((Arc::new(store), "redis"))
    }
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

impl StoreError {
    /// The package's `ConfigurationError`, naming the setting at fault as the framework
    /// does. A URL is never quoted: it may hold a password.
    pub(crate) fn raise(self, py: Python<'_>, spelling: &Spelling) -> PyErr {
        let revocation = Setting::Revocation.code();
        let (code, setting, message) = match self {
            StoreError::NotAStore => {
                let name = spelling.spell(Setting::Revocation);
                let message = format!(
                    "{name} must be \"memory\" or a Redis URL (redis://[:PASSWORD@]HOST:PORT[/DB])"
                );
                ("unknown-value", revocation, message)
            }
            StoreError::Policy(policy) => {
                let name = spelling.extra(POLICY);
                let message =
                    format!("{name} is {policy:?}: it must be \"fail-closed\" or \"fail-open\"");
                ("unknown-value", POLICY, message)
            }
            StoreError::Options(error) => options_error(&error, spelling),
        };
        let name = match setting {
            code if code == revocation => spelling.spell(Setting::Revocation),
            code if code == Setting::Lifetime.code() => spelling.spell(Setting::Lifetime),
            code => spelling.extra(code),
        };
        spelling.configuration_error(py, &message, code, (setting, name))
    }
}

/// An `OptionsError` in the framework's words: the error's code, the code of the setting at
/// fault, the message.
fn options_error(
    error: &OptionsError,
    spelling: &Spelling,
) -> (&'static str, &'static str, String) {
    let revocation = Setting::Revocation.code();
    match error {
        OptionsError::Duration {
            name,
            given,
            min,
            max,
        } => {
            let (setting, spelled) = match *name {
                "staleness_bound" => (STALENESS_BOUND, spelling.extra(STALENESS_BOUND)),
                "startup_wait" => (STARTUP_WAIT, spelling.extra(STARTUP_WAIT)),
                "write_timeout" => (TIMEOUT, spelling.extra(TIMEOUT)),
                _ => (Setting::Lifetime.code(), spelling.spell(Setting::Lifetime)),
            };
            let message = format!("{spelled} is {given:?}: it must be between {min:?} and {max:?}");
            ("out-of-range", setting, message)
        }
        OptionsError::Namespace(_) => (
            "invalid-namespace",
            NAMESPACE,
            format!("{}: {error}", spelling.extra(NAMESPACE)),
        ),
        OptionsError::RegistryCap(_) => (
            "out-of-range",
            REGISTRY,
            format!("{}: {error}", spelling.extra(REGISTRY)),
        ),
        OptionsError::Url(_) => (
            "invalid-url",
            revocation,
            format!("{}: {error}", spelling.spell(Setting::Revocation)),
        ),
        _ => (
            "store",
            revocation,
            format!("{}: {error}", spelling.spell(Setting::Revocation)),
        ),
    }
}

/// What an error says to do, in the framework's words.
#[derive(Debug, Clone)]
pub(crate) struct Advice {
    /// The framework's name of the revocation setting.
    revocation: String,
    /// The framework's name of the registry setting.
    registry: String,
}

impl Advice {
    pub(crate) fn new(spelling: &Spelling) -> Advice {
        Advice {
            revocation: spelling.spell(Setting::Revocation),
            registry: spelling.extra(REGISTRY),
        }
    }

    /// The package's exception for a failed admin call: `RevocationUnconfirmed` when the
    /// revocation applies in this process but Redis has not taken it (yet),
    /// `InvalidRevocation` (a `ValueError` too) for a subject, an id or a time that is not
    /// one, `RevocationError` otherwise; each with its `code`.
    pub(crate) fn error(&self, py: Python<'_>, error: &RevocationError) -> PyErr {
        let (code, message) = match error {
            RevocationError::Unconfirmed(_) => ("unconfirmed", error.to_string()),
            RevocationError::QueueFull(_) => ("queue-full", error.to_string()),
            RevocationError::TimedOut(_) => ("timed-out", error.to_string()),
            RevocationError::RegistryDisabled => (
                "registry-disabled",
                format!(
                    "the device registry is off: turn it on with {} (beside {})",
                    self.registry, self.revocation
                ),
            ),
            RevocationError::NotConfigured => (
                "not-configured",
                format!(
                    "no revocation store is configured: set {} to \"memory\" or a Redis URL",
                    self.revocation
                ),
            ),
            RevocationError::NoSubject => (
                "no-subject",
                "the session is bound to no subject: bind one at login (session.subject = \
                 the user's id)"
                    .to_owned(),
            ),
            RevocationError::Identity(identity) => (identity_code(identity), error.to_string()),
            RevocationError::FutureEpoch => ("future-epoch", error.to_string()),
            RevocationError::Closed => ("closed", error.to_string()),
            RevocationError::Store(_) => ("store", error.to_string()),
            _ => ("revocation", error.to_string()),
        };
        let raised = || -> PyResult<PyErr> {
            let class = match code {
                "unconfirmed" | "queue-full" => py.get_type::<raised::RevocationUnconfirmed>(),
                "bad-session-id" | "empty-subject" | "subject-too-long" | "subject-control"
                | "future-epoch" => py.get_type::<raised::InvalidRevocation>(),
                _ => py.get_type::<raised::RevocationError>(),
            };
            let kwargs = PyDict::new(py);
            kwargs.set_item("code", code)?;
            Ok(PyErr::from_value(
                class.call((message.as_str(),), Some(&kwargs))?,
            ))
        };
        raised().unwrap_or_else(|failed| failed)
    }
}

/// The code of an identity error.
fn identity_code(error: &IdentityError) -> &'static str {
    match error {
        IdentityError::BadSessionId => "bad-session-id",
        IdentityError::EmptySubject => "empty-subject",
        IdentityError::SubjectTooLong(_) => "subject-too-long",
        IdentityError::SubjectControl => "subject-control",
        _ => "random",
    }
}

/// A session id from its text, or the package's `InvalidRevocation`.
pub(crate) fn session_id(text: &str) -> Result<SessionId, RevocationError> {
    text.parse::<SessionId>().map_err(RevocationError::from)
}

/// Waits for an admin call's answer (at most the store's bound), the GIL released.
pub(crate) fn wait<T: Send>(
    py: Python<'_>,
    pending: Pending<T>,
) -> PyResult<Result<T, RevocationError>> {
    py.detach(move || no_panic(|| Ok(pending.wait())))
}

/// A device the registry lists: `(session_id, created µs, last_seen s, user_agent,
/// expires_at s)`, what Python makes its `Device` of.
pub(crate) type DeviceRow = (String, u64, u64, String, u64);

/// The rows of a device list.
pub(crate) fn device_rows(
    devices: Vec<chunked_cookie_session::revocation::Device>,
) -> Vec<DeviceRow> {
    devices
        .into_iter()
        .map(|device| {
            (
                device.session_id.to_string(),
                device.created,
                device.last_seen,
                device.user_agent,
                device.expires_at,
            )
        })
        .collect()
}

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
