//! Starlette's `SessionMiddleware` cookie (feature `starlette`), read to take its sessions
//! over and never written: itsdangerous's `TimestampSigner` with its defaults over the
//! session's JSON in standard base64.
//!
//! ```text
//! DATA  = b64encode(json.dumps(session))      standard alphabet, padded
//! token = DATA "." b64(ts) "." b64(HMAC-SHA1(SHA1(salt + "signer" + secret), DATA "." TS))
//! ```
//!
//! `secret` is `str(secret_key)` as the middleware was given it, in UTF-8; `salt` is
//! itsdangerous's default, `itsdangerous.Signer`. The middleware unsigns with its `max_age`
//! and reads `json.loads(b64decode(DATA))`.

use std::time::Duration;

use super::flask::Signer;
use super::policy::Policy;
use super::previous::{never_written, policy, session_from_json};
use super::shared::{Meta, OpenInput, Opened, SealInput, check_clock};
use super::wire::Codec;
use crate::chunk::Limits;
use crate::config::SessionConfig;
use crate::error::SaveError;
use crate::keys::KeyId;
use crate::pyvalue::python_b64decode;
use crate::reason::LoadReason;

/// The salt itsdangerous signs with unless told otherwise, which Starlette never does.
pub(crate) const DEFAULT_SALT: &[u8] = b"itsdangerous.Signer";

/// Opens the cookies of Starlette's `SessionMiddleware`.
#[derive(Debug)]
pub(crate) struct StarletteCodec {
    signer: Signer,
    max_age: Duration,
}

impl StarletteCodec {
    /// The reader for cookies signed with `secret` (and `salt`, itsdangerous's default when
    /// `None`) that live `max_age`.
    pub(crate) fn new(secret: &[u8], salt: Option<&[u8]>, max_age: Duration) -> StarletteCodec {
        StarletteCodec {
            signer: Signer::concat([secret].into_iter(), salt.unwrap_or(DEFAULT_SALT)),
            max_age,
        }
    }
}

impl Codec for StarletteCodec {
    type Prepared<'a> = String;

    fn policy(&self) -> Policy {
        policy(self.max_age)
    }

    fn prepare(
        &self,
        _: &SealInput<'_>,
        _: &SessionConfig,
        _: &Limits<'_>,
    ) -> Result<String, SaveError> {
        Err(never_written("Starlette"))
    }

    /// `signer.unsign(data, max_age)`, then `json.loads(b64decode(data))`: the signature,
    /// the timestamp against the clock, then the payload.
    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        let unsigned = self.signer.unsign(token)?;
        let meta = Meta {
            issued_at: unsigned.timestamp,
            // itsdangerous refuses a signature older than `max_age` (`age > max_age`).
            expires_at: unsigned
                .timestamp
                .saturating_add(self.max_age.as_secs())
                .saturating_add(1),
            persistent: true,
            key_id: KeyId([0; 4]),
        };
        check_clock(&meta, input)?;
        let raw =
            python_b64decode(unsigned.payload.as_bytes(), false).ok_or(LoadReason::Malformed)?;
        let json = std::str::from_utf8(&raw).map_err(|_| LoadReason::Malformed)?;
        Ok(Opened {
            entries: session_from_json(json, input)?,
            meta,
            identity: None,
        })
    }
}
