//! Wire formats: one module per format, each turning a session map into one token and back.
//!
//! A codec knows nothing of chunks: it seals a whole session into one ASCII token (binding
//! the chunk count it is told) and opens one token back into a map. The chunk layer splits
//! and joins tokens; the engine drives both.

pub(crate) mod compress;
#[cfg(feature = "flask")]
pub(crate) mod flask;
pub(crate) mod header;
#[cfg(feature = "private")]
pub(crate) mod private;
pub(crate) mod signed;

use serde_json::{Map, Value};

use crate::chunk::Naming;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::{Key, KeyId, KeyRing};
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

impl Prepared {
    /// Frames `body` under a fresh header: a new generation id, the sealing key's id and
    /// the input's timestamps and persistence. `trailer` is what sealing appends after the
    /// body (the MAC or the AEAD tag), so the token length is known before the count.
    pub(crate) fn new(
        mut flags: u8,
        key_id: KeyId,
        input: &SealInput<'_>,
        body: Vec<u8>,
        trailer: usize,
    ) -> Result<Prepared, SaveError> {
        if input.persistent {
            flags |= header::FLAG_PERSISTENT;
        }
        let header = header::Header {
            flags,
            chunk_count: 0,
            generation: header::new_generation()?,
            key_id,
            issued_at: input.issued_at,
            expires_at: input.expires_at,
        };
        let token_len = header::base64_len(header::HEADER_LEN + body.len() + trailer);
        Ok(Prepared {
            header,
            body,
            token_len,
        })
    }

    /// The header bytes with the chunk count filled in (at most 64, so it fits its byte).
    pub(crate) fn header_bytes(&self, chunk_count: usize) -> [u8; header::HEADER_LEN] {
        let mut header = self.header;
        header.chunk_count = u8::try_from(chunk_count).unwrap_or(u8::MAX);
        header.to_bytes()
    }
}

/// A session ready to seal, in the shape its format needs. Either way the token length is
/// known before the chunk count, so the chunk layer plans first and the codec seals after.
#[derive(Debug)]
pub(crate) enum Sealable {
    /// A native envelope, sealed once the chunk count is known (the MAC binds the count).
    Envelope(Prepared),
    /// A finished token whose bytes do not depend on the chunk count (Flask's format).
    #[cfg(feature = "flask")]
    Text(String),
}

impl Sealable {
    pub(crate) fn token_len(&self) -> usize {
        match self {
            Sealable::Envelope(prepared) => prepared.token_len,
            #[cfg(feature = "flask")]
            Sealable::Text(token) => token.len(),
        }
    }
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
    #[cfg(feature = "private")]
    Private(private::PrivateCodec),
    #[cfg(feature = "flask")]
    Flask(flask::FlaskCodec),
}

impl Format {
    /// How this format names its chunks.
    pub(crate) fn naming(&self) -> Naming {
        match self {
            Format::Signed(_) => Naming::Native,
            #[cfg(feature = "private")]
            Format::Private(_) => Naming::Native,
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.naming(),
        }
    }

    /// True when the current key did not seal a session with this meta, so it is re-sealed.
    pub(crate) fn needs_rekey(&self, meta: &Meta) -> bool {
        match self {
            Format::Signed(codec) => codec.current_key_id() != meta.key_id,
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.current_key_id() != meta.key_id,
            // Flask re-signs only what it would re-sign: permanent sessions, every request.
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.refreshes(meta),
        }
    }

