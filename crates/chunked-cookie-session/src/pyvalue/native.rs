//! The native dialect: a native session's JSON read into, and written from, Python values,
//! byte for byte what serde_json reads and writes for the session map they stand for.

use super::dump::dump_object;
use super::model::PyValue;
use super::read::{Dialect, parse_as};
use super::untag::object_hook;
use super::write::Out;

/// Appends the JSON a native format seals for a session holding `entries` (Python values,
/// unique keys): what serde_json writes for their tagged forms as the session map holds
/// them, markers and all, written straight from the values into `out`.
///
/// # Errors
///
/// The key of the first entry nested past [`MAX_NESTING`](crate::MAX_NESTING).
pub(crate) fn dump_native(out: &mut impl Out, entries: &[(String, PyValue)]) -> Result<(), String> {
    dump_object(
        out,
        entries.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        Dialect::Native,
    )
}

/// Reads a native session's JSON into Python values, as [`PyValue::from_tagged`] reads
/// each entry of the map serde_json would make of it; `None` where that needs the map
/// (an entry Python could not read, which the map keeps as it is).
pub(crate) fn load_native(json: &[u8]) -> Option<Vec<(String, PyValue)>> {
    let text = std::str::from_utf8(json).ok()?;
    match parse_as(text, Dialect::Native, object_hook).ok()? {
        PyValue::Dict(entries) => Some(entries),
        _ => None,
    }
}
