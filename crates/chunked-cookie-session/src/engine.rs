//! The framework-free core: request cookies in, session out; session in, `Set-Cookie` out.
//!
//! Every rule about reading and writing session cookies lives here, so the axum and
//! actix-web adapters, the CLI and the playground only translate headers.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Map;

use crate::chunk::{self, Incoming, Joined};
use crate::codec::signed::SignedCodec;
use crate::codec::{Format, Meta, SealInput};
use crate::config::{OverflowPolicy, SessionConfig};
use crate::cookies::CookieWriter;
use crate::error::SaveError;
use crate::keys::KeyRing;
use crate::reason::LoadReason;
use crate::session::{Session, State};

/// Loads sessions from request cookies and turns them back into `Set-Cookie` values.
///
/// One engine serves a whole application; it is cheap to clone.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{Key, KeyRing, LoadReason, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
///
/// // First request: no cookie. The handler stores 10 KB, which needs three cookies.
/// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
/// session.insert("notes", "n".repeat(10_000)).unwrap();
/// let set_cookie = engine.save_at(&session, 1_700_000_000).unwrap();
/// // (the text compresses well, so it fits in one)
/// assert_eq!(set_cookie.len(), 1);
///
/// // Next request: the browser sends the cookie back.
/// let cookie_header: Vec<String> = set_cookie
///     .iter()
///     .map(|line| line.split(';').next().unwrap().to_owned())
///     .collect();
/// let session = engine.load_at(cookie_header.iter().map(String::as_str), 1_700_000_060);
/// assert_eq!(session.load_reason(), LoadReason::Valid);
/// assert_eq!(session.get::<String>("notes").unwrap().unwrap().len(), 10_000);
/// ```
#[derive(Clone)]
pub struct SessionEngine {
    inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub(crate) config: SessionConfig,
    pub(crate) format: Format,
}

impl fmt::Debug for EngineInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionEngine")
            .field("config", &self.config)
            .field("format", &self.format)
            .finish()
    }
}

impl fmt::Debug for SessionEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// What a decode of the incoming cookies produced.
pub(crate) struct Decoded {
    pub map: Map<String, serde_json::Value>,
    pub reason: LoadReason,
    pub meta: Option<Meta>,
    pub debris: u64,
}

/// The cookie headers a response should carry, as decided by [`SessionEngine::finish`].
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ResponseCookies {
    /// `Set-Cookie` values, deletions first, one per cookie name.
    pub set_cookie: Vec<String>,
    /// Add `Vary: Cookie`: the response depended on the session.
    pub vary_cookie: bool,
    /// The session could not be written; nothing was, and the client's cookies are
    /// untouched. Adapters turn a successful response into a 500 when this is set.
    pub error: Option<SaveError>,
}

