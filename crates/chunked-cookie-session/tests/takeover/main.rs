//! Taking over the sessions of other frameworks (features `starlette` and `django`),
//! against cookies made by real Starlette (its `SessionMiddleware`, itsdangerous) and real
//! Django (its `signed_cookies` backend, `django.core.signing`) from PyPI.
//!
//! The Python side runs from `FLASK_PYTHON` or `<workspace>/.venv/bin/python` with Flask,
//! Starlette and Django installed; without them every test here fails and says how to
//! install them. `test-support/frameworks/oracle.py` mints the cookies and says what each
//! framework makes of a cookie:
//!
//! - random sessions (nested, Unicode, ints past 64 bits, floats at the edges, keys and
//!   dicts that look like Flask's tags) are taken over as the same Python values;
//! - expiry as each framework's `max_age` decides it, other secrets, Django's
//!   `SECRET_KEY_FALLBACKS` and its compressed payloads;
//! - hostile tokens (every byte changed in turn, truncations, extensions) judged as the
//!   framework judges them: the engine takes a session over only when the framework itself
//!   reads that session;
//! - the previous formats are only read: never an engine's own format.

use chunked_cookie_session::flask::from_json;
use chunked_cookie_session::{
    ConfigError, EngineOptions, LoadReason, SessionEngine, Setting, WireFormat,
};
use serde_json::{Value, json};
use test_support::oracle::Oracle;

const TS: u64 = 1_700_000_000;
const DAY: u64 = 24 * 3600;
const STARLETTE_SECRET: &str = "starlette's secret_key";
const DJANGO_SECRET: &str = "django-insecure-the-project's-SECRET_KEY";

/// Each framework: its previous format, its name in the oracle, its cookie, its secret.
const FRAMEWORKS: [(WireFormat, &str, &str, &str); 2] = [
    (
        WireFormat::Starlette,
        "starlette",
        "session",
        STARLETTE_SECRET,
    ),
    (WireFormat::Django, "django", "sessionid", DJANGO_SECRET),
];

/// A signed engine, cookie `name`, taking over `previous` sessions (under the same name)
/// verified with `secret` (and `fallbacks`), living `max_age`.
fn engine(
    previous: WireFormat,
    name: &str,
    secret: &str,
    fallbacks: &[&str],
    max_age: u64,
) -> SessionEngine {
    let mut options = EngineOptions::new(WireFormat::Signed);
    options.key = Some(vec![7u8; 32].into());
    options.name = Some(name.to_owned());
    options.max_size = 40 * 1024;
    options.lifetime = Some(std::time::Duration::from_secs(max_age));
    options.secret_key = Some(secret.as_bytes().to_vec().into());
    options.fallback_secrets = fallbacks
        .iter()
        .map(|s| s.as_bytes().to_vec().into())
        .collect();
    let takeover = match previous {
        WireFormat::Starlette => options.starlette_takeover(name),
        WireFormat::Django => options.django_takeover(name),
        _ => unreachable!("a previous format"),
    };
    options
        .migrations
        .push(takeover.expect("a secret to verify with"));
    options.build().expect("valid options")
}

fn text(answer: &Value, field: &str) -> String {
    answer[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {answer}"))
        .to_owned()
}

/// Mints a cookie of `framework` for each of `count` random sessions: (cookie, the session
/// as Flask's tagged JSON writes the same Python values).
fn minted(
    oracle: &mut Oracle,
    framework: &str,
    secret: &str,
    seed: u64,
    count: usize,
) -> Vec<(String, String)> {
    let sessions = oracle.call(&json!({"op": "sessions", "seed": seed, "count": count}));
    sessions["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| {
            let cookie = oracle.call(&json!({
                "op": framework, "json": text(session, "json"), "secret": secret, "ts": TS,
            }));
            (text(&cookie, "cookie"), text(session, "tagged"))
        })
        .collect()
}

