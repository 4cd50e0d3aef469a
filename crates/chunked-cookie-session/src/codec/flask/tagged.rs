//! Flask's tagged JSON (`flask.json.tag`): how tuples, bytes, Markup, UUIDs and datetimes
//! travel through JSON, and the `" di"` escape for dicts that would look like a tag.
//!
//! The session map holds the tagged form, exactly as Flask's `tag()` would write each
//! entry, so an entry the Rust side never touches is written back as it came. Reading runs
//! Flask's own untag pass (children first, then any one-key dict whose key is a tag) and
//! tags the result again, which turns whatever Flask would accept into the form Flask
//! would write: `{" u": "12345678-1234-…"}` becomes the dashless hex Flask writes, and a
//! `" di"` whose key does not need the escape loses it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value};
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use super::encoding::python_b64decode;
use super::pyjson::{self, Dialect, Marker, SyntaxError, int_value, marker, non_finite_marker};
use super::python::{BigInt, EntryError, InvalidEntry, PyValue};
use crate::config::MAX_NESTING;
use crate::reason::LoadReason;

/// Tuple.
pub(crate) const TUPLE: &str = " t";
/// Bytes, as standard base64 with padding.
pub(crate) const BYTES: &str = " b";
/// `markupsafe.Markup`, as its HTML text.
pub(crate) const MARKUP: &str = " m";
/// `uuid.UUID`, as 32 lowercase hex digits.
pub(crate) const UUID: &str = " u";
/// `datetime.datetime`, as an HTTP date in GMT.
pub(crate) const DATETIME: &str = " d";
/// A one-key dict whose key is one of these, with `__` appended to the key.
pub(crate) const DICT: &str = " di";

/// Every key Flask registers, so every key a one-key dict must not have unescaped.
pub(crate) const TAG_KEYS: [&str; 6] = [DICT, TUPLE, BYTES, MARKUP, UUID, DATETIME];

pub(crate) fn is_tag_key(key: &str) -> bool {
    TAG_KEYS.contains(&key)
}

/// Flask's `TagDict` rule, its one home here: a dict of one entry whose key is a tag is
/// written as `{" di": {"<key>__": value}}`, so it is not read as that tag. The key to write
/// inside the escape, when `key` needs it.
pub(crate) fn escaped_key(key: &str) -> Option<String> {
    is_tag_key(key).then(|| format!("{key}__"))
}

/// The key an escaped dict stands for: `key[:-2]`, counted in characters as Python slices.
pub(crate) fn unescaped_key(key: &str) -> String {
    let mut chars = key.chars();
    chars.next_back();
    chars.next_back();
    chars.as_str().to_owned()
}

/// A dict of one entry, escaped by the `TagDict` rule when its key needs it.
pub(crate) fn one_entry(key: &str, value: Value) -> Value {
    match escaped_key(key) {
        Some(escaped) => single(DICT, single(&escaped, value)),
        None => single(key, value),
    }
}

/// Python `bytes` as Flask tags them: standard base64 with padding.
pub(crate) fn bytes_text(raw: &[u8]) -> String {
    STANDARD.encode(raw)
}

