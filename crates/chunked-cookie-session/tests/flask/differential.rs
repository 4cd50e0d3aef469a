//! Differential tests: random sessions encoded by one side and decoded by the other, byte
//! for byte, and every Python type crossing as its Rust type.

use std::collections::BTreeMap;

use chunked_cookie_session::flask::{
    BigInt, Bytes, DateTime, Dict, FlaskLayout, Float, InvalidEntry, Markup, PyValue, Tuple, Uuid,
    from_json, python_from_json, python_to_json, to_json,
};
use chunked_cookie_session::{LoadReason, SET_COOKIE_LINE_LIMIT, SaveError, SetCookie};
use serde_json::{Map, Value, json};
use test_support::oracle::Oracle;
use test_support::{WireCookie, Xorshift};

use super::{SALT, SECRET, TS, engine, flask_loads, stock_value, tagged, write};

#[test]
fn differential_flask_sessions_read_and_rewritten_byte_for_byte() {
    let mut oracle = Oracle::start();
    let stock = engine(FlaskLayout::Stock);
    let chunked = engine(FlaskLayout::Chunked);
    let mut checked = (0, 0, 0);
    for seed in 0..4 {
        let answer = oracle.call(&json!({
            "op": "random", "seed": seed, "count": 600, "secret": SECRET, "salt": SALT, "ts": TS,
        }));
        for case in answer["sessions"].as_array().expect("sessions") {
            let cookie = case["cookie"].as_str().expect("cookie");
            let flask_json = case["json"].as_str().expect("json");

            // Flask encodes, Rust decodes: the same session, to the byte.
            let session = chunked.load_at([format!("session:0={cookie}").as_str()], TS);
            assert_eq!(session.load_reason(), LoadReason::Valid, "{flask_json}");
            let entries = tagged(&session);
            assert_eq!(to_json(&entries), flask_json);
            assert_eq!(
                to_json(&from_json(flask_json).expect("Flask's JSON reads")),
                flask_json
            );

            // The same session as Python values, the way the Python package moves it:
            // Flask's JSON again, and Flask's very cookie when written from them.
            let python = session.python_entries().expect("valid entries");
            assert_eq!(python_to_json(&python).as_deref(), Ok(flask_json));
            let parsed = python_from_json(flask_json).expect("Flask's JSON reads");
            assert_eq!(python_to_json(&parsed).as_deref(), Ok(flask_json));
            let from_python = stock.load_at(std::iter::empty(), TS);
            from_python.set_python_entries(python);
            match stock.save_at(&from_python, TS) {
                Ok(outcome) => assert_eq!(stock_value(&outcome), cookie),
                Err(SaveError::Overflow { .. }) => {}
                Err(other) => panic!("{other}"),
            }

            // Rust encodes the same session at the same second: Flask's very cookie.
            let line_len = "session=".len() + cookie.len() + "; HttpOnly; Path=/".len();
            let permanent = session.is_persistent();
            match write(&stock, &entries) {
                Ok(outcome) => {
                    assert_eq!(stock_value(&outcome), cookie);
                    let line = outcome.cookies[0].line();
                    let expires = WireCookie::parse(line).cookie().expires().is_some();
                    assert_eq!(expires, permanent, "{line}");
                    checked.0 += 1;
                }
                Err(SaveError::Overflow { .. }) => {
                    assert!(line_len + 40 > SET_COOKIE_LINE_LIMIT, "{line_len}");
                    checked.1 += 1;
                }
                Err(other) => panic!("{other}"),
            }
            let outcome = write(&chunked, &entries).expect("fits the chunked budget");
            let joined: String = outcome.cookies.iter().map(SetCookie::value).collect();
            assert_eq!(joined, cookie);
            for (index, set) in outcome.cookies.iter().enumerate() {
                assert_eq!(set.name(), format!("session:{index}"));
                assert_eq!(set.index(), index);
                assert!(!set.is_removal() && !set.value().is_empty());
                assert!(set.line().len() <= SET_COOKIE_LINE_LIMIT);
            }
            if outcome.cookies.len() > 1 {
                checked.2 += 1;
                let again = chunked.load_at([outcome.cookie_header().as_str()], TS);
                assert_eq!(to_json(&tagged(&again)), flask_json);
            }
        }
    }
    // The random sessions covered every path: one cookie, too big for one, several pieces.
    assert!(
        checked.0 > 1000 && checked.1 > 0 && checked.2 > 0,
        "{checked:?}"
    );
}

