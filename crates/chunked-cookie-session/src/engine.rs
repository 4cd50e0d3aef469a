//! The framework-free core: request cookies in, session out; session in, an [`Outcome`] out.
//!
//! Every rule about writing session cookies lives here (the rules of reading them live in
//! the session's state, below), so the axum and actix-web adapters, the CLI and the
//! playground only translate.

use std::fmt;
use std::sync::Arc;

use crate::clock::unix_now;
use crate::codec::{Form, Format};
use crate::config::{ConfigError, SessionConfig, Unit};
use crate::error::SaveError;
use crate::inspect::Inspector;
use crate::keys::KeyRing;
use crate::outcome::{Outcome, ResponseInfo};
use crate::revocation::{Device, Pending, Revocation, RevocationError, SessionId};
use crate::session::Session;
use crate::setting::Setting;
use crate::state::{Previous, Rules, State};

/// Loads sessions from request cookies and decides what responses carry back.
///
/// One engine serves a whole application; it is cheap to clone.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
///
/// let config = SessionConfig::builder().max_size(16 * 1024).build().unwrap();
/// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()));
///
/// // First request: no cookie. The handler stores 8.5 KB of tokens, which need three cookies.
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// let mut seed = 1u64;
/// let token: String = (0..8_500)
///     .map(|_| {
///         seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
///         char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(seed >> 58) as usize % 62])
///     })
///     .collect();
/// session.insert("tokens", &token).unwrap();
/// let outcome = engine.save_at(&session, 1_700_000_000).unwrap();
/// let names: Vec<&str> = outcome.cookies.iter().map(|cookie| cookie.name()).collect();
/// assert_eq!(names, ["__Host-session", "__Host-session_1", "__Host-session_2"]);
///
/// // Next request: the browser sends the cookies back.
/// let session = engine.load_at([outcome.cookie_header().as_str()], 1_700_000_060);
/// assert_eq!(session.load_reason(), LoadReason::Valid);
/// assert_eq!(session.get::<String>("tokens").unwrap(), Some(token));
/// ```
#[derive(Clone)]
pub struct SessionEngine {
    rules: Arc<Rules>,
    /// Engines whose sessions are read when a request has none of this one's.
    previous: Vec<Arc<Rules>>,
}

impl fmt::Debug for SessionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionEngine")
            .field("config", &self.rules.config)
            .field("format", &self.rules.format)
            .field("revocation", &self.rules.revocation)
            .finish()
    }
}

impl SessionEngine {
    /// An engine for the native signed format (HMAC-SHA256), sealing with the ring's current
    /// key and accepting its older keys. A cookie the configuration does not name is
    /// `__Host-session` where its attributes allow the prefix, else `session`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert_eq!(engine.config().name(), "__Host-session");
    /// ```
    pub fn signed(config: SessionConfig, keys: KeyRing) -> SessionEngine {
        SessionEngine::with_format(config.with_native_name(), Format::signed(keys))
    }

    /// An engine for the native private format (XChaCha20-Poly1305, feature `private`):
    /// the client can neither read nor alter the session. It seals with the ring's current
    /// key and opens sessions sealed by its older keys, re-sealing them with the current key
    /// on the next response. Compression stays off unless the configuration says
    /// [`Compression::On`](crate::Compression::On).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("idp_token", "do-not-show-the-user").unwrap();
    /// let outcome = engine.save_at(&session, 1_700_000_000).unwrap();
    /// assert!(!outcome.cookies[0].value().contains("do-not-show"));
    ///
    /// let session = engine.load_at([outcome.cookie_header().as_str()], 1_700_000_060);
    /// assert_eq!(session.load_reason(), LoadReason::Valid);
    /// assert_eq!(session.get::<String>("idp_token").unwrap().unwrap(), "do-not-show-the-user");
    /// ```
    #[cfg(feature = "private")]
    #[cfg_attr(docsrs, doc(cfg(feature = "private")))]
    pub fn private(config: SessionConfig, keys: KeyRing) -> SessionEngine {
        SessionEngine::with_format(config.with_native_name(), Format::private(keys))
    }

