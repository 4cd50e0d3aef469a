//! What a binding to a framework that reads every request's session up front (the Python
//! package's Flask extension) relies on: access reported by the framework, rewrites it can
//! foresee, Flask's refresh of persistent sessions and `Expires` beside `Max-Age`.

use chunked_cookie_session::{Compression, ResponseInfo, SessionConfig};
use serde_json::json;
use test_support::{Jar, WireCookie};

use super::fixture::Fixture;
use super::support::*;

every_format!(access_reported_by_the_framework_decides_vary);
native_formats!(
    persistent_sessions_refreshed_on_every_request,
    expires_beside_max_age
);

/// Reading a session does not make the response vary on its cookies when the framework
/// says the handler never touched it; a response that writes cookies always varies.
fn access_reported_by_the_framework_decides_vary(f: &Fixture) {
    let config = SessionConfig::builder().build().expect("valid");
    let engine = f.engine(config);
    let mut entries = serde_json::Map::new();
    entries.insert("user".into(), json!("ada"));
    let jar = write(f, &engine, &entries);

    let read = load_jar(&engine, &jar, NOW + 1);
    assert!(read.contains("user"));
    read.set_accessed(false);
    let outcome = engine.finish_at(&read, ResponseInfo::new(200), NOW + 1);
    assert!(outcome.cookies.is_empty() && !outcome.vary_cookie);
    read.set_accessed(true);
    assert!(
        engine
            .finish_at(&read, ResponseInfo::new(200), NOW + 1)
            .vary_cookie
    );

    let changed = load_jar(&engine, &jar, NOW + 1);
    changed.insert("user", "grace").expect("insert");
    changed.set_accessed(false);
    let outcome = engine.finish_at(&changed, ResponseInfo::new(200), NOW + 1);
    assert!(!outcome.cookies.is_empty() && outcome.vary_cookie);
    assert!(!changed.rewrite_due());
}

/// `refresh_each_request`: a persistent session is written again by every request that
/// reads it (Flask's `SESSION_REFRESH_EACH_REQUEST`), keeping its deadline; a
/// browser-session one is not.
fn persistent_sessions_refreshed_on_every_request(f: &Fixture) {
    let config = SessionConfig::builder()
        .refresh_each_request(true)
        .build()
        .expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let session = engine.load_at(std::iter::empty(), NOW);
    session.insert("user", "ada").expect("insert");
    session.set_persistent(true);
    let mut jar = Jar::new();
    let first = respond(
        f,
        &config,
        &mut jar,
        &engine.save_at(&session, NOW).expect("save"),
    );
    let first = token_of(f, &first);

    let read = load_jar(&engine, &jar, NOW + 10);
    assert!(read.rewrite_due());
    let outcome = engine.save_at(&read, NOW + 10).expect("save");
    let sets = respond(f, &config, &mut jar, &outcome);
    assert_eq!(sets.len(), 1);
    let token = token_of(f, &sets);
    assert_eq!(f.issued_at(&token), NOW + 10);
    let lifetime = config.lifetime().as_secs();
    assert_eq!(
        f.last_valid_second(&token, lifetime),
        f.last_valid_second(&first, lifetime)
    );

    let plain = engine.load_at(std::iter::empty(), NOW);
    plain.insert("user", "ada").expect("insert");
    let mut jar = Jar::new();
    respond(
        f,
        &config,
        &mut jar,
        &engine.save_at(&plain, NOW).expect("save"),
    );
    let read = load_jar(&engine, &jar, NOW + 10);
    assert!(!read.rewrite_due());
    assert!(
        engine
            .save_at(&read, NOW + 10)
            .expect("save")
            .cookies
            .is_empty()
    );
}

/// `expires_date`: every chunk of a persistent write states the deadline twice, as
/// `Max-Age` and as an `Expires` date; deletions and browser-session cookies state none.
fn expires_beside_max_age(f: &Fixture) {
    let config = roomy()
        .compression(Compression::Off)
        .expires_date(true)
        .build()
        .expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let session = engine.load_at(std::iter::empty(), NOW);
    for (key, value) in sized(f, &engine, 2, 1) {
        session.insert_value(&key, value);
    }
    session.set_persistent(true);
    let outcome = engine.save_at(&session, NOW + 100).expect("save");
    let sets = check_outcome(f, &config, &outcome);
    assert_eq!(sets.len(), 2);
    let deadline = NOW + config.lifetime().as_secs();
    for set in &sets {
        let wire = WireCookie::parse(set.line());
        let age = wire.cookie().max_age().expect("a Max-Age").whole_seconds();
        let at = wire.cookie().expires_datetime().expect("an Expires date");
        assert_eq!(u64::try_from(age).expect("positive"), deadline - NOW - 100);
        assert_eq!(
            u64::try_from(at.unix_timestamp()).expect("positive"),
            deadline
        );
    }
    session.set_persistent(false);
    let outcome = engine.save_at(&session, NOW + 100).expect("save");
    assert!(
        outcome
            .cookies
            .iter()
            .all(|c| !c.line().contains("Expires"))
    );
}