/// The Rust side's random sessions, reproducible by seed: text, keys and values of every
/// kind Flask's tagged JSON knows.
struct Rng(Xorshift);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }
    fn text(&mut self) -> String {
        const POOL: &[char] = &[
            'a',
            'Z',
            '0',
            ' ',
            '"',
            '\\',
            '/',
            '<',
            '\n',
            '\u{1}',
            '\u{7f}',
            '\u{e9}',
            '\u{2603}',
            '\u{1f600}',
            '\u{10fffd}',
            '\u{fffd}',
        ];
        let len = self.below(12);
        (0..len)
            .map(|_| POOL[usize::try_from(self.below(POOL.len() as u64)).unwrap_or(0)])
            .collect()
    }
    fn key(&mut self) -> String {
        match self.below(8) {
            0 => [" t", " di", " b", " x", "_permanent"]
                [usize::try_from(self.below(5)).unwrap_or(0)]
            .to_owned(),
            _ => self.text(),
        }
    }
    fn value(&mut self, depth: u32) -> Value {
        let kinds = if depth < 3 { 14 } else { 10 };
        let to = |v: Result<Value, serde_json::Error>| v.expect("serializes");
        match self.below(kinds) {
            0 => Value::Null,
            1 => json!(self.below(2) == 1),
            2 => json!(i64::from_ne_bytes(self.next().to_ne_bytes())),
            3 => to(serde_json::to_value(BigInt::from(
                (i128::from(i64::from_ne_bytes(self.next().to_ne_bytes())) << 40)
                    + i128::from(self.below(1 << 40)),
            ))),
            4 => to(serde_json::to_value(Float(f64::from_bits(self.next())))),
            5 => json!(self.text()),
            6 => to(serde_json::to_value(Bytes(
                self.next().to_le_bytes()[..usize::try_from(self.below(9)).unwrap_or(0)].to_vec(),
            ))),
            7 => to(serde_json::to_value(Markup(self.text()))),
            8 => to(serde_json::to_value(Uuid(uuid::Uuid::from_u128(
                u128::from(self.next()) << 64 | u128::from(self.next()),
            )))),
            9 => {
                // Years 100 to 9999: Flask writes a year below 100 as `0091` and reads
                // that back as 1991, so such dates do not survive Flask itself.
                let span = 253_402_300_799 + 59_011_459_200;
                let secs = i64::try_from(self.below(span)).unwrap_or(0) - 59_011_459_200;
                let at = time::OffsetDateTime::from_unix_timestamp(secs).expect("in range");
                to(serde_json::to_value(DateTime(at)))
            }
            10 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            // A tuple of tagged values, in Flask's tagged JSON (`Tuple` around `Value`s
            // would hold them as plain JSON).
            11 => json!({" t": (0..self.below(4))
                .map(|_| self.value(depth + 1))
                .collect::<Vec<_>>()}),
            12 => {
                let map: BTreeMap<String, Value> = (0..self.below(3))
                    .map(|_| (self.key(), self.value(depth + 1)))
                    .collect();
                to(serde_json::to_value(Dict(map)))
            }
            _ => {
                let key = [" t", " u", " di", " d"][usize::try_from(self.below(4)).unwrap_or(0)];
                to(serde_json::to_value(Dict(BTreeMap::from([(
                    key.to_owned(),
                    self.value(depth + 1),
                )]))))
            }
        }
    }
}

#[test]
fn differential_rust_sessions_read_by_flask_byte_for_byte() {
    let mut oracle = Oracle::start();
    let stock = engine(FlaskLayout::Stock);
    let mut rng = Rng(Xorshift::new(1));
    let mut checked = 0;
    for _ in 0..1500 {
        let mut entries = Map::new();
        for _ in 0..=rng.below(5) {
            let key = rng.key();
            let value = if key == "_permanent" {
                json!(true)
            } else {
                rng.value(0)
            };
            entries.insert(key, value);
        }
        let Ok(outcome) = write(&stock, &entries) else {
            continue;
        };
        let cookie = stock_value(&outcome);
        let flask = flask_loads(&mut oracle, &cookie, SECRET, &[], TS);
        assert_eq!(
            flask["ok"],
            json!(true),
            "{flask} for {}",
            to_json(&entries)
        );
        // Flask read exactly what Rust meant (its re-serialization is the same JSON), and
        // writes the very cookie Rust wrote.
        assert_eq!(flask["json"].as_str(), Some(to_json(&entries).as_str()));
        assert_eq!(flask["cookie"].as_str(), Some(cookie.as_str()));
        checked += 1;
    }
    assert!(checked > 1400, "{checked}");
}

