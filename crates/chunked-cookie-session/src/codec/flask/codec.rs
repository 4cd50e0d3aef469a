//! Flask's session cookie (feature `flask`): itsdangerous's URL-safe timed serializer
//! over Flask's tagged JSON, byte for byte.
//!
//! ```text
//! JSON    = tagged JSON of the session, as Python's json writes it (see json.rs)
//! PAYLOAD = the JSON, zlib-compressed when that pays, in base64url (see payload.rs)
//! token   = PAYLOAD "." TS "." SIG    (see signer.rs)
//! ```
//!
//! The token does not depend on how many cookies carry it: the stock layout puts it in one
//! cookie, the chunked layout cuts it over `session:0`, `session:1`, … with no prefix.

use std::time::Duration;

use serde_json::{Map, Value};

use super::json::{dump_python, load_python};
use super::settings::{FlaskLayout, FlaskSettings, MAX_CHUNKS};
use super::signer::{self, Signer};
use super::{identity, payload};
use crate::chunk::{Count, Deadline, Layout, Limits};
use crate::codec::entries::Entries;
use crate::codec::identity::Ident;
use crate::codec::policy::{PersistenceEntry, Policy, Rewrite};
use crate::codec::shared::{Meta, OpenInput, Opened, SealInput, check_clock};
use crate::codec::wire::Codec;
use crate::config::{MAX_NESTING, SessionConfig};
use crate::error::SaveError;
use crate::keys::KeyId;
use crate::pyvalue::{self, EntryError, PyValue};
use crate::reason::LoadReason;

/// Where Flask keeps a session's permanence: an entry of the session itself.
pub(crate) const PERMANENT_KEY: &str = "_permanent";

/// Flask's own layout: the one cookie named as configured. Werkzeug reads the first cookie
/// of a name, and a permanent session states its deadline as `Expires`.
const STOCK: Layout = Layout {
    separator: ':',
    index_first: false,
    max_chunks: 1,
    count: Count::UntilGap,
    try_twins: false,
    deadline: Deadline::Expires,
};

/// The chunked recipe's layout: `session:0`, `session:1`, …, read in numeric order up to the
/// first gap, at most ten.
const RECIPE: Layout = Layout {
    index_first: true,
    max_chunks: MAX_CHUNKS,
    ..STOCK
};

/// The cookie layout of a Flask layout setting.
pub(crate) fn layout_of(layout: FlaskLayout) -> &'static Layout {
    match layout {
        FlaskLayout::Stock => &STOCK,
        FlaskLayout::Chunked => &RECIPE,
    }
}

/// The Unix seconds of a token's timestamp text, if it reads (unverified).
pub(crate) fn timestamp_of(text: &str) -> Option<u64> {
    signer::timestamp_of(text)
}

/// Whether the session's entries say it is permanent: Python's truth of `_permanent` as
/// Flask reads it (`{" t": {}}` is an empty tuple, so false).
pub(crate) fn persistent_in(entries: &Entries) -> Option<bool> {
    match entries.held_python() {
        Some(python) => python
            .iter()
            .find(|(key, _)| key == PERMANENT_KEY)
            .map(|(_, value)| value.is_truthy()),
        None => entries.map().get(PERMANENT_KEY).map(pyvalue::truthy),
    }
}

/// Seals and opens Flask session cookies.
#[derive(Debug)]
pub(crate) struct FlaskCodec {
    signer: Signer,
    max_age: u64,
    layout: FlaskLayout,
    refresh_each_request: bool,
}

impl FlaskCodec {
    pub(crate) fn new(settings: &FlaskSettings) -> FlaskCodec {
        FlaskCodec {
            signer: Signer::new(settings.secrets_oldest_first(), settings.salt_bytes()),
            max_age: settings.max_age_secs(),
            layout: settings.layout_kind(),
            refresh_each_request: settings.refreshes_each_request(),
        }
    }
}

impl Codec for FlaskCodec {
    type Prepared<'a> = String;

