//! The embedded store: this process's memory, nothing to set up.

use std::time::Duration;

use super::clock::{now_micros, now_secs};
use super::identity::{Identity, SessionId, check_subject};
use super::mirror::{Mirror, Revoke};
use super::options::{DEFAULT_LIFETIME, OptionsError, check_cap, check_lifetime};
use super::pending::{Pending, RevocationError};
use super::registry::{Device, MemoryRegistry};
use super::stats::{Counters, RevocationStats, bump};
use super::store::Revocation;
use super::verdict::{Freshness, Verdict};

/// Revocation in this process's memory: the embedded default, right for one process and
/// for tests. A process restart forgets every revocation (the sessions come back); a fleet
/// of processes needs the Redis store.
///
/// Bounded: an entry lives only as long as the sessions it names could (at most the
/// configured lifetime), and expired entries are pruned at most once a minute, on writes.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::{
///     Identity, MemoryRevocation, Revocation, Scope, SessionId, Verdict, now_micros,
/// };
///
/// let store = MemoryRevocation::builder()
///     .lifetime(Duration::from_secs(7 * 24 * 3600))
///     .registry(10)
///     .build()?;
/// let created = now_micros();
/// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 60);
/// store.revoke_everyone_before(now_micros()).wait()?;
/// assert_eq!(store.check(&session), Verdict::Revoked(Scope::Everyone));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct MemoryRevocation {
    mirror: Mirror,
    registry: Option<MemoryRegistry>,
    counters: Counters,
}

/// The settings of a [`MemoryRevocation`].
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::{MemoryRevocation, OptionsError, Revocation};
///
/// let store = MemoryRevocation::builder()
///     .lifetime(Duration::from_secs(24 * 3600))
///     .registry(5)
///     .build()?;
/// assert_eq!(store.max_lifetime(), Duration::from_secs(24 * 3600));
/// assert!(store.registry_enabled());
/// # Ok::<(), OptionsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MemoryRevocationBuilder {
    lifetime: Duration,
    registry: Option<usize>,
}

impl MemoryRevocationBuilder {
    /// The longest a session can live (the engine's lifetime; default 14 days, at most
    /// 400 days): no revocation is kept longer.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation};
    ///
    /// let store = MemoryRevocation::builder().lifetime(Duration::from_secs(3600)).build()?;
    /// assert_eq!(store.max_lifetime(), Duration::from_secs(3600));
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Turns the device registry on, keeping at most `cap` sessions per subject (the most
    /// recently seen). Off by default.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation};
    ///
    /// assert!(MemoryRevocation::builder().registry(20).build()?.registry_enabled());
    /// assert!(!MemoryRevocation::new().registry_enabled());
    /// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
    /// ```
    pub fn registry(mut self, cap: usize) -> Self {
        self.registry = Some(cap);
        self
    }

    /// The store.
    ///
    /// # Errors
    ///
    /// [`OptionsError`] for a lifetime or a cap out of range.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{MemoryRevocation, OptionsError};
    ///
    /// assert!(MemoryRevocation::builder().build().is_ok());
    /// let refused = MemoryRevocation::builder().lifetime(Duration::ZERO).build();
    /// assert!(matches!(refused, Err(OptionsError::Duration { name: "lifetime", .. })));
    /// ```
    pub fn build(self) -> Result<MemoryRevocation, OptionsError> {
        let lifetime = check_lifetime(self.lifetime)?;
        let registry = check_cap(self.registry)?;
        Ok(MemoryRevocation {
            mirror: Mirror::new(lifetime),
            registry: registry.map(MemoryRegistry::new),
            counters: Counters::default(),
        })
    }
}

impl Default for MemoryRevocation {
    fn default() -> Self {
        MemoryRevocation::new()
    }
}

impl MemoryRevocation {
    /// A store with the defaults: sessions of at most 14 days, no registry.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation};
    ///
    /// let store = MemoryRevocation::new();
    /// assert_eq!(store.max_lifetime(), Duration::from_secs(14 * 24 * 3600));
    /// assert!(!store.registry_enabled());
    /// ```
    pub fn new() -> MemoryRevocation {
        MemoryRevocation {
            mirror: Mirror::new(DEFAULT_LIFETIME.as_secs()),
            registry: None,
            counters: Counters::default(),
        }
    }

