//! What a check answers, and the policy for a mirror that may have missed revocations.

use std::fmt;
use std::time::Duration;

/// Which revocation caught a session.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::Scope;
///
/// assert_eq!(Scope::Subject.as_str(), "subject");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// This session was revoked by id (logout, "sign out this device").
    Session,
    /// Every session of its subject created before an epoch ("sign out everywhere", a
    /// password change).
    Subject,
    /// Every session created before an epoch (break glass).
    Everyone,
}

impl Scope {
    /// The name logs and metrics use.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::Scope;
    ///
    /// assert_eq!(Scope::Everyone.as_str(), "everyone");
    /// assert_eq!(Scope::Session.to_string(), Scope::Session.as_str());
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Session => "session",
            Scope::Subject => "subject",
            Scope::Everyone => "everyone",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer of [`Revocation::check`](super::Revocation::check) for one session.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Scope, Verdict};
///
/// assert!(Verdict::Valid.accepts());
/// assert!(Verdict::ValidButStale.accepts());
/// assert!(!Verdict::Revoked(Scope::Session).accepts());
/// assert!(!Verdict::Unavailable.accepts());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Not revoked, and the mirror is fresh.
    Valid,
    /// Revoked; the scope says by which revocation. Known revocations keep applying when
    /// the mirror is stale, whatever the policy.
    Revoked(Scope),
    /// The mirror is staler than its bound and the policy is [`Policy::FailClosed`]: the
    /// session cannot be vouched for (it loads as `revocation-unavailable`; its cookies
    /// should be kept, so it comes back when the store does).
    Unavailable,
    /// The mirror is staler than its bound and the policy is [`Policy::FailOpen`]: the
    /// session is accepted, and the caller should say so in its logs and metrics.
    ValidButStale,
}

impl Verdict {
    /// Whether the session may be used.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{
    ///     Identity, MemoryRevocation, Revocation, SessionId, now_micros,
    /// };
    ///
    /// let store = MemoryRevocation::new();
    /// let created = now_micros();
    /// let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 60);
    /// assert!(store.check(&session).accepts());
    /// store.revoke(&session).wait()?;
    /// assert!(!store.check(&session).accepts());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn accepts(self) -> bool {
        matches!(self, Verdict::Valid | Verdict::ValidButStale)
    }
}

/// What a check answers for a session the mirror does not know as revoked, once the
/// mirror has gone longer than its staleness bound without hearing from the shared store.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::Policy;
///
/// assert_eq!(Policy::default(), Policy::FailClosed);
/// assert_eq!("fail-open".parse::<Policy>(), Ok(Policy::FailOpen));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    /// Refuse the session ([`Verdict::Unavailable`]): a revocation made during the outage
    /// can never be missed. The default: turning revocation on is asking for that
    /// guarantee, and the known revocations are kept either way (docs/REVOCATION.md).
    #[default]
    FailClosed,
    /// Accept the session ([`Verdict::ValidButStale`]), warn and count: the service stays
    /// up through a Redis outage, at the price of missing revocations made during it.
    FailOpen,
}

impl Policy {
    /// The name options and logs use: `fail-closed` or `fail-open`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::Policy;
    ///
    /// assert_eq!(Policy::FailOpen.as_str(), "fail-open");
    /// assert_eq!(Policy::FailClosed.as_str().parse::<Policy>(), Ok(Policy::FailClosed));
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Policy::FailClosed => "fail-closed",
            Policy::FailOpen => "fail-open",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy name that is neither `fail-closed` nor `fail-open`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Policy, UnknownPolicy};
///
/// let refused = "fail-soft".parse::<Policy>().unwrap_err();
/// assert_eq!(refused, UnknownPolicy("fail-soft".to_owned()));
/// assert!(refused.to_string().contains("fail-closed or fail-open"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown revocation policy {0:?}: fail-closed or fail-open")]
pub struct UnknownPolicy(pub String);

impl std::str::FromStr for Policy {
    type Err = UnknownPolicy;

    fn from_str(name: &str) -> Result<Policy, UnknownPolicy> {
        match name {
            "fail-closed" => Ok(Policy::FailClosed),
            "fail-open" => Ok(Policy::FailOpen),
            other => Err(UnknownPolicy(other.to_owned())),
        }
    }
}

/// How current a store's mirror is, for a readiness probe or a log line.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Freshness, MemoryRevocation, Revocation};
///
/// let store = MemoryRevocation::new();
/// assert_eq!(store.freshness(), Freshness::Local);
/// assert!(store.freshness().is_fresh());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The store is this process's memory: nothing to miss.
    Local,
    /// The mirror heard from the shared store this long ago, within its bound.
    Fresh(Duration),
    /// The mirror last heard from the shared store this long ago, past its bound.
    Stale(Duration),
    /// The mirror has not completed its first sync.
    NeverSynced,
}

impl Freshness {
    /// Whether checks answer without the staleness policy.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::Freshness;
    ///
    /// assert!(Freshness::Fresh(Duration::from_millis(300)).is_fresh());
    /// assert!(!Freshness::Stale(Duration::from_secs(12)).is_fresh());
    /// assert!(!Freshness::NeverSynced.is_fresh());
    /// ```
    pub const fn is_fresh(self) -> bool {
        matches!(self, Freshness::Local | Freshness::Fresh(_))
    }
}
