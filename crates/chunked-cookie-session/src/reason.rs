//! Why an incoming session was accepted or rejected.

use std::fmt;
use std::str::FromStr;

/// The outcome of reading the session cookies of a request.
///
/// Every rejection yields an empty session; the reason tells the application (and its
/// logs) what went wrong. A response that writes nothing deletes the rejected cookies only
/// when the reason proves they can never load, whatever key or configuration a server
/// holds (`expired`, `idle-expired`, `missing-chunk`, `stale-chunk`); the others may be a
/// live session of another deployment (docs/SECURITY.md, "What a response deletes").
///
/// # Example
///
/// ```
/// use chunked_cookie_session::LoadReason;
///
/// assert_eq!(LoadReason::MissingChunk.as_str(), "missing-chunk");
/// assert!(LoadReason::MissingChunk.is_rejection());
/// assert!(!LoadReason::NoSession.is_rejection());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadReason {
    /// The request carried no session cookie: a fresh, empty session.
    NoSession,
    /// The session verified and loaded.
    Valid,
    /// A chunk named by the manifest was absent: a cookie the browser dropped, or one a
    /// client or proxy dropped from a long `Cookie` header.
    MissingChunk,
    /// A chunk came from another write (a lost `Set-Cookie`, or two tabs racing).
    StaleChunk,
    /// The manifest announced more chunks than the configuration allows.
    TooManyChunks,
    /// The signature or authentication tag did not verify: tampering or a foreign cookie.
    BadSignature,
    /// The session was sealed with a key that is not in the key ring.
    UnknownKey,
    /// The absolute lifetime of the session has passed.
    Expired,
    /// The session was idle for longer than the idle timeout.
    IdleExpired,
    /// The cookie could not be parsed (bad base64, bad header, bad JSON, bad compression).
    Malformed,
    /// The cookies, or their decompressed content, exceed the configured limits.
    TooLarge,
    /// Two different sessions verified in one request: same-name cookies of two writes,
    /// one of them perhaps tossed in from a sibling subdomain or set for a longer `Path`.
    /// Neither is used and neither is deleted.
    Ambiguous,
    /// The session's cookie is not in this engine's format, but looks like a session of an
    /// itsdangerous-signed format this engine migrates from (Flask's, Starlette's) whose
    /// signature no secret of this server verifies: most likely signed with another
    /// `SECRET_KEY`. It is left in place.
    ForeignKey,
    /// The session verified, but it was revoked (logout, sign-out-everywhere, break
    /// glass): the response deletes its cookies.
    Revoked,
    /// The session verified, but the revocation store could not vouch for it (its mirror
    /// is staler than its bound under the fail-closed policy): the cookies are kept, and
    /// the session loads again once the store is current.
    RevocationUnavailable,
}