    /// An engine that reads and writes a Flask application's session cookies (feature
    /// `flask`): itsdangerous's signature with the settings' secret key and fallbacks,
    /// Flask's tagged JSON, the stock or the chunked layout. The configuration supplies the
    /// cookie name and attributes; set them as the Flask app's `SESSION_COOKIE_*` settings
    /// (start from [`SessionConfig::flask_defaults`]). The lifetime is the settings'
    /// `PERMANENT_SESSION_LIFETIME`, started again at every write, as in Flask. See the
    /// [`flask`](crate::flask) module.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
    /// use chunked_cookie_session::{LoadReason, SessionConfig, SessionEngine};
    ///
    /// let settings = FlaskSettings::new("change-me")?.layout(FlaskLayout::Chunked);
    /// let engine = SessionEngine::flask(SessionConfig::flask_defaults().build()?, settings);
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("notes", "n".repeat(6000))?;
    /// let outcome = engine.save_at(&session, 1_700_000_000)?;
    /// assert_eq!(outcome.cookies[0].name(), "session:0");
    ///
    /// let again = engine.load_at([outcome.cookie_header().as_str()], 1_700_000_001);
    /// assert_eq!(again.load_reason(), LoadReason::Valid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn flask(config: SessionConfig, settings: crate::flask::FlaskSettings) -> SessionEngine {
        SessionEngine::with_format(config, Format::flask(&settings))
    }

    /// An engine of any format: the previous formats, which are only read, are built this
    /// way by [`EngineOptions`](crate::EngineOptions).
    pub(crate) fn with_format(config: SessionConfig, format: Format) -> SessionEngine {
        SessionEngine {
            rules: Arc::new(Rules::new(config, format)),
            previous: Vec::new(),
        }
    }

    /// Adopts the sessions of `previous` during a migration: when a request carries no
    /// valid session of this engine's own, its cookies are read as `previous` reads them
    /// (another format, layout or cookie name), and a valid session found there becomes
    /// this request's session. It counts as modified, so the response writes it in this
    /// engine's format, with a new lifetime, and deletes the previous cookies whose names
    /// it does not reuse. Any response that writes the session also deletes previous
    /// cookies still lingering beside a session of this engine's; a response that writes
    /// nothing leaves them alone. Call it once per previous engine, most likely first;
    /// [`Session::migrated_from`] tells which one a session came from.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// // Sessions so far: cookie `sid`, one key. From now on: `__Host-session`, another key.
    /// let old = SessionEngine::signed(
    ///     SessionConfig::builder().name("sid").build()?,
    ///     KeyRing::new(Key::generate()),
    /// );
    /// let before = old.load_at(std::iter::empty(), 1_700_000_000);
    /// before.insert("user", "alice")?;
    /// let old_cookie = old.save_at(&before, 1_700_000_000)?.cookie_header();
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .migrating_from(old);
    /// let session = engine.load_at([old_cookie.as_str()], 1_700_000_100);
    /// assert_eq!(session.load_reason(), LoadReason::Valid);
    /// assert_eq!(session.migrated_from(), Some(0));
    /// assert_eq!(session.get::<String>("user")?.as_deref(), Some("alice"));
    /// let outcome = engine.save_at(&session, 1_700_000_100)?;
    /// let names: Vec<_> = outcome.cookies.iter().map(|c| (c.name(), c.is_removal())).collect();
    /// assert_eq!(names, [("sid", true), ("__Host-session", false)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn migrating_from(mut self, previous: SessionEngine) -> SessionEngine {
        self.previous.push(previous.rules);
        self
    }

    /// The configuration.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert_eq!(engine.config().max_chunks(), 16);
    /// ```
    pub fn config(&self) -> &SessionConfig {
        &self.rules.config
    }

    /// The chunk index a cookie name stands for in this engine's layout, or `None` when the
    /// cookie is not one of this session's.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert_eq!(engine.chunk_index("__Host-session"), Some(0));
    /// assert_eq!(engine.chunk_index("__Host-session_3"), Some(3));
    /// assert_eq!(engine.chunk_index("__Host-sessionid"), None);
    /// assert_eq!(engine.chunk_index("session"), None);
    /// ```
    pub fn chunk_index(&self, cookie_name: &str) -> Option<usize> {
        let rules = &*self.rules;
        rules
            .layout()
            .index_of(&rules.config.name, cookie_name, rules.chunk_limit())
    }

    /// The name of the cookie that holds chunk `index`, or `None` past the most chunks this
    /// engine reads.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert_eq!(engine.chunk_name(0).as_deref(), Some("__Host-session"));
    /// assert_eq!(engine.chunk_name(2).as_deref(), Some("__Host-session_2"));
    /// assert_eq!(engine.chunk_name(16), None);
    /// ```
    pub fn chunk_name(&self, index: usize) -> Option<String> {
        let rules = &*self.rules;
        (index < rules.chunk_limit())
            .then(|| rules.layout().name(&rules.config.name, index).into_owned())
    }

    /// An [`Inspector`] for this engine's cookie name and layout: what a request's session
    /// cookies show from the outside, without verifying anything.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let inspection = engine.inspector().inspect(["__Host-session_1=x; theme=dark"]);
    /// assert_eq!(inspection.chunks[0].name, "__Host-session_1");
    /// assert_eq!(inspection.others, ["theme"]);
    /// assert!(inspection.token.is_none());
    /// ```
    pub fn inspector(&self) -> Inspector {
        Inspector::for_format(&self.rules.config, &self.rules.format)
    }

    /// Prepares the session of a request from the values of its `Cookie` header fields
    /// (every one of them: HTTP/2 sends one field per cookie). Nothing is verified until
    /// the handler first touches the session.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(["theme=dark", "__Host-session=forged"]);
    /// assert_eq!(session.load_reason(), LoadReason::Malformed);
    /// ```
    pub fn load<'a>(&self, cookie_fields: impl IntoIterator<Item = &'a str>) -> Session {
        self.load_at(cookie_fields, unix_now())
    }

    /// [`load`](Self::load) with an explicit clock, in Unix seconds.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    ///
    /// // The same cookies a day later, then past the default lifetime of 14 days.
    /// let day = 86_400;
    /// let a_day_on = engine.load_at([cookies.as_str()], 1_700_000_000 + day);
    /// assert_eq!(a_day_on.load_reason(), LoadReason::Valid);
    /// let too_late = engine.load_at([cookies.as_str()], 1_700_000_000 + 15 * day);
    /// assert_eq!(too_late.load_reason(), LoadReason::Expired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_at<'a>(
        &self,
        cookie_fields: impl IntoIterator<Item = &'a str>,
        now: u64,
    ) -> Session {
        self.load_form(cookie_fields, now, Form::Map)
    }

    /// [`load`](Self::load) for a binding that hands the entries to Python (feature
    /// `flask`): a native session's entries are decoded straight into the Python values
    /// [`Session::with_python_entries`] lends, and made into the JSON map only if the Rust
    /// API asks for it (Flask's format reads Python values whichever load is used).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{PyValue, Tuple};
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("pair", Tuple((1, 2)))?;
    /// let cookies = engine.save(&session)?.cookie_header();
    /// let python = engine.load_python([cookies.as_str()]).python_entries()?;
    /// assert_eq!(python[0].1, PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn load_python<'a>(&self, cookie_fields: impl IntoIterator<Item = &'a str>) -> Session {
        self.load_form(cookie_fields, unix_now(), Form::Python)
    }

    /// [`load_python`](Self::load_python) with an explicit clock, in Unix seconds.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::PyValue;
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let cookies = engine.save_at(&session, 1_700_000_000)?.cookie_header();
    ///
    /// let next = engine.load_python_at([cookies.as_str()], 1_700_000_060);
    /// assert_eq!(next.python_entries()?, [("user".to_owned(), PyValue::Str("ada".into()))]);
    /// let expired = engine.load_python_at([cookies.as_str()], 1_700_000_000 + 15 * 86_400);
    /// assert_eq!(expired.load_reason(), LoadReason::Expired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
    pub fn load_python_at<'a>(
        &self,
        cookie_fields: impl IntoIterator<Item = &'a str>,
        now: u64,
    ) -> Session {
        self.load_form(cookie_fields, now, Form::Python)
    }

    fn load_form<'a>(
        &self,
        cookie_fields: impl IntoIterator<Item = &'a str>,
        now: u64,
        form: Form,
    ) -> Session {
        let (incoming, previous) = if self.previous.is_empty() {
            (self.rules.collect(cookie_fields), Vec::new())
        } else {
            let fields: Vec<&str> = cookie_fields.into_iter().collect();
            let previous = self
                .previous
                .iter()
                .map(|rules| Previous {
                    rules: Arc::clone(rules),
                    incoming: rules.collect(fields.iter().copied()),
                })
                .collect();
            (self.rules.collect(fields.iter().copied()), previous)
        };
        Session::from_state(State::new(
            Arc::clone(&self.rules),
            previous,
            incoming,
            now,
            form,
        ))
    }

    /// What the response carries for `session`: the `Set-Cookie` values (deletions first)
    /// and the size of the session on the wire. It changes nothing, so it can be called to
    /// learn whether a session fits before the real response.
    ///
    /// Nothing is written for a session the handler never touched, nor for one that was
    /// read and left unchanged (unless its refresh is due, it was sealed by an old key, or
    /// the request carried debris to clean up).
    ///
    /// # Errors
    ///
    /// [`SaveError::Overflow`] when the session does not fit in the budget under
    /// [`OverflowPolicy::Error`](crate::OverflowPolicy::Error): then nothing at all should be written.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// assert!(engine.save(&session)?.cookies.is_empty());
    /// session.insert("user", "ada")?;
    /// let outcome = engine.save(&session)?;
    /// assert_eq!(outcome.cookies.len(), 1);
    /// assert!(outcome.vary_cookie);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, session: &Session) -> Result<Outcome, SaveError> {
        self.save_at(session, unix_now())
    }

    /// [`save`](Self::save) with an explicit clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// As [`save`](Self::save).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// session.set_persistent(true);
    /// let outcome = engine.save_at(&session, 1_700_000_000)?;
    /// // A persistent cookie lives until the deadline the clock sets: 14 days from now.
    /// assert!(outcome.cookies[0].line().contains("Max-Age=1209600"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save_at(&self, session: &Session, now: u64) -> Result<Outcome, SaveError> {
        let mut state = session.raw();
        let written = state.write(now)?;
        Ok(Outcome::written(written).for_response(state.accessed(), &ResponseInfo::new(200)))
    }

    /// Everything a framework adapter needs to finish a response: the headers to add, and
    /// the error to answer with when the session did not fit. Failures are logged here, at
    /// error level, with the sizes. A write of a session bound to a subject is handed to
    /// the revocation store's device registry (queued, never waited for).
    ///
    /// By default nothing is written on a 5xx response: a failing handler must not commit
    /// half-made changes to the session.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("a", 1).unwrap();
    /// assert!(engine.finish(&session, ResponseInfo::new(500)).cookies.is_empty());
    /// let ok = engine.finish(&session, ResponseInfo::new(200));
    /// assert_eq!(ok.cookies.len(), 1);
    /// assert!(ok.vary_cookie);
    /// ```
    pub fn finish(&self, session: &Session, response: ResponseInfo) -> Outcome {
        self.finish_at(session, response, unix_now())
    }

    /// [`finish`](Self::finish) with an explicit clock, in Unix seconds.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, ResponseInfo, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("user", "ada")?;
    /// let outcome = engine.finish_at(&session, ResponseInfo::new(200), 1_700_000_000);
    /// assert!(outcome.error.is_none());
    ///
    /// let next = engine.load_at([outcome.cookie_header().as_str()], 1_700_000_060);
    /// assert_eq!(next.expires_at(), 1_700_000_000 + 14 * 86_400);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish_at(&self, session: &Session, response: ResponseInfo, now: u64) -> Outcome {
        let mut state = session.raw();
        state.mark_finished();
        let accessed = state.accessed();
        if response.status() >= 500 && !self.rules.config.write_on_server_error {
            return Outcome::default().for_response(accessed, &response);
        }
        match state.write(now) {
            Ok(written) => {
                state.record_write(&written, now);
                Outcome::written(written).for_response(accessed, &response)
            }
            Err(error) => {
                log_failure(&error);
                Outcome::failed(error, response.status() < 400).for_response(accessed, &response)
            }
        }
    }

    /// True when this engine encrypts the sessions it writes (the private format): a client
    /// can neither read nor alter them. The signed and Flask formats are readable by anyone
    /// holding the cookies.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert!(!engine.is_encrypted());
    /// # #[cfg(feature = "private")]
    /// # assert!(SessionEngine::private(SessionConfig::default(), KeyRing::new(Key::generate())).is_encrypted());
    /// ```
    pub fn is_encrypted(&self) -> bool {
        self.rules.policy().encrypted
    }
}