fn takes_over_random_sessions(previous: WireFormat, framework: &str, name: &str, secret: &str) {
    let mut oracle = Oracle::start_frameworks();
    let engine = engine(previous, name, secret, &[], 14 * DAY);
    for (cookie, tagged) in minted(&mut oracle, framework, secret, 11, 60) {
        let header = format!("{name}={cookie}");
        let session = engine.load_at([header.as_str()], TS + 60);
        assert_eq!(session.load_reason(), LoadReason::Valid, "{cookie}");
        assert_eq!(session.migrated_from(), Some(0));
        assert!(
            session.is_modified(),
            "a taken-over session is written anew"
        );
        // The Rust API reads plain JSON: the tagged form with Flask's escape undone.
        assert_eq!(
            session.entries(),
            test_support::forge::entries::plain(&from_json(&tagged).expect("Flask's JSON")),
            "{tagged}"
        );
        // The Python binding reads it as Python values, the same ones.
        let python = engine.load_python_at([header.as_str()], TS + 60);
        assert_eq!(python.load_reason(), LoadReason::Valid);
        assert_eq!(python.entries(), session.entries());
        // Written in the engine's own format, under the same name, replacing the old one.
        let outcome = engine.save_at(&session, TS + 60).expect("fits");
        assert!(
            outcome.cookies.iter().all(|c| !c.is_removal()),
            "{:?}",
            outcome.cookies
        );
        let again = engine.load_at([outcome.cookie_header().as_str()], TS + 61);
        assert_eq!(
            (again.load_reason(), again.migrated_from()),
            (LoadReason::Valid, None)
        );
        assert_eq!(again.entries(), session.entries());
    }
}

#[test]
fn starlette_sessions_made_by_starlette_are_taken_over() {
    takes_over_random_sessions(
        WireFormat::Starlette,
        "starlette",
        "session",
        STARLETTE_SECRET,
    );
}

#[test]
fn django_sessions_made_by_django_are_taken_over() {
    takes_over_random_sessions(WireFormat::Django, "django", "sessionid", DJANGO_SECRET);
}

#[test]
fn expiry_and_secrets_as_each_framework_decides() {
    let mut oracle = Oracle::start_frameworks();
    let session = r#"{"user": "ada"}"#;
    for (previous, framework, name, secret) in FRAMEWORKS {
        let cookie = text(
            &oracle.call(&json!({"op": framework, "json": session, "secret": secret, "ts": TS})),
            "cookie",
        );
        let header = format!("{name}={cookie}");
        let max_age = 3600;
        let engine = engine(previous, name, secret, &[], max_age);
        // The last second the framework reads it, and the first it does not.
        for (now, want) in [
            (TS + max_age, LoadReason::Valid),
            // Past it, not taken over: the reason is the engine's own for that cookie (a
            // token of another format under its name), as for any previous cookie refused.
            (TS + max_age + 1, LoadReason::Malformed),
        ] {
            let verdict = oracle.call(&json!({
                "op": format!("{framework}_read"), "cookie": cookie, "secret": secret,
                "fallbacks": [], "now": now, "max_age": max_age,
            }));
            assert_eq!(
                verdict["session"].is_object(),
                want == LoadReason::Valid,
                "{verdict}"
            );
            assert_eq!(
                engine.load_at([header.as_str()], now).load_reason(),
                want,
                "{framework} at {now}"
            );
        }
        // Another secret: not taken over, and left in place. Starlette's token is shaped as
        // itsdangerous's (Flask's) are, and named as one signed with another secret;
        // Django's is no session of the engine's own format either.
        let other = engine_for(previous, name, "another app's secret");
        let want = if framework == "starlette" {
            LoadReason::ForeignKey
        } else {
            LoadReason::Malformed
        };
        assert_eq!(other.load_at([header.as_str()], TS).load_reason(), want);
    }
}

/// An engine taking over with `secret`, sessions living 14 days.
fn engine_for(previous: WireFormat, name: &str, secret: &str) -> SessionEngine {
    engine(previous, name, secret, &[], 14 * DAY)
}

#[test]
fn djangos_fallback_secrets_compression_and_salt() {
    let mut oracle = Oracle::start_frameworks();
    // Long and repetitive: Django compresses it (the payload starts with ".").
    let big = json!({"cart": vec!["the same item"; 400], "user": "ada"}).to_string();
    let cookie = text(
        &oracle.call(&json!({"op": "django", "json": big, "secret": "the old key", "ts": TS})),
        "cookie",
    );
    assert!(cookie.starts_with('.'), "{cookie}");
    let header = format!("sessionid={cookie}");
    let rotated = engine(
        WireFormat::Django,
        "sessionid",
        DJANGO_SECRET,
        &["the old key"],
        14 * DAY,
    );
    let session = rotated.load_at([header.as_str()], TS + 1);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(
        session
            .get_value("cart")
            .map(|cart| cart.as_array().map(Vec::len)),
        Some(Some(400))
    );
    // Without the fallback, refused.
    let plain = engine_for(WireFormat::Django, "sessionid", DJANGO_SECRET);
    assert_eq!(
        plain.load_at([header.as_str()], TS + 1).load_reason(),
        LoadReason::Malformed
    );
}

