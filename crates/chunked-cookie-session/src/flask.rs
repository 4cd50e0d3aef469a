//! Flask compatibility (feature `flask`): read and write the session cookies of a Flask
//! application byte for byte, in Flask's stock layout (one `session` cookie) or the
//! chunked layout of the "Chunked Secure Cookie Session" recipe (`session:0`, `session:1`, …).
//!
//! [`SessionEngine::flask`](crate::SessionEngine::flask) builds an engine from a
//! [`SessionConfig`](crate::SessionConfig) (cookie name and attributes: make them match the
//! Flask app's `SESSION_COOKIE_*` settings) and [`FlaskSettings`] (secret key, fallbacks,
//! salt, lifetime, layout).
//!
//! # Entries
//!
//! The session holds each entry in Flask's tagged JSON, the form Flask's `TaggedJSONSerializer`
//! writes, so an entry the Rust side never touches goes back to Flask exactly as it came.
//! Plain JSON values (strings, numbers, booleans, null, lists, dicts) need nothing special.
//! Python's other types have a Rust type here whose serde form is the tag:
//!
//! | Python | Rust | tagged JSON |
//! |---|---|---|
//! | `tuple` | [`Tuple<T>`] (`T` a Rust tuple or `Vec`) | `{" t": [...]}` |
//! | `bytes` | [`Bytes`] | `{" b": "<base64>"}` |
//! | `markupsafe.Markup` | [`Markup`] | `{" m": "<html>"}` |
//! | `uuid.UUID` | [`Uuid`] (wraps `uuid::Uuid`) | `{" u": "<32 hex>"}` |
//! | `datetime.datetime` | [`DateTime`] (wraps `time::OffsetDateTime`) | `{" d": "<HTTP date>"}` |
//! | `float` (`nan`, `inf`) | [`Float`] | `NaN`, `Infinity` |
//! | `dict` with one tag-like key | [`Dict<T>`] | `{" di": {"<key>__": ...}}` |
//! | `int` beyond 64 bits | `i128`, `u128` or `serde_json::Value` | digits |
//!
//! `_permanent` is an ordinary entry in Flask; here it is also the session's persistence:
//! [`Session::set_persistent`](crate::Session::set_persistent) writes it, and a permanent
//! session's cookies carry `Expires` (Flask's `PERMANENT_SESSION_LIFETIME` from now), a
//! non-permanent one's none.
//!
//! # Example
//!
//! ```
//! use chunked_cookie_session::flask::{Bytes, FlaskSettings, Tuple};
//! use chunked_cookie_session::{LoadReason, SessionConfig, SessionEngine};
//!
//! // What a Flask app with SECRET_KEY = "test-secret" writes for {"user": "alice"} at
//! // Unix time 1700000000.
//! let cookie = "session=eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0";
//!
//! let config = SessionConfig::builder().secure(false).same_site(None).build()?;
//! let engine = SessionEngine::flask(config, FlaskSettings::new("test-secret")?);
//! let session = engine.load_at([cookie], 1_700_000_000);
//! assert_eq!(session.load_reason(), LoadReason::Valid);
//! assert_eq!(session.get::<String>("user")?.as_deref(), Some("alice"));
//!
//! // The same session written by Rust at the same second: the very bytes Flask wrote.
//! let fresh = engine.load_at(std::iter::empty(), 1_700_000_000);
//! fresh.insert("user", "alice")?;
//! let set_cookie = engine.save_at(&fresh, 1_700_000_000)?;
//! assert_eq!(set_cookie[0], format!("{cookie}; HttpOnly; Path=/"));
//!
//! // Python's tuple and bytes, from Rust.
//! session.insert("pair", Tuple((1, "two")))?;
//! session.insert("raw", Bytes(vec![0, 1, 254]))?;
//! assert_eq!(session.get::<Tuple<(i32, String)>>("pair")?, Some(Tuple((1, "two".to_owned()))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::time::Duration;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{self, SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::codec::flask::signer::python_b64decode;
use crate::codec::flask::{pyjson, tagged};
use crate::config::ConfigError;
use crate::reason::LoadReason;