    /// The layout the settings name; `PERMANENT_SESSION_LIFETIME`, which every write starts
    /// again; refused cookies left alone (they may be the Flask app's); persistence in the
    /// `_permanent` entry; a permanent session written again on every request that reads
    /// it, unless `SESSION_REFRESH_EACH_REQUEST` is off, as Flask's `should_set_cookie`
    /// decides.
    fn policy(&self) -> Policy {
        Policy {
            layout: layout_of(self.layout),
            encrypted: false,
            lifetime: Some(Duration::from_secs(self.max_age)),
            restarts_lifetime: true,
            clears_rejected: false,
            persistence_entry: Some(PersistenceEntry {
                key: PERMANENT_KEY,
                read: persistent_in,
            }),
            rewrite: Rewrite {
                unless_sealed_by: None,
                persistent_each_request: self.refresh_each_request,
            },
            carries_identity: false,
        }
    }

    /// The token for a session, complete: it does not depend on the chunk count. A
    /// permanent session says so in its `_permanent` entry, as Flask's setter writes it.
    ///
    /// Every entry goes through the same untagging as reading does, and what is written is
    /// the form Flask itself would write for the Python value read back: an entry Flask
    /// would refuse is refused here, before anything is written.
    fn prepare(
        &self,
        input: &SealInput<'_>,
        config: &SessionConfig,
        _: &Limits<'_>,
    ) -> Result<String, SaveError> {
        let json = match input.entries.held_python() {
            Some(python) => python_json(python, input.persistent, input.identity)?,
            None => tagged_json(input.map(), input.persistent, input.identity)?,
        };
        if json.len() > config.max_decoded_size {
            return Err(SaveError::TooLarge {
                bytes: json.len(),
                limit: config.max_decoded_size,
            });
        }
        let payload = payload::encode(json.as_bytes());
        Ok(self.signer.sign(&payload, input.issued_at))
    }

    /// Opens a token into Python values whatever the form asked for (Flask's JSON reads as
    /// Python values). Flask's signature does not cover the cookie name.
    fn open(&self, token: &str, input: &OpenInput<'_>) -> Result<Opened, LoadReason> {
        let unsigned = self.signer.unsign(token)?;
        let mut meta = Meta {
            issued_at: unsigned.timestamp,
            // Flask refuses a signature older than the lifetime (`age > max_age`): the first
            // second it is no longer accepted.
            expires_at: unsigned
                .timestamp
                .saturating_add(self.max_age)
                .saturating_add(1),
            persistent: false,
            key_id: KeyId(
                u32::try_from(unsigned.key_index)
                    .unwrap_or(u32::MAX)
                    .to_be_bytes(),
            ),
        };
        // The timestamp is judged before the payload is decoded, as itsdangerous does, with
        // the same allowances as every format.
        check_clock(&meta, input)?;
        let json = payload::decode(unsigned.payload, input.config.max_decoded_size)?;
        let mut python = load_python(&json)?;
        let identity = if input.identity_entries {
            Some(match identity::take(&mut python)? {
                Some(identity) => identity,
                None => identity::derived(token, unsigned.timestamp),
            })
        } else {
            None
        };
        let entries = Entries::from_python(python.into());
        meta.persistent = persistent_in(&entries).unwrap_or(false);
        Ok(Opened {
            entries,
            meta,
            identity,
        })
    }
}

/// The session's JSON from its tagged entries. Every entry goes through the same
/// untagging as reading does, and what is written is the form Flask itself would write for
/// the Python value read back: an entry Flask would refuse is refused here, before anything
/// is written. A permanent session says so in its `_permanent` entry, as Flask's setter
/// writes it; an identity, in its reserved entries (which replace any entries of theirs).
fn tagged_json(
    map: &Map<String, Value>,
    persistent: bool,
    identity: Option<&Ident>,
) -> Result<String, SaveError> {
    let kept = |key: &str| identity.is_none() || !identity::is_reserved(key);
    // A session written as one entry with a tag-like key is escaped as a whole
    // (`{" di": {"<key>__": ...}}`), one more object around that entry.
    let written = map.keys().filter(|key| kept(key)).count()
        + usize::from(persistent && !map.contains_key(PERMANENT_KEY))
        + identity.map_or(0, |identity| identity::entries(identity).len());
    let escaped = written == 1 && map.keys().any(|key| pyvalue::is_tag_key(key));
    let enclosing = 1 + usize::from(escaped);
    // Every entry, `_permanent` included, is read as Flask reads it (which refuses what
    // Flask would refuse), and the Python values are written as Flask writes them.
    let python = map
        .iter()
        .filter(|(key, _)| kept(key))
        .map(|(key, value)| {
            let python =
                pyvalue::python_value(value, enclosing).map_err(|err| entry_error(key, err))?;
            Ok((key.clone(), python))
        })
        .collect::<Result<Vec<_>, SaveError>>()?;
    python_json(&python, persistent, identity)
}

