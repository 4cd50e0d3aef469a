//! Who a session is, for revocation: its id, when that id was created, the subject it
//! belongs to, and its absolute deadline.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The length of a session id, in bytes: 128 random bits (96 is the least that would do).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{SESSION_ID_LEN, SessionId};
///
/// assert_eq!(SessionId::generate()?.as_bytes().len(), SESSION_ID_LEN);
/// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
/// ```
pub const SESSION_ID_LEN: usize = 16;

/// The longest subject accepted, in bytes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{IdentityError, MAX_SUBJECT_LEN, check_subject};
///
/// assert!(check_subject(&"a".repeat(MAX_SUBJECT_LEN)).is_ok());
/// let longer = "a".repeat(MAX_SUBJECT_LEN + 1);
/// assert_eq!(check_subject(&longer), Err(IdentityError::SubjectTooLong(MAX_SUBJECT_LEN + 1)));
/// ```
pub const MAX_SUBJECT_LEN: usize = 256;

/// The length of a session id written in base64url without padding.
const SESSION_ID_TEXT_LEN: usize = 22;

/// Why an identity, a session id or a subject was refused.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Identity, IdentityError, SessionId};
///
/// assert_eq!("too-short".parse::<SessionId>(), Err(IdentityError::BadSessionId));
/// let identity = Identity::new(SessionId::from_bytes([1; 16]), 0, 3600);
/// let refused = identity.with_subject("").unwrap_err();
/// assert_eq!(refused, IdentityError::EmptySubject);
/// assert_eq!(refused.to_string(), "a subject must not be empty");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The text is not a session id: 22 characters of base64url (16 bytes).
    #[error("a session id is 22 characters of base64url (128 bits)")]
    BadSessionId,
    /// The subject is empty.
    #[error("a subject must not be empty")]
    EmptySubject,
    /// The subject is longer than [`MAX_SUBJECT_LEN`] bytes.
    #[error("a subject holds at most {MAX_SUBJECT_LEN} bytes, this one holds {0}")]
    SubjectTooLong(usize),
    /// The subject holds a control character (a line break, a NUL…), which logs and the
    /// Redis messages must never carry.
    #[error("a subject must not contain control characters")]
    SubjectControl,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
}

/// A session's id: 128 random bits, the same across every write of the session and
/// replaced when the session is renewed (at every login). Written as 22 characters of
/// base64url.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::SessionId;
///
/// let id = SessionId::generate()?;
/// let text = id.to_string();
/// assert_eq!(text.len(), 22);
/// assert_eq!(text.parse::<SessionId>()?, id);
/// assert_eq!(SessionId::from_bytes([7; 16]).as_bytes(), &[7; 16]);
/// assert!("not-an-id".parse::<SessionId>().is_err());
/// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId([u8; SESSION_ID_LEN]);

impl SessionId {
    /// A new id from the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// [`IdentityError::Random`] if the generator fails.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::SessionId;
    ///
    /// let (first, second) = (SessionId::generate()?, SessionId::generate()?);
    /// assert_ne!(first, second);
    /// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
    /// ```
    pub fn generate() -> Result<SessionId, IdentityError> {
        let mut bytes = [0u8; SESSION_ID_LEN];
        getrandom::fill(&mut bytes).map_err(|_| IdentityError::Random)?;
        Ok(SessionId(bytes))
    }

    /// The id made of these bytes (as read back from a signed session).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::SessionId;
    ///
    /// let id = SessionId::from_bytes([0; 16]);
    /// assert_eq!(id.to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
    /// ```
    pub const fn from_bytes(bytes: [u8; SESSION_ID_LEN]) -> SessionId {
        SessionId(bytes)
    }

    /// The id's bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::SessionId;
    ///
    /// let id = SessionId::generate()?;
    /// assert_eq!(SessionId::from_bytes(*id.as_bytes()), id);
    /// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
    /// ```
    pub const fn as_bytes(&self) -> &[u8; SESSION_ID_LEN] {
        &self.0
    }