/// Flask's default `PERMANENT_SESSION_LIFETIME`: 31 days.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{DEFAULT_MAX_AGE, FlaskSettings};
/// assert_eq!(FlaskSettings::new("k")?.max_age_secs(), DEFAULT_MAX_AGE.as_secs());
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(31 * 24 * 3600);

/// The most cookies the chunked layout uses: the recipe's `session:0` … `session:9`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings, MAX_CHUNKS};
/// use chunked_cookie_session::{SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::flask(
///     SessionConfig::default(),
///     FlaskSettings::new("k")?.layout(FlaskLayout::Chunked),
/// );
/// assert_eq!(engine.chunk_index("session:9"), Some(MAX_CHUNKS - 1));
/// assert_eq!(engine.chunk_index("session:10"), None);
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
pub const MAX_CHUNKS: usize = 10;

/// How the signed value is laid out in cookies.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::FlaskLayout;
/// assert_eq!(FlaskLayout::default(), FlaskLayout::Stock);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlaskLayout {
    /// Flask's own `SecureCookieSessionInterface`: one cookie named as configured
    /// (`session`). A session that does not fit in one cookie is a write error, where
    /// Flask would send a cookie the browser drops.
    #[default]
    Stock,
    /// The chunked recipe's layout: `session:0`, `session:1`, … (at most
    /// [`MAX_CHUNKS`]), read in numeric order up to the first gap, written in as few
    /// cookies as the byte budgets allow, stale ones deleted.
    Chunked,
}

/// The Flask settings both sides must share: `SECRET_KEY`, `SECRET_KEY_FALLBACKS`, the
/// signing salt, `PERMANENT_SESSION_LIFETIME` and the layout.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
///
/// let settings = FlaskSettings::new("new-secret")?
///     .fallback("old-secret")
///     .salt("cookie-session")
///     .max_age(Duration::from_secs(3600))
///     .layout(FlaskLayout::Chunked);
/// assert_eq!(settings.max_age_secs(), 3600);
/// assert!(!format!("{settings:?}").contains("secret\""));
/// # Ok::<(), chunked_cookie_session::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct FlaskSettings {
    secret: Zeroizing<Vec<u8>>,
    /// Oldest first, as Flask lists `SECRET_KEY_FALLBACKS`.
    fallbacks: Vec<Zeroizing<Vec<u8>>>,
    salt: Vec<u8>,
    max_age: Duration,
    layout: FlaskLayout,
    refresh_each_request: bool,
}

impl fmt::Debug for FlaskSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlaskSettings")
            .field("fallbacks", &self.fallbacks.len())
            .field("salt", &String::from_utf8_lossy(&self.salt))
            .field("max_age", &self.max_age)
            .field("layout", &self.layout)
            .field("refresh_each_request", &self.refresh_each_request)
            .finish_non_exhaustive()
    }
}

