//! The revocation state of one process, in memory: the memory store itself, and the
//! Redis store's mirror of what Redis holds. A check is a hash lookup under a read lock.
//!
//! Bounded: a revoked id is kept until the session it names would have expired anyway
//! (its deadline, never later than now plus the longest session lifetime), a subject's
//! epoch for one lifetime after it; expired entries are pruned shard by shard, so a prune
//! holds each lock only briefly.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};

use super::identity::{Identity, SessionId};
use super::verdict::Scope;

/// How many shards the revoked ids are spread over (a power of two).
const SHARDS: usize = 16;

/// How often, at most, a store prunes expired entries (seconds).
pub(crate) const PRUNE_EVERY_SECS: u64 = 60;

/// One revocation, as stores apply it and as Redis carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Revoke {
    /// This session id, until this Unix second.
    Session { id: SessionId, until: u64 },
    /// Sessions of this subject created before this epoch (microseconds).
    Subject { subject: Box<str>, epoch: u64 },
    /// Every session created before this epoch (microseconds).
    Everyone { epoch: u64 },
}

/// A subject's epoch and the Unix second after which it can no longer catch anything.
#[derive(Debug, Clone, Copy)]
struct SubjectEpoch {
    epoch: u64,
    until: u64,
}

/// The revocation state of one process.
#[derive(Debug)]
pub(crate) struct Mirror {
    ids: Box<[RwLock<HashMap<SessionId, u64>>]>,
    subjects: RwLock<HashMap<Box<str>, SubjectEpoch>>,
    everyone: AtomicU64,
    lifetime_secs: u64,
    next_prune: AtomicU64,
}

impl Mirror {
    /// An empty mirror for sessions that live at most `lifetime_secs`.
    pub(crate) fn new(lifetime_secs: u64) -> Mirror {
        Mirror {
            ids: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect(),
            subjects: RwLock::new(HashMap::new()),
            everyone: AtomicU64::new(0),
            lifetime_secs,
            next_prune: AtomicU64::new(0),
        }
    }

    /// The longest a session can live, in seconds: no entry is kept longer.
    pub(crate) const fn lifetime_secs(&self) -> u64 {
        self.lifetime_secs
    }

    fn shard(&self, id: &SessionId) -> &RwLock<HashMap<SessionId, u64>> {
        &self.ids[usize::from(id.first_byte()) % SHARDS]
    }

