//! Clocks: the configured clock-skew allowance (60 s by default) holds for every format,
//! Flask's included, and a response that only read a refused session deletes the cookies
//! only where they are the engine's own (the native formats), never a Flask app's.
//!
//! Before issue 9 a Flask cookie from a host one second ahead read as `expired`, and the
//! response that only read it deleted it, logging the user out of the Flask app too.

use chunked_cookie_session::{Compression, LoadReason, Outcome, SessionConfig, SessionEngine};
use serde_json::json;
use test_support::Jar;

use super::fixture::Fixture;
use super::support::*;

every_format!(
    a_host_ahead_within_the_skew_is_trusted,
    a_refused_session_is_cleaned_only_where_it_is_ours,
);

/// What a response that only read the session of `jar` carries, and the reason.
fn read_only(engine: &SessionEngine, jar: &Jar, now: u64) -> (LoadReason, Outcome) {
    let session = load_jar(engine, jar, now);
    let reason = session.load_reason();
    (reason, engine.save_at(&session, now).expect("save"))
}

/// A session written by a host whose clock runs 1, 59 or 60 seconds ahead reads as
/// valid under the default 60-second allowance; 61 seconds ahead, it is expired.
fn a_host_ahead_within_the_skew_is_trusted(f: &Fixture) {
    // The default allowance: 60 seconds.
    let config = SessionConfig::default();
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let map = json!({"user": "ada"})
        .as_object()
        .expect("an object")
        .clone();
    for (ahead, want) in [
        (0, LoadReason::Valid),
        (1, LoadReason::Valid),
        (59, LoadReason::Valid),
        (60, LoadReason::Valid),
        (61, LoadReason::Expired),
        (3600, LoadReason::Expired),
    ] {
        // Written "now" by the host ahead, read now by this one.
        let written = engine
            .save_at(&session_with(&engine, &map), NOW + ahead)
            .expect("fits");
        let mut jar = Jar::new();
        respond(f, &config, &mut jar, &written);
        assert_eq!(f.issued_at(&jar.pairs()[0].1), NOW + ahead);
        let (reason, outcome) = read_only(&engine, &jar, NOW);
        assert_eq!(reason, want, "{}: {ahead} s ahead", f.name);
        if want == LoadReason::Valid {
            assert_eq!(load_jar(&engine, &jar, NOW).entries(), map);
            assert!(outcome.cookies.is_empty(), "{}: {outcome:?}", f.name);
        } else {
            let cleaned = outcome.cookies.len();
            assert_eq!(cleaned, usize::from(f.cleans_rejected()), "{}", f.name);
        }
    }
    // A narrower allowance is honoured as well.
    let strict = f.engine(
        SessionConfig::builder()
            .clock_skew(std::time::Duration::from_secs(5))
            .build()
            .expect("valid"),
    );
    for (ahead, want) in [(5, LoadReason::Valid), (6, LoadReason::Expired)] {
        let jar = write_at(f, &strict, &map, NOW + ahead);
        assert_eq!(read_only(&strict, &jar, NOW).0, want, "{}: {ahead}", f.name);
    }
}

fn write_at(
    f: &Fixture,
    engine: &SessionEngine,
    map: &serde_json::Map<String, serde_json::Value>,
    now: u64,
) -> Jar {
    let session = engine.load_at(std::iter::empty(), now);
    for (key, value) in map {
        session.insert_value(key, value.clone());
    }
    let outcome = engine.save_at(&session, now).expect("fits");
    let mut jar = Jar::new();
    respond(f, engine.config(), &mut jar, &outcome);
    jar
}

/// Every way a session is refused (from a host too far ahead, expired, another key,
/// tampered): a response that only read it deletes its cookies in the native formats,
/// whose cookies are the engine's own, when the refusal proves them dead whatever the key
/// (they verified, and their time is up); a session under a key this server does not hold,
/// or whose tag it cannot verify, stays for a server that can (a rollback, a fleet half
/// way through a key change). A Flask app's cookies are always left alone. A response
/// that writes the session replaces them in every format.
fn a_refused_session_is_cleaned_only_where_it_is_ours(f: &Fixture) {
    let config = SessionConfig::builder()
        .max_size(16 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let map = sized(f, &engine, 2, 1);
    let mut refused: Vec<(&str, Jar, u64, bool)> = vec![
        ("ahead", write_at(f, &engine, &map, NOW + 3600), NOW, true),
        (
            "expired",
            write_at(f, &engine, &map, NOW),
            NOW + 400 * 24 * 3600,
            true,
        ),
        (
            "another key",
            write_at(f, &f.engine_with_keys(config.clone(), 7, &[]), &map, NOW),
            NOW,
            false,
        ),
    ];
    let mut tampered = write_at(f, &engine, &map, NOW);
    let last = tampered.names().pop().expect("a chunk");
    let value = tampered.get_mut(&last).expect("a chunk");
    let at = value.len() / 2;
    let flipped = if &value[at..=at] == "A" { "B" } else { "A" };
    value.replace_range(at..=at, flipped);
    refused.push(("tampered", tampered, NOW, false));

    for (what, jar, now, dead) in refused {
        assert_eq!(jar.len(), 2, "{what}");
        let (reason, outcome) = read_only(&engine, &jar, now);
        assert!(reason.is_rejection(), "{}: {what}: {reason}", f.name);
        let mut after = jar.clone();
        respond(f, &config, &mut after, &outcome);
        if f.cleans_rejected() && dead {
            assert_eq!(outcome.cookies.len(), 2, "{}: {what}", f.name);
            assert!(after.is_empty(), "{}: {what}", f.name);
        } else {
            assert!(
                outcome.cookies.is_empty(),
                "{}: {what}: {outcome:?}",
                f.name
            );
            assert_eq!(after.pairs(), jar.pairs(), "{}: {what}", f.name);
        }
        // Written over: the new session replaces the refused one's cookies everywhere.
        let session = load_jar(&engine, &jar, now);
        session.insert("fresh", true).expect("insert");
        let outcome = engine.save_at(&session, now).expect("fits");
        let mut replaced = jar.clone();
        respond(f, &config, &mut replaced, &outcome);
        let back = load_jar(&engine, &replaced, now);
        assert_eq!(back.load_reason(), LoadReason::Valid, "{}: {what}", f.name);
        assert_eq!(back.entries().len(), 1);
    }
}
