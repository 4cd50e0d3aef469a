//! Flask compatibility, against real Flask and itsdangerous from PyPI.
//!
//! The Python side runs from `FLASK_PYTHON` or `<workspace>/.venv/bin/python`; without it
//! every test here fails and says how to install it. The test-support crate keeps the
//! scripts: `oracle.py` answers serializer questions over stdin/stdout (one long-running
//! process per test); `apps.py` is a live Flask app served by werkzeug on 127.0.0.1.
//!
//! - `differential`: thousands of random sessions, encoded by one side and decoded by the
//!   other, byte for byte, every Python type among them;
//! - `rules`: key rotation and expiry as itsdangerous decides them, the chunked layout's
//!   rules, permanence;
//! - `hostile`: mutated payloads under a valid signature, judged as Flask judges them;
//! - `validation`: entries Flask cannot read refused when written, naming entry and tag;
//!   `flask::Dict`; random tag-like keys at every depth, both ways;
//! - `smuggled`: plain JSON from Rust reaches Flask as dicts and lists, never as a tag;
//! - `clocks`: cookies from a host whose clock runs ahead, and what a response that only
//!   read a refused session leaves in the browser;
//! - `live`: a Flask app and a Rust server sharing one cookie jar, in every layout.
//!
//! The behaviour the Flask chunked layout shares with the native formats (round trips,
//! lost lines, cleanup, overflow, renewal) runs in the `core` suite.

mod clocks;
mod differential;
mod hostile;
mod live;
#[path = "../core/logs.rs"]
mod logs;
mod migration;
mod python;
mod rules;
mod smuggled;
mod validation;

use chunked_cookie_session::flask::{EntryError, FlaskLayout, FlaskSettings, PyValue};
use chunked_cookie_session::{
    MAX_NESTING, Outcome, SaveError, Session, SessionConfig, SessionEngine,
};
use serde_json::{Map, Value, json};
use test_support::oracle::Oracle;

const SECRET: &str = "test-secret";
const SALT: &str = "cookie-session";
const TS: u64 = 1_700_000_000;
const MAX_AGE: u64 = 31 * 24 * 3600;

/// Flask's cookie defaults, with room for the recipe's ten cookies.
fn config() -> SessionConfig {
    SessionConfig::flask_defaults()
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

/// A new session holding `entries`, in Flask's tagged JSON (each entry the Python value
/// Flask reads from it, stored as such), written at `TS`. An entry Flask could not read is
/// refused as the write would refuse it.
fn write(engine: &SessionEngine, entries: &Map<String, Value>) -> Result<Outcome, SaveError> {
    let session = engine.load_at(std::iter::empty(), TS);
    for (key, value) in entries {
        let python = PyValue::from_tagged(value).map_err(|err| match err {
            EntryError::Tag(tag) => SaveError::InvalidFlaskEntry {
                entry: key.clone(),
                tag,
            },
            _ => SaveError::TooDeep {
                entry: key.clone(),
                limit: MAX_NESTING,
            },
        })?;
        session
            .insert(key, python)
            .expect("a Python value serializes");
    }
    engine.save_at(&session, TS)
}

/// A session's entries in Flask's tagged JSON, the form Flask's serializer writes (the
/// Rust API reads them as plain JSON, escapes undone).
fn tagged(session: &Session) -> Map<String, Value> {
    session
        .python_entries()
        .expect("entries Flask reads")
        .into_iter()
        .map(|(key, value)| (key, value.into_tagged()))
        .collect()
}

/// The value of the one cookie a stock write sets.
fn stock_value(outcome: &Outcome) -> String {
    assert_eq!(outcome.cookies.len(), 1, "{outcome:?}");
    let cookie = &outcome.cookies[0];
    assert_eq!(cookie.name(), "session");
    cookie.value().to_owned()
}

/// Flask's verdict on a cookie: `ok`, and the JSON, Flask's own re-signed cookie and the
/// Python `repr`; or the exception's class as `error`.
fn flask_loads(
    oracle: &mut Oracle,
    cookie: &str,
    secret: &str,
    fallbacks: &[&str],
    now: u64,
) -> Value {
    oracle.call(&json!({
        "op": "loads", "cookie": cookie, "secret": secret, "fallbacks": fallbacks,
        "salt": SALT, "now": now, "max_age": MAX_AGE,
    }))
}
