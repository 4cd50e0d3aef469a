//! The session cookies a request carried, gathered by exact name from every `Cookie` field.

use std::ops::Range;

use super::layout::Layout;
use super::pairs::pairs;
use super::set::ChunkSet;

/// Our cookies from one request, indexed by chunk.
///
/// Nothing is sized from what the client claims: indices stop at the layout's limit, and
/// values stop being kept once together they pass `hard_cap` bytes. Same-name twins (a
/// host-only and a Domain cookie, Path variants, junk tossed from a sibling subdomain) are
/// all kept, in arrival order, so junk placed first cannot hide the genuine cookie.
#[derive(Debug, Clone, Default)]
pub(crate) struct Incoming {
    /// Every kept value, one after the other.
    text: String,
    /// `(chunk index, where its value sits in text)`, in arrival order.
    entries: Vec<(usize, Range<usize>)>,
    present: ChunkSet,
    /// Bytes of `name=value` of the first cookie seen for each index.
    first_pairs: Vec<(usize, usize)>,
    /// Cookies of the request that are not ours: how many, and their `name=value` bytes.
    others: (usize, usize),
    /// Bytes of the request's `Cookie` fields, as one header line (`; ` between fields).
    header_len: usize,
    over_cap: bool,
}

impl Incoming {
    /// Gathers the session cookies named `base` under `layout` from the request's `Cookie`
    /// header fields.
    pub(crate) fn collect<'a>(
        fields: impl IntoIterator<Item = &'a str>,
        layout: &Layout,
        base: &str,
        limit: usize,
        hard_cap: usize,
    ) -> Incoming {
        let mut incoming = Incoming::default();
        for (nth, field) in fields.into_iter().enumerate() {
            let joint = if nth == 0 { 0 } else { 2 };
            incoming.header_len = incoming.header_len.saturating_add(field.len() + joint);
            for (name, value) in pairs(field) {
                let pair = name.len() + 1 + value.len();
                let Some(index) = layout.index_of(base, name, limit) else {
                    incoming.others.0 += 1;
                    incoming.others.1 = incoming.others.1.saturating_add(pair);
                    continue;
                };
                if !incoming.present.contains(index) {
                    incoming.first_pairs.push((index, pair));
                }
                incoming.present.insert(index);
                let value = trim_quotes(value);
                if incoming.over_cap || value.is_empty() {
                    continue;
                }
                if incoming.text.len() + value.len() > hard_cap {
                    incoming.over_cap = true;
                    incoming.text = String::new();
                    incoming.entries = Vec::new();
                    continue;
                }
                if incoming.text.is_empty() {
                    // One allocation for the values of ours this field holds at most.
                    incoming.text.reserve(field.len().min(hard_cap));
                }
                let start = incoming.text.len();
                incoming.text.push_str(value);
                incoming.entries.push((index, start..incoming.text.len()));
            }
        }
        incoming.first_pairs.sort_unstable();
        incoming
    }

    /// True when the request carried none of our cookies.
    pub(crate) fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// The chunk indices the request carried.
    pub(crate) fn present(&self) -> ChunkSet {
        self.present
    }

    /// True when the values together passed the hard cap and were not kept.
    pub(crate) fn over_cap(&self) -> bool {
        self.over_cap
    }

    /// Total bytes of our kept cookie values.
    pub(crate) fn bytes(&self) -> usize {
        self.text.len()
    }

    /// The values received for chunk `index`, in the order they arrived.
    pub(crate) fn candidates(&self, index: usize) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(move |(at, _)| *at == index)
            .map(|(_, range)| &self.text[range.clone()])
    }

    /// `(index, bytes of name=value)` of the first cookie the request carried for each
    /// index, in index order.
    pub(crate) fn first_pairs(&self) -> &[(usize, usize)] {
        &self.first_pairs
    }

    /// How many cookies of the request were not ours, and their `name=value` bytes.
    pub(crate) fn others(&self) -> (usize, usize) {
        self.others
    }

    /// The length of the request's whole `Cookie` header, every field joined into one line:
    /// what a client's or proxy's header limit is held against.
    pub(crate) fn header_len(&self) -> usize {
        self.header_len
    }
}

/// A value without the double quotes around it, as `cookie::Cookie::value_trimmed` gives it.
fn trim_quotes(value: &str) -> &str {
    match value.as_bytes() {
        [b'"', .., b'"'] => &value[1..value.len() - 1],
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::{Count, Deadline};
    use super::*;

    const LAYOUT: Layout = Layout {
        separator: '_',
        index_first: false,
        max_chunks: 64,
        count: Count::UntilGap,
        try_twins: true,
        deadline: Deadline::MaxAge,
    };

    fn collect(fields: &[&str], cap: usize) -> Incoming {
        Incoming::collect(fields.iter().copied(), &LAYOUT, "session", 16, cap)
    }

    #[test]
    fn gathers_from_every_field_by_exact_name() {
        let got = collect(
            &[
                "a=1; session=zero; sessionid=x",
                "session_2=two",
                "session_1=\"one\"; session_99=n",
            ],
            1 << 16,
        );
        assert_eq!(got.candidates(0).collect::<Vec<_>>(), ["zero"]);
        assert_eq!(got.candidates(1).collect::<Vec<_>>(), ["one"]);
        assert_eq!(got.candidates(2).collect::<Vec<_>>(), ["two"]);
        assert_eq!(got.present().iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(got.first_pairs(), [(0, 12), (1, 15), (2, 13)]);
        assert_eq!(
            got.others(),
            (3, "a=1".len() + "sessionid=x".len() + "session_99=n".len())
        );
        let fields =
            "a=1; session=zero; sessionid=x; session_2=two; session_1=\"one\"; session_99=n";
        assert_eq!(got.header_len(), fields.len());
    }

    #[test]
    fn keeps_every_twin_in_order_and_bounds_bytes() {
        let junk_first = "session=junk1; session=junk2; session=junk3; session=junk4; session=real";
        let got = collect(&[junk_first], 1 << 16);
        assert_eq!(got.candidates(0).last(), Some("real"));
        let huge = format!("session={}", "y".repeat(100_000));
        let got = collect(&[huge.as_str()], 1 << 16);
        assert!(got.over_cap());
        assert_eq!(got.candidates(0).count(), 0);
        assert_eq!(got.present().iter().collect::<Vec<_>>(), [0]);
        assert_eq!(got.bytes(), 0);
    }
}
