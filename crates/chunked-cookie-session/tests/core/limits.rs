//! What the engine writes, it reads back: every limit the reader enforces (the inflate cap
//! `max_decoded_size`, the nesting depth, and in Flask's format valid tagged JSON) is
//! enforced when writing, with a typed [`SaveError`] naming the limit, and nothing is
//! written. A property test holds the rule over random sessions.
//!
//! Before issue 9, 2 MiB of `"a"` compressed into one small cookie that the next request
//! refused as `too-large`, and a value nested 127 levels deep was written and then read
//! back as `malformed`: the user's whole session was lost on the next request.

use chunked_cookie_session::{
    Compression, LoadReason, MAX_NESTING, ResponseInfo, SaveError, SessionConfig, SessionEngine,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{Map, Number, Value, json};

use super::fixture::Fixture;
use super::support::*;

every_format!(
    a_session_a_reader_would_not_inflate_is_refused_at_write,
    the_inflate_cap_is_the_same_on_both_sides,
    nesting_to_the_limit_reads_back_and_deeper_is_refused,
    whatever_save_accepts_load_reads_back,
);

/// Compression on wherever the format lets a configuration choose (private included:
/// the case that compressed into a small cookie), with room for 16 full cookies.
fn compressing() -> SessionConfig {
    roomy().compression(Compression::On).build().expect("valid")
}

/// `levels` containers around a scalar, alternating arrays and one-key objects (so no
/// object looks like a Flask tag).
fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("leaf"), |inner, level| {
        if level % 2 == 0 {
            json!([inner])
        } else {
            json!({ "k": inner })
        }
    })
}

/// A session written at `NOW` and read back at `NOW + 1`: its load reason and entries.
fn written_and_read(
    engine: &SessionEngine,
    map: &Map<String, Value>,
) -> (LoadReason, Map<String, Value>) {
    let outcome = engine
        .save_at(&session_with(engine, map), NOW)
        .expect("the session is written");
    let back = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
    (back.load_reason(), back.entries())
}

/// Checks that a change refused with `refused` leaves the client's previous cookies as
/// they were, by every road a handler has: `save`, `finish`, `check` and `try_insert_value`.
fn refused_everywhere(
    f: &Fixture,
    engine: &SessionEngine,
    key: &str,
    value: &Value,
    refused: impl Fn(&SaveError) -> bool,
) {
    let previous = json!({"user": "ada"});
    let jar = write(f, engine, previous.as_object().expect("an object"));

    // The change, made blindly: `save` refuses it, `finish` writes nothing and answers
    // with the error, `check` foresaw it.
    let session = load_jar(engine, &jar, NOW);
    session.insert_value(key, value.clone());
    let err = session.check().expect_err("check foresees the refusal");
    assert!(refused(&err), "{}: check said {err:?}", f.name);
    let err = engine.save_at(&session, NOW).expect_err("save refuses");
    assert!(refused(&err), "{}: save said {err:?}", f.name);
    let finished = engine.finish_at(&session, ResponseInfo::new(200), NOW);
    assert!(finished.cookies.is_empty(), "{}: {finished:?}", f.name);
    assert!(finished.error_response().is_some_and(&refused));
    let next = load_jar(engine, &jar, NOW + 1);
    assert_eq!(next.load_reason(), LoadReason::Valid);
    assert_eq!(Value::Object(next.entries()), previous);

    // The change, offered with `try_insert_value`: refused, and the session left as it
    // was, so the response writes nothing.
    let session = load_jar(engine, &jar, NOW);
    let err = session
        .try_insert_value(key, value.clone())
        .expect_err("refused");
    assert!(refused(&err), "{}: try_insert_value said {err:?}", f.name);
    assert!(!session.is_modified());
    assert_eq!(Value::Object(session.entries()), previous);
    let outcome = engine.save_at(&session, NOW).expect("nothing to write");
    assert!(outcome.cookies.is_empty(), "{}: {outcome:?}", f.name);
}

