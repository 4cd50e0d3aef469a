//! Flask's tags and the Python values they stand for, below every format.
//!
//! In every build: `tags` (the tag table and the `" di"` escape), `plain` (the Rust API's
//! plain JSON stored escaped, and read back unescaped) and `stored` (the serializer that
//! stores the Rust API's values, typed Python values as their tags). Every format's session
//! map holds this stored form, so a Rust build without `flask` writes what Python reads as
//! it was meant.
//!
//! With feature `flask`, the Python values, bottom up: `model` (the values), `b64`
//! (Python's lenient base64) and `write` (Python's `json.dumps`); `marker` (the numbers a
//! `serde_json::Value` cannot hold), `dict` (a dict's repeated keys) and `read` (Python's
//! `json.loads`, with an object hook); `text` (the text inside tags); `untag` (Flask's
//! untagging, the reader's object hook); `tagged` (Python values to and from the tagged
//! JSON map); `dump` (Python values straight to JSON text); `native` (the native formats'
//! JSON of Python values).

mod plain;
mod stored;
mod tags;

#[cfg(feature = "flask")]
mod b64;
#[cfg(feature = "flask")]
mod dict;
#[cfg(feature = "flask")]
mod dump;
#[cfg(feature = "flask")]
mod marker;
#[cfg(feature = "flask")]
mod model;
#[cfg(feature = "flask")]
mod native;
#[cfg(feature = "flask")]
mod read;
#[cfg(feature = "flask")]
mod tagged;
#[cfg(feature = "flask")]
mod text;
#[cfg(feature = "flask")]
mod untag;
#[cfg(feature = "flask")]
mod write;

#[cfg(feature = "flask")]
pub(crate) use b64::python_b64decode;
#[cfg(feature = "flask")]
pub(crate) use dump::{dump_object, write_python};
#[cfg(feature = "flask")]
pub(crate) use marker::{Marker, int_value, marker, non_finite_marker};
#[cfg(feature = "flask")]
#[cfg_attr(docsrs, doc(cfg(feature = "flask")))]
pub use model::{BigInt, BigIntError, EntryError, InvalidEntry, PyValue, UtcTime};
#[cfg(feature = "flask")]
pub(crate) use native::{dump_native, load_native};
pub(crate) use plain::{escape, into_plain, plain, plain_map};
#[cfg(any(feature = "starlette", feature = "django"))]
pub(crate) use read::plain_dict;
#[cfg(feature = "flask")]
pub(crate) use read::{Dialect, parse};
#[cfg(feature = "flask")]
pub(crate) use stored::Typed;
pub(crate) use stored::to_stored;
#[cfg(feature = "flask")]
pub(crate) use tagged::{python_value, tag, truthy};
#[cfg(feature = "flask")]
pub(crate) use tags::{
    BYTES, DATETIME, DICT, MARKUP, TUPLE, UUID, escaped_key, is_tag_key, single, unescaped_key,
};
#[cfg(feature = "flask")]
pub(crate) use text::{bytes_text, format_http_date, parse_http_date, parse_uuid, uuid_text};
#[cfg(feature = "flask")]
pub(crate) use untag::object_hook;
#[cfg(feature = "flask")]
pub(crate) use write::{Out, write_object, write_string};