impl LoadReason {
    /// Every reason, in declaration order. A slice, so adding a reason breaks no caller.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// assert!(LoadReason::all().contains(&LoadReason::StaleChunk));
    /// assert_eq!(LoadReason::all()[0], LoadReason::NoSession);
    /// ```
    pub const fn all() -> &'static [LoadReason] {
        &[
            LoadReason::NoSession,
            LoadReason::Valid,
            LoadReason::MissingChunk,
            LoadReason::StaleChunk,
            LoadReason::TooManyChunks,
            LoadReason::BadSignature,
            LoadReason::UnknownKey,
            LoadReason::Expired,
            LoadReason::IdleExpired,
            LoadReason::Malformed,
            LoadReason::TooLarge,
            LoadReason::Ambiguous,
            LoadReason::ForeignKey,
            LoadReason::Revoked,
            LoadReason::RevocationUnavailable,
        ]
    }

    /// The kebab-case name used by the CLI, the playground API and log events.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// assert_eq!(LoadReason::BadSignature.as_str(), "bad-signature");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            LoadReason::NoSession => "no-session",
            LoadReason::Valid => "valid",
            LoadReason::MissingChunk => "missing-chunk",
            LoadReason::StaleChunk => "stale-chunk",
            LoadReason::TooManyChunks => "too-many-chunks",
            LoadReason::BadSignature => "bad-signature",
            LoadReason::UnknownKey => "unknown-key",
            LoadReason::Expired => "expired",
            LoadReason::IdleExpired => "idle-expired",
            LoadReason::Malformed => "malformed",
            LoadReason::TooLarge => "too-large",
            LoadReason::Ambiguous => "ambiguous",
            LoadReason::ForeignKey => "foreign-key",
            LoadReason::Revoked => "revoked",
            LoadReason::RevocationUnavailable => "revocation-unavailable",
        }
    }

    /// A sentence for humans explaining the reason.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// assert!(LoadReason::Expired.describe().contains("lifetime"));
    /// ```
    pub const fn describe(self) -> &'static str {
        match self {
            LoadReason::NoSession => "the request carried no session cookie",
            LoadReason::Valid => "the session verified and loaded",
            LoadReason::MissingChunk => {
                "a chunk of the session is missing: the browser dropped a cookie, or a client \
                 or proxy dropped cookies from a long Cookie header (curl and some proxies drop \
                 cookies past 8 KB)"
            }
            LoadReason::StaleChunk => {
                "the chunks come from different writes; a Set-Cookie was lost or two responses raced"
            }
            LoadReason::TooManyChunks => "the session announces more chunks than allowed",
            LoadReason::BadSignature => "the signature does not verify; the cookie was altered",
            LoadReason::UnknownKey => "the session was sealed with a key this server does not hold",
            LoadReason::Expired => "the session outlived its absolute lifetime",
            LoadReason::IdleExpired => "the session was idle for longer than the idle timeout",
            LoadReason::Malformed => "the session cookie is not in a format this server reads",
            LoadReason::TooLarge => "the session cookies exceed the configured size limits",
            LoadReason::Ambiguous => {
                "two different sessions verified in one request (a cookie set from a sibling \
                 subdomain or for a longer Path?); neither is used, neither is deleted"
            }
            LoadReason::ForeignKey => {
                "the cookie looks like a Flask session signed with another secret key (or a \
                 Starlette one; is SECRET_KEY the one that signed it?); it is left in place"
            }
            LoadReason::Revoked => "the session was revoked (logout or sign-out-everywhere)",
            LoadReason::RevocationUnavailable => {
                "the revocation store is out of date and cannot vouch for the session"
            }
        }
    }

    /// True for every reason that discarded cookies the client sent.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// assert!(LoadReason::Expired.is_rejection());
    /// assert!(!LoadReason::Valid.is_rejection());
    /// ```
    pub const fn is_rejection(self) -> bool {
        !matches!(self, LoadReason::NoSession | LoadReason::Valid)
    }

    /// True for the refusals that prove the cookies can never load, whatever key, format or
    /// configuration a server holds: they verified and ran out of time, or the set they
    /// belong to can never be complete. A response that writes nothing deletes those as
    /// debris. The others (a signature or key this server cannot check, a format or size it
    /// does not read, two sessions at once) may be a live session of another deployment or
    /// of a rollback, so such a response leaves them in place.
    pub(crate) const fn proves_dead(self) -> bool {
        matches!(
            self,
            LoadReason::Expired
                | LoadReason::IdleExpired
                | LoadReason::MissingChunk
                | LoadReason::StaleChunk
        )
    }

    /// The level a rejection is logged at: `WARN` for what points at tampering, a
    /// misbehaving client or a misconfigured server (a bad signature, malformed or oversized
    /// cookies, two sessions at once, a Flask session under another key), `INFO` for what
    /// ordinary use produces (expiry, a dropped cookie, a rotated-out key, a revoked
    /// session, a revocation store out of date, whose outage the store itself warns of
    /// once), `DEBUG` for the reasons that reject nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// use tracing::Level;
    /// assert_eq!(LoadReason::BadSignature.level(), Level::WARN);
    /// assert_eq!(LoadReason::Expired.level(), Level::INFO);
    /// assert_eq!(LoadReason::Valid.level(), Level::DEBUG);
    /// ```
    pub const fn level(self) -> tracing::Level {
        match self {
            LoadReason::BadSignature
            | LoadReason::Malformed
            | LoadReason::TooLarge
            | LoadReason::TooManyChunks
            | LoadReason::Ambiguous
            | LoadReason::ForeignKey => tracing::Level::WARN,
            LoadReason::NoSession | LoadReason::Valid => tracing::Level::DEBUG,
            LoadReason::MissingChunk
            | LoadReason::StaleChunk
            | LoadReason::UnknownKey
            | LoadReason::Expired
            | LoadReason::IdleExpired
            | LoadReason::Revoked
            | LoadReason::RevocationUnavailable => tracing::Level::INFO,
        }
    }

    /// Logs a load at [`level`](Self::level), with the bytes of session cookies it read and
    /// the length of the request's whole `Cookie` header (a missing chunk says it in words
    /// too: the header's length is what a client's or proxy's limit is held against).
    /// Nothing of the cookies' content is logged.
    pub(crate) fn log(self, cookie_bytes: usize, cookie_header: usize) {
        let reason = self.as_str();
        let detail = self.describe();
        let header = HeaderNote(matches!(self, LoadReason::MissingChunk).then_some(cookie_header));
        match self.level() {
            tracing::Level::WARN => tracing::warn!(
                reason,
                cookie_bytes,
                cookie_header,
                "session rejected: {detail}{header}"
            ),
            tracing::Level::INFO => tracing::info!(
                reason,
                cookie_bytes,
                cookie_header,
                "session rejected: {detail}{header}"
            ),
            _ => tracing::debug!(
                reason,
                cookie_bytes,
                cookie_header,
                "session loaded: {detail}"
            ),
        }
    }
}

