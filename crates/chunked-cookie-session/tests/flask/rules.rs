//! Flask's rules as itsdangerous and Flask apply them: which keys and clocks verify a
//! cookie, how the chunked layout reads and cleans its pieces, and how permanence is the
//! `_permanent` entry.

use chunked_cookie_session::flask::FlaskLayout;
use chunked_cookie_session::{LoadReason, SessionEngine, SetCookie};
use serde_json::{Map, json};
use test_support::oracle::Oracle;
use test_support::{Jar, noise};

use super::{MAX_AGE, SALT, SECRET, TS, config, engine, flask_loads, settings, stock_value, write};

/// The clock-skew allowance of the engines here: the library's default, 60 seconds.
const SKEW: u64 = 60;

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
    let flask = flask_loads(oracle, cookie, secret, fallbacks, now);
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
        oracle.call(&json!({
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
        (&new, "new-secret", vec![], TS - SKEW),
        (&new, "new-secret", vec![], TS - SKEW - 1),
        (&new, "new-secret", vec![], 0),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (cookie, secret, fallbacks, now) in cases {
        let (rust, flask) = verdicts(&mut oracle, cookie, secret, &fallbacks, now);
        // Flask refuses a signature from the future outright; this crate allows the
        // configured clock skew (FLASK.md, "Clocks"), and agrees everywhere else.
        let allowed = flask == "expired" && now < TS && TS - now <= SKEW && rust == "valid";
        assert!(
            rust == flask || allowed,
            "{cookie} {secret} {fallbacks:?} at {now}: Rust {rust}, Flask {flask}"
        );
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
    let cookie = stock_value(&engine.save_at(&session, TS + 5).expect("fits"));
    assert_eq!(
        flask_loads(&mut oracle, &cookie, "new-secret", &[], TS + 5)["ok"],
        json!(true)
    );
}

#[test]
fn chunked_layout_rules() {
    let chunked = engine(FlaskLayout::Chunked);
    let mut entries = Map::new();
    // Random text that zlib shrinks by a quarter only: three pieces.
    entries.insert("noise".into(), json!(noise(9000, 7)));
    let written = write(&chunked, &entries).expect("fits");
    let mut jar = Jar::new();
    jar.apply_outcome(&written);
    let sent = jar.len();
    assert!(sent >= 3, "{sent}");

    // All pieces, in any header order and split over fields: valid.
    let mut reversed: Vec<String> = jar.fields().into_iter().rev().collect();
    reversed.push("sessionid=unrelated; session=stock-leftover; session:x=1".into());
    let session = chunked.load_at(reversed.iter().map(String::as_str), TS);
    assert_eq!(session.load_reason(), LoadReason::Valid);

    // A gap: the pieces after it are debris, the join stops there, and the signature
    // (over the whole value) refuses the partial value.
    let mut gap = jar.clone();
    gap.remove("session:1");
    let session = chunked.load_at(gap.fields().iter().map(String::as_str), TS);
    assert_eq!(session.load_reason(), LoadReason::BadSignature);
    assert!(session.is_empty());
    // A response that does not write leaves a refused Flask session in the browser, as
    // Flask does (FLASK.md, "Rejected cookies").
    let cleanup = chunked.save_at(&session, TS).expect("cleanup");
    assert!(cleanup.cookies.is_empty(), "{cleanup:?}");

    // Shrinking from three pieces to one deletes the two the browser still holds.
    let session = chunked.load_at([written.cookie_header().as_str()], TS);
    session.insert("noise", "short").expect("insert");
    let shrunk = chunked.save_at(&session, TS).expect("fits");
    let deleted: Vec<usize> = shrunk
        .cookies
        .iter()
        .filter(|cookie| cookie.is_removal())
        .map(SetCookie::index)
        .collect();
    assert_eq!(deleted, (1..sent).collect::<Vec<_>>());
    assert_eq!(shrunk.cookies.len(), sent);
    let last = shrunk.cookies.last().expect("a set");
    assert!(last.name() == "session:0" && !last.is_removal());

    // Duplicates: the first of a name counts, as werkzeug reads it.
    let stock = engine(FlaskLayout::Stock);
    let good = write(&stock, &entries);
    let small =
        stock_value(&write(&stock, &Map::from_iter([("a".to_owned(), json!(1))])).expect("fits"));
    assert!(
        good.is_err(),
        "9000 characters of noise do not fit one cookie"
    );
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
    assert!(
        stock
            .save_at(&fresh, TS)
            .expect("nothing")
            .cookies
            .is_empty()
    );
    let session = stock.load_at([format!("session={small}").as_str()], TS);
    session.clear();
    let deletion = stock.save_at(&session, TS).expect("deletion");
    assert_eq!(deletion.cookies.len(), 1);
    let cookie = &deletion.cookies[0];
    assert!(cookie.name() == "session" && cookie.is_removal() && cookie.value().is_empty());
    assert_eq!(deletion.cookie_line, Some(0));
}

#[test]
fn permanence_is_the_permanent_entry() {
    let mut oracle = Oracle::start();
    let stock = engine(FlaskLayout::Stock);
    let session = stock.load_at(std::iter::empty(), TS);
    session.insert("user", "alice").expect("insert");
    let line = stock.save_at(&session, TS).expect("fits").cookies[0]
        .line()
        .to_owned();
    assert!(!line.contains("Expires") && !line.contains("Max-Age"));
    session.set_persistent(true);
    let permanent = stock.save_at(&session, TS).expect("fits");
    // Flask's permanent session: `_permanent` inside, `Expires` lifetime ahead, no Max-Age.
    let line = permanent.cookies[0].line();
    assert!(
        line.contains("Expires=Fri, 15 Dec 2023 22:13:20 GMT"),
        "{line}"
    );
    assert!(!line.contains("Max-Age"));
    let cookie = stock_value(&permanent);
    let flask = oracle.call(&json!({
        "op": "dumps", "json": r#"{"_permanent":true,"user":"alice"}"#,
        "secret": SECRET, "salt": SALT, "ts": TS,
    }));
    assert_eq!(flask["cookie"].as_str(), Some(cookie.as_str()));

    // Read back later, untouched: a permanent session is signed again with a fresh
    // timestamp on every request (SESSION_REFRESH_EACH_REQUEST), a plain one is not.
    let later = stock.load_at([format!("session={cookie}").as_str()], TS + 60);
    assert!(later.is_persistent());
    let refreshed = stock.save_at(&later, TS + 60).expect("refresh");
    assert_eq!(refreshed.cookies.len(), 1);
    assert!(
        refreshed.cookies[0]
            .line()
            .contains("Expires=Fri, 15 Dec 2023 22:14:20 GMT")
    );
    later.set_persistent(false);
    assert_eq!(later.get_value("_permanent"), Some(json!(false)));
    let plain = stock.save_at(&later, TS + 60).expect("fits");
    assert!(!plain.cookies[0].line().contains("Expires"));
}
