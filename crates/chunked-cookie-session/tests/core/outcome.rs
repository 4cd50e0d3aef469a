//! What an `Outcome` says the client holds after the response (the playground's account of
//! a session's footprint), against the jar model: the chunks by index and size, and the
//! length of the whole next `Cookie` header, other cookies included.

use chunked_cookie_session::{Outcome, RequestCookies};
use test_support::Jar;

use super::fixture::Fixture;
use super::support::*;

every_format!(held_cookies_are_what_the_client_keeps);

/// Checks `outcome.held` and `next_cookie_header_len` against `jar` once it applied the
/// outcome, and returns that jar.
fn check_held(f: &Fixture, jar: &Jar, request: &RequestCookies, outcome: &Outcome) -> Jar {
    let mut after = jar.clone();
    after.apply_outcome(outcome);
    let mut expected: Vec<(usize, usize)> = after
        .pairs()
        .iter()
        .filter_map(|(name, value)| {
            let index = f.index_of(f.base(), name)?;
            Some((index, name.len() + 1 + value.len()))
        })
        .collect();
    expected.sort_unstable();
    let held: Vec<(usize, usize)> = outcome
        .held(request)
        .iter()
        .map(|cookie| (cookie.index, cookie.bytes))
        .collect();
    assert_eq!(held, expected, "{}", f.name);
    assert_eq!(
        outcome.next_cookie_header_len(request),
        after.header().len()
    );
    after
}

fn held_cookies_are_what_the_client_keeps(f: &Fixture) {
    let config = uncompressed().build().expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let mut jar = Jar::new();
    jar.put("theme", "dark");
    jar.put("sessionid", "not-ours");

    // A session that grows, shrinks, and is emptied; each response checked.
    for (step, chunks) in [3usize, 1, 2, 0].into_iter().enumerate() {
        let session = load_jar(&engine, &jar, NOW);
        let request = session.request_cookies();
        assert_eq!(
            request.other_pairs(),
            (2, "theme=dark".len() + "sessionid=not-ours".len())
        );
        session.clear();
        let step = u64::try_from(step).expect("a small step");
        for (key, value) in sized(f, &engine, chunks, step) {
            session.insert_value(&key, value);
        }
        let outcome = engine.save_at(&session, NOW).expect("fits");
        check_outcome(f, &config, &outcome);
        jar = check_held(f, &jar, &request, &outcome);
        assert_eq!(our_names(f, &jar, f.base()).len(), chunks);
    }

    // An untouched session: nothing changes, and what the request carried is held.
    let written = write(f, &engine, &sized(f, &engine, 2, 9));
    let mut with_debris = jar.clone();
    for (name, value) in written.pairs() {
        with_debris.put(&name, &value);
    }
    let untouched = load_jar(&engine, &with_debris, NOW);
    let request = untouched.request_cookies();
    let outcome = engine.save_at(&untouched, NOW).expect("nothing to write");
    assert!(outcome.cookies.is_empty() && outcome.cookie_line.is_none());
    check_held(f, &with_debris, &request, &outcome);

    // Debris past the session's count: a read cleans it, and the client holds the rest.
    with_debris.put(&f.chunk_name(f.base(), 5), "debris");
    let read = load_jar(&engine, &with_debris, NOW);
    assert!(!read.is_empty());
    let request = read.request_cookies();
    let outcome = engine.save_at(&read, NOW).expect("cleanup");
    assert_eq!(outcome.cookies.len(), 1);
    assert!(outcome.cookies[0].is_removal());
    let after = check_held(f, &with_debris, &request, &outcome);
    assert_eq!(our_names(f, &after, f.base()).len(), 2);
}
