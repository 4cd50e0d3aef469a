//! Session entries: nested JSON with odd keys, big numbers, deep nesting and Flask's
//! tag-like keys.

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Keys and strings that have broken JSON code before, or mean something to Flask.
pub const ODD_STRINGS: &[&str] = &[
    "",
    " t",
    " di",
    " u",
    " b",
    " m",
    " d",
    " t__",
    " di__",
    "_permanent",
    "__",
    "\u{0}",
    "\u{7f}",
    "\u{80}",
    "\u{2028}",
    "\u{fffd}",
    "\u{10ffff}",
    "😀",
    "\\ud800",
    "\"",
    "\\",
    "NaN",
    "Infinity",
    "-Infinity",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "12345678123456781234567812345678",
    "12345678-1234-5678-1234-567812345678",
    "AAEC",
    "====",
    "<b>&amp;</b>",
];

/// Number spellings at the edges: huge ints, exponents that overflow an `f64`, negative
/// zero, subnormals, Python's non-finite floats. What serde_json cannot hold as a number
/// stays a string, or becomes a Flask marker.
pub const ODD_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "0.0",
    "1e400",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "1.7976931348623157e308",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890123456789",
    "1E5",
    "1.5",
    "0.1",
    "1e22",
    "1e16",
    "NaN",
    "-Infinity",
];

/// A key: mostly odd or tag-like, sometimes arbitrary.
pub fn key(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(2, 3)? {
        (*u.choose(ODD_STRINGS)?).to_owned()
    } else {
        String::arbitrary(u)?
    })
}

fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    let text = match u.int_in_range(0..=4)? {
        0 => (*u.choose(ODD_NUMBERS)?).to_owned(),
        1 => i64::arbitrary(u)?.to_string(),
        2 => u64::arbitrary(u)?.to_string(),
        3 => {
            // A big int of up to ~5000 digits: Python converts at most 4300.
            let digits = u.int_in_range(1..=5000)?;
            let seed = u8::arbitrary(u)?;
            let mut text = String::with_capacity(digits + 1);
            text.push(char::from(b'1' + seed % 9));
            (1..digits)
                .for_each(|i| text.push(char::from(b'0' + ((seed as usize + i) % 10) as u8)));
            text
        }
        _ => {
            let float = f64::arbitrary(u)?;
            return Ok(Number::from_f64(float).map_or(Value::Null, Value::Number));
        }
    };
    if u.ratio(1, 4)? {
        // The form a Flask engine holds a Python int beyond 64 bits (or a non-finite
        // float) in: `{" di": "<digits>"}`, a shape Flask's own tags never produce.
        let mut marker = Map::new();
        marker.insert(" di".to_owned(), Value::String(text));
        return Ok(Value::Object(marker));
    }
    Ok(text
        .parse::<Number>()
        .map_or(Value::String(text), Value::Number))
}

/// One of Flask's tags around a value, with a well-formed or a garbage payload.
fn tagged(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let tag = *u.choose(&[" t", " b", " m", " u", " d", " di"])?;
    let inner = if u.ratio(1, 2)? {
        match tag {
            " t" => Value::Array(vec![json_value(u, depth + 1)?, json_value(u, depth + 1)?]),
            " b" => Value::String("AAEC/w==".to_owned()),
            " u" => Value::String("12345678123456781234567812345678".to_owned()),
            " d" => Value::String("Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
            " di" => {
                let mut map = Map::new();
                map.insert(
                    format!("{}__", u.choose(&[" t", " di", " b"])?),
                    json_value(u, depth + 1)?,
                );
                Value::Object(map)
            }
            _ => Value::String(String::arbitrary(u)?),
        }
    } else {
        json_value(u, depth + 1)?
    };
    let mut map = Map::new();
    map.insert(tag.to_owned(), inner);
    Ok(Value::Object(map))
}

/// Wraps `value` in `levels` arrays or one-key objects: nesting around the 128 levels the
/// readers accept.
fn nest(u: &mut Unstructured<'_>, mut value: Value, levels: usize) -> Result<Value> {
    let as_object = bool::arbitrary(u)?;
    for _ in 0..levels {
        value = if as_object {
            let mut map = Map::new();
            map.insert("k".to_owned(), value);
            Value::Object(map)
        } else {
            Value::Array(vec![value])
        };
    }
    Ok(value)
}

/// An arbitrary JSON value. `depth` counts the structured levels above it; past a few the
/// generator only closes up, so a value is never deeper than `nest` makes it.
pub fn json_value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let leaf_only = depth >= 6 || u.is_empty();
    let choice = if leaf_only {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=8)?
    };
    Ok(match choice {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => number(u)?,
        3 => Value::String((*u.choose(ODD_STRINGS)?).to_owned()),
        4 => Value::String(String::arbitrary(u)?),
        5 => {
            let len = u.int_in_range(0..=4)?;
            Value::Array(
                (0..len)
                    .map(|_| json_value(u, depth + 1))
                    .collect::<Result<_>>()?,
            )
        }
        6 => Value::Object(object(u, depth + 1)?),
        7 => tagged(u, depth)?,
        _ => {
            let levels = u.int_in_range(100..=140)?;
            let leaf = json_value(u, 6)?;
            nest(u, leaf, levels)?
        }
    })
}

fn object(u: &mut Unstructured<'_>, depth: usize) -> Result<Map<String, Value>> {
    let len = u.int_in_range(0..=4)?;
    let mut map = Map::new();
    for _ in 0..len {
        let key = key(u)?;
        let value = json_value(u, depth)?;
        map.insert(key, value);
    }
    Ok(map)
}

/// The entries of a session.
pub fn session_map(u: &mut Unstructured<'_>) -> Result<Map<String, Value>> {
    object(u, 0)
}
