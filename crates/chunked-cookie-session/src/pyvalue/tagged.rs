//! Python values and the tagged JSON map every format's session holds, each made from the
//! other: Flask's `tag()`, and the untagging of a map entry with the nesting held to the
//! limit every reader enforces.
//!
//! The session map holds the tagged form, exactly as Flask's `tag()` would write each
//! entry, so an entry the Rust side never touches is written back as it came. Reading runs
//! Flask's own untag pass (children first, then any one-key dict whose key is a tag) and
//! tags the result again, which turns whatever Flask would accept into the form Flask
//! would write: `{" u": "12345678-1234-…"}` becomes the dashless hex Flask writes, and a
//! `" di"` whose key does not need the escape loses it.

use serde::{Serialize, Serializer};
use serde_json::{Number, Value};

use super::marker::{Marker, int_value, marker, non_finite_marker};
use super::model::{BigInt, EntryError, PyValue};
use super::plain::stored_object;
use super::stored::Typed;
use super::tags::{BYTES, BadTag, DATETIME, MARKUP, TUPLE, UUID, is_tag_key, single};
use super::text::{bytes_text, format_http_date, uuid_text};
use super::untag::untag;
use crate::config::MAX_NESTING;

/// Flask's `tag()`: the JSON form of a Python value.
pub(crate) fn tag(value: PyValue) -> Value {
    match value {
        PyValue::None => Value::Null,
        PyValue::Bool(b) => Value::Bool(b),
        PyValue::Int(n) => Value::from(n),
        PyValue::BigInt(n) => int_value(n.as_str().to_owned()),
        // serde_json's own spelling, so typed reads see a plain f64; the writer spells it
        // the Python way.
        PyValue::Float(value) => {
            Number::from_f64(value).map_or_else(|| non_finite_marker(value), Value::Number)
        }
        PyValue::Str(text) => Value::String(text),
        PyValue::List(items) => Value::Array(items.into_iter().map(tag).collect()),
        // A dict of one tag-like key is escaped, as Flask's `TagDict` does.
        PyValue::Dict(entries) => {
            stored_object(entries.into_iter().map(|(k, v)| (k, tag(v))).collect())
        }
        PyValue::Tuple(items) => single(TUPLE, Value::Array(items.into_iter().map(tag).collect())),
        PyValue::Bytes(raw) => single(BYTES, Value::String(bytes_text(&raw))),
        PyValue::Markup(text) => single(MARKUP, Value::String(text)),
        PyValue::Uuid(raw) => single(UUID, Value::String(uuid_text(&raw))),
        PyValue::DateTime(seconds) => match format_http_date(seconds) {
            Some(text) => single(DATETIME, Value::String(text)),
            None => Value::Null,
        },
        PyValue::DateText(text) => single(DATETIME, Value::String(text)),
    }
}

/// Python's truth value of a tagged entry, for `if session.permanent`: the truth of the
/// Python value Flask reads from it (`{" t": ""}` is the empty tuple, false). An entry Flask
/// cannot read counts as false; it is never written (the write refuses it).
pub(crate) fn truthy(value: &Value) -> bool {
    python_value(value, 1).is_ok_and(|python| python.is_truthy())
}

/// The Python value Flask would read from a session entry as the session map holds it,
/// nested within `enclosing` containers (the session object, and the `" di"` escape of a
/// session whose one entry has a tag-like key): the same untagging as reading a cookie
/// does, so an entry that passes here reads back, in Flask and in this crate alike.
///
/// The nesting limit is held against both the JSON as it came and the JSON that is
/// written (Flask's form of the value, where a tag or an escaped dict is an object of its
/// own: `{" t": "ab"}` is written `{" t": ["a", "b"]}`, one level deeper).
pub(crate) fn python_value(value: &Value, enclosing: usize) -> Result<PyValue, EntryError> {
    let raw = raw_python(value, enclosing + 1).ok_or(EntryError::TooDeep)?;
    let python = untag(raw).map_err(|BadTag(tag)| EntryError::Tag(tag))?;
    if enclosing + tagged_depth(&python) > MAX_NESTING {
        return Err(EntryError::TooDeep);
    }
    Ok(python)
}

/// How many containers deep the tagged JSON of `value` nests (0 for a scalar), as Flask
/// writes it.
fn tagged_depth(value: &PyValue) -> usize {
    fn deepest<'a>(items: impl Iterator<Item = &'a PyValue>) -> usize {
        items.map(tagged_depth).max().unwrap_or(0)
    }
    match value {
        PyValue::List(items) => 1 + deepest(items.iter()),
        // `{" t": [...]}`
        PyValue::Tuple(items) => 2 + deepest(items.iter()),
        // A one-entry dict with a tag-like key is written `{" di": {"<key>__": ...}}`.
        PyValue::Dict(entries) => {
            let escaped = matches!(entries.as_slice(), [(key, _)] if is_tag_key(key));
            1 + usize::from(escaped) + deepest(entries.iter().map(|(_, v)| v))
        }
        PyValue::Bytes(_) | PyValue::Markup(_) | PyValue::Uuid(_) | PyValue::DateText(_) => 1,
        PyValue::DateTime(seconds) => usize::from(format_http_date(*seconds).is_some()),
        PyValue::None
        | PyValue::Bool(_)
        | PyValue::Int(_)
        | PyValue::BigInt(_)
        | PyValue::Float(_)
        | PyValue::Str(_) => 0,
    }
}

