//! Never write what neither side can read: an entry that is not valid tagged JSON is
//! refused when written (`SaveError::InvalidFlaskEntry`, naming the entry and the tag) and
//! nothing is written; what is written, real Flask reads, as the same session; and keys
//! that come from users are safe, in a `flask::Dict` or not.
//!
//! Before issue 9, `{" t": 5}` in an entry was written without complaint; this crate then
//! refused the cookie as `malformed`, and real Flask raised on it: a 500 on every request
//! for the cookie's lifetime. Since issue 17 plain JSON is never read as a tag (it is a
//! dict to Flask: `smuggled.rs`), so only a typed value can hold a tag Flask cannot read.

use std::collections::BTreeMap;

use chunked_cookie_session::flask::{Dict, FlaskLayout, Tuple, to_json};
use chunked_cookie_session::{LoadReason, ResponseInfo, SaveError, SessionEngine};
use serde::Serialize;
use serde_json::{Map, Value, json};
use test_support::oracle::Oracle;
use test_support::{Jar, Xorshift};

use super::{SECRET, TS, engine, flask_loads, tagged, write};

/// Flask's verdict on a session written as this tagged JSON: its canonical JSON, or the
/// exception's class.
fn flask_check(oracle: &mut Oracle, json: &str) -> Result<String, String> {
    let answer = oracle.call(&json!({"op": "check", "json": json}));
    match answer["ok"].as_bool() {
        Some(true) => Ok(answer["json"].as_str().expect("json").to_owned()),
        _ => Err(answer["error"].as_str().expect("error").to_owned()),
    }
}

fn entries(value: Value) -> Map<String, Value> {
    value.as_object().expect("an object").clone()
}

