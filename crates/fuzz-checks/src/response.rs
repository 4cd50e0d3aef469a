//! The rules every response keeps, whatever the request carried: read from the structured
//! [`Outcome`], and each `Set-Cookie` line checked against what the `cookie` crate parses
//! from it.

use std::collections::HashSet;

use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Outcome, SET_COOKIE_LINE_LIMIT, SessionEngine,
};

use crate::engines::chunk_limit;

/// Checks `outcome`, a response of `engine`:
///
/// - the cleanup is bounded: at most the engine's chunk limit plus one `Set-Cookie`, one
///   per cookie name, deletions first;
/// - every line fits: at most 4093 bytes, name and value at most 4096;
/// - every line says what the structure says: the `cookie` crate parses it to the same
///   name and value, a deletion is an empty value with `Max-Age=0`, the index is the one
///   the engine gives the name;
/// - a write fits its budget: the `Cookie` bytes it announces are those of its chunks, and
///   within `max_size`.
///
/// # Panics
///
/// When a rule is broken.
pub fn check_outcome(engine: &SessionEngine, outcome: &Outcome) {
    let limit = chunk_limit(engine);
    let cookies = &outcome.cookies;
    assert!(
        cookies.len() <= limit + 1,
        "{} Set-Cookie lines for a session of at most {limit} chunks",
        cookies.len()
    );
    let mut names = HashSet::new();
    let mut seen_set = false;
    for cookie in cookies {
        let line = cookie.line();
        assert!(
            line.len() <= SET_COOKIE_LINE_LIMIT,
            "a Set-Cookie line of {} bytes",
            line.len()
        );
        assert!(cookie.pair().len() <= BROWSER_NAME_VALUE_LIMIT);
        let parsed = cookie::Cookie::parse(line).expect("a Set-Cookie line parses");
        assert_eq!(
            (parsed.name(), parsed.value()),
            (cookie.name(), cookie.value())
        );
        assert_eq!(
            engine.chunk_index(cookie.name()),
            Some(cookie.index()),
            "{} named as chunk {}",
            cookie.name(),
            cookie.index()
        );
        assert!(
            names.insert(cookie.name().to_owned()),
            "two Set-Cookie for {}",
            cookie.name()
        );
        let max_age_zero = parsed.max_age() == Some(cookie::time::Duration::ZERO);
        if cookie.is_removal() {
            assert!(!seen_set, "a deletion after a set");
            assert!(cookie.value().is_empty() && max_age_zero, "{line}");
        } else {
            seen_set = true;
            assert!(!cookie.value().is_empty(), "an empty chunk: {line}");
            assert!(!max_age_zero, "a set that deletes: {line}");
        }
    }
    if seen_set {
        let header = outcome.cookie_header();
        assert_eq!(
            outcome.cookie_line,
            Some(header.len()),
            "the announced size"
        );
        assert!(
            header.len() <= engine.config().max_size(),
            "a write of {} bytes over the budget of {}",
            header.len(),
            engine.config().max_size()
        );
    }
}
