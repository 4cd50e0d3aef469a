//! A session's entries, held in the form they last arrived in: the JSON map the Rust API
//! reads and writes, or (feature `flask`) the Python values a binding to Python hands over.
//! Each form is made from the other only when someone asks for it, so a session that goes
//! from a Flask cookie to Python and back never builds the JSON map at all.

use std::cell::OnceCell;

use serde_json::{Map, Value};

use super::python_entries::{self, PythonEntries};
#[cfg(feature = "flask")]
use crate::pyvalue::EntryError;

/// The entries of one session.
#[derive(Debug, Clone)]
pub(crate) struct Entries {
    /// The JSON map: the entries themselves when `python` is `None`, else made from
    /// `python` on first use.
    map: OnceCell<Map<String, Value>>,
    /// The entries as Python values, when they came in that form (or were asked for in it
    /// since the map last changed). Always `None` in a build without Python values.
    python: Option<PythonEntries>,
}

impl Default for Entries {
    fn default() -> Entries {
        Entries::from_map(Map::new())
    }
}

impl Entries {
    /// Entries held as a JSON map.
    pub(crate) fn from_map(map: Map<String, Value>) -> Entries {
        Entries {
            map: OnceCell::from(map),
            python: None,
        }
    }

    /// Entries held as Python values (each key once).
    pub(crate) fn from_python(entries: PythonEntries) -> Entries {
        Entries {
            map: OnceCell::new(),
            python: Some(entries),
        }
    }

    /// The entries as a JSON map (tagged JSON for Python values).
    pub(crate) fn map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| match &self.python {
            Some(python) => python_entries::to_map(python),
            None => Map::new(),
        })
    }

    /// The JSON map, to change: from now on it is what the entries are.
    pub(crate) fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.map();
        self.python = None;
        self.map.get_mut().expect("initialized just above")
    }

    /// The entries as Python values, made from the map when they are not held that way.
    ///
    /// # Errors
    ///
    /// The key of an entry Flask could not read back (a malformed tag the Rust API put
    /// there), and why.
    #[cfg(feature = "flask")]
    pub(crate) fn python(&mut self) -> Result<&PythonEntries, (String, EntryError)> {
        let python = match self.python.take() {
            Some(python) => python,
            None => python_entries::from_map(self.map())?,
        };
        Ok(self.python.insert(python))
    }

    /// The Python values, when the entries are held that way.
    pub(crate) fn held_python(&self) -> Option<&PythonEntries> {
        self.python.as_ref()
    }

    /// How many entries there are.
    pub(crate) fn len(&self) -> usize {
        match &self.python {
            Some(python) => python_entries::count(python),
            None => self.map().len(),
        }
    }

    /// True when there is no entry.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
