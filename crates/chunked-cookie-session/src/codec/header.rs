//! The 33-byte header that opens every native session token, the same in versions 1 and 2
//! (version 2 carries the session's identity at the start of the sealed plaintext, see
//! `identity.rs`; the header itself only changes its first byte).
//!
//! ```text
//! offset  size  field
//!      0     1  version (2; 1 is still read)
//!      1     1  flags: bit 0 compressed, bit 1 encrypted, bit 2 persistent
//!      2     1  chunk count (1..=64)
//!      3     9  generation id, random at every write
//!     12     4  key id
//!     16     8  issued-at, Unix seconds, big-endian
//!     24     8  expires-at, Unix seconds, big-endian
//!     32     1  reserved, zero
//! ```
//!
//! 33 is a multiple of 3, so the header is exactly the first 44 base64 characters of the
//! token, and the generation id is exactly characters 4..16: the chunk layer reads both
//! (through [`peek_manifest`]) without decoding the rest.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::chunk::Manifest;
use crate::error::SaveError;
use crate::keys::KeyId;

/// The version this crate writes: 2, whose plaintext opens with the session's identity.
pub(crate) const VERSION: u8 = 2;
/// The first version, without an identity: still read, never written.
pub(crate) const VERSION_1: u8 = 1;
/// Header length in bytes.
pub(crate) const HEADER_LEN: usize = 33;
/// Header length in base64 characters.
pub(crate) const HEADER_B64_LEN: usize = 44;
/// Where the generation id sits in the base64 text of the header.
pub(crate) const GENERATION_B64: std::ops::Range<usize> = 4..16;
/// Length of the generation id in bytes.
pub(crate) const GENERATION_LEN: usize = 9;
/// Length of the generation id in base64 characters, the prefix of every later chunk.
pub(crate) const GENERATION_B64_LEN: usize = 12;

pub(crate) const FLAG_COMPRESSED: u8 = 1;
pub(crate) const FLAG_ENCRYPTED: u8 = 2;
pub(crate) const FLAG_PERSISTENT: u8 = 4;
const KNOWN_FLAGS: u8 = FLAG_COMPRESSED | FLAG_ENCRYPTED | FLAG_PERSISTENT;

const _: () = assert!(HEADER_LEN.is_multiple_of(3) && HEADER_LEN / 3 * 4 == HEADER_B64_LEN);
const _: () = assert!(GENERATION_B64.end - GENERATION_B64.start == GENERATION_B64_LEN);
const _: () = assert!(GENERATION_LEN * 4 / 3 == GENERATION_B64_LEN);

/// A decoded header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub version: u8,
    pub flags: u8,
    pub chunk_count: u8,
    pub generation: [u8; GENERATION_LEN],
    pub key_id: KeyId,
    pub issued_at: u64,
    pub expires_at: u64,
}

impl Header {
    pub(crate) fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = self.version;
        out[1] = self.flags;
        out[2] = self.chunk_count;
        out[3..12].copy_from_slice(&self.generation);
        out[12..16].copy_from_slice(&self.key_id.0);
        out[16..24].copy_from_slice(&self.issued_at.to_be_bytes());
        out[24..32].copy_from_slice(&self.expires_at.to_be_bytes());
        out
    }

    /// Parses the header bytes; `None` for an unknown version, unknown flags or a non-zero
    /// reserved byte.
    pub(crate) fn parse(bytes: &[u8]) -> Option<Header> {
        let bytes: &[u8; HEADER_LEN] = bytes.get(..HEADER_LEN)?.try_into().ok()?;
        if !is_known(bytes[0]) || bytes[1] & !KNOWN_FLAGS != 0 || bytes[32] != 0 {
            return None;
        }
        let mut generation = [0u8; 9];
        generation.copy_from_slice(&bytes[3..12]);
        let mut key_id = [0u8; 4];
        key_id.copy_from_slice(&bytes[12..16]);
        let u64_at = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            u64::from_be_bytes(word)
        };
        Some(Header {
            version: bytes[0],
            flags: bytes[1],
            chunk_count: bytes[2],
            generation,
            key_id: KeyId(key_id),
            issued_at: u64_at(16),
            expires_at: u64_at(24),
        })
    }

    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// True for the versions this crate reads: 1 and 2.
const fn is_known(version: u8) -> bool {
    version == VERSION || version == VERSION_1
}

/// A fresh random generation id.
pub(crate) fn new_generation() -> Result<[u8; GENERATION_LEN], SaveError> {
    let mut generation = [0u8; GENERATION_LEN];
    getrandom::fill(&mut generation).map_err(|_| SaveError::Random)?;
    Ok(generation)
}

/// Length of the unpadded base64 text of `bytes` bytes.
pub(crate) const fn base64_len(bytes: usize) -> usize {
    (bytes * 4).div_ceil(3)
}

/// Reads the manifest (chunk count and generation id) from the text of chunk 0, without
/// decoding the rest; `None` when it is too short, not base64 or of an unknown version.
/// This is the reader the native layout hands the chunk layer.
pub(crate) fn peek_manifest(chunk0: &str) -> Option<Manifest<'_>> {
    let prefix = chunk0.get(..4)?;
    if chunk0.len() < HEADER_B64_LEN {
        return None;
    }
    let mut first = [0u8; 3];
    URL_SAFE_NO_PAD.decode_slice(prefix, &mut first).ok()?;
    if !is_known(first[0]) {
        return None;
    }
    Some(Manifest {
        count: usize::from(first[2]),
        generation: chunk0.get(GENERATION_B64)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        Header {
            version: VERSION,
            flags: FLAG_COMPRESSED | FLAG_PERSISTENT,
            chunk_count: 3,
            generation: [1, 2, 3, 4, 5, 6, 7, 8, 9],
            key_id: KeyId([0xaa, 0xbb, 0xcc, 0xdd]),
            issued_at: 1_700_000_000,
            expires_at: 1_701_209_600,
        }
    }

    #[test]
    fn round_trips_and_exposes_manifest() {
        let header = sample();
        let bytes = header.to_bytes();
        assert_eq!(Header::parse(&bytes), Some(header));
        let text = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(text.len(), HEADER_B64_LEN);
        let manifest = peek_manifest(&text).unwrap();
        assert_eq!(manifest.count, 3);
        assert_eq!(
            manifest.generation,
            URL_SAFE_NO_PAD.encode(header.generation)
        );
    }

    #[test]
    fn reads_both_versions() {
        let v1 = Header {
            version: VERSION_1,
            ..sample()
        };
        assert_eq!(Header::parse(&v1.to_bytes()), Some(v1));
        assert!(peek_manifest(&URL_SAFE_NO_PAD.encode(v1.to_bytes())).is_some());
    }

    #[test]
    fn refuses_unknown_versions_flags_and_reserved() {
        for version in [0, 3, 0xff] {
            let mut bytes = sample().to_bytes();
            bytes[0] = version;
            assert!(Header::parse(&bytes).is_none());
            assert!(peek_manifest(&URL_SAFE_NO_PAD.encode(bytes)).is_none());
        }
        let mut bytes = sample().to_bytes();
        bytes[1] = 0x80;
        assert!(Header::parse(&bytes).is_none());
        let mut bytes = sample().to_bytes();
        bytes[32] = 1;
        assert!(Header::parse(&bytes).is_none());
        assert!(peek_manifest("AQ").is_none());
        assert!(peek_manifest("!!!!").is_none());
    }
}
