//! Round trips over random sessions whose token lengths land on, just before and just after
//! every chunk boundary, under long names, long Domain and Path, and `__Host-` names; every
//! size up to a 40 KiB budget; and the most chunks a layout allows.

use chunked_cookie_session::{
    BROWSER_NAME_VALUE_LIMIT, Compression, LoadReason, SET_COOKIE_LINE_LIMIT, SameSite, SaveError,
    SessionConfig, SessionConfigBuilder, SetCookie,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{Map, Value, json};
use test_support::{Jar, join_pairs, noise};

use super::fixture::Fixture;
use super::support::*;

every_format!(
    sizes_on_and_around_every_chunk_boundary,
    compressed_round_trips,
    exact_multiples_of_the_chunk_size,
    long_attributes_and_names,
    the_most_chunks_and_back,
    every_size_up_to_a_40_kib_budget,
    structured_values_round_trip,
);

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Eighths are exact in binary, so the float survives the text round trip.
        (-80_000i32..80_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z0-9 ]{0,64}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn session_map() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..8)
        .prop_map(|map| map.into_iter().collect())
}

/// The cookie shapes that change the budgets: plain, `__Host-`, long names, long Domain,
/// long Path, persistent cookies (a deadline on every line), `SameSite=None`, Partitioned.
#[derive(Debug, Clone)]
struct Shape {
    kind: u8,
    name_len: usize,
    domain_len: usize,
    path_len: usize,
    persistent: bool,
    none_partitioned: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        0u8..4,
        1usize..=200,
        0usize..=200,
        1usize..=300,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(kind, name_len, domain_len, path_len, persistent, none_partitioned)| Shape {
                kind,
                name_len,
                domain_len,
                path_len,
                persistent,
                none_partitioned,
            },
        )
}

/// A syntactically plausible domain of exactly `len` bytes (labels of at most 63).
pub fn long_domain(len: usize) -> String {
    let mut domain = String::from("example.com");
    while domain.len() < len {
        let label = (len - domain.len()).saturating_sub(1).clamp(1, 63);
        domain = format!("{}.{domain}", "d".repeat(label));
    }
    domain
}

/// A path of exactly `len` bytes.
pub fn long_path(len: usize) -> String {
    let mut path = String::from("/");
    while path.len() < len {
        path.push(if path.len() % 8 == 0 { '/' } else { 'p' });
    }
    path
}

impl Shape {
    /// Chromium keeps about 10 KiB per partition, so a Partitioned session gets that budget.
    fn max_size(&self) -> usize {
        if self.none_partitioned {
            10 * 1024
        } else {
            16 * (BROWSER_NAME_VALUE_LIMIT + 2)
        }
    }

    fn config(&self, compression: Compression) -> SessionConfig {
        let mut builder = SessionConfig::builder()
            .max_chunks(16)
            .max_size(self.max_size())
            .compression(compression)
            .persistent(self.persistent);
        builder = match self.kind {
            0 => builder,
            1 => builder.name("__Host-session"),
            2 => builder.name(format!("__Host-{}", "h".repeat(self.name_len.min(193)))),
            _ => builder
                .name("n".repeat(self.name_len))
                .path(long_path(self.path_len)),
        };
        if self.kind != 1 && self.kind != 2 && self.domain_len >= 11 {
            builder = builder.domain(long_domain(self.domain_len));
        }
        if self.none_partitioned {
            builder = builder.same_site(Some(SameSite::None)).partitioned(true);
        }
        builder
            .build()
            .expect("every shape is a valid configuration")
    }
}

/// Saves `map` fresh, checks the response, and reads it back in three arrangements of the
/// `Cookie` header. Returns the chunks.
fn round_trip(f: &Fixture, config: &SessionConfig, map: &Map<String, Value>) -> Vec<SetCookie> {
    let engine = f.engine(config.clone());
    let config = engine.config();
    let session = session_with(&engine, map);
    let persistent = session.is_persistent();
    let outcome = engine.save_at(&session, NOW).expect("fits the budget");
    let mut jar = Jar::new();
    let sets = respond(f, config, &mut jar, &outcome);
    let pairs = jar.pairs();
    let mut reversed = pairs.clone();
    reversed.reverse();
    let one_field = join_pairs(&pairs);
    let reversed_field = join_pairs(&reversed);
    let per_cookie = jar.fields();
    let arrangements: [Vec<&str>; 3] = [
        vec![one_field.as_str()],
        vec![reversed_field.as_str()],
        per_cookie.iter().rev().map(String::as_str).collect(),
    ];
    let expected = f.entries_after_write(map, persistent);
    for fields in arrangements {
        let back = engine.load_at(fields, NOW + 1);
        assert_eq!(back.load_reason(), LoadReason::Valid, "{}", f.name);
        assert_eq!(back.entries(), expected, "{}", f.name);
        let again = engine.save_at(&back, NOW + 1).expect("save");
        if persistent && f.refreshes_persistent_on_read() {
            // Signed afresh, the same session.
            assert_eq!(check_outcome(f, config, &again).len(), sets.len());
        } else {
            // Reading a valid session leaves nothing to write.
            assert!(again.cookies.is_empty(), "{again:?}");
        }
    }
    sets
}

