//! The settings of the stores, their defaults and their limits, checked in one place.

use std::time::Duration;

use super::registry::MAX_REGISTRY_CAP;

/// The longest a session lives unless told otherwise: the engine's default lifetime.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{DEFAULT_LIFETIME, MemoryRevocation, Revocation};
///
/// assert_eq!(MemoryRevocation::new().max_lifetime(), DEFAULT_LIFETIME);
/// ```
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(14 * 24 * 3600);

/// The longest session lifetime accepted (the engine's own ceiling).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::{MAX_LIFETIME, MemoryRevocation};
///
/// assert!(MemoryRevocation::builder().lifetime(MAX_LIFETIME).build().is_ok());
/// let longer = MAX_LIFETIME + Duration::from_secs(1);
/// assert!(MemoryRevocation::builder().lifetime(longer).build().is_err());
/// ```
pub const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);

/// How long a Redis store's mirror may go without hearing from Redis before the policy
/// applies, by default.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::DEFAULT_STALENESS_BOUND;
///
/// assert_eq!(DEFAULT_STALENESS_BOUND, Duration::from_secs(10));
/// #[cfg(feature = "redis")]
/// {
///     // What a Redis store's builder starts from (its Debug output shows the settings).
///     let builder = chunked_cookie_session::revocation::RedisRevocation::builder("redis://db");
///     assert!(format!("{builder:?}").contains("staleness_bound: 10s"));
/// }
/// ```
pub const DEFAULT_STALENESS_BOUND: Duration = Duration::from_secs(10);

/// How long a Redis store waits for its first sync at start-up, by default.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::DEFAULT_STARTUP_WAIT;
///
/// assert_eq!(DEFAULT_STARTUP_WAIT, Duration::from_secs(5));
/// #[cfg(feature = "redis")]
/// {
///     // What a Redis store's builder starts from (its Debug output shows the settings).
///     let builder = chunked_cookie_session::revocation::RedisRevocation::builder("redis://db");
///     assert!(format!("{builder:?}").contains("startup_wait: 5s"));
/// }
/// ```
pub const DEFAULT_STARTUP_WAIT: Duration = Duration::from_secs(5);

/// How long an admin call waits for Redis by default.
///
/// # Example
///
/// With feature `redis`: an admin call on a store whose Redis does not answer (nothing
/// listens on port 1) ends after this long, the revocation applied in this process and
/// queued for Redis.
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::revocation::DEFAULT_WRITE_TIMEOUT;
///
/// assert_eq!(DEFAULT_WRITE_TIMEOUT, Duration::from_secs(2));
/// #[cfg(feature = "redis")]
/// {
///     use chunked_cookie_session::revocation::{RedisRevocation, Revocation, RevocationError};
///
///     let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
///         .startup_wait(Duration::ZERO)
///         .connect()?;
///     let answer = store.revoke_subject("ada").wait();
///     assert_eq!(answer, Err(RevocationError::Unconfirmed(DEFAULT_WRITE_TIMEOUT)));
/// }
/// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
/// ```
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// The key prefix and channel name of a Redis store by default.
///
/// # Example
///
/// With feature `redis` (connecting needs no server: an unreachable Redis is no error).
///
/// ```
/// use chunked_cookie_session::revocation::DEFAULT_NAMESPACE;
///
/// assert_eq!(DEFAULT_NAMESPACE, "chunked-session");
/// #[cfg(feature = "redis")]
/// {
///     use std::time::Duration;
///     use chunked_cookie_session::revocation::RedisRevocation;
///
///     let store = RedisRevocation::builder("redis://127.0.0.1:1/0")
///         .startup_wait(Duration::ZERO)
///         .connect()?;
///     assert_eq!(store.namespace(), DEFAULT_NAMESPACE);
/// }
/// # Ok::<(), chunked_cookie_session::revocation::OptionsError>(())
/// ```
pub const DEFAULT_NAMESPACE: &str = "chunked-session";

/// A store setting that cannot work.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{MAX_REGISTRY_CAP, MemoryRevocation, OptionsError};
///
/// let refused = MemoryRevocation::builder().registry(0).build().unwrap_err();
/// assert_eq!(refused, OptionsError::RegistryCap(0));
/// assert!(refused.to_string().contains(&MAX_REGISTRY_CAP.to_string()));
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// The Redis URL is not one this store can use.
    #[error("bad Redis URL: {0}; expected redis://[:PASSWORD@]HOST:PORT[/DB]")]
    Url(String),
    /// The namespace is empty, too long or holds other characters than letters, digits and
    /// `_ . : -`.
    #[error(
        "bad namespace {0:?}: 1 to 64 characters among letters, digits and _ . : - (it prefixes \
         every key and the channel)"
    )]
    Namespace(String),
    /// A duration is out of its range.
    #[error("{name} must be between {min:?} and {max:?}, not {given:?}")]
    Duration {
        /// The setting.
        name: &'static str,
        /// What was given.
        given: Duration,
        /// The least accepted.
        min: Duration,
        /// The most accepted.
        max: Duration,
    },
    /// The registry's per-subject cap is out of its range.
    #[error(
        "the device registry keeps between 1 and {MAX_REGISTRY_CAP} sessions per subject, not {0}"
    )]
    RegistryCap(usize),
    /// The store's worker thread could not be started.
    #[error("could not start the revocation store's thread: {0}")]
    Thread(String),
}

/// Checks that a duration setting lies in `min..=max`.
pub(crate) fn check_duration(
    name: &'static str,
    given: Duration,
    min: Duration,
    max: Duration,
) -> Result<Duration, OptionsError> {
    if (min..=max).contains(&given) {
        Ok(given)
    } else {
        Err(OptionsError::Duration {
            name,
            given,
            min,
            max,
        })
    }
}

/// Checks the longest session lifetime; returns it in whole seconds.
pub(crate) fn check_lifetime(lifetime: Duration) -> Result<u64, OptionsError> {
    check_duration("lifetime", lifetime, Duration::from_secs(1), MAX_LIFETIME)
        .map(|lifetime| lifetime.as_secs())
}

/// Checks a registry cap.
pub(crate) fn check_cap(cap: Option<usize>) -> Result<Option<usize>, OptionsError> {
    match cap {
        Some(cap) if !(1..=MAX_REGISTRY_CAP).contains(&cap) => Err(OptionsError::RegistryCap(cap)),
        cap => Ok(cap),
    }
}

/// Checks a namespace.
#[cfg(feature = "redis")]
pub(crate) fn check_namespace(namespace: &str) -> Result<(), OptionsError> {
    let allowed = |byte: u8| byte.is_ascii_alphanumeric() || b"_.:-".contains(&byte);
    if namespace.is_empty() || namespace.len() > 64 || !namespace.bytes().all(allowed) {
        return Err(OptionsError::Namespace(namespace.to_owned()));
    }
    Ok(())
}
