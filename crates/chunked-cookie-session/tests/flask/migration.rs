//! `SessionEngine::migrating_from`: an application that moves its sessions to another
//! format keeps its users. A request with no valid session of the new format is read with
//! the previous engines (here Flask's stock cookie, minted by real Flask, and the recipe's
//! pieces), and the response writes the new format and deletes the old cookies.

use chunked_cookie_session::flask::{FlaskLayout, FlaskSettings};
use chunked_cookie_session::{Key, KeyRing, LoadReason, Outcome, SessionConfig, SessionEngine};
use serde_json::json;
use test_support::Jar;
use test_support::oracle::Oracle;

use super::logs::captured;
use super::{SALT, SECRET, TS, config, settings};

fn flask(layout: FlaskLayout) -> SessionEngine {
    SessionEngine::flask(config(), settings(SECRET).layout(layout))
}

fn native(name: &str) -> SessionEngine {
    SessionEngine::signed(
        SessionConfig::flask_defaults()
            .name(name)
            .max_size(40 * 1024)
            .build()
            .expect("valid"),
        KeyRing::new(Key::from_secret(&[7; 32]).expect("a key")),
    )
    .migrating_from(flask(FlaskLayout::Stock))
    .migrating_from(flask(FlaskLayout::Chunked))
}

fn changes(outcome: &Outcome) -> Vec<(String, bool)> {
    outcome
        .cookies
        .iter()
        .map(|c| (c.name().to_owned(), c.is_removal()))
        .collect()
}

#[test]
fn a_stock_flask_cookie_made_by_flask_becomes_a_native_session() {
    let mut oracle = Oracle::start();
    let cookie = oracle.call(&json!({
        "op": "dumps", "json": r#"{"user":"alice","pair":{" t":[1,"x"]}}"#,
        "secret": SECRET, "salt": SALT, "ts": TS,
    }))["cookie"]
        .as_str()
        .expect("a cookie")
        .to_owned();

    // Same name: the new cookie replaces Flask's in place.
    let engine = native("session");
    let mut jar = Jar::new();
    jar.put("session", &cookie);
    let session = engine.load_at([jar.header().as_str()], TS + 5);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(session.migrated_from(), Some(0));
    assert!(session.is_modified());
    assert_eq!(session.get_value("pair"), Some(json!({" t": [1, "x"]})));
    let outcome = engine.save_at(&session, TS + 5).expect("fits");
    assert_eq!(changes(&outcome), [("session".to_owned(), false)]);
    jar.apply_outcome(&outcome);
    let again = engine.load_at([jar.header().as_str()], TS + 6);
    assert_eq!(again.load_reason(), LoadReason::Valid);
    assert_eq!(again.migrated_from(), None);
    assert!(!again.is_modified());
    assert_eq!(
        again.get::<String>("user").expect("text").as_deref(),
        Some("alice")
    );

    // Another name: Flask's cookie is deleted in the same response.
    let engine = native("sid");
    let mut jar = Jar::new();
    jar.put("session", &cookie);
    let session = engine.load_at([jar.header().as_str()], TS + 5);
    assert_eq!(session.migrated_from(), Some(0));
    session.get_value("user");
    let outcome = engine.save_at(&session, TS + 5).expect("fits");
    assert_eq!(
        changes(&outcome),
        [("session".to_owned(), true), ("sid".to_owned(), false)]
    );
}

#[test]
fn the_recipes_pieces_are_read_and_deleted() {
    let old = flask(FlaskLayout::Chunked);
    let session = old.load_at(std::iter::empty(), TS);
    session
        .insert("notes", test_support::noise(6000, 3))
        .expect("insert");
    let pieces = old.save_at(&session, TS).expect("fits");
    assert!(pieces.cookies.len() >= 2);
    let mut jar = Jar::new();
    jar.apply_outcome(&pieces);
    jar.put("theme", "dark");

    let engine = native("session");
    let moved = engine.load_at([jar.header().as_str()], TS + 1);
    assert_eq!(moved.migrated_from(), Some(1));
    assert_eq!(
        moved.get::<String>("notes").expect("text").map(|n| n.len()),
        Some(6000)
    );
    let outcome = engine.save_at(&moved, TS + 1).expect("fits");
    jar.apply_outcome(&outcome);
    let mut names = jar.names();
    names.sort();
    let mut want = vec!["theme".to_owned()];
    want.extend(
        outcome
            .cookies
            .iter()
            .filter(|c| !c.is_removal())
            .map(|c| c.name().to_owned()),
    );
    want.sort();
    assert_eq!(names, want, "{:?}", changes(&outcome));
    assert!(
        outcome
            .cookies
            .iter()
            .any(|c| c.name() == "session:1" && c.is_removal())
    );

    // Within Flask's format: the stock layout adopts the recipe's pieces.
    let stock = flask(FlaskLayout::Stock).migrating_from(flask(FlaskLayout::Chunked));
    let mut jar = Jar::new();
    let small = old.load_at(std::iter::empty(), TS);
    small.insert("user", "ada").expect("insert");
    jar.apply_outcome(&old.save_at(&small, TS).expect("fits"));
    let adopted = stock.load_at([jar.header().as_str()], TS);
    assert_eq!(adopted.migrated_from(), Some(0));
    let outcome = stock.save_at(&adopted, TS).expect("fits");
    assert_eq!(
        changes(&outcome),
        [
            ("session:0".to_owned(), true),
            ("session".to_owned(), false)
        ]
    );
}

