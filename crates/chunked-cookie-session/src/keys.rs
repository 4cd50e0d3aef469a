//! Secret keys and the key ring that rotates them.
//!
//! A configured secret is never used directly: HKDF-SHA256 derives one subkey per purpose
//! (signing, encryption, the public key id), so one secret serves every format without
//! reusing key material across algorithms.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The shortest secret accepted, in bytes (256 bits).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyError, MIN_SECRET_LEN};
/// assert!(Key::from_secret(&[7u8; MIN_SECRET_LEN]).is_ok());
/// assert_eq!(Key::from_secret(&[7u8; MIN_SECRET_LEN - 1]), Err(KeyError::TooShort(31)));
/// ```
pub const MIN_SECRET_LEN: usize = 32;

/// The longest secret accepted, in bytes.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyError, MAX_SECRET_LEN};
/// assert!(Key::from_secret(&[7u8; MAX_SECRET_LEN]).is_ok());
/// assert_eq!(Key::from_secret(&[7u8; MAX_SECRET_LEN + 1]), Err(KeyError::TooLong(1025)));
/// ```
pub const MAX_SECRET_LEN: usize = 1024;

const SALT: &[u8] = b"chunked-cookie-session";
const INFO_SIGNING: &[u8] = b"chunked-cookie-session v1 signing hmac-sha256";
const INFO_ENCRYPTION: &[u8] = b"chunked-cookie-session v1 encryption";
const INFO_KEY_ID: &[u8] = b"chunked-cookie-session v1 key id";

/// Why a secret was refused.
///
/// The message says what a key must be, and no more: how to make one is each front end's
/// to say, in its own words (the command-line tool's `cookie-session keygen`, the Python
/// package's `python -m chunked_cookie_session keygen`), once.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyError};
///
/// let err = Key::from_base64("c2hvcnQ").unwrap_err(); // "short"
/// assert_eq!(err, KeyError::TooShort(5));
/// assert_eq!(err.to_string(), "a key must hold at least 32 random bytes, this one holds 5");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The secret is shorter than [`MIN_SECRET_LEN`].
    #[error("a key must hold at least {MIN_SECRET_LEN} random bytes, this one holds {0}")]
    TooShort(usize),
    /// The secret is longer than [`MAX_SECRET_LEN`].
    #[error("a key must hold at most {MAX_SECRET_LEN} bytes, this one holds {0}")]
    TooLong(usize),
    /// The text is neither base64 nor base64url (with or without padding).
    #[error(
        "the key is not base64: expected {MIN_SECRET_LEN} or more random bytes written in \
         base64 or base64url"
    )]
    NotBase64,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random,
}

/// The public identifier of a key: 4 bytes derived from the secret, written into every
/// session header so a reader tries exactly one key.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::Key;
///
/// let key = Key::from_secret(&[7u8; 32]).unwrap();
/// assert_eq!(key.id().to_string().len(), 8);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub(crate) [u8; 4]);