    /// The revocation that catches this session, if any. Memory only.
    pub(crate) fn revoked(&self, identity: &Identity) -> Option<Scope> {
        if identity.created() < self.everyone.load(Ordering::Acquire) {
            return Some(Scope::Everyone);
        }
        let id = identity.session_id();
        if self
            .shard(&id)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&id)
        {
            return Some(Scope::Session);
        }
        let subject = identity.subject()?;
        let subjects = self.subjects.read().unwrap_or_else(PoisonError::into_inner);
        match subjects.get(subject) {
            Some(entry) if identity.created() < entry.epoch => Some(Scope::Subject),
            _ => None,
        }
    }

    /// Applies a revocation; whether it changed anything. `now` is the Unix second.
    pub(crate) fn apply(&self, revoke: &Revoke, now: u64) -> bool {
        match revoke {
            Revoke::Session { id, until } => self.add_session(*id, *until, now),
            Revoke::Subject { subject, epoch } => self.add_subject(subject, *epoch, now),
            Revoke::Everyone { epoch } => {
                self.everyone.fetch_max(*epoch, Ordering::AcqRel) < *epoch
            }
        }
    }

    /// The second until which a revocation of a session with this deadline must be kept:
    /// never past the longest a session created now could live.
    pub(crate) fn keep_until(&self, deadline: u64, now: u64) -> u64 {
        deadline.min(now.saturating_add(self.lifetime_secs))
    }

    fn add_session(&self, id: SessionId, until: u64, now: u64) -> bool {
        let until = self.keep_until(until, now);
        if until < now {
            return false; // the session has expired: nothing to catch
        }
        let mut shard = self
            .shard(&id)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match shard.get_mut(&id) {
            Some(kept) if *kept >= until => false,
            Some(kept) => {
                *kept = until;
                true
            }
            None => {
                shard.insert(id, until);
                true
            }
        }
    }

    fn add_subject(&self, subject: &str, epoch: u64, now: u64) -> bool {
        let until = (epoch / 1_000_000).saturating_add(self.lifetime_secs);
        if until < now {
            return false; // every session it could catch has expired
        }
        let mut subjects = self
            .subjects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match subjects.get_mut(subject) {
            Some(entry) if entry.epoch >= epoch => false,
            Some(entry) => {
                *entry = SubjectEpoch { epoch, until };
                true
            }
            None => {
                subjects.insert(subject.into(), SubjectEpoch { epoch, until });
                true
            }
        }
    }

    /// The epoch before which every session is revoked (0: none).
    #[cfg(test)]
    pub(crate) fn everyone(&self) -> u64 {
        self.everyone.load(Ordering::Acquire)
    }

    /// Drops what can no longer catch a live session; how many entries went.
    pub(crate) fn prune(&self, now: u64) -> usize {
        let mut gone = 0;
        for shard in &self.ids {
            let mut shard = shard.write().unwrap_or_else(PoisonError::into_inner);
            let before = shard.len();
            shard.retain(|_, until| *until >= now);
            gone += before - shard.len();
        }
        let mut subjects = self
            .subjects
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let before = subjects.len();
        subjects.retain(|_, entry| entry.until >= now);
        gone + before - subjects.len()
    }

    /// Prunes if the last prune is [`PRUNE_EVERY_SECS`] old: how many entries went, or
    /// `None` when no prune was due.
    pub(crate) fn prune_if_due(&self, now: u64) -> Option<usize> {
        let due = self.next_prune.load(Ordering::Acquire);
        if now < due
            || self
                .next_prune
                .compare_exchange(
                    due,
                    now + PRUNE_EVERY_SECS,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_err()
        {
            return None;
        }
        Some(self.prune(now))
    }

    /// How many session ids and subject epochs are held.
    pub(crate) fn sizes(&self) -> (usize, usize) {
        let ids = self
            .ids
            .iter()
            .map(|shard| shard.read().unwrap_or_else(PoisonError::into_inner).len())
            .sum();
        let subjects = self
            .subjects
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        (ids, subjects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;
    const DAY: u64 = 24 * 3600;

    fn id(byte: u8) -> SessionId {
        SessionId::from_bytes([byte; 16])
    }

    fn identity(byte: u8, created: u64) -> Identity {
        Identity::new(id(byte), created, NOW + DAY)
    }

    #[test]
    fn an_empty_mirror_revokes_nothing() {
        let mirror = Mirror::new(14 * DAY);
        assert_eq!(mirror.revoked(&identity(1, NOW * 1_000_000)), None);
        assert_eq!(mirror.sizes(), (0, 0));
    }

    #[test]
    fn a_session_id_is_revoked_in_every_copy() {
        let mirror = Mirror::new(14 * DAY);
        assert!(mirror.apply(
            &Revoke::Session {
                id: id(1),
                until: NOW + DAY
            },
            NOW
        ));
        // Every write of the session carries the same id, whatever its creation time.
        assert_eq!(mirror.revoked(&identity(1, 5)), Some(Scope::Session));
        assert_eq!(mirror.revoked(&identity(1, u64::MAX)), Some(Scope::Session));
        assert_eq!(mirror.revoked(&identity(2, 5)), None);
        // Again: nothing new.
        assert!(!mirror.apply(
            &Revoke::Session {
                id: id(1),
                until: NOW + DAY
            },
            NOW
        ));
    }

    #[test]
    fn subject_epochs_order_by_the_microsecond() {
        let mirror = Mirror::new(14 * DAY);
        let epoch = NOW * 1_000_000 + 500_000;
        assert!(mirror.apply(
            &Revoke::Subject {
                subject: "ada".into(),
                epoch
            },
            NOW
        ));
        let of = |created: u64, subject: &str| {
            identity(3, created)
                .with_subject(subject)
                .expect("a subject")
        };
        assert_eq!(mirror.revoked(&of(epoch - 1, "ada")), Some(Scope::Subject));
        assert_eq!(mirror.revoked(&of(epoch, "ada")), None);
        assert_eq!(mirror.revoked(&of(epoch + 1, "ada")), None);
        assert_eq!(mirror.revoked(&of(epoch - 1, "bob")), None);
        assert_eq!(mirror.revoked(&identity(3, epoch - 1)), None);
        // An epoch only moves forward.
        assert!(!mirror.apply(
            &Revoke::Subject {
                subject: "ada".into(),
                epoch: epoch - 10
            },
            NOW
        ));
        assert_eq!(mirror.revoked(&of(epoch - 1, "ada")), Some(Scope::Subject));
    }

    #[test]
    fn the_global_epoch_catches_everything_older() {
        let mirror = Mirror::new(14 * DAY);
        let epoch = NOW * 1_000_000;
        assert!(mirror.apply(&Revoke::Everyone { epoch }, NOW));
        assert!(!mirror.apply(&Revoke::Everyone { epoch: epoch - 1 }, NOW));
        assert_eq!(mirror.everyone(), epoch);
        assert_eq!(
            mirror.revoked(&identity(4, epoch - 1)),
            Some(Scope::Everyone)
        );
        assert_eq!(mirror.revoked(&identity(4, epoch)), None);
    }

    #[test]
    fn entries_live_as_long_as_what_they_catch() {
        let mirror = Mirror::new(10 * DAY);
        mirror.apply(
            &Revoke::Session {
                id: id(1),
                until: NOW + 60,
            },
            NOW,
        );
        // A deadline past the longest lifetime is kept only for that lifetime.
        mirror.apply(
            &Revoke::Session {
                id: id(2),
                until: u64::MAX,
            },
            NOW,
        );
        mirror.apply(
            &Revoke::Subject {
                subject: "ada".into(),
                epoch: NOW * 1_000_000,
            },
            NOW,
        );
        // Already expired: never stored.
        assert!(!mirror.apply(
            &Revoke::Session {
                id: id(3),
                until: NOW - 1
            },
            NOW
        ));
        assert!(!mirror.apply(
            &Revoke::Subject {
                subject: "old".into(),
                epoch: (NOW - 11 * DAY) * 1_000_000
            },
            NOW
        ));
        assert_eq!(mirror.sizes(), (2, 1));

        assert_eq!(mirror.prune(NOW + 60), 0);
        assert_eq!(mirror.prune(NOW + 61), 1);
        assert_eq!(mirror.sizes(), (1, 1));
        assert_eq!(mirror.prune(NOW + 10 * DAY + 1), 2);
        assert_eq!(mirror.sizes(), (0, 0));
    }

    #[test]
    fn pruning_runs_at_most_once_a_period() {
        let mirror = Mirror::new(DAY);
        for byte in 0..=255 {
            mirror.apply(
                &Revoke::Session {
                    id: id(byte),
                    until: NOW + 1,
                },
                NOW,
            );
        }
        assert_eq!(mirror.sizes().0, 256);
        assert_eq!(mirror.prune_if_due(NOW + 2), Some(256));
        mirror.apply(
            &Revoke::Session {
                id: id(1),
                until: NOW + 3,
            },
            NOW + 2,
        );
        assert_eq!(mirror.prune_if_due(NOW + 4), None, "not due yet");
        assert_eq!(mirror.prune_if_due(NOW + 2 + PRUNE_EVERY_SECS), Some(1));
    }

    #[test]
    fn a_later_deadline_extends_a_kept_id() {
        let mirror = Mirror::new(DAY);
        assert!(mirror.apply(
            &Revoke::Session {
                id: id(9),
                until: NOW + 10
            },
            NOW
        ));
        assert!(mirror.apply(
            &Revoke::Session {
                id: id(9),
                until: NOW + 20
            },
            NOW
        ));
        assert!(!mirror.apply(
            &Revoke::Session {
                id: id(9),
                until: NOW + 15
            },
            NOW
        ));
        assert_eq!(mirror.prune(NOW + 16), 0);
        assert_eq!(mirror.prune(NOW + 21), 1);
    }
}
