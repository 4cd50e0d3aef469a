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

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::compress::{InflateError, deflate_if_smaller, inflate_capped};
use super::header::{FLAG_COMPRESSED, FLAG_ENCRYPTED, FLAG_PERSISTENT, HEADER_LEN, Header};
use super::{Meta, Opened, Prepared, SealInput, check_expiry, parse_map};
use crate::config::{Compression, SessionConfig};
use crate::error::SaveError;
use crate::keys::{Key, KeyId, KeyRing};
use crate::reason::LoadReason;

const TAG_LEN: usize = 32;
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
        let mut flags = if input.persistent { FLAG_PERSISTENT } else { 0 };
        let body = match config.compression {
            Compression::Auto | Compression::On => match deflate_if_smaller(&json) {
                Some(packed) => {
                    flags |= FLAG_COMPRESSED;
                    packed
                }
                None => json,
            },
            Compression::Off => json,
        };
        let header = Header {
            flags,
            chunk_count: 0,
            generation: new_generation()?,
            key_id: self.keys.current().id(),
            issued_at: input.issued_at,
            expires_at: input.expires_at,
        };
        let token_len = base64_len(HEADER_LEN + body.len() + TAG_LEN);
        Ok(Prepared {
            header,
            body,
            token_len,
        })
    }

    pub(crate) fn seal(&self, prepared: Prepared, chunk_count: usize, name: &str) -> String {
        let mut header = prepared.header;
        header.chunk_count = u8::try_from(chunk_count).unwrap_or(u8::MAX);
        let mut raw = Vec::with_capacity(HEADER_LEN + prepared.body.len() + TAG_LEN);
        raw.extend_from_slice(&header.to_bytes());
        raw.extend_from_slice(&prepared.body);
        let tag = mac(self.keys.current(), name, &raw).finalize().into_bytes();
        raw.extend_from_slice(&tag);
        let token = URL_SAFE_NO_PAD.encode(&raw);
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
        let raw = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| LoadReason::Malformed)?;
        if raw.len() < HEADER_LEN + TAG_LEN {
            return Err(LoadReason::Malformed);
        }
        let header = Header::parse(&raw).ok_or(LoadReason::Malformed)?;
        if header.has(FLAG_ENCRYPTED) {
            return Err(LoadReason::Malformed);
        }
        let key = self
            .keys
            .find(header.key_id)
            .ok_or(LoadReason::UnknownKey)?;
        let (signed, tag) = raw.split_at(raw.len() - TAG_LEN);
        // `verify_slice` compares in constant time.
        mac(key, name, signed)
            .verify_slice(tag)
            .map_err(|_| LoadReason::BadSignature)?;
        let meta = Meta {
            issued_at: header.issued_at,
            expires_at: header.expires_at,
            persistent: header.has(FLAG_PERSISTENT),
            key_id: header.key_id,
        };
        check_expiry(&meta, now, config)?;
        let body = &signed[HEADER_LEN..];
        let map = if header.has(FLAG_COMPRESSED) {
            let json = inflate_capped(body, config.max_decoded_size).map_err(|err| match err {
                InflateError::TooLarge => LoadReason::TooLarge,
                InflateError::Malformed => LoadReason::Malformed,
            })?;
            parse_map(&json)?
        } else {
            parse_map(body)?
        };
        Ok(Opened { map, meta })
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

/// A fresh random generation id.
pub(crate) fn new_generation() -> Result<[u8; 9], SaveError> {
    let mut generation = [0u8; 9];
    getrandom::fill(&mut generation).map_err(|_| SaveError::Random)?;
    Ok(generation)
}

/// Length of the unpadded base64 text of `bytes` bytes.
pub(crate) const fn base64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}
