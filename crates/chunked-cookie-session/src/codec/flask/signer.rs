//! itsdangerous's `TimestampSigner` as Flask configures it: HMAC-SHA1, the "hmac" key
//! derivation (`HMAC-SHA1(secret, salt)`), a big-endian Unix-seconds timestamp, and every
//! key of `SECRET_KEY_FALLBACKS + [SECRET_KEY]` accepted, the last one signing.
//!
//! ```text
//! token = PAYLOAD "." b64(ts, leading zero bytes stripped) "." b64(HMAC-SHA1(key, PAYLOAD "." TS))
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::pyvalue::python_b64decode;
use crate::reason::LoadReason;

type HmacSha1 = Hmac<Sha1>;

/// A verified token, split.
#[derive(Debug)]
pub(crate) struct Unsigned<'a> {
    pub payload: &'a str,
    pub timestamp: u64,
    /// Position of the verifying key, 0 for the signing key, then the fallbacks newest first.
    pub key_index: usize,
}

/// Signs with the newest key and verifies with all of them.
pub(crate) struct Signer {
    /// Derived keys, newest (the signing key) first.
    keys: Vec<Zeroizing<[u8; 20]>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

fn mac(key: &[u8]) -> HmacSha1 {
    <HmacSha1 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

impl Signer {
    /// `secrets` oldest first, as Flask lists `SECRET_KEY_FALLBACKS + [SECRET_KEY]`.
    pub(crate) fn new<'a>(
        secrets: impl DoubleEndedIterator<Item = &'a [u8]>,
        salt: &[u8],
    ) -> Signer {
        let keys = secrets
            .rev()
            .map(|secret| {
                let mut derive = mac(secret);
                derive.update(salt);
                Zeroizing::new(derive.finalize().into_bytes().into())
            })
            .collect();
        Signer { keys }
    }

    /// `PAYLOAD.TS.SIG`, signed with the newest key.
    pub(crate) fn sign(&self, payload: &str, timestamp: u64) -> String {
        let bytes = timestamp.to_be_bytes();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let mut token = String::with_capacity(payload.len() + 40);
        token.push_str(payload);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&bytes[first..], &mut token);
        let mut signature = mac(&self.keys[0][..]);
        signature.update(token.as_bytes());
        let signature = signature.finalize().into_bytes();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        token
    }

    /// `TimestampSigner.unsign(token)`, in its order: the signature, then the timestamp.
    /// The timestamp's age is judged by the caller, against the clock and its allowances.
    pub(crate) fn unsign<'a>(&self, token: &'a str) -> Result<Unsigned<'a>, LoadReason> {
        let (value, signature) = token.rsplit_once('.').ok_or(LoadReason::BadSignature)?;
        let key_index = python_b64decode(signature.as_bytes(), true).and_then(|signature| {
            self.keys.iter().position(|key| {
                let mut check = mac(&key[..]);
                check.update(value.as_bytes());
                // Constant time, and a signature of the wrong length simply fails.
                check.verify_slice(&signature).is_ok()
            })
        });
        let (payload, timestamp) = value.rsplit_once('.').ok_or(LoadReason::BadSignature)?;
        let key_index = key_index.ok_or(LoadReason::BadSignature)?;
        let timestamp = timestamp_of(timestamp).ok_or(LoadReason::Malformed)?;
        Ok(Unsigned {
            payload,
            timestamp,
            key_index,
        })
    }
}

/// The timestamp of a token: big-endian bytes of Unix seconds, in base64url.
pub(crate) fn timestamp_of(text: &str) -> Option<u64> {
    let raw = python_b64decode(text.as_bytes(), true)?;
    if raw.len() > 8 {
        return None;
    }
    Some(raw.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_vector() {
        let signer = Signer::new([b"test-secret".as_slice()].into_iter(), b"cookie-session");
        let token = signer.sign("eyJ1c2VyIjoiYWxpY2UifQ", 1_700_000_000);
        assert_eq!(
            token,
            "eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0"
        );
        let ok = signer.unsign(&token).expect("accepted");
        assert_eq!(ok.payload, "eyJ1c2VyIjoiYWxpY2UifQ");
        assert_eq!(ok.timestamp, 1_700_000_000);
        // Python ignores the two bits the last character carries beyond the 20 bytes.
        let loose = token.replace("au0", "au1");
        assert!(signer.unsign(&loose).is_ok());
        let bad = token.replace("au0", "au4");
        assert_eq!(
            signer.unsign(&bad).expect_err("rejected"),
            LoadReason::BadSignature
        );
        for junk in ["", ".", "a.b", "a.b.c", "..", "x.ZVPxAA."] {
            assert_eq!(
                signer.unsign(junk).expect_err("rejected"),
                LoadReason::BadSignature
            );
        }
    }
}