impl KeyId {
    /// The four bytes of the id.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Key;
    ///
    /// let id = Key::from_secret(&[7u8; 32])?.id();
    /// let hex: String = id.as_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    /// assert_eq!(hex, id.to_string());
    /// # Ok::<(), chunked_cookie_session::KeyError>(())
    /// ```
    pub const fn as_bytes(&self) -> [u8; 4] {
        self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// One secret and the subkeys derived from it. Zeroized on drop; `Debug` shows only the id.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::Key;
///
/// let key = Key::generate();
/// assert!(!format!("{key:?}").contains("signing"));
/// let same = Key::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
/// assert_eq!(same.id(), Key::from_secret(&[0u8; 32]).unwrap().id());
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key {
    signing: [u8; 32],
    encryption: [u8; 32],
    #[zeroize(skip)]
    id: KeyId,
}

impl Key {
    /// Derives a key from a secret of at least [`MIN_SECRET_LEN`] bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError::TooShort`] or [`KeyError::TooLong`] when the secret's length is out of range.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyError};
    /// assert!(Key::from_secret(&[1u8; 32]).is_ok());
    /// assert_eq!(Key::from_secret(b"short").unwrap_err(), KeyError::TooShort(5));
    /// ```
    pub fn from_secret(secret: &[u8]) -> Result<Key, KeyError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(KeyError::TooShort(secret.len()));
        }
        if secret.len() > MAX_SECRET_LEN {
            return Err(KeyError::TooLong(secret.len()));
        }
        // The pseudorandom key that extraction returns is wiped at once; the HKDF state holding
        // it is wiped on drop (the digest crates' `zeroize` feature).
        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(SALT), secret);
        prk.as_mut_slice().zeroize();
        let mut key = Key {
            signing: [0; 32],
            encryption: [0; 32],
            id: KeyId([0; 4]),
        };
        let mut id = [0u8; 4];
        // Lengths of 4 and 32 bytes are far below HKDF-SHA256's 8160-byte maximum.
        let expanded = hkdf
            .expand(INFO_SIGNING, &mut key.signing)
            .and_then(|()| hkdf.expand(INFO_ENCRYPTION, &mut key.encryption))
            .and_then(|()| hkdf.expand(INFO_KEY_ID, &mut id));
        debug_assert!(expanded.is_ok());
        key.id = KeyId(id);
        Ok(key)
    }

    /// Decodes a secret written in base64url (as `cookie-session keygen` prints it) or in
    /// standard base64 (as `openssl rand -base64 32` prints it), padded or not, and derives
    /// a key.
    ///
    /// Whitespace is ignored, around the text and within it, so the value can come
    /// straight from an environment variable or a file, even as the several lines
    /// `openssl rand -base64` prints for a secret of more than 48 bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError::NotBase64`] for text in neither alphabet, and the errors of
    /// [`Key::from_secret`]. Every message says what a key must be.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyError};
    /// let text = chunked_cookie_session::generate_secret();
    /// assert!(Key::from_base64(&text).is_ok());
    /// // `openssl rand -base64 32`
    /// let openssl = "q6/+Vm2AuEIT2mB0ERGv0KLeUNW3ekWsbTsZq0Sfzn8=\n";
    /// assert!(Key::from_base64(openssl).is_ok());
    /// let err = Key::from_base64("not base64!").unwrap_err();
    /// assert_eq!(err, KeyError::NotBase64);
    /// assert!(err.to_string().contains("base64 or base64url"));
    /// ```
    pub fn from_base64(text: &str) -> Result<Key, KeyError> {
        // openssl wraps its base64 at 64 characters.
        let joined: Zeroizing<String> = Zeroizing::new(text.split_ascii_whitespace().collect());
        let text = joined.trim_end_matches('=');
        let secret = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(text)
                .or_else(|_| STANDARD_NO_PAD.decode(text))
                .map_err(|_| KeyError::NotBase64)?,
        );
        Key::from_secret(&secret)
    }

    /// Makes a key from 32 fresh random bytes.
    ///
    /// # Panics
    ///
    /// When the operating system's random number generator fails; see [`Key::try_generate`].
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Key;
    /// assert_ne!(Key::generate().id(), Key::generate().id());
    /// ```
    pub fn generate() -> Key {
        #[allow(clippy::expect_used)]
        Key::try_generate().expect("the operating system's random number generator failed")
    }

    /// Makes a key from 32 fresh random bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError::Random`] when the operating system's random number generator fails.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Key;
    /// assert!(Key::try_generate().is_ok());
    /// ```
    pub fn try_generate() -> Result<Key, KeyError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut()).map_err(|_| KeyError::Random)?;
        Key::from_secret(secret.as_ref())
    }

    /// The public id of this key.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::Key;
    ///
    /// let key = Key::from_secret(&[7u8; 32])?;
    /// assert_eq!(key.id(), Key::from_secret(&[7u8; 32])?.id(), "the same secret, the same id");
    /// assert_ne!(key.id(), Key::from_secret(&[8u8; 32])?.id());
    /// # Ok::<(), chunked_cookie_session::KeyError>(())
    /// ```
    pub fn id(&self) -> KeyId {
        self.id
    }

    pub(crate) fn signing(&self) -> &[u8; 32] {
        &self.signing
    }

    #[cfg_attr(not(feature = "private"), allow(dead_code))]
    pub(crate) fn encryption(&self) -> &[u8; 32] {
        &self.encryption
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.signing.ct_eq(&other.signing).into()
    }
}

impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Returns a new random 256-bit secret, base64url-encoded without padding: the text
/// `cookie-session keygen` prints and [`Key::from_base64`] reads.
///
/// # Panics
///
/// When the operating system's random number generator fails.
///
/// # Example
///
/// ```
/// let secret = chunked_cookie_session::generate_secret();
/// assert_eq!(secret.len(), 43);
/// ```
pub fn generate_secret() -> String {
    let mut secret = Zeroizing::new([0u8; 32]);
    #[allow(clippy::expect_used)]
    getrandom::fill(secret.as_mut())
        .expect("the operating system's random number generator failed");
    URL_SAFE_NO_PAD.encode(secret.as_ref())
}