/// A `uuid.UUID` as Flask tags it: its 32 lowercase hex digits.
pub(crate) fn uuid_text(raw: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for &byte in raw {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out
}

/// Reads a session's JSON (the payload after decompression) into the tagged map.
pub(crate) fn load_session(json: &[u8]) -> Result<Map<String, Value>, LoadReason> {
    let entries = load_python(json)?;
    Ok(entries.into_iter().map(|(k, v)| (k, tag(v))).collect())
}

/// Reads a session's JSON into the Python values Flask's serializer would give, in the
/// order of the document.
pub(crate) fn load_python(json: &[u8]) -> Result<Vec<(String, PyValue)>, LoadReason> {
    let text = std::str::from_utf8(json).map_err(|_| LoadReason::Malformed)?;
    // Flask builds the session with `dict(data)`; anything but a dict would be a server
    // error there, and is a malformed session here.
    match pyjson::parse(text, object_hook).map_err(|_| LoadReason::Malformed)? {
        PyValue::Dict(entries) => Ok(entries),
        _ => Err(LoadReason::Malformed),
    }
}

/// The JSON Flask writes for a session holding `entries` (tagged values, unique keys, in
/// any order).
pub(crate) fn dump_session(mut entries: Vec<(&str, &Value)>) -> String {
    let mut out = String::with_capacity(64 + entries.len() * 32);
    // The session is a dict like any other: a lone tag-like key is escaped.
    match entries.as_slice() {
        [(key, value)] if let Some(escaped) = escaped_key(key) => {
            out.push('{');
            pyjson::write_string(&mut out, DICT);
            out.push(':');
            pyjson::write_object(&mut out, &mut [(escaped.as_str(), *value)]);
            out.push('}');
        }
        _ => pyjson::write_object(&mut out, &mut entries),
    }
    out
}

/// The JSON Flask writes for a session holding `entries` (Python values, unique keys, in
/// any order): [`dump_session`] of their tagged forms, written straight from the values.
///
/// # Errors
///
/// The key of the first entry nested past [`MAX_NESTING`], which no reader would accept.
pub(crate) fn dump_python(entries: Vec<(&str, &PyValue)>) -> Result<String, String> {
    // The session is a dict like any other: a lone tag-like key is escaped.
    if let [(key, value)] = entries.as_slice()
        && let Some(escaped) = escaped_key(key)
    {
        let mut out = String::with_capacity(256);
        out.push_str("{\" di\":{");
        pyjson::write_string(&mut out, &escaped);
        out.push(':');
        write_python(&mut out, value, 2, Dialect::Flask).map_err(|_| (*key).to_owned())?;
        out.push_str("}}");
        return Ok(out);
    }
    dump_object(entries, Dialect::Flask)
}

/// The JSON a native format seals for a session holding `entries` (Python values, unique
/// keys): what serde_json writes for their tagged forms as the session map holds them,
/// markers and all, written straight from the values.
///
/// # Errors
///
/// The key of the first entry nested past [`MAX_NESTING`].
pub(crate) fn dump_native(entries: &[(String, PyValue)]) -> Result<String, String> {
    dump_object(
        entries.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        Dialect::Native,
    )
}

/// Reads a native session's JSON into Python values, as [`PyValue::from_tagged`] reads
/// each entry of the map serde_json would make of it; `None` where that needs the map
/// (an entry Python could not read, which the map keeps as it is).
pub(crate) fn load_native(json: &[u8]) -> Option<Vec<(String, PyValue)>> {
    let text = std::str::from_utf8(json).ok()?;
    match pyjson::parse_as(text, Dialect::Native, object_hook).ok()? {
        PyValue::Dict(entries) => Some(entries),
        _ => None,
    }
}

/// The session object, keys sorted.
fn dump_object(mut entries: Vec<(&str, &PyValue)>, dialect: Dialect) -> Result<String, String> {
    let mut out = String::with_capacity(256 + entries.len() * 32);
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_text(&mut out, key, dialect);
        out.push(':');
        write_python(&mut out, value, 1, dialect).map_err(|_| (*key).to_owned())?;
    }
    out.push('}');
    Ok(out)
}

fn write_text(out: &mut String, text: &str, dialect: Dialect) {
    match dialect {
        Dialect::Flask => pyjson::write_string(out, text),
        Dialect::Native => pyjson::write_string_utf8(out, text),
    }
}

