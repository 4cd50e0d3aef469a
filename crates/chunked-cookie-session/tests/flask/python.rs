//! Sessions handed over as Python values (`flask::PyValue`), as the Python package moves
//! them: through a Flask engine and a native one, every type intact, the same limits as
//! the tagged JSON the rest of the crate holds.

use chunked_cookie_session::flask::{
    BigInt, Bytes, DateTime, Dict, EntryError, Float, Markup, PyValue, Tuple, UtcTime, Uuid,
    python_to_json,
};
use chunked_cookie_session::{
    Key, KeyRing, LoadReason, MAX_NESTING, SaveError, SessionConfig, SessionEngine,
};
use serde_json::{Value, json};

use super::TS;

fn every_type() -> Vec<(String, PyValue)> {
    let big = BigInt::parse("-1267650600228229401496703205376").expect("digits");
    let at = UtcTime {
        year: 2024,
        month: 1,
        day: 2,
        hour: 3,
        minute: 4,
        second: 5,
    };
    vec![
        ("none".into(), PyValue::None),
        ("flag".into(), PyValue::Bool(true)),
        ("int".into(), PyValue::Int(-7)),
        ("big".into(), PyValue::BigInt(big)),
        ("nan".into(), PyValue::Float(f64::NAN)),
        ("float".into(), PyValue::Float(1e-5)),
        ("text".into(), PyValue::Str("h\u{e9}llo \u{1f600}".into())),
        (
            "pair".into(),
            PyValue::Tuple(vec![PyValue::Int(1), PyValue::Str("two".into())]),
        ),
        ("raw".into(), PyValue::Bytes(vec![0, 1, 0xfe])),
        ("html".into(), PyValue::Markup("<b>hi</b>".into())),
        ("id".into(), PyValue::Uuid(0x1234_5678_u128.to_be_bytes())),
        (
            "when".into(),
            PyValue::DateTime(at.to_unix().expect("a date")),
        ),
        (
            "odd".into(),
            PyValue::DateText("Sat, 21 Jul 0091 13:51:22 GMT".into()),
        ),
        (
            "lone".into(),
            PyValue::Dict(vec![(" t".into(), PyValue::Str("not a tuple".into()))]),
        ),
        (
            "list".into(),
            PyValue::List(vec![PyValue::Dict(vec![]), PyValue::Tuple(vec![])]),
        ),
    ]
}

/// NaN is not equal to itself: compare through the JSON.
fn same(a: &[(String, PyValue)], b: &[(String, PyValue)]) {
    assert_eq!(python_to_json(a), python_to_json(b));
    assert_eq!(a.len(), b.len());
}

