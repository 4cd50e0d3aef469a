//! Rust types for Python's values in a Flask session, whose serde form is Flask's tag.
//!
//! Each is a typed value: its serde form is its tag, marked as typed (`pyvalue/stored.rs`),
//! so a session stores it as the Python value it is, while plain JSON of the same shape is
//! stored escaped and stays plain JSON. To serde_json and every other serializer the mark
//! is invisible: the serde form is the tagged JSON.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pyvalue::{self, BigInt, Typed, python_b64decode, to_stored};

/// A typed value of one tag, `{KEY: value}`.
fn tagged<S: Serializer>(serializer: S, key: &str, value: Value) -> Result<S::Ok, S::Error> {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    Typed(Value::Object(map)).serialize(serializer)
}

/// The stored form of a typed value's content: plain JSON inside it escaped as anywhere
/// else.
fn stored<T: Serialize + ?Sized, E: ser::Error>(value: &T) -> Result<Value, E> {
    to_stored(value).map_err(E::custom)
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
        tagged(serializer, pyvalue::TUPLE, stored(&self.0)?)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Tuple<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        untag(deserializer, pyvalue::TUPLE).map(Tuple)
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
        let text = pyvalue::bytes_text(&self.0);
        tagged(serializer, pyvalue::BYTES, Value::String(text))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, pyvalue::BYTES)?;
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
        tagged(serializer, pyvalue::MARKUP, Value::String(self.0.clone()))
    }
}

impl<'de> Deserialize<'de> for Markup {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        untag(deserializer, pyvalue::MARKUP).map(Markup)
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
        let text = pyvalue::uuid_text(self.0.as_bytes());
        tagged(serializer, pyvalue::UUID, Value::String(text))
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, pyvalue::UUID)?;
        pyvalue::parse_uuid(&text)
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
        let text = pyvalue::format_http_date(self.0.unix_timestamp())
            .ok_or_else(|| ser::Error::custom("Python datetimes hold years 1 to 9999 only"))?;
        tagged(serializer, pyvalue::DATETIME, Value::String(text))
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: String = untag(deserializer, pyvalue::DATETIME)?;
        pyvalue::parse_http_date(&text)
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
            Typed(pyvalue::non_finite_marker(self.0)).serialize(serializer)
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

impl Serialize for BigInt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Typed(pyvalue::int_value(self.as_str().to_owned())).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for BigInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = match (&value, pyvalue::marker(&value)) {
            (Value::Number(n), _) if n.is_i64() || n.is_u64() => n.to_string(),
            (_, Some(pyvalue::Marker::Int(digits))) => digits.to_owned(),
            _ => return Err(de::Error::custom("expected a Python int")),
        };
        BigInt::parse(&text).map_err(de::Error::custom)
    }
}

/// A dict that may have a single key spelled like one of Flask's tags (`" t"`, `" di"`,
/// …), in Flask's tagged JSON: Flask escapes such a dict as `{" di": {"<key>__": value}}`
/// so it is not mistaken for a tag. A session does the same for every plain map it is
/// given, wrapped or not, so `Dict` is not needed there; it is the escaped form to
/// serde_json and every other serializer (to build Flask's tagged JSON by hand). Reading
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
        // Stored, a map of one tag-like key is escaped, as any plain map is.
        Typed(stored(&self.0)?).serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Dict<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = Value::deserialize(deserializer)?;
        if let Value::Object(map) = &value
            && map.len() == 1
            && let Some(Value::Object(inner)) = map.get(pyvalue::DICT)
            && let Some((key, inner)) = inner.iter().next()
        {
            value = pyvalue::single(&pyvalue::unescaped_key(key), inner.clone());
        }
        T::deserialize(value).map(Dict).map_err(de::Error::custom)
    }
}
