//! Plain JSON and the stored form, each made from the other.
//!
//! Every format's session map holds Flask's tagged JSON, where an object of one key spelled
//! like a tag (`{" m": …}`) stands for a Python value. The Rust API's JSON is plain: an
//! object is an object, whatever its keys. So a plain object of one tag-like key is stored
//! escaped, as Flask's `TagDict` escapes it (`{" di": {"<key>__": value}}`), and read back
//! unescaped; a Rust application cannot make Python read a tag out of its JSON, and never
//! sees the escape. The typed values (`flask::Markup` and the others) are the one road to a
//! tag (`stored.rs`).
//!
//! This is the one rule every format shares whatever the crate's features: a native
//! session a Rust build without `flask` writes is read by Python as it reads any other.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::tags::{DICT, TAG_KEYS, escaped_key, single};

/// The stored form of a plain JSON value: every object of one tag-like key escaped, at
/// every depth.
pub(crate) fn escape(mut value: Value) -> Value {
    escape_in(&mut value);
    value
}

fn escape_in(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(escape_in),
        Value::Object(map) => {
            map.values_mut().for_each(escape_in);
            if map.len() == 1 {
                *value = stored_object(std::mem::take(map));
            }
        }
        _ => {}
    }
}

/// An object whose values are stored already, stored itself: escaped when it is one entry
/// under a tag-like key.
pub(crate) fn stored_object(mut map: Map<String, Value>) -> Value {
    let escaped = match map.keys().next() {
        Some(key) if map.len() == 1 => escaped_key(key),
        _ => None,
    };
    match escaped {
        Some(escaped) => {
            let value = map.values_mut().next().map(Value::take).unwrap_or_default();
            single(DICT, single(&escaped, value))
        }
        None => Value::Object(map),
    }
}

/// The plain JSON a stored value stands for: every escape undone, tags and markers as
/// they stand (the typed values read them). Borrowed when there is no escape in it, which
/// is nearly always.
pub(crate) fn plain(value: &Value) -> Cow<'_, Value> {
    if holds_escape(value) {
        Cow::Owned(into_plain(value.clone()))
    } else {
        Cow::Borrowed(value)
    }
}

/// [`plain`], taking the value.
pub(crate) fn into_plain(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(into_plain).collect()),
        Value::Object(mut map) => match escape_of(&map) {
            Some(tag) => {
                let inner = map.remove(DICT).unwrap_or_default();
                let inner = match inner {
                    Value::Object(inner) => inner.into_iter().next().map(|(_, v)| v),
                    _ => None,
                };
                single(tag, into_plain(inner.unwrap_or_default()))
            }
            None => Value::Object(
                map.into_iter()
                    .map(|(key, value)| (key, into_plain(value)))
                    .collect(),
            ),
        },
        other => other,
    }
}

/// The plain JSON of a stored map's entries.
pub(crate) fn plain_map(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| (key.clone(), plain(value).into_owned()))
        .collect()
}

fn holds_escape(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(holds_escape),
        Value::Object(map) => escape_of(map).is_some() || map.values().any(holds_escape),
        _ => false,
    }
}

/// The tag-like key an object escapes, when it is an escape: `{" di": {"<tag>__": v}}`,
/// exactly what [`escape`] writes. Any other shape under `" di"` (a marker of a number, or
/// what Flask writes only for keys that need no escape) is not undone.
fn escape_of(map: &Map<String, Value>) -> Option<&'static str> {
    if map.len() != 1 {
        return None;
    }
    let Some(Value::Object(inner)) = map.get(DICT) else {
        return None;
    };
    let (key, _) = inner.iter().next().filter(|_| inner.len() == 1)?;
    let tag = key.strip_suffix("__")?;
    TAG_KEYS.iter().copied().find(|known| *known == tag)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escape_and_plain_are_inverse() {
        for (plain_json, stored) in [
            (json!({" m": "<b>"}), json!({" di": {" m__": "<b>"}})),
            (json!({" di": "NaN"}), json!({" di": {" di__": "NaN"}})),
            (
                json!([{" t": {" b": 1}}, {" x": 1}, {" t": 1, "u": 2}]),
                json!([{" di": {" t__": {" di": {" b__": 1}}}}, {" x": 1}, {" t": 1, "u": 2}]),
            ),
            (
                json!({" di": {" t__": 1}}),
                json!({" di": {" di__": {" t__": 1}}}),
            ),
            (json!("text"), json!("text")),
        ] {
            assert_eq!(escape(plain_json.clone()), stored, "{plain_json}");
            assert_eq!(plain(&stored).into_owned(), plain_json, "{stored}");
            assert_eq!(into_plain(stored.clone()), plain_json, "{stored}");
        }
        // Tags and markers are what typed values stored: read as they stand.
        for kept in [
            json!({" m": "x"}),
            json!({" di": "NaN"}),
            json!({" di": {"a__": 1}}),
        ] {
            assert!(matches!(plain(&kept), Cow::Borrowed(_)), "{kept}");
        }
    }
}
