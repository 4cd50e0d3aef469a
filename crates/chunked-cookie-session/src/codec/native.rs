//! The native formats' codec: one [`Codec`] over the envelope, generic in the [`Sealer`]
//! that makes the difference between the signed format (`signed.rs`, an HMAC tag) and the
//! private one (`private.rs`, an AEAD). Both share the cookie layout, the 33-byte header,
//! the key ring and its rotation, the framing and the end of opening (`envelope.rs`).

use std::marker::PhantomData;

use super::envelope::{self, LAYOUT, envelope_key, open_verified};
use super::header::{self, FLAG_PERSISTENT, GENERATION_LEN, HEADER_LEN, Header, VERSION};
use super::identity::Ident;
use super::policy::{Policy, Rewrite};
use super::shared::{OpenInput, Opened, SealInput};
use super::wire::{Codec, Sealable};
use crate::chunk::Limits;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::{Key, KeyRing};
use crate::reason::LoadReason;

/// What a native format serializes, before it is framed and sealed.
#[derive(Debug)]
pub(crate) struct Body {
    /// The header flags the body calls for (compressed, encrypted).
    pub(crate) flags: u8,
    /// The bytes sealing covers, with room for the tag where the sealer appends in place.
    pub(crate) bytes: Vec<u8>,
    /// The write's new generation id.
    pub(crate) generation: [u8; GENERATION_LEN],
}

/// How one native format turns a body into a sealed one and back.
pub(crate) trait Sealer: std::fmt::Debug + Send + Sync + 'static {
    /// Whether its tokens carry the encrypted flag: a signed token is never opened as a
    /// private one, nor the reverse.
    const ENCRYPTED: bool;
    /// Bytes a token holds besides its header and its message (the tag, and the nonce
    /// where there is one): a shorter token is malformed.
    const OVERHEAD: usize;
    /// Bytes sealing appends after the body.
    const TAG_LEN: usize;
    /// Whether the plaintext is secret: every buffer that held it is zeroed before it is
    /// freed (the private format's). A signed session's the client holds in the clear.
    const WIPES: bool;

    /// Serializes the session into the body this format seals, its compression decided
    /// for cookies cut within `limits`.
    ///
    /// # Errors
    ///
    /// A [`SaveError`] for a session no reader would accept back, or no randomness.
    fn body(
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Body, SaveError>;

    /// Seals `body` in place under `header` and the cookie name, appending the tag.
    fn seal(key: &Key, name: &str, header: &[u8; HEADER_LEN], body: &mut Vec<u8>);

    /// Verifies a whole decoded token (header first) under `key` and the cookie name, and
    /// hands `then` the plaintext body, whatever is left of it once `then` returns being
    /// the sealer's to wipe.
    ///
    /// # Errors
    ///
    /// [`LoadReason::BadSignature`] when the tag does not verify; what `then` returns.
    fn open<R>(
        key: &Key,
        name: &str,
        raw: Vec<u8>,
        then: impl FnOnce(&[u8]) -> Result<R, LoadReason>,
    ) -> Result<R, LoadReason>;
}

/// A native format: a key ring and a sealer.
#[derive(Debug)]
pub(crate) struct Native<S> {
    keys: KeyRing,
    sealer: PhantomData<S>,
}

impl<S: Sealer> Native<S> {
    pub(crate) fn new(keys: KeyRing) -> Native<S> {
        Native {
            keys,
            sealer: PhantomData,
        }
    }
}

impl<S: Sealer> Codec for Native<S> {
    type Prepared<'a> = Prepared<'a, S>;

    /// The native layout; the lifetime is the configuration's, signed once; refused cookies
    /// are this engine's own, so they are cleaned; persistence is a header flag; what an
    /// older key sealed is sealed again with the current one.
    fn policy(&self) -> Policy {
        Policy {
            layout: &LAYOUT,
            encrypted: S::ENCRYPTED,
            lifetime: None,
            restarts_lifetime: false,
            clears_rejected: true,
            persistence_entry: None,
            rewrite: Rewrite {
                unless_sealed_by: Some(self.keys.current().id()),
                persistent_each_request: false,
            },
            carries_identity: true,
        }
    }

    /// Every native session is written as version 2, with its identity. The engine always
    /// gives one; a session handed over without one gets a fresh one.
    fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        limits: &Limits<'_>,
    ) -> Result<Prepared<'_, S>, SaveError> {
        let fresh;
        let input = match input.identity {
            Some(_) => input,
            None => {
                fresh = Ident::generate().map_err(|_| SaveError::Random)?;
                &SealInput {
                    identity: Some(&fresh),
                    ..*input
                }
            }
        };
        let body = S::body(input, config, limits)?;
        Ok(Prepared::new(body, self.keys.current(), input))
    }

    /// Opens a token. The header is read before the tag verifies only to pick the key; the
    /// tag covers the header, so that choice is checked too.
    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        let raw = envelope::decode(token)?;
        let (header, key) = envelope_key(&raw, HEADER_LEN + S::OVERHEAD, S::ENCRYPTED, &self.keys)?;
        S::open(key, input.name, raw, |body| {
            open_verified(&header, body, input)
        })
    }
}

/// A session framed and ready to seal once the chunk count is known. The token length does
/// not depend on the count, so the chunk layer plans before the format seals.
#[derive(Debug)]
pub(crate) struct Prepared<'k, S: Sealer> {
    header: Header,
    body: Vec<u8>,
    token_len: usize,
    /// The key that seals: the ring's current one.
    key: &'k Key,
    sealer: PhantomData<S>,
}

impl<'k, S: Sealer> Prepared<'k, S> {
    /// Frames `body` under a fresh header: version 2, its flags and generation id, the
    /// sealing key's id and the input's timestamps and persistence.
    fn new(body: Body, key: &'k Key, input: &SealInput<'_>) -> Prepared<'k, S> {
        let mut flags = body.flags;
        if input.persistent {
            flags |= FLAG_PERSISTENT;
        }
        let header = Header {
            version: VERSION,
            flags,
            chunk_count: 0,
            generation: body.generation,
            key_id: key.id(),
            issued_at: input.issued_at,
            expires_at: input.expires_at,
        };
        let token_len = header::base64_len(HEADER_LEN + body.bytes.len() + S::TAG_LEN);
        Prepared {
            header,
            body: body.bytes,
            token_len,
            key,
            sealer: PhantomData,
        }
    }
}

/// A prepared session that is never sealed (its cookies did not fit, or the write was only
/// measured) still holds the plaintext: wiped when it is secret.
impl<S: Sealer> Drop for Prepared<'_, S> {
    fn drop(&mut self) {
        if S::WIPES {
            zeroize::Zeroize::zeroize(&mut self.body);
        }
    }
}

impl<S: Sealer> Sealable for Prepared<'_, S> {
    fn token_len(&self) -> usize {
        self.token_len
    }

    /// Fills in the chunk count (at most 64, so it fits its byte), seals, and encodes.
    fn seal(mut self, chunk_count: usize, name: &str) -> String {
        let mut header = self.header;
        header.chunk_count = u8::try_from(chunk_count).unwrap_or(u8::MAX);
        let header = header.to_bytes();
        let mut body = std::mem::take(&mut self.body);
        S::seal(self.key, name, &header, &mut body);
        let token = envelope::assemble(&header, &body);
        debug_assert_eq!(token.len(), self.token_len);
        token
    }
}