    /// The first byte, which spreads ids evenly over the mirror's shards.
    pub(crate) const fn first_byte(&self) -> u8 {
        self.0[0]
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; SESSION_ID_TEXT_LEN];
        let written = URL_SAFE_NO_PAD
            .encode_slice(self.0, &mut text)
            .map_err(|_| fmt::Error)?;
        f.write_str(std::str::from_utf8(&text[..written]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({self})")
    }
}

impl FromStr for SessionId {
    type Err = IdentityError;

    fn from_str(text: &str) -> Result<SessionId, IdentityError> {
        if text.len() != SESSION_ID_TEXT_LEN {
            return Err(IdentityError::BadSessionId);
        }
        let mut bytes = [0u8; SESSION_ID_LEN + 2];
        match URL_SAFE_NO_PAD.decode_slice(text.as_bytes(), &mut bytes) {
            Ok(SESSION_ID_LEN) => {
                let mut id = [0u8; SESSION_ID_LEN];
                id.copy_from_slice(&bytes[..SESSION_ID_LEN]);
                Ok(SessionId(id))
            }
            _ => Err(IdentityError::BadSessionId),
        }
    }
}

/// Checks a subject: 1 to [`MAX_SUBJECT_LEN`] bytes, no control characters.
///
/// # Errors
///
/// The [`IdentityError`] that says what is wrong with it.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{IdentityError, check_subject};
///
/// assert!(check_subject("ada@example.com").is_ok());
/// assert_eq!(check_subject(""), Err(IdentityError::EmptySubject));
/// assert_eq!(check_subject("a\nb"), Err(IdentityError::SubjectControl));
/// ```
pub fn check_subject(subject: &str) -> Result<(), IdentityError> {
    if subject.is_empty() {
        return Err(IdentityError::EmptySubject);
    }
    if subject.len() > MAX_SUBJECT_LEN {
        return Err(IdentityError::SubjectTooLong(subject.len()));
    }
    if subject.chars().any(char::is_control) {
        return Err(IdentityError::SubjectControl);
    }
    Ok(())
}

/// What revocation knows of one session: signed inside the cookie, handed to
/// [`Revocation::check`](super::Revocation::check) at every load.
///
/// - `session_id`: stable across the session's writes, new at every renewal;
/// - `created`: when that id was created, in microseconds since the Unix epoch, from
///   [`now_micros`](super::now_micros), so ordering against a revocation is exact;
/// - `subject`: the user the application bound the session to, if any;
/// - `expires_at`: the session's absolute deadline in Unix seconds, so a revocation of
///   it needs keeping only until then.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::revocation::{Identity, SessionId, now_micros};
///
/// let created = now_micros();
/// let identity = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 3600)
///     .with_subject("ada")?;
/// assert_eq!(identity.subject(), Some("ada"));
/// assert_eq!(identity.created(), created);
/// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    session_id: SessionId,
    created: u64,
    subject: Option<Box<str>>,
    expires_at: u64,
}

impl Identity {
    /// An identity with no subject.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, SessionId, now_micros};
    ///
    /// let created = now_micros();
    /// let identity = Identity::new(SessionId::generate()?, created, created / 1_000_000 + 60);
    /// assert_eq!(identity.subject(), None);
    /// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
    /// ```
    pub const fn new(session_id: SessionId, created: u64, expires_at: u64) -> Identity {
        Identity {
            session_id,
            created,
            subject: None,
            expires_at,
        }
    }

    /// An identity from parts already checked (a subject read from a signed session, or
    /// set through [`check_subject`]).
    pub(crate) const fn from_parts(
        session_id: SessionId,
        created: u64,
        subject: Option<Box<str>>,
        expires_at: u64,
    ) -> Identity {
        Identity {
            session_id,
            created,
            subject,
            expires_at,
        }
    }

