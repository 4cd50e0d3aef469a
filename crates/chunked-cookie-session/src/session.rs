//! The session handle handlers use.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{GetError, InsertError, SaveError};
#[cfg(feature = "flask")]
use crate::pyvalue::{InvalidEntry, PyValue};
use crate::pyvalue::{escape, into_plain, plain, plain_map, to_stored};
use crate::reason::LoadReason;
use crate::request::RequestCookies;
use crate::revocation::{
    Device, Identity, IdentityError, Pending, Revocation, RevocationError, SessionId,
};
use crate::state::{Sizes, State};

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
/// let outcome = engine.save(&session).unwrap();
/// assert_eq!(outcome.cookies.len(), 1);
/// assert_eq!(outcome.cookies[0].name(), "__Host-session");
/// ```
#[derive(Clone)]
pub struct Session {
    state: Arc<Mutex<State>>,
}

impl Session {
    pub(crate) fn from_state(state: State) -> Session {
        Session {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Locks the state without loading it: for the engine, which reads what the handler
    /// left, and for the methods that need no decoding.
    pub(crate) fn raw(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the map consistent (every method changes it
        // in one step), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the state, decoding the incoming cookies first if nobody has yet.
    fn loaded(&self) -> MutexGuard<'_, State> {
        let mut state = self.raw();
        state.ensure_loaded();
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
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, GetError> {
        self.loaded()
            .entries()
            .get(key)
            .map(|value| T::deserialize(&*plain(value)).map_err(|err| GetError::new::<T>(key, err)))
            .transpose()
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
        self.loaded()
            .entries()
            .get(key)
            .map(|value| plain(value).into_owned())
    }

    /// Stores `value` under `key`, returning the previous value. Storing a value equal to
    /// the current one does not mark the session modified.
    ///
    /// The value is plain JSON, whatever its shape: Python reads back the same JSON (an
    /// object `{" m": …}` is a dict, never a Flask tag). The typed values of
    /// `chunked_cookie_session::flask` (feature `flask`) are how a Python type is stored.
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
    pub fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<Option<Value>, InsertError> {
        let value = to_stored(&value).map_err(|err| InsertError::new(key, err))?;
        Ok(self.raw().insert(key, value).map(into_plain))
    }

    /// Stores a JSON value under `key`, returning the previous value. The value is plain
    /// JSON, as for [`insert`](Self::insert).
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
        self.raw().insert(key, escape(value)).map(into_plain)
    }

    /// Stores a JSON value under `key` only if the session then still fits its budget, and
    /// returns the previous value. When it does not fit, the session is left exactly as it
    /// was (unmodified, if it was), so the response leaves the client's cookies alone: the
    /// way to take a change from a user that may not fit.
    ///
    /// # Errors
    ///
    /// The [`SaveError`] the write would meet ([`SaveError::Overflow`] with the sizes, above
    /// all).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SaveError, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.try_insert_value("note", serde_json::json!("short"))?;
    /// let mut seed = 3u64;
    /// let noise: String = (0..20_000)
    ///     .map(|_| {
    ///         seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    ///         char::from(b'!' + (seed >> 58) as u8)
    ///     })
    ///     .collect();
    /// let refused = session.try_insert_value("note", noise.into());
    /// assert!(matches!(refused, Err(SaveError::Overflow { .. })));
    /// assert_eq!(session.get::<String>("note")?.as_deref(), Some("short"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_insert_value(&self, key: &str, value: Value) -> Result<Option<Value>, SaveError> {
        self.raw()
            .insert_if_fits(key, escape(value))
            .map(|previous| previous.map(into_plain))
    }

    /// [`try_insert_value`](Self::try_insert_value) for any serializable value, as
    /// [`insert`](Self::insert) takes it (a typed Python value of
    /// `chunked_cookie_session::flask` included).
    ///
    /// # Errors
    ///
    /// [`SaveError::Serialize`] when `value` cannot be represented as JSON; otherwise as
    /// [`try_insert_value`](Self::try_insert_value).
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.try_insert("cart", vec![1, 2, 3])?;
    /// assert_eq!(session.get::<Vec<u8>>("cart")?, Some(vec![1, 2, 3]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_insert<T: Serialize>(
        &self,
        key: &str,
        value: T,
    ) -> Result<Option<Value>, SaveError> {
        let value = to_stored(&value).map_err(SaveError::Serialize)?;
        self.raw()
            .insert_if_fits(key, value)
            .map(|previous| previous.map(into_plain))
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
        self.raw().remove(key).map(into_plain)
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
    pub fn take<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, GetError> {
        self.remove(key)
            .map(|value| serde_json::from_value(value).map_err(|err| GetError::new::<T>(key, err)))
            .transpose()
    }

    /// True when an entry exists under `key`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// assert!(session.contains("user"));
    /// assert!(!session.contains("cart"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(&self, key: &str) -> bool {
        self.loaded().entries().contains_key(key)
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
        self.loaded().entries().keys().cloned().collect()
    }

    /// A copy of every entry.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// session.insert("visits", 3)?;
    /// let mut entries = session.entries();
    /// assert_eq!(entries.len(), 2);
    /// assert_eq!(entries["user"], "ada");
    /// // A copy: changing it leaves the session alone.
    /// entries.remove("user");
    /// assert!(session.contains("user"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entries(&self) -> Map<String, Value> {
        plain_map(self.loaded().entries())
    }

