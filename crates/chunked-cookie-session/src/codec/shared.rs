//! What every format shares: what sealing takes, what opening gives, and the limits all of
//! them check (the clock, the nesting). Below the format modules and their dispatch, so
//! each format imports from here and never from the dispatch above it.

use serde_json::{Map, Value};

use super::entries::Entries;
use super::identity::Ident;
use super::python_entries::Form;
use crate::config::{MAX_NESTING, SessionConfig};
use crate::error::SaveError;
use crate::keys::KeyId;
use crate::reason::LoadReason;

/// What a codec needs to seal a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SealInput<'a> {
    pub entries: &'a Entries,
    pub persistent: bool,
    pub issued_at: u64,
    pub expires_at: u64,
    /// The session's identity, for the formats that carry it: the native ones always,
    /// Flask's when the engine has a revocation store.
    pub identity: Option<&'a Ident>,
}

impl SealInput<'_> {
    /// The entries as a JSON map.
    pub(crate) fn map(&self) -> &Map<String, Value> {
        self.entries.map()
    }
}

/// What a codec needs to open a token, besides the token: the same for every token one
/// request's cookies offer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OpenInput<'a> {
    /// The name of the cookies that carried the token (the configured name), which the
    /// native formats' tags bind.
    pub name: &'a str,
    /// The request's clock, in Unix seconds.
    pub now: u64,
    pub config: &'a SessionConfig,
    /// The form the entries are asked for in.
    pub form: Form,
    /// Whether Flask's reserved identity entries are the session's identity (the engine
    /// has a revocation store) rather than entries like any other.
    #[cfg_attr(
        not(feature = "flask"),
        expect(dead_code, reason = "only Flask's codec keeps the identity in entries")
    )]
    pub identity_entries: bool,
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
    pub entries: Entries,
    pub meta: Meta,
    /// The session's identity: signed into it, or derived from its write when it was
    /// written without one; `None` where the format carries none (Flask's without a
    /// revocation store).
    pub identity: Option<Ident>,
}

/// Judges the signed timestamps of a verified session against the clock, for every format:
/// a session from the future past the clock-skew allowance, one past its absolute
/// deadline, and one idle past the idle timeout (plus the allowance) are refused.
pub(crate) fn check_clock(meta: &Meta, input: &OpenInput<'_>) -> Result<(), LoadReason> {
    let (now, config) = (input.now, input.config);
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

/// Refuses a session that nests deeper than [`MAX_NESTING`] levels (the session object is
/// the first), which every reader refuses: what is written must read back.
pub(crate) fn check_nesting(map: &Map<String, Value>) -> Result<(), SaveError> {
    /// True when `value`, sitting at `level`, holds a container past the limit. The walk
    /// stops descending at the limit, so its own depth is bounded.
    fn too_deep(value: &Value, level: usize) -> bool {
        match value {
            Value::Array(items) => {
                level > MAX_NESTING || items.iter().any(|item| too_deep(item, level + 1))
            }
            Value::Object(map) => {
                level > MAX_NESTING || map.values().any(|item| too_deep(item, level + 1))
            }
            _ => false,
        }
    }
    match map.iter().find(|(_, value)| too_deep(value, 2)) {
        Some((entry, _)) => Err(SaveError::TooDeep {
            entry: entry.clone(),
            limit: MAX_NESTING,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn nested(levels: usize) -> Value {
        (0..levels).fold(json!(1), |inner, _| json!([inner]))
    }

    #[test]
    fn nesting_is_refused_exactly_where_serde_json_refuses_it() {
        for levels in [
            MAX_NESTING - 2,
            MAX_NESTING - 1,
            MAX_NESTING,
            MAX_NESTING + 5,
        ] {
            let mut map = Map::new();
            map.insert("deep".to_owned(), nested(levels));
            let text = serde_json::to_vec(&map).expect("serializable");
            let reads = serde_json::from_slice::<Map<String, Value>>(&text).is_ok();
            assert_eq!(
                check_nesting(&map).is_ok(),
                reads,
                "{levels} levels below the session"
            );
        }
    }
}