/// A typed value Flask cannot read (`tuple(5)` raises), buried in typed values.
#[derive(Serialize)]
#[serde(untagged)]
enum Buried {
    Bad(Tuple<Option<i32>>),
    List(i32, Box<Buried>),
    Dict(BTreeMap<&'static str, Buried>),
    Tuple(Tuple<Vec<Buried>>),
}

/// `Tuple(5)`, or `Tuple(None)`, at `depth` levels below an entry: in lists, in dicts, in
/// a tuple.
fn buried(bad: Option<i32>, depth: usize) -> Buried {
    (0..depth).fold(Buried::Bad(Tuple(bad)), |inner, level| match level % 3 {
        0 => Buried::List(1, Box::new(inner)),
        1 => Buried::Dict(BTreeMap::from([
            ("a", inner),
            ("b", Buried::Bad(Tuple(Some(2)))),
        ])),
        _ => Buried::Tuple(Tuple(vec![inner])),
    })
}

/// A typed value Flask cannot read, as an entry and buried at every depth, is refused
/// naming the entry and the tag, by `save`, `check` and `try_insert`; through `finish`
/// nothing is written and the client keeps its previous session. Flask itself refuses
/// each one.
#[test]
fn invalid_typed_entries_are_refused_naming_entry_and_tag() {
    let mut oracle = Oracle::start();
    for layout in [FlaskLayout::Stock, FlaskLayout::Chunked] {
        let engine = engine(layout);
        let previous = entries(json!({"user": "alice"}));
        let jar = jar_of(&engine, &previous);
        for bad in [Some(5), None] {
            for depth in [0, 1, 2, 3, 10, 60] {
                let value = buried(bad, depth);
                let what = format!("{bad:?} at depth {depth}");
                // Flask cannot load it either.
                let stored = serde_json::to_value(&value).expect("serializes");
                let alone = to_json(&entries(json!({ "x": stored })));
                assert!(flask_check(&mut oracle, &alone).is_err(), "{what}");

                let is_refusal = |err: &SaveError| {
                    matches!(err, SaveError::InvalidFlaskEntry { entry, tag }
                        if entry == "x" && *tag == " t")
                };
                let session = engine.load_at([jar.header().as_str()], TS);
                session.insert("x", &value).expect("serializes");
                let err = session.check().expect_err("refused");
                assert!(is_refusal(&err), "{what}: {err:?}");
                let message = err.to_string();
                assert!(
                    message.contains("\"x\"") && message.contains("\" t\""),
                    "{message}"
                );
                let err = engine.save_at(&session, TS).expect_err("refused");
                assert!(is_refusal(&err), "{what}: {err:?}");
                let finished = engine.finish_at(&session, ResponseInfo::new(200), TS);
                assert!(finished.cookies.is_empty(), "{what}");
                assert!(finished.error_response().is_some_and(is_refusal), "{what}");

                let session = engine.load_at([jar.header().as_str()], TS);
                let err = session.try_insert("x", &value).expect_err("refused");
                assert!(is_refusal(&err), "{what}: {err:?}");
                assert!(!session.is_modified() && session.entries() == previous);
            }
        }
        // The client still holds its previous session.
        let back = engine.load_at([jar.header().as_str()], TS);
        assert_eq!(back.load_reason(), LoadReason::Valid);
        assert_eq!(back.entries(), previous);
    }
}

/// `_permanent` is an entry like the others: a permanent session whose flag Flask cannot
/// read is refused too (before the fix it was written as it came, then refused on read).
#[test]
fn an_unreadable_permanent_flag_is_refused() {
    let engine = engine(FlaskLayout::Stock);
    for depth in [0, 1, 2] {
        let session = engine.load_at(std::iter::empty(), TS);
        session.insert("user", "alice").expect("serializes");
        session
            .insert("_permanent", buried(Some(5), depth))
            .expect("serializes");
        let result = engine.save_at(&session, TS);
        assert!(
            matches!(&result, Err(SaveError::InvalidFlaskEntry { entry, .. }) if entry == "_permanent"),
            "depth {depth}: {result:?}"
        );
    }
    // Plain JSON shaped like a tag is a dict, which is true.
    let session = engine.load_at(std::iter::empty(), TS);
    session.insert_value("_permanent", json!({" t": 5}));
    let outcome = engine.save_at(&session, TS).expect("a dict");
    assert!(outcome.cookies[0].line().contains("Expires="));
    // A truthy flag in a form Flask would write otherwise is written in Flask's form, and
    // reads back as it: permanent.
    let outcome = write(
        &engine,
        &entries(json!({"_permanent": {" t": "ab"}, "user": "alice"})),
    )
    .expect("valid");
    let back = engine.load_at([outcome.cookie_header().as_str()], TS);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    assert!(back.is_persistent());
    assert_eq!(
        back.get_value("_permanent"),
        Some(json!({" t": ["a", "b"]}))
    );
    assert!(outcome.cookies[0].line().contains("Expires="));
    // A flag whose Flask form is false (an empty tuple) is a browser-session cookie.
    let outcome =
        write(&engine, &entries(json!({"_permanent": {" t": {}}, "u": 1}))).expect("valid");
    assert!(!outcome.cookies[0].line().contains("Expires="));
    let back = engine.load_at([outcome.cookie_header().as_str()], TS);
    assert!(!back.is_persistent());
}

/// A map whose keys come from users, in a `flask::Dict` or not: any key, tag-like ones
/// included, at any depth, is written so that Flask reads back exactly that dict. A
/// session entry whose own key is tag-like needs nothing (the session is escaped whole).
#[test]
fn flask_dict_makes_user_keys_safe() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    for key in [
        " t", " u", " d", " b", " di", " m", " t__", " di__", "plain",
    ] {
        let user_map = BTreeMap::from([(key.to_owned(), json!(5))]);
        let nested = BTreeMap::from([(key.to_owned(), Dict(user_map.clone()))]);
        let session = engine.load_at(std::iter::empty(), TS);
        session
            .insert("prefs", Dict(user_map.clone()))
            .expect("insert");
        session
            .insert("deeper", vec![Dict(nested)])
            .expect("insert");
        let outcome = engine.save_at(&session, TS).expect("valid");
        let cookie = outcome.cookies[0].value().to_owned();
        // The same maps unwrapped: the same cookie.
        let plain = engine.load_at(std::iter::empty(), TS);
        plain.insert("prefs", &user_map).expect("insert");
        let nested_plain = BTreeMap::from([(key.to_owned(), user_map.clone())]);
        plain.insert("deeper", vec![nested_plain]).expect("insert");
        let unwrapped = engine.save_at(&plain, TS).expect("valid");
        assert_eq!(unwrapped.cookies[0].value(), cookie, "{key:?}");
        let flask = flask_loads(&mut oracle, &cookie, SECRET, &[], TS);
        assert_eq!(flask["ok"], json!(true), "{key:?}: {flask}");
        let repr = flask["repr"].as_str().expect("repr");
        assert_eq!(
            repr,
            format!("{{'deeper': [{{{key:?}: {{{key:?}: 5}}}}], 'prefs': {{{key:?}: 5}}}}")
                .replace('"', "'"),
            "{key:?}"
        );
        let back = engine.load_at([outcome.cookie_header().as_str()], TS);
        assert_eq!(
            back.get::<Dict<BTreeMap<String, i32>>>("prefs")
                .expect("a dict"),
            Some(Dict(BTreeMap::from([(key.to_owned(), 5)])))
        );

        // The session's own key may be tag-like: alone, the session is escaped.
        let alone = write(&engine, &entries(json!({ key: 5 }))).expect("valid");
        let flask = flask_loads(&mut oracle, alone.cookies[0].value(), SECRET, &[], TS);
        assert_eq!(
            flask["repr"].as_str(),
            Some(format!("{{{key:?}: 5}}").replace('"', "'").as_str())
        );
    }
}

