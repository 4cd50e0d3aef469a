//! `roundtrip`: an arbitrary session (nested JSON with odd keys, big numbers, deep nesting,
//! Flask tag-like keys) written by `save` in every format, under either budget, is either
//! refused with a [`SaveError`] or read back identical by `load`.
//!
//! "Identical" depends on the format:
//!
//! - **native** (signed, private): the entries read back equal the entries written, value
//!   for value; and the test kit's reader of docs/FORMAT.md ([`test_support::forge`],
//!   built from the primitives, not the library) opens the cookies written into the same
//!   entries as the document stores them (plain JSON, an object of one tag-like key
//!   escaped), with the header the document describes: what the engine writes is the
//!   documented format.
//! - **Flask**: a Flask engine holds entries in Flask's tagged JSON and writes each in the
//!   form Flask itself would write for the Python value it stands for (its canonical form):
//!   `{" u": "1234…-…"}` is written as the dashless hex Flask writes, a `" di"` escape that
//!   is not needed is dropped, `1E5` becomes `100000.0`. So what reads back is not `x` but
//!   the canonical form of `x`, and that is computed here independently of the write path,
//!   as what Flask's reader makes of `x`'s JSON: `flask::from_json(&flask::to_json(&s))`,
//!   where `s` is `x` as the document stores plain JSON (an object of one tag-like key
//!   escaped: the entries are plain JSON, never tags), written out and read as Flask reads
//!   it, untagged and tagged again. The properties are
//!   - `load(save(x)) == plain(from_json(to_json(s)))` (the Rust API reads the escapes
//!     undone), and
//!   - `save(load(save(x))) == save(x)` byte for byte at the same clock (the token of a
//!     Flask session depends only on its JSON and the time): the canonical form is a fixed
//!     point of the writer.
//!
//! And for every format: the write is refused as too deep or invalid exactly when a reader
//! would refuse what it would have written (serde_json for the native formats, Flask's
//! reader for Flask's), and [`Session::check`](chunked_cookie_session::Session::check)
//! announces what `save` then does: the same error, or the same sizes.

use std::mem::discriminant;

use arbitrary::{Arbitrary, Unstructured};
use chunked_cookie_session::flask::{from_json, to_json};
use chunked_cookie_session::{LoadReason, Map, Outcome, SaveError, SessionEngine, Value};
use test_support::forge::entries;

use crate::engines::{Budget, Format, NOW, engine};
use crate::forge::{Forger, SECRETS};
use crate::generate::json;
use crate::response::check_outcome;

/// The check.
///
/// # Panics
///
/// When a written session reads back different, or a response breaks a rule.
pub fn check(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(format), Ok(budget), Ok(map)) = (
        Format::arbitrary(&mut u),
        Budget::arbitrary(&mut u),
        json::session_map(&mut u),
    ) else {
        return;
    };
    let engine = engine(format, budget);
    let outcome = match save(engine, &map) {
        Ok(outcome) => outcome,
        Err(err) => return check_refusal(format, &map, &err),
    };
    check_outcome(engine, &outcome);
    let again = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
    let reason = again.load_reason();
    if map.is_empty() {
        assert!(outcome.cookies.is_empty(), "an empty session wrote cookies");
        assert_eq!(reason, LoadReason::NoSession);
        return;
    }
    assert_eq!(
        reason,
        LoadReason::Valid,
        "{format:?} wrote a session it reads as {reason}"
    );
    let got = again.entries();
    if !format.is_flask() {
        assert_eq!(got, map, "{format:?} read back other entries than it wrote");
        return read_as_documented(engine, format, &outcome, &map);
    }
    let canonical = from_json(&to_json(&entries::store(&map))).unwrap_or_else(|reason| {
        panic!("{format:?} wrote a session whose entries Flask reads as {reason}")
    });
    assert_eq!(
        got,
        entries::plain(&canonical),
        "{format:?} read back other than Flask's form"
    );
    let rewritten = save(engine, &got).expect("the canonical form is written again");
    let lines = |outcome: &Outcome| -> Vec<String> {
        outcome
            .cookies
            .iter()
            .map(|c| c.line().to_owned())
            .collect()
    };
    assert_eq!(
        lines(&rewritten),
        lines(&outcome),
        "{format:?}: the canonical form is not a fixed point of the writer"
    );
}

/// Opens the cookies a native engine wrote with the test kit's reader of docs/FORMAT.md and
/// the engines' current key: it finds the chunks by name, the generation prefix on every
/// later one, a header of version 1 saying how many there are and when they were written,
/// a tag that verifies, and the entries as JSON.
fn read_as_documented(
    engine: &SessionEngine,
    format: Format,
    outcome: &Outcome,
    map: &Map<String, Value>,
) {
    let pairs: Vec<(String, String)> = outcome
        .cookies
        .iter()
        .filter(|cookie| !cookie.is_removal())
        .map(|cookie| (cookie.name().to_owned(), cookie.value().to_owned()))
        .collect();
    let name = engine.config().name();
    let opened = Forger::new(&SECRETS[0], name, format == Format::Private).read(&pairs);
    assert_eq!(usize::from(opened.header.chunk_count), pairs.len());
    assert_eq!(opened.header.issued_at, NOW, "{format:?}: issued-at");
    let json: Map<String, Value> =
        serde_json::from_slice(&opened.json).expect("the document's body is a JSON object");
    assert_eq!(
        json,
        entries::store(map),
        "{format:?}: the documented reader opens other entries"
    );
}

/// A new session holding `map`, saved at [`NOW`]; `Session::check` must announce the same.
fn save(engine: &SessionEngine, map: &Map<String, Value>) -> Result<Outcome, SaveError> {
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    let checked = session.check();
    let saved = engine.save_at(&session, NOW);
    match (&checked, &saved) {
        (Ok(sizes), Ok(outcome)) => {
            let sets = outcome.cookies.iter().filter(|c| !c.is_removal()).count();
            assert_eq!(
                (sizes.cookie_line, sizes.chunks),
                (outcome.cookie_line.unwrap_or(0), sets),
                "check() announced other sizes than save() wrote"
            );
        }
        (Err(announced), Err(met)) => assert_eq!(
            discriminant(announced),
            discriminant(met),
            "check() announced {announced}, save() met {met}"
        ),
        _ => panic!("check() says {checked:?}, save() {saved:?}"),
    }
    saved
}

/// A refused write: refused as too deep or invalid only when a reader would refuse what it
/// would have written (the converse, a write that succeeds, is read back by [`check`]);
/// otherwise refused only on size.
fn check_refusal(format: Format, map: &Map<String, Value>, err: &SaveError) {
    let structural = matches!(
        err,
        SaveError::TooDeep { .. } | SaveError::InvalidFlaskEntry { .. }
    );
    let stored = entries::store(map);
    let reader_refuses = if format.is_flask() {
        from_json(&to_json(&stored)).is_err()
    } else {
        let text = serde_json::to_vec(&stored).expect("a map serializes");
        serde_json::from_slice::<Map<String, Value>>(&text).is_err()
    };
    if structural {
        assert!(
            reader_refuses,
            "{format:?} refused ({err}) what its reader accepts"
        );
    } else {
        assert!(
            matches!(err, SaveError::Overflow { .. } | SaveError::TooLarge { .. }),
            "{format:?} refused with {err}"
        );
    }
}