/// Appends the JSON of `tag(value)` for a value inside `depth` containers: as Python's
/// json writes it ([`Dialect::Flask`]), or as serde_json writes the session map's form of
/// it, with markers for the numbers a `serde_json::Value` cannot hold
/// ([`Dialect::Native`]). Refuses a container that would open at [`MAX_NESTING`] or
/// deeper, where every reader refuses it.
fn write_python(
    out: &mut String,
    value: &PyValue,
    depth: usize,
    dialect: Dialect,
) -> Result<(), EntryError> {
    /// Opens `{"<key>":` at `depth`.
    fn open_tag(out: &mut String, key: &str, depth: usize) -> Result<(), EntryError> {
        if depth >= MAX_NESTING {
            return Err(EntryError::TooDeep);
        }
        out.push_str("{\"");
        out.push_str(key);
        out.push_str("\":");
        Ok(())
    }
    /// A marker: `{" di":"<text>"}`.
    fn marker(out: &mut String, text: &str, depth: usize) -> Result<(), EntryError> {
        open_tag(out, DICT, depth)?;
        out.push('"');
        out.push_str(text);
        out.push_str("\"}");
        Ok(())
    }
    fn items(
        out: &mut String,
        items: &[PyValue],
        depth: usize,
        dialect: Dialect,
    ) -> Result<(), EntryError> {
        if depth >= MAX_NESTING {
            return Err(EntryError::TooDeep);
        }
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_python(out, item, depth + 1, dialect)?;
        }
        out.push(']');
        Ok(())
    }
    let native = dialect == Dialect::Native;
    match value {
        PyValue::None => out.push_str("null"),
        PyValue::Bool(true) => out.push_str("true"),
        PyValue::Bool(false) => out.push_str("false"),
        PyValue::Int(n) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{n}");
        }
        PyValue::BigInt(n) if native && n.as_str().parse::<u64>().is_err() => {
            marker(out, n.as_str(), depth)?;
        }
        PyValue::BigInt(n) => out.push_str(n.as_str()),
        PyValue::Float(f) if native && !f.is_finite() => {
            let mut word = String::new();
            pyjson::write_float(&mut word, *f);
            marker(out, &word, depth)?;
        }
        PyValue::Float(f) => pyjson::write_float(out, *f),
        PyValue::Str(text) => write_text(out, text, dialect),
        PyValue::List(list) => items(out, list, depth, dialect)?,
        PyValue::Dict(entries) => match entries.as_slice() {
            [(key, inner)] if let Some(escaped) = escaped_key(key) => {
                open_tag(out, DICT, depth)?;
                if depth + 1 >= MAX_NESTING {
                    return Err(EntryError::TooDeep);
                }
                out.push('{');
                write_text(out, &escaped, dialect);
                out.push(':');
                write_python(out, inner, depth + 2, dialect)?;
                out.push_str("}}");
            }
            _ => {
                if depth >= MAX_NESTING {
                    return Err(EntryError::TooDeep);
                }
                let mut sorted: Vec<&(String, PyValue)> = entries.iter().collect();
                sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (i, (key, inner)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_text(out, key, dialect);
                    out.push(':');
                    write_python(out, inner, depth + 1, dialect)?;
                }
                out.push('}');
            }
        },
        PyValue::Tuple(list) => {
            open_tag(out, TUPLE, depth)?;
            items(out, list, depth + 1, dialect)?;
            out.push('}');
        }
        PyValue::Bytes(raw) => {
            open_tag(out, BYTES, depth)?;
            out.push('"');
            STANDARD.encode_string(raw, out);
            out.push_str("\"}");
        }
        PyValue::Markup(text) => {
            open_tag(out, MARKUP, depth)?;
            write_text(out, text, dialect);
            out.push('}');
        }
        PyValue::Uuid(raw) => {
            open_tag(out, UUID, depth)?;
            out.push('"');
            out.push_str(&uuid_text(raw));
            out.push_str("\"}");
        }
        PyValue::DateTime(seconds) => match format_http_date(*seconds) {
            Some(text) => {
                open_tag(out, DATETIME, depth)?;
                out.push('"');
                out.push_str(&text);
                out.push_str("\"}");
            }
            None => out.push_str("null"),
        },
        PyValue::DateText(text) => {
            open_tag(out, DATETIME, depth)?;
            write_text(out, text, dialect);
            out.push('}');
        }
    }
    Ok(())
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
    dump_session(entries.iter().map(|(k, v)| (k.as_str(), v)).collect())
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
    load_session(text.as_bytes())
}

/// Reads a session written in Flask's tagged JSON into the Python values Flask's
/// serializer would give, in the order of the document (each key once, as in a Python
/// dict).
///
/// # Errors
///
/// [`LoadReason::Malformed`] for text Flask could not load as a session.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{PyValue, python_from_json};
///
/// let entries = python_from_json(r#"{"t": {" t": [1, 2]}, "n": NaN}"#).unwrap();
/// assert_eq!(entries[0].1, PyValue::Tuple(vec![PyValue::Int(1), PyValue::Int(2)]));
/// assert!(matches!(entries[1].1, PyValue::Float(f) if f.is_nan()));
/// ```
pub fn python_from_json(text: &str) -> Result<Vec<(String, PyValue)>, LoadReason> {
    load_python(text.as_bytes())
}

