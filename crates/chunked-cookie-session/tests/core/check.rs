//! The overflow in the application's hands: `Session::check` tells a handler, before it
//! answers, whether the session will fit and how big it is, without changing anything;
//! `Session::try_insert_value` takes a change only if the session still fits.

use chunked_cookie_session::{
    Compression, LoadReason, Outcome, OverflowPolicy, SaveError, SessionConfig, SessionEngine,
    SetCookie, Sizes,
};
use serde_json::{Map, Value, json};
use test_support::{Jar, noise};

use super::fixture::Fixture;
use super::support::*;

every_format!(
    check_has_no_side_effect,
    check_tells_the_overflow_whatever_the_policy,
    try_insert_value_keeps_the_session_when_refused,
);

fn config() -> SessionConfig {
    SessionConfig::builder()
        .compression(Compression::Off)
        .build()
        .expect("valid")
}

fn previous() -> Map<String, Value> {
    json!({"user": "ada", "roles": ["admin"]})
        .as_object()
        .expect("an object")
        .clone()
}

/// What a response writes, without its random parts: each cookie's name, whether it is a
/// deletion, and its value's length; the Cookie line; `Vary`.
fn shape(outcome: &Outcome) -> (Vec<(String, bool, usize)>, Option<usize>, bool) {
    let cookies = outcome
        .cookies
        .iter()
        .map(|c| (c.name().to_owned(), c.is_removal(), c.value().len()))
        .collect();
    (cookies, outcome.cookie_line, outcome.vary_cookie)
}

