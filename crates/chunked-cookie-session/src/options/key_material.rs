//! Key material as a front end received it: text or raw bytes.

use std::fmt;

use zeroize::Zeroizing;

use crate::keys::{Key, KeyError};

/// A key as a front end received it: text in base64 or base64url (what `cookie-session
/// keygen` and `openssl rand -base64 32` print), or raw random bytes (what `os.urandom(32)`
/// gives). Wiped from memory when dropped; never shown by `Debug`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::KeyMaterial;
/// let text = KeyMaterial::from(chunked_cookie_session::generate_secret());
/// let raw = KeyMaterial::from(vec![7u8; 32]);
/// assert!(text.key().is_ok() && raw.key().is_ok());
/// assert_eq!(format!("{raw:?}"), "KeyMaterial(..)");
/// ```
#[derive(Clone)]
pub enum KeyMaterial {
    /// Base64 or base64url text, padded or not; whitespace ignored.
    Text(Zeroizing<String>),
    /// The secret's bytes themselves: at least 32 of them.
    Raw(Zeroizing<Vec<u8>>),
}

impl KeyMaterial {
    /// The key this material makes.
    ///
    /// # Errors
    ///
    /// Text that is not base64, or a secret shorter than 32 or longer than 1024 bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{KeyError, KeyMaterial};
    ///
    /// let raw = KeyMaterial::from(vec![7u8; 32]);
    /// // The same 32 bytes, in base64.
    /// let text = KeyMaterial::from("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    /// assert_eq!(text.key()?.id(), raw.key()?.id());
    /// assert_eq!(KeyMaterial::from("not base64!").key().unwrap_err(), KeyError::NotBase64);
    /// assert_eq!(KeyMaterial::from(vec![7u8; 8]).key().unwrap_err(), KeyError::TooShort(8));
    /// # Ok::<(), KeyError>(())
    /// ```
    pub fn key(&self) -> Result<Key, KeyError> {
        match self {
            KeyMaterial::Text(text) => Key::from_base64(text),
            KeyMaterial::Raw(bytes) => Key::from_secret(bytes),
        }
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyMaterial(..)")
    }
}

impl From<String> for KeyMaterial {
    fn from(text: String) -> KeyMaterial {
        KeyMaterial::Text(Zeroizing::new(text))
    }
}

impl From<&str> for KeyMaterial {
    fn from(text: &str) -> KeyMaterial {
        KeyMaterial::from(text.to_owned())
    }
}

impl From<Vec<u8>> for KeyMaterial {
    fn from(bytes: Vec<u8>) -> KeyMaterial {
        KeyMaterial::Raw(Zeroizing::new(bytes))
    }
}