    /// The settings, to change before building.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation};
    ///
    /// let store = MemoryRevocation::builder().registry(10).build()?;
    /// assert!(store.devices("ada").wait()?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> MemoryRevocationBuilder {
        MemoryRevocationBuilder {
            lifetime: DEFAULT_LIFETIME,
            registry: None,
        }
    }

    /// Drops every entry that can no longer catch a live session now, and returns how many
    /// went. Writes do it on their own at most once a minute; this is for tests and for an
    /// application that wants it on its own schedule.
    ///
    /// # Example
    ///
    /// A revocation of a session that can still be used stays:
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{
    ///     Identity, MemoryRevocation, Revocation, SessionId, now_micros,
    /// };
    ///
    /// let store = MemoryRevocation::new();
    /// let created = now_micros();
    /// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 3600);
    /// store.revoke(&session).wait()?;
    /// assert_eq!(store.prune(), 0);
    /// assert!(!store.check(&session).accepts());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prune(&self) -> usize {
        let now = now_secs();
        if let Some(registry) = &self.registry {
            registry.prune(now);
        }
        self.mirror.prune(now)
    }

    fn apply(&self, revoke: &Revoke) {
        let now = now_secs();
        if self.mirror.apply(revoke, now) {
            bump(&self.counters.applied);
        }
        self.prune_if_due(now);
    }

    fn prune_if_due(&self, now: u64) {
        if self.mirror.prune_if_due(now).is_some()
            && let Some(registry) = &self.registry
        {
            registry.prune(now);
        }
    }
}

impl Revocation for MemoryRevocation {
    fn check(&self, identity: &Identity) -> Verdict {
        match self.mirror.revoked(identity) {
            Some(scope) => Verdict::Revoked(scope),
            None => Verdict::Valid,
        }
    }

    fn revoke_session(&self, id: SessionId, expires_at: Option<u64>) -> Pending<()> {
        self.apply(&Revoke::Session {
            id,
            until: expires_at.unwrap_or(u64::MAX),
        });
        Pending::ready(Ok(()))
    }

    fn revoke_subject(&self, subject: &str) -> Pending<u64> {
        if let Err(error) = check_subject(subject) {
            return Pending::ready(Err(error.into()));
        }
        let epoch = now_micros();
        self.apply(&Revoke::Subject {
            subject: subject.into(),
            epoch,
        });
        Pending::ready(Ok(epoch))
    }

    fn revoke_everyone_before(&self, before: u64) -> Pending<()> {
        if before > now_micros() {
            return Pending::ready(Err(RevocationError::FutureEpoch));
        }
        self.apply(&Revoke::Everyone { epoch: before });
        Pending::ready(Ok(()))
    }

    fn record(&self, identity: &Identity, last_seen: u64, user_agent: &str) {
        if let Some(registry) = &self.registry
            && identity.subject().is_some()
        {
            let now = now_secs();
            registry.record(identity, last_seen, user_agent, now);
            bump(&self.counters.registry_records);
            self.prune_if_due(now);
        }
    }

    fn registry_enabled(&self) -> bool {
        self.registry.is_some()
    }

    fn devices(&self, subject: &str) -> Pending<Vec<Device>> {
        let Some(registry) = &self.registry else {
            return Pending::ready(Err(RevocationError::RegistryDisabled));
        };
        let devices = registry
            .list(subject, now_secs())
            .into_iter()
            .filter(|device| {
                device
                    .identity(subject)
                    .is_some_and(|identity| self.mirror.revoked(&identity).is_none())
            })
            .collect();
        Pending::ready(Ok(devices))
    }

    fn revoke_device(&self, subject: &str, id: SessionId) -> Pending<bool> {
        let Some(registry) = &self.registry else {
            return Pending::ready(Err(RevocationError::RegistryDisabled));
        };
        let Some(device) = registry.take(subject, id) else {
            return Pending::ready(Ok(false));
        };
        self.apply(&Revoke::Session {
            id,
            until: device.expires_at,
        });
        Pending::ready(Ok(true))
    }

    fn freshness(&self) -> Freshness {
        Freshness::Local
    }

    fn max_lifetime(&self) -> Duration {
        Duration::from_secs(self.mirror.lifetime_secs())
    }

    fn stats(&self) -> RevocationStats {
        self.counters.snapshot(self.mirror.sizes())
    }
}
