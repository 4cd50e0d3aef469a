//! Revocable sessions: ending a session on the server although it lives in cookies.
//!
//! The cookie stays the whole session. The server keeps only what ends sessions, bounded
//! by the sessions' own lifetime: revoked session ids, each subject's "signed out
//! everywhere at" epoch, and one global epoch. Every load asks [`Revocation::check`], a
//! lookup in this process's memory; the admin calls ([`Revocation::revoke`],
//! [`Revocation::revoke_subject`], [`Revocation::revoke_everyone_before`], the device
//! registry) apply in this process at once and, with Redis, reach the whole fleet.
//!
//! - [`MemoryRevocation`]: one process, nothing to set up (and the tests' store).
//! - `RedisRevocation` (feature `redis`): every process keeps a mirror of what Redis holds,
//!   kept current by pub/sub and resynced in full on every connection; a mirror that has
//!   not heard from Redis within its bound answers by its [`Policy`].
//!
//! A session's [`Identity`] (its [`SessionId`], creation time from [`now_micros`],
//! subject, deadline) is signed into the session by the engine. docs/REVOCATION.md tells
//! the guarantees, their bounds and how to run Redis for it.
//!
//! # Example
//!
//! ```
//! use chunked_cookie_session::revocation::{
//!     Identity, MemoryRevocation, Revocation, SessionId, Verdict, now_micros,
//! };
//!
//! let store = MemoryRevocation::new();
//! let created = now_micros();
//! let session = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 3600);
//! assert_eq!(store.check(&session), Verdict::Valid);
//! store.revoke(&session).wait()?;
//! assert!(!store.check(&session).accepts());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clock;
mod identity;
mod verdict;

mod mirror;
mod options;
mod pending;
mod registry;
mod stats;

mod store;

mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use clock::now_micros;
pub use identity::{
    Identity, IdentityError, MAX_SUBJECT_LEN, SESSION_ID_LEN, SessionId, check_subject,
};
pub use memory::{MemoryRevocation, MemoryRevocationBuilder};
pub use options::{
    DEFAULT_LIFETIME, DEFAULT_NAMESPACE, DEFAULT_STALENESS_BOUND, DEFAULT_STARTUP_WAIT,
    DEFAULT_WRITE_TIMEOUT, MAX_LIFETIME, OptionsError,
};
pub use pending::{Pending, PendingFuture, RevocationError};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis::{RedisRevocation, RedisRevocationBuilder};
pub use registry::{DEFAULT_REGISTRY_CAP, Device, MAX_REGISTRY_CAP, MAX_USER_AGENT_LEN};
pub use stats::RevocationStats;
pub use store::Revocation;
pub use verdict::{Freshness, Policy, Scope, UnknownPolicy, Verdict};