#[test]
fn python_values_round_trip_in_the_native_format_and_read_as_flask_types() {
    let engine = SessionEngine::signed(
        SessionConfig::builder().build().expect("valid"),
        KeyRing::new(Key::generate()),
    );
    let session = engine.load_at(std::iter::empty(), TS);
    session.set_python_entries(every_type());
    assert!(session.is_modified());
    let outcome = engine.save_at(&session, TS).expect("fits");
    let back = engine.load_at([outcome.cookie_header().as_str()], TS + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    same(&back.python_entries().expect("valid"), &every_type());

    // In the cookie they are Flask's tagged JSON, which the Rust types read.
    assert_eq!(back.get_value("pair"), Some(json!({" t": [1, "two"]})));
    assert_eq!(
        back.get::<Tuple<(i32, String)>>("pair").expect("tuple"),
        Some(Tuple((1, "two".to_owned())))
    );
    assert_eq!(
        back.get::<Bytes>("raw").expect("bytes"),
        Some(Bytes(vec![0, 1, 0xfe]))
    );
    assert_eq!(
        back.get::<Markup>("html").expect("markup"),
        Some(Markup("<b>hi</b>".into()))
    );
    assert_eq!(
        back.get::<Uuid>("id").expect("uuid"),
        Some(Uuid(uuid::Uuid::from_u128(0x1234_5678)))
    );
    let when: DateTime = back.get("when").expect("date").expect("present");
    assert_eq!(when.0.unix_timestamp(), 1_704_164_645);
    let big: BigInt = back.get("big").expect("int").expect("present");
    assert_eq!(i128::try_from(&big), Ok(-(1 << 100)));
    assert!(
        back.get::<Float>("nan")
            .expect("nan")
            .is_some_and(|f| f.0.is_nan())
    );
    assert_eq!(
        back.get::<Dict<std::collections::BTreeMap<String, String>>>("lone")
            .expect("dict")
            .map(|d| d.0.len()),
        Some(1)
    );

    // Written by Rust, read as Python values.
    let rust = engine.load_at(std::iter::empty(), TS);
    rust.insert("pair", Tuple((1, "two"))).expect("insert");
    rust.insert("n", BigInt::from(1_i128 << 80))
        .expect("insert");
    let cookies = engine.save_at(&rust, TS).expect("fits").cookie_header();
    let read = engine.load_at([cookies.as_str()], TS);
    let python = read.python_entries().expect("valid");
    assert_eq!(
        python,
        [
            ("n".to_owned(), PyValue::BigInt(BigInt::from(1_i128 << 80))),
            (
                "pair".to_owned(),
                PyValue::Tuple(vec![PyValue::Int(1), PyValue::Str("two".into())])
            ),
        ]
    );
}

#[test]
fn an_entry_python_cannot_read_is_named() {
    let engine = SessionEngine::signed(
        SessionConfig::builder().build().expect("valid"),
        KeyRing::new(Key::generate()),
    );
    let session = engine.load(std::iter::empty());
    // Plain JSON is never a tag: this is a dict.
    session.insert_value("plain", json!({" t": 5}));
    let plain = PyValue::Dict(vec![(" t".into(), PyValue::Int(5))]);
    assert_eq!(session.python_entries().expect("a dict")[0].1, plain);
    // A typed value around what Flask cannot read is named.
    session.insert("bad", Tuple(5)).expect("serializes");
    let err = session.python_entries().expect_err("not a tuple");
    assert_eq!(err.key, "bad");
    assert_eq!(err.error, EntryError::Tag(" t"));
}

/// A list nested `depth` times around a value, as Python values and as tagged JSON.
fn nested(depth: usize, tuple: bool) -> (PyValue, Value) {
    let mut python = PyValue::Int(1);
    let mut tagged = json!(1);
    for _ in 0..depth {
        if tuple {
            python = PyValue::Tuple(vec![python]);
            tagged = json!({" t": [tagged]});
        } else {
            python = PyValue::List(vec![python]);
            tagged = json!([tagged]);
        }
    }
    (python, tagged)
}

#[test]
fn python_values_meet_the_nesting_limit_where_tagged_json_does() {
    let engine = super::engine(chunked_cookie_session::flask::FlaskLayout::Chunked);
    for tuple in [false, true] {
        for depth in MAX_NESTING / 2 - 3..MAX_NESTING + 2 {
            let (python, tagged) = nested(depth, tuple);
            let by_python = engine.load_at(std::iter::empty(), TS);
            by_python.set_python_entries(vec![("deep".into(), python.clone())]);
            let by_tags = engine.load_at(std::iter::empty(), TS);
            // The same value as a typed value of the Rust API: stored as its tagged JSON.
            by_tags.insert("deep", python).expect("serializes");
            assert_eq!(by_tags.get_value("deep"), Some(tagged));
            let (a, b) = (engine.save_at(&by_python, TS), engine.save_at(&by_tags, TS));
            match (&a, &b) {
                (Ok(a), Ok(b)) => assert_eq!(a.cookie_header(), b.cookie_header()),
                (
                    Err(SaveError::TooDeep { entry: x, .. }),
                    Err(SaveError::TooDeep { entry: y, .. }),
                ) => {
                    assert_eq!((x.as_str(), y.as_str()), ("deep", "deep"));
                }
                _ => panic!("depth {depth}, tuple {tuple}: {a:?} against {b:?}"),
            }
            if let Ok(outcome) = a {
                let back = engine.load_at([outcome.cookie_header().as_str()], TS);
                assert_eq!(back.load_reason(), LoadReason::Valid, "depth {depth}");
            }
        }
    }
}

#[test]
fn datetimes_map_to_the_calendar() {
    for seconds in [-62_135_596_800, -1, 0, 1_704_164_645, 253_402_300_799] {
        let at = UtcTime::from_unix(seconds).expect("in range");
        assert_eq!(at.to_unix(), Some(seconds));
    }
    assert_eq!(UtcTime::from_unix(-62_135_596_801), None);
    assert_eq!(UtcTime::from_unix(253_402_300_800), None);
    let leap = UtcTime {
        year: 2023,
        month: 2,
        day: 29,
        hour: 0,
        minute: 0,
        second: 0,
    };
    assert_eq!(leap.to_unix(), None);
}
