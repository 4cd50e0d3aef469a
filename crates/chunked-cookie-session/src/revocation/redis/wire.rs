//! What the Redis store writes: key names, the announcements on its channel, the device
//! records, and the scripts. docs/REVOCATION.md describes the same data model.
//!
//! Under a namespace `NS`:
//!
//! | key | type | member, score / value |
//! |---|---|---|
//! | `NS:ids` | sorted set | a revoked session id (base64url); the Unix second it can be forgotten |
//! | `NS:subjects` | sorted set | a subject; its epoch (µs: sessions created before are revoked) |
//! | `NS:subjects:until` | sorted set | a subject; the Unix second its epoch can be forgotten |
//! | `NS:everyone` | sorted set | `*`; the global epoch (µs) |
//! | `NS:devices:SUBJECT` | sorted set | a session id; its last write (Unix second). Expires with its newest session |
//! | `NS:device:ID` | string | the device record, JSON; expires with the session |
//!
//! Announcements on the channel `NS:events`, one revocation per message:
//! `session ID UNTIL`, `subject EPOCH SUBJECT`, `everyone EPOCH`.
//!
//! Epochs are integers below 2^53 (microseconds until the year 2255), so a sorted set's
//! double holds them exactly; `ZADD … GT` keeps the largest, so a revocation never moves
//! back and writing one twice changes nothing.

use serde::{Deserialize, Serialize};

use super::super::identity::{SessionId, check_subject};
use super::super::mirror::Revoke;
use super::super::registry::Device;

/// The names of a namespace's keys and channel.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    namespace: String,
    pub(crate) ids: String,
    pub(crate) subjects: String,
    pub(crate) subjects_until: String,
    pub(crate) everyone: String,
    pub(crate) channel: String,
}

/// The only member of the `everyone` sorted set.
pub(crate) const EVERYONE_MEMBER: &str = "*";

impl Keys {
    pub(crate) fn new(namespace: &str) -> Keys {
        Keys {
            namespace: namespace.to_owned(),
            ids: format!("{namespace}:ids"),
            subjects: format!("{namespace}:subjects"),
            subjects_until: format!("{namespace}:subjects:until"),
            everyone: format!("{namespace}:everyone"),
            channel: format!("{namespace}:events"),
        }
    }

    pub(crate) fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The sorted set of a subject's devices.
    pub(crate) fn devices(&self, subject: &str) -> String {
        format!("{}:devices:{subject}", self.namespace)
    }

    /// The record of one device.
    pub(crate) fn device(&self, id: SessionId) -> String {
        format!("{}:device:{id}", self.namespace)
    }
}

/// The announcement of a revocation.
pub(crate) fn message(revoke: &Revoke) -> String {
    match revoke {
        Revoke::Session { id, until } => format!("session {id} {until}"),
        Revoke::Subject { subject, epoch } => format!("subject {epoch} {subject}"),
        Revoke::Everyone { epoch } => format!("everyone {epoch}"),
    }
}

/// Reads an announcement; `None` for anything else.
pub(crate) fn parse_message(payload: &[u8]) -> Option<Revoke> {
    let text = std::str::from_utf8(payload).ok()?;
    let (kind, rest) = text.split_once(' ')?;
    match kind {
        "session" => {
            let (id, until) = rest.split_once(' ')?;
            Some(Revoke::Session {
                id: id.parse().ok()?,
                until: until.parse().ok()?,
            })
        }
        "subject" => {
            let (epoch, subject) = rest.split_once(' ')?;
            check_subject(subject).ok()?;
            Some(Revoke::Subject {
                subject: subject.into(),
                epoch: epoch.parse().ok()?,
            })
        }
        "everyone" => Some(Revoke::Everyone {
            epoch: rest.parse().ok()?,
        }),
        _ => None,
    }
}

/// A sorted-set score as Redis writes it back, as the integer it was written as.
pub(crate) fn parse_score(text: &str) -> Option<u64> {
    if let Ok(value) = text.parse::<u64>() {
        return Some(value);
    }
    let value = text.parse::<f64>().ok()?;
    // Integers below 2^53 only: anything else was not written by this store.
    ((0.0..9_007_199_254_740_992.0).contains(&value) && value.fract() == 0.0).then(|| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked above: a whole number in 0..2^53"
        )]
        let whole = value as u64;
        whole
    })
}

/// A device record as stored in Redis.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredDevice {
    pub(crate) subject: String,
    pub(crate) created: u64,
    pub(crate) last_seen: u64,
    pub(crate) user_agent: String,
    pub(crate) expires_at: u64,
}

impl StoredDevice {
    pub(crate) fn new(subject: &str, device: &Device) -> StoredDevice {
        StoredDevice {
            subject: subject.to_owned(),
            created: device.created,
            last_seen: device.last_seen,
            user_agent: device.user_agent.clone(),
            expires_at: device.expires_at,
        }
    }

    pub(crate) fn into_device(self, session_id: SessionId) -> Device {
        Device {
            session_id,
            created: self.created,
            last_seen: self.last_seen,
            user_agent: self.user_agent,
            expires_at: self.expires_at,
        }
    }
}

/// Drops the subject epochs whose sessions have all expired, from both sorted sets at
/// once (a script, so a revocation landing in between is never dropped), a thousand at
/// a time, and the expired session ids. KEYS: subjects, subjects:until, ids; ARGV: now.
pub(crate) const PRUNE_SCRIPT: &str = r"
local gone = redis.call('ZRANGE', KEYS[2], '-inf', '(' .. ARGV[1], 'BYSCORE', 'LIMIT', 0, 1000)
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
end
return #gone + redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1])
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_read_back() {
        let id = SessionId::from_bytes([3; 16]);
        for revoke in [
            Revoke::Session {
                id,
                until: 1_800_000_000,
            },
            Revoke::Subject {
                subject: "Ada Lovelace".into(),
                epoch: 1_800_000_000_123_456,
            },
            Revoke::Everyone { epoch: 1 },
        ] {
            assert_eq!(parse_message(message(&revoke).as_bytes()), Some(revoke));
        }
    }

    #[test]
    fn other_messages_are_ignored() {
        for bad in [
            &b""[..],
            b"session",
            b"session AAAA 12",
            b"subject 12",
            b"subject x ada",
            b"subject 12 a\nb",
            b"everyone -1",
            b"hello world",
            b"\xff\xfe",
        ] {
            assert_eq!(parse_message(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn scores_read_back_exactly() {
        assert_eq!(parse_score("1800000000123456"), Some(1_800_000_000_123_456));
        assert_eq!(parse_score("1.8e+15"), Some(1_800_000_000_000_000));
        assert_eq!(parse_score("1.5"), None);
        assert_eq!(parse_score("inf"), None);
        assert_eq!(parse_score("-3"), None);
    }

    #[test]
    fn keys_are_under_the_namespace() {
        let keys = Keys::new("app");
        assert_eq!(keys.ids, "app:ids");
        assert_eq!(keys.channel, "app:events");
        assert_eq!(keys.devices("ada"), "app:devices:ada");
        let id = SessionId::from_bytes([0; 16]);
        assert_eq!(keys.device(id), format!("app:device:{id}"));
    }
}
