//! A set of chunk indices, as one word: the layouts read at most 64 chunks.

use std::fmt;

/// Chunk indices below 64, kept as bits of one `u64`.
///
/// Nothing here is sized from what a client sends: an index at or past 64 is simply not a
/// member, and every operation is constant time and allocation free.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ChunkSet(u64);

impl ChunkSet {
    /// Indices this set can hold: `0..CAPACITY`.
    pub(crate) const CAPACITY: usize = 64;

    /// The empty set.
    pub(crate) const EMPTY: ChunkSet = ChunkSet(0);

    /// The set holding only `index` (empty when `index` is out of range).
    pub(crate) fn single(index: usize) -> ChunkSet {
        let mut set = ChunkSet::EMPTY;
        set.insert(index);
        set
    }

    /// Adds `index`; an index out of range is ignored.
    pub(crate) fn insert(&mut self, index: usize) {
        if let Some(bit) = bit(index) {
            self.0 |= bit;
        }
    }

    /// True when `index` is a member.
    pub(crate) fn contains(self, index: usize) -> bool {
        bit(index).is_some_and(|bit| self.0 & bit != 0)
    }

    /// True when the set has no member.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The members at or past `count`: the chunks a session of `count` chunks leaves over.
    pub(crate) fn at_or_past(self, count: usize) -> ChunkSet {
        let above = match u32::try_from(count) {
            Ok(shift) => u64::MAX.checked_shl(shift).unwrap_or(0),
            Err(_) => 0,
        };
        ChunkSet(self.0 & above)
    }

    /// Every member of either set.
    pub(crate) fn union(self, other: ChunkSet) -> ChunkSet {
        ChunkSet(self.0 | other.0)
    }

    /// The members that are not in `other`.
    pub(crate) fn minus(self, other: ChunkSet) -> ChunkSet {
        ChunkSet(self.0 & !other.0)
    }

    /// The indices `0..count` (every index the set can hold, for a count past it).
    pub(crate) fn below(count: usize) -> ChunkSet {
        ChunkSet(!0).minus(ChunkSet(!0).at_or_past(count))
    }

    /// The members, in increasing order.
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let index = rest.trailing_zeros();
            rest &= rest - 1;
            usize::try_from(index).ok()
        })
    }
}

// Every layout reads at most the configured ceiling of chunks, which must fit in the word.
const _: () = assert!(crate::config::MAX_CHUNKS_CEILING <= ChunkSet::CAPACITY);

fn bit(index: usize) -> Option<u64> {
    u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i))
}

impl fmt::Debug for ChunkSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_indices_below_64_only() {
        let mut set = ChunkSet::EMPTY;
        for index in [0, 3, 63, 64, 1000] {
            set.insert(index);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 3, 63]);
        assert!(set.contains(63) && !set.contains(64) && !set.contains(1));
        assert_eq!(set.at_or_past(3).iter().collect::<Vec<_>>(), [3, 63]);
        assert!(set.at_or_past(64).is_empty());
        assert_eq!(set.at_or_past(0), set);
        assert_eq!(
            ChunkSet::single(2)
                .union(ChunkSet::single(5))
                .iter()
                .count(),
            2
        );
        assert_eq!(format!("{:?}", ChunkSet::single(7)), "{7}");
        assert_eq!(ChunkSet::below(3).iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert!(ChunkSet::below(0).is_empty());
        assert_eq!(ChunkSet::below(1000).iter().count(), 64);
        assert_eq!(
            set.minus(ChunkSet::below(4)).iter().collect::<Vec<_>>(),
            [63]
        );
    }
}
