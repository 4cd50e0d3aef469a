//! Python values (feature `flask`), below every format: the value model, Python's JSON read
//! and written, Flask's tags and the tagged form every session map holds Python values in,
//! and the native dialect. The native formats and the Flask format both build on it.
//!
//! Bottom up: `model` (the values), `b64` (Python's lenient base64) and `write` (Python's
//! `json.dumps`); `marker` (the numbers a `serde_json::Value` cannot hold), `dict` (a
//! dict's repeated keys) and `read` (Python's `json.loads`, with an object hook); `tags`
//! and `text` (the tag table and the text inside tags); `untag` (Flask's untagging, the
//! reader's object hook); `tagged` (Python values to and from the tagged JSON map); `dump`
//! (Python values straight to JSON text); `native` (the native formats' JSON of Python
//! values).

mod b64;
mod dict;
mod dump;
mod marker;
mod model;
mod native;
mod read;
mod tagged;
mod tags;
mod text;
mod untag;
mod write;

pub(crate) use b64::python_b64decode;
pub(crate) use dump::{dump_object, write_python};
pub(crate) use marker::{Marker, int_value, marker, non_finite_marker};
pub use model::{BigInt, BigIntError, EntryError, InvalidEntry, PyValue, UtcTime};
pub(crate) use native::{dump_native, load_native};
pub(crate) use read::{Dialect, parse};
pub(crate) use tagged::{python_value, tag, truthy};
pub(crate) use tags::{
    BYTES, DATETIME, DICT, MARKUP, TUPLE, UUID, escaped_key, is_tag_key, one_entry, single,
    unescaped_key,
};
pub(crate) use text::{bytes_text, format_http_date, parse_http_date, parse_uuid, uuid_text};
pub(crate) use untag::object_hook;
pub(crate) use write::{write_object, write_string};
