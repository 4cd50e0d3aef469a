//! Flask's tags (`flask.json.tag`): the keys that carry tuples, bytes, Markup, UUIDs and
//! datetimes through JSON, and the `" di"` escape for dicts that would look like a tag.
//!
//! Every format's session map holds Python values in this tagged form, exactly as Flask's
//! `tag()` would write each entry, so the tags live here, below the codecs, rather than
//! with the Flask format; and in every build, with or without feature `flask`, since the
//! plain JSON of the Rust API is stored escaped by the same rule (`plain.rs`).

use serde_json::{Map, Value};

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
#[cfg(feature = "flask")]
pub(crate) fn unescaped_key(key: &str) -> String {
    let mut chars = key.chars();
    chars.next_back();
    chars.next_back();
    chars.as_str().to_owned()
}

/// A one-key object.
pub(crate) fn single(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// A tag whose value Flask cannot turn back into a Python object.
#[cfg(feature = "flask")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadTag(pub(crate) &'static str);