impl FlaskSettings {
    /// Settings for a Flask app whose `SECRET_KEY` is `secret` (a `str` key is its UTF-8
    /// bytes), with Flask's defaults: salt `cookie-session`, a 31-day lifetime, the stock
    /// layout and `SESSION_REFRESH_EACH_REQUEST` on.
    ///
    /// # Errors
    ///
    /// An empty secret: Flask refuses to sign sessions without one.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::FlaskSettings;
    /// assert!(FlaskSettings::new("").is_err());
    /// assert!(FlaskSettings::new(b"\x00binary keys work too").is_ok());
    /// ```
    pub fn new(secret: impl AsRef<[u8]>) -> Result<FlaskSettings, ConfigError> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(ConfigError::OutOfRange(
                "the Flask SECRET_KEY must not be empty".to_owned(),
            ));
        }
        Ok(FlaskSettings {
            secret: Zeroizing::new(secret.to_vec()),
            fallbacks: Vec::new(),
            salt: b"cookie-session".to_vec(),
            max_age: DEFAULT_MAX_AGE,
            layout: FlaskLayout::Stock,
            refresh_each_request: true,
        })
    }

    /// Adds an entry of `SECRET_KEY_FALLBACKS`: accepted when reading, never used to sign.
    /// Add them in Flask's order (oldest first); the order does not change which cookies
    /// verify.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k3")?.fallback("k1").fallback("k2");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn fallback(mut self, secret: impl AsRef<[u8]>) -> FlaskSettings {
        self.fallbacks
            .push(Zeroizing::new(secret.as_ref().to_vec()));
        self
    }

    /// The signing salt (Flask's `SecureCookieSessionInterface.salt`, default
    /// `cookie-session`; some deployments of the chunked recipe used `cookie-session_ha`).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k")?.salt("cookie-session_ha");
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn salt(mut self, salt: impl AsRef<[u8]>) -> FlaskSettings {
        self.salt = salt.as_ref().to_vec();
        self
    }

    /// `PERMANENT_SESSION_LIFETIME`: the oldest signature accepted (for every session,
    /// permanent or not, as Flask checks it) and how far ahead a permanent session's
    /// `Expires` lies. Whole seconds count, as Flask truncates.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// # use std::time::Duration;
    /// let settings = FlaskSettings::new("k")?.max_age(Duration::from_secs(1800));
    /// assert_eq!(settings.max_age_secs(), 1800);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> FlaskSettings {
        self.max_age = max_age;
        self
    }

    /// The cookie layout (default [`FlaskLayout::Stock`]).
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
    /// let settings = FlaskSettings::new("k")?.layout(FlaskLayout::Chunked);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn layout(mut self, layout: FlaskLayout) -> FlaskSettings {
        self.layout = layout;
        self
    }

    /// `SESSION_REFRESH_EACH_REQUEST` (default on): a permanent session is signed again,
    /// with a fresh timestamp and `Expires`, on every response that touched it.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// let settings = FlaskSettings::new("k")?.refresh_each_request(false);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    #[must_use]
    pub fn refresh_each_request(mut self, refresh: bool) -> FlaskSettings {
        self.refresh_each_request = refresh;
        self
    }

    /// The lifetime in whole seconds.
    ///
    /// # Example
    ///
    /// ```
    /// # use chunked_cookie_session::flask::FlaskSettings;
    /// # use std::time::Duration;
    /// let settings = FlaskSettings::new("k")?.max_age(Duration::from_millis(90_500));
    /// assert_eq!(settings.max_age_secs(), 90);
    /// # Ok::<(), chunked_cookie_session::ConfigError>(())
    /// ```
    pub fn max_age_secs(&self) -> u64 {
        self.max_age.as_secs()
    }

    pub(crate) fn secrets_oldest_first(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.fallbacks
            .iter()
            .map(|s| s.as_slice())
            .chain(std::iter::once(self.secret.as_slice()))
    }

    pub(crate) fn salt_bytes(&self) -> &[u8] {
        &self.salt
    }

    pub(crate) fn layout_kind(&self) -> FlaskLayout {
        self.layout
    }

    pub(crate) fn refreshes_each_request(&self) -> bool {
        self.refresh_each_request
    }
}

/// The JSON Flask's session serializer writes for a session holding `entries` (tagged
/// JSON, as [`Session::entries`](crate::Session::entries) returns them for a Flask engine):
/// keys sorted, compact, ASCII-only, floats as Python writes them.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{from_json, to_json};
///
/// let entries = from_json(r#"{"b": 1.50, "a": "h\u00e9", "n": NaN}"#).unwrap();
/// assert_eq!(to_json(&entries), r#"{"a":"h\u00e9","b":1.5,"n":NaN}"#);
/// ```
pub fn to_json(entries: &Map<String, Value>) -> String {
    tagged::dump_session(entries, false)
}

/// Reads a session written in Flask's tagged JSON (Python's JSON: `NaN` and `Infinity`
/// allowed) into the tagged entries a Flask engine holds, in the form Flask itself would
/// write them back.
///
/// # Errors
///
/// [`LoadReason::Malformed`] for text Flask could not load as a session.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::from_json;
/// use chunked_cookie_session::LoadReason;
///
/// let entries = from_json(r#"{"t": {" t": [1, 2]}}"#).unwrap();
/// assert_eq!(entries["t"], serde_json::json!({" t": [1, 2]}));
/// assert_eq!(from_json("[1]").unwrap_err(), LoadReason::Malformed);
/// ```
pub fn from_json(text: &str) -> Result<Map<String, Value>, LoadReason> {
    tagged::load_session(text.as_bytes())
}

/// One tag: `{KEY: value}` and nothing else.
struct Tagged<'a, T: ?Sized>(&'static str, &'a T);