impl SessionEngine {
    /// An engine for the native signed format (HMAC-SHA256), sealing with the ring's current
    /// key and accepting its older keys.
    pub fn signed(config: SessionConfig, keys: KeyRing) -> SessionEngine {
        SessionEngine::with_format(config, Format::Signed(SignedCodec::new(keys)))
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
    /// let lines = engine.save_at(&session, 1_700_000_000).unwrap();
    /// assert!(!lines[0].contains("do-not-show"));
    ///
    /// let cookie = lines[0].split(';').next().unwrap();
    /// let session = engine.load_at([cookie], 1_700_000_060);
    /// assert_eq!(session.load_reason(), LoadReason::Valid);
    /// assert_eq!(session.get::<String>("idp_token").unwrap().unwrap(), "do-not-show-the-user");
    /// ```
    #[cfg(feature = "private")]
    pub fn private(config: SessionConfig, keys: KeyRing) -> SessionEngine {
        use crate::codec::private::PrivateCodec;
        SessionEngine::with_format(config, Format::Private(PrivateCodec::new(keys)))
    }

    /// An engine that reads and writes a Flask application's session cookies (feature
    /// `flask`): itsdangerous's signature with the settings' secret key and fallbacks,
    /// Flask's tagged JSON, the stock or the chunked layout. The configuration supplies the
    /// cookie name and attributes; set them as the Flask app's `SESSION_COOKIE_*` settings.
    /// See the [`flask`](crate::flask) module.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
    /// use chunked_cookie_session::{LoadReason, SessionConfig, SessionEngine};
    ///
    /// let settings = FlaskSettings::new("change-me")?.layout(FlaskLayout::Chunked);
    /// let engine = SessionEngine::flask(SessionConfig::default(), settings);
    /// let session = engine.load_at(std::iter::empty(), 1_700_000_000);
    /// session.insert("notes", "n".repeat(6000))?;
    /// let lines = engine.save_at(&session, 1_700_000_000)?;
    /// assert!(lines[0].starts_with("session:0="));
    ///
    /// let cookies: Vec<&str> = lines.iter().map(|l| l.split(';').next().unwrap()).collect();
    /// let again = engine.load_at(cookies, 1_700_000_001);
    /// assert_eq!(again.load_reason(), LoadReason::Valid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "flask")]
    pub fn flask(
        mut config: SessionConfig,
        settings: crate::flask::FlaskSettings,
    ) -> SessionEngine {
        use crate::codec::flask::FlaskCodec;
        // Flask's lifetime is PERMANENT_SESSION_LIFETIME, started again at every write.
        config.lifetime = std::time::Duration::from_secs(settings.max_age_secs());
        SessionEngine::with_format(config, Format::Flask(FlaskCodec::new(&settings)))
    }

    pub(crate) fn with_format(config: SessionConfig, format: Format) -> SessionEngine {
        SessionEngine {
            inner: Arc::new(EngineInner { config, format }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.inner.config
    }

    /// The chunk index a cookie name stands for in this engine's naming scheme, or `None`
    /// when the cookie is not one of this session's. Tools that display the session's
    /// cookies use it instead of guessing at names.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// assert_eq!(engine.chunk_index("session"), Some(0));
    /// assert_eq!(engine.chunk_index("session_3"), Some(3));
    /// assert_eq!(engine.chunk_index("sessionid"), None);
    /// ```
    pub fn chunk_index(&self, cookie_name: &str) -> Option<usize> {
        let config = &self.inner.config;
        let naming = self.inner.format.naming();
        naming.index_of(&config.name, cookie_name, naming.limit(config.max_chunks))
    }

    /// Prepares the session of a request from the values of its `Cookie` header fields
    /// (every one of them: HTTP/2 sends one field per cookie). Nothing is verified until
    /// the handler first touches the session.
    pub fn load<'a>(&self, cookie_fields: impl IntoIterator<Item = &'a str>) -> Session {
        self.load_at(cookie_fields, unix_now())
    }

    /// [`load`](Self::load) with an explicit clock, in Unix seconds.
    pub fn load_at<'a>(
        &self,
        cookie_fields: impl IntoIterator<Item = &'a str>,
        now: u64,
    ) -> Session {
        let config = &self.inner.config;
        // A legitimate request never carries more than the budget; a little slack lets a
        // lowered budget still read the sessions written under the old one.
        let byte_cap = config.max_size.saturating_add(4096);
        let naming = self.inner.format.naming();
        let incoming = Incoming::collect(
            cookie_fields,
            naming,
            &config.name,
            naming.limit(config.max_chunks),
            byte_cap,
        );
        Session::from_state(State {
            engine: Arc::clone(&self.inner),
            now,
            present: incoming.present(),
            pending: Some(incoming),
            debris: 0,
            map: Map::new(),
            reason: LoadReason::NoSession,
            meta: None,
            persistent: None,
            modified: false,
            purged: false,
            renew: false,
        })
    }

    /// The `Set-Cookie` values that carry `session` back to the client, deletions first.
    ///
    /// Nothing is written for a session the handler never touched, nor for one that was
    /// read and left unchanged (unless its refresh is due, it was sealed by an old key, or
    /// the request carried debris to clean up).
    ///
    /// # Errors
    ///
    /// [`SaveError::Overflow`] when the session does not fit in the budget under
    /// [`OverflowPolicy::Error`]: then nothing at all should be written.
    pub fn save(&self, session: &Session) -> Result<Vec<String>, SaveError> {
        self.save_at(session, unix_now())
    }

    /// [`save`](Self::save) with an explicit clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// As [`save`](Self::save).
    pub fn save_at(&self, session: &Session, now: u64) -> Result<Vec<String>, SaveError> {
        let state = session.raw();
        if !state.accessed() {
            return Ok(Vec::new());
        }
        let inner = &*self.inner;
        let config = &inner.config;
        let naming = inner.format.naming();
        let removals = |mask: u64| -> Vec<String> {
            let writer = CookieWriter::new(config, None);
            (0..naming.limit(config.max_chunks))
                .filter(|index| mask & (1 << index) != 0)
                .map(|index| writer.remove(&naming.name(&config.name, index)))
                .collect()
        };
        if state.purged || (state.modified && state.map.is_empty()) {
            return Ok(removals(state.present | u64::from(state.purged)));
        }
        let rejected = state.reason.is_rejection();
        let due = state.meta.is_some_and(|meta| {
            inner.format.needs_rekey(&meta)
                || config
                    .refresh_threshold()
                    .is_some_and(|after| now.saturating_sub(meta.issued_at) >= after.as_secs())
        });
        if !state.modified && !due {
            // Nothing to write; only debris to clean: everything after a rejection, the
            // chunks beyond the announced count after a success.
            return Ok(removals(if rejected {
                state.present
            } else {
                state.debris
            }));
        }
        match self.encode(&state, now) {
            Ok((sets, count)) => {
                let beyond = u64::MAX
                    .checked_shl(u32::try_from(count).unwrap_or(64))
                    .unwrap_or(0);
                let mut lines = removals(state.present & beyond);
                lines.extend(sets);
                Ok(lines)
            }
            Err(err @ SaveError::Overflow { .. }) if config.overflow == OverflowPolicy::Clear => {
                tracing::warn!(error = %err, "session over budget; deleting it (OverflowPolicy::Clear)");
                Ok(removals(state.present | 1))
            }
            Err(err) => Err(err),
        }
    }

    /// Encodes a session and splits it: the `Set-Cookie` values of every chunk and the count.
    fn encode(&self, state: &State, now: u64) -> Result<(Vec<String>, usize), SaveError> {
        let inner = &*self.inner;
        let config = &inner.config;
        let persistent = state.persistent_now();
        let rolling = inner.format.rolling_lifetime();
        let expires_at = match rolling {
            Some(lifetime) => now.saturating_add(lifetime),
            None => state.expires_at_for_write(),
        };
        let prepared = inner.format.prepare(
            &SealInput {
                map: &state.map,
                persistent,
                issued_at: now,
                expires_at,
            },
            config,
        )?;
        let writer = match rolling {
            // Flask states a permanent session's deadline as `Expires`, and nothing else.
            Some(_) => {
                CookieWriter::new(config, None).with_expires(persistent.then_some(expires_at))
            }
            None => CookieWriter::new(config, persistent.then(|| expires_at.saturating_sub(now))),
        };
        let naming = inner.format.naming();
        let plan = chunk::plan(
            prepared.token_len(),
            &chunk::Limits {
                naming,
                base: &config.name,
                attributes_len: writer.attributes_len(),
                prefix_len: naming.prefix_len(),
                first_min: naming.first_min(),
                max_chunks: naming.limit(config.max_chunks),
                max_size: config.max_size,
            },
        )?;
        let count = plan.pieces.len();
        let token = inner.format.seal(prepared, count, &config.name);
        let prefix = naming.piece_prefix(&token);
        let sets = chunk::split(&token, &plan, prefix)
            .iter()
            .enumerate()
            .map(|(index, value)| writer.set(&naming.name(&config.name, index), value))
            .collect();
        Ok((sets, count))
    }

    /// Everything a framework adapter needs to finish a response: the `Set-Cookie` values,
    /// whether to add `Vary: Cookie`, and the error to report when the session did not fit.
    ///
    /// By default nothing is written on a 5xx response: a failing handler must not commit
    /// half-made changes to the session.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
    /// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("a", 1).unwrap();
    /// assert!(engine.finish(&session, 500).set_cookie.is_empty());
    /// let ok = engine.finish(&session, 200);
    /// assert_eq!(ok.set_cookie.len(), 1);
    /// assert!(ok.vary_cookie);
    /// ```
    pub fn finish(&self, session: &Session, status: u16) -> ResponseCookies {
        let vary_cookie = session.raw().accessed();
        if status >= 500 && !self.inner.config.write_on_server_error {
            return ResponseCookies {
                vary_cookie,
                ..ResponseCookies::default()
            };
        }
        match self.save(session) {
            Ok(set_cookie) => ResponseCookies {
                set_cookie,
                vary_cookie,
                error: None,
            },
            Err(error) => {
                match &error {
                    SaveError::Overflow {
                        needed,
                        limit,
                        chunks,
                        max_chunks,
                    } => tracing::error!(
                        needed,
                        limit,
                        chunks,
                        max_chunks,
                        "session over budget; no cookie written, the client keeps its previous session: {error}"
                    ),
                    _ => tracing::error!("session not written: {error}"),
                }
                ResponseCookies {
                    set_cookie: Vec::new(),
                    vary_cookie,
                    error: Some(error),
                }
            }
        }
    }
}

impl EngineInner {
    pub(crate) fn decode(&self, incoming: &Incoming, now: u64) -> Decoded {
        let config = &self.config;
        let rejected = |reason: LoadReason| {
            let level_warn = matches!(
                reason,
                LoadReason::BadSignature
                    | LoadReason::Malformed
                    | LoadReason::TooLarge
                    | LoadReason::TooManyChunks
            );
            if level_warn {
                tracing::warn!(reason = %reason, cookie_bytes = incoming.bytes(), "session rejected: {}", reason.describe());
            } else {
                tracing::info!(reason = %reason, cookie_bytes = incoming.bytes(), "session rejected: {}", reason.describe());
            }
            Decoded {
                map: Map::new(),
                reason,
                meta: None,
                debris: incoming.present(),
            }
        };
        if incoming.is_empty() {
            return Decoded {
                map: Map::new(),
                reason: LoadReason::NoSession,
                meta: None,
                debris: 0,
            };
        }
        if incoming.over_cap() {
            return rejected(LoadReason::TooLarge);
        }
        let candidates = incoming.candidates(0);
        if candidates.is_empty() {
            return rejected(LoadReason::MissingChunk);
        }
        let mut first_failure = None;
        let naming = self.format.naming();
        let tried = if naming.tries_twins() {
            candidates.len()
        } else {
            1
        };
        // Same-name twins of chunk 0 (a host-only and a Domain cookie, say) are each tried;
        // the first that verifies wins.
        for chunk0 in &candidates[..tried] {
            let opened = chunk::join(naming, incoming, chunk0, naming.limit(config.max_chunks))
                .and_then(|Joined { token, debris }| {
                    self.format
                        .open(&token, &config.name, now, config)
                        .map(|opened| (opened, debris))
                });
            match opened {
                Ok((opened, debris)) => {
                    return Decoded {
                        map: opened.map,
                        reason: LoadReason::Valid,
                        meta: Some(opened.meta),
                        debris,
                    };
                }
                Err(reason) => {
                    first_failure.get_or_insert(reason);
                }
            }
        }
        rejected(first_failure.unwrap_or(LoadReason::Malformed))
    }
}

/// The current time in Unix seconds.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
