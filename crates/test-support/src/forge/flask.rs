//! Flask's session cookie as itsdangerous writes it (docs/FLASK.md): `PAYLOAD.TS.SIG`, the
//! payload the JSON in base64url (or `.` and its zlib stream in base64url), the timestamp
//! the big-endian seconds without leading zero bytes in base64url, the signature
//! HMAC-SHA1 over `PAYLOAD.TS` with the key HMAC-SHA1(secret, salt).
//!
//! ```
//! use test_support::forge::flask;
//!
//! let token = flask::token(b"secret", br#"{"user":"ada"}"#, false, 1_700_000_000);
//! assert!(token.starts_with("eyJ1c2VyIjoiYWRhIn0.ZVPxAA."));
//! assert_eq!(flask::timestamp(&token), 1_700_000_000);
//! ```

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The salt Flask's session interface signs with.
pub const SALT: &[u8] = b"cookie-session";

/// zlib (with its header and checksum), as Flask compresses a payload.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// A session cookie's value over `json` (zlib'd behind a `.` when `compress`, whatever that
/// saves), signed with `secret` at `timestamp`.
pub fn token(secret: &[u8], json: &[u8], compress: bool, timestamp: u64) -> String {
    let mut token = if compress {
        format!(".{}", URL_SAFE_NO_PAD.encode(zlib(json)))
    } else {
        URL_SAFE_NO_PAD.encode(json)
    };
    let bytes = timestamp.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(&bytes[first..]));
    let signature = hmac_sha1(&hmac_sha1(secret, SALT), token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    token
}

/// The seconds a token was signed at: the base64 of big-endian bytes between its last two
/// dots.
pub fn timestamp(token: &str) -> u64 {
    let mut parts = token.rsplit('.');
    let timestamp = parts.nth(1).expect("PAYLOAD.TS.SIG");
    URL_SAFE_NO_PAD
        .decode(timestamp)
        .expect("a base64 timestamp")
        .iter()
        .fold(0, |n, &byte| (n << 8) | u64::from(byte))
}
