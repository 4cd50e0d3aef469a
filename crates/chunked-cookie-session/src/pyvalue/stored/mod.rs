//! The Rust API's values straight into the stored form: serde's data model to the session
//! map's JSON, as serde_json would make it, with every plain object of one tag-like key
//! escaped (`plain.rs`) and the typed Python values taken as the tags they are.
//!
//! A typed value (`flask::Markup`, `flask::Tuple`, …, `PyValue`) serializes as a newtype
//! struct of a private name (`TYPED`, in `value.rs`) around its stored form. serde_json,
//! and every other serializer, sees through a newtype struct: to them the typed value is
//! its tagged JSON, as it always was. This serializer alone takes what is inside as
//! stored, unescaped. Plain JSON, whatever its shape, never carries the name, so it can
//! never pass for a tag.
//!
//! Bottom up: `key` (map keys, as serde_json writes them), `value` (the serializer).

mod key;
mod value;

#[cfg(feature = "flask")]
pub(crate) use value::Typed;
pub(crate) use value::to_stored;
