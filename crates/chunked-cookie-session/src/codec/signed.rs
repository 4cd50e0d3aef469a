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

use super::envelope;
use super::header::{self, FLAG_COMPRESSED, HEADER_LEN};
use super::native::{Body, Native, Sealer};
use super::shared::SealInput;
use crate::chunk::Limits;
use crate::config::{Compression, SessionConfig};
use crate::error::SaveError;
use crate::keys::Key;
use crate::reason::LoadReason;

const TAG_LEN: usize = 32;
const DOMAIN: &[u8] = b"chunked-cookie-session v1";

/// The native signed format's codec.
pub(crate) type SignedCodec = Native<Signed>;

/// The signed format's sealer: an HMAC-SHA256 tag after the body.
#[derive(Debug)]
pub(crate) enum Signed {}

impl Sealer for Signed {
    const ENCRYPTED: bool = false;
    const OVERHEAD: usize = TAG_LEN;
    const TAG_LEN: usize = TAG_LEN;
    const WIPES: bool = false;

    /// Serializes the session, deflating it when that pays (unless compression is off).
    fn body(
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Body, SaveError> {
        // Room for the tag, which sealing appends in place.
        let mut json = Vec::with_capacity(512 + TAG_LEN);
        envelope::serialize_into(&mut json, input, config, Self::WIPES)?;
        let mut flags = 0;
        let bytes = match config.compression {
            Compression::Auto | Compression::On => {
                match envelope::compress(&json, TAG_LEN, limits, Self::WIPES) {
                    Some(packed) => {
                        flags |= FLAG_COMPRESSED;
                        packed
                    }
                    None => json,
                }
            }
            Compression::Off => json,
        };
        let generation = header::new_generation()?;
        Ok(Body {
            flags,
            bytes,
            generation,
        })
    }

    fn seal(key: &Key, name: &str, header: &[u8; HEADER_LEN], body: &mut Vec<u8>) {
        let tag = mac(key, name, header, body).finalize().into_bytes();
        body.extend_from_slice(&tag);
    }

    fn open<R>(
        key: &Key,
        name: &str,
        raw: Vec<u8>,
        then: impl FnOnce(&[u8]) -> Result<R, LoadReason>,
    ) -> Result<R, LoadReason> {
        let (signed, tag) = raw.split_at(raw.len() - TAG_LEN);
        // `verify_slice` compares in constant time.
        mac(key, name, &signed[..HEADER_LEN], &signed[HEADER_LEN..])
            .verify_slice(tag)
            .map_err(|_| LoadReason::BadSignature)?;
        then(&signed[HEADER_LEN..])
    }
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