    pub(crate) fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
    ) -> Result<Sealable, SaveError> {
        match self {
            Format::Signed(codec) => codec.prepare(input, config).map(Sealable::Envelope),
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.prepare(input, config).map(Sealable::Envelope),
            #[cfg(feature = "flask")]
            Format::Flask(codec) => Ok(Sealable::Text(codec.prepare(input))),
        }
    }

    pub(crate) fn seal(&self, sealable: Sealable, chunk_count: usize, name: &str) -> String {
        // Without the flask feature the envelope is the only shape.
        #[cfg_attr(not(feature = "flask"), allow(clippy::infallible_destructuring_match))]
        let prepared = match sealable {
            Sealable::Envelope(prepared) => prepared,
            #[cfg(feature = "flask")]
            Sealable::Text(token) => return token,
        };
        match self {
            Format::Signed(codec) => codec.seal(prepared, chunk_count, name),
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.seal(prepared, chunk_count, name),
            #[cfg(feature = "flask")]
            Format::Flask(_) => unreachable!("the Flask codec prepares finished tokens only"),
        }
    }

    /// For formats whose every write restarts the lifetime and states it as an `Expires`
    /// date (Flask): the lifetime in seconds. `None` for the native formats, whose deadline
    /// is signed once and sent as `Max-Age`.
    pub(crate) fn rolling_lifetime(&self) -> Option<u64> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(codec) => Some(codec.max_age()),
        }
    }

    /// Where the session map itself says whether the session is persistent (Flask's
    /// `_permanent` entry), that entry's key.
    pub(crate) fn persistence_key(&self) -> Option<&'static str> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(_) => Some(flask::PERMANENT_KEY),
        }
    }

    /// What the session map says about persistence, for formats that keep it there.
    #[cfg_attr(not(feature = "flask"), allow(unused_variables))]
    pub(crate) fn persistent_in(&self, map: &Map<String, Value>) -> Option<bool> {
        match self {
            Format::Signed(_) => None,
            #[cfg(feature = "private")]
            Format::Private(_) => None,
            #[cfg(feature = "flask")]
            Format::Flask(_) => flask::FlaskCodec::persistent_in(map),
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
            #[cfg(feature = "private")]
            Format::Private(codec) => codec.open(token, name, now, config),
            // Flask's signature does not cover the cookie name.
            #[cfg(feature = "flask")]
            Format::Flask(codec) => codec.open(token, now, config),
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
    // allowance it cannot be judged, so it is refused like an expired one. The absolute
    // deadline gets no allowance: a session kept past it would be written back with a
    // deadline already gone, and the browser would drop it with any change made meanwhile.
    if meta.issued_at > now.saturating_add(skew) || now >= meta.expires_at {
        return Err(LoadReason::Expired);
    }
    let idle_deadline = config.idle_timeout.map(|idle| {
        meta.issued_at
            .saturating_add(idle.as_secs())
            .saturating_add(skew)
    });
    if idle_deadline.is_some_and(|deadline| now > deadline) {
        return Err(LoadReason::IdleExpired);
    }
    Ok(())
}

/// The checks both native formats make before their tag is verified: a decoded token long
/// enough for its framing, a header this version reads, the format's own encrypted flag (a
/// signed token is never opened as a private one, nor the reverse), and a key the ring holds.
pub(crate) fn envelope_key<'k>(
    raw: &[u8],
    min_len: usize,
    encrypted: bool,
    keys: &'k KeyRing,
) -> Result<(header::Header, &'k Key), LoadReason> {
    if raw.len() < min_len {
        return Err(LoadReason::Malformed);
    }
    let header = header::Header::parse(raw).ok_or(LoadReason::Malformed)?;
    if header.has(header::FLAG_ENCRYPTED) != encrypted {
        return Err(LoadReason::Malformed);
    }
    let key = keys.find(header.key_id).ok_or(LoadReason::UnknownKey)?;
    Ok((header, key))
}

/// The common end of opening a native envelope whose tag has verified: judge the
/// timestamps, inflate the body if it is compressed, parse the JSON.
pub(crate) fn open_verified(
    header: &header::Header,
    body: &[u8],
    now: u64,
    config: &SessionConfig,
) -> Result<Opened, LoadReason> {
    let meta = Meta {
        issued_at: header.issued_at,
        expires_at: header.expires_at,
        persistent: header.has(header::FLAG_PERSISTENT),
        key_id: header.key_id,
    };
    check_expiry(&meta, now, config)?;
    let map = if header.has(header::FLAG_COMPRESSED) {
        // Zeroized on drop: for a private session this is plaintext.
        let json =
            zeroize::Zeroizing::new(compress::inflate_capped(body, config.max_decoded_size)?);
        parse_map(&json)?
    } else {
        parse_map(body)?
    };
    Ok(Opened { map, meta })
}

/// Parses the JSON object of a session. serde_json refuses nesting deeper than 128 levels
/// with an error rather than a stack overflow, which bounds hostile input.
pub(crate) fn parse_map(json: &[u8]) -> Result<Map<String, Value>, LoadReason> {
    serde_json::from_slice(json).map_err(|_| LoadReason::Malformed)
}
