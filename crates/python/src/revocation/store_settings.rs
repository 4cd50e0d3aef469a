//! The store settings as Python hands them over, the codes of the settings only the stores
//! have, and the library's store they build (or why they build none).

use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::revocation::{
    DEFAULT_REGISTRY_CAP, MAX_LIFETIME, MemoryRevocation, OptionsError, Policy, RedisRevocation,
    Revocation,
};
use pyo3::prelude::*;

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
pub(super) const REGISTRY: &str = "registry";
pub(super) const NAMESPACE: &str = "namespace";
pub(super) const STALENESS_BOUND: &str = "staleness_bound";
pub(super) const STARTUP_WAIT: &str = "startup_wait";
pub(super) const TIMEOUT: &str = "timeout";
pub(super) const POLICY: &str = "policy";

/// Why a store could not be built, to raise in the framework's words.
pub(crate) enum StoreError {
    Options(OptionsError),
    Policy(String),
    NotAStore,
}

impl StoreSettings {
    /// The longest a session lives for this store: the engine's lifetime for Redis
    /// (where Redis keeps the truth, so a store built again for another lifetime loses
    /// nothing); the longest the library accepts for the memory store, which is the only
    /// copy of its revocations and so is never built twice for one process.
    pub(super) fn lifetime(&self, engine: Duration) -> Duration {
        if self.is_memory() {
            MAX_LIFETIME
        } else {
            engine
        }
    }

    fn is_memory(&self) -> bool {
        self.store == "memory"
    }

    /// The library's store these settings describe, and its kind (`memory` or `redis`).
    pub(super) fn build(
        &self,
        lifetime: Duration,
    ) -> Result<(Arc<dyn Revocation>, &'static str), StoreError> {
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
