//! Counters a store keeps for logs and metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a store's counters (since it started) and sizes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{MemoryRevocation, Revocation, SessionId};
///
/// let store = MemoryRevocation::new();
/// store.revoke_session(SessionId::generate()?, None).wait()?;
/// let stats = store.stats();
/// assert_eq!(stats.applied, 1);
/// assert_eq!(stats.revoked_sessions, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevocationStats {
    /// Revocations that changed this process's state (its own and those heard from the
    /// shared store).
    pub applied: u64,
    /// Full resyncs from the shared store completed (one per connection).
    pub resyncs: u64,
    /// Connections to the shared store lost and made again.
    pub reconnects: u64,
    /// Sessions accepted while the mirror was stale, under [`Policy::FailOpen`](super::Policy::FailOpen).
    pub stale_accepts: u64,
    /// Sessions refused while the mirror was stale, under [`Policy::FailClosed`](super::Policy::FailClosed).
    pub stale_refusals: u64,
    /// Device records written (or handed to the worker).
    pub registry_records: u64,
    /// Device records dropped because the worker's queue was full.
    pub registry_drops: u64,
    /// Revocations the shared store had not confirmed by their caller's bound.
    pub unconfirmed: u64,
    /// Revocations waiting for the shared store now.
    pub pending_writes: u64,
    /// Announcements from the shared store that could not be read (and were ignored).
    pub bad_messages: u64,
    /// Revoked session ids held in this process now.
    pub revoked_sessions: u64,
    /// Subject epochs held in this process now.
    pub revoked_subjects: u64,
}

/// The live counters behind [`RevocationStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) applied: AtomicU64,
    pub(crate) resyncs: AtomicU64,
    pub(crate) reconnects: AtomicU64,
    pub(crate) stale_accepts: AtomicU64,
    pub(crate) stale_refusals: AtomicU64,
    pub(crate) registry_records: AtomicU64,
    pub(crate) registry_drops: AtomicU64,
    pub(crate) unconfirmed: AtomicU64,
    pub(crate) pending_writes: AtomicU64,
    pub(crate) bad_messages: AtomicU64,
}

/// Adds one to a counter.
pub(crate) fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    /// The counters now, with the mirror's sizes.
    pub(crate) fn snapshot(&self, (sessions, subjects): (usize, usize)) -> RevocationStats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        RevocationStats {
            applied: read(&self.applied),
            resyncs: read(&self.resyncs),
            reconnects: read(&self.reconnects),
            stale_accepts: read(&self.stale_accepts),
            stale_refusals: read(&self.stale_refusals),
            registry_records: read(&self.registry_records),
            registry_drops: read(&self.registry_drops),
            unconfirmed: read(&self.unconfirmed),
            pending_writes: read(&self.pending_writes),
            bad_messages: read(&self.bad_messages),
            revoked_sessions: u64::try_from(sessions).unwrap_or(u64::MAX),
            revoked_subjects: u64::try_from(subjects).unwrap_or(u64::MAX),
        }
    }
}
