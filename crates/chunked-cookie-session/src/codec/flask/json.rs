//! A Flask session's JSON, whole: the session object read and written in Flask's dialect
//! (the session is a dict like any other, so a lone tag-like key is escaped), and the
//! public functions that read and write it.

use serde_json::{Map, Value};

use crate::pyvalue::{
    DICT, Dialect, EntryError, InvalidEntry, PyValue, dump_object, escaped_key, object_hook, parse,
    tag, write_object, write_python, write_string,
};
use crate::reason::LoadReason;

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
    match parse(text, object_hook).map_err(|_| LoadReason::Malformed)? {
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
            write_string(&mut out, DICT);
            out.push(':');
            write_object(&mut out, &mut [(escaped.as_str(), *value)]);
            out.push('}');
        }
        _ => write_object(&mut out, &mut entries),
    }
    out
}

/// The JSON Flask writes for a session holding `entries` (Python values, unique keys, in
/// any order): [`dump_session`] of their tagged forms, written straight from the values.
///
/// # Errors
///
/// The key of the first entry nested past [`MAX_NESTING`](crate::MAX_NESTING), which no reader would accept.
pub(crate) fn dump_python(entries: Vec<(&str, &PyValue)>) -> Result<String, String> {
    // The session is a dict like any other: a lone tag-like key is escaped.
    if let [(key, value)] = entries.as_slice()
        && let Some(escaped) = escaped_key(key)
    {
        let mut out = String::with_capacity(256);
        out.push_str("{\" di\":{");
        write_string(&mut out, &escaped);
        out.push(':');
        write_python(&mut out, value, 2, Dialect::Flask).map_err(|_| (*key).to_owned())?;
        out.push_str("}}");
        return Ok(out);
    }
    let mut out = String::with_capacity(256 + entries.len() * 32);
    dump_object(&mut out, entries, Dialect::Flask)?;
    Ok(out)
}

/// The JSON Flask's session serializer writes for a session holding `entries` in Flask's
/// tagged JSON (as [`from_json`] reads them, or [`PyValue::to_tagged`] makes them): keys
/// sorted, compact, ASCII-only, floats as Python writes them. The tags in `entries` are
/// written as tags: this is Flask's JSON, not a session's plain entries (a session's whole
/// JSON is [`python_to_json`] of [`Session::python_entries`](crate::Session::python_entries)).
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
/// allowed, Flask's tags read) into Flask's tagged form of it. A session takes that form
/// as plain JSON (a tag in it is a dict); [`PyValue::from_tagged`] makes it the Python
/// value, which a session stores as such.
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
    parse(text, object_hook)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MAX_NESTING;
    use crate::pyvalue::python_value;

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