    /// The subject, taken out (the identity is done with).
    pub(crate) fn into_subject(self) -> Option<Box<str>> {
        self.subject
    }

    /// The same identity bound to a subject.
    ///
    /// # Errors
    ///
    /// The subject is refused by [`check_subject`].
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, IdentityError, SessionId};
    ///
    /// let identity = Identity::new(SessionId::from_bytes([1; 16]), 0, 3600);
    /// assert_eq!(identity.clone().with_subject("ada")?.subject(), Some("ada"));
    /// assert_eq!(identity.with_subject("a\tb"), Err(IdentityError::SubjectControl));
    /// # Ok::<(), IdentityError>(())
    /// ```
    pub fn with_subject(mut self, subject: impl Into<String>) -> Result<Identity, IdentityError> {
        let subject = subject.into();
        check_subject(&subject)?;
        self.subject = Some(subject.into_boxed_str());
        Ok(self)
    }

    /// The session's id.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, SessionId};
    ///
    /// let id = SessionId::generate()?;
    /// assert_eq!(Identity::new(id, 0, 3600).session_id(), id);
    /// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
    /// ```
    pub const fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// When the id was created, in microseconds since the Unix epoch.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, SessionId, now_micros};
    ///
    /// let created = now_micros();
    /// let identity = Identity::new(SessionId::from_bytes([1; 16]), created, 0);
    /// assert_eq!(identity.created(), created);
    /// assert!(identity.created() < now_micros());
    /// ```
    pub const fn created(&self) -> u64 {
        self.created
    }

    /// The subject the session is bound to, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, SessionId};
    ///
    /// let identity = Identity::new(SessionId::from_bytes([1; 16]), 0, 3600);
    /// assert_eq!(identity.subject(), None);
    /// assert_eq!(identity.with_subject("user-42")?.subject(), Some("user-42"));
    /// # Ok::<(), chunked_cookie_session::revocation::IdentityError>(())
    /// ```
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The session's absolute deadline, in Unix seconds.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::{Identity, SessionId, now_micros};
    ///
    /// let created = now_micros();
    /// let deadline = created / 1_000_000 + 14 * 24 * 3600;
    /// let identity = Identity::new(SessionId::from_bytes([1; 16]), created, deadline);
    /// assert_eq!(identity.expires_at(), deadline);
    /// ```
    pub const fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("session_id", &self.session_id)
            .field("created", &self.created)
            .field("subject", &self.subject)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_and_read_back() {
        let first = SessionId::generate().expect("randomness");
        let second = SessionId::generate().expect("randomness");
        assert_ne!(first, second);
        assert_eq!(first.to_string().parse::<SessionId>(), Ok(first));
        assert_eq!(format!("{first:?}"), format!("SessionId({first})"));
    }

    #[test]
    fn bad_id_text_is_refused() {
        for bad in [
            "",
            "AAAA",
            "AAAAAAAAAAAAAAAAAAAAA=",
            "AAAAAAAAAAAAAAAAAAAAAAA",
            "!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert_eq!(
                bad.parse::<SessionId>(),
                Err(IdentityError::BadSessionId),
                "{bad:?}"
            );
        }
        // 22 characters whose last one carries bits past the 16 bytes.
        assert!("AAAAAAAAAAAAAAAAAAAAAB".parse::<SessionId>().is_err());
    }

    #[test]
    fn subjects_are_bounded() {
        assert!(check_subject(&"a".repeat(MAX_SUBJECT_LEN)).is_ok());
        assert_eq!(
            check_subject(&"a".repeat(MAX_SUBJECT_LEN + 1)),
            Err(IdentityError::SubjectTooLong(MAX_SUBJECT_LEN + 1))
        );
        assert_eq!(check_subject("a\u{0}"), Err(IdentityError::SubjectControl));
        assert!(check_subject("Ada Lovelace ü").is_ok());
    }
}
