//! Flask's payload: the session's JSON as itsdangerous frames it before signing.
//!
//! ```text
//! Z       = zlib.compress(JSON), level 6
//! PAYLOAD = "." b64url(Z)    if len(Z) < len(JSON) - 1
//!         = b64url(JSON)     otherwise
//! ```
//!
//! Flask's zlib is C zlib (flate2's `zlib` backend), the one that compresses byte for byte
//! like Python's `zlib`; inflating goes through the native formats' capped inflate.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::{Compress, Compression, FlushCompress, Status};

use crate::codec::compress::inflate_prefix;
use crate::pyvalue::python_b64decode;
use crate::reason::LoadReason;

/// The payload for a session's JSON: compressed when that saves two bytes.
pub(crate) fn encode(json: &[u8]) -> String {
    match zlib_if_smaller(json) {
        Some(packed) => {
            let mut payload = String::with_capacity(packed.len() * 4 / 3 + 2);
            payload.push('.');
            URL_SAFE_NO_PAD.encode_string(&packed, &mut payload);
            payload
        }
        None => URL_SAFE_NO_PAD.encode(json),
    }
}

/// The JSON a verified payload carries, refusing to inflate past `cap` bytes.
pub(crate) fn decode(payload: &str, cap: usize) -> Result<Vec<u8>, LoadReason> {
    let (compressed, text) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let raw = python_b64decode(text.as_bytes(), true).ok_or(LoadReason::Malformed)?;
    if compressed {
        inflate_zlib(&raw, cap)
    } else {
        Ok(raw)
    }
}

/// `zlib.compress(json)` at level 6, kept only when it saves at least two bytes, as
/// itsdangerous decides. The output buffer is capped at that size, so data that will not
/// shrink stops compressing as soon as it overflows.
fn zlib_if_smaller(json: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        // zlib allocates and clears about 270 KB of state per stream at level 6; a reset
        // stream yields the same bytes for a fraction of that cost.
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(6), true));
    }
    let limit = json.len().checked_sub(2)?;
    DEFLATE.with(|deflate| match deflate.try_borrow_mut() {
        Ok(mut deflate) => {
            deflate.reset();
            deflate_into(&mut deflate, json, limit)
        }
        Err(_) => deflate_into(&mut Compress::new(Compression::new(6), true), json, limit),
    })
}

/// Runs a fresh or reset zlib stream over `input` into at most `limit` bytes; `None` as
/// soon as the output overflows, so data that will not shrink stops early.
fn deflate_into(deflate: &mut Compress, input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(limit);
    loop {
        let consumed = usize::try_from(deflate.total_in()).ok()?;
        let status = deflate
            .compress_vec(&input[consumed..], &mut out, FlushCompress::Finish)
            .ok()?;
        match status {
            Status::StreamEnd => return Some(out),
            // The buffer is full and the stream is not done: it does not fit.
            _ if out.len() == out.capacity() => return None,
            Status::Ok | Status::BufError => continue,
        }
    }
}

/// `zlib.decompress`, refusing to produce more than `cap` bytes. Like Python, bytes after
/// the end of the stream are ignored.
fn inflate_zlib(input: &[u8], cap: usize) -> Result<Vec<u8>, LoadReason> {
    let (json, _) = inflate_prefix(input, cap, true)?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_follows_the_two_byte_rule() {
        let uuid = br#"{"id":{" u":"12345678123456781234567812345678"}}"#;
        let packed = zlib_if_smaller(uuid).expect("accepted");
        assert_eq!(
            URL_SAFE_NO_PAD.encode(&packed),
            "eJyrVspMUbKqVlIoVbJSMjQyNjE1M7fARSvV1gIAFWsLIw"
        );
        assert_eq!(inflate_zlib(&packed, 1 << 20).expect("accepted"), uuid);
        assert_eq!(
            decode(&encode(uuid), 1 << 20).expect("accepted"),
            uuid.as_slice()
        );
        assert!(zlib_if_smaller(br#"{"user":"alice"}"#).is_none());
        assert!(zlib_if_smaller(b"").is_none());
        let bomb = zlib_if_smaller(&vec![b'a'; 1 << 22]).expect("accepted");
        assert_eq!(inflate_zlib(&bomb, 1 << 20), Err(LoadReason::TooLarge));
        assert_eq!(
            inflate_zlib(&packed[..packed.len() - 3], 1 << 20),
            Err(LoadReason::Malformed)
        );
    }
}