fn run_cases<S: Strategy>(
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        ..ProptestConfig::default()
    });
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{failure}");
    }
}

/// Token lengths at every boundary k (chunk k-1 exactly full) and a few characters either
/// side: the count is the fewest the two browser limits allow, an exact fill never spills
/// an empty chunk, and every line respects both limits.
fn sizes_on_and_around_every_chunk_boundary(f: &Fixture) {
    // Each Flask case searches its padding by writing (Flask compresses whatever it can),
    // so fewer of them keep the test's time in line with the others.
    let cases = if f.always_compresses() { 32 } else { 96 };
    let strategy = (shape(), session_map(), 1usize..=15, -3i64..=3);
    run_cases(cases, strategy, |(shape, mut map, k, delta)| {
        let config = shape.config(Compression::Off);
        let engine = f.engine(config.clone());
        let config = engine.config().clone();
        // Room on both sides of the boundary: within the layout's most chunks, and within
        // a partition's 10 KiB only boundaries 1 and 2.
        let k = if shape.none_partitioned {
            1 + k % 2
        } else {
            1 + (k - 1) % (f.chunk_limit(&config) - 1)
        };
        let attributes = attributes_len(&engine);
        let edge = boundary(f, config.name(), k, attributes);
        let target = usize::try_from(i64::try_from(edge).unwrap_or(0) + delta).unwrap_or(0);
        let token_len = pad_to(f, &engine, &mut map, target);
        let sets = round_trip(f, &config, &map);
        prop_assert_eq!(token_of(f, &sets).len(), token_len);
        prop_assert_eq!(
            sets.len(),
            chunks_for(f, config.name(), token_len, attributes)
        );
        if token_len == edge {
            prop_assert_eq!(sets.len(), k);
        }
        for (index, set) in sets.iter().enumerate() {
            let full = set.value().len()
                == capacity(f, config.name(), index, attributes)
                    + if index == 0 { 0 } else { f.prefix_len() };
            // Greedy fill: every chunk but the last is as large as the limits allow.
            prop_assert!(full || index + 1 == sets.len());
        }
        Ok(())
    });
}

/// Compressed round trips of random sessions with a compressible tail of random length,
/// from one chunk to many (compression on, the explicit opt-in the private format needs).
fn compressed_round_trips(f: &Fixture) {
    let strategy = (shape(), session_map(), 0usize..60_000, any::<u64>());
    run_cases(96, strategy, |(shape, mut map, tail, seed)| {
        let config = shape.config(Compression::On);
        let tail = if shape.none_partitioned {
            tail / 8
        } else {
            tail
        };
        let mut state = test_support::Xorshift::new(seed);
        let words = ["alpha", "beta", "gamma", "δέλτα", "ε", "\u{1F600}"];
        let mut text = String::new();
        while text.len() < tail {
            text.push_str(words[state.index(words.len())]);
            text.push(' ');
        }
        map.insert("tail".to_owned(), Value::String(text));
        let sets = round_trip(f, &config, &map);
        prop_assert!(!sets.is_empty());
        if tail > 20_000 {
            prop_assert!(f.is_compressed(&token_of(f, &sets)));
        }
        Ok(())
    });
}

/// Exact multiples, deterministically: for chunk counts from 1 to 12 (fewer where the
/// layout allows fewer) and four path lengths (each shifts every boundary), the token is
/// made exactly as long as the boundary, one shorter and one longer. At the boundary every
/// line is exactly 4093 bytes and the count is k; one character more opens chunk k+1.
fn exact_multiples_of_the_chunk_size(f: &Fixture) {
    let top = 12.min(f.naming.max_chunks - 1);
    let mut exact = vec![false; top + 1];
    for path in ["/", "/a", "/ab", "/abc"] {
        let config = roomy()
            .path(path)
            .compression(Compression::Off)
            .build()
            .expect("valid");
        let engine = f.engine(config.clone());
        let config = engine.config().clone();
        let attributes = attributes_len(&engine);
        for (k, hit) in exact.iter_mut().enumerate().skip(1) {
            let edge = boundary(f, config.name(), k, attributes);
            for target in [edge - 1, edge, edge + 1] {
                let mut map = Map::new();
                map.insert("user".to_owned(), Value::from("ada"));
                let token_len = pad_to(f, &engine, &mut map, target);
                if token_len != target {
                    // Some lengths no token has (unpadded base64 is never 4n+1 characters
                    // long; compressed lengths skip some): the neighbours are tried.
                    assert!(f.always_compresses() || target % 4 == 1, "{target}");
                    continue;
                }
                let sets = round_trip(f, &config, &map);
                if target <= edge {
                    assert_eq!(sets.len(), k, "path {path}, k {k}, target {target}");
                } else {
                    assert_eq!(sets.len(), k + 1, "path {path}, k {k}, target {target}");
                    assert_eq!(sets[k].value().len(), f.prefix_len() + 1);
                }
                if target == edge {
                    *hit = true;
                    for set in &sets {
                        assert_eq!(set.line().len(), SET_COOKIE_LINE_LIMIT);
                    }
                }
            }
        }
    }
    assert!(
        exact[1..].iter().all(|&hit| hit),
        "boundaries never hit exactly: {exact:?}"
    );
}

