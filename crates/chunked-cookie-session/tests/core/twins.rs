//! Same-name twins: cookies of one name that a browser holds side by side (host-only and
//! `Domain`, two Paths) or that a sibling subdomain tossed in. Junk placed first never
//! hides the genuine session nor gets it deleted, a legitimate pair of large sessions
//! reads, and junk in bulk costs bounded work.
//!
//! Before issue 9 four junk `session` cookies ahead of the genuine one made it
//! `malformed` and the response deleted it (a sibling subdomain could log a user out),
//! and a host-only plus `Domain` pair of a 6.7 KB session was `too-large`.

use std::time::{Duration, Instant};

use chunked_cookie_session::{Compression, LoadReason, SessionConfig, SessionEngine};
use serde_json::{Map, Value, json};
use test_support::{Jar, Xorshift, join_pairs};

use super::fixture::Fixture;
use super::forge::for_fixture;
use super::support::*;

native_formats!(
    junk_twins_ahead_of_the_genuine_session_are_passed_over,
    a_host_only_and_domain_pair_of_a_large_session_reads,
    junk_in_bulk_placed_first_stays_bounded,
);

type Pairs = Vec<(String, String)>;

fn config() -> SessionConfig {
    SessionConfig::builder()
        .compression(Compression::Off)
        .build()
        .expect("valid")
}

/// A session of `chunks` chunks (about the middle of that count's range), as its pairs.
fn genuine(
    f: &Fixture,
    engine: &SessionEngine,
    chunks: usize,
    step: u64,
) -> (Map<String, Value>, Pairs) {
    let map = sized(f, engine, chunks, step);
    let jar = write(f, engine, &map);
    assert_eq!(jar.len(), chunks);
    (map, jar.pairs())
}