/// 2 MiB of one letter compresses to a few kilobytes, but the reader refuses to inflate
/// more than `max_decoded_size` (1 MiB by default): the writer refuses it first, naming
/// both sizes.
fn a_session_a_reader_would_not_inflate_is_refused_at_write(f: &Fixture) {
    let engine = f.engine(compressing());
    let letters = json!("a".repeat(2 * 1024 * 1024));
    let mut map = Map::new();
    map.insert("blob".to_owned(), letters.clone());
    let json_len = f.json_len(&map);
    let too_large = |err: &SaveError| {
        matches!(err, SaveError::TooLarge { bytes, limit }
            if *bytes == json_len && *limit == 1024 * 1024)
    };
    match engine.save_at(&session_with(&engine, &map), NOW) {
        Err(err) if too_large(&err) => {
            let message = err.to_string();
            assert!(
                message.contains(&json_len.to_string()) && message.contains("1048576"),
                "{message}"
            );
        }
        other => panic!("{}: expected TooLarge, got {other:?}", f.name),
    }
    // Beside the previous session's entries, the JSON is a little longer.
    refused_everywhere(
        f,
        &engine,
        "blob",
        &letters,
        |err| matches!(err, SaveError::TooLarge { bytes, limit: 1_048_576 } if *bytes > json_len),
    );
}

/// A session whose JSON is exactly `max_decoded_size` bytes is written and reads back; one
/// byte more is refused when written.
fn the_inflate_cap_is_the_same_on_both_sides(f: &Fixture) {
    const CAP: usize = 128 * 1024;
    let engine = f.engine(
        roomy()
            .compression(Compression::On)
            .max_decoded_size(CAP)
            .build()
            .expect("valid"),
    );
    let with_letters = |n: usize| {
        let mut map = Map::new();
        map.insert("a".to_owned(), json!("a".repeat(n)));
        map
    };
    let overhead = f.json_len(&with_letters(0));
    for json_len in [CAP - 1, CAP] {
        let map = with_letters(json_len - overhead);
        assert_eq!(f.json_len(&map), json_len);
        let (reason, entries) = written_and_read(&engine, &map);
        assert_eq!(
            reason,
            LoadReason::Valid,
            "{}: {json_len} bytes of JSON",
            f.name
        );
        assert_eq!(entries, map);
    }
    let map = with_letters(CAP + 1 - overhead);
    assert!(
        matches!(
            engine.save_at(&session_with(&engine, &map), NOW),
            Err(SaveError::TooLarge { bytes, limit: CAP }) if bytes == CAP + 1
        ),
        "{}",
        f.name
    );
}

/// The session object is the first of [`MAX_NESTING`] levels: an entry nested to the
/// limit reads back; one level deeper (or a thousand) is refused naming the entry.
fn nesting_to_the_limit_reads_back_and_deeper_is_refused(f: &Fixture) {
    let engine = f.engine(compressing());
    let deepest = MAX_NESTING - 1;
    let mut map = Map::new();
    map.insert("user".to_owned(), json!("ada"));
    map.insert("deep".to_owned(), nested(deepest));
    let (reason, entries) = written_and_read(&engine, &map);
    assert_eq!(reason, LoadReason::Valid, "{}", f.name);
    assert_eq!(entries, map);

    for levels in [deepest + 1, deepest + 2, 1000] {
        let too_deep = |err: &SaveError| {
            matches!(err, SaveError::TooDeep { entry, limit }
                if entry == "deep" && *limit == MAX_NESTING)
        };
        let mut map = map.clone();
        map.insert("deep".to_owned(), nested(levels));
        match engine.save_at(&session_with(&engine, &map), NOW) {
            Err(err) if too_deep(&err) => {
                let message = err.to_string();
                assert!(
                    message.contains("\"deep\"") && message.contains(&MAX_NESTING.to_string()),
                    "{message}"
                );
            }
            other => panic!(
                "{}: {levels} levels: expected TooDeep, got {other:?}",
                f.name
            ),
        }
        refused_everywhere(f, &engine, "deep", &nested(levels), too_deep);
    }
}