/// The extreme shapes, spelled out: a 200-byte Domain, a 1000-byte Path, a 200-byte name,
/// a `__Host-` name, at the largest budget, and a Partitioned session in its 10 KiB.
fn long_attributes_and_names(f: &Fixture) {
    let big = |builder: SessionConfigBuilder| {
        builder
            .max_chunks(16)
            .max_size(16 * (BROWSER_NAME_VALUE_LIMIT + 2))
            .compression(Compression::Off)
            .build()
            .expect("valid")
    };
    let configs = [
        big(SessionConfig::builder().domain(long_domain(200))),
        big(SessionConfig::builder().path(long_path(1000))),
        big(SessionConfig::builder()
            .name("x".repeat(200))
            .domain(long_domain(200))
            .path(long_path(1000))),
        big(SessionConfig::builder().name("__Host-session")),
    ];
    let partitioned = SessionConfig::builder()
        .name("__Host-session")
        .partitioned(true)
        .max_size(10 * 1024)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let cases = configs
        .into_iter()
        .map(|config| (config, [10, 4_000, 20_000, 30_000]))
        .chain([(partitioned, [10, 2_000, 4_000, 7_000])]);
    for (config, sizes) in cases {
        for size in sizes {
            let mut map = Map::new();
            // Random text, so that every format carries its size on the wire.
            map.insert("data".to_owned(), Value::String(noise(size * 3 / 4, 3)));
            map.insert("ключ".to_owned(), json!({"nested": [1, {"deep": "ü"}]}));
            let sets = round_trip(f, &config, &map);
            assert!(sets.len() <= f.chunk_limit(&config));
            if size >= 20_000 {
                assert!(sets.len() >= 4, "{} chunks for {size}", sets.len());
            }
        }
    }
}

/// The ceiling of the layout (64 chunks natively, Flask's recipe 10): a session filling
/// all of them round-trips, one more character is an overflow naming the counts, and
/// shrinking it to one cookie deletes all the others (the top index and a full count are
/// the edges of the engine's bookkeeping).
fn the_most_chunks_and_back(f: &Fixture) {
    let most = f.naming.max_chunks;
    let config = SessionConfig::builder()
        .max_chunks(64)
        .max_size(64 * (BROWSER_NAME_VALUE_LIMIT + 2))
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let attributes = attributes_len(&engine);
    let edge = boundary(f, config.name(), most, attributes);
    let mut map = Map::new();
    map.insert("user".to_owned(), Value::from("ada"));
    pad_to(f, &engine, &mut map, edge - 2);
    let sets = round_trip(f, &config, &map);
    assert_eq!(sets.len(), most);
    assert_eq!(sets[most - 1].name(), f.chunk_name(f.base(), most - 1));
    let mut over = map.clone();
    if f.always_compresses() {
        // A token past the layout cannot be measured by writing it: random text longer
        // than the whole layout can hold, even compressed, is certainly past it.
        over.insert(PAD.to_owned(), Value::String(noise(2 * edge, 5)));
    } else {
        pad_to(f, &engine, &mut over, edge + 2);
    }
    match engine.save_at(&session_with(&engine, &over), NOW) {
        Err(SaveError::Overflow {
            chunks, max_chunks, ..
        }) => {
            if f.always_compresses() {
                assert!(chunks > most, "{chunks}");
            } else {
                assert_eq!(chunks, most + 1);
            }
            assert_eq!(max_chunks, most);
        }
        other => panic!("expected an overflow, got {other:?}"),
    }

    let mut jar = Jar::new();
    let full = engine
        .save_at(&session_with(&engine, &map), NOW)
        .expect("fits");
    respond(f, &config, &mut jar, &full);
    let session = load_jar(&engine, &jar, NOW + 1);
    session.clear();
    session.insert("user", "grace").expect("insert");
    let shrunk = engine.save_at(&session, NOW + 1).expect("fits");
    assert_eq!(shrunk.cookies.len(), most);
    let removed: Vec<usize> = shrunk
        .cookies
        .iter()
        .filter(|cookie| cookie.is_removal())
        .map(SetCookie::index)
        .collect();
    assert_eq!(removed, (1..most).collect::<Vec<_>>());
    respond(f, &config, &mut jar, &shrunk);
    assert_eq!(jar.names(), [f.chunk_name(f.base(), 0)]);
    assert_eq!(
        load_jar(&engine, &jar, NOW + 2).get_value("user"),
        Some(Value::from("grace"))
    );
}

