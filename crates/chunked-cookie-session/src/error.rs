//! Errors of the write path.

use std::fmt;

use crate::config::{BROWSER_NAME_VALUE_LIMIT, SET_COOKIE_LINE_LIMIT};
use crate::setting::{Setting, Vocabulary};

/// Why a session could not be written.
///
/// Front ends read it through its accessors rather than its variants: [`code`](Self::code)
/// names the kind, [`needed`](Self::needed) and [`limit`](Self::limit) the sizes,
/// [`settings`](Self::settings) the options that govern the limit hit, and
/// [`message`](Self::message) says it all with the caller's spelling of those options.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{SaveError, Setting};
///
/// let err = SaveError::Overflow { needed: 9000, limit: 7168, chunks: 3, max_chunks: 16, capped_by: Setting::MaxChunks };
/// assert_eq!(err.code(), "overflow");
/// assert_eq!((err.needed(), err.limit()), (Some(9000), Some(7168)));
/// assert_eq!(err.settings(), [Setting::MaxSize]);
/// assert!(err.to_string().contains("raise max_size"));
/// let cli = err.message(|setting| format!("--{}", setting.code().replace('_', "-")));
/// assert!(cli.contains("raise --max-size"));
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum SaveError {
    /// The session does not fit in the configured budget. Nothing was written.
    Overflow {
        /// Bytes the session cookies would take in the request's `Cookie` line.
        needed: usize,
        /// The configured budget (`max_size`).
        limit: usize,
        /// How many cookies the session would need.
        chunks: usize,
        /// The most cookies the session may take: the configured `max_chunks`, or fewer
        /// when the format's layout holds fewer.
        max_chunks: usize,
        /// What sets `max_chunks`: [`Setting::MaxChunks`], or [`Setting::Layout`] when the
        /// format's cookie layout holds fewer cookies than configured (Flask's stock layout
        /// is one cookie, the recipe's ten).
        capped_by: Setting,
    },
    /// The cookie name and attributes leave no room for a value within 4093 bytes.
    AttributesTooLong {
        /// The cookie name.
        name: String,
        /// Bytes taken by the name and attributes.
        bytes: usize,
    },
    /// The session's JSON is larger than a reader inflates (`max_decoded_size`): it would be
    /// written, then refused as `too-large` on the next request. Nothing was written.
    TooLarge {
        /// Bytes of the session's JSON.
        bytes: usize,
        /// The configured `max_decoded_size`.
        limit: usize,
    },
    /// The session nests arrays and objects deeper than a reader accepts
    /// ([`MAX_NESTING`](crate::MAX_NESTING) levels, the session itself counting as one).
    /// Nothing was written.
    TooDeep {
        /// The entry that nests too deep.
        entry: String,
        /// [`MAX_NESTING`](crate::MAX_NESTING).
        limit: usize,
    },
    /// In Flask's format, an entry that is not valid tagged JSON: Flask (and this crate)
    /// would refuse the whole cookie on the next request. `tag` is the tag whose payload is
    /// wrong (`" t"` tuple, `" b"` bytes, `" m"` Markup, `" u"` UUID, `" d"` datetime,
    /// `" di"` escaped dict). Plain JSON is never read as a tag, so only a typed value
    /// of `flask` (feature `flask`) around content Flask refuses (`Tuple(5)`) meets this.
    /// Nothing was written.
    InvalidFlaskEntry {
        /// The session entry.
        entry: String,
        /// The tag whose payload Flask would refuse.
        tag: &'static str,
    },
    /// The session could not be serialized.
    Serialize(serde_json::Error),
    /// The operating system's random number generator failed.
    Random,
}