/// Keys a session may meet: empty, control characters, quotes, non-ASCII, very long, and
/// every key Flask's tagged JSON gives a meaning to.
const ODD_KEYS: &[&str] = &[
    "",
    "k",
    "\u{0}",
    "\"\\/",
    "\u{e9}t\u{e9}",
    "\u{1f600}",
    "\u{2028}",
    " t",
    " di",
    " b",
    " m",
    " u",
    " d",
    " t__",
    " di__",
    " x",
    "_permanent",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(ODD_KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
        1 => Just("w".repeat(300)),
    ]
}

/// Floating-point values at the edges: zeros, the extremes, subnormals, the values next
/// to 1, and values whose shortest spelling is long or exponential.
const EDGE_FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.5,
    0.1,
    1.0 + f64::EPSILON,
    1.0 - f64::EPSILON / 2.0,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    5e-324,
    // The largest subnormal.
    f64::from_bits(0x000f_ffff_ffff_ffff),
    1e16,
    1e22,
    1e-7,
    123_456_789.125,
    9_007_199_254_740_992.0,
    1.0 / 3.0,
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(&[u64::MAX, u64::MAX - 1, 1 << 53, (1 << 53) + 1][..])
            .prop_map(Value::from),
        prop::sample::select(&[i64::MIN, i64::MIN + 1, -(1 << 53) - 1][..]).prop_map(Value::from),
        prop::sample::select(EDGE_FLOATS).prop_map(Value::from),
        // Any finite double, by its bits.
        any::<u64>().prop_filter_map("a finite double", |bits| {
            Number::from_f64(f64::from_bits(bits)).map(Value::Number)
        }),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        any::<String>().prop_map(Value::String),
        prop::sample::select(ODD_KEYS).prop_map(|s| Value::String(s.to_owned())),
    ]
}

/// The values Flask's types take in the session map (valid tagged JSON, the markers of
/// big ints and non-finite floats), made with the library's own types.
#[cfg(feature = "flask")]
fn flask_leaf() -> impl Strategy<Value = Value> {
    use chunked_cookie_session::flask::{BigInt, Bytes, Float, Markup, Tuple, Uuid};
    let to = |value: Result<Value, serde_json::Error>| value.expect("serializable");
    prop_oneof![
        prop::sample::select(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY][..])
            .prop_map(move |f| to(serde_json::to_value(Float(f)))),
        any::<i128>().prop_map(move |n| to(serde_json::to_value(BigInt::from(n)))),
        any::<u128>().prop_map(move |n| to(serde_json::to_value(BigInt::from(n)))),
        prop::collection::vec(any::<u8>(), 0..12)
            .prop_map(move |raw| to(serde_json::to_value(Bytes(raw)))),
        ".{0,8}".prop_map(move |text| to(serde_json::to_value(Markup(text)))),
        any::<u128>().prop_map(move |n| to(serde_json::to_value(Uuid(uuid::Uuid::from_u128(n))))),
        (any::<i32>(), ".{0,4}").prop_map(move |t| to(serde_json::to_value(Tuple(t)))),
    ]
}

/// A one-key object whose key is a Flask tag, with a payload that may or may not be what
/// the tag needs: Flask reads some, refuses the others, and so must the writer.
fn tag_like(inner: impl Strategy<Value = Value> + Clone) -> impl Strategy<Value = Value> {
    let payload = prop_oneof![
        inner,
        Just(json!("12345678123456781234567812345678")),
        Just(json!("{12345678-1234-5678-1234-567812345678}")),
        Just(json!("not-a-uuid")),
        Just(json!("Tue, 02 Jan 2024 03:04:05 GMT")),
        Just(json!("AAH+/w==")),
        Just(json!("QQ")),
        Just(json!({" t__": 1})),
        Just(json!({})),
        Just(json!([])),
    ];
    (
        prop::sample::select(&[" t", " di", " b", " m", " u", " d"][..]),
        payload,
    )
        .prop_map(|(tag, payload)| json!({ tag: payload }))
}

