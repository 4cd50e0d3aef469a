//! One request's session: what it holds, the changes a handler makes, and what the entries
//! say about persistence and deadlines. The rules of reading and writing extend it from
//! `read.rs` and `write.rs`.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::chunk::{ChunkSet, Incoming, Layout};
#[cfg(feature = "flask")]
use crate::codec::PythonEntries;
use crate::codec::{Entries, Form, Format, Meta, Policy};
use crate::config::SessionConfig;
use crate::error::SaveError;
#[cfg(feature = "flask")]
use crate::pyvalue::{EntryError, PyValue};
use crate::reason::LoadReason;
use crate::request::RequestCookies;
use crate::revocation::{Identity, Revocation, SessionId};

/// The entry that holds the session's CSRF token (see `crate::csrf`): the one entry the
/// state knows by name, since [`State::renew`] drops it.
pub(crate) const CSRF_KEY: &str = "_csrf";

/// How many candidate sets of twins a request may carry before its cookies are refused as
/// too large: a host-only and a Domain copy of a session, say, with room for a third.
const TWIN_SETS: usize = 3;

/// The configuration, the wire format and the revocation store: everything an engine and
/// its sessions share.
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub(crate) config: SessionConfig,
    pub(crate) format: Arc<Format>,
    /// The store every verified session is checked against, if the engine has one.
    pub(crate) revocation: Option<Arc<dyn Revocation>>,
}

impl Rules {
    /// The rules of `format` under `config`. A format that sets the lifetime itself
    /// (Flask's `PERMANENT_SESSION_LIFETIME`) has the last word on it.
    pub(crate) fn new(mut config: SessionConfig, format: Format) -> Rules {
        if let Some(lifetime) = format.policy().lifetime {
            config.lifetime = lifetime;
        }
        Rules {
            config,
            format: Arc::new(format),
            revocation: None,
        }
    }

    /// Whether the sessions carry an identity: always for the native formats, with a
    /// revocation store for Flask's.
    pub(crate) fn carries_identity(&self) -> bool {
        self.policy().carries_identity || self.revocation.is_some()
    }

    pub(crate) fn layout(&self) -> &Layout {
        self.format.layout()
    }

    /// The format's properties.
    pub(crate) fn policy(&self) -> &Policy {
        self.format.policy()
    }

    /// How many chunks are read and written.
    pub(crate) fn chunk_limit(&self) -> usize {
        self.layout().limit(self.config.max_chunks)
    }

    /// The most token characters one candidate set may carry. A legitimate request never
    /// carries more than the budget; a little slack lets a lowered budget still read the
    /// sessions written under the old one.
    pub(crate) fn byte_cap(&self) -> usize {
        self.config.max_size.saturating_add(4096)
    }

    /// Gathers the request's session cookies.
    pub(crate) fn collect<'a>(&self, fields: impl IntoIterator<Item = &'a str>) -> Incoming {
        Incoming::collect(
            fields,
            self.layout(),
            &self.config.name,
            self.chunk_limit(),
            self.byte_cap().saturating_mul(TWIN_SETS),
        )
    }
}

/// The cookies of a previous format that a request carried, read when the session has
/// none of its own (a migration; see `SessionEngine::migrating_from`).
#[derive(Debug)]
pub(crate) struct Previous {
    pub(crate) rules: Arc<Rules>,
    pub(crate) incoming: Incoming,
}

/// One request's session.
#[derive(Debug)]
pub(crate) struct State {
    /// The engine's configuration and format.
    pub(super) rules: Arc<Rules>,
    /// The form the entries are decoded into.
    pub(super) form: Form,
    /// The request's clock, in Unix seconds.
    pub(super) now: u64,
    /// The request's cookies of this session, not decoded until first touched.
    pub(super) incoming: Incoming,
    /// The previous formats' cookies the request carried, read when it has none of ours.
    pub(super) previous: Vec<Previous>,
    /// Which of `previous` the session was read from, when it was.
    pub(super) migrated: Option<usize>,
    /// What has happened to the session so far.
    pub(super) marks: Marks,
    /// The session's entries, as decoded and then changed by the handler.
    pub(super) entries: Entries,
    /// Why the incoming cookies gave the session they did.
    pub(super) reason: LoadReason,
    /// What the verified token said about itself (its deadline, persistence, key).
    pub(super) meta: Option<Meta>,
    /// Chunk indices the request carried that a response writing nothing deletes.
    pub(super) debris: ChunkSet,
    /// Chunk indices of sessions that verified but were not loaded (`ambiguous`), which
    /// only a purge deletes.
    pub(super) kept: ChunkSet,
    /// The persistence this request chose, if it chose.
    pub(super) persistent: Option<bool>,
    /// The session's id and when it was created (µs): read with the session, or drawn
    /// when first needed (`identity.rs`).
    pub(super) id: Option<(SessionId, u64)>,
    /// The subject the session is bound to.
    pub(super) subject: Option<Box<str>>,
    /// A verified session the revocation store could not vouch for
    /// (`revocation-unavailable`): what ending the session still revokes.
    pub(super) unvouched: Option<Identity>,
    /// The user agent the adapter saw, for the device registry (kept only with a store).
    pub(super) user_agent: Option<Box<str>>,
}