impl SaveError {
    /// A stable name for the kind of error: `overflow`, `attributes-too-long`,
    /// `too-large`, `too-deep`, `invalid-entry`, `serialize` or `random`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SaveError;
    /// assert_eq!(SaveError::TooLarge { bytes: 2, limit: 1 }.code(), "too-large");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SaveError::Overflow { .. } => "overflow",
            SaveError::AttributesTooLong { .. } => "attributes-too-long",
            SaveError::TooLarge { .. } => "too-large",
            SaveError::TooDeep { .. } => "too-deep",
            SaveError::InvalidFlaskEntry { .. } => "invalid-entry",
            SaveError::Serialize(_) => "serialize",
            SaveError::Random => "random",
        }
    }

    /// The bytes the session needs: of `Cookie` header for an overflow, of JSON for
    /// `too-large`, of name and attributes for `attributes-too-long`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SaveError;
    /// assert_eq!(SaveError::TooLarge { bytes: 2, limit: 1 }.needed(), Some(2));
    /// assert_eq!(SaveError::Random.needed(), None);
    /// ```
    pub fn needed(&self) -> Option<usize> {
        match self {
            SaveError::Overflow { needed, .. } => Some(*needed),
            SaveError::TooLarge { bytes, .. } | SaveError::AttributesTooLong { bytes, .. } => {
                Some(*bytes)
            }
            _ => None,
        }
    }

    /// The limit hit: the budget for an overflow, `max_decoded_size` for `too-large`,
    /// the line limit for `attributes-too-long`, the nesting limit for `too-deep`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SaveError;
    /// assert_eq!(SaveError::TooLarge { bytes: 2, limit: 1 }.limit(), Some(1));
    /// ```
    pub fn limit(&self) -> Option<usize> {
        match self {
            SaveError::Overflow { limit, .. }
            | SaveError::TooLarge { limit, .. }
            | SaveError::TooDeep { limit, .. } => Some(*limit),
            SaveError::AttributesTooLong { .. } => Some(SET_COOKIE_LINE_LIMIT),
            _ => None,
        }
    }

    /// For an overflow: how many cookies the session would need, and the most it may take.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SaveError, Setting};
    /// let err = SaveError::Overflow { needed: 9000, limit: 7168, chunks: 3, max_chunks: 16, capped_by: Setting::MaxChunks };
    /// assert_eq!(err.chunks(), Some((3, 16)));
    /// ```
    pub fn chunks(&self) -> Option<(usize, usize)> {
        match self {
            SaveError::Overflow {
                chunks, max_chunks, ..
            } => Some((*chunks, *max_chunks)),
            _ => None,
        }
    }

    /// The session entry at fault, for `too-deep` and `invalid-entry`.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::SaveError;
    /// let err = SaveError::TooDeep { entry: "tree".into(), limit: 127 };
    /// assert_eq!(err.entry(), Some("tree"));
    /// ```
    pub fn entry(&self) -> Option<&str> {
        match self {
            SaveError::TooDeep { entry, .. } | SaveError::InvalidFlaskEntry { entry, .. } => {
                Some(entry)
            }
            _ => None,
        }
    }

    /// The settings that govern the limit hit, the one to change first: for an overflow
    /// the budget when the bytes are over it, and what caps the count of cookies when they
    /// are too many (the configured count, or the format's layout); `max_decoded_size` for
    /// `too-large`; the cookie's name and attributes for `attributes-too-long`; none where
    /// no setting helps.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SaveError, Setting};
    /// assert_eq!(SaveError::TooLarge { bytes: 2, limit: 1 }.settings(), [Setting::MaxDecodedSize]);
    /// assert!(SaveError::Random.settings().is_empty());
    /// ```
    pub fn settings(&self) -> Vec<Setting> {
        match self {
            SaveError::Overflow {
                needed,
                limit,
                chunks,
                max_chunks,
                capped_by,
            } => {
                let mut settings = Vec::new();
                if needed > limit || chunks <= max_chunks {
                    settings.push(Setting::MaxSize);
                }
                if chunks > max_chunks {
                    settings.push(*capped_by);
                }
                settings
            }
            SaveError::TooLarge { .. } => vec![Setting::MaxDecodedSize],
            SaveError::AttributesTooLong { .. } => {
                vec![Setting::Name, Setting::Path, Setting::Domain]
            }
            _ => Vec::new(),
        }
    }

    /// The error in words, with each setting spelled by `spell`, the caller's own name for
    /// it. [`Display`](std::fmt::Display) spells them by [`Setting::code`]. Never holds a
    /// value of the session, only sizes and entry names.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SaveError, Setting};
    /// let err = SaveError::Overflow { needed: 9000, limit: 7168, chunks: 3, max_chunks: 16, capped_by: Setting::MaxChunks };
    /// let flask = err.message(|setting| format!("CHUNKED_SESSION_{}", setting.code().to_uppercase()));
    /// assert!(flask.contains("raise CHUNKED_SESSION_MAX_SIZE"));
    /// assert!(!flask.contains("SessionConfigBuilder"));
    /// ```
    pub fn message(&self, spell: impl Fn(Setting) -> String) -> String {
        self.message_in(&spell)
    }

    /// [`message`](Self::message) in a [`Vocabulary`], which also says how the front end
    /// gives a setting a value (`CHUNKED_SESSION_FLASK_LAYOUT = "chunked"` rather than
    /// `--layout chunked`).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::{SaveError, Setting, Vocabulary};
    ///
    /// struct Flask;
    /// impl Vocabulary for Flask {
    ///     fn name(&self, setting: Setting) -> String {
    ///         format!("CHUNKED_SESSION_{}", setting.code().to_uppercase())
    ///     }
    ///     fn assign(&self, setting: Setting, value: &str) -> String {
    ///         format!("{} = {value:?}", self.name(setting))
    ///     }
    /// }
    /// let err = SaveError::Overflow {
    ///     needed: 5154, limit: 7168, chunks: 2, max_chunks: 1, capped_by: Setting::Layout,
    /// };
    /// assert!(err.message_in(&Flask).contains("CHUNKED_SESSION_LAYOUT = \"chunked\""));
    /// ```
    pub fn message_in(&self, vocabulary: &dyn Vocabulary) -> String {
        let spell = |setting| vocabulary.name(setting);
        match self {
            SaveError::Overflow {
                needed,
                limit,
                chunks,
                max_chunks,
                capped_by,
            } => {
                let needs = format!(
                    "the session needs {needed} bytes of Cookie header in {chunks} cookies"
                );
                let over = format!(
                    "{needs}, over the budget of {limit} bytes in at most {max_chunks} cookies"
                );
                let size = spell(Setting::MaxSize);
                let proxies = "(and the proxy limits, see DEPLOYMENT.md)";
                match (chunks > max_chunks, capped_by) {
                    (true, Setting::Layout) if *max_chunks == 1 => format!(
                        "{needs}, but the stock layout is one cookie, and browsers drop a cookie \
                         of more than {BROWSER_NAME_VALUE_LIMIT} bytes of name and value; use \
                         {} to spread it over several cookies (every application reading the \
                         session must read that layout too), or store less",
                        vocabulary.assign(Setting::Layout, "chunked")
                    ),
                    (true, Setting::Layout) => format!(
                        "{needs}, more than the {max_chunks} cookies the chunked layout ({}) \
                         holds, whatever {size} says; store less",
                        spell(Setting::Layout)
                    ),
                    (true, cap) => format!(
                        "{needs}, more than the {max_chunks} cookies {} allows; store less, or \
                         raise {} (and {size} with it) {proxies}",
                        spell(*cap),
                        spell(*cap)
                    ),
                    (false, _) => format!("{over}; store less, or raise {size} {proxies}"),
                }
            }
            SaveError::AttributesTooLong { name, bytes } => format!(
                "the cookie {name:?} and its attributes take {bytes} bytes, leaving no room for a \
                 value within {SET_COOKIE_LINE_LIMIT}: shorten {}, {} or {}",
                spell(Setting::Name),
                spell(Setting::Path),
                spell(Setting::Domain)
            ),
            SaveError::TooLarge { bytes, limit } => format!(
                "the session's JSON takes {bytes} bytes, over the {limit} bytes a reader inflates \
                 ({}): store less",
                spell(Setting::MaxDecodedSize)
            ),
            SaveError::TooDeep { entry, limit } => format!(
                "the entry {entry:?} nests arrays and objects deeper than the {limit} levels a \
                 reader accepts (the session itself counts as one)"
            ),
            SaveError::InvalidFlaskEntry { entry, tag } => format!(
                "the entry {entry:?} is not valid in Flask's tagged JSON: the {tag:?} tag holds a \
                 value Flask cannot read back (a typed value of flask, such as a Tuple, around \
                 what its Python type cannot hold)"
            ),
            SaveError::Serialize(err) => format!("the session could not be serialized: {err}"),
            SaveError::Random => "the operating system's random number generator failed".to_owned(),
        }
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(|setting| setting.code().to_owned()))
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Serialize(err) => Some(err),
            _ => None,
        }
    }
}