    /// How many entries the session holds.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert_eq!(session.len(), 0);
    /// session.insert("a", 1)?;
    /// session.insert("b", 2)?;
    /// assert_eq!(session.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn len(&self) -> usize {
        self.loaded().entries().len()
    }

    /// True when the session holds no entry.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert!(session.is_empty());
    /// session.insert("a", 1)?;
    /// assert!(!session.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.loaded().entries().is_empty()
    }

    /// Removes every entry and the [`subject`](Self::subject); the response deletes the
    /// session cookies.
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
        self.raw().clear();
    }

    /// Ends the session: removes every entry and deletes every session cookie the request
    /// carried, without decoding them.
    ///
    /// Entries written after `purge` in the same request (a flash message after logout,
    /// say) start a fresh session: the response then deletes the old cookies it does not
    /// overwrite and writes the new session, with a new generation id, a new lifetime and
    /// the configured persistence. Nothing of the old session survives into it.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(["__Host-session=anything; __Host-session_1=more"]);
    /// session.purge();
    /// let outcome = engine.save(&session).unwrap();
    /// assert!(outcome.cookies.iter().all(|cookie| cookie.is_removal()));
    /// assert_eq!(outcome.cookies.len(), 2);
    ///
    /// // Logout with a farewell message: the old chunks go, a fresh session comes.
    /// let session = engine.load(["__Host-session=anything; __Host-session_1=more"]);
    /// session.purge();
    /// session.insert("flash", "bye").unwrap();
    /// let outcome = engine.save(&session).unwrap();
    /// let names: Vec<_> = outcome.cookies.iter().map(|c| (c.name(), c.is_removal())).collect();
    /// assert_eq!(names, [("__Host-session_1", true), ("__Host-session", false)]);
    /// ```
    pub fn purge(&self) {
        self.raw().purge();
    }

    /// Renews the session: call it when the user's privileges change, at login above all.
    ///
    /// What it guarantees: the response writes the session again, under a new generation id
    /// (every write draws one) and with a new absolute lifetime, so the session does not
    /// inherit the deadline of the anonymous session it grew from; every cookie of the old
    /// write is replaced or deleted in that same response, so a chunk of the old set can never
    /// be joined with the new one. The session's CSRF token ([`csrf`](crate::csrf)) is
    /// dropped, so a token seen before the login is refused after it.
    ///
    /// The session gets a new [`id`](Self::id) (drawn when first needed) and keeps its
    /// [`subject`](Self::subject).
    ///
    /// What it cannot do: like every client-side session, a copy of the old cookie set
    /// taken before the renewal stays valid until its own deadline, because nothing on the
    /// server remembers it, unless it is revoked ([`revoke`](Self::revoke),
    /// docs/REVOCATION.md). Keep lifetimes short (or an idle timeout) where that matters;
    /// docs/SECURITY.md discusses it.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let anonymous = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// anonymous.insert("cart", [1, 2])?;
    /// let before = engine.save_at(&anonymous, 1_700_000_000)?.cookie_header();
    ///
    /// // A day later, the user logs in.
    /// let session = engine.load_at([before.as_str()], 1_700_086_400);
    /// session.insert("user", "ada")?;
    /// session.renew();
    /// assert_eq!(session.expires_at(), 1_700_086_400 + 14 * 24 * 3600);
    /// let after = engine.save_at(&session, 1_700_086_400)?;
    /// assert_ne!(after.cookie_header(), before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn renew(&self) {
        self.raw().renew();
    }

    /// True once the adapter finished the response: a change made afterwards (by a
    /// middleware wrapped outside the session's, say) never reaches the client.
    #[cfg_attr(not(feature = "actix-flash"), allow(dead_code))]
    pub(crate) fn is_finished(&self) -> bool {
        self.raw().is_finished()
    }

    /// True when this request changed the session (insert, remove, clear, purge, a change of
    /// persistence).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert!(!session.is_modified());
    /// session.insert("theme", "dark")?;
    /// assert!(session.is_modified());
    ///
    /// // Next request: storing the value it already holds changes nothing.
    /// let cookies = engine.save(&session)?.cookie_header();
    /// let next = engine.load([cookies.as_str()]);
    /// next.insert("theme", "dark")?;
    /// assert!(!next.is_modified());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_modified(&self) -> bool {
        self.raw().is_modified()
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
    /// assert!(engine.save(&session).unwrap().cookies[0].line().contains("Max-Age="));
    /// ```
    pub fn set_persistent(&self, persistent: bool) {
        self.raw().set_persistent(persistent);
    }

    /// Whether the session's cookies are persistent.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// // By default, cookies that end with the browser session.
    /// assert!(!session.is_persistent());
    /// session.set_persistent(true);
    /// assert!(session.is_persistent());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    /// assert_eq!(engine.load(["__Host-session=garbage"]).load_reason(), LoadReason::Malformed);
    /// ```
    pub fn load_reason(&self) -> LoadReason {
        self.loaded().reason()
    }

    /// Which engine passed to
    /// [`SessionEngine::migrating_from`](crate::SessionEngine::migrating_from) the session
    /// was read from (0 for the first), or `None` when it was not read from one (when it
    /// was, [`load_reason`](Self::load_reason) is `Valid`). Decodes it if nothing has yet.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let old = SessionEngine::signed(
    ///     SessionConfig::builder().name("sid").build()?,
    ///     KeyRing::new(Key::generate()),
    /// );
    /// let before = old.load(std::iter::empty());
    /// before.insert("user", "ada")?;
    /// let old_cookie = old.save(&before)?.cookie_header();
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .migrating_from(old);
    /// let session = engine.load([old_cookie.as_str()]);
    /// assert_eq!(session.migrated_from(), Some(0));
    /// // Written back in the engine's own format, it is read as its own from then on.
    /// let cookies = engine.save(&session)?.cookie_header();
    /// assert_eq!(engine.load([cookies.as_str()]).migrated_from(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn migrated_from(&self) -> Option<usize> {
        self.loaded().migrated()
    }

    /// The session cookies the request carried, by chunk index, as the engine read them
    /// (every `Cookie` field, by exact name), and the size of the request's other cookies:
    /// for tools that show a session's footprint. See
    /// [`Outcome::held`](crate::Outcome::held) for what the client holds after the response.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(["theme=dark; __Host-session=abc", "__Host-session_1=defg"]);
    /// let request = session.request_cookies();
    /// let pairs = ["__Host-session=abc".len(), "__Host-session_1=defg".len()];
    /// assert_eq!(request.session_pairs(), [(0, pairs[0]), (1, pairs[1])]);
    /// assert_eq!(request.other_pairs(), (1, "theme=dark".len()));
    /// ```
    pub fn request_cookies(&self) -> RequestCookies {
        self.raw().request_cookies()
    }

    /// Whether the session, as it stands now, fits its budget, and how big it would be on
    /// the wire: the handler can ask before it answers, and choose its own response when
    /// the session will not fit. It changes nothing: it seals a throwaway copy. Like any
    /// method that looks at the entries, it reads the session first, so the response then
    /// says `Vary: Cookie` and cleans up what a read cleans up.
    ///
    /// # Errors
    ///
    /// The [`SaveError`] the write would meet, [`SaveError::Overflow`] above all, whatever
    /// the overflow policy.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SaveError, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("small", "fits")?;
    /// assert_eq!(session.check()?.chunks, 1);
    /// let mut seed = 7u64;
    /// let noise: String = (0..20_000)
    ///     .map(|_| {
    ///         seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    ///         char::from(b'!' + (seed >> 58) as u8)
    ///     })
    ///     .collect();
    /// let previous = session.insert("big", noise)?;
    /// assert!(matches!(session.check(), Err(SaveError::Overflow { .. })));
    /// assert_eq!(previous, None);
    /// session.remove("big"); // back within budget
    /// assert!(session.check().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(&self) -> Result<Sizes, SaveError> {
        self.loaded().measure()
    }

    /// When the session's absolute lifetime ends, in Unix seconds (for a session not yet
    /// written, the deadline its first write will get).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// let deadline = 1_700_000_000 + 14 * 86_400; // the default lifetime
    /// assert_eq!(session.expires_at(), deadline);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    ///
    /// // A day later the deadline has not moved: the lifetime is absolute.
    /// let next = engine.load_at([cookies.as_str()], 1_700_000_000 + 86_400);
    /// assert_eq!(next.expires_at(), deadline);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn expires_at(&self) -> u64 {
        let state = self.loaded();
        state.expires_at_for_write(state.now())
    }
}