/// The same response, to the byte where the format has no random part (Flask's tokens
/// depend only on the session and the clock).
fn same_response(f: &Fixture, with: &Outcome, without: &Outcome) {
    assert_eq!(shape(with), shape(without), "{}", f.name);
    if !f.is_native() {
        let lines = |o: &Outcome| {
            o.cookies
                .iter()
                .map(|c| c.line().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(with), lines(without), "{}", f.name);
    }
}

/// A handler that asks `check` and then answers gets the very response it would have got
/// without asking; `check` gives the sizes that response has.
fn check_has_no_side_effect(f: &Fixture) {
    let config = config();
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let jar = write(f, &engine, &previous());

    // A change of two cookies' worth.
    let changed = |engine: &SessionEngine| {
        let session = load_jar(engine, &jar, NOW);
        session.insert("note", noise(5000, 3)).expect("insert");
        session
    };
    let asked = changed(&engine);
    let entries = asked.entries();
    let sizes: Sizes = asked.check().expect("fits");
    assert_eq!(asked.check().expect("fits"), sizes, "asking twice");
    assert!(asked.is_modified());
    assert_eq!(asked.entries(), entries);
    let with = engine.save_at(&asked, NOW).expect("fits");
    let sets = check_outcome(f, &config, &with);
    assert_eq!(sizes.chunks, sets.len(), "{}", f.name);
    assert_eq!(Some(sizes.cookie_line), with.cookie_line);
    assert_eq!(sizes.max_size, config.max_size());
    assert_eq!(sizes.max_chunks, f.chunk_limit(&config));
    let without = engine.save_at(&changed(&engine), NOW).expect("fits");
    same_response(f, &with, &without);
    let back = engine.load_at([with.cookie_header().as_str()], NOW + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    assert_eq!(back.entries(), entries);

    // An unchanged session: its sizes, and still nothing to write.
    let read = load_jar(&engine, &jar, NOW);
    let sizes = read.check().expect("fits");
    assert_eq!(sizes.chunks, 1);
    assert_eq!(sizes.cookie_line, jar.header().len(), "{}", f.name);
    assert!(!read.is_modified());
    let with = engine.save_at(&read, NOW).expect("nothing to write");
    assert!(with.cookies.is_empty(), "{}: {with:?}", f.name);
    let looked = load_jar(&engine, &jar, NOW);
    assert_eq!(looked.load_reason(), LoadReason::Valid);
    same_response(f, &with, &engine.save_at(&looked, NOW).expect("nothing"));

    // A refused session: `check` reads it as any look at the session does, and the
    // response is what a handler that only read it gets (the native formats clean their
    // own debris; Flask's cookies stay).
    let garbage = format!(
        "{}=garbage; {}=x",
        f.chunk_name(f.base(), 0),
        f.chunk_name(f.base(), 1)
    );
    let refused = |engine: &SessionEngine| engine.load_at([garbage.as_str()], NOW);
    let asked = refused(&engine);
    assert_eq!(asked.check().expect("empty").chunks, 0);
    let looked = refused(&engine);
    assert!(looked.load_reason().is_rejection());
    same_response(
        f,
        &engine.save_at(&asked, NOW).expect("save"),
        &engine.save_at(&looked, NOW).expect("save"),
    );

    // Purged or emptied: nothing left to carry.
    for end in [0, 1] {
        let session = load_jar(&engine, &jar, NOW);
        if end == 0 {
            session.purge();
        } else {
            session.clear();
        }
        let sizes = session.check().expect("nothing to carry");
        assert_eq!((sizes.chunks, sizes.cookie_line), (0, 0));
        let outcome = engine.save_at(&session, NOW).expect("deletions");
        assert!(outcome.cookies.iter().all(SetCookie::is_removal));
        assert!(!outcome.cookies.is_empty());
    }
}

/// `check` answers the overflow the write would meet, whatever the policy does with it,
/// and asking does not apply the policy.
fn check_tells_the_overflow_whatever_the_policy(f: &Fixture) {
    for policy in [OverflowPolicy::Error, OverflowPolicy::Clear] {
        let config = SessionConfig::builder()
            .compression(Compression::Off)
            .overflow(policy)
            .build()
            .expect("valid");
        let engine = f.engine(config.clone());
        let config = engine.config().clone();
        let mut jar = write(f, &engine, &previous());
        let session = load_jar(&engine, &jar, NOW);
        session.insert("blob", noise(20_000, 4)).expect("insert");
        let err = session.check().expect_err("over budget");
        let SaveError::Overflow {
            needed,
            limit,
            chunks,
            max_chunks,
            ..
        } = err
        else {
            panic!("{}: {err:?}", f.name)
        };
        assert!(needed > limit && limit == config.max_size(), "{}", f.name);
        assert!(chunks > 1 && max_chunks == f.chunk_limit(&config));
        assert!(session.is_modified());
        assert!(session.contains("blob"));
        match policy {
            OverflowPolicy::Error => {
                assert!(matches!(
                    engine.save_at(&session, NOW),
                    Err(SaveError::Overflow { needed: n, .. }) if n == needed
                ));
            }
            _ => {
                let outcome = engine.save_at(&session, NOW).expect("Clear deletes");
                assert!(outcome.cookies.iter().all(SetCookie::is_removal));
                respond(f, &config, &mut jar, &outcome);
                assert!(jar.is_empty());
            }
        }
    }
}

/// A change that does not fit is not taken: the session stays exactly as it was, so the
/// response leaves the client's cookies alone; one that fits is taken like `insert`.
fn try_insert_value_keeps_the_session_when_refused(f: &Fixture) {
    let config = config();
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let jar = write(f, &engine, &previous());
    let too_big = || Value::String(noise(20_000, 5));

    // A session read and not changed: refused, it is still unchanged.
    let session = load_jar(&engine, &jar, NOW);
    for key in ["blob", "user"] {
        let refused = session.try_insert_value(key, too_big());
        assert!(
            matches!(refused, Err(SaveError::Overflow { .. })),
            "{}: {refused:?}",
            f.name
        );
        assert!(!session.is_modified());
        assert_eq!(session.entries(), previous());
    }
    assert!(
        engine
            .save_at(&session, NOW)
            .expect("nothing")
            .cookies
            .is_empty()
    );

    // What fits is taken, and gives the previous value back; an equal value changes
    // nothing.
    let session = load_jar(&engine, &jar, NOW);
    assert_eq!(
        session
            .try_insert_value("user", json!("ada"))
            .expect("fits"),
        Some(json!("ada"))
    );
    assert!(!session.is_modified());
    assert_eq!(
        session
            .try_insert_value("theme", json!("dark"))
            .expect("fits"),
        None
    );
    assert_eq!(
        session
            .try_insert_value("user", json!("grace"))
            .expect("fits"),
        Some(json!("ada"))
    );
    assert!(session.is_modified());
    // Refused after changes: those changes stay, and are written.
    let refused = session.try_insert_value("theme", too_big());
    assert!(matches!(refused, Err(SaveError::Overflow { .. })));
    assert_eq!(session.get_value("theme"), Some(json!("dark")));
    assert!(session.is_modified());
    let outcome = engine.save_at(&session, NOW).expect("fits");
    let mut client = Jar::new();
    respond(f, &config, &mut client, &outcome);
    let back = load_jar(&engine, &client, NOW + 1);
    let mut want = previous();
    want.insert("user".to_owned(), json!("grace"));
    want.insert("theme".to_owned(), json!("dark"));
    assert_eq!(back.entries(), want, "{}", f.name);

    // A fresh session: refused, there is still nothing to write.
    let fresh = engine.load_at(std::iter::empty(), NOW);
    assert!(fresh.try_insert_value("blob", too_big()).is_err());
    assert!(fresh.is_empty() && !fresh.is_modified());
    assert!(
        engine
            .save_at(&fresh, NOW)
            .expect("nothing")
            .cookies
            .is_empty()
    );
}