/// Reads one value written in Python's JSON (`NaN`, `Infinity` and ints of any size
/// allowed, Flask's tags read) into the tagged form a session entry holds: what a Flask
/// engine's session takes with [`Session::insert_value`](crate::Session::insert_value).
///
/// # Errors
///
/// [`LoadReason::Malformed`] for text Python's `json` would refuse, or a tag Flask could
/// not read back.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{BigInt, value_from_json};
///
/// let big = value_from_json("-1267650600228229401496703205376")?;
/// let back: BigInt = serde_json::from_value(big)?;
/// assert_eq!(i128::try_from(&back)?, -(1 << 100));
/// assert!(value_from_json(r#"{" t": 5}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn value_from_json(text: &str) -> Result<Value, LoadReason> {
    pyjson::parse(text, object_hook)
        .map(tag)
        .map_err(|_| LoadReason::Malformed)
}

/// The JSON Flask's session serializer writes for a session holding these Python values
/// (each key once), byte for byte: keys sorted, compact, ASCII-only, floats as Python
/// writes them, every Python type in its tag.
///
/// # Errors
///
/// [`InvalidEntry`] for an entry nested past [`MAX_NESTING`](crate::MAX_NESTING), which no
/// reader would accept.
///
/// # Example
///
/// ```
/// use chunked_cookie_session::flask::{PyValue, python_to_json};
///
/// let entries = vec![("when".to_owned(), PyValue::DateTime(1_704_164_645))];
/// assert_eq!(python_to_json(&entries).unwrap(), r#"{"when":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}"#);
/// ```
pub fn python_to_json(entries: &[(String, PyValue)]) -> Result<String, InvalidEntry> {
    dump_python(entries.iter().map(|(k, v)| (k.as_str(), v)).collect()).map_err(|key| {
        InvalidEntry {
            key,
            error: EntryError::TooDeep,
        }
    })
}

/// A tag whose value Flask cannot turn back into a Python object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadTag(pub(crate) &'static str);

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