/// Mutations of a valid token: every byte replaced in turn by a few others, truncations,
/// extensions, separators doubled.
fn mutations(token: &str) -> Vec<String> {
    let bytes = token.as_bytes();
    let mut out = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        for replacement in [b'A', b'-', b'_', b'.', b':', b'=', b'+'] {
            if replacement != b {
                let mut changed = bytes.to_vec();
                changed[i] = replacement;
                out.push(String::from_utf8(changed).expect("ASCII"));
            }
        }
    }
    for cut in [1, 2, 5, token.len() / 2] {
        out.push(token[..token.len() - cut].to_owned());
        out.push(token[cut..].to_owned());
    }
    for extra in ["=", "==", "A", ".", ":", ".x", ":x"] {
        out.push(format!("{token}{extra}"));
    }
    out.push(token.replacen('.', "..", 1));
    out.push(token.replacen(':', "::", 1));
    out
}

#[test]
fn hostile_tokens_are_taken_over_only_when_the_framework_reads_them() {
    let mut oracle = Oracle::start_frameworks();
    for (previous, framework, name, secret) in FRAMEWORKS {
        let engine = engine_for(previous, name, secret);
        let token = text(
            &oracle.call(&json!({"op": framework, "json": r#"{"user": "ada", "n": 7}"#, "secret": secret, "ts": TS})),
            "cookie",
        );
        let mut agreed = 0;
        for mutated in mutations(&token) {
            let verdict = oracle.call(&json!({
                "op": format!("{framework}_read"), "cookie": mutated, "secret": secret,
                "fallbacks": [], "now": TS + 5, "max_age": 14 * DAY,
            }));
            let header = format!("{name}={mutated}");
            let session = engine.load_at([header.as_str()], TS + 5);
            match verdict["session"].as_object() {
                Some(read) => {
                    // The framework reads it (a lenient base64 detail): so does the engine,
                    // the same session.
                    assert_eq!(
                        session.load_reason(),
                        LoadReason::Valid,
                        "{mutated}: {verdict}"
                    );
                    assert_eq!(
                        Value::Object(session.entries()),
                        Value::Object(read.clone()),
                        "{mutated}"
                    );
                }
                None => assert_ne!(
                    session.load_reason(),
                    LoadReason::Valid,
                    "{mutated}: {verdict}"
                ),
            }
            agreed += 1;
        }
        assert!(agreed > 300, "{agreed} mutations of a {framework} token");
    }
}

#[test]
fn previous_formats_are_read_never_written() {
    for format in [WireFormat::Starlette, WireFormat::Django] {
        assert!(format.is_previous_only());
        let mut options = EngineOptions::new(format);
        options.secret_key = Some(b"a secret".to_vec().into());
        let err = options.build().expect_err("not a format to write");
        assert_eq!(err.settings(), [Setting::Format]);
        assert!(matches!(err, ConfigError::UnknownValue { .. }), "{err:?}");
        assert!(!WireFormat::NAMES.contains(&format.as_str()));
        assert!(format.as_str().parse::<WireFormat>().is_err());
    }
    // No secret, no take-over.
    let options = EngineOptions::new(WireFormat::Signed);
    assert!(options.starlette_takeover("session").is_none());
    assert!(options.django_takeover("sessionid").is_none());
}

#[test]
fn a_taken_over_cookie_of_another_name_is_deleted_by_the_write() {
    let mut oracle = Oracle::start_frameworks();
    let cookie = text(
        &oracle.call(&json!({"op": "starlette", "json": r#"{"user": "ada"}"#, "secret": STARLETTE_SECRET, "ts": TS})),
        "cookie",
    );
    let mut options = EngineOptions::new(WireFormat::Signed);
    options.key = Some(vec![7u8; 32].into());
    options.name = Some("__Host-session".to_owned());
    options.secret_key = Some(STARLETTE_SECRET.as_bytes().to_vec().into());
    let previous = options.starlette_takeover("session").expect("a secret");
    options.migrations.push(previous);
    let engine = options.build().expect("valid");
    let header = format!("session={cookie}");
    let session = engine.load_at([header.as_str()], TS + 1);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    let outcome = engine.save_at(&session, TS + 1).expect("fits");
    let changes: Vec<_> = outcome
        .cookies
        .iter()
        .map(|c| (c.name(), c.is_removal()))
        .collect();
    assert_eq!(changes, [("session", true), ("__Host-session", false)]);
}
