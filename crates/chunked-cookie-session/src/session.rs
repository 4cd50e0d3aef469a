//! The session handle handlers use.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::chunk::Incoming;
use crate::codec::Meta;
use crate::engine::EngineInner;
use crate::reason::LoadReason;

/// A session: a JSON object of entries, read from the request's cookies and written back
/// to the response's.
///
/// `Session` is a cheap handle (an `Arc` inside): clones share one session. Nothing is
/// verified or parsed until the first method that looks at the entries is called, so a
/// request that never touches its session never pays for it.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("user", "ada").unwrap();
/// session.insert("visits", 3).unwrap();
/// assert_eq!(session.get::<String>("user").unwrap().as_deref(), Some("ada"));
/// assert_eq!(session.get::<u32>("visits").unwrap(), Some(3));
/// assert!(session.is_modified());
///
/// // The response carries the session back.
/// let set_cookie = engine.save(&session).unwrap();
/// assert_eq!(set_cookie.len(), 1);
/// assert!(set_cookie[0].starts_with("session="));
/// ```
#[derive(Clone)]
pub struct Session {
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) engine: Arc<EngineInner>,
    pub(crate) now: u64,
    /// The request's cookies, until the first access decodes them.
    pub(crate) pending: Option<Incoming>,
    /// A bit per chunk index the request carried.
    pub(crate) present: u64,
    /// Chunk indices the request carried that the verified session does not use.
    pub(crate) debris: u64,
    pub(crate) map: Map<String, Value>,
    pub(crate) reason: LoadReason,
    pub(crate) meta: Option<Meta>,
    pub(crate) persistent: Option<bool>,
    pub(crate) modified: bool,
    pub(crate) purged: bool,
    pub(crate) renew: bool,
}

impl State {
    /// Decodes the incoming cookies on first use.
    fn load(&mut self) {
        if let Some(incoming) = self.pending.take() {
            let decoded = self.engine.decode(&incoming, self.now);
            self.map = decoded.map;
            self.reason = decoded.reason;
            self.meta = decoded.meta;
            self.debris = decoded.debris;
        }
    }

    pub(crate) fn accessed(&self) -> bool {
        self.pending.is_none()
    }
}

