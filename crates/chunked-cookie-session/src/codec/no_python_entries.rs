//! Entries held as Python values, in a build without them (no feature `flask`): the names
//! `python_entries.rs` gives, over a type with no value, so the entries and the native
//! formats read the same in every build and the compiler drops every Python branch.

use serde_json::{Map, Value};

use super::wipe::Sink;
use crate::error::SaveError;

/// The form a reader gives the entries in: the JSON map, the only one in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Form {
    #[default]
    Map,
}

/// No Python values: this type has no value at all.
#[derive(Debug, Clone)]
pub(crate) enum PythonEntries {}

pub(crate) fn to_map(python: &PythonEntries) -> Map<String, Value> {
    match *python {}
}

pub(crate) fn count(python: &PythonEntries) -> usize {
    match *python {}
}

pub(crate) fn write_native(_: &mut Sink<'_>, python: &PythonEntries) -> Result<(), SaveError> {
    match *python {}
}

pub(crate) fn read_native(_: &[u8], _: Form) -> Option<PythonEntries> {
    None
}
