//! Same-name twins: cookies of one name that a browser holds side by side (host-only and
//! `Domain`, two Paths) or that a sibling subdomain tossed in. Junk placed first never
//! hides the genuine session nor gets it deleted, a legitimate pair of large copies reads,
//! two sessions that both verify are refused (`ambiguous`) and neither is deleted, and junk
//! in bulk costs bounded work.
//!
//! Before issue 9 four junk `session` cookies ahead of the genuine one made it
//! `malformed` and the response deleted it (a sibling subdomain could log a user out),
//! and a host-only plus `Domain` pair of a 6.7 KB session was `too-large`.

use std::time::{Duration, Instant};

use chunked_cookie_session::{Compression, LoadReason, SessionConfig, SessionEngine};
use serde_json::{Map, Value, json};
use test_support::{Xorshift, join_pairs};

use super::fixture::Fixture;
use super::forge::for_fixture;
use super::support::*;

native_formats!(
    junk_twins_ahead_of_the_genuine_session_are_passed_over,
    a_host_only_and_domain_pair_of_a_large_session_reads,
    a_tossed_genuine_session_is_refused_and_deletes_nothing,
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
    let mine = for_fixture(f, 1, f.base());
    let wrong_tag =
        for_fixture(f, 8, f.base()).token(&mine.header(0, 1, NOW).bytes(), br#"{"who":"mallory"}"#);
    let expired = mine.seal(0, 1, NOW - 30 * 24 * 3600, br#"{"who":"old"}"#)[0]
        .1
        .clone();
    let kinds = vec![
        "junk".to_owned(),
        foreign.get(f.base()).expect("chunk 0").to_owned(),
        wrong_tag,
        expired,
    ];
    // Each is refused on its own, and none is the genuine session.
    for value in &kinds {
        let alone = engine.load_at([format!("{}={value}", f.base()).as_str()], NOW);
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
        let ahead = [pairs_of(f.base(), &junk), real.clone()].concat();
        reads_and_deletes_nothing(f, &engine, &ahead, &map, "four junk ahead");
        let behind = [real.clone(), pairs_of(f.base(), &junk)].concat();
        reads_and_deletes_nothing(f, &engine, &behind, &map, "four junk behind");
        for one in &junk {
            let pairs = [pairs_of(f.base(), std::slice::from_ref(one)), real.clone()].concat();
            reads_and_deletes_nothing(f, &engine, &pairs, &map, &format!("{one:.40} ahead"));
        }
        if chunks > 1 {
            // Junk twins of every later chunk too, ahead of the genuine ones.
            let mut pairs = pairs_of(f.base(), &junk);
            for index in 1..chunks {
                pairs.push((f.chunk_name(f.base(), index), "junk".to_owned()));
                pairs.push((f.chunk_name(f.base(), index), real[0].1[..16].to_owned()));
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
/// session reads, whichever way the browser orders the two. Two different 6.7 KB sessions
/// side by side are judged per set too: not too large, but two sessions, `ambiguous`, and
/// neither is deleted.
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
    let (_, other_write) = jar_for(2);
    let line = host_only.header().len();
    assert!((6_600..=7 * 1024).contains(&line), "{line}");
    assert_eq!(host_only.len(), 2);
    let interleave = |x: &Pairs, y: &Pairs| -> Pairs {
        x.iter()
            .zip(y)
            .flat_map(|(x, y)| [x.clone(), y.clone()])
            .collect()
    };
    // The same write twice, as a browser holding a host-only and a Domain copy sends it.
    let (a, copy) = (host_only.pairs(), host_only.pairs());
    for pairs in [[a.clone(), copy.clone()].concat(), interleave(&a, &copy)] {
        assert!(join_pairs(&pairs).len() > 13_000);
        reads_and_deletes_nothing(f, &engine, &pairs, &older, "a pair of 6.7 KB copies");
    }
    // And with a third copy (a cookie of another Path), still within the bound.
    let three = [a.clone(), copy.clone(), a.clone()].concat();
    reads_and_deletes_nothing(f, &engine, &three, &older, "three copies");
    // Two different writes of that size: each set is within the cap, and two sessions
    // verify.
    let b = other_write.pairs();
    for pairs in [
        [a.clone(), b.clone()].concat(),
        [b.clone(), a.clone()].concat(),
        interleave(&a, &b),
    ] {
        assert!(join_pairs(&pairs).len() > 13_000);
        refused_and_nothing_deleted(f, &engine, &pairs, LoadReason::Ambiguous, "two writes");
    }
}

/// Loads `pairs` read-only and checks the session is refused for `reason`, empty, and that
/// the response deletes nothing at all.
fn refused_and_nothing_deleted(
    f: &Fixture,
    engine: &SessionEngine,
    pairs: &Pairs,
    reason: LoadReason,
    what: &str,
) {
    let header = join_pairs(pairs);
    let session = engine.load_at([header.as_str()], NOW + 1);
    assert_eq!(session.load_reason(), reason, "{}: {what}", f.name);
    assert!(session.is_empty(), "{}: {what}", f.name);
    let outcome = engine.save_at(&session, NOW + 1).expect("save");
    assert!(
        outcome.cookies.is_empty(),
        "{}: {what}: the response wrote {:?}",
        f.name,
        outcome.cookies
    );
}

/// Cookie tossing with a genuine session (issue 17): an attacker holding a one-chunk
/// session of their own, valid for this application, sets it for the parent domain (or a
/// longer Path), so the browser sends it ahead of the victim's two-chunk session. Neither
/// session is used (the victim is never kept inside the attacker's session), the reason
/// says why, and no response deletes the victim's cookies, whatever it writes: once the
/// tossed cookie is gone, the victim's session reads again.
///
/// Before issue 17 the attacker's session loaded (the first that verified won) and the
/// response deleted the victim's second chunk as debris past the loaded count.
fn a_tossed_genuine_session_is_refused_and_deletes_nothing(f: &Fixture) {
    let engine = f.engine(config());
    let (victim_map, victim) = genuine(f, &engine, 2, 1);
    let (_, attacker) = genuine(f, &engine, 1, 2);
    for pairs in [
        [attacker.clone(), victim.clone()].concat(),
        [victim.clone(), attacker.clone()].concat(),
    ] {
        refused_and_nothing_deleted(f, &engine, &pairs, LoadReason::Ambiguous, "tossed");
        // A response that writes (the victim logs in again) sets its cookies and deletes
        // none: the victim's chunk 1 stays.
        let header = join_pairs(&pairs);
        let session = engine.load_at([header.as_str()], NOW + 1);
        session.insert("user", "victim").expect("insert");
        let outcome = engine.save_at(&session, NOW + 1).expect("fits");
        check_outcome(f, engine.config(), &outcome);
        assert!(
            outcome.cookies.iter().all(|cookie| !cookie.is_removal()),
            "{}: {:?}",
            f.name,
            outcome.cookies
        );
        // An emptied or renewed session deletes nothing of theirs either.
        let renewed = engine.load_at([header.as_str()], NOW + 1);
        renewed.renew();
        let outcome = engine.save_at(&renewed, NOW + 1).expect("save");
        assert!(
            outcome.cookies.is_empty(),
            "{}: {:?}",
            f.name,
            outcome.cookies
        );
    }
    // Once the tossed cookie expires, the victim's own cookies, all still there, read.
    reads_and_deletes_nothing(f, &engine, &victim, &victim_map, "after the toss");
    // The application can still end it all: a purge deletes every cookie of the name.
    let header = join_pairs(&[attacker, victim].concat());
    let purged = engine.load_at([header.as_str()], NOW + 1);
    assert_eq!(purged.load_reason(), LoadReason::Ambiguous);
    purged.purge();
    let outcome = engine.save_at(&purged, NOW + 1).expect("save");
    assert_eq!(outcome.cookies.len(), 2);
    assert!(outcome.cookies.iter().all(|cookie| cookie.is_removal()));
}

/// Hundreds of junk twins placed first, each with a header naming the engine's key and a
/// generation of its own, each with a later chunk of its generation (so each is joined and
/// its tag checked), and thousands of crumbs: the genuine session behind them still wins,
/// quickly. Past three candidate sets' worth of bytes a request is refused as too large
/// before anything is parsed: the bound that keeps the work in check.
fn junk_in_bulk_placed_first_stays_bounded(f: &Fixture) {
    let engine = f.engine(config());
    let (map, real) = genuine(f, &engine, 2, 1);
    let mine = for_fixture(f, 1, f.base());
    let other = for_fixture(f, 8, f.base());
    let mut rng = Xorshift::new(99);
    let mut junk: Pairs = Vec::new();
    for _ in 0..150 {
        let mut header = mine.header(0, 2, NOW);
        header.generation[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
        let token = other.token(&header.bytes(), br#"{"who":"mallory","pad":"......"}"#);
        junk.extend(super::forge::chunks(&token, f.base(), 2));
    }
    let crumbs: Pairs = (0..3000)
        .map(|i| (f.chunk_name(f.base(), i % 2), "x".to_owned()))
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

    // Past three sets' worth of bytes: refused before anything is parsed, and, since
    // nothing of it was verified, nothing is deleted (the genuine session among it stays).
    let flood = [junk.clone(), junk.clone(), real].concat();
    refused_and_nothing_deleted(f, &engine, &flood, LoadReason::TooLarge, "a flood");
}