/// `value` as JSON decoding would give it to Flask, before untagging; `None` past the
/// nesting limit. Markers stand for the numbers they hold, which are not containers in
/// the JSON text Flask's format writes.
fn raw_python(value: &Value, level: usize) -> Option<PyValue> {
    match marker(value) {
        Some(Marker::Float(f)) => return Some(PyValue::Float(f)),
        Some(Marker::Int(digits)) => return Some(PyValue::BigInt(BigInt::parse(digits).ok()?)),
        None => {}
    }
    Some(match value {
        Value::Null => PyValue::None,
        Value::Bool(b) => PyValue::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (_, Some(n), _) => PyValue::Int(n),
            (Some(n), _, _) => PyValue::BigInt(BigInt::from(u128::from(n))),
            (_, _, Some(f)) => PyValue::Float(f),
            _ => return None,
        },
        Value::String(text) => PyValue::Str(text.clone()),
        _ if level > MAX_NESTING => return None,
        Value::Array(items) => PyValue::List(
            items
                .iter()
                .map(|item| raw_python(item, level + 1))
                .collect::<Option<_>>()?,
        ),
        Value::Object(map) => PyValue::Dict(
            map.iter()
                .map(|(k, v)| Some((k.clone(), raw_python(v, level + 1)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// The tagged form of Python values lives with the tags.
impl PyValue {
    /// The Python value Flask reads from a tagged JSON entry (as
    /// [`Session::get_value`](crate::Session::get_value) returns it for a Flask engine).
    ///
    /// # Errors
    ///
    /// An [`EntryError`] for an entry Flask could not read back: a tag around a value it
    /// refuses (`{" t": 5}`), or nesting past [`MAX_NESTING`](crate::MAX_NESTING).
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::{EntryError, PyValue};
    /// use serde_json::json;
    ///
    /// let escaped = json!({" di": {" t__": 1}});
    /// assert_eq!(
    ///     PyValue::from_tagged(&escaped)?,
    ///     PyValue::Dict(vec![(" t".into(), PyValue::Int(1))])
    /// );
    /// assert_eq!(PyValue::from_tagged(&json!({" t": 5})), Err(EntryError::Tag(" t")));
    /// # Ok::<(), EntryError>(())
    /// ```
    pub fn from_tagged(value: &Value) -> Result<PyValue, EntryError> {
        // An entry of the session object.
        python_value(value, 1)
    }

    /// The tagged JSON Flask writes for this value, as a session entry holds it.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::PyValue;
    ///
    /// let id = PyValue::Uuid([0x12; 16]);
    /// assert_eq!(id.to_tagged(), serde_json::json!({" u": "12121212121212121212121212121212"}));
    /// ```
    pub fn to_tagged(&self) -> Value {
        tag(self.clone())
    }

    /// [`to_tagged`](Self::to_tagged), consuming the value.
    ///
    /// # Example
    ///
    /// ```
    /// use chunked_cookie_session::flask::PyValue;
    ///
    /// let markup = PyValue::Markup("<b>hi</b>".into());
    /// assert_eq!(markup.into_tagged(), serde_json::json!({" m": "<b>hi</b>"}));
    /// ```
    pub fn into_tagged(self) -> Value {
        tag(self)
    }
}

/// A Python value is a typed value: inserted into a session
/// ([`Session::insert`](crate::Session::insert)), it is stored as the Python value it is,
/// and Python reads it back as such. To serde_json and every other serializer, it is its
/// tagged JSON ([`PyValue::to_tagged`]).
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::PyValue;
/// use chunked_cookie_session::{Key, KeyRing, SessionConfig, SessionEngine};
///
/// let engine = SessionEngine::signed(SessionConfig::default(), KeyRing::new(Key::generate()));
/// let session = engine.load(std::iter::empty());
/// session.insert("pair", PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)]))?;
/// session.insert("plain", serde_json::json!({" t": [1, 2]}))?;
/// let python = session.python_entries()?;
/// assert_eq!(python[0].1, PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)]));
/// let plain = PyValue::Dict(vec![(" t".into(), PyValue::List(vec![PyValue::Int(1), PyValue::Int(2)]))]);
/// assert_eq!(python[1].1, plain);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl Serialize for PyValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Typed(self.to_tagged()).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_is_python_truth() {
        for (json, truth) in [
            ("0.0", false),
            ("[]", false),
            ("\"x\"", true),
            ("{\" t\":[]}", false),
            // Judged as the Python value: the empty tuple, an unreadable tag, None.
            ("{\" t\":\"\"}", false),
            ("{\" t\":\"ab\"}", true),
            ("{\" di\":\"0.0\"}", false),
            ("{\" d\":null}", false),
            ("{\" b\":\"\"}", false),
            ("{\" di\":\"NaN\"}", true),
            ("{\" di\":\"-123456789012345678901234567890\"}", true),
            ("{\" u\":\"12345678123456781234567812345678\"}", true),
        ] {
            let value: Value = serde_json::from_str(json).expect("accepted");
            assert_eq!(truthy(&value), truth, "{json}");
        }
    }
}