#[test]
fn rust_types_arrive_as_python_types() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    let session = engine.load_at(std::iter::empty(), TS);
    let at = time::OffsetDateTime::from_unix_timestamp(1_704_164_645).expect("a date");
    let id = uuid::Uuid::from_u128(0x1234_5678_1234_5678_1234_5678_1234_5678);
    session
        .insert("t", Tuple((1, "two", Tuple((4, ())))))
        .expect("tuple");
    session.insert("b", Bytes(vec![0, 1, 0xfe])).expect("bytes");
    session
        .insert("m", Markup("<b>hi</b>".into()))
        .expect("markup");
    session.insert("u", Uuid(id)).expect("uuid");
    session.insert("d", DateTime(at)).expect("datetime");
    session
        .insert("n", BigInt::from(-(1_i128 << 100)))
        .expect("big int");
    session.insert("f", Float(f64::NAN)).expect("nan");
    session.insert("g", 1e-5).expect("float");
    session
        .insert("k", Dict(BTreeMap::from([(" t", "not a tuple")])))
        .expect("tag-like dict");
    let cookie = stock_value(&engine.save_at(&session, TS).expect("fits"));
    let flask = flask_loads(&mut oracle, &cookie, SECRET, &[], TS);
    assert_eq!(
        flask["repr"].as_str().expect("repr"),
        "{'b': b'\\x00\\x01\\xfe', 'd': datetime.datetime(2024, 1, 2, 3, 4, 5, \
         tzinfo=datetime.timezone.utc), 'f': nan, 'g': 1e-05, 'k': {' t': 'not a tuple'}, \
         'm': Markup('<b>hi</b>'), 'n': -1267650600228229401496703205376, \
         't': (1, 'two', (4, None)), 'u': UUID('12345678-1234-5678-1234-567812345678')}"
    );

    // And back: Flask's values read into the same Rust types.
    let back = engine.load_at([format!("session={cookie}").as_str()], TS);
    assert_eq!(
        back.get::<Tuple<(i32, String, Tuple<(u8, ())>)>>("t")
            .expect("tuple"),
        Some(Tuple((1, "two".to_owned(), Tuple((4, ())))))
    );
    assert_eq!(
        back.get::<Bytes>("b").expect("bytes"),
        Some(Bytes(vec![0, 1, 0xfe]))
    );
    assert_eq!(back.get::<Uuid>("u").expect("uuid"), Some(Uuid(id)));
    assert_eq!(back.get::<DateTime>("d").expect("date"), Some(DateTime(at)));
    let n: BigInt = back.get("n").expect("int").expect("present");
    assert_eq!(i128::try_from(&n), Ok(-(1 << 100)));
    assert!(
        back.get::<Float>("f")
            .expect("nan")
            .is_some_and(|f| f.0.is_nan())
    );
    assert_eq!(back.get::<f64>("g").expect("float"), Some(1e-5));
    assert_eq!(
        back.get::<Dict<BTreeMap<String, String>>>("k")
            .expect("dict"),
        Some(Dict(BTreeMap::from([(
            " t".to_owned(),
            "not a tuple".to_owned()
        )])))
    );
}

/// The native formats hand sessions to Python two ways: the map serde_json reads, each
/// entry untagged (`load`), or Python values read straight from the JSON (`load_python`);
/// and they write Python values straight to JSON. Both ways agree, and what is written
/// from Python values is what serde_json reads back as their tagged map.
#[test]
fn native_sessions_as_python_values_both_ways() {
    let engine = chunked_cookie_session::SessionEngine::signed(
        chunked_cookie_session::SessionConfig::builder()
            .max_size(40 * 1024)
            .build()
            .expect("valid"),
        chunked_cookie_session::KeyRing::new(chunked_cookie_session::Key::generate()),
    );
    let mut rng = Rng(Xorshift::new(7));
    let mut checked = 0;
    for _ in 0..1500 {
        let session = engine.load_at(std::iter::empty(), TS);
        for _ in 0..=rng.below(5) {
            let key = rng.key();
            if let Ok(python) = PyValue::from_tagged(&rng.value(0)) {
                session.insert(&key, python).expect("serializes");
            }
        }
        let Ok(outcome) = engine.save_at(&session, TS) else {
            continue;
        };
        let header = outcome.cookie_header();
        let by_map = engine.load_at([header.as_str()], TS).python_entries();
        let direct = engine.load_python_at([header.as_str()], TS);
        assert_eq!(direct.load_reason(), LoadReason::Valid);
        let by_python = direct.python_entries();
        let json = |entries: &Result<Vec<_>, InvalidEntry>| match entries {
            Ok(entries) => Ok(python_to_json(entries).ok()),
            Err(err) => Err(err.clone()),
        };
        assert_eq!(json(&by_map), json(&by_python), "{:?}", session.entries());
        let Ok(python) = by_map else {
            continue;
        };
        let written = engine.load_at(std::iter::empty(), TS);
        written.set_python_entries(python.clone());
        let again = engine.save_at(&written, TS).expect("fits as before");
        let back = engine.load_at([again.cookie_header().as_str()], TS);
        let tagged: Map<String, Value> = python
            .iter()
            .map(|(k, v)| (k.clone(), v.to_tagged()))
            .collect();
        assert_eq!(to_json(&super::tagged(&back)), to_json(&tagged));
        checked += 1;
    }
    assert!(checked > 1000, "{checked}");
}