/// What has happened to one request's session so far.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Marks {
    /// The incoming cookies were decoded (or purged without decoding).
    pub(super) loaded: bool,
    /// A handler touched the session: what `Vary: Cookie` answers to.
    pub(super) accessed: bool,
    /// The session differs from what the cookies carried.
    pub(super) modified: bool,
    /// The session was ended: whatever came in is deleted.
    pub(super) purged: bool,
    /// The session was renewed: the next write starts a new lifetime.
    pub(super) renewed: bool,
    /// An adapter has finished the response: a change after it is lost.
    pub(super) finished: bool,
}

impl State {
    pub(crate) fn new(
        rules: Arc<Rules>,
        previous: Vec<Previous>,
        incoming: Incoming,
        now: u64,
        form: Form,
    ) -> State {
        State {
            rules,
            form,
            now,
            incoming,
            previous,
            migrated: None,
            marks: Marks::default(),
            entries: Entries::default(),
            reason: LoadReason::NoSession,
            meta: None,
            debris: ChunkSet::EMPTY,
            kept: ChunkSet::EMPTY,
            persistent: None,
            id: None,
            subject: None,
            unvouched: None,
            user_agent: None,
        }
    }

    /// Decodes the incoming cookies, the first time only, for a handler that touches the
    /// session.
    pub(crate) fn ensure_loaded(&mut self) {
        self.marks.accessed = true;
        self.decode_once();
    }

    /// Decodes the incoming cookies, the first time only, without counting as the handler's
    /// access.
    pub(crate) fn decode_once(&mut self) {
        if self.marks.loaded {
            return;
        }
        self.marks.loaded = true;
        let decoded = self.decode();
        let decoded = self.judge_revocation(decoded);
        decoded
            .reason
            .log(self.incoming.bytes(), self.incoming.header_len());
        self.entries = decoded.entries;
        self.reason = decoded.reason;
        self.meta = decoded.meta;
        self.debris = decoded.debris;
        self.kept = decoded.kept;
        if let Some(identity) = decoded.identity {
            self.id = Some((identity.id, identity.created));
            self.subject = identity.subject;
        }
        if let Some((index, persistent)) = decoded.migrated {
            // A session read from a previous format is new to this one: written now, with
            // a lifetime of its own, in the same response that deletes the old cookies.
            self.migrated = Some(index);
            self.persistent = Some(persistent);
            self.marks.modified = true;
        }
    }

    /// Which previous engine the session was read from, if it was.
    pub(crate) fn migrated(&self) -> Option<usize> {
        self.migrated
    }

    pub(crate) fn previous(&self) -> &[Previous] {
        &self.previous
    }

    /// Whether the handler touched the session, as a framework that tracks access itself
    /// reports it.
    pub(crate) fn set_accessed(&mut self, accessed: bool) {
        self.marks.accessed = accessed;
    }

    pub(crate) fn now(&self) -> u64 {
        self.now
    }

    /// The footprint of the request's cookies, as the state gathered them.
    pub(crate) fn request_cookies(&self) -> RequestCookies {
        RequestCookies::new(self.incoming.first_pairs().to_vec(), self.incoming.others())
    }

    /// True once a handler touched the session (read, changed or purged it).
    pub(crate) fn accessed(&self) -> bool {
        self.marks.accessed
    }

    /// True once the incoming cookies were decoded, or purged without decoding.
    pub(crate) fn loaded(&self) -> bool {
        self.marks.loaded
    }

    pub(crate) fn entries(&self) -> &Map<String, Value> {
        self.entries.map()
    }

    /// The entries as the codecs take them.
    pub(crate) fn held_entries(&self) -> &Entries {
        &self.entries
    }

    /// The entries as Python values.
    #[cfg(feature = "flask")]
    pub(crate) fn python_entries(&mut self) -> Result<&PythonEntries, (String, EntryError)> {
        self.decode_once();
        self.entries.python()
    }

    /// Replaces every entry with Python values; the session counts as modified.
    #[cfg(feature = "flask")]
    pub(crate) fn set_python_entries(&mut self, entries: Vec<(String, PyValue)>) {
        self.decode_once();
        self.entries = Entries::from_python(entries.into());
        self.marks.modified = true;
    }

    pub(crate) fn reason(&self) -> LoadReason {
        self.reason
    }

    pub(crate) fn meta(&self) -> Option<Meta> {
        self.meta
    }

    pub(crate) fn debris(&self) -> ChunkSet {
        self.debris
    }