/// Every size up to a 40 KiB budget with the default configuration otherwise: the largest
/// session that fits fills the budget (or the layout's chunks), one character more is a
/// typed overflow and never a truncated cookie, both sides of every step of the cookie
/// count round-trip, and a sweep over the whole range never sees the count shrink.
fn every_size_up_to_a_40_kib_budget(f: &Fixture) {
    const BUDGET: usize = 40 * 1024;
    // The subject is where the chunk count steps, so the native formats write the text as
    // it is: with compression on they deflate random text once it no longer fits one
    // cookie, and the count drops there (`random_tokens_are_compressed_only_past_one_cookie`).
    // Flask compresses whenever zlib saves two bytes, which keeps the count growing.
    let config = SessionConfig::builder()
        .max_size(BUDGET)
        .compression(Compression::Off)
        .build()
        .expect("valid");
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    // Random text of `len` characters (a prefix of the same text for every length, so the
    // size on the wire grows with it under compression too).
    let entries = |len: usize| {
        let mut map = Map::new();
        map.insert("t".to_owned(), Value::String(noise(len, 7)));
        map
    };
    let count_for = |len: usize| {
        engine
            .save_at(&session_with(&engine, &entries(len)), NOW)
            .ok()
            .map(|outcome| outcome.cookies.len())
    };
    let round_trip = |len: usize| {
        let map = entries(len);
        let outcome = engine
            .save_at(&session_with(&engine, &map), NOW)
            .unwrap_or_else(|err| panic!("{}, payload of {len}: {err}", f.name));
        let mut jar = Jar::new();
        let sets = respond(f, &config, &mut jar, &outcome);
        let session = load_jar(&engine, &jar, NOW + 1);
        assert_eq!(session.load_reason(), LoadReason::Valid, "payload of {len}");
        assert_eq!(session.entries(), map);
        (sets.len(), outcome.cookie_line.expect("a write"))
    };

    // The largest payload that fits, found by bisection; one more character must overflow
    // with a typed error rather than be truncated.
    let (mut fits, mut over) = (0usize, 2 * BUDGET);
    assert_eq!(count_for(over), None);
    while over - fits > 1 {
        let middle = fits.midpoint(over);
        if count_for(middle).is_some() {
            fits = middle;
        } else {
            over = middle;
        }
    }
    let overflow = engine
        .save_at(&session_with(&engine, &entries(over)), NOW)
        .expect_err("one more character does not fit");
    assert!(matches!(overflow, SaveError::Overflow { .. }), "{overflow}");
    let (max_count, fullest) = round_trip(fits);
    assert!(
        fullest > BUDGET - 1024,
        "a 40 KiB budget holds only {fullest} bytes of Cookie line in {max_count} cookies"
    );
    assert!(
        max_count >= 10,
        "{max_count} cookies at the top of the budget"
    );

    // Every place the cookie count steps up, found by bisection: both sides of each step.
    for count in 2..=max_count {
        let (mut below, mut at) = (0usize, fits);
        while at - below > 1 {
            let middle = below.midpoint(at);
            if count_for(middle).expect("below the largest that fits") >= count {
                at = middle;
            } else {
                below = middle;
            }
        }
        assert_eq!(round_trip(below).0, count - 1);
        assert_eq!(round_trip(at).0, count);
    }

    // And a sweep over the whole range, with a stride prime to the chunk sizes.
    let mut last = 0;
    for len in (0..=fits).step_by(211).chain([fits]) {
        let (count, _) = round_trip(len);
        assert!(
            count >= last,
            "the count never shrinks as the payload grows"
        );
        last = count;
    }
    assert_eq!(last, max_count);
    assert!(round_trip(30_000).0 >= 8);
}

/// Nested objects, lists, escapes, non-ASCII text and empty containers come back as
/// they went.
fn structured_values_round_trip(f: &Fixture) {
    let engine = f.engine(SessionConfig::default());
    let value = json!({
        "user": { "id": 42, "roles": ["admin", "ops"], "name": "Zoë \"quoted\" \u{1F600}" },
        "flags": [true, false, null],
        "ratio": 0.125,
        "empty": {},
        "none": [],
    });
    let map = value.as_object().expect("an object").clone();
    let jar = write(f, &engine, &map);
    let session = load_jar(&engine, &jar, NOW + 5);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(Value::Object(session.entries()), value);
}
