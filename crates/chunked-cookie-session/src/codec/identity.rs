//! A session's identity as the formats carry it: its id, when that id was created, and the
//! subject the application bound it to (docs/FORMAT.md, section 11).
//!
//! ```text
//! identity = session id[16] || u64be(created, µs) || u16be(len(subject)) || subject
//! ```
//!
//! The native formats (version 2) open their sealed plaintext with these bytes (never
//! deflated: the compressed flag covers the JSON after them), so the signed format's tag
//! covers them and the private format encrypts them; Flask's format
//! keeps the same three values as reserved entries (`codec/flask/identity.rs`). A session
//! written without an identity (native version 1, a Flask cookie without the entries) gets
//! one derived from its write: the same for every copy of that write, kept when the
//! session is next written.

use sha2::{Digest, Sha256};

use crate::revocation::{IdentityError, SESSION_ID_LEN, SessionId, check_subject, now_micros};

/// Bytes of an identity without a subject: the id, the creation time, the subject's length.
pub(crate) const IDENTITY_FIXED_LEN: usize = SESSION_ID_LEN + 8 + 2;

/// What the id of a session written without an identity is derived under.
const DERIVED_DOMAIN: &[u8] = b"chunked-cookie-session derived session id";

/// What a session carries for revocation (its deadline is the token's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    /// The session's id: the same in every write, new at every renewal.
    pub(crate) id: SessionId,
    /// When the id was created, in microseconds since the Unix epoch.
    pub(crate) created: u64,
    /// The subject the application bound the session to, checked by [`check_subject`].
    pub(crate) subject: Option<Box<str>>,
}

impl Ident {
    /// A new identity: a random id, created now (the revocation clock), no subject.
    ///
    /// # Errors
    ///
    /// [`IdentityError::Random`] when the operating system has no randomness to give.
    pub(crate) fn generate() -> Result<Ident, IdentityError> {
        Ok(Ident {
            id: SessionId::generate()?,
            created: now_micros(),
            subject: None,
        })
    }

    /// The identity of a session written without one: an id derived from its write (the
    /// native generation id, Flask's signature), so every copy of that write has the same
    /// one, created when its signed times say, no subject.
    pub(crate) fn derived(write: &[u8], created: u64) -> Ident {
        let digest = Sha256::new()
            .chain_update(DERIVED_DOMAIN)
            .chain_update(write)
            .finalize();
        let mut id = [0u8; SESSION_ID_LEN];
        id.copy_from_slice(&digest[..SESSION_ID_LEN]);
        Ident {
            id: SessionId::from_bytes(id),
            created,
            subject: None,
        }
    }

    /// Appends the identity's bytes.
    pub(crate) fn write_into(&self, out: &mut Vec<u8>) {
        let subject = self.subject.as_deref().unwrap_or_default();
        out.extend_from_slice(self.id.as_bytes());
        out.extend_from_slice(&self.created.to_be_bytes());
        // A subject is at most MAX_SUBJECT_LEN (256) bytes: two bytes always hold it.
        out.extend_from_slice(
            &u16::try_from(subject.len())
                .unwrap_or(u16::MAX)
                .to_be_bytes(),
        );
        out.extend_from_slice(subject.as_bytes());
    }

    /// The length of the identity that opens `plain`, as [`write_into`](Self::write_into)
    /// wrote it (never past the end of `plain`).
    pub(crate) fn len_at(plain: &[u8]) -> usize {
        let subject = plain
            .get(SESSION_ID_LEN + 8..IDENTITY_FIXED_LEN)
            .map_or(0, |len| usize::from(u16::from_be_bytes([len[0], len[1]])));
        (IDENTITY_FIXED_LEN + subject).min(plain.len())
    }

    /// The identity at the start of `plain` and what follows it; `None` when the bytes are
    /// not one (too short, a subject that is not a valid one).
    pub(crate) fn read(plain: &[u8]) -> Option<(Ident, &[u8])> {
        let (id, rest) = plain.split_first_chunk::<SESSION_ID_LEN>()?;
        let (created, rest) = rest.split_first_chunk::<8>()?;
        let (len, rest) = rest.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        if len > rest.len() {
            return None;
        }
        let (subject, rest) = rest.split_at(len);
        let subject = if subject.is_empty() {
            None
        } else {
            let text = std::str::from_utf8(subject).ok()?;
            check_subject(text).ok()?;
            Some(text.into())
        };
        let identity = Ident {
            id: SessionId::from_bytes(*id),
            created: u64::from_be_bytes(*created),
            subject,
        };
        Some((identity, rest))
    }
}

/// When a session written without an identity was created, as far as its signed times
/// tell, in microseconds: its deadline less the lifetime (the native deadline is fixed at a
/// session's first write), never after its last write (Flask's lifetime runs from every
/// write).
pub(crate) fn created_estimate(issued_at: u64, expires_at: u64, lifetime_secs: u64) -> u64 {
    issued_at
        .min(expires_at.saturating_sub(lifetime_secs))
        .saturating_mul(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_and_without_a_subject() {
        for subject in [None, Some("ada"), Some(&*"é".repeat(128))] {
            let identity = Ident {
                id: SessionId::from_bytes([9; SESSION_ID_LEN]),
                created: 1_700_000_000_123_456,
                subject: subject.map(Into::into),
            };
            let mut bytes = Vec::new();
            identity.write_into(&mut bytes);
            assert_eq!(
                bytes.len(),
                IDENTITY_FIXED_LEN + subject.map_or(0, str::len)
            );
            assert_eq!(Ident::len_at(&bytes), bytes.len());
            bytes.extend_from_slice(b"{}");
            let (read, rest) = Ident::read(&bytes).expect("reads back");
            assert_eq!((read, rest), (identity, &b"{}"[..]));
        }
    }

    #[test]
    fn refuses_what_is_not_an_identity() {
        let mut bytes = Vec::new();
        Ident {
            id: SessionId::from_bytes([1; SESSION_ID_LEN]),
            created: 1,
            subject: Some("ada".into()),
        }
        .write_into(&mut bytes);
        assert!(
            Ident::read(&bytes[..bytes.len() - 1]).is_none(),
            "cut short"
        );
        assert!(Ident::read(&bytes[..IDENTITY_FIXED_LEN - 1]).is_none());
        let mut control = bytes.clone();
        *control.last_mut().expect("a byte") = b'\n';
        assert!(Ident::read(&control).is_none(), "a control character");
        let mut invalid = bytes;
        *invalid.last_mut().expect("a byte") = 0xff;
        assert!(Ident::read(&invalid).is_none(), "not UTF-8");
    }

    #[test]
    fn a_derived_id_is_the_same_for_the_same_write() {
        let one = Ident::derived(b"generation", 5);
        assert_eq!(one, Ident::derived(b"generation", 5));
        assert_ne!(one.id, Ident::derived(b"generatioN", 5).id);
        assert_eq!(created_estimate(100, 1_000, 950), 50_000_000);
        assert_eq!(created_estimate(100, 1_000, 10), 100_000_000);
    }
}
