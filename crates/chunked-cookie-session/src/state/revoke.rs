//! Revocation in a session's life: at load, a verified session's identity is checked
//! against the engine's store (a lookup in this process's memory, never the network) and
//! the verdict becomes the load reason; a response deletes the cookies of a revoked session
//! and keeps those of one the store could not vouch for; each write of a session bound to a
//! subject goes to the device registry; and ending a session hands its identity over.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::read::Decoded;
use super::session_state::State;
use super::write::Written;
use crate::clock::unix_now;
use crate::codec::Ident;
use crate::reason::LoadReason;
use crate::revocation::{Identity, Revocation, Verdict};

/// The least time between two warnings about sessions accepted by a stale store.
const STALE_WARNING_EVERY_SECS: u64 = 60;

impl State {
    /// The store's verdict on a session that verified: revoked, it is an empty session
    /// (`revoked`); not vouched for by a stale fail-closed store, an empty session too
    /// (`revocation-unavailable`), whose identity is kept so that ending it still revokes
    /// it; accepted by a stale fail-open store, it loads, and a warning says so (once a
    /// minute at most, with the count).
    pub(super) fn judge_revocation(&mut self, mut decoded: Decoded) -> Decoded {
        let (Some(store), LoadReason::Valid) = (&self.rules.revocation, decoded.reason) else {
            return decoded;
        };
        let Some(Ident {
            id,
            created,
            subject,
        }) = decoded.identity.take()
        else {
            return decoded;
        };
        let expires_at = decoded.meta.map_or(u64::MAX, |meta| meta.expires_at);
        // The subject moves into the identity checked and back out: no copy per request.
        let identity = Identity::from_parts(id, created, subject, expires_at);
        match store.check(&identity) {
            verdict @ (Verdict::Valid | Verdict::ValidButStale) => {
                if verdict == Verdict::ValidButStale {
                    warn_stale();
                }
                decoded.identity = Some(Ident {
                    id,
                    created,
                    subject: identity.into_subject(),
                });
                decoded
            }
            Verdict::Revoked(scope) => {
                tracing::debug!(scope = scope.as_str(), "session revoked");
                Decoded::empty(LoadReason::Revoked, self.incoming.present())
            }
            Verdict::Unavailable => {
                self.unvouched = Some(identity);
                Decoded::empty(LoadReason::RevocationUnavailable, self.incoming.present())
            }
        }
    }

    /// Whether a response that writes nothing deletes the cookies of a refused session: a
    /// revoked session's always, one the store could not vouch for never (it comes back
    /// when the store does), any other as the format says.
    pub(super) fn clears_refused(&self) -> bool {
        match self.reason() {
            LoadReason::Revoked => true,
            LoadReason::RevocationUnavailable => false,
            _ => self.rules.policy().clears_rejected,
        }
    }

    /// Hands the device registry a write of a session bound to a subject: its identity,
    /// the time, and the user agent the adapter saw. The store queues it, never blocking.
    pub(crate) fn record_write(&self, written: &Written, now: u64) {
        let Some(store) = &self.rules.revocation else {
            return;
        };
        let (Some((id, created)), Some(subject)) = (self.id, &self.subject) else {
            return;
        };
        if written.cookie_line.is_none_or(|bytes| bytes == 0) {
            return;
        }
        let identity = Identity::from_parts(
            id,
            created,
            Some(subject.clone()),
            self.expires_at_for_write(now),
        );
        store.record(
            &identity,
            now,
            self.user_agent.as_deref().unwrap_or_default(),
        );
    }

    /// The engine's revocation store.
    pub(crate) fn revocation(&self) -> Option<&Arc<dyn Revocation>> {
        self.rules.revocation.as_ref()
    }

    /// Ends the session here (it is purged: the response deletes its cookies) and returns
    /// what the store should revoke: its identity, or that of a session the store could
    /// not vouch for; `None` for a session that had none (no cookie, a refused one).
    pub(crate) fn end(&mut self) -> Option<Identity> {
        self.decode_once();
        let identity = match self.id {
            Some((id, created)) => Some(Identity::from_parts(
                id,
                created,
                self.subject.clone(),
                self.expires_at_for_write(self.now),
            )),
            None => self.unvouched.take(),
        };
        self.purge();
        identity
    }
}

/// Warns that sessions were accepted without the revocation check (a fail-open store past
/// its staleness bound): at most once a minute per process, with how many since the last
/// warning. The store counts every one (`stale_accepts`).
fn warn_stale() {
    static LAST: AtomicU64 = AtomicU64::new(0);
    static SINCE: AtomicU64 = AtomicU64::new(0);
    SINCE.fetch_add(1, Ordering::Relaxed);
    let now = unix_now();
    let last = LAST.load(Ordering::Relaxed);
    if now >= last.saturating_add(STALE_WARNING_EVERY_SECS)
        && LAST
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    {
        let accepted = SINCE.swap(0, Ordering::Relaxed);
        tracing::warn!(
            accepted,
            "revocation store stale: sessions accepted without the check (fail-open)"
        );
    }
}
