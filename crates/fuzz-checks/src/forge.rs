//! Seals fuzzer-chosen bytes behind a valid MAC or AEAD tag, from the published formats
//! (docs/FORMAT.md for the native ones, through [`test_support::forge`]; itsdangerous for
//! Flask's), so the fuzzer reaches the code after verification: decompression, JSON,
//! tagged JSON. Random bytes never get past the tag.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The secret of every native key the checks use (index 0 is the current key).
pub const SECRETS: [[u8; 32]; 2] = [[1; 32], [2; 32]];
/// The Flask `SECRET_KEY` of the checks.
pub const FLASK_SECRET: &[u8] = b"fuzz-secret";

pub use test_support::forge::{FLAG_COMPRESSED, FLAG_PERSISTENT, Forger, chunks, raw_deflate};

/// zlib, for a Flask payload.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

/// A Flask session cookie value over `json` (zlib'd behind a `.` when `compress`), signed
/// as itsdangerous signs it with salt `cookie-session` at `timestamp`.
pub fn flask(json: &[u8], compress: bool, timestamp: u64) -> String {
    let mut token = if compress {
        format!(".{}", URL_SAFE_NO_PAD.encode(zlib(json)))
    } else {
        URL_SAFE_NO_PAD.encode(json)
    };
    let bytes = timestamp.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(&bytes[first..]));
    let mut derive = <Hmac<Sha1> as KeyInit>::new_from_slice(FLASK_SECRET).expect("any key");
    derive.update(b"cookie-session");
    let key = derive.finalize().into_bytes();
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).expect("any key");
    mac.update(token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    token
}