/// A stock Flask cookie, made by real Flask, that this server's `SECRET_KEY` does not verify
/// (a deploy with the wrong key): the session is empty, the reason and the log say it looks
/// like a Flask session signed with another key, and a response that writes nothing leaves
/// the cookie alone, so the server rolled back to the right key reads it. The same holds
/// when the cookie shares the native engine's name (read first as a native cookie, which it
/// is not) and when it does not.
///
/// Before issue 19 the same-name cookie was refused as `malformed` ("not in a format this
/// server reads") and the read-only response deleted it: every user logged out, for good.
#[test]
fn a_flask_cookie_signed_with_another_key_is_named_and_kept() {
    let mut oracle = Oracle::start();
    let cookie = oracle.call(&json!({
        "op": "dumps", "json": r#"{"user":"alice"}"#,
        "secret": SECRET, "salt": SALT, "ts": TS,
    }))["cookie"]
        .as_str()
        .expect("a cookie")
        .to_owned();
    let misconfigured = |name: &str| {
        let wrong = SessionEngine::flask(config(), settings("the wrong SECRET_KEY"));
        SessionEngine::signed(
            SessionConfig::flask_defaults()
                .name(name)
                .build()
                .expect("valid"),
            KeyRing::new(Key::from_secret(&[7; 32]).expect("a key")),
        )
        .migrating_from(wrong)
    };
    for name in ["session", "sid"] {
        let mut jar = Jar::new();
        jar.put("session", &cookie);
        let engine = misconfigured(name);
        let (outcome, logs) = captured(|| {
            let session = engine.load_at([jar.header().as_str()], TS + 5);
            assert_eq!(session.load_reason(), LoadReason::ForeignKey, "{name}");
            assert!(session.is_empty() && session.migrated_from().is_none());
            engine.save_at(&session, TS + 5).expect("save")
        });
        assert!(
            outcome.cookies.is_empty(),
            "{name}: {:?}",
            changes(&outcome)
        );
        let line = logs
            .lines()
            .find(|line| line.contains("foreign-key"))
            .unwrap_or_else(|| panic!("{name}: no foreign-key line in {logs:?}"));
        assert!(line.contains(" WARN "), "{line}");
        assert!(
            line.contains("looks like a Flask session signed with another secret key"),
            "{line}"
        );
        assert!(!logs.contains(&cookie[..20]), "{logs}");
        // Rolled back to the right key: the same cookies read, and are taken over.
        jar.apply_outcome(&outcome);
        let session = native(name).load_at([jar.header().as_str()], TS + 6);
        assert_eq!(session.load_reason(), LoadReason::Valid, "{name}");
        assert_eq!(session.migrated_from(), Some(0));
        assert_eq!(
            session.get::<String>("user").expect("text").as_deref(),
            Some("alice")
        );
    }
    // A cookie of this name in no format at all is no Flask session under another key.
    for junk in ["session=forged", "session=forged.too"] {
        let session = misconfigured("session").load_at([junk], TS);
        assert_eq!(session.load_reason(), LoadReason::Malformed, "{junk}");
    }
}

#[test]
fn lingering_old_cookies_go_with_the_next_write_only() {
    let engine = native("sid");
    let fresh = engine.load_at(std::iter::empty(), TS);
    fresh.insert("user", "ada").expect("insert");
    let mut jar = Jar::new();
    jar.apply_outcome(&engine.save_at(&fresh, TS).expect("fits"));
    // A stale Flask cookie under another secret, beside a valid native session.
    let stale = SessionEngine::flask(config(), FlaskSettings::new("other").expect("secret"));
    let s = stale.load_at(std::iter::empty(), TS);
    s.insert("user", "eve").expect("insert");
    jar.apply_outcome(&stale.save_at(&s, TS).expect("fits"));

    let read = engine.load_at([jar.header().as_str()], TS + 1);
    assert_eq!(
        read.get::<String>("user").expect("text").as_deref(),
        Some("ada")
    );
    assert_eq!(read.migrated_from(), None);
    assert!(
        engine
            .save_at(&read, TS + 1)
            .expect("save")
            .cookies
            .is_empty()
    );

    let write = engine.load_at([jar.header().as_str()], TS + 1);
    write.insert("visits", 2).expect("insert");
    let outcome = engine.save_at(&write, TS + 1).expect("save");
    assert_eq!(
        changes(&outcome),
        [("session".to_owned(), true), ("sid".to_owned(), false)]
    );

    // A purge deletes them too.
    let purged = engine.load_at([jar.header().as_str()], TS + 1);
    purged.purge();
    let outcome = engine.save_at(&purged, TS + 1).expect("save");
    assert_eq!(
        changes(&outcome),
        [("sid".to_owned(), true), ("session".to_owned(), true)]
    );
}
