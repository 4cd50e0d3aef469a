//! Wire formats: one module per format, each turning a session map into one token and back.
//!
//! A codec knows nothing of chunks: it seals a whole session into one ASCII token (binding
//! the chunk count it is told) and opens one token back into a map. The chunk layer splits
//! and joins tokens; the engine drives both.

pub(crate) mod compress;
pub(crate) mod header;
pub(crate) mod signed;

use serde_json::{Map, Value};

use crate::chunk::Naming;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::KeyId;
use crate::reason::LoadReason;

/// What a codec needs to seal a session.
#[derive(Debug)]
pub(crate) struct SealInput<'a> {
    pub map: &'a Map<String, Value>,
    pub persistent: bool,
    pub issued_at: u64,
    pub expires_at: u64,
}

/// A session serialized and ready to seal once the chunk count is known. The token length
/// does not depend on the count, so the chunk layer can plan before sealing.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) header: header::Header,
    pub(crate) body: Vec<u8>,
    pub(crate) token_len: usize,
}

/// What a verified token said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta {
    pub issued_at: u64,
    pub expires_at: u64,
    pub persistent: bool,
    pub key_id: KeyId,
}

/// A verified, decoded session.
#[derive(Debug)]
pub(crate) struct Opened {
    pub map: Map<String, Value>,
    pub meta: Meta,
}

/// The formats this build can read and write.
#[derive(Debug)]
pub(crate) enum Format {
    Signed(signed::SignedCodec),
}

impl Format {
    /// How this format names its chunks.
    pub(crate) fn naming(&self) -> Naming {
        match self {
            Format::Signed(_) => Naming::Native,
        }
    }

    /// True when the current key did not seal a session with this meta, so it is re-sealed.
    pub(crate) fn needs_rekey(&self, meta: &Meta) -> bool {
        match self {
            Format::Signed(codec) => codec.current_key_id() != meta.key_id,
        }
    }

    pub(crate) fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
    ) -> Result<Prepared, SaveError> {
        match self {
            Format::Signed(codec) => codec.prepare(input, config),
        }
    }

    pub(crate) fn seal(&self, prepared: Prepared, chunk_count: usize, name: &str) -> String {
        match self {
            Format::Signed(codec) => codec.seal(prepared, chunk_count, name),
        }
    }

    pub(crate) fn open(
        &self,
        token: &str,
        name: &str,
        now: u64,
        config: &SessionConfig,
    ) -> Result<Opened, LoadReason> {
        match self {
            Format::Signed(codec) => codec.open(token, name, now, config),
        }
    }
}

/// Judges the signed timestamps of a verified session against the clock.
pub(crate) fn check_expiry(
    meta: &Meta,
    now: u64,
    config: &SessionConfig,
) -> Result<(), LoadReason> {
    let skew = config.clock_skew.as_secs();
    // A session from the future was sealed by a server whose clock runs ahead: past the
    // allowance it cannot be judged, so it is refused like an expired one.
    if meta.issued_at > now.saturating_add(skew) || now > meta.expires_at.saturating_add(skew) {
        return Err(LoadReason::Expired);
    }
    if let Some(idle) = config.idle_timeout {
        if now
            > meta
                .issued_at
                .saturating_add(idle.as_secs())
                .saturating_add(skew)
        {
            return Err(LoadReason::IdleExpired);
        }
    }
    Ok(())
}

/// Parses the JSON object of a session. serde_json refuses nesting deeper than 128 levels
/// with an error rather than a stack overflow, which bounds hostile input.
pub(crate) fn parse_map(json: &[u8]) -> Result<Map<String, Value>, LoadReason> {
    serde_json::from_slice(json).map_err(|_| LoadReason::Malformed)
}