/// The keys a server holds: one current key that seals every new session, and older keys
/// that are still accepted when reading, so keys can rotate without logging anyone out.
///
/// A session sealed by an old key is re-sealed with the current key the next time the
/// response writes cookies (and it is written as soon as it is read, see the engine).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing};
///
/// let old = Key::generate();
/// let new = Key::generate();
/// let ring = KeyRing::new(new.clone()).with_old_key(old.clone());
/// assert_eq!(ring.current().id(), new.id());
/// assert!(ring.find(old.id()).is_some());
/// assert!(ring.find(Key::generate().id()).is_none());
/// ```
#[derive(Clone)]
pub struct KeyRing {
    /// Boxed, so that growing the ring moves pointers and never leaves a copy of a key's
    /// bytes behind in freed memory.
    #[expect(
        clippy::vec_box,
        reason = "a key must not move when the vector reallocates: its bytes would stay behind"
    )]
    keys: Vec<Box<Key>>,
}

impl KeyRing {
    /// A ring holding only `current`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    ///
    /// let key = Key::generate();
    /// let ring = KeyRing::new(key.clone());
    /// assert_eq!(ring.len(), 1);
    /// assert_eq!(ring.current(), &key);
    /// ```
    pub fn new(current: Key) -> KeyRing {
        KeyRing {
            keys: vec![Box::new(current)],
        }
    }

    /// Adds a key accepted for reading only. Keys sharing an id with a key already in the
    /// ring are ignored.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    ///
    /// let (current, old) = (Key::generate(), Key::generate());
    /// let ring = KeyRing::new(current.clone())
    ///     .with_old_key(old.clone())
    ///     .with_old_key(old.clone())
    ///     .with_old_key(current.clone());
    /// assert_eq!(ring.len(), 2);
    /// assert_eq!(ring.current(), &current);
    /// assert_eq!(ring.find(old.id()), Some(&old));
    /// ```
    #[must_use]
    pub fn with_old_key(mut self, key: Key) -> KeyRing {
        if self.find(key.id()).is_none() {
            self.keys.push(Box::new(key));
        }
        self
    }

    /// The key that seals new sessions.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    ///
    /// let key = Key::generate();
    /// let ring = KeyRing::new(key.clone()).with_old_key(Key::generate());
    /// assert_eq!(ring.current().id(), key.id());
    /// ```
    pub fn current(&self) -> &Key {
        &self.keys[0]
    }

    /// The key with this id, if the ring holds it.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    ///
    /// let old = Key::generate();
    /// let ring = KeyRing::new(Key::generate()).with_old_key(old.clone());
    /// assert_eq!(ring.find(old.id()), Some(&old));
    /// assert_eq!(ring.find(Key::generate().id()), None);
    /// ```
    pub fn find(&self, id: KeyId) -> Option<&Key> {
        self.keys.iter().map(|key| &**key).find(|key| key.id == id)
    }

    /// How many keys the ring holds, the current one included.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    ///
    /// let ring = KeyRing::new(Key::generate()).with_old_key(Key::generate());
    /// assert_eq!(ring.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a ring holds at least its current key.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing};
    /// assert!(!KeyRing::new(Key::generate()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("current", &self.current().id())
            .field("keys", &self.keys.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_deterministic_and_purpose_bound() {
        let a = Key::from_secret(&[9u8; 32]).unwrap();
        let b = Key::from_secret(&[9u8; 32]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.id(), b.id());
        assert_ne!(a.signing(), a.encryption());
        assert_ne!(Key::from_secret(&[8u8; 32]).unwrap().id(), a.id());
    }

    #[test]
    fn debug_never_prints_material() {
        let key = Key::from_secret(&[0xAB; 32]).unwrap();
        let text = format!("{key:?} {:?}", KeyRing::new(key.clone()));
        assert!(!text.to_lowercase().contains("abab"));
        let hex: String = key.signing().iter().map(|b| format!("{b:02x}")).collect();
        assert!(!text.contains(&hex[..8]));
    }

    #[test]
    fn rejects_bad_lengths() {
        assert_eq!(Key::from_secret(&[0; 31]), Err(KeyError::TooShort(31)));
        assert_eq!(
            Key::from_secret(&vec![0; MAX_SECRET_LEN + 1]),
            Err(KeyError::TooLong(MAX_SECRET_LEN + 1))
        );
    }
}
