//! The session cookies a request carried, gathered by exact name from every `Cookie` field.

use cookie::Cookie;

use super::Naming;

/// How many same-name cookies are kept per chunk (host-only and Domain twins, Path variants).
const MAX_DUPLICATES: usize = 4;

/// Our cookies from one request, indexed by chunk. Nothing here is sized from what the
/// client claims: slots are bounded by the configured maximum of chunks, duplicates per
/// slot are bounded, and values stop being kept once they exceed the byte cap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Incoming {
    slots: Vec<Vec<String>>,
    present: u64,
    bytes: usize,
    over_cap: bool,
}

impl Incoming {
    /// Gathers the session cookies from the request's `Cookie` header fields.
    pub(crate) fn collect<'a>(
        fields: impl IntoIterator<Item = &'a str>,
        naming: Naming,
        base: &str,
        max_chunks: usize,
        byte_cap: usize,
    ) -> Incoming {
        let mut incoming = Incoming::default();
        for field in fields {
            for cookie in Cookie::split_parse(field).flatten() {
                let Some(index) = naming.index_of(base, cookie.name(), max_chunks) else {
                    continue;
                };
                let value = cookie.value_trimmed();
                incoming.present |= 1 << index;
                incoming.bytes = incoming.bytes.saturating_add(value.len());
                if incoming.bytes > byte_cap {
                    incoming.over_cap = true;
                    incoming.slots.clear();
                }
                if incoming.over_cap {
                    continue;
                }
                if incoming.slots.len() <= index {
                    incoming.slots.resize_with(index + 1, Vec::new);
                }
                let slot = &mut incoming.slots[index];
                if slot.len() < MAX_DUPLICATES && !value.is_empty() {
                    slot.push(value.to_owned());
                }
            }
        }
        incoming
    }

    /// True when the request carried none of our cookies.
    pub(crate) fn is_empty(&self) -> bool {
        self.present == 0
    }

    /// A bit per chunk index the request carried.
    pub(crate) fn present(&self) -> u64 {
        self.present
    }

    /// True when the values exceeded the byte cap and were not kept.
    pub(crate) fn over_cap(&self) -> bool {
        self.over_cap
    }

    /// Total bytes of our cookie values.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The values received for chunk `index`, in the order they arrived.
    pub(crate) fn candidates(&self, index: usize) -> &[String] {
        self.slots.get(index).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gathers_from_every_field_by_exact_name() {
        let fields = [
            "a=1; session=zero; sessionid=x",
            "session_2=two",
            "session_1=\"one\"; session_99=n",
        ];
        let got = Incoming::collect(fields, Naming::Native, "session", 16, 1 << 16);
        assert_eq!(got.candidates(0), ["zero"]);
        assert_eq!(got.candidates(1), ["one"]);
        assert_eq!(got.candidates(2), ["two"]);
        assert_eq!(got.present(), 0b111);
    }

    #[test]
    fn bounds_duplicates_and_bytes() {
        let many = vec!["session=x"; 10_000].join("; ");
        let got = Incoming::collect([many.as_str()], Naming::Native, "session", 16, 1 << 16);
        assert_eq!(got.candidates(0).len(), MAX_DUPLICATES);
        let huge = format!("session={}", "y".repeat(100_000));
        let got = Incoming::collect([huge.as_str()], Naming::Native, "session", 16, 1 << 16);
        assert!(got.over_cap());
        assert!(got.candidates(0).is_empty());
        assert_eq!(got.present(), 1);
    }
}