    pub(crate) fn is_modified(&self) -> bool {
        self.marks.modified
    }

    pub(crate) fn is_purged(&self) -> bool {
        self.marks.purged
    }

    /// True once an adapter finished the response ([`SessionEngine::finish`]): what
    /// changes afterwards never reaches the client.
    ///
    /// [`SessionEngine::finish`]: crate::SessionEngine::finish
    pub(crate) fn is_finished(&self) -> bool {
        self.marks.finished
    }

    pub(crate) fn mark_finished(&mut self) {
        self.marks.finished = true;
    }

    /// Stores `value` under `key`; an equal value changes nothing.
    pub(crate) fn insert(&mut self, key: &str, value: Value) -> Option<Value> {
        self.ensure_loaded();
        if self.entries.map().get(key) == Some(&value) {
            return Some(value);
        }
        self.marks.modified = true;
        self.entries.map_mut().insert(key.to_owned(), value)
    }

    /// Stores `value` under `key` only if the session then still fits its budget; when it
    /// does not, the session is left exactly as it was, unmodified if it was.
    pub(crate) fn insert_if_fits(
        &mut self,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>, SaveError> {
        self.ensure_loaded();
        let was_modified = self.marks.modified;
        let previous = self.insert(key, value);
        if let Err(err) = self.measure() {
            match previous {
                Some(previous) => self.entries.map_mut().insert(key.to_owned(), previous),
                None => self.entries.map_mut().remove(key),
            };
            self.marks.modified = was_modified;
            return Err(err);
        }
        Ok(previous)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Value> {
        self.ensure_loaded();
        if !self.entries.map().contains_key(key) {
            return None;
        }
        let old = self.entries.map_mut().remove(key);
        self.marks.modified |= old.is_some();
        old
    }

    /// Removes every entry and the subject (a logout by `clear` leaves no user behind).
    pub(crate) fn clear(&mut self) {
        self.ensure_loaded();
        self.marks.modified |= !self.entries.is_empty() || self.subject.is_some();
        self.entries = Entries::default();
        self.subject = None;
    }

    /// Ends the session without decoding it: whatever came in is deleted. Entries written
    /// afterwards in the same request start a fresh session, which inherits nothing from
    /// the old one (deadline, persistence).
    pub(crate) fn purge(&mut self) {
        self.marks.loaded = true;
        self.marks.accessed = true;
        self.entries = Entries::default();
        self.meta = None;
        self.persistent = None;
        self.id = None;
        self.subject = None;
        self.unvouched = None;
        self.marks.purged = true;
        self.marks.modified = true;
    }

    /// The next write starts a new absolute lifetime (and, as every write does, a new
    /// generation id) under a new session id (the subject stays); the CSRF token goes, so
    /// one planted before a login is worthless after it.
    pub(crate) fn renew(&mut self) {
        self.ensure_loaded();
        if self.entries.map().contains_key(CSRF_KEY) {
            self.entries.map_mut().remove(CSRF_KEY);
        }
        self.id = None;
        self.marks.renewed = true;
        self.marks.modified = true;
    }

    pub(crate) fn set_persistent(&mut self, persistent: bool) {
        self.ensure_loaded();
        if self.persistent_now() != persistent {
            self.marks.modified = true;
        }
        self.persistent = Some(persistent);
        // A format that keeps persistence as an entry (Flask's `_permanent`) always stores
        // it, as Flask's setter does.
        if let Some(entry) = self.rules.policy().persistence_entry {
            let key = entry.key;
            let flag = Value::Bool(persistent);
            if self.entries.map().get(key) != Some(&flag) {
                self.entries.map_mut().insert(key.to_owned(), flag);
                self.marks.modified = true;
            }
        }
    }

    /// Whether the session's cookies are persistent: what the entries say for formats
    /// that keep it there, else this request's choice, else the loaded session's, else the
    /// configuration's default.
    pub(crate) fn persistent_now(&self) -> bool {
        if let Some(persistent) = self.rules.policy().persistent_in(&self.entries) {
            return persistent;
        }
        self.persistent
            .or(self.meta.map(|meta| meta.persistent))
            .unwrap_or(self.rules.config.persistent)
    }

    /// The absolute deadline a write at `written_at` signs, in Unix seconds: for formats
    /// that restart the lifetime at every write, a lifetime from then; otherwise the loaded
    /// session's deadline, or a lifetime from this request for a new or renewed session.
    pub(crate) fn expires_at_for_write(&self, written_at: u64) -> u64 {
        let lifetime = self.rules.config.lifetime.as_secs();
        if self.rules.policy().restarts_lifetime {
            return written_at.saturating_add(lifetime);
        }
        match self.meta {
            Some(meta) if !self.marks.renewed => meta.expires_at,
            _ => self.now.saturating_add(lifetime),
        }
    }
}