/// Revocation (docs/REVOCATION.md): the session's identity, signed into it with the rest,
/// and the ways to end it on the server, for an engine given a revocation store
/// ([`SessionEngine::with_revocation`](crate::SessionEngine::with_revocation)).
impl Session {
    /// The session's id: 128 random bits, the same in every write of the session, replaced
    /// by [`renew`](Self::renew). A session that has none yet (no cookie came, or it was
    /// renewed in this request) draws it now, and its next write carries it. Decodes the
    /// incoming session if nothing has yet.
    ///
    /// # Errors
    ///
    /// [`IdentityError::Random`] when the operating system has no randomness to give.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("cart", [1, 2])?;
    /// let id = session.id()?;
    /// let cookies = engine.save(&session)?.cookie_header();
    ///
    /// // The next request reads the same id; a renewal (at login) replaces it.
    /// let again = engine.load([cookies.as_str()]);
    /// assert_eq!(again.id()?, id);
    /// again.renew();
    /// assert_ne!(again.id()?, id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> Result<SessionId, IdentityError> {
        self.loaded().session_id().map(|(id, _)| id)
    }

    /// When the session's id was created, in microseconds since the Unix epoch (from
    /// [`now_micros`](crate::revocation::now_micros)), drawn with the id as
    /// [`id`](Self::id) says. Revocation orders sessions by it, to the microsecond.
    ///
    /// # Errors
    ///
    /// As [`id`](Self::id).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::now_micros;
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let before = now_micros();
    /// let session = engine.load(std::iter::empty());
    /// assert!(session.created()? > before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn created(&self) -> Result<u64, IdentityError> {
        self.loaded().session_id().map(|(_, created)| created)
    }

    /// The subject (the user) the session is bound to, if any. Decodes the incoming
    /// session if nothing has yet.
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert_eq!(session.subject(), None);
    /// session.set_subject("ada@example.com")?;
    /// assert_eq!(session.subject().as_deref(), Some("ada@example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subject(&self) -> Option<String> {
        self.loaded().subject().map(str::to_owned)
    }

    /// Binds the session to a subject (the user it belongs to: an id, an e-mail address),
    /// at login, after [`renew`](Self::renew): what
    /// [`SessionEngine::revoke_subject`](crate::SessionEngine::revoke_subject) ends and the
    /// device registry lists by. The session counts as modified when the subject changes.
    /// A renewal keeps it; [`clear`](Self::clear) and [`purge`](Self::purge) drop it. The
    /// native formats always carry it (the private format encrypted, the signed one
    /// readable by whoever holds the cookies, like the entries); Flask's carries it only
    /// with a revocation store.
    ///
    /// # Errors
    ///
    /// A subject that is empty, longer than
    /// [`MAX_SUBJECT_LEN`](crate::revocation::MAX_SUBJECT_LEN) bytes or holds a control
    /// character ([`check_subject`](crate::revocation::check_subject)).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::revocation::IdentityError;
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.renew();
    /// session.set_subject("user-42")?;
    /// assert!(session.is_modified());
    /// assert_eq!(session.set_subject("a\nb"), Err(IdentityError::SubjectControl));
    /// let cookies = engine.save(&session)?.cookie_header();
    /// assert_eq!(engine.load([cookies.as_str()]).subject().as_deref(), Some("user-42"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_subject(&self, subject: impl Into<String>) -> Result<(), IdentityError> {
        self.raw().set_subject(Some(subject.into()))
    }

    /// Unbinds the session from its subject (a change, if it had one).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.set_subject("ada")?;
    /// let cookies = engine.save(&session)?.cookie_header();
    ///
    /// let next = engine.load([cookies.as_str()]);
    /// next.clear_subject();
    /// assert_eq!(next.subject(), None);
    /// assert!(next.is_modified());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear_subject(&self) {
        // Binding to no subject checks nothing, so it cannot fail.
        let _ = self.raw().set_subject(None);
    }

    /// The session as revocation knows it: id, creation time, subject and the deadline its
    /// next write signs; what a [`Revocation`](crate::revocation::Revocation) store takes.
    ///
    /// # Errors
    ///
    /// As [`id`](Self::id).
    ///
    /// # Example
    ///
    /// ```
    /// # let engine = chunked_cookie_session::SessionEngine::signed(Default::default(), chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.set_subject("ada")?;
    /// let identity = session.identity()?;
    /// assert_eq!(identity.session_id(), session.id()?);
    /// assert_eq!(identity.subject(), Some("ada"));
    /// assert_eq!(identity.expires_at(), session.expires_at());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn identity(&self) -> Result<Identity, IdentityError> {
        self.loaded().identity()
    }

    /// Tells the session the request's `User-Agent`, which the device registry records
    /// with each write of a session bound to a subject (cut to
    /// [`MAX_USER_AGENT_LEN`](crate::revocation::MAX_USER_AGENT_LEN) bytes). The axum and
    /// actix-web adapters call it; a binding to another framework does the same. Nothing
    /// is kept unless the engine's revocation store has its registry on.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::{MAX_USER_AGENT_LEN, MemoryRevocation};
    /// use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
    ///
    /// let store = MemoryRevocation::builder().registry(10).build()?;
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(store))?;
    /// let session = engine.load(std::iter::empty());
    /// session.set_subject("ada")?;
    /// let agent = format!("Mozilla/5.0 {}", "x".repeat(MAX_USER_AGENT_LEN));
    /// session.set_user_agent(&agent);
    /// assert_eq!(engine.finish(&session, ResponseInfo::new(200)).cookies.len(), 1);
    ///
    /// let devices = engine.devices("ada").wait()?;
    /// assert_eq!(devices[0].user_agent, agent[..MAX_USER_AGENT_LEN]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_user_agent(&self, user_agent: &str) {
        self.raw().set_user_agent(user_agent);
    }

    /// Logout that holds: revokes this session in the engine's store, every copy and every
    /// write of it, until its deadline, and purges it (the response deletes its cookies).
    /// The revocation applies in this process before the call returns; the answer says
    /// whether the shared store (Redis) confirmed it: `.await` it in an async handler,
    /// `.wait()` elsewhere. A session that had nothing to revoke (no cookie, a refused one)
    /// is only purged.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] when the engine has no
    /// store (the session is purged all the same), and the store's own errors.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(MemoryRevocation::new()))?;
    /// let session = engine.load(std::iter::empty());
    /// session.set_subject("ada")?;
    /// let copied = engine.save(&session)?.cookie_header();
    ///
    /// // Logout: the response deletes the cookies, and a copy taken before is refused.
    /// let logout = engine.load([copied.as_str()]);
    /// logout.revoke().wait()?;
    /// assert!(engine.save(&logout)?.cookies.iter().all(|c| c.is_removal()));
    /// assert_eq!(engine.load([copied.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke(&self) -> Pending<()> {
        let (store, identity) = {
            let mut state = self.raw();
            let identity = state.end();
            (state.revocation().cloned(), identity)
        };
        match (store, identity) {
            (None, _) => Pending::ready(Err(RevocationError::NotConfigured)),
            (Some(_), None) => Pending::ready(Ok(())),
            (Some(store), Some(identity)) => store.revoke(&identity),
        }
    }

    /// "Sign out everywhere else" (a password change): revokes every session of this
    /// session's subject created before now, on every device, and renews this one (a new
    /// id created after that instant, a new lifetime), so it stays signed in. The answer,
    /// as for [`revoke`](Self::revoke), is the revocation's epoch (microseconds) once the
    /// shared store confirmed it.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store,
    /// [`RevocationError::NoSubject`] for a session bound to no subject (nothing is changed
    /// then), and the store's own errors.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(MemoryRevocation::new()))?;
    /// let sign_in = |subject: &str| -> Result<String, Box<dyn std::error::Error>> {
    ///     let session = engine.load(std::iter::empty());
    ///     session.set_subject(subject)?;
    ///     Ok(engine.save(&session)?.cookie_header())
    /// };
    /// let (laptop, phone) = (sign_in("ada")?, sign_in("ada")?);
    ///
    /// // On the laptop, Ada changes her password.
    /// let session = engine.load([laptop.as_str()]);
    /// session.revoke_others().wait()?;
    /// let laptop = engine.save(&session)?.cookie_header();
    /// assert_eq!(engine.load([laptop.as_str()]).load_reason(), LoadReason::Valid);
    /// assert_eq!(engine.load([phone.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_others(&self) -> Pending<u64> {
        let mut state = self.loaded();
        let Some(store) = state.revocation().cloned() else {
            return Pending::ready(Err(RevocationError::NotConfigured));
        };
        let Some(subject) = state.subject().map(str::to_owned) else {
            return Pending::ready(Err(RevocationError::NoSubject));
        };
        // The store takes its epoch now; the new id is drawn after it, so it is spared.
        let pending = store.revoke_subject(&subject);
        state.renew();
        // Should no randomness be had now, the id is drawn at the write, later still.
        let _ = state.session_id();
        pending
    }

    /// "Sign out everywhere": revokes every session of this session's subject created
    /// before now, this one included, and purges this one (the response deletes its
    /// cookies). What [`SessionEngine::revoke_subject`](crate::SessionEngine::revoke_subject)
    /// does, for the subject of the request's own session; the answer is the epoch
    /// (microseconds) once the shared store confirmed it.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store,
    /// [`RevocationError::NoSubject`] for a session bound to no subject (nothing is changed
    /// then), and the store's own errors.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(MemoryRevocation::new()))?;
    /// let sign_in = |subject: &str| -> Result<String, Box<dyn std::error::Error>> {
    ///     let session = engine.load(std::iter::empty());
    ///     session.set_subject(subject)?;
    ///     Ok(engine.save(&session)?.cookie_header())
    /// };
    /// let (laptop, phone) = (sign_in("ada")?, sign_in("ada")?);
    ///
    /// let session = engine.load([laptop.as_str()]);
    /// session.revoke_everywhere().wait()?;
    /// assert!(engine.save(&session)?.cookies.iter().all(|c| c.is_removal()));
    /// assert_eq!(engine.load([laptop.as_str()]).load_reason(), LoadReason::Revoked);
    /// assert_eq!(engine.load([phone.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_everywhere(&self) -> Pending<u64> {
        let mut state = self.loaded();
        let (store, subject) = match Self::store_and_subject(&state) {
            Ok(found) => found,
            Err(error) => return Pending::ready(Err(error)),
        };
        let pending = store.revoke_subject(&subject);
        let _ = state.end();
        pending
    }

    /// The sessions of this session's subject that the device registry knows, most
    /// recently seen first, this one among them once it was written ("your devices").
    /// What [`SessionEngine::devices`](crate::SessionEngine::devices) answers for the
    /// subject of the request's own session.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store,
    /// [`RevocationError::NoSubject`] for a session bound to no subject,
    /// [`RevocationError::RegistryDisabled`] when the store's registry is off, and the
    /// store's own errors.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
    ///
    /// let store = MemoryRevocation::builder().registry(10).build()?;
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(store))?;
    /// let session = engine.load(std::iter::empty());
    /// session.set_user_agent("Firefox/140.0");
    /// session.set_subject("ada")?;
    /// let cookies = engine.finish(&session, ResponseInfo::new(200)).cookie_header();
    ///
    /// let next = engine.load([cookies.as_str()]);
    /// let devices = next.devices().wait()?;
    /// assert_eq!(devices.len(), 1);
    /// assert_eq!(devices[0].session_id, next.id()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn devices(&self) -> Pending<Vec<Device>> {
        let state = self.loaded();
        match Self::store_and_subject(&state) {
            Ok((store, subject)) => {
                drop(state);
                store.devices(&subject)
            }
            Err(error) => Pending::ready(Err(error)),
        }
    }

    /// "Sign out that device": revokes the session `id` if the device registry lists it
    /// under this session's subject; `false` (and nothing revoked) otherwise, so a user can
    /// only end their own sessions. What
    /// [`SessionEngine::revoke_device`](crate::SessionEngine::revoke_device) does for the
    /// subject of the request's own session. Given this session's own id, it is refused
    /// from the next request on; [`revoke`](Self::revoke) also deletes its cookies now.
    ///
    /// # Errors
    ///
    /// As [`devices`](Self::devices).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, ResponseInfo, SessionConfig, SessionEngine};
    ///
    /// let store = MemoryRevocation::builder().registry(10).build()?;
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(store))?;
    /// let sign_in = |subject: &str| -> Result<String, Box<dyn std::error::Error>> {
    ///     let session = engine.load(std::iter::empty());
    ///     session.set_subject(subject)?;
    ///     Ok(engine.finish(&session, ResponseInfo::new(200)).cookie_header())
    /// };
    /// let (laptop, phone, bobs) = (sign_in("ada")?, sign_in("ada")?, sign_in("bob")?);
    /// let phone_id = engine.load([phone.as_str()]).id()?;
    /// let bobs_id = engine.load([bobs.as_str()]).id()?;
    ///
    /// let session = engine.load([laptop.as_str()]);
    /// assert!(!session.revoke_device(bobs_id).wait()?, "not Ada's");
    /// assert!(session.revoke_device(phone_id).wait()?);
    /// assert_eq!(engine.load([phone.as_str()]).load_reason(), LoadReason::Revoked);
    /// assert_eq!(engine.load([laptop.as_str()]).load_reason(), LoadReason::Valid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_device(&self, id: SessionId) -> Pending<bool> {
        let state = self.loaded();
        match Self::store_and_subject(&state) {
            Ok((store, subject)) => {
                drop(state);
                store.revoke_device(&subject, id)
            }
            Err(error) => Pending::ready(Err(error)),
        }
    }

    /// The engine's store and the session's subject, or why there is none to act on.
    fn store_and_subject(state: &State) -> Result<(Arc<dyn Revocation>, String), RevocationError> {
        let store = state
            .revocation()
            .cloned()
            .ok_or(RevocationError::NotConfigured)?;
        let subject = state
            .subject()
            .map(str::to_owned)
            .ok_or(RevocationError::NoSubject)?;
        Ok((store, subject))
    }
}

