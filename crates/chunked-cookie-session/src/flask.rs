//! Flask compatibility (feature `flask`): read and write the session cookies of a Flask
//! application byte for byte, in Flask's stock layout (one `session` cookie) or the
//! chunked layout of the "Chunked Secure Cookie Session" recipe (`session:0`, `session:1`, …).
//!
//! [`SessionEngine::flask`](crate::SessionEngine::flask) builds an engine from a
//! [`SessionConfig`](crate::SessionConfig) (cookie name and attributes: make them match the
//! Flask app's `SESSION_COOKIE_*` settings) and [`FlaskSettings`] (secret key, fallbacks,
//! salt, lifetime, layout).
//!
//! # Entries
//!
//! The session holds each entry in Flask's tagged JSON, the form Flask's `TaggedJSONSerializer`
//! writes, so an entry the Rust side never touches goes back to Flask exactly as it came.
//! Plain JSON values (strings, numbers, booleans, null, lists, dicts) need nothing special,
//! and stay plain JSON whatever their shape: an object spelled like a tag (`{" m": …}`) is
//! a dict to Flask, escaped as Flask escapes it, never a tag. Python's other types have a
//! Rust type here, a typed value, whose serde form is the tag:
//!
//! | Python | Rust | tagged JSON |
//! |---|---|---|
//! | `tuple` | [`Tuple<T>`] (`T` a Rust tuple or `Vec`) | `{" t": [...]}` |
//! | `bytes` | [`Bytes`] | `{" b": "<base64>"}` |
//! | `markupsafe.Markup` | [`Markup`] | `{" m": "<html>"}` |
//! | `uuid.UUID` | [`Uuid`] (wraps `uuid::Uuid`) | `{" u": "<32 hex>"}` |
//! | `datetime.datetime` | [`DateTime`] (wraps `time::OffsetDateTime`) | `{" d": "<HTTP date>"}` |
//! | `float` (`nan`, `inf`) | [`Float`] | `NaN`, `Infinity` |
//! | `dict` with one tag-like key | any map ([`Dict<T>`] too) | `{" di": {"<key>__": ...}}` |
//! | any of them | [`PyValue`] | its tag |
//! | `int` beyond 64 bits | [`BigInt`] | digits |
//!
//! # Python values
//!
//! [`PyValue`] is the Python value a tagged entry stands for (a `tuple`, `bytes`, a
//! `datetime`, …), for code that hands sessions to Python: the `chunked-cookie-session`
//! Python package maps Python objects onto it one for one and leaves every rule of the
//! tagged JSON to this crate. [`Session::with_python_entries`](crate::Session::with_python_entries)
//! and [`Session::set_python_entries`](crate::Session::set_python_entries) hand a session's
//! entries over and take them back in that form, for a Flask engine or a native one
//! ([`SessionEngine::load_python`](crate::SessionEngine::load_python) reads a native
//! session straight into it), and [`python_from_json`] and [`python_to_json`] read and write
//! Flask's JSON from it.
//!
//! `_permanent` is an ordinary entry in Flask; here it is also the session's persistence:
//! [`Session::set_persistent`](crate::Session::set_persistent) writes it, and a permanent
//! session's cookies carry `Expires` (Flask's `PERMANENT_SESSION_LIFETIME` from now), a
//! non-permanent one's none.
//!
//! # Example
//!
//! ```
//! use chunked_cookie_session::flask::{Bytes, FlaskSettings, Tuple};
//! use chunked_cookie_session::{LoadReason, SessionConfig, SessionEngine};
//!
//! // What a Flask app with SECRET_KEY = "test-secret" writes for {"user": "alice"} at
//! // Unix time 1700000000.
//! let cookie = "session=eyJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.64FjGVGKqiQC_LBQ0Ln1-5m8au0";
//!
//! let config = SessionConfig::flask_defaults().build()?;
//! let engine = SessionEngine::flask(config, FlaskSettings::new("test-secret")?);
//! let session = engine.load_at([cookie], 1_700_000_000);
//! assert_eq!(session.load_reason(), LoadReason::Valid);
//! assert_eq!(session.get::<String>("user")?.as_deref(), Some("alice"));
//!
//! // The same session written by Rust at the same second: the very bytes Flask wrote.
//! let fresh = engine.load_at(std::iter::empty(), 1_700_000_000);
//! fresh.insert("user", "alice")?;
//! let outcome = engine.save_at(&fresh, 1_700_000_000)?;
//! assert_eq!(outcome.cookies[0].line(), format!("{cookie}; HttpOnly; Path=/"));
//!
//! // Python's tuple and bytes, from Rust.
//! session.insert("pair", Tuple((1, "two")))?;
//! session.insert("raw", Bytes(vec![0, 1, 254]))?;
//! assert_eq!(session.get::<Tuple<(i32, String)>>("pair")?, Some(Tuple((1, "two".to_owned()))));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use crate::codec::flask::{
    Bytes, DEFAULT_MAX_AGE, DateTime, Dict, FlaskLayout, FlaskSettings, Float, MAX_CHUNKS, Markup,
    Tuple, Uuid, from_json, python_from_json, python_to_json, to_json, value_from_json,
};
pub use crate::pyvalue::{BigInt, BigIntError, EntryError, InvalidEntry, PyValue, UtcTime};