/// Chunk 0 values that are not the genuine session, each refused for its own reason: not
/// base64, sealed by a key the engine does not hold, a header naming the engine's key with
/// a tag that key never made, and a genuine session long expired.
fn junk_chunk0s(f: &Fixture, engine: &SessionEngine) -> Vec<String> {
    let config = engine.config().clone();
    let foreign = write(
        f,
        &f.engine_with_keys(config.clone(), 9, &[]),
        &json_map(json!({"who": "mallory"})),
    );
    let mine = for_fixture(f, 1, "session");
    let wrong_tag = for_fixture(f, 8, "session")
        .token(&mine.header(0, 1, NOW).bytes(), br#"{"who":"mallory"}"#);
    let expired = mine.seal(0, 1, NOW - 30 * 24 * 3600, br#"{"who":"old"}"#)[0]
        .1
        .clone();
    let kinds = vec![
        "junk".to_owned(),
        foreign.get("session").expect("chunk 0").to_owned(),
        wrong_tag,
        expired,
    ];
    // Each is refused on its own, and none is the genuine session.
    for value in &kinds {
        let alone = engine.load_at([format!("session={value}").as_str()], NOW);
        assert!(
            alone.load_reason().is_rejection(),
            "{}: {value:.60}",
            f.name
        );
    }
    kinds
}

fn json_map(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

fn pairs_of(name: &str, values: &[String]) -> Pairs {
    values
        .iter()
        .map(|value| (name.to_owned(), value.clone()))
        .collect()
}

/// Loads `pairs` read-only and checks the session is `expected` and the response deletes
/// nothing at all.
fn reads_and_deletes_nothing(
    f: &Fixture,
    engine: &SessionEngine,
    pairs: &Pairs,
    expected: &Map<String, Value>,
    what: &str,
) {
    let header = join_pairs(pairs);
    let session = engine.load_at([header.as_str()], NOW + 1);
    assert_eq!(
        session.load_reason(),
        LoadReason::Valid,
        "{}: {what}",
        f.name
    );
    assert_eq!(&session.entries(), expected, "{}: {what}", f.name);
    let outcome = engine.save_at(&session, NOW + 1).expect("save");
    assert!(
        outcome.cookies.is_empty(),
        "{}: {what}: the response wrote {:?}",
        f.name,
        outcome.cookies
    );
}

/// Four junk `session` cookies ahead of the genuine one (and junk twins of its later
/// chunks): the genuine session loads, and a response that only read it deletes nothing.
fn junk_twins_ahead_of_the_genuine_session_are_passed_over(f: &Fixture) {
    let engine = f.engine(config());
    let junk = junk_chunk0s(f, &engine);
    for chunks in [1, 2] {
        let (map, real) = genuine(f, &engine, chunks, 1);
        let ahead = [pairs_of("session", &junk), real.clone()].concat();
        reads_and_deletes_nothing(f, &engine, &ahead, &map, "four junk ahead");
        let behind = [real.clone(), pairs_of("session", &junk)].concat();
        reads_and_deletes_nothing(f, &engine, &behind, &map, "four junk behind");
        for one in &junk {
            let pairs = [pairs_of("session", std::slice::from_ref(one)), real.clone()].concat();
            reads_and_deletes_nothing(f, &engine, &pairs, &map, &format!("{one:.40} ahead"));
        }
        if chunks > 1 {
            // Junk twins of every later chunk too, ahead of the genuine ones.
            let mut pairs = pairs_of("session", &junk);
            for index in 1..chunks {
                pairs.push((f.chunk_name("session", index), "junk".to_owned()));
                pairs.push((f.chunk_name("session", index), real[0].1[..16].to_owned()));
            }
            pairs.extend(real.clone());
            reads_and_deletes_nothing(f, &engine, &pairs, &map, "junk twins of later chunks");
        }
        // A change is written over the genuine session, and deletes nothing but chunks
        // past the new count.
        let header = join_pairs(&ahead);
        let session = engine.load_at([header.as_str()], NOW + 1);
        session.insert("more", 1).expect("insert");
        let outcome = engine.save_at(&session, NOW + 1).expect("fits");
        let sets = check_outcome(f, engine.config(), &outcome);
        assert_eq!(sets.len(), chunks, "{}", f.name);
        assert!(
            outcome.cookies.iter().all(|c| !c.is_removal()),
            "{}",
            f.name
        );
    }
}

/// A host-only and a `Domain` copy of a 6.7 KB session (two full candidate sets, 13 KB
/// together) under the default 7 KiB budget: the byte cap holds per candidate set, so the
/// session reads, whichever way the browser orders the two.
fn a_host_only_and_domain_pair_of_a_large_session_reads(f: &Fixture) {
    let config = config();
    assert_eq!(config.max_size(), 7 * 1024);
    let engine = f.engine(config.clone());
    let jar_for = |step: u64| {
        let mut map = json_map(json!({ "step": step }));
        pad_to(f, &engine, &mut map, 6_650);
        let jar = write(f, &engine, &map);
        (map, jar)
    };
    let (older, host_only) = jar_for(1);
    let (newer, domain) = jar_for(2);
    let line = host_only.header().len();
    assert!((6_600..=7 * 1024).contains(&line), "{line}");
    assert_eq!(host_only.len(), 2);
    let (a, b) = (host_only.pairs(), domain.pairs());
    let interleaved: Pairs = a
        .iter()
        .zip(&b)
        .flat_map(|(x, y)| [x.clone(), y.clone()])
        .collect();
    for (pairs, first) in [
        ([a.clone(), b.clone()].concat(), &older),
        ([b.clone(), a.clone()].concat(), &newer),
        (interleaved, &older),
    ] {
        assert!(join_pairs(&pairs).len() > 13_000);
        // The first set in arrival order that verifies is the session.
        reads_and_deletes_nothing(f, &engine, &pairs, first, "a pair of 6.7 KB sessions");
    }
    // And with a third copy (a cookie of another Path), still within the bound.
    let (_, third) = jar_for(3);
    let three = [a, b, third.pairs()].concat();
    reads_and_deletes_nothing(f, &engine, &three, &older, "three copies");
}

/// Hundreds of junk twins placed first, each with a header naming the engine's key and a
/// generation of its own, each with a later chunk of its generation (so each is joined and
/// its tag checked), and thousands of crumbs: the genuine session behind them still wins,
/// quickly. Past three candidate sets' worth of bytes a request is refused as too large
/// before anything is parsed: the bound that keeps the work in check.
fn junk_in_bulk_placed_first_stays_bounded(f: &Fixture) {
    let engine = f.engine(config());
    let (map, real) = genuine(f, &engine, 2, 1);
    let mine = for_fixture(f, 1, "session");
    let other = for_fixture(f, 8, "session");
    let mut rng = Xorshift::new(99);
    let mut junk: Pairs = Vec::new();
    for _ in 0..150 {
        let mut header = mine.header(0, 2, NOW);
        header.generation[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
        let token = other.token(&header.bytes(), br#"{"who":"mallory","pad":"......"}"#);
        junk.extend(super::forge::chunks(&token, "session", 2));
    }
    let crumbs: Pairs = (0..3000)
        .map(|i| (f.chunk_name("session", i % 2), "x".to_owned()))
        .collect();
    let pairs = [junk.clone(), crumbs, real.clone()].concat();
    let header = join_pairs(&pairs);
    assert!(header.len() > 25_000, "{}", header.len());
    let started = Instant::now();
    reads_and_deletes_nothing(
        f,
        &engine,
        &pairs,
        &map,
        "150 junk sets and 3000 crumbs ahead",
    );
    let took = started.elapsed();
    // A few milliseconds in a release build; the bound is generous for a debug build on
    // a loaded machine, and far below what quadratic work in the junk would take.
    assert!(took < Duration::from_secs(2), "{}: {took:?}", f.name);

    // Past three sets' worth of bytes: refused before anything is parsed, and cleaned.
    let flood = [junk.clone(), junk.clone(), real].concat();
    let header = join_pairs(&flood);
    let session = engine.load_at([header.as_str()], NOW + 1);
    assert_eq!(session.load_reason(), LoadReason::TooLarge, "{}", f.name);
    let mut jar = Jar::new();
    let outcome = engine.save_at(&session, NOW + 1).expect("cleanup");
    respond(f, engine.config(), &mut jar, &outcome);
    assert!(outcome.cookies.iter().all(|c| c.is_removal()));
}