/// For bindings to frameworks that read every request's session up front and keep it in
/// their own objects (the Python package's Flask extension does): the entries handed over
/// and taken back whole, and access reported by the framework.
impl Session {
    /// Whether the handler touched the session, as the framework tracks it (Flask's
    /// `session.accessed`), replacing what this handle's own reads recorded: it decides
    /// `Vary: Cookie`. Whether the session is written does not depend on it.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// // The framework reads the session up front, whatever the handler does next.
    /// let session = engine.load(["theme=dark"]);
    /// assert!(session.entries().is_empty());
    /// // The handler never looked at it: the response need not vary on cookies.
    /// session.set_accessed(false);
    /// assert!(!engine.save(&session)?.vary_cookie);
    /// session.set_accessed(true);
    /// assert!(engine.save(&session)?.vary_cookie);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_accessed(&self, accessed: bool) {
        self.raw().set_accessed(accessed);
    }

    /// True when the response will write the session even though nothing changed: an
    /// old key sealed it, its refresh threshold has passed, or it is persistent and
    /// persistent sessions are refreshed on every request. A binding that holds the
    /// entries in its own objects hands them back then, so what is written is what the
    /// handler left.
    ///
    /// # Example
    ///
    /// ```
    /// use std::time::Duration;
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let config = SessionConfig::builder().refresh_after(Duration::from_secs(60)).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    /// assert!(!engine.load_at([cookies.as_str()], 1_700_000_059).rewrite_due());
    /// assert!(engine.load_at([cookies.as_str()], 1_700_000_060).rewrite_due());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rewrite_due(&self) -> bool {
        let mut state = self.raw();
        state.decode_once();
        state.rewrite_due(state.now())
    }

    /// Lends the entries to `f` as Python values (feature `flask`), for a Flask engine or a
    /// native one: what Flask's session would hold. Decodes the incoming session if
    /// nobody has yet.
    ///
    /// # Errors
    ///
    /// [`InvalidEntry`] when an entry the Rust API stored is not valid tagged JSON (a
    /// `{" t": 5}`), which Flask could not read.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{FlaskSettings, PyValue, Tuple};
    /// use chunked_cookie_session::{SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::flask(SessionConfig::flask_defaults().build()?, FlaskSettings::new("k")?);
    /// let session = engine.load(std::iter::empty());
    /// session.insert("pair", Tuple((1, "two")))?;
    /// let pair = session.with_python_entries(|entries| entries[0].1.clone())?;
    /// assert_eq!(pair, PyValue::Tuple(vec![PyValue::Int(1), PyValue::Str("two".into())]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn with_python_entries<R>(
        &self,
        f: impl FnOnce(&[(String, PyValue)]) -> R,
    ) -> Result<R, InvalidEntry> {
        let mut state = self.loaded();
        let entries = state
            .python_entries()
            .map_err(|(key, error)| InvalidEntry { key, error })?;
        Ok(f(entries))
    }

    /// A copy of the entries as Python values (feature `flask`); see
    /// [`with_python_entries`](Self::with_python_entries).
    ///
    /// # Errors
    ///
    /// As [`with_python_entries`](Self::with_python_entries).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// use chunked_cookie_session::flask::{Bytes, PyValue};
    ///
    /// let session = engine.load(std::iter::empty());
    /// session.insert("raw", Bytes(vec![0, 255]))?;
    /// session.insert("user", "ada")?;
    /// assert_eq!(
    ///     session.python_entries()?,
    ///     [
    ///         ("raw".to_owned(), PyValue::Bytes(vec![0, 255])),
    ///         ("user".to_owned(), PyValue::Str("ada".into())),
    ///     ]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn python_entries(&self) -> Result<Vec<(String, PyValue)>, InvalidEntry> {
        self.with_python_entries(<[(String, PyValue)]>::to_vec)
    }

    /// The entries as Python values (feature `flask`), shared rather than copied: the
    /// session holds them in this form once asked for, and replaces them whole when they
    /// change, so the snapshot costs a reference count and stays as it was whatever the
    /// session does next. What a binding converts with the session's lock released.
    ///
    /// # Errors
    ///
    /// As [`with_python_entries`](Self::with_python_entries).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// use chunked_cookie_session::flask::PyValue;
    ///
    /// let session = engine.load(std::iter::empty());
    /// session.insert("user", "ada")?;
    /// let snapshot = session.python_snapshot()?;
    /// session.insert("user", "grace")?;
    /// assert_eq!(snapshot[..], [("user".to_owned(), PyValue::Str("ada".into()))]);
    /// assert_eq!(session.python_snapshot()?[0].1, PyValue::Str("grace".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn python_snapshot(&self) -> Result<Arc<[(String, PyValue)]>, InvalidEntry> {
        let mut state = self.loaded();
        state
            .python_entries()
            .cloned()
            .map_err(|(key, error)| InvalidEntry { key, error })
    }

    /// Replaces every entry with these Python values (feature `flask`), each key once: the
    /// session counts as modified, as Flask's does once its dict changed, and is written
    /// whole by the response. For a Flask engine, `_permanent` decides the persistence, as
    /// in Flask.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{FlaskSettings, PyValue};
    /// use chunked_cookie_session::{SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::flask(SessionConfig::flask_defaults().build()?, FlaskSettings::new("test-secret")?);
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.set_python_entries(vec![("user".into(), PyValue::Str("alice".into()))]);
    /// let outcome = engine.save_at(&session, 1_700_000_000)?;
    /// assert_eq!(
    ///     outcome.cookies[0].line(),
    ///     "session=eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0; HttpOnly; Path=/"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn set_python_entries(&self, entries: Vec<(String, PyValue)>) {
        self.raw().set_python_entries(entries);
    }
}

impl fmt::Debug for Session {
    // Session contents never reach a log through `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.raw();
        let mut out = f.debug_struct("Session");
        if state.accessed() {
            out.field("entries", &state.entries().len())
                .field("load_reason", &state.reason());
        } else {
            out.field("loaded", &false);
        }
        out.field("modified", &state.is_modified())
            .finish_non_exhaustive()
    }
}