/// The Rust side's random objects, with tag-like keys and one-key tag dicts at every
/// depth, their payloads sometimes what the tag needs and often not.
struct Objects(Xorshift);

impl Objects {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.0.index(from.len())]
    }

    fn key(&mut self) -> String {
        self.pick(&[
            " t",
            " u",
            " d",
            " b",
            " m",
            " di",
            " t__",
            " di__",
            " x",
            "a",
            "b",
            "_permanent",
            "",
        ])
        .to_owned()
    }

    fn payload(&mut self, depth: u32) -> Value {
        match self.0.below(8) {
            0 => json!("12345678123456781234567812345678"),
            1 => json!("Tue, 02 Jan 2024 03:04:05 GMT"),
            2 => json!("AAH+/w=="),
            3 => json!("<b>x</b>"),
            4 => json!({" t__": 1}),
            _ => self.value(depth + 1),
        }
    }

    fn value(&mut self, depth: u32) -> Value {
        let kinds = if depth < 5 { 9 } else { 5 };
        match self.0.below(kinds) {
            0 => Value::Null,
            1 => json!(self.0.below(1000)),
            2 => json!(self.pick(&["", "ab", "not-a-uuid", "x y", " t"])),
            3 => json!(-1.5),
            4 => json!(true),
            5 => Value::Array(
                (0..self.0.below(3))
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
            6 | 7 => {
                let tag = self.pick(&[" t", " u", " d", " b", " m", " di"]);
                json!({ tag: self.payload(depth) })
            }
            _ => Value::Object(
                (0..self.0.below(4))
                    .map(|_| (self.key(), self.value(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// Differential, both ways, against real Flask:
///
/// - Rust writes random objects with tag-like keys at every depth, as Flask's tagged JSON
///   (`PyValue::from_tagged`, stored as typed values): whatever is accepted, Flask loads
///   without error, as the session Flask itself reads from those entries (the same
///   canonical JSON); whatever is refused (naming the entry), Flask cannot load either,
///   with two exceptions where Flask is more lenient than it needs
///   to be for anything Flask writes: it makes a `Markup` of any value (`{" m": [1]}` is
///   `Markup('[1]')`, Python's text of the list), where this crate takes only text,
///   numbers, booleans and null; and werkzeug reads a date from any falsy value as
///   `None` (`{" d": []}`), where this crate takes only text and null.
/// - Flask dumps random Python objects heavy in tag-like keys and one-key tag dicts: Rust
///   reads each and writes it back byte for byte.
#[test]
fn differential_tag_like_keys_at_every_depth() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Chunked);
    let mut objects = Objects(Xorshift::new(9));
    let (mut written, mut refused, mut lenient) = (0, 0, 0);
    for _ in 0..1200 {
        let map: Map<String, Value> = (0..=objects.0.below(3))
            .map(|_| (objects.key(), objects.value(0)))
            .collect();
        let flask_view = flask_check(&mut oracle, &to_json(&map));
        match write(&engine, &map) {
            Ok(outcome) => {
                let Ok(flask_json) = flask_view else {
                    panic!("written, but Flask cannot load {}", to_json(&map))
                };
                let joined: String = outcome.cookies.iter().map(|c| c.value()).collect();
                let flask = flask_loads(&mut oracle, &joined, SECRET, &[], TS);
                assert_eq!(flask["ok"], json!(true), "{flask} for {}", to_json(&map));
                assert_eq!(flask["json"].as_str(), Some(flask_json.as_str()));
                // And what Rust reads back is that same session to Flask (a date Flask
                // reads leniently is kept as spelled, so compare as Flask reads it).
                let back = engine.load_at([outcome.cookie_header().as_str()], TS);
                assert_eq!(back.load_reason(), LoadReason::Valid);
                let rust = to_json(&tagged(&back));
                if rust != flask_json {
                    assert_eq!(flask_check(&mut oracle, &rust), Ok(flask_json.clone()));
                    assert!(rust.contains(r#"{" d":"#), "only dates are kept as spelled");
                }
                written += 1;
            }
            Err(SaveError::InvalidFlaskEntry { entry, tag }) => {
                // The entry named, alone, is one Flask cannot load (but for its lenient
                // readings), so neither can it load the whole.
                let alone = to_json(&entries(json!({ entry.as_str(): map[&entry] })));
                if flask_check(&mut oracle, &alone).is_ok() {
                    assert!(
                        tag == " m" || tag == " d",
                        "refused {entry:?} ({tag:?}): {alone}"
                    );
                    lenient += 1;
                } else {
                    assert!(
                        flask_view.is_err(),
                        "refused {alone}, Flask loads the whole"
                    );
                }
                refused += 1;
            }
            Err(other) => panic!("{other:?} for {}", to_json(&map)),
        }
    }
    assert!(
        written > 300 && refused > 300 && lenient < refused / 4,
        "{written} written, {refused} refused ({lenient} that Flask reads leniently)"
    );

    // The other way: Flask's own objects, tag-like keys at every depth.
    let answer = oracle.call(&json!({
        "op": "random", "seed": 23, "count": 600, "secret": SECRET, "salt": super::SALT,
        "ts": TS, "tags": 0.5,
    }));
    let stock = engine_stock();
    let mut tagged = 0;
    for case in answer["sessions"].as_array().expect("sessions") {
        let cookie = case["cookie"].as_str().expect("cookie");
        let flask_json = case["json"].as_str().expect("json");
        tagged += usize::from(flask_json.contains("\" di\""));
        let session = stock.load_at([format!("session={cookie}").as_str()], TS);
        assert_eq!(session.load_reason(), LoadReason::Valid, "{flask_json}");
        assert_eq!(to_json(&super::tagged(&session)), flask_json);
        match write(&stock, &super::tagged(&session)) {
            Ok(outcome) => assert_eq!(outcome.cookies[0].value(), cookie),
            Err(SaveError::Overflow { .. }) => {}
            Err(other) => panic!("{other:?} for {flask_json}"),
        }
    }
    assert!(tagged > 200, "{tagged} sessions with escaped dicts");
}

fn engine_stock() -> SessionEngine {
    engine(FlaskLayout::Stock)
}

fn jar_of(engine: &SessionEngine, map: &Map<String, Value>) -> Jar {
    let outcome = write(engine, map).expect("fits");
    let mut jar = Jar::new();
    jar.apply_outcome(&outcome);
    jar
}
