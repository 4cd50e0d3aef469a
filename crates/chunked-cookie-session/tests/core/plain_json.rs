//! Plain JSON stays plain JSON (issue 17, item 2): whatever JSON the Rust API stores, it
//! reads back the same, in every format, and a binding to Python reads the very same
//! values, dicts and lists, never a Flask tag: `{" m": "<script>…"}` is a dict, not
//! `Markup`. Every format stores such an object escaped (docs/FORMAT.md section 5), which
//! adds a level of nesting and a few bytes: the limits count them, so what is written reads
//! back. The typed values of `flask` still store Python's types.

use chunked_cookie_session::{
    Compression, LoadReason, MAX_NESTING, SaveError, SessionConfig, SessionEngine,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};

use crate::fixture::Fixture;
use crate::support::NOW;

/// Keys Flask's tags give a meaning to, their escaped spellings, and a few plain ones.
const KEYS: &[&str] = &[
    " t", " di", " b", " m", " u", " d", " t__", " di__", " m__", " x", "a", "",
];

/// Text a tag would read as something: a UUID, an HTTP date, base64, a number's marker.
const TEXTS: &[&str] = &[
    "<script>alert(1)</script>",
    "12345678123456781234567812345678",
    "Tue, 02 Jan 2024 03:04:05 GMT",
    "AAH+/w==",
    "NaN",
    "-Infinity",
    "123456789012345678901234567890",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        prop::sample::select(TEXTS).prop_map(Value::from),
    ]
}

/// JSON heavy in objects of one tag-like key, at every depth.
fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            3 => (prop::sample::select(KEYS), inner.clone())
                .prop_map(|(key, value)| json!({ key: value })),
            1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            1 => prop::collection::btree_map(prop::sample::select(KEYS), inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

fn roomy() -> SessionConfig {
    SessionConfig::builder()
        .max_size(40 * 1024)
        .compression(Compression::On)
        .build()
        .expect("valid")
}

/// The Python value a JSON value is, read as plain JSON: a dict for every object.
#[cfg(feature = "flask")]
fn python_of(value: &Value) -> chunked_cookie_session::flask::PyValue {
    use chunked_cookie_session::flask::{BigInt, PyValue};
    match value {
        Value::Null => PyValue::None,
        Value::Bool(b) => PyValue::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(n), _, _) => PyValue::Int(n),
            (None, Some(n), _) => PyValue::BigInt(BigInt::from(u128::from(n))),
            (_, _, f) => PyValue::Float(f.expect("a finite float")),
        },
        Value::String(text) => PyValue::Str(text.clone()),
        Value::Array(items) => PyValue::List(items.iter().map(python_of).collect()),
        Value::Object(map) => PyValue::Dict(
            map.iter()
                .map(|(key, value)| (key.clone(), python_of(value)))
                .collect(),
        ),
    }
}

/// What Python reads of the session holds exactly the plain JSON stored.
fn python_reads(session: &chunked_cookie_session::Session, map: &Map<String, Value>) -> bool {
    #[cfg(feature = "flask")]
    {
        let expected: Vec<_> = map
            .iter()
            .map(|(key, value)| (key.clone(), python_of(value)))
            .collect();
        session
            .python_entries()
            .is_ok_and(|python| python == expected)
    }
    #[cfg(not(feature = "flask"))]
    {
        let _ = (session, map);
        true
    }
}

/// Any JSON stored through `insert_value`, `insert` or `try_insert_value` reads back equal
/// through `get_value`, `get`, `entries` and `remove`, before the write and after it, and
/// Python reads the same values (a dict wherever the JSON has an object).
fn plain_json_reads_back_as_stored(f: &Fixture) {
    let engine = f.engine(roomy());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&value(), |value| {
        let session = engine.load_at(std::iter::empty(), NOW);
        session.insert_value("a", value.clone());
        session.insert("b", &value).expect("JSON serializes");
        session
            .try_insert_value("c", value.clone())
            .map_err(|err| TestCaseError::fail(format!("{err}")))?;
        let map: Map<String, Value> = ["a", "b", "c"]
            .into_iter()
            .map(|key| (key.to_owned(), value.clone()))
            .collect();
        prop_assert_eq!(session.get_value("a"), Some(value.clone()));
        prop_assert_eq!(
            session.get::<Value>("b").ok().flatten(),
            Some(value.clone())
        );
        prop_assert_eq!(&session.entries(), &map);
        prop_assert!(python_reads(&session, &map), "Python reads other values");

        let outcome = match engine.save_at(&session, NOW) {
            Ok(outcome) => outcome,
            // The escape's level counts against the nesting limit (tested below).
            Err(SaveError::TooDeep { .. }) => return Ok(()),
            Err(err) => return Err(TestCaseError::fail(format!("{err}"))),
        };
        let back = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
        prop_assert_eq!(back.load_reason(), LoadReason::Valid);
        prop_assert_eq!(&back.entries(), &map);
        prop_assert_eq!(back.get::<Value>("c").ok().flatten(), Some(value.clone()));
        prop_assert!(python_reads(&back, &map), "Python reads other values");
        prop_assert_eq!(back.remove("a"), Some(value.clone()));
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{}: {failure}", f.name);
    }
}

