//! The native signed format (v1): HMAC-SHA256 over the whole session and its context.
//!
//! ```text
//! token = base64url( header[33] || body || tag[32] )
//! tag   = HMAC-SHA256( signing subkey,
//!                      "chunked-cookie-session v1" || u16be(len(name)) || name || header || body )
//! body  = JSON object, raw-deflated when the compressed flag is set
//! ```
//!
//! The header carries the chunk count, so the tag binds the count, the cookie name, the
//! timestamps and the generation id: no chunk can be dropped, added, swapped or replayed
//! from another write without the tag failing.

use std::sync::LazyLock;

use base64::Engine as _;
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use base64::engine::Simd;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::general_purpose::NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::compress::{budget_is_tight, deflate_any_saving, deflate_if_smaller};
use super::header::{FLAG_COMPRESSED, HEADER_LEN, base64_len};
use super::{Opened, Prepared, SealInput, envelope_key, open_verified};
use crate::config::{Compression, SessionConfig};
use crate::error::SaveError;
use crate::keys::{Key, KeyId, KeyRing};
use crate::reason::LoadReason;

const TAG_LEN: usize = 32;

/// base64url without padding, on the `base64` crate's SIMD engine (AVX2 or NEON when the CPU
/// has it, detected once; its scalar engine otherwise). It decodes exactly what the scalar
/// `URL_SAFE_NO_PAD` does, strict about padding and trailing bits, four to six times faster.
/// The crate offers it on x86_64 and aarch64 only; elsewhere the scalar engine serves.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) static BASE64: LazyLock<Simd> = LazyLock::new(|| Simd::url_safe(NO_PAD));
/// base64url without padding (the scalar engine: no SIMD engine on this architecture).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) static BASE64: LazyLock<GeneralPurpose> =
    LazyLock::new(|| GeneralPurpose::new(&base64::alphabet::URL_SAFE, NO_PAD));
const DOMAIN: &[u8] = b"chunked-cookie-session v1";

/// Seals and opens signed sessions with a key ring.
#[derive(Debug)]
pub(crate) struct SignedCodec {
    keys: KeyRing,
}

impl SignedCodec {
    pub(crate) fn new(keys: KeyRing) -> SignedCodec {
        SignedCodec { keys }
    }

    pub(crate) fn current_key_id(&self) -> KeyId {
        self.keys.current().id()
    }

    pub(crate) fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
    ) -> Result<Prepared, SaveError> {
        let json = serde_json::to_vec(input.map).map_err(SaveError::Serialize)?;
        let mut flags = 0;
        let body = match config.compression {
            Compression::Auto | Compression::On => match compress(&json, TAG_LEN, config) {
                Some(packed) => {
                    flags |= FLAG_COMPRESSED;
                    packed
                }
                None => json,
            },
            Compression::Off => json,
        };
        Prepared::new(flags, self.keys.current().id(), input, body, TAG_LEN)
    }

    pub(crate) fn seal(&self, prepared: Prepared, chunk_count: usize, name: &str) -> String {
        let header = prepared.header_bytes(chunk_count);
        let mut mac = mac(self.keys.current(), name, &header);
        mac.update(&prepared.body);
        let mut body = prepared.body;
        body.extend_from_slice(&mac.finalize().into_bytes());
        // The header is 33 bytes, a multiple of 3, so its base64 text followed by the body's
        // is the base64 text of the two joined: no joined copy is made.
        let mut token = String::with_capacity(prepared.token_len);
        BASE64.encode_string(header, &mut token);
        BASE64.encode_string(&body, &mut token);
        debug_assert_eq!(token.len(), prepared.token_len);
        token
    }

    pub(crate) fn open(
        &self,
        token: &str,
        name: &str,
        now: u64,
        config: &SessionConfig,
    ) -> Result<Opened, LoadReason> {
        let raw = BASE64.decode(token).map_err(|_| LoadReason::Malformed)?;
        let (header, key) = envelope_key(&raw, HEADER_LEN + TAG_LEN, false, &self.keys)?;
        let (signed, tag) = raw.split_at(raw.len() - TAG_LEN);
        // `verify_slice` compares in constant time.
        mac(key, name, signed)
            .verify_slice(tag)
            .map_err(|_| LoadReason::BadSignature)?;
        open_verified(&header, &signed[HEADER_LEN..], now, config)
    }
}

/// Deflates `json` when that pays for itself, or, when the uncompressed token (framed with
/// a trailer of `trailer` bytes) might not fit the budget, whenever it saves anything.
pub(crate) fn compress(json: &[u8], trailer: usize, config: &SessionConfig) -> Option<Vec<u8>> {
    if budget_is_tight(base64_len(HEADER_LEN + json.len() + trailer), config) {
        deflate_any_saving(json)
    } else {
        deflate_if_smaller(json)
    }
}

fn mac(key: &Key, name: &str, signed: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.signing())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(DOMAIN);
    // Names are at most 200 bytes (checked by the configuration), so two bytes suffice.
    mac.update(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes());
    mac.update(name.as_bytes());
    mac.update(signed);
    mac
}
