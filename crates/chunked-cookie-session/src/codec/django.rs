//! The cookie of Django's `signed_cookies` session backend (feature `django`), read to take
//! its sessions over and never written: `django.core.signing.dumps` of the session with
//! compression, under the backend's salt.
//!
//! ```text
//! JSON    = json.dumps(session, separators=(",", ":"))            (JSONSerializer)
//! PAYLOAD = "." b64url(zlib(JSON))   if that is shorter by two bytes or more
//!         = b64url(JSON)             otherwise                       (no padding)
//! VALUE   = PAYLOAD ":" base62(ts)
//! token   = VALUE ":" b64url(HMAC-SHA256(SHA256(salt + "signer" + secret), VALUE))
//! ```
//!
//! `salt` is `django.contrib.sessions.backends.signed_cookies`; `secret` is `SECRET_KEY`
//! (text in UTF-8), and each of `SECRET_KEY_FALLBACKS` verifies too. The backend loads with
//! `max_age=SESSION_COOKIE_AGE`, and its serializer decodes the JSON as Latin-1.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::compress::inflate_prefix;
use super::policy::Policy;
use super::previous::{never_written, policy, session_from_json};
use super::shared::{Meta, OpenInput, Opened, SealInput, check_clock};
use super::wire::Codec;
use crate::chunk::Limits;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::KeyId;
use crate::pyvalue::python_b64decode;
use crate::reason::LoadReason;

/// The salt of Django's `signed_cookies` session backend.
pub(crate) const SALT: &[u8] = b"django.contrib.sessions.backends.signed_cookies";

/// Django's base 62 digits, in order.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Opens the cookies of Django's `signed_cookies` backend.
pub(crate) struct DjangoCodec {
    /// `SHA256(salt + "signer" + secret)` of `SECRET_KEY`, then of each fallback.
    keys: Vec<Zeroizing<[u8; 32]>>,
    max_age: Duration,
}

impl std::fmt::Debug for DjangoCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DjangoCodec")
            .field("keys", &self.keys.len())
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl DjangoCodec {
    /// The reader for cookies signed with any of `secrets` (`SECRET_KEY` first, then its
    /// fallbacks) that live `max_age` (`SESSION_COOKIE_AGE`).
    pub(crate) fn new<'a>(
        secrets: impl Iterator<Item = &'a [u8]>,
        max_age: Duration,
    ) -> DjangoCodec {
        let keys = secrets
            .map(|secret| {
                // salted_hmac: the HMAC key is the hash of the salted secret.
                let mut derive = Sha256::new();
                derive.update(SALT);
                derive.update(b"signer");
                derive.update(secret);
                Zeroizing::new(derive.finalize().into())
            })
            .collect();
        DjangoCodec { keys, max_age }
    }

    /// `Signer.unsign`: the value, when the signature is one of the keys' (compared as
    /// Django compares it, as base64url text, in constant time).
    fn unsign<'t>(&self, token: &'t str) -> Result<(&'t str, usize), LoadReason> {
        let (value, signature) = token.rsplit_once(':').ok_or(LoadReason::BadSignature)?;
        let index = self.keys.iter().position(|key| {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key[..])
                .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
            mac.update(value.as_bytes());
            let expected = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
            bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
        });
        Ok((value, index.ok_or(LoadReason::BadSignature)?))
    }
}

impl Codec for DjangoCodec {
    type Prepared<'a> = String;

    fn policy(&self) -> Policy {
        policy(self.max_age)
    }

    fn prepare(
        &self,
        _: &SealInput<'_>,
        _: &SessionConfig,
        _: &Limits<'_>,
    ) -> Result<String, SaveError> {
        Err(never_written("Django"))
    }

    /// `signing.loads(token, salt=..., max_age=SESSION_COOKIE_AGE)`: the signature, the
    /// timestamp against the clock, then the payload.
    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        let (value, key_index) = self.unsign(token)?;
        let (payload, timestamp) = value.rsplit_once(':').ok_or(LoadReason::Malformed)?;
        // A negative timestamp (Django's base 62 has a sign) is older than any lifetime.
        let issued_at = base62(timestamp)?.ok_or(LoadReason::Expired)?;
        let meta = Meta {
            issued_at,
            // Django refuses a signature older than `max_age` (`age > max_age`).
            expires_at: issued_at
                .saturating_add(self.max_age.as_secs())
                .saturating_add(1),
            persistent: true,
            key_id: KeyId(u32::try_from(key_index).unwrap_or(u32::MAX).to_be_bytes()),
        };
        check_clock(&meta, input)?;
        let (compressed, text) = match payload.strip_prefix('.') {
            Some(rest) => (true, rest),
            None => (false, payload),
        };
        let mut data = python_b64decode(text.as_bytes(), true).ok_or(LoadReason::Malformed)?;
        if compressed {
            data = inflate_prefix(&data, input.config.max_decoded_size, true)?.0;
        }
        // JSONSerializer.loads: `json.loads(data.decode("latin-1"))`.
        let json: String = data.iter().map(|&byte| char::from(byte)).collect();
        Ok(Opened {
            entries: session_from_json(&json, input)?,
            meta,
            identity: None,
        })
    }
}

/// `b62_decode`: Unix seconds, `None` for a negative timestamp.
fn base62(text: &str) -> Result<Option<u64>, LoadReason> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() {
        return Err(LoadReason::Malformed);
    }
    let mut value: u64 = 0;
    for byte in digits.bytes() {
        let digit = BASE62
            .iter()
            .position(|&d| d == byte)
            .ok_or(LoadReason::Malformed)?;
        value = value
            .checked_mul(62)
            .and_then(|v| v.checked_add(digit as u64))
            .ok_or(LoadReason::Malformed)?;
    }
    Ok((!negative || value == 0).then_some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_reads_djangos_timestamps() {
        // b62_encode(1700000000) in Django.
        assert_eq!(base62("1r31eq"), Ok(Some(1_700_000_000)));
        assert_eq!(base62("0"), Ok(Some(0)));
        assert_eq!(base62("-1"), Ok(None));
        for bad in ["", "-", "1.5", "zzzzzzzzzzzzzzzzzzzz"] {
            assert_eq!(base62(bad), Err(LoadReason::Malformed), "{bad:?}");
        }
    }
}
