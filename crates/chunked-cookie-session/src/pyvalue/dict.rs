//! A dict as the reader builds it, with Python's rule for a repeated key: the last value
//! wins, at the first key's position.

use std::collections::HashMap;

use super::model::PyValue;

/// Objects longer than this find duplicate keys through an index rather than a scan.
const SCAN_LIMIT: usize = 16;

/// A dict's entries as they are read, with Python's rule for a repeated key: the last value
/// wins, at the first key's position.
#[derive(Default)]
pub(crate) struct DictEntries {
    pub(crate) list: Vec<(String, PyValue)>,
    /// True while every key came after the one before it in code-point order, as in every
    /// document Python writes with `sort_keys`: then a new key cannot repeat an old one.
    ascending: bool,
    index: HashMap<String, usize>,
}

impl DictEntries {
    pub(crate) fn insert(&mut self, key: String, value: PyValue) {
        let found = match self.list.last() {
            None => {
                self.ascending = true;
                None
            }
            Some((last, _)) if self.ascending && key.as_str() > last.as_str() => None,
            Some(_) => {
                self.ascending = false;
                self.position(&key)
            }
        };
        match found {
            Some(at) => self.list[at].1 = value,
            None => {
                if !self.index.is_empty() {
                    self.index.insert(key.clone(), self.list.len());
                }
                self.list.push((key, value));
            }
        }
    }

    fn position(&mut self, key: &str) -> Option<usize> {
        if self.list.len() <= SCAN_LIMIT {
            return self.list.iter().position(|(k, _)| k == key);
        }
        if self.index.is_empty() {
            let entries = self.list.iter().enumerate();
            self.index = entries.map(|(i, (k, _))| (k.clone(), i)).collect();
        }
        self.index.get(key).copied()
    }
}
