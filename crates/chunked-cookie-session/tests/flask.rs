//! Flask compatibility, against real Flask and itsdangerous from PyPI.
//!
//! The Python side runs from `FLASK_PYTHON` or `<workspace>/.venv/bin/python`; without it
//! every test here fails and says how to install it. `tests/flask/oracle.py` answers
//! serializer questions over stdin/stdout (one long-running process per test);
//! `tests/flask/apps.py` is a live Flask app served by werkzeug on 127.0.0.1.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use chunked_cookie_session::flask::{
    Bytes, DateTime, Dict, FlaskLayout, FlaskSettings, Float, Markup, Tuple, Uuid, from_json,
    to_json,
};
use chunked_cookie_session::{
    LoadReason, SET_COOKIE_LINE_LIMIT, SaveError, Session, SessionConfig, SessionEngine,
};
use serde_json::{Map, Value, json};

const SECRET: &str = "test-secret";
const SALT: &str = "cookie-session";
const TS: u64 = 1_700_000_000;
const MAX_AGE: u64 = 31 * 24 * 3600;

fn python() -> PathBuf {
    let path = std::env::var_os("FLASK_PYTHON").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
        PathBuf::from,
    );
    let works = Command::new(&path)
        .args(["-c", "import flask, itsdangerous, markupsafe"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(
        works,
        "these tests run real Flask, and {} cannot import it. In the workspace root run \
         `python3 -m venv .venv && .venv/bin/pip install flask`, or point FLASK_PYTHON at a \
         Python that has Flask installed",
        path.display()
    );
    path
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/flask")
        .join(name)
}

/// A child process killed when the test ends, whatever the outcome.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `oracle.py`: Flask's serializer, one JSON request and answer per line.
struct Oracle {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _child: Killed,
}

impl Oracle {
    fn start() -> Oracle {
        let mut child = Command::new(python())
            .arg(script("oracle.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start oracle.py");
        let stdin = child.stdin.take().expect("oracle stdin");
        let stdout = BufReader::new(child.stdout.take().expect("oracle stdout"));
        Oracle {
            stdin,
            stdout,
            _child: Killed(child),
        }
    }

    fn call(&mut self, request: Value) -> Value {
        writeln!(self.stdin, "{request}").expect("write to oracle");
        self.stdin.flush().expect("flush oracle");
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read oracle");
        let answer: Value = serde_json::from_str(&line).expect("oracle answers JSON");
        assert!(
            answer.get("oracle_error").is_none(),
            "oracle failed on {request}: {answer}"
        );
        answer
    }

    /// Flask's verdict on a cookie, as (reason, JSON, Flask's own re-signed cookie).
    fn loads(&mut self, cookie: &str, secret: &str, fallbacks: &[&str], now: u64) -> Value {
        self.call(json!({
            "op": "loads", "cookie": cookie, "secret": secret, "fallbacks": fallbacks,
            "salt": SALT, "now": now, "max_age": MAX_AGE,
        }))
    }
}

fn config() -> SessionConfig {
    SessionConfig::builder()
        .secure(false)
        .same_site(None)
        .max_size(40 * 1024)
        .build()
        .expect("valid configuration")
}

fn settings(secret: &str) -> FlaskSettings {
    FlaskSettings::new(secret).expect("non-empty secret")
}

fn engine(layout: FlaskLayout) -> SessionEngine {
    SessionEngine::flask(config(), settings(SECRET).layout(layout))
}

/// `name=value` of each `Set-Cookie` line.
fn pairs(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|line| {
            let pair = line.split(';').next().expect("a name=value pair");
            let (name, value) = pair.split_once('=').expect("name=value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn cookie_header(lines: &[String]) -> String {
    pairs(lines)
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A new session holding `entries`, written at `TS`.
fn write(engine: &SessionEngine, entries: &Map<String, Value>) -> Result<Vec<String>, SaveError> {
    let session = engine.load_at(std::iter::empty(), TS);
    for (key, value) in entries {
        session.insert_value(key, value.clone());
    }
    engine.save_at(&session, TS)
}

fn loaded(engine: &SessionEngine, cookie: &str, now: u64) -> Session {
    engine.load_at([cookie], now)
}

#[test]
fn differential_flask_sessions_read_and_rewritten_byte_for_byte() {
    let mut oracle = Oracle::start();
    let stock = engine(FlaskLayout::Stock);
    let chunked = engine(FlaskLayout::Chunked);
    let mut checked = (0, 0, 0);
    for seed in 0..4 {
        let answer = oracle.call(json!({
            "op": "random", "seed": seed, "count": 600, "secret": SECRET, "salt": SALT, "ts": TS,
        }));
        for case in answer["sessions"].as_array().expect("sessions") {
            let cookie = case["cookie"].as_str().expect("cookie");
            let flask_json = case["json"].as_str().expect("json");

            // Flask encodes, Rust decodes: the same session, to the byte.
            let session = loaded(&chunked, &format!("session:0={cookie}"), TS);
            assert_eq!(session.load_reason(), LoadReason::Valid, "{flask_json}");
            let entries = session.entries();
            assert_eq!(to_json(&entries), flask_json);
            assert_eq!(
                to_json(&from_json(flask_json).expect("Flask's JSON reads")),
                flask_json
            );

            // Rust encodes the same session at the same second: Flask's very cookie.
            let line_len = "session=".len() + cookie.len() + "; HttpOnly; Path=/".len();
            let permanent = session.is_persistent();
            match write(&stock, &entries) {
                Ok(lines) => {
                    assert_eq!(lines.len(), 1);
                    assert_eq!(pairs(&lines)[0], ("session".to_owned(), cookie.to_owned()));
                    assert_eq!(lines[0].contains("Expires="), permanent, "{}", lines[0]);
                    checked.0 += 1;
                }
                Err(SaveError::Overflow { .. }) => {
                    assert!(line_len + 40 > SET_COOKIE_LINE_LIMIT, "{line_len}");
                    checked.1 += 1;
                }
                Err(other) => panic!("{other}"),
            }
            let lines = write(&chunked, &entries).expect("fits the chunked budget");
            let joined: String = pairs(&lines).into_iter().map(|(_, v)| v).collect();
            assert_eq!(joined, cookie);
            for (index, (name, value)) in pairs(&lines).iter().enumerate() {
                assert_eq!(*name, format!("session:{index}"));
                assert!(!value.is_empty());
            }
            assert!(lines.iter().all(|l| l.len() <= SET_COOKIE_LINE_LIMIT));
            if lines.len() > 1 {
                checked.2 += 1;
                let again = chunked.load_at([cookie_header(&lines).as_str()], TS);
                assert_eq!(to_json(&again.entries()), flask_json);
            }
        }
    }
    // The random sessions covered every path: one cookie, too big for one, several pieces.
    assert!(
        checked.0 > 1000 && checked.1 > 0 && checked.2 > 0,
        "{checked:?}"
    );
}

/// A xorshift generator: the Rust side's random sessions, reproducible by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
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
            3 => to(serde_json::to_value(
                (i128::from(i64::from_ne_bytes(self.next().to_ne_bytes())) << 40)
                    + i128::from(self.below(1 << 40)),
            )),
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
            11 => to(serde_json::to_value(Tuple(
                (0..self.below(4))
                    .map(|_| self.value(depth + 1))
                    .collect::<Vec<_>>(),
            ))),
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
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
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
        let Ok(lines) = write(&stock, &entries) else {
            continue;
        };
        let (_, cookie) = pairs(&lines).remove(0);
        let flask = oracle.loads(&cookie, SECRET, &[], TS);
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
    session.insert("n", -(1_i128 << 100)).expect("big int");
    session.insert("f", Float(f64::NAN)).expect("nan");
    session.insert("g", 1e-5).expect("float");
    session
        .insert("k", Dict(BTreeMap::from([(" t", "not a tuple")])))
        .expect("tag-like dict");
    let lines = engine.save_at(&session, TS).expect("fits");
    let (_, cookie) = pairs(&lines).remove(0);
    let flask = oracle.loads(&cookie, SECRET, &[], TS);
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
    assert_eq!(back.get::<i128>("n").expect("int"), Some(-(1 << 100)));
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

/// What the Rust engine and itsdangerous each decide for one cookie, as the same words.
fn verdicts(
    oracle: &mut Oracle,
    cookie: &str,
    secret: &str,
    fallbacks: &[&str],
    now: u64,
) -> (String, String) {
    let mut settings = settings(secret).max_age(std::time::Duration::from_secs(MAX_AGE));
    for fallback in fallbacks {
        settings = settings.fallback(fallback);
    }
    let engine = SessionEngine::flask(config(), settings);
    let rust = match engine
        .load_at([format!("session={cookie}").as_str()], now)
        .load_reason()
    {
        LoadReason::Valid => "valid",
        LoadReason::BadSignature => "bad-signature",
        LoadReason::Expired => "expired",
        other => panic!("unexpected {other}"),
    };
    let flask = oracle.loads(cookie, secret, fallbacks, now);
    let flask = match (flask["ok"].as_bool(), flask["error"].as_str()) {
        (Some(true), _) => "valid",
        (_, Some("BadSignature" | "BadTimeSignature")) => "bad-signature",
        (_, Some("SignatureExpired")) => "expired",
        other => panic!("unexpected Flask answer {other:?}"),
    };
    (rust.to_owned(), flask.to_owned())
}

#[test]
fn rotation_and_expiry_decided_as_itsdangerous_decides() {
    let mut oracle = Oracle::start();
    let dumps = |oracle: &mut Oracle, secret: &str, ts: u64| -> String {
        oracle.call(json!({
            "op": "dumps", "json": r#"{"user":"alice","n":[1,2,3]}"#,
            "secret": secret, "salt": SALT, "ts": ts,
        }))["cookie"]
            .as_str()
            .expect("a cookie")
            .to_owned()
    };
    let old = dumps(&mut oracle, "old-secret", TS);
    let older = dumps(&mut oracle, "older-secret", TS);
    let new = dumps(&mut oracle, "new-secret", TS);
    let mut tampered = new.clone();
    tampered.replace_range(1..2, if &new[1..2] == "A" { "B" } else { "A" });
    let cases: Vec<(&str, &str, Vec<&str>, u64)> = vec![
        (&new, "new-secret", vec![], TS),
        (&old, "new-secret", vec!["old-secret"], TS),
        (&older, "new-secret", vec!["older-secret", "old-secret"], TS),
        (&old, "new-secret", vec![], TS),
        (&new, "old-secret", vec!["new-secret"], TS),
        (&tampered, "new-secret", vec![], TS),
        (&new, "new-secret", vec![], TS + MAX_AGE),
        (&new, "new-secret", vec![], TS + MAX_AGE + 1),
        (&old, "new-secret", vec!["old-secret"], TS + MAX_AGE + 1),
        (&new, "new-secret", vec![], TS - 1),
        (&old, "new-secret", vec![], TS - 1),
        (&new, "new-secret", vec![], 0),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (cookie, secret, fallbacks, now) in cases {
        let (rust, flask) = verdicts(&mut oracle, cookie, secret, &fallbacks, now);
        assert_eq!(rust, flask, "{cookie} {secret} {fallbacks:?} at {now}");
        seen.insert(flask);
    }
    assert_eq!(seen.len(), 3, "every verdict was exercised: {seen:?}");

    // A session read through a fallback key is written back under the new key, which
    // Flask without the fallback accepts.
    let engine = SessionEngine::flask(config(), settings("new-secret").fallback("old-secret"));
    let session = engine.load_at([format!("session={old}").as_str()], TS + 5);
    assert_eq!(
        session.get::<String>("user").expect("user").as_deref(),
        Some("alice")
    );
    session.insert("seen", true).expect("insert");
    let (_, cookie) = pairs(&engine.save_at(&session, TS + 5).expect("fits")).remove(0);
    assert_eq!(
        oracle.loads(&cookie, "new-secret", &[], TS + 5)["ok"],
        json!(true)
    );
}

#[test]
fn chunked_layout_rules() {
    let chunked = engine(FlaskLayout::Chunked);
    let mut entries = Map::new();
    // Random-looking text that zlib cannot shrink much: three pieces.
    let mut rng = Rng(7);
    let noise: String = (0..9000)
        .map(|_| char::from(b"0123456789abcdef"[usize::try_from(rng.below(16)).unwrap_or(0)]))
        .collect();
    entries.insert("noise".into(), json!(noise));
    let lines = write(&chunked, &entries).expect("fits");
    let sent = pairs(&lines);
    assert!(sent.len() >= 2, "{}", sent.len());

    // All pieces, in any header order and split over fields: valid.
    let mut reversed: Vec<String> = sent.iter().rev().map(|(n, v)| format!("{n}={v}")).collect();
    reversed.push("sessionid=unrelated; session=stock-leftover; session:x=1".into());
    let session = chunked.load_at(reversed.iter().map(String::as_str), TS);
    assert_eq!(session.load_reason(), LoadReason::Valid);

    // A gap: the pieces after it are debris, the join stops there, and the signature
    // (over the whole value) refuses the partial value.
    let gap: Vec<String> = sent
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, (n, v))| format!("{n}={v}"))
        .collect();
    let session = chunked.load_at(gap.iter().map(String::as_str), TS);
    assert_eq!(session.load_reason(), LoadReason::BadSignature);
    assert!(session.is_empty());
    let cleanup = chunked.save_at(&session, TS).expect("cleanup");
    assert_eq!(cleanup.len(), sent.len() - 1);
    assert!(cleanup.iter().all(|l| l.contains("Max-Age=0")));

    // Shrinking from three pieces to one deletes the two the browser still holds.
    let session = chunked.load_at([cookie_header(&lines).as_str()], TS);
    session.insert("noise", "short").expect("insert");
    let lines = chunked.save_at(&session, TS).expect("fits");
    let deleted: Vec<&String> = lines.iter().filter(|l| l.contains("Max-Age=0")).collect();
    assert_eq!(deleted.len(), sent.len() - 1);
    assert_eq!(lines.len(), sent.len());
    assert!(lines.last().expect("a set").starts_with("session:0="));

    // Duplicates: the first of a name counts, as werkzeug reads it.
    let stock = engine(FlaskLayout::Stock);
    let good = write(&stock, &entries).map(|l| pairs(&l).remove(0).1);
    let small = write(&stock, &Map::from_iter([("a".to_owned(), json!(1))])).expect("fits");
    let small = pairs(&small).remove(0).1;
    assert!(good.is_err(), "9000 hex digits do not fit one cookie");
    let first_bad = format!("session=garbage; session={small}");
    assert_eq!(
        stock.load_at([first_bad.as_str()], TS).load_reason(),
        LoadReason::BadSignature
    );
    let first_good = format!("session={small}; session=garbage");
    assert_eq!(
        stock.load_at([first_good.as_str()], TS).load_reason(),
        LoadReason::Valid
    );

    // An empty session writes nothing; emptying one deletes its cookies.
    let fresh = stock.load_at(std::iter::empty(), TS);
    assert!(fresh.is_empty());
    assert!(stock.save_at(&fresh, TS).expect("nothing").is_empty());
    let session = stock.load_at([format!("session={small}").as_str()], TS);
    session.clear();
    let lines = stock.save_at(&session, TS).expect("deletion");
    assert_eq!(pairs(&lines), [("session".to_owned(), String::new())]);
}

#[test]
fn permanence_is_the_permanent_entry() {
    let mut oracle = Oracle::start();
    let stock = engine(FlaskLayout::Stock);
    let session = stock.load_at(std::iter::empty(), TS);
    session.insert("user", "alice").expect("insert");
    let lines = stock.save_at(&session, TS).expect("fits");
    assert!(!lines[0].contains("Expires") && !lines[0].contains("Max-Age"));
    session.set_persistent(true);
    let lines = stock.save_at(&session, TS).expect("fits");
    // Flask's permanent session: `_permanent` inside, `Expires` lifetime ahead, no Max-Age.
    assert!(
        lines[0].contains("Expires=Fri, 15 Dec 2023 22:13:20 GMT"),
        "{}",
        lines[0]
    );
    assert!(!lines[0].contains("Max-Age"));
    let (_, cookie) = pairs(&lines).remove(0);
    let flask = oracle.call(json!({
        "op": "dumps", "json": r#"{"_permanent":true,"user":"alice"}"#,
        "secret": SECRET, "salt": SALT, "ts": TS,
    }));
    assert_eq!(flask["cookie"].as_str(), Some(cookie.as_str()));

    // Read back later, untouched: a permanent session is signed again with a fresh
    // timestamp on every request (SESSION_REFRESH_EACH_REQUEST), a plain one is not.
    let later = stock.load_at([format!("session={cookie}").as_str()], TS + 60);
    assert!(later.is_persistent());
    let lines = stock.save_at(&later, TS + 60).expect("refresh");
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains("Expires=Fri, 15 Dec 2023 22:14:20 GMT"));
    later.set_persistent(false);
    assert_eq!(later.get_value("_permanent"), Some(json!(false)));
    let lines = stock.save_at(&later, TS + 60).expect("fits");
    assert!(!lines[0].contains("Expires"));
}

/// Everything the live scenario needs from one HTTP server.
struct Server {
    base: String,
}

/// `apps.py` in a subprocess, on a free port.
fn start_flask(layout: &str, salt: &str) -> (Server, Killed) {
    let mut child = Command::new(python())
        .args([
            script("apps.py").to_str().expect("utf-8 path"),
            layout,
            SECRET,
            salt,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start apps.py");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("PORT line");
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .unwrap_or_else(|| panic!("apps.py did not start: {line:?}"));
    (
        Server {
            base: format!("http://127.0.0.1:{port}"),
        },
        child,
    )
}

mod rust_server {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{HeaderMap, Response, Uri};

    /// The Rust side's entries, the mirror of `RUST_VALUES` in apps.py.
    pub(super) fn rust_values(session: &Session) {
        let at = time::OffsetDateTime::from_unix_timestamp(1_907_050_150).expect("2030");
        let id = uuid::Uuid::from_u128(0x0011_2233_4455_6677_8899_aabb_ccdd_eeff);
        session
            .insert("r_tuple", Tuple((7, "seven", 0.5)))
            .expect("tuple");
        session
            .insert("r_bytes", Bytes(b"\xff\x00rust".to_vec()))
            .expect("bytes");
        session
            .insert("r_markup", Markup("<em>rust</em>".into()))
            .expect("markup");
        session.insert("r_uuid", Uuid(id)).expect("uuid");
        session
            .insert("r_datetime", DateTime(at))
            .expect("datetime");
        session.insert("r_bigint", -(1_i128 << 100)).expect("int");
        session
            .insert("r_float", Float(f64::NEG_INFINITY))
            .expect("float");
        session
            .insert("r_tag_like", Dict(BTreeMap::from([(" u", "not a uuid")])))
            .expect("dict");
        session
            .insert("r_text", "\u{1f980} cr\u{e4}b")
            .expect("text");
    }

    /// Reads every value apps.py's `FLASK_VALUES` holds into its Rust type.
    fn check_flask_values(session: &Session) -> Vec<String> {
        let mut errors = Vec::new();
        let mut expect = |key: &str, ok: bool| {
            if !ok {
                errors.push(format!("{key}: {:?}", session.get_value(key)));
            }
        };
        let tuple = session
            .get::<Tuple<(i64, String, f64, Tuple<(i64, Option<i64>)>, Vec<bool>)>>("f_tuple");
        expect(
            "f_tuple",
            tuple.ok().flatten()
                == Some(Tuple((1, "two".into(), 3.5, Tuple((4, None)), vec![true]))),
        );
        expect(
            "f_bytes",
            session.get::<Bytes>("f_bytes").ok().flatten()
                == Some(Bytes(b"\x00\x01\xfebinary\xff".to_vec())),
        );
        expect(
            "f_markup",
            session.get::<Markup>("f_markup").ok().flatten()
                == Some(Markup("<b>hi</b> & bye".into())),
        );
        expect(
            "f_uuid",
            session
                .get::<Uuid>("f_uuid")
                .ok()
                .flatten()
                .map(|u| u.0.to_string())
                == Some("12345678-1234-5678-1234-567812345678".into()),
        );
        expect(
            "f_datetime",
            session
                .get::<DateTime>("f_datetime")
                .ok()
                .flatten()
                .map(|d| d.0.unix_timestamp())
                == Some(1_704_164_645),
        );
        expect(
            "f_bigint",
            session.get::<i128>("f_bigint").ok().flatten()
                == Some(123_456_789_012_345_678_901_234_567_890),
        );
        expect(
            "f_float",
            session.get::<f64>("f_float").ok().flatten() == Some(1e-5),
        );
        expect(
            "f_inf",
            session.get::<Float>("f_inf").ok().flatten() == Some(Float(f64::INFINITY)),
        );
        expect(
            "f_text",
            session.get::<String>("f_text").ok().flatten().as_deref()
                == Some("h\u{e9}llo \u{2603} \u{1f600} \"q\" \\ \u{7f}"),
        );
        expect(
            "f_tag_like",
            session
                .get::<Dict<BTreeMap<String, String>>>("f_tag_like")
                .ok()
                .flatten()
                == Some(Dict(BTreeMap::from([(" t".into(), "not a tuple".into())]))),
        );
        expect(
            "f_nested",
            session.get_value("f_nested")
                == Some(
                    json!({"list": [1, {"b": {" b": "eA=="}}, {" t": [{" m": "<i>"}]}], " di": 1}),
                ),
        );
        errors
    }

    async fn handle(
        State(engine): State<SessionEngine>,
        uri: Uri,
        headers: HeaderMap,
    ) -> Response<Body> {
        let fields = headers
            .get_all("cookie")
            .iter()
            .filter_map(|value| value.to_str().ok());
        let session = engine.load(fields);
        let body = match uri.path() {
            "/check" => json!({
                "errors": check_flask_values(&session),
                "reason": session.load_reason().as_str(),
                "permanent": session.is_persistent(),
            })
            .to_string(),
            "/set" => {
                rust_values(&session);
                "ok".to_owned()
            }
            "/big" => {
                let n: usize = uri
                    .query()
                    .and_then(|q| q.strip_prefix("n="))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let mut rng = Rng(n as u64 + 1);
                let hex: String = (0..n)
                    .map(|_| {
                        char::from(b"0123456789abcdef"[usize::try_from(rng.below(16)).unwrap_or(0)])
                    })
                    .collect();
                session.insert("rust_big", hex).expect("insert");
                "ok".to_owned()
            }
            "/shrink" => {
                session.remove("rust_big");
                session.remove("big");
                session.remove("big_hex");
                "ok".to_owned()
            }
            "/clear" => {
                session.clear();
                "ok".to_owned()
            }
            "/dump" => to_json(&session.entries()),
            _ => "not found".to_owned(),
        };
        let finished = engine.finish(&session, 200);
        let mut response = Response::builder().status(200);
        for line in &finished.set_cookie {
            response = response.header("set-cookie", line);
        }
        response.body(Body::from(body)).expect("a response")
    }

    pub(super) async fn start(layout: FlaskLayout, salt: &str) -> Server {
        let engine = SessionEngine::flask(config(), settings(SECRET).layout(layout).salt(salt));
        let app = Router::new().fallback(handle).with_state(engine);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Server {
            base: format!("http://{addr}"),
        }
    }
}

struct Visit {
    body: String,
    set_cookie: Vec<String>,
}

async fn visit(client: &reqwest::Client, server: &Server, path: &str) -> Visit {
    let response = client
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap_or_else(|err| panic!("GET {path}: {err}"));
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    let set_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    let body = response.text().await.expect("body");
    Visit { body, set_cookie }
}

fn json_body(visit: &Visit) -> Value {
    serde_json::from_str(&visit.body).unwrap_or_else(|_| panic!("not JSON: {}", visit.body))
}

/// One cookie jar, two servers: every type crosses both ways, the session grows past one
/// cookie and shrinks again where the layout allows, and permanence and clearing carry.
async fn live(flask_layout: &str, layout: FlaskLayout, salt: &str, grows: bool) {
    let (flask, _flask_process) = start_flask(flask_layout, salt);
    let rust = rust_server::start(layout, salt).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");

    visit(&client, &flask, "/set_all").await;
    let check = json_body(&visit(&client, &rust, "/check").await);
    assert_eq!(
        check["errors"],
        json!([]),
        "Rust read Flask's values: {check}"
    );
    assert_eq!(check["reason"], "valid");

    visit(&client, &rust, "/set").await;
    let check = json_body(&visit(&client, &flask, "/check?rust=1").await);
    assert_eq!(
        check["errors"],
        json!([]),
        "Flask read Rust's values: {check}"
    );

    // Both sides see one session, written the same way.
    let counter = json_body(&visit(&client, &flask, "/touch").await);
    assert_eq!(counter["counter"], 1);
    let from_flask = visit(&client, &flask, "/dump").await.body;
    let from_rust = visit(&client, &rust, "/dump").await.body;
    assert_eq!(from_flask, from_rust);
    assert!(from_rust.contains(r#""counter":1"#));

    if grows {
        // Flask grows it over several cookies, Rust reads them and grows it further.
        visit(&client, &flask, "/big?n=4000").await;
        let check = json_body(&visit(&client, &rust, "/check").await);
        assert_eq!(check["errors"], json!([]), "{check}");
        let grown = visit(&client, &rust, "/big?n=9000").await;
        let pieces = grown
            .set_cookie
            .iter()
            .filter(|l| !l.contains("Max-Age=0"))
            .count();
        assert!(pieces >= 3, "{:?}", grown.set_cookie);
        assert!(
            grown
                .set_cookie
                .iter()
                .all(|l| l.len() <= SET_COOKIE_LINE_LIMIT)
        );
        let check = json_body(&visit(&client, &flask, "/check?rust=1").await);
        assert_eq!(check["errors"], json!([]), "{check}");
        assert!(
            visit(&client, &flask, "/dump")
                .await
                .body
                .contains("rust_big")
        );

        // Rust shrinks it back to one cookie and deletes the pieces the jar still holds.
        let shrunk = visit(&client, &rust, "/shrink").await;
        let (deleted, set): (Vec<&String>, Vec<&String>) = shrunk
            .set_cookie
            .iter()
            .partition(|l| l.contains("Max-Age=0"));
        assert_eq!(set.len(), 1, "{:?}", shrunk.set_cookie);
        assert!(deleted.len() >= 2, "{:?}", shrunk.set_cookie);
        let check = json_body(&visit(&client, &flask, "/check?rust=1").await);
        assert_eq!(check["errors"], json!([]), "{check}");
    }

    // A permanent session set by Flask: Rust keeps it permanent, with Flask's `Expires`.
    visit(&client, &flask, "/permanent").await;
    let read = visit(&client, &rust, "/check").await;
    assert_eq!(json_body(&read)["permanent"], json!(true));
    assert!(
        read.set_cookie.iter().any(|l| l.contains("Expires=")),
        "refreshed with Expires: {:?}",
        read.set_cookie
    );
    assert_eq!(
        json_body(&visit(&client, &flask, "/check").await)["permanent"],
        json!(true)
    );

    // Rust clears it; Flask sees an empty session.
    visit(&client, &rust, "/clear").await;
    let check = json_body(&visit(&client, &flask, "/check").await);
    assert_eq!(check["keys"], json!([]), "{check}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_stock_flask_app_and_rust_share_one_cookie_jar() {
    live("stock", FlaskLayout::Stock, SALT, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_original_recipe_and_rust_share_one_cookie_jar() {
    // With the salt some deployments of the recipe used.
    live("recipe", FlaskLayout::Chunked, "cookie-session_ha", true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_documented_chunked_interface_and_rust_share_one_cookie_jar() {
    live("fixed", FlaskLayout::Chunked, SALT, true).await;
}

#[test]
fn hostile_payloads_under_a_valid_signature_never_panic_and_match_flask() {
    let mut oracle = Oracle::start();
    let engine = engine(FlaskLayout::Stock);
    let (mut accepted, mut refused, mut respelled) = (0, 0, 0);
    for seed in 0..3 {
        let answer = oracle.call(json!({
            "op": "hostile", "seed": seed, "count": 1000, "secret": SECRET, "salt": SALT,
            "ts": TS,
        }));
        for case in answer["cases"].as_array().expect("cases") {
            let cookie = case["cookie"].as_str().expect("cookie");
            let session = engine.load_at([format!("session={cookie}").as_str()], TS);
            let reason = session.load_reason();
            if case["ok"] == json!(true) && case["surrogate"] != json!(true) {
                // Whatever Flask loads, Rust loads as the same session: the same JSON, or
                // (for a spelling Flask reads leniently, such as an odd date, which Rust
                // keeps as it came) JSON that Flask reads back as that session.
                assert_eq!(reason, LoadReason::Valid, "{case}");
                let rust = to_json(&session.entries());
                if Some(rust.as_str()) != case["json"].as_str() {
                    let canon = oracle.call(json!({"op": "canon", "json": rust}));
                    assert_eq!(canon["json"], case["json"], "{case}");
                    assert!(
                        rust.contains(r#"{" d":"#),
                        "only dates are kept as spelled: {case}"
                    );
                    respelled += 1;
                }
                accepted += 1;
            } else {
                // What Flask cannot load (a server error there) is an empty session here.
                assert!(
                    matches!(reason, LoadReason::Malformed | LoadReason::TooLarge),
                    "{reason} for {case}"
                );
                assert!(session.is_empty());
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 100 && refused > 100 && respelled < accepted / 4,
        "{accepted} {refused} {respelled}"
    );
}