/// The words a log line adds about the request's `Cookie` header, formatted only when the
/// line is.
struct HeaderNote(Option<usize>);

impl fmt::Display for HeaderNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(bytes) => write!(f, "; the request's Cookie header carried {bytes} bytes"),
            None => Ok(()),
        }
    }
}

/// A name that is not one of [`LoadReason::as_str`]'s.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{LoadReason, UnknownReason};
/// let err: UnknownReason = "nope".parse::<LoadReason>().unwrap_err();
/// assert!(err.to_string().contains("nope"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a load reason (expected one of: no-session, valid, missing-chunk, \
         stale-chunk, too-many-chunks, bad-signature, unknown-key, expired, idle-expired, \
         malformed, too-large, ambiguous, foreign-key, revoked, revocation-unavailable)"
)]
pub struct UnknownReason(String);

/// Parses a name produced by [`LoadReason::as_str`].
///
/// # Example
///
/// ```
/// use chunked_cookie_session::LoadReason;
/// assert_eq!("expired".parse(), Ok(LoadReason::Expired));
/// assert!("nope".parse::<LoadReason>().is_err());
/// ```
impl FromStr for LoadReason {
    type Err = UnknownReason;

    fn from_str(name: &str) -> Result<LoadReason, UnknownReason> {
        LoadReason::all()
            .iter()
            .copied()
            .find(|reason| reason.as_str() == name)
            .ok_or_else(|| UnknownReason(name.to_owned()))
    }
}

/// A reason is also the error of the functions that read a session's text
/// (`flask::from_json`, say), so `?` takes it into any error type.
impl std::error::Error for LoadReason {}

impl fmt::Display for LoadReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &reason in LoadReason::all() {
            assert!(seen.insert(reason.as_str()));
            assert_eq!(reason.as_str().parse(), Ok(reason));
            assert!(!reason.describe().is_empty());
            // The error for an unknown name lists every reason.
            assert!(
                UnknownReason(String::new())
                    .to_string()
                    .contains(reason.as_str())
            );
        }
    }
}