/// The session's JSON straight from Python values, which need no untagging: what Python
/// holds is what Flask would read back. Only the nesting limit can refuse them.
fn python_json(
    python: &[(String, PyValue)],
    persistent: bool,
    identity: Option<&Ident>,
) -> Result<String, SaveError> {
    const TRUE: PyValue = PyValue::Bool(true);
    let reserved = identity.map(identity::entries).unwrap_or_default();
    let mut entries: Vec<(&str, &PyValue)> = Vec::with_capacity(python.len() + 4);
    let mut permanent = None;
    for (key, value) in python {
        if persistent && key == PERMANENT_KEY {
            permanent = Some(value).filter(|value| value.is_truthy());
        } else if identity.is_none() || !identity::is_reserved(key) {
            entries.push((key, value));
        }
    }
    if persistent {
        entries.push((PERMANENT_KEY, permanent.unwrap_or(&TRUE)));
    }
    entries.extend(reserved.iter().map(|(key, value)| (*key, value)));
    dump_python(entries).map_err(|entry| SaveError::TooDeep {
        entry,
        limit: MAX_NESTING,
    })
}

fn entry_error(key: &str, err: EntryError) -> SaveError {
    match err {
        EntryError::TooDeep => SaveError::TooDeep {
            entry: key.to_owned(),
            limit: MAX_NESTING,
        },
        EntryError::Tag(tag) => SaveError::InvalidFlaskEntry {
            entry: key.to_owned(),
            tag,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::load_session;
    use super::*;

    /// Flask's token does not depend on the cookies it is cut into.
    const LIMITS: Limits<'static> = Limits {
        layout: &STOCK,
        base: "session",
        attributes_len: 0,
        max_chunks: 1,
        max_size: 4096,
    };

    fn sealed_json(entries: &str, persistent: bool) -> String {
        let codec = FlaskCodec::new(&FlaskSettings::new("k").expect("a secret"));
        let map = Entries::from_map(load_session(entries.as_bytes()).expect("accepted"));
        let input = SealInput {
            entries: &map,
            persistent,
            issued_at: 1_700_000_000,
            expires_at: 0,
            identity: None,
        };
        let token = codec
            .prepare(&input, &SessionConfig::default(), &LIMITS)
            .expect("valid entries");
        let payload = token.split('.').next().expect("a payload");
        let raw = payload::decode(payload, 1 << 20).expect("base64");
        String::from_utf8(raw).expect("JSON")
    }

    #[test]
    fn permanence_is_the_permanent_entry() {
        assert_eq!(
            sealed_json(r#"{"_permanent":true,"u":"a"}"#, true),
            r#"{"_permanent":true,"u":"a"}"#
        );
        assert_eq!(
            sealed_json(r#"{"_permanent":0}"#, true),
            r#"{"_permanent":true}"#
        );
        assert_eq!(sealed_json(r#"{"u":"a"}"#, false), r#"{"u":"a"}"#);
        assert_eq!(
            persistent_in(&Entries::from_map(
                load_session(br#"{"_permanent":[]}"#).expect("ok")
            )),
            Some(false)
        );
    }

    #[test]
    fn a_permanent_entry_is_checked_and_written_in_flasks_form() {
        let codec = FlaskCodec::new(&FlaskSettings::new("k").expect("a secret"));
        // Written in Flask's form, as every entry is (a `_permanent` Flask cannot read is
        // false, so it never makes a session permanent: it is checked and refused).
        let entries =
            serde_json::json!({"_permanent": {" u": "12345678-1234-5678-1234-567812345678"}});
        let entries = Entries::from_map(entries.as_object().expect("an object").clone());
        let input = SealInput {
            entries: &entries,
            persistent: true,
            issued_at: 1_700_000_000,
            expires_at: 0,
            identity: None,
        };
        let token = codec
            .prepare(&input, &SessionConfig::default(), &LIMITS)
            .expect("a valid entry");
        let payload = token.rsplitn(3, '.').nth(2).expect("a payload");
        assert!(payload.starts_with('.'), "compressed");
        assert_eq!(
            payload::decode(payload, 1 << 20).expect("zlib"),
            br#"{"_permanent":{" u":"12345678123456781234567812345678"}}"#
        );
    }
}
