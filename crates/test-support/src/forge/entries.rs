//! A session's entries as docs/FORMAT.md section 5 stores them, rebuilt from the document:
//! the plain JSON an application stores is written in Flask's tagged JSON, where an object
//! of one key spelled like a tag (`" t"`, `" b"`, `" m"`, `" u"`, `" d"`, `" di"`) is
//! escaped as `{" di": {"<key>__": value}}`; a reader undoes exactly that escape.

use serde_json::{Map, Value};

/// The keys Flask's tagged JSON gives a meaning to.
pub const TAG_KEYS: [&str; 6] = [" di", " t", " b", " m", " u", " d"];

/// The stored form of plain entries: every object of one tag-like key escaped.
pub fn store(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| (key.clone(), store_value(value)))
        .collect()
}

/// The stored form of one plain value.
pub fn store_value(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(store_value).collect()),
        Value::Object(map) => {
            let stored = store(map);
            match stored.iter().next() {
                Some((key, inner)) if stored.len() == 1 && TAG_KEYS.contains(&key.as_str()) => {
                    let mut escape = Map::new();
                    escape.insert(format!("{key}__"), inner.clone());
                    let mut outer = Map::new();
                    outer.insert(" di".to_owned(), Value::Object(escape));
                    Value::Object(outer)
                }
                _ => Value::Object(stored),
            }
        }
        other => other.clone(),
    }
}

/// The plain entries a stored session holds: every escape undone, nothing else touched.
pub fn plain(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| (key.clone(), plain_value(value)))
        .collect()
}

/// The plain form of one stored value.
pub fn plain_value(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(plain_value).collect()),
        Value::Object(map) => {
            if let (1, Some(Value::Object(escape))) = (map.len(), map.get(" di"))
                && escape.len() == 1
                && let Some((key, inner)) = escape.iter().next()
                && let Some(tag) = key.strip_suffix("__")
                && TAG_KEYS.contains(&tag)
            {
                let mut object = Map::new();
                object.insert(tag.to_owned(), plain_value(inner));
                return Value::Object(object);
            }
            Value::Object(plain(map))
        }
        other => other.clone(),
    }
}
