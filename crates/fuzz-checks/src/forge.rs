//! Seals fuzzer-chosen bytes behind a valid MAC, from the published formats
//! (docs/FORMAT.md for the native one, itsdangerous for Flask's), so the fuzzer reaches the
//! code after verification: decompression, JSON, tagged JSON. Random bytes never get past
//! the MAC.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// The secret of every native key the checks use (index 0 is the current key).
pub const SECRETS: [[u8; 32]; 2] = [[1; 32], [2; 32]];
/// The Flask `SECRET_KEY` of the checks.
pub const FLASK_SECRET: &[u8] = b"fuzz-secret";

const SALT: &[u8] = b"chunked-cookie-session";
const INFO_SIGNING: &[u8] = b"chunked-cookie-session v1 signing hmac-sha256";
const INFO_KEY_ID: &[u8] = b"chunked-cookie-session v1 key id";
const MAC_DOMAIN: &[u8] = b"chunked-cookie-session v1";

/// The native v1 header fields a forged token claims.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// Bit 0: compressed (raw deflate).
    pub flags: u8,
    /// How many chunks the token says it spans.
    pub chunk_count: u8,
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
}

/// A native signed token over `body` (already deflated if `flags` says so), split into
/// `header.chunk_count` cookies named `name`, `name_1`, … as the format lays them out.
///
/// # Panics
///
/// Never for names shorter than 64 KiB.
pub fn native(secret: &[u8], name: &str, header: Header, body: &[u8]) -> Vec<(String, String)> {
    let (_, hkdf) = Hkdf::<Sha256>::extract(Some(SALT), secret);
    let mut signing = [0u8; 32];
    let mut key_id = [0u8; 4];
    hkdf.expand(INFO_SIGNING, &mut signing).expect("32 bytes");
    hkdf.expand(INFO_KEY_ID, &mut key_id).expect("4 bytes");
    let mut raw = vec![1, header.flags, header.chunk_count];
    raw.extend_from_slice(&[0x5a; 9]);
    raw.extend_from_slice(&key_id);
    raw.extend_from_slice(&header.issued_at.to_be_bytes());
    raw.extend_from_slice(&header.expires_at.to_be_bytes());
    raw.push(0); // reserved byte: 33-byte header
    raw.extend_from_slice(body);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&signing).expect("any key length");
    mac.update(MAC_DOMAIN);
    mac.update(&u16::try_from(name.len()).expect("short name").to_be_bytes());
    mac.update(name.as_bytes());
    mac.update(&raw);
    raw.extend_from_slice(&mac.finalize().into_bytes());
    let token = URL_SAFE_NO_PAD.encode(raw);
    split_native(&token, name, usize::from(header.chunk_count.max(1)))
}

fn split_native(token: &str, name: &str, count: usize) -> Vec<(String, String)> {
    let prefix = &token[4..16];
    let first = token.len().div_ceil(count).max(44).min(token.len());
    let mut out = vec![(name.to_owned(), token[..first].to_owned())];
    let (rest, later) = (token.len() - first, count - 1);
    let mut at = first;
    for index in 1..count {
        let len = rest / later + usize::from(index <= rest % later);
        out.push((
            format!("{name}_{index}"),
            format!("{prefix}{}", &token[at..at + len]),
        ));
        at += len;
    }
    out
}

/// Raw deflate, for a native body flagged as compressed.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

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
