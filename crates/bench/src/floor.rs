//! The floor: what any signed JSON cookie costs with nothing this library adds. serde_json
//! to or from a `serde_json::Value`, one HMAC-SHA256 and base64url (the `base64` crate),
//! over the same data as every other contender; no chunking, no cookie formatting.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::zlib::{deflate_raw, inflate_raw};

const KEY: [u8; 32] = [7; 32];
const TAG_LEN: usize = 32;

fn mac() -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(&KEY).expect("HMAC takes any key length")
}

/// Serializes, optionally deflates (zlib-rs, level 6, a reused stream), signs, encodes.
pub fn encode(value: &Value, deflate: bool) -> String {
    let json = serde_json::to_vec(black_box(value)).expect("serializable");
    let mut raw = if deflate { deflate_raw(&json, 6) } else { json };
    let mut m = mac();
    m.update(&raw);
    raw.extend_from_slice(&m.finalize().into_bytes());
    URL_SAFE_NO_PAD.encode(raw)
}

/// Decodes, verifies, optionally inflates, parses.
pub fn decode(token: &str, inflate: bool) -> Value {
    let raw = URL_SAFE_NO_PAD
        .decode(black_box(token.as_bytes()))
        .expect("base64");
    let (body, tag) = raw.split_at(raw.len() - TAG_LEN);
    let mut m = mac();
    m.update(body);
    m.verify_slice(tag).expect("a valid tag");
    if inflate {
        serde_json::from_slice(&inflate_raw(body)).expect("JSON")
    } else {
        serde_json::from_slice(body).expect("JSON")
    }
}

/// The session as the `Value` the floor serializes.
pub fn value(map: &Map<String, Value>) -> Value {
    Value::Object(map.clone())
}
