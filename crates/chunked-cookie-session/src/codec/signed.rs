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

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::envelope::{self, Prepared, envelope_key, open_verified};
use super::header::{self, FLAG_COMPRESSED, HEADER_LEN};
use super::shared::{Form, Opened, SealInput};
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

    /// Serializes the session, deflating it when that pays (unless compression is off).
    pub(crate) fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
    ) -> Result<Prepared<'_>, SaveError> {
        // Room for the tag, which sealing appends in place.
        let mut json = Vec::with_capacity(512 + TAG_LEN);
        envelope::serialize_into(&mut json, input, config)?;
        let mut flags = 0;
        let body = match config.compression {
            Compression::Auto | Compression::On => match envelope::compress(&json, TAG_LEN, config)
            {
                Some(packed) => {
                    flags |= FLAG_COMPRESSED;
                    packed
                }
                None => json,
            },
            Compression::Off => json,
        };
        let generation = header::new_generation()?;
        Ok(Prepared::new(
            flags,
            self.keys.current(),
            input,
            body,
            TAG_LEN,
            generation,
        ))
    }

    /// Opens a token. The header is read before the tag verifies only to pick the key; the
    /// tag covers the header, so that choice is checked too.
    pub(crate) fn open(
        &self,
        token: &str,
        name: &str,
        now: u64,
        config: &SessionConfig,
        form: Form,
    ) -> Result<Opened, LoadReason> {
        let raw = envelope::decode(token)?;
        let (header, key) = envelope_key(&raw, HEADER_LEN + TAG_LEN, false, &self.keys)?;
        let (signed, tag) = raw.split_at(raw.len() - TAG_LEN);
        // `verify_slice` compares in constant time.
        mac(key, name, &signed[..HEADER_LEN], &signed[HEADER_LEN..])
            .verify_slice(tag)
            .map_err(|_| LoadReason::BadSignature)?;
        open_verified(&header, &signed[HEADER_LEN..], now, config, form)
    }
}

/// Seals a prepared session now that its chunk count is known.
pub(crate) fn seal(prepared: Prepared<'_>, chunk_count: usize, name: &str) -> String {
    let header = prepared.header_bytes(chunk_count);
    let tag = mac(prepared.key, name, &header, &prepared.body)
        .finalize()
        .into_bytes();
    let token_len = prepared.token_len;
    let token = envelope::assemble(&header, prepared.body, &tag);
    debug_assert_eq!(token.len(), token_len);
    token
}

fn mac(key: &Key, name: &str, header: &[u8], body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.signing())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(DOMAIN);
    // Names are at most 200 bytes (checked by the configuration), so two bytes suffice.
    mac.update(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes());
    mac.update(name.as_bytes());
    mac.update(header);
    mac.update(body);
    mac
}