/// An entry of the session does not hold the type it was read as.
///
/// With the `axum` feature it answers `500` as an axum response, and with `actix` as an
/// actix-web error, so `?` works in handlers; the key and the type are logged, never the
/// entry's content.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::{GetError, Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("visits", "many")?;
/// let err: GetError = session.get::<u64>("visits").unwrap_err();
/// assert_eq!(err.key(), "visits");
/// assert!(err.to_string().contains("u64"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[error("the session entry {key:?} does not hold a {type_name}")]
pub struct GetError {
    key: String,
    type_name: &'static str,
    // Left out of the message: serde_json quotes the data it read.
    #[source]
    source: serde_json::Error,
}

impl GetError {
    pub(crate) fn new<T>(key: &str, source: serde_json::Error) -> GetError {
        GetError {
            key: key.to_owned(),
            type_name: std::any::type_name::<T>(),
            source,
        }
    }

    /// The entry's key.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// session.insert("cart", [1, 2])?;
    /// let err = session.get::<String>("cart").unwrap_err();
    /// assert_eq!(err.key(), "cart");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// A value could not be stored in the session: it has no JSON form (a map with keys that
/// are not strings, say).
///
/// With the `axum` and `actix` features it answers `500`, as [`GetError`] does.
///
/// # Example
///
/// ```
/// use std::collections::HashMap;
/// use chunked_cookie_session::{InsertError, Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// let by_pair = HashMap::from([((1, 2), "no string key")]);
/// let err: InsertError = session.insert("map", by_pair).unwrap_err();
/// assert_eq!(err.key(), "map");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("the value for the session entry {key:?} has no JSON form")]
pub struct InsertError {
    key: String,
    #[source]
    source: serde_json::Error,
}

impl InsertError {
    pub(crate) fn new(key: &str, source: serde_json::Error) -> InsertError {
        InsertError {
            key: key.to_owned(),
            source,
        }
    }

    /// The entry's key.
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// # use chunked_cookie_session::{Key, KeyRing, SessionEngine};
    /// # let engine = SessionEngine::signed(Default::default(), KeyRing::new(Key::generate()));
    /// let session = engine.load(std::iter::empty());
    /// let err = session.insert("grid", BTreeMap::from([([0, 0], "x")])).unwrap_err();
    /// assert_eq!(err.key(), "grid");
    /// assert!(!session.contains("grid"));
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }
}
