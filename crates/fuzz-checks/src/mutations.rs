//! `chunk_mutations`: two genuine multi-chunk writes, A then B (signed or private, A
//! optionally under the old key), then fuzzer-chosen [`Op`]s on the cookies the browser
//! sends back.
//!
//! Properties:
//!
//! - no operations means a valid load of exactly B;
//! - a valid load yields exactly A's or B's entries and nothing else, and a rejected one
//!   nothing at all;
//! - every response keeps the rules of [`check_outcome`];
//! - a session sealed by the old key is re-sealed once with the new key, then read by the
//!   new key alone, and not re-sealed again.

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use chunked_cookie_session::{
    Compression, EngineOptions, LoadReason, Map, Outcome, Session, SessionEngine, Value,
};
use serde_json::json;
use test_support::noise;

use crate::engines::{Format, NOW, build, key};
use crate::generate::ops::{Jar, Op, apply};
use crate::response::check_outcome;

#[derive(Debug, Arbitrary)]
struct Setup {
    private: bool,
    a_under_old_key: bool,
    a_size: u16,
    b_size: u16,
    seed: u32,
    ops: Vec<Op>,
}

/// 40 KiB in at most 16 cookies, uncompressed, so the filler spans several chunks, with
/// the keys `keys` names (indices into the checks' secrets; the first is current).
fn options(format: Format, keys: &[usize]) -> EngineOptions {
    let mut options = format.options();
    options.max_size = 40 * 1024;
    options.max_chunks = Some(16);
    options.compression = Compression::Off;
    options.key = Some(key(keys[0]));
    options.old_keys = keys[1..].iter().map(|&i| key(i)).collect();
    options
}

/// Per format (signed, private): the engine reading with the whole ring, one holding only
/// the old key (to write A under it), one holding only the new key.
struct Engines {
    full: [SessionEngine; 2],
    old: [SessionEngine; 2],
    new: [SessionEngine; 2],
}

fn engines() -> &'static Engines {
    static ENGINES: OnceLock<Engines> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let both =
            |keys: &[usize]| [Format::Signed, Format::Private].map(|f| build(&options(f, keys)));
        Engines {
            full: both(&[0, 1]),
            old: both(&[1]),
            new: both(&[0]),
        }
    })
}

/// The cookies a browser keeps after a response, starting from `jar`: each `Set-Cookie`
/// replaces every cookie of its name, and a deletion leaves none.
fn receive(jar: &mut Vec<(String, String)>, outcome: &Outcome) {
    for cookie in &outcome.cookies {
        jar.retain(|(name, _)| name != cookie.name());
        if !cookie.is_removal() {
            jar.push((cookie.name().to_owned(), cookie.value().to_owned()));
        }
    }
}

fn load(engine: &SessionEngine, jar: &Jar, now: u64) -> Session {
    let fields = jar.fields();
    engine.load_at(fields.iter().map(String::as_str), now)
}

/// A request with the browser's cookies whose handler replaces the session by `entries`.
fn write(
    engine: &SessionEngine,
    browser: &mut Vec<(String, String)>,
    entries: &Map<String, Value>,
    now: u64,
) {
    let session = load(engine, &Jar::new(browser.clone()), now);
    session.clear();
    for (key, value) in entries {
        session.insert_value(key, value.clone());
    }
    let outcome = engine
        .save_at(&session, now)
        .expect("a session within the budget is written");
    check_outcome(engine, &outcome);
    receive(browser, &outcome);
}

/// The check.
///
/// # Panics
///
/// When a property fails.
pub fn check(data: &[u8]) {
    let Ok(setup) = Setup::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let all = engines();
    let which = usize::from(setup.private);
    let engine = &all.full[which];
    let entries = |who: &str, size: u16, seed: u32| -> Map<String, Value> {
        let value =
            json!({ "who": who, "pad": noise(4500 + usize::from(size) % 12_000, u64::from(seed)) });
        value.as_object().cloned().unwrap_or_default()
    };
    let a = entries("A", setup.a_size, setup.seed);
    let b = entries("B", setup.b_size, setup.seed.rotate_left(7));

    let mut browser = Vec::new();
    let writer_a = if setup.a_under_old_key {
        &all.old[which]
    } else {
        engine
    };
    write(writer_a, &mut browser, &a, NOW);
    let cookies_a = browser.clone();
    write(engine, &mut browser, &b, NOW + 1);

    let base = engine.config().name();
    let mut jar = Jar::new(browser);
    for op in &setup.ops {
        apply(&mut jar, op, &cookies_a, base, |i| {
            if i == 0 {
                base.to_owned()
            } else {
                format!("{base}_{i}")
            }
        });
    }
    let session = load(engine, &jar, NOW + 2);
    let reason = session.load_reason();
    let got = session.entries();
    if setup.ops.is_empty() {
        assert_eq!(reason, LoadReason::Valid, "B's own cookies did not load");
        assert_eq!(got, b, "B's own cookies loaded other entries");
    }
    if reason != LoadReason::Valid {
        assert!(
            got.is_empty(),
            "a session rejected as {reason} holds entries"
        );
        let outcome = engine.save_at(&session, NOW + 2).expect("only a cleanup");
        check_outcome(engine, &outcome);
        return;
    }
    assert!(
        got == a || got == b,
        "a valid load mixed A and B: {:?}",
        got.keys().collect::<Vec<_>>()
    );
    if got == a && setup.a_under_old_key {
        reseal_once(engine, &all.new[which], &session, jar.cookies, &a);
    } else {
        let outcome = engine.save_at(&session, NOW + 2).expect("only a cleanup");
        check_outcome(engine, &outcome);
        assert!(
            outcome.cookies.iter().all(|cookie| cookie.is_removal()),
            "a session of the current key, untouched, was written again"
        );
    }
}

/// A session the old key sealed, loaded by `engine` (the whole ring): the response re-seals
/// it with the new key; `new_only` (the new key alone) reads that back as `a`; and the next
/// untouched request writes nothing but cleanup.
fn reseal_once(
    engine: &SessionEngine,
    new_only: &SessionEngine,
    session: &Session,
    mut browser: Vec<(String, String)>,
    a: &Map<String, Value>,
) {
    let outcome = engine.save_at(session, NOW + 3).expect("re-sealed");
    check_outcome(engine, &outcome);
    assert!(
        outcome.cookies.iter().any(|cookie| !cookie.is_removal()),
        "an old-key session was not re-sealed"
    );
    receive(&mut browser, &outcome);
    let again = load(new_only, &Jar::new(browser.clone()), NOW + 4);
    assert_eq!(
        again.load_reason(),
        LoadReason::Valid,
        "the re-sealed session needs the old key"
    );
    assert_eq!(&again.entries(), a);
    let third = load(engine, &Jar::new(browser), NOW + 5);
    assert_eq!(third.load_reason(), LoadReason::Valid);
    let outcome = engine.save_at(&third, NOW + 5).expect("nothing to write");
    check_outcome(engine, &outcome);
    assert!(
        outcome.cookies.iter().all(|cookie| cookie.is_removal()),
        "re-sealed twice"
    );
}