impl<T: Serialize + ?Sized> Serialize for Tagged<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

/// Reads `{KEY: value}` for one expected key.
fn untag<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
    key: &'static str,
) -> Result<T, D::Error> {
    let mut map = Map::<String, Value>::deserialize(deserializer)?;
    match map.remove(key) {
        Some(value) if map.is_empty() => T::deserialize(value).map_err(de::Error::custom),
        _ => Err(de::Error::custom(format_args!(
            "expected Flask's tagged form {{{key:?}: …}}"
        ))),
    }
}

/// A Python `tuple`: `T` is a Rust tuple (fixed types) or a `Vec` (any length).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::Tuple;
///
/// let value = serde_json::to_value(Tuple((4, None::<u8>))).unwrap();
/// assert_eq!(value, serde_json::json!({" t": [4, null]}));
/// let back: Tuple<Vec<serde_json::Value>> = serde_json::from_value(value).unwrap();
/// assert_eq!(back.0.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Tuple<T>(pub T);

impl<T: Serialize> Serialize for Tuple<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Tagged(tagged::TUPLE, &self.0).serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Tuple<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        untag(deserializer, tagged::TUPLE).map(Tuple)
    }
}

/// Python `bytes`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::Bytes;
///
/// let value = serde_json::to_value(Bytes(b"\x00\x01\xfebinary\xff".to_vec())).unwrap();
/// assert_eq!(value, serde_json::json!({" b": "AAH+YmluYXJ5/w=="}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD.encode(&self.0);
        Tagged(tagged::BYTES, &text).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, tagged::BYTES)?;
        python_b64decode(text.as_bytes(), false)
            .filter(|_| text.is_ascii())
            .map(Bytes)
            .ok_or_else(|| de::Error::custom("invalid base64 in Flask bytes"))
    }
}

/// `markupsafe.Markup`: text Jinja treats as safe HTML.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::Markup;
///
/// let value = serde_json::to_value(Markup("<b>hi</b>".into())).unwrap();
/// assert_eq!(value, serde_json::json!({" m": "<b>hi</b>"}));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Markup(pub String);

impl Serialize for Markup {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Tagged(tagged::MARKUP, &self.0).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Markup {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        untag(deserializer, tagged::MARKUP).map(Markup)
    }
}

/// Python's `uuid.UUID`, written as Flask writes it (32 lowercase hex digits).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::Uuid;
///
/// let id = uuid::Uuid::from_u128(0x12345678_1234_5678_1234_567812345678);
/// let value = serde_json::to_value(Uuid(id)).unwrap();
/// assert_eq!(value, serde_json::json!({" u": "12345678123456781234567812345678"}));
/// assert_eq!(serde_json::from_value::<Uuid>(value).unwrap(), Uuid(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub uuid::Uuid);

impl From<uuid::Uuid> for Uuid {
    fn from(id: uuid::Uuid) -> Uuid {
        Uuid(id)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.simple().to_string();
        Tagged(tagged::UUID, &text).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, tagged::UUID)?;
        tagged::parse_uuid(&text)
            .map(|raw| Uuid(uuid::Uuid::from_bytes(raw)))
            .map_err(|_| de::Error::custom("invalid UUID in Flask's tagged form"))
    }
}

/// Python's `datetime.datetime`, as Flask keeps it: in UTC, to the second (Flask drops the
/// microseconds), years 1 to 9999.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::DateTime;
/// use time::OffsetDateTime;
///
/// let at = OffsetDateTime::from_unix_timestamp(1_704_164_645).unwrap();
/// let value = serde_json::to_value(DateTime(at)).unwrap();
/// assert_eq!(value, serde_json::json!({" d": "Tue, 02 Jan 2024 03:04:05 GMT"}));
/// assert_eq!(serde_json::from_value::<DateTime>(value).unwrap(), DateTime(at));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub time::OffsetDateTime);

impl From<time::OffsetDateTime> for DateTime {
    fn from(at: time::OffsetDateTime) -> DateTime {
        DateTime(at)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = tagged::format_http_date(self.0.unix_timestamp())
            .ok_or_else(|| ser::Error::custom("Python datetimes hold years 1 to 9999 only"))?;
        Tagged(tagged::DATETIME, &text).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, tagged::DATETIME)?;
        tagged::parse_http_date(&text)
            .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
            .map(DateTime)
            .ok_or_else(|| de::Error::custom("unreadable date in Flask's tagged form"))
    }
}

