//! Tags smuggled from Rust into Python (issue 17, item 2), against real Flask: plain JSON a
//! Rust handler stores in a Flask session reaches Flask as the same JSON, dicts and lists,
//! escaped with `" di"` exactly as Flask escapes such a dict itself; `{" m": "<script>…"}`
//! never becomes `Markup`, which Jinja would render unescaped, nor `" b"` bytes nor `" t"`
//! a tuple. (The native formats, read by the Python package, are in the core suite's
//! `plain_json` and the package's `test_smuggled_tags.py`.)

use chunked_cookie_session::LoadReason;
use chunked_cookie_session::flask::{FlaskLayout, Markup, to_json};
use serde_json::{Map, Value, json};
use test_support::Xorshift;
use test_support::forge::entries;
use test_support::oracle::Oracle;

use super::{SECRET, TS, engine, flask_loads, stock_value};

/// The payloads: each tag's key over what that tag would read.
const SMUGGLED: [(&str, &str); 6] = [
    (" m", "<script>alert(1)</script>"),
    (" b", "AAH+/w=="),
    (" t", "ab"),
    (" u", "12345678123456781234567812345678"),
    (" d", "Tue, 02 Jan 2024 03:04:05 GMT"),
    (" di", "NaN"),
];

#[test]
fn plain_json_reaches_flask_as_dicts_never_tags() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    for (tag, text) in SMUGGLED {
        let session = engine.load_at(std::iter::empty(), TS);
        session.insert_value("x", json!({ tag: text }));
        let cookie = stock_value(&engine.save_at(&session, TS).expect("fits"));
        let flask = flask_loads(&mut oracle, &cookie, SECRET, &[], TS);
        assert_eq!(flask["ok"], json!(true), "{flask}");
        // Flask's TaggedJSONSerializer reads a dict holding a str.
        assert_eq!(
            flask["repr"].as_str(),
            Some(format!("{{'x': {{'{tag}': '{text}'}}}}").as_str()),
            "{tag:?}"
        );
        // And writes it as it would have written that dict itself: the very cookie.
        assert_eq!(flask["cookie"].as_str(), Some(cookie.as_str()));
        let back = engine.load_at([format!("session={cookie}").as_str()], TS);
        assert_eq!(back.get_value("x"), Some(json!({ tag: text })));
    }
    // The typed value is how a Rust handler means Markup, and Flask reads Markup.
    let session = engine.load_at(std::iter::empty(), TS);
    session
        .insert("x", Markup("<b>safe</b>".into()))
        .expect("serializes");
    let cookie = stock_value(&engine.save_at(&session, TS).expect("fits"));
    let flask = flask_loads(&mut oracle, &cookie, SECRET, &[], TS);
    assert_eq!(flask["repr"].as_str(), Some("{'x': Markup('<b>safe</b>')}"));
}

/// Random plain JSON heavy in objects of one tag-like key, at every depth, as a Rust
/// handler stores it: Flask loads every session Rust writes, as the dicts and lists it is
/// (Flask's own JSON for it is the escaped form, docs/FORMAT.md section 5), writes the
/// very cookie Rust wrote, and Rust reads back what it stored.
#[test]
fn differential_plain_json_heavy_in_tags() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Chunked);
    let mut rng = Xorshift::new(17);
    for _ in 0..600 {
        let map: Map<String, Value> = (0..=rng.below(3))
            .map(|_| (key(&mut rng), value(&mut rng, 0)))
            .collect();
        let session = engine.load_at(std::iter::empty(), TS);
        for (key, value) in &map {
            session.insert_value(key, value.clone());
        }
        let outcome = engine.save_at(&session, TS).expect("fits, nests shallow");
        let joined: String = outcome.cookies.iter().map(|c| c.value()).collect();
        let flask = flask_loads(&mut oracle, &joined, SECRET, &[], TS);
        assert_eq!(flask["ok"], json!(true), "{flask} for {map:?}");
        assert_eq!(
            flask["json"].as_str(),
            Some(to_json(&entries::store(&map)).as_str()),
            "Flask read other than the plain JSON of {map:?}"
        );
        assert_eq!(flask["cookie"].as_str(), Some(joined.as_str()));
        let back = engine.load_at([outcome.cookie_header().as_str()], TS);
        assert_eq!(back.load_reason(), LoadReason::Valid);
        assert_eq!(back.entries(), map);
    }
}

fn pick<'a>(rng: &mut Xorshift, from: &[&'a str]) -> &'a str {
    from[rng.index(from.len())]
}

fn key(rng: &mut Xorshift) -> String {
    pick(
        rng,
        &[
            " t", " u", " d", " b", " m", " di", " t__", " di__", "a", "",
        ],
    )
    .to_owned()
}

fn value(rng: &mut Xorshift, depth: u32) -> Value {
    let kinds = if depth < 4 { 7 } else { 4 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => json!(rng.below(1000)),
        2 => json!(pick(
            rng,
            &[
                "<script>alert(1)</script>",
                "12345678123456781234567812345678",
                "Tue, 02 Jan 2024 03:04:05 GMT",
                "AAH+/w==",
                "NaN",
                "ab",
            ]
        )),
        3 => json!(true),
        4 => Value::Array((0..rng.below(3)).map(|_| value(rng, depth + 1)).collect()),
        5 => {
            let tag = pick(rng, &[" t", " u", " d", " b", " m", " di"]);
            json!({ tag: value(rng, depth + 1) })
        }
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (key(rng), value(rng, depth + 1)))
                .collect(),
        ),
    }
}
