//! The markers the session map holds for the Python numbers a `serde_json::Value` cannot
//! hold: a non-finite float and an int beyond 64 bits.

use serde_json::{Map, Value};

use super::model::{BigInt, MAX_INT_DIGITS, PyValue};

/// The key of the markers the session map holds for the Python numbers a
/// `serde_json::Value` cannot hold: `{" di": "NaN"}` (or `"Infinity"`, `"-Infinity"`) for a
/// non-finite float, `{" di": "<digits>"}` for an int beyond 64 bits. Flask's tagged JSON
/// never puts a string under `" di"` (that tag always wraps an object), so a marker cannot
/// be mistaken for anything Flask wrote, and none ever reaches the wire.
pub(crate) const MARKER_KEY: &str = " di";

/// A number held as a marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Marker<'a> {
    Float(f64),
    /// Canonical decimal text of an int outside the 64-bit range.
    Int(&'a str),
}

/// The number a marker stands for, if `value` is one.
pub(crate) fn marker(value: &Value) -> Option<Marker<'_>> {
    let Value::Object(map) = value else {
        return None;
    };
    if map.len() != 1 {
        return None;
    }
    match map.get(MARKER_KEY)?.as_str()? {
        "NaN" => Some(Marker::Float(f64::NAN)),
        "Infinity" => Some(Marker::Float(f64::INFINITY)),
        "-Infinity" => Some(Marker::Float(f64::NEG_INFINITY)),
        digits if is_big_int(digits) => Some(Marker::Int(digits)),
        _ => None,
    }
}

/// The number a marker's text stands for, as a Python value.
pub(crate) fn marked_number(text: &str) -> Option<PyValue> {
    Some(match text {
        "NaN" => PyValue::Float(f64::NAN),
        "Infinity" => PyValue::Float(f64::INFINITY),
        "-Infinity" => PyValue::Float(f64::NEG_INFINITY),
        digits if is_big_int(digits) => PyValue::BigInt(BigInt::parse(digits).ok()?),
        _ => return None,
    })
}

/// The marker for a non-finite float.
pub(crate) fn non_finite_marker(value: f64) -> Value {
    let word = if value.is_nan() {
        "NaN"
    } else if value > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    };
    marker_of(word.to_owned())
}

/// An int as the session map holds it: a JSON number within 64 bits, a marker beyond.
/// `digits` is canonical decimal text (no `+`, no leading zero, no `-0`).
pub(crate) fn int_value(digits: String) -> Value {
    match (digits.parse::<u64>(), digits.parse::<i64>()) {
        (Ok(n), _) => Value::from(n),
        (_, Ok(n)) => Value::from(n),
        _ => marker_of(digits),
    }
}

fn marker_of(text: String) -> Value {
    let mut map = Map::new();
    map.insert(MARKER_KEY.to_owned(), Value::String(text));
    Value::Object(map)
}

/// Canonical decimal text of an int outside the 64-bit range, of at most Python's digit
/// limit: what an int marker may hold.
fn is_big_int(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.len() <= MAX_INT_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && text.parse::<i64>().is_err()
        && text.parse::<u64>().is_err()
}