/// Flask's `_untag_scan`: children first, then the dict itself.
pub(crate) fn untag(value: PyValue) -> Result<PyValue, BadTag> {
    match value {
        PyValue::List(items) => Ok(PyValue::List(
            items.into_iter().map(untag).collect::<Result<_, _>>()?,
        )),
        PyValue::Dict(entries) => untag_dict(
            entries
                .into_iter()
                .map(|(k, v)| untag(v).map(|v| (k, v)))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        other => Ok(other),
    }
}

/// The reader's object hook: Flask's untagging of each dict as it is read.
fn object_hook(entries: Vec<(String, PyValue)>) -> Result<PyValue, SyntaxError> {
    untag_dict(entries).map_err(|_| SyntaxError)
}

/// Flask's `untag` of a dict whose values are untagged already: a dict of one entry whose
/// key is a tag becomes the object the tag stands for.
pub(crate) fn untag_dict(mut entries: Vec<(String, PyValue)>) -> Result<PyValue, BadTag> {
    if entries.len() == 1 && is_tag_key(&entries[0].0) {
        let (key, inner) = entries.swap_remove(0);
        to_python(&key, inner)
    } else {
        Ok(PyValue::Dict(entries))
    }
}

/// What each tag's `to_python` builds from its (already untagged) value.
fn to_python(key: &str, value: PyValue) -> Result<PyValue, BadTag> {
    match key {
        DICT => match value {
            PyValue::Dict(mut entries) if !entries.is_empty() => {
                let (inner_key, inner) = entries.swap_remove(0);
                Ok(PyValue::Dict(vec![(unescaped_key(&inner_key), inner)]))
            }
            _ => Err(BadTag(DICT)),
        },
        TUPLE => python_iter(value)
            .map(PyValue::Tuple)
            .map_err(|_| BadTag(TUPLE)),
        BYTES => match value {
            PyValue::Str(text) | PyValue::Markup(text) if text.is_ascii() => {
                python_b64decode(text.as_bytes(), false).map(PyValue::Bytes)
            }
            PyValue::Bytes(raw) => python_b64decode(&raw, false).map(PyValue::Bytes),
            _ => None,
        }
        .ok_or(BadTag(BYTES)),
        MARKUP => python_str(value)
            .map(PyValue::Markup)
            .map_err(|_| BadTag(MARKUP)),
        UUID => match value {
            PyValue::Str(text) | PyValue::Markup(text) => parse_uuid(&text).map(PyValue::Uuid),
            _ => Err(SyntaxError),
        }
        .map_err(|_| BadTag(UUID)),
        DATETIME => match value {
            // Only the text Flask itself would write becomes a datetime again; any other
            // spelling is kept as it came (Flask reads it the same either way). Flask
            // writes years below 100 as `0091`, which it then reads back as 1991, so
            // keeping the text is also what keeps such an entry byte for byte.
            PyValue::Str(text) | PyValue::Markup(text) => Ok(match parse_http_date(&text) {
                Some(secs) if format_http_date(secs).as_deref() == Some(text.as_str()) => {
                    PyValue::DateTime(secs)
                }
                _ => PyValue::DateText(text),
            }),
            // werkzeug's `parse_date(None)` is None.
            PyValue::None => Ok(PyValue::None),
            _ => Err(BadTag(DATETIME)),
        },
        // Only the keys of `TAG_KEYS` reach here.
        _ => Err(BadTag(DICT)),
    }
}

/// `tuple(value)`: what iterating a Python object yields.
fn python_iter(value: PyValue) -> Result<Vec<PyValue>, SyntaxError> {
    match value {
        PyValue::List(items) | PyValue::Tuple(items) => Ok(items),
        PyValue::Str(text) | PyValue::Markup(text) => {
            Ok(text.chars().map(|c| PyValue::Str(c.into())).collect())
        }
        PyValue::Bytes(raw) => Ok(raw.iter().map(|&b| PyValue::Int(i64::from(b))).collect()),
        PyValue::Dict(entries) => Ok(entries.into_iter().map(|(k, _)| PyValue::Str(k)).collect()),
        _ => Err(SyntaxError),
    }
}

/// `str(value)` for the values `Markup(value)` accepts from JSON.
fn python_str(value: PyValue) -> Result<String, SyntaxError> {
    match value {
        PyValue::Str(text) | PyValue::Markup(text) => Ok(text),
        PyValue::None => Ok("None".to_owned()),
        PyValue::Bool(true) => Ok("True".to_owned()),
        PyValue::Bool(false) => Ok("False".to_owned()),
        PyValue::Int(n) => Ok(n.to_string()),
        PyValue::BigInt(n) => Ok(n.as_str().to_owned()),
        PyValue::Float(value) => {
            let mut out = String::new();
            // `str(float)` spells the non-finite ones in lowercase.
            if value.is_nan() {
                out.push_str("nan");
            } else if value.is_infinite() {
                out.push_str(if value > 0.0 { "inf" } else { "-inf" });
            } else {
                pyjson::write_float(&mut out, value);
            }
            Ok(out)
        }
        _ => Err(SyntaxError),
    }
}

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
        PyValue::Dict(mut entries) => {
            if entries.len() == 1 {
                let (key, inner) = entries.remove(0);
                one_entry(&key, tag(inner))
            } else {
                Value::Object(entries.into_iter().map(|(k, v)| (k, tag(v))).collect())
            }
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

/// A one-key object.
pub(crate) fn single(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// Python's truth value of a tagged entry, for `if session.permanent`: the truth of the
/// Python value Flask reads from it (`{" t": ""}` is the empty tuple, false). An entry Flask
/// cannot read counts as false; it is never written (the write refuses it).
pub(crate) fn truthy(value: &Value) -> bool {
    python_value(value, 1).is_ok_and(|python| python.is_truthy())
}

/// `uuid.UUID(text)`: braces, `urn:uuid:` and dashes are ignored, 32 hex digits remain.
pub(crate) fn parse_uuid(text: &str) -> Result<[u8; 16], SyntaxError> {
    let hex = |digits: &str| {
        u128::from_str_radix(digits, 16)
            .map(u128::to_be_bytes)
            .map_err(|_| SyntaxError)
    };
    // What Flask writes: 32 hex digits and nothing else.
    if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex(text);
    }
    let text = text.replace("urn:", "").replace("uuid:", "");
    let digits: String = text.trim_matches(['{', '}']).replace('-', "");
    if digits.len() != 32 {
        return Err(SyntaxError);
    }
    hex(&digits)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// werkzeug's `http_date`: `Tue, 02 Jan 2024 03:04:05 GMT`. Python's datetime holds years
/// 1 to 9999 only.
pub(crate) fn format_http_date(seconds: i64) -> Option<String> {
    fn two(out: &mut String, n: u8) {
        out.push(char::from(b'0' + n / 10));
        out.push(char::from(b'0' + n % 10));
    }
    let at = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    let year = u16::try_from(at.year())
        .ok()
        .filter(|y| (1..=9999).contains(y))?;
    let mut out = String::with_capacity(29);
    out.push_str(WEEKDAYS[usize::from(at.weekday().number_days_from_monday())]);
    out.push_str(", ");
    two(&mut out, at.day());
    out.push(' ');
    out.push_str(MONTHS[usize::from(u8::from(at.month())) - 1]);
    out.push(' ');
    two(&mut out, u8::try_from(year / 100).ok()?);
    two(&mut out, u8::try_from(year % 100).ok()?);
    out.push(' ');
    two(&mut out, at.hour());
    out.push(':');
    two(&mut out, at.minute());
    out.push(':');
    two(&mut out, at.second());
    out.push_str(" GMT");
    Some(out)
}

/// The dates `email.utils.parsedate_to_datetime` reads in the shape HTTP uses:
/// `[Www,] DD Mon YYYY HH:MM[:SS] [GMT|UTC|UT|Z|+hhmm|-hhmm]`. Other shapes are kept as
/// text rather than guessed at.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let mut words = text.split_whitespace().peekable();
    if words.peek()?.ends_with(',') {
        words.next();
    }
    let day: u8 = number(words.next()?, 1, 2)?.try_into().ok()?;
    let month_name = words.next()?;
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month_name))?;
    let mut year = i32::try_from(number(words.next()?, 2, 4)?).ok()?;
    // `email.utils` reads a year below 100 as two-digit: 69-99 are 19xx, the rest 20xx.
    if year < 100 {
        year += if year > 68 { 1900 } else { 2000 };
    }
    let mut clock = words.next()?.split(':');
    let hour = u8::try_from(number(clock.next()?, 1, 2)?).ok()?;
    let minute = u8::try_from(number(clock.next()?, 1, 2)?).ok()?;
    let second = match clock.next() {
        Some(s) => u8::try_from(number(s, 1, 2)?).ok()?,
        None => 0,
    };
    if clock.next().is_some() {
        return None;
    }
    let offset = match words.next() {
        None | Some("GMT" | "UTC" | "UT" | "Z") => 0,
        Some(zone) => {
            let (sign, digits) = match zone.as_bytes().first()? {
                b'+' => (1, &zone[1..]),
                b'-' => (-1, &zone[1..]),
                _ => return None,
            };
            let hhmm = i32::try_from(number(digits, 4, 4)?).ok()?;
            sign * ((hhmm / 100) * 3600 + (hhmm % 100) * 60)
        }
    };
    if words.next().is_some() {
        return None;
    }
    let month = Month::try_from(u8::try_from(month + 1).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    let offset = UtcOffset::from_whole_seconds(offset).ok()?;
    Some(date.with_time(time).assume_offset(offset).unix_timestamp())
}

fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
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
    pub fn into_tagged(self) -> Value {
        tag(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(json: &str) -> Result<String, LoadReason> {
        from_json(json).map(|map| to_json(&map))
    }

    #[test]
    fn canonical_forms_are_what_flask_writes() {
        let same = [
            r#"{"nested":{" di":{" t__":"not a tuple"}}}"#,
            r#"{"t":{" t":[1,"two",3.5,{" t":[4,null]},[true]]}}"#,
            r#"{"b":{" b":"AAH+YmluYXJ5/w=="}}"#,
            r#"{"dt":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}"#,
            r#"{"m":{" m":"<b>hi</b> & bye"}}"#,
            r#"{"u":{" u":"12345678123456781234567812345678"}}"#,
            r#"{" di":{" t__":1}}"#,
            r#"{" t":1,"x":2}"#,
            r#"{"x":{" x":1}}"#,
            r#"{"f":NaN,"g":-Infinity,"h":1e-05}"#,
            r#"{"d":{" d":"Tue, 02 Jan 2024 04:04:05 +0100"}}"#,
            r#"{"d":{" d":"Sat, 21 Jul 0091 13:51:22 GMT"}}"#,
        ];
        for json in same {
            assert_eq!(canonical(json).as_deref(), Ok(json));
        }
        let rewritten = [
            (r#"{"b":2, "a":1.50}"#, r#"{"a":1.5,"b":2}"#),
            (
                r#"{"u":{" u":"{12345678-1234-5678-1234-567812345678}"}}"#,
                r#"{"u":{" u":"12345678123456781234567812345678"}}"#,
            ),
            (r#"{"x":{" di":{"a__":1}}}"#, r#"{"x":{"a":1}}"#),
            (r#"{"x":{" t":"ab"}}"#, r#"{"x":{" t":["a","b"]}}"#),
            (r#"{"n":-0,"e":1E400}"#, r#"{"e":Infinity,"n":0}"#),
        ];
        for (json, flask) in rewritten {
            assert_eq!(canonical(json).as_deref(), Ok(flask));
        }
        for bad in [
            r#"{"x":{" di":5}}"#,
            r#"{"x":{" di":{}}}"#,
            r#"{"x":{" b":"QQ"}}"#,
            r#"{"x":{" u":"zz"}}"#,
            r#"{"x":{" t":5}}"#,
            r#"{" t":[1]}"#,
            "[1]",
            r#"{"x":{" di":"NaN"}}"#,
        ] {
            assert_eq!(canonical(bad), Err(LoadReason::Malformed), "{bad}");
        }
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            format_http_date(1_704_164_645).as_deref(),
            Some("Tue, 02 Jan 2024 03:04:05 GMT")
        );
        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Some(1_704_164_645)
        );
        assert_eq!(parse_http_date("2 jan 2024 03:04 UTC"), Some(1_704_164_640));
        assert_eq!(parse_http_date("yesterday"), None);
        assert_eq!(
            parse_http_date("Sat, 21 Jul 0091 13:51:22 GMT"),
            parse_http_date("Sun, 21 Jul 1991 13:51:22 GMT")
        );
        assert_eq!(format_http_date(-62_135_596_800 - 1), None);
    }

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

    #[test]
    fn a_big_number_at_the_nesting_limit_is_written() {
        // A big int at the deepest level: held as a marker object, written as digits.
        let digits = "123456789012345678901234567890";
        let json = "[".repeat(MAX_NESTING - 1) + digits + &"]".repeat(MAX_NESTING - 1);
        let entries = from_json(&format!("{{\"n\":{json}}}")).expect("within the limit");
        assert_eq!(to_json(&entries), format!("{{\"n\":{json}}}"));
        assert!(python_value(&entries["n"], 1).is_ok());
    }

    #[test]
    fn a_lone_tag_like_key_is_written_one_level_deeper() {
        // As deep as an entry may be: the arrays fill levels 2 to MAX_NESTING.
        let deepest = (1..MAX_NESTING).fold(Value::Null, |inner, _| Value::Array(vec![inner]));
        for (key, written, reads) in [("k", r#"{"k":"#, true), (" t", r#"{" di":{" t__":"#, false)]
        {
            let text = dump_session(vec![(key, &deepest)]);
            assert!(text.starts_with(written), "{text:.20}");
            assert_eq!(load_session(text.as_bytes()).is_ok(), reads, "{key:?}");
            // Accepted for writing exactly when it reads back.
            let escaped = escaped_key(key).is_some();
            let enclosing = 1 + usize::from(escaped);
            assert_eq!(python_value(&deepest, enclosing).is_ok(), reads, "{key:?}");
        }
    }
}