/// A Python `float`, including `nan` and `±inf`, which Python's JSON writes as `NaN` and
/// `Infinity` and serde_json cannot hold as numbers. A finite value is a plain JSON
/// number; a non-finite one is held in the session as `{" di": "NaN"}` (or `"Infinity"`,
/// `"-Infinity"`), a shape Flask's tagged JSON never produces, and written as the bare
/// word. A plain `f64` works for finite values; serde_json turns a non-finite `f64` into
/// `null`.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{from_json, to_json, Float};
///
/// let entries = from_json(r#"{"x": NaN, "y": 0.5}"#).unwrap();
/// let x: Float = serde_json::from_value(entries["x"].clone()).unwrap();
/// assert!(x.0.is_nan());
/// let mut entries = entries;
/// entries.insert("z".into(), serde_json::to_value(Float(f64::NEG_INFINITY)).unwrap());
/// assert_eq!(to_json(&entries), r#"{"x":NaN,"y":0.5,"z":-Infinity}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Float(pub f64);

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else {
            let Value::Object(marker) = pyjson::non_finite_marker(self.0) else {
                return Err(ser::Error::custom("non-finite marker"));
            };
            marker.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FloatVisitor;
        impl<'de> Visitor<'de> for FloatVisitor {
            type Value = Float;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, NaN or Infinity")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Float, E> {
                Ok(Float(v))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Float, E> {
                Ok(Float(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Float, E> {
                Ok(Float(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Float, E> {
                Ok(Float(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Float, E> {
                Ok(Float(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Float, A::Error> {
                // The non-finite marker, or a number serde_json hands over as its text.
                let (_, word): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("empty map is not a float"))?;
                if map.next_key::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("not a float"));
                }
                match word.as_str() {
                    "NaN" => Ok(Float(f64::NAN)),
                    "Infinity" => Ok(Float(f64::INFINITY)),
                    "-Infinity" => Ok(Float(f64::NEG_INFINITY)),
                    text => text
                        .parse()
                        .map(Float)
                        .map_err(|_| de::Error::custom("not a float")),
                }
            }
        }
        deserializer.deserialize_any(FloatVisitor)
    }
}

/// A dict that may have a single key spelled like one of Flask's tags (`" t"`, `" di"`,
/// …). Flask escapes such a dict as `{" di": {"<key>__": value}}` so it is not mistaken
/// for a tag; wrap a map in `Dict` when its keys are not under your control. Reading
/// accepts both the escaped and the plain form.
///
/// # Example
///
/// ```
/// use std::collections::BTreeMap;
/// use chunked_cookie_session::flask::Dict;
///
/// let map = BTreeMap::from([(" t".to_owned(), "not a tuple".to_owned())]);
/// let value = serde_json::to_value(Dict(map.clone())).unwrap();
/// assert_eq!(value, serde_json::json!({" di": {" t__": "not a tuple"}}));
/// assert_eq!(serde_json::from_value::<Dict<BTreeMap<String, String>>>(value).unwrap().0, map);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dict<T>(pub T);

impl<T: Serialize> Serialize for Dict<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.0).map_err(ser::Error::custom)?;
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (key, inner) = map.into_iter().next().unwrap_or_default();
                if tagged::is_tag_key(&key) {
                    let escaped = tagged::single(&format!("{key}__"), inner);
                    Tagged(tagged::DICT, &escaped).serialize(serializer)
                } else {
                    tagged::single(&key, inner).serialize(serializer)
                }
            }
            other => other.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Dict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = Value::deserialize(deserializer)?;
        if let Value::Object(map) = &value
            && map.len() == 1
            && let Some(Value::Object(inner)) = map.get(tagged::DICT)
            && let Some((key, inner)) = inner.iter().next()
        {
            let mut chars = key.chars();
            chars.next_back();
            chars.next_back();
            value = tagged::single(chars.as_str(), inner.clone());
        }
        T::deserialize(value).map(Dict).map_err(de::Error::custom)
    }
}