fn value(flask: bool) -> BoxedStrategy<Value> {
    let leaf = if flask {
        #[cfg(feature = "flask")]
        let leaf = prop_oneof![3 => leaf(), 1 => flask_leaf()].boxed();
        #[cfg(not(feature = "flask"))]
        let leaf = leaf().boxed();
        leaf
    } else {
        leaf().boxed()
    };
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner.clone(), 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            tag_like(inner),
        ]
    })
    .boxed()
}

/// A chain of containers a little under, at, or over the nesting limit, around a value.
fn deep(flask: bool) -> impl Strategy<Value = Value> {
    (
        prop_oneof![1usize..8, (MAX_NESTING - 4)..(MAX_NESTING + 4)],
        value(flask),
        key(),
        any::<u64>(),
    )
        .prop_map(|(levels, inner, key, shapes)| {
            (0..levels).fold(inner, |inner, level| {
                if shapes >> (level % 64) & 1 == 0 {
                    json!([inner])
                } else {
                    json!({ key.as_str(): inner })
                }
            })
        })
}

fn session_map(flask: bool) -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::collection::btree_map(key(), value(flask), 1..6),
        prop::option::of((key(), deep(flask))),
    )
        .prop_map(|(map, deep)| {
            let mut map: Map<String, Value> = map.into_iter().collect();
            if let Some((key, value)) = deep {
                map.insert(key, value);
            }
            map
        })
}

/// Whatever `save` accepts, `load` reads back identically, and a second write of what was
/// read is a fixed point; whatever a reader would refuse, `save` refuses with a typed error
/// naming an entry.
///
/// "Identically" is the format's reader applied to the format's writer, computed apart
/// from the engine ([`Fixture::reread`]): for the native formats, serde_json parsing what
/// serde_json serialized, which is the map itself whenever it reads; for Flask, the
/// library's own canonicalization, `from_json(to_json(map))`: the form Flask itself writes
/// for the Python value the entries stand for. For Flask the fixed point is byte for byte
/// (its tokens have no random part): saving, loading, then saving again writes the same
/// cookies.
fn whatever_save_accepts_load_reads_back(f: &Fixture) {
    let config = compressing();
    let engine = f.engine(config.clone());
    let config = engine.config().clone();
    let flask = !f.is_native();
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&session_map(flask), |map| {
        let reread = f.reread(&map);
        let session = session_with(&engine, &map);
        let first = match engine.save_at(&session, NOW) {
            Ok(outcome) => outcome,
            Err(SaveError::TooDeep { entry, .. } | SaveError::InvalidFlaskEntry { entry, .. }) => {
                prop_assert!(map.contains_key(&entry), "{entry:?} is not an entry");
                prop_assert!(
                    reread.is_none(),
                    "refused {entry:?}, which reads back as {reread:?}"
                );
                // The entry named is itself one a reader refuses.
                let mut alone = Map::new();
                alone.insert(entry.clone(), map[&entry].clone());
                prop_assert!(f.reread(&alone).is_none(), "{entry:?} alone reads back");
                return Ok(());
            }
            Err(SaveError::Overflow { .. }) => return Ok(()),
            Err(other) => return Err(TestCaseError::fail(format!("{other:?}"))),
        };
        let expected = reread.ok_or_else(|| {
            TestCaseError::fail("written, yet a reader refuses its JSON".to_owned())
        })?;
        check_outcome(f, &config, &first);
        let back = engine.load_at([first.cookie_header().as_str()], NOW + 1);
        prop_assert_eq!(back.load_reason(), LoadReason::Valid);
        prop_assert_eq!(&back.entries(), &expected);

        // Written again from what was read: the same session, and for Flask the same bytes.
        let second = engine
            .save_at(&session_with(&engine, &back.entries()), NOW)
            .map_err(|err| TestCaseError::fail(format!("the second write failed: {err}")))?;
        if flask {
            prop_assert_eq!(second.cookie_header(), first.cookie_header());
        }
        let again = engine.load_at([second.cookie_header().as_str()], NOW + 1);
        prop_assert_eq!(again.load_reason(), LoadReason::Valid);
        prop_assert_eq!(&again.entries(), &expected);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{}: {failure}", f.name);
    }
}