/// A chain of `levels` objects of one tag-like key around a leaf: each stored one level
/// deeper (`{" di": {" t__": …}}`).
fn chain(levels: usize) -> Value {
    (0..levels).fold(json!(1), |inner, _| json!({" t": inner}))
}

/// The escape counts against the nesting limit: a chain of tag-like objects is written
/// exactly when its stored form, twice as deep, is within [`MAX_NESTING`], and then reads
/// back as it was stored; past it, `check` and `save` refuse it naming the entry, and
/// nothing is written that the next request would refuse.
fn escaping_counts_against_the_nesting_limit(f: &Fixture) {
    let engine: SessionEngine = f.engine(roomy());
    for levels in MAX_NESTING / 2 - 3..MAX_NESTING / 2 + 3 {
        let value = chain(levels);
        let session = engine.load_at(std::iter::empty(), NOW);
        session.insert_value("deep", value.clone());
        session.insert_value("other", json!("x"));
        // Stored, each object is two: the session is level 1, its entries' objects start
        // at level 2.
        let fits = 2 * levels < MAX_NESTING;
        let checked = session.check();
        match engine.save_at(&session, NOW) {
            Ok(outcome) => {
                assert!(fits, "{}: {levels} levels written", f.name);
                assert!(checked.is_ok());
                let back = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
                assert_eq!(back.load_reason(), LoadReason::Valid, "{}", f.name);
                assert_eq!(back.get_value("deep"), Some(value));
            }
            Err(SaveError::TooDeep { entry, .. }) => {
                assert!(!fits, "{}: {levels} levels refused", f.name);
                assert_eq!(entry, "deep");
                assert!(matches!(checked, Err(SaveError::TooDeep { .. })));
            }
            Err(other) => panic!("{}: {other}", f.name),
        }
    }
}

every_format!(
    plain_json_reads_back_as_stored,
    escaping_counts_against_the_nesting_limit
);

/// The typed values are the one road to a Python type, in every format, also inside plain
/// JSON and around it; plain JSON beside them stays plain.
#[cfg(feature = "flask")]
fn typed_values_store_python_types(f: &Fixture) {
    use chunked_cookie_session::flask::{Markup, PyValue, Tuple};
    let engine = f.engine(roomy());
    let session = engine.load_at(std::iter::empty(), NOW);
    let script = "<script>alert(1)</script>";
    session
        .insert("markup", Markup(script.into()))
        .expect("serializes");
    session.insert_value("plain", json!({" m": script}));
    session
        .insert("mixed", Tuple((Markup("<b>".into()), json!({" m": "<i>"}))))
        .expect("serializes");
    session
        .insert("inside", json!({"list": [{" t": [1]}]}))
        .expect("serializes");
    let outcome = engine.save_at(&session, NOW).expect("fits");
    let back = engine.load_at([outcome.cookie_header().as_str()], NOW + 1);
    let python = back.python_entries().expect("entries Python reads");
    let dict = |key: &str, value: PyValue| PyValue::Dict(vec![(key.to_owned(), value)]);
    let text = |text: &str| PyValue::Str(text.to_owned());
    assert_eq!(
        python,
        [
            (
                "inside".to_owned(),
                dict(
                    "list",
                    PyValue::List(vec![dict(" t", PyValue::List(vec![PyValue::Int(1)]))])
                )
            ),
            ("markup".to_owned(), PyValue::Markup(script.into())),
            (
                "mixed".to_owned(),
                PyValue::Tuple(vec![PyValue::Markup("<b>".into()), dict(" m", text("<i>"))])
            ),
            ("plain".to_owned(), dict(" m", text(script))),
        ],
        "{}",
        f.name
    );
    // The Rust API reads both as they were given.
    assert_eq!(
        back.get::<Markup>("markup").expect("markup"),
        Some(Markup(script.into()))
    );
    assert_eq!(back.get_value("plain"), Some(json!({" m": script})));
}

#[cfg(feature = "flask")]
every_format!(typed_values_store_python_types);
