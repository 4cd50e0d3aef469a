//! The interface every revocation store offers the engine and the application.

use std::fmt;
use std::time::Duration;

use super::identity::{Identity, SessionId};
use super::pending::Pending;
use super::registry::Device;
use super::stats::RevocationStats;
use super::verdict::{Freshness, Verdict};

/// A revocation store: what the engine asks at every load (from memory, never the
/// network) and what the application calls to end sessions.
///
/// Object-safe: an engine holds an `Arc<dyn Revocation>`. Two implementations:
/// [`MemoryRevocation`](super::MemoryRevocation) (one process, tests) and, with the
/// feature `redis`, `RedisRevocation` (a fleet sharing Redis, each process reading its own
/// in-memory mirror).
///
/// The admin calls return a [`Pending`]: `.wait()` from synchronous code, `.await` from
/// async handlers. Every revocation applies in the calling process at once, before the
/// call returns, whatever the shared store does.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use chunked_cookie_session::revocation::{
///     Identity, MemoryRevocation, Revocation, Scope, SessionId, Verdict, now_micros,
/// };
///
/// let store: Arc<dyn Revocation> = Arc::new(MemoryRevocation::new());
/// let created = now_micros();
/// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 3600)
///     .with_subject("ada")?;
/// assert_eq!(store.check(&session), Verdict::Valid);
///
/// // Logout: this session, in every copy of its cookies.
/// store.revoke(&session).wait()?;
/// assert_eq!(store.check(&session), Verdict::Revoked(Scope::Session));
///
/// // A password change: every session of the subject created before now.
/// let later = Identity::new(SessionId::generate()?, now_micros(), created / 1_000_000 + 3600)
///     .with_subject("ada")?;
/// let epoch = store.revoke_subject("ada").wait()?;
/// assert!(later.created() < epoch);
/// assert_eq!(store.check(&later), Verdict::Revoked(Scope::Subject));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Revocation: Send + Sync + fmt::Debug {
    /// Whether this session may be used: a lookup in this process's memory, never a wait
    /// on the network. Revocations already known keep applying when the shared store is
    /// out of reach; the staleness policy answers for the rest.
    fn check(&self, identity: &Identity) -> Verdict;

    /// Revokes one session, every copy and every write of it, until `expires_at` (its
    /// absolute deadline in Unix seconds; `None`, or a later time, means as long as a
    /// session can live).
    fn revoke_session(&self, id: SessionId, expires_at: Option<u64>) -> Pending<()>;

    /// Revokes the session this identity names until its deadline (logout).
    fn revoke(&self, identity: &Identity) -> Pending<()> {
        self.revoke_session(identity.session_id(), Some(identity.expires_at()))
    }

    /// Revokes every session of `subject` created before now ("sign out everywhere", a
    /// password change); the answer is the epoch used, in microseconds since the Unix
    /// epoch, from [`now_micros`](super::now_micros): a session created after the call
    /// returns is spared.
    fn revoke_subject(&self, subject: &str) -> Pending<u64>;

    /// Revokes every session created before `before` (microseconds since the Unix epoch,
    /// not in the future): break glass, after a key leak.
    fn revoke_everyone_before(&self, before: u64) -> Pending<()>;

    /// Records a write of this session in the device registry, when the registry is on
    /// and the session has a subject: `last_seen` in Unix seconds, the user agent the
    /// adapter saw. Never blocks: a store with a worker queues it, and drops it (counting
    /// it) when the queue is full.
    fn record(&self, identity: &Identity, last_seen: u64, user_agent: &str);

    /// Whether the device registry is on: the engine keeps each request's user agent for
    /// [`record`](Self::record) only then.
    fn registry_enabled(&self) -> bool;

    /// The subject's sessions the registry knows, most recently seen first, without the
    /// revoked and expired ones.
    fn devices(&self, subject: &str) -> Pending<Vec<Device>>;

    /// Revokes one of the subject's sessions by id ("sign out that device"): `false` when
    /// the registry has no such session for this subject (another subject's id included).
    fn revoke_device(&self, subject: &str, id: SessionId) -> Pending<bool>;

    /// How current the store's view is (for readiness probes and logs).
    fn freshness(&self) -> Freshness;

    /// The longest a session may live for this store (its `lifetime` setting): no
    /// revocation is kept longer. An engine whose sessions live longer would see
    /// revocations forgotten while the sessions they name still live, so an engine refuses
    /// such a store.
    fn max_lifetime(&self) -> Duration;

    /// The store's counters and sizes.
    fn stats(&self) -> RevocationStats;
}