impl Session {
    pub(crate) fn from_state(state: State) -> Session {
        Session {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Locks the state without loading it.
    pub(crate) fn raw(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the map consistent (every method changes it
        // in one step), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the state, decoding the incoming cookies first if nobody has yet.
    fn loaded(&self) -> MutexGuard<'_, State> {
        let mut state = self.raw();
        state.load();
        state
    }

    /// Reads an entry as `T`; `Ok(None)` when the entry is absent.
    ///
    /// # Errors
    ///
    /// When the entry exists but does not deserialize as `T`.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("cart", vec![1, 2, 3]).unwrap();
    /// assert_eq!(session.get::<Vec<u8>>("cart").unwrap(), Some(vec![1, 2, 3]));
    /// assert!(session.get::<String>("cart").is_err());
    /// assert_eq!(session.get::<u8>("missing").unwrap(), None);
    /// ```
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, serde_json::Error> {
        self.loaded().map.get(key).map(T::deserialize).transpose()
    }

    /// Reads an entry as a JSON value.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("n", 1).unwrap();
    /// assert_eq!(session.get_value("n"), Some(serde_json::json!(1)));
    /// ```
    pub fn get_value(&self, key: &str) -> Option<Value> {
        self.loaded().map.get(key).cloned()
    }

    /// Stores `value` under `key`, returning the previous value. Storing a value equal to
    /// the current one does not mark the session modified.
    ///
    /// # Errors
    ///
    /// When `value` cannot be represented as JSON (a map with non-string keys, say).
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert_eq!(session.insert("theme", "dark").unwrap(), None);
    /// assert_eq!(session.insert("theme", "light").unwrap(), Some(serde_json::json!("dark")));
    /// ```
    pub fn insert<T: Serialize>(
        &self,
        key: &str,
        value: T,
    ) -> Result<Option<Value>, serde_json::Error> {
        let value = serde_json::to_value(value)?;
        Ok(self.insert_value(key, value))
    }

    /// Stores a JSON value under `key`, returning the previous value.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert_value("flags", serde_json::json!({"beta": true}));
    /// assert!(session.contains("flags"));
    /// ```
    pub fn insert_value(&self, key: &str, value: Value) -> Option<Value> {
        let mut state = self.loaded();
        if state.map.get(key) == Some(&value) {
            return Some(value);
        }
        state.modified = true;
        state.map.insert(key.to_owned(), value)
    }

    /// Removes an entry, returning its value.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("a", 1).unwrap();
    /// assert_eq!(session.remove("a"), Some(serde_json::json!(1)));
    /// assert_eq!(session.remove("a"), None);
    /// ```
    pub fn remove(&self, key: &str) -> Option<Value> {
        let mut state = self.loaded();
        let old = state.map.remove(key);
        state.modified |= old.is_some();
        old
    }

    /// Removes an entry and reads it as `T`.
    ///
    /// # Errors
    ///
    /// When the entry existed but does not deserialize as `T` (it is removed all the same).
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("flash", "saved").unwrap();
    /// assert_eq!(session.take::<String>("flash").unwrap().as_deref(), Some("saved"));
    /// assert!(!session.contains("flash"));
    /// ```
    pub fn take<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, serde_json::Error> {
        self.remove(key).map(serde_json::from_value).transpose()
    }

    /// True when an entry exists under `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.loaded().map.contains_key(key)
    }

    /// The keys of every entry, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("b", 2).unwrap();
    /// session.insert("a", 1).unwrap();
    /// assert_eq!(session.keys(), ["a", "b"]);
    /// ```
    pub fn keys(&self) -> Vec<String> {
        self.loaded().map.keys().cloned().collect()
    }

    /// A copy of every entry.
    pub fn entries(&self) -> Map<String, Value> {
        self.loaded().map.clone()
    }

    /// How many entries the session holds.
    pub fn len(&self) -> usize {
        self.loaded().map.len()
    }

    /// True when the session holds no entry.
    pub fn is_empty(&self) -> bool {
        self.loaded().map.is_empty()
    }

    /// Removes every entry; the response deletes the session cookies.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("a", 1).unwrap();
    /// session.clear();
    /// assert!(session.is_empty());
    /// ```
    pub fn clear(&self) {
        let mut state = self.loaded();
        state.modified |= !state.map.is_empty();
        state.map.clear();
    }

    /// Ends the session: removes every entry and deletes every session cookie the request
    /// carried, whatever happens to the session later in this request.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(["session=anything"]);
    /// session.purge();
    /// let set_cookie = engine.save(&session).unwrap();
    /// assert!(set_cookie[0].contains("Max-Age=0"));
    /// ```
    pub fn purge(&self) {
        let mut state = self.raw();
        // Purging needs no decoding: whatever came in is deleted.
        state.pending = None;
        state.map.clear();
        state.purged = true;
        state.modified = true;
    }

    /// Starts a new absolute lifetime at the next write (call it at login), so the session
    /// does not inherit the deadline of the anonymous session it grew from.
    pub fn renew(&self) {
        let mut state = self.loaded();
        state.renew = true;
        state.modified = true;
    }

    /// True when this request changed the session (insert, remove, clear, purge, a change of
    /// persistence).
    pub fn is_modified(&self) -> bool {
        self.raw().modified
    }

    /// Chooses between a persistent cookie (`Max-Age` up to the session's absolute deadline)
    /// and a cookie that ends with the browser session, for this session from now on.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", 7).unwrap();
    /// session.set_persistent(true);
    /// assert!(engine.save(&session).unwrap()[0].contains("Max-Age="));
    /// ```
    pub fn set_persistent(&self, persistent: bool) {
        let mut state = self.loaded();
        if state.persistent_now() != persistent {
            state.modified = true;
        }
        state.persistent = Some(persistent);
        // Flask keeps permanence as the `_permanent` entry, and its setter always stores it.
        if let Some(key) = state.engine.format.persistence_key() {
            let flag = Value::Bool(persistent);
            if state.map.get(key) != Some(&flag) {
                state.map.insert(key.to_owned(), flag);
                state.modified = true;
            }
        }
    }

    /// Whether the session's cookies are persistent.
    pub fn is_persistent(&self) -> bool {
        self.loaded().persistent_now()
    }

    /// Why the incoming session was accepted or rejected. Decodes it if nothing has yet.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::LoadReason;
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// assert_eq!(engine.load(std::iter::empty()).load_reason(), LoadReason::NoSession);
    /// assert_eq!(engine.load(["session=garbage"]).load_reason(), LoadReason::Malformed);
    /// ```
    pub fn load_reason(&self) -> LoadReason {
        self.loaded().reason
    }

    /// When the session's absolute lifetime ends, in Unix seconds (for a session not yet
    /// written, the deadline its first write will get).
    pub fn expires_at(&self) -> u64 {
        let state = self.loaded();
        state.expires_at_for_write()
    }
}

impl State {
    pub(crate) fn persistent_now(&self) -> bool {
        if let Some(persistent) = self.engine.format.persistent_in(&self.map) {
            return persistent;
        }
        self.persistent
            .or(self.meta.map(|meta| meta.persistent))
            .unwrap_or(self.engine.config.persistent)
    }

    pub(crate) fn expires_at_for_write(&self) -> u64 {
        match self.meta {
            Some(meta) if !self.renew => meta.expires_at,
            _ => self
                .now
                .saturating_add(self.engine.config.lifetime.as_secs()),
        }
    }
}

impl fmt::Debug for Session {
    // Session contents never reach a log through `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.raw();
        let mut out = f.debug_struct("Session");
        if state.accessed() {
            out.field("entries", &state.map.len())
                .field("load_reason", &state.reason);
        } else {
            out.field("loaded", &false);
        }
        out.field("modified", &state.modified)
            .finish_non_exhaustive()
    }
}
