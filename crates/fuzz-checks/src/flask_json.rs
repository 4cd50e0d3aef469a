//! `flask_json`: the Python-exact JSON reader and writer and the tagged-JSON layer, through
//! the public `flask::from_json` / `flask::to_json`.
//!
//! Properties: nothing panics; the writer's output is ASCII; parse then write is a fixed
//! point (what `to_json` writes, `from_json` reads back to the same entries, and writing
//! those again gives the same text).

use arbitrary::{Arbitrary, Unstructured};
use chunked_cookie_session::flask::{from_json, to_json};

use crate::generate::json;

#[derive(Debug, Arbitrary)]
enum Mode {
    /// The fuzzer's bytes as the document (strict UTF-8, as the codec reads it).
    Text,
    /// A generated session, written by `to_json` first.
    Generated,
}

/// The check.
///
/// # Panics
///
/// When a property fails.
pub fn check(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(mode) = Mode::arbitrary(&mut u) else {
        return;
    };
    let text = match mode {
        Mode::Text => match std::str::from_utf8(u.take_rest()) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        },
        Mode::Generated => match json::session_map(&mut u) {
            Ok(map) => to_json(&map),
            Err(_) => return,
        },
    };
    let Ok(first) = from_json(&text) else {
        return;
    };
    let written = to_json(&first);
    assert!(
        written.is_ascii(),
        "to_json wrote non-ASCII: {written:.200}"
    );
    let second = from_json(&written).unwrap_or_else(|reason| {
        panic!("to_json wrote what from_json refuses ({reason}): {written:.200}")
    });
    assert_eq!(second, first, "parse(write(x)) != x for {written:.200}");
    assert_eq!(
        to_json(&second),
        written,
        "write(parse(write(x))) != write(x)"
    );
}
