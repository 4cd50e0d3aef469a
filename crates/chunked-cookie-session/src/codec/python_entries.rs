//! Entries held as Python values (feature `flask`), in every format: the form a binding to
//! Python hands over, made into the tagged JSON map on demand, and written and read in the
//! native dialect without the map. A build without the feature has `no_python_entries.rs`
//! in its place: the same names, with nothing to hold.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::wipe::Sink;
use crate::config::MAX_NESTING;
use crate::error::SaveError;
use crate::pyvalue::{EntryError, PyValue, dump_native, load_native};

/// The form a reader gives the entries in: the JSON map the Rust API reads, or the Python
/// values a binding to Python hands over. Flask's format reads Python values either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Form {
    #[default]
    Map,
    Python,
}

/// A session's entries as Python values, each key once. Shared: they are only ever
/// replaced whole, so a snapshot handed out is a reference, not a copy.
pub(crate) type PythonEntries = Arc<[(String, PyValue)]>;

/// The tagged JSON map these values stand for.
pub(crate) fn to_map(python: &PythonEntries) -> Map<String, Value> {
    python
        .iter()
        .map(|(key, value)| (key.clone(), value.to_tagged()))
        .collect()
}

/// How many entries there are.
pub(crate) fn count(python: &PythonEntries) -> usize {
    python.len()
}

/// The Python values a map stands for.
///
/// # Errors
///
/// The key of an entry Flask could not read back (a malformed tag the Rust API put
/// there), and why.
pub(crate) fn from_map(map: &Map<String, Value>) -> Result<PythonEntries, (String, EntryError)> {
    map.iter()
        .map(|(key, value)| match PyValue::from_tagged(value) {
            Ok(value) => Ok((key.clone(), value)),
            Err(err) => Err((key.clone(), err)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(PythonEntries::from)
}

/// Appends the native JSON of Python values: what serde_json writes for their map.
///
/// # Errors
///
/// [`SaveError::TooDeep`] for an entry nested past [`MAX_NESTING`].
pub(crate) fn write_native(out: &mut Sink<'_>, python: &PythonEntries) -> Result<(), SaveError> {
    dump_native(out, python).map_err(|entry| SaveError::TooDeep {
        entry,
        limit: MAX_NESTING,
    })
}

/// A native session's JSON as Python values, when those are the form asked for; `None`
/// for the map (asked for, or needed for an entry Python could not read).
pub(crate) fn read_native(json: &[u8], form: Form) -> Option<PythonEntries> {
    match form {
        Form::Python => load_native(json).map(PythonEntries::from),
        Form::Map => None,
    }
}