/// Revocation (docs/REVOCATION.md): the store every verified session is checked against at
/// load, and the calls that end sessions by subject, by time, and by device.
impl SessionEngine {
    /// The same engine, checking every session it loads against `store` (a lookup in this
    /// process's memory, never the network): a revoked session loads empty as
    /// [`LoadReason::Revoked`](crate::LoadReason::Revoked) and the response deletes its
    /// cookies; one the store cannot vouch for (fail-closed, out of date) loads empty as
    /// [`LoadReason::RevocationUnavailable`](crate::LoadReason::RevocationUnavailable) and
    /// keeps them. Each write of a session bound to a subject goes to the store's device
    /// registry. Flask's format then carries the identity in reserved entries. Sessions
    /// read from the engines of [`migrating_from`](Self::migrating_from) are checked too.
    ///
    /// # Errors
    ///
    /// [`ConfigError::OutOfRange`] naming [`Setting::Lifetime`] and
    /// [`Setting::Revocation`] when the engine's sessions live longer than the store keeps
    /// revocations ([`Revocation::max_lifetime`]): build the store with the engine's
    /// lifetime ([`SessionConfig::lifetime`]).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use chunked_cookie_session::revocation::MemoryRevocation;
    /// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine, Setting};
    ///
    /// let config = SessionConfig::builder().lifetime(Duration::from_secs(7 * 86_400)).build()?;
    /// let store = MemoryRevocation::builder().lifetime(config.lifetime()).build()?;
    /// let engine = SessionEngine::signed(config, KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(store))?;
    /// assert!(engine.revocation().is_some());
    ///
    /// // A store that forgets revocations before the sessions end is refused.
    /// let short = MemoryRevocation::builder().lifetime(Duration::from_secs(86_400)).build()?;
    /// let err = engine.with_revocation(Arc::new(short)).unwrap_err();
    /// assert_eq!(err.settings(), [Setting::Lifetime, Setting::Revocation]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_revocation(
        mut self,
        store: Arc<dyn Revocation>,
    ) -> Result<SessionEngine, ConfigError> {
        let lifetime = self.rules.config.lifetime.as_secs();
        let kept = store.max_lifetime().as_secs();
        if lifetime > kept {
            return Err(ConfigError::OutOfRange {
                setting: Setting::Lifetime,
                value: lifetime,
                min: 1,
                max: Some(kept),
                unit: Unit::Seconds,
                bound_by: Some(Setting::Revocation),
            });
        }
        Arc::make_mut(&mut self.rules).revocation = Some(store);
        Ok(self)
    }

    /// The revocation store, if the engine has one: for what the calls below do not cover
    /// (`revoke_session` by id, `freshness` for a readiness probe, `stats`).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::{Freshness, MemoryRevocation};
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert!(engine.revocation().is_none());
    /// let engine = engine.with_revocation(Arc::new(MemoryRevocation::new()))?;
    /// let session = engine.load(std::iter::empty());
    /// session.insert("cart", [1])?;
    /// let cookies = engine.save(&session)?.cookie_header();
    ///
    /// let store = engine.revocation().expect("set above");
    /// assert_eq!(store.freshness(), Freshness::Local);
    /// store.revoke_session(session.id()?, Some(session.expires_at())).wait()?;
    /// assert_eq!(store.stats().revoked_sessions, 1);
    /// assert_eq!(engine.load([cookies.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revocation(&self) -> Option<&Arc<dyn Revocation>> {
        self.rules.revocation.as_ref()
    }

    /// Sign out everywhere: revokes every session of `subject` created before now (a
    /// password change, an account closed). The answer is the revocation's epoch in
    /// microseconds once the shared store confirmed it; it applies in this process before
    /// the call returns. A session created after the call is spared, to the microsecond:
    /// to keep the caller's own session, use [`Session::revoke_others`] instead.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store, an
    /// invalid subject, and the store's own errors.
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
    /// let cookies = engine.save(&session)?.cookie_header();
    /// engine.revoke_subject("ada").wait()?;
    /// assert_eq!(engine.load([cookies.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_subject(&self, subject: &str) -> Pending<u64> {
        match self.revocation() {
            Some(store) => store.revoke_subject(subject),
            None => Pending::ready(Err(RevocationError::NotConfigured)),
        }
    }

    /// Break glass: revokes every session created before `before` (microseconds since
    /// the Unix epoch, from [`now_micros`](crate::revocation::now_micros); not in the
    /// future), after a key leak or an incident.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store,
    /// [`RevocationError::FutureEpoch`], and the store's own errors.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chunked_cookie_session::revocation::{MemoryRevocation, now_micros};
    /// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
    ///
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()))
    ///     .with_revocation(Arc::new(MemoryRevocation::new()))?;
    /// let session = engine.load(std::iter::empty());
    /// session.insert("cart", [1])?;
    /// let cookies = engine.save(&session)?.cookie_header();
    /// engine.revoke_everyone_before(now_micros()).wait()?;
    /// assert_eq!(engine.load([cookies.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_everyone_before(&self, before: u64) -> Pending<()> {
        match self.revocation() {
            Some(store) => store.revoke_everyone_before(before),
            None => Pending::ready(Err(RevocationError::NotConfigured)),
        }
    }

    /// The sessions of `subject` the device registry knows, most recently seen first,
    /// without the revoked and expired ones: "your devices", with the user agent each was
    /// last written for.
    ///
    /// # Errors
    ///
    /// Through the [`Pending`]: [`RevocationError::NotConfigured`] without a store,
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
    /// let outcome = engine.finish(&session, ResponseInfo::new(200));
    /// assert_eq!(outcome.cookies.len(), 1);
    ///
    /// let devices = engine.devices("ada").wait()?;
    /// assert_eq!(devices[0].session_id, session.id()?);
    /// assert_eq!(devices[0].user_agent, "Firefox/140.0");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn devices(&self, subject: &str) -> Pending<Vec<Device>> {
        match self.revocation() {
            Some(store) => store.devices(subject),
            None => Pending::ready(Err(RevocationError::NotConfigured)),
        }
    }

    /// Signs out one of `subject`'s devices: revokes the session `id` if the registry
    /// lists it under that subject. `false` (and nothing revoked) for an id the registry
    /// does not list for the subject, another subject's included, so a user can only end
    /// their own sessions.
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
    /// let phone = engine.load(std::iter::empty());
    /// phone.set_subject("ada")?;
    /// let cookies = engine.finish(&phone, ResponseInfo::new(200)).cookie_header();
    ///
    /// assert!(!engine.revoke_device("bob", phone.id()?).wait()?, "not Bob's");
    /// assert!(engine.revoke_device("ada", phone.id()?).wait()?);
    /// assert_eq!(engine.load([cookies.as_str()]).load_reason(), LoadReason::Revoked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn revoke_device(&self, subject: &str, id: SessionId) -> Pending<bool> {
        match self.revocation() {
            Some(store) => store.revoke_device(subject, id),
            None => Pending::ready(Err(RevocationError::NotConfigured)),
        }
    }
}

/// Logs a write that failed: the client keeps its previous session.
fn log_failure(error: &SaveError) {
    match error {
        SaveError::Overflow {
            needed,
            limit,
            chunks,
            max_chunks,
            ..
        } => tracing::error!(
            needed,
            limit,
            chunks,
            max_chunks,
            "session over budget; no cookie written, the client keeps its previous session: {error}"
        ),
        _ => tracing::error!("session not written: {error}"),
    }
}
