//! Flask's untagging: a dict of one tag-like key becomes the Python object the tag stands
//! for (each tag's `to_python`), children first, as Flask's `_untag_scan` runs.

use super::b64::python_b64decode;
use super::model::PyValue;
use super::read::SyntaxError;
use super::tags::{BYTES, BadTag, DATETIME, DICT, MARKUP, TUPLE, UUID, is_tag_key, unescaped_key};
use super::text::{format_http_date, parse_http_date, parse_uuid};
use super::write::write_float;

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
pub(crate) fn object_hook(entries: Vec<(String, PyValue)>) -> Result<PyValue, SyntaxError> {
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
                write_float(&mut out, value);
            }
            Ok(out)
        }
        _ => Err(SyntaxError),
    }
}
