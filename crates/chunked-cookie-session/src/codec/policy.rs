//! What a format decides beyond sealing and opening, as a value: its cookie layout, its
//! lifetime, when an unchanged session is written again, what becomes of cookies it
//! refused, and where it keeps a session's persistence. The state's rules of reading and
//! writing read these fields; no rule asks which format it is.

use std::time::Duration;

use super::entries::Entries;
use super::shared::Meta;
use crate::chunk::Layout;
use crate::keys::KeyId;

/// A format's properties, fixed when the format is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// How the format lays its token out in cookies.
    pub(crate) layout: &'static Layout,
    /// True when the client can read nothing of the session (the private format).
    pub(crate) encrypted: bool,
    /// The session lifetime, for formats whose settings fix it (Flask's
    /// `PERMANENT_SESSION_LIFETIME`); `None` leaves the configuration's.
    pub(crate) lifetime: Option<Duration>,
    /// True for formats whose every write starts the lifetime again (Flask signs the write's
    /// time, and the lifetime runs from it); false for the native formats, whose absolute
    /// deadline is signed once, at the session's first write.
    pub(crate) restarts_lifetime: bool,
    /// Whether a response that does not write the session deletes the cookies this format
    /// refused. The native formats' cookies are this engine's own, so debris is cleaned;
    /// Flask's are shared with a Flask application, where a cookie this side refuses (a
    /// different secret, a clock ahead) may be a user's live session, and deleting it would
    /// log that user out of the Flask app too.
    pub(crate) clears_rejected: bool,
    /// For formats that keep the session's persistence as an entry of the session itself
    /// (Flask's `_permanent`), that entry; `None` where the token carries it beside the
    /// entries (the native header's flag).
    pub(crate) persistence_entry: Option<PersistenceEntry>,
    /// When a session read and left unchanged is written again all the same.
    pub(crate) rewrite: Rewrite,
    /// True when every session of the format carries its identity (the native formats,
    /// version 2); false when it carries it only with a revocation store (Flask's reserved
    /// entries, which a Flask app without one keeps as ordinary entries).
    pub(crate) carries_identity: bool,
}

/// An entry that holds a session's persistence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PersistenceEntry {
    /// The entry's key.
    pub(crate) key: &'static str,
    /// What the entries say about persistence: `None` when the entry is absent.
    pub(crate) read: fn(&Entries) -> Option<bool>,
}

/// The format's own reasons to write an unchanged session again (the configuration adds
/// its refresh threshold and `refresh_each_request` on top).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rewrite {
    /// Re-seal what any other key sealed: the key that seals now (the native formats, so a
    /// rotation moves every active session to the new key).
    pub(crate) unless_sealed_by: Option<KeyId>,
    /// Write a persistent session again on every request that reads it (Flask's
    /// `SESSION_REFRESH_EACH_REQUEST`, as its `should_set_cookie` decides).
    pub(crate) persistent_each_request: bool,
}

impl Rewrite {
    /// True when a session that verified with `meta` is due to be written again.
    pub(crate) fn due(&self, meta: &Meta) -> bool {
        self.unless_sealed_by.is_some_and(|key| key != meta.key_id)
            || (self.persistent_each_request && meta.persistent)
    }
}

impl Policy {
    /// What the session's entries say about its persistence, for formats that keep it there.
    pub(crate) fn persistent_in(&self, entries: &Entries) -> Option<bool> {
        self.persistence_entry
            .and_then(|entry| (entry.read)(entries))
    }
}
