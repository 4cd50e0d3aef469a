//! `Cookie` header fields from raw fuzzer bytes.

use arbitrary::{Arbitrary, Unstructured};

/// How the bytes of a `Cookie` field become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Utf8 {
    /// Invalid UTF-8 makes the whole request unusable (the input is skipped).
    Strict,
    /// Invalid sequences become U+FFFD, as the axum and actix adapters read header values.
    Lossy,
}

/// `Cookie` header fields: the rest of the input split at every `\n` (the fuzzer inserts
/// and removes them freely, and a dictionary entry `"\n"` helps), so one field or many
/// (HTTP/2 sends one per cookie). `None` when strict UTF-8 refuses the bytes.
pub fn fields(u: Unstructured<'_>, mode: Utf8) -> Option<Vec<String>> {
    let rest = u.take_rest();
    rest.split(|&b| b == b'\n')
        .map(|field| match mode {
            Utf8::Strict => std::str::from_utf8(field).ok().map(str::to_owned),
            Utf8::Lossy => Some(String::from_utf8_lossy(field).into_owned()),
        })
        .collect()
}
