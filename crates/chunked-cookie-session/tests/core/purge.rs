//! `Session::purge` followed by writes in the same request (logout with a farewell flash
//! message): the old cookies are deleted or overwritten and a fresh session, which inherits
//! nothing from the old one, is written in that same response.

use chunked_cookie_session::{LoadReason, SessionEngine};
use serde_json::{Map, Value, json};
use test_support::Jar;

use super::fixture::Fixture;
use super::support::*;

every_format!(
    a_write_after_purge_starts_a_fresh_session,
    the_fresh_session_inherits_nothing,
    a_purge_whose_new_entries_go_again_deletes_everything,
    a_write_after_purge_is_held_to_the_budget,
);

/// A day after the session was first written, the user logs out.
const LOGOUT: u64 = NOW + 24 * 3600;

fn setup(f: &Fixture) -> (SessionEngine, Jar) {
    let config = uncompressed().build().expect("valid");
    let engine = f.engine(config);
    let mut old = sized(f, &engine, 3, 1);
    old.insert("user".to_owned(), json!("ada"));
    let jar = write(f, &engine, &old);
    assert_eq!(jar.len(), 3);
    (engine, jar)
}

fn a_write_after_purge_starts_a_fresh_session(f: &Fixture) {
    let (engine, jar) = setup(f);
    let config = engine.config().clone();
    let session = load_jar(&engine, &jar, LOGOUT);
    session.purge();
    session.insert("flash", "bye").expect("insert");
    assert_eq!(session.keys(), ["flash"]);
    let outcome = engine.save_at(&session, LOGOUT).expect("fits");
    let sets = check_outcome(f, &config, &outcome);
    assert_eq!(sets.len(), 1, "a small fresh session takes one cookie");
    // The two chunks the fresh write does not overwrite are deleted, before the set.
    let removed: Vec<&str> = outcome
        .cookies
        .iter()
        .filter(|cookie| cookie.is_removal())
        .map(|cookie| cookie.name())
        .collect();
    assert_eq!(
        removed,
        [f.chunk_name(f.base(), 1), f.chunk_name(f.base(), 2)]
    );
    assert!(outcome.cookies.last().is_some_and(|c| !c.is_removal()));
    assert_eq!(outcome.cookie_line, Some(sets[0].pair().len()));
    if let Some(old_generation) =
        f.generation(jar.get(&f.chunk_name(f.base(), 0)).expect("chunk 0"))
    {
        assert_ne!(f.generation(sets[0].value()), Some(old_generation));
    }

    let mut after = jar.clone();
    after.apply_outcome(&outcome);
    assert_eq!(our_names(f, &after, f.base()), [f.chunk_name(f.base(), 0)]);
    let back = load_jar(&engine, &after, LOGOUT + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    let mut expected = Map::new();
    expected.insert("flash".to_owned(), Value::from("bye"));
    assert_eq!(back.entries(), expected);
}

fn the_fresh_session_inherits_nothing(f: &Fixture) {
    let (engine, jar) = setup(f);
    let lifetime = engine.config().lifetime().as_secs();
    // The old session is persistent; the configured default is not.
    let before = load_jar(&engine, &jar, NOW + 60);
    before.set_persistent(true);
    let mut jar = jar;
    jar.apply_outcome(&engine.save_at(&before, NOW + 60).expect("fits"));
    assert!(load_jar(&engine, &jar, NOW + 120).is_persistent());

    let session = load_jar(&engine, &jar, LOGOUT);
    assert_eq!(
        session.get::<String>("user").expect("a string").as_deref(),
        Some("ada")
    );
    session.purge();
    assert!(
        !session.is_persistent(),
        "persistence is the configuration's again"
    );
    assert_eq!(session.expires_at(), LOGOUT + lifetime, "a new lifetime");
    session.insert("flash", "bye").expect("insert");
    let outcome = engine.save_at(&session, LOGOUT).expect("fits");
    let sets = check_outcome(f, engine.config(), &outcome);
    let token = token_of(f, &sets);
    assert_eq!(f.issued_at(&token), LOGOUT);
    for set in &sets {
        assert!(!set.line().contains("Max-Age="), "{}", set.line());
        assert!(!set.line().contains("Expires="), "{}", set.line());
    }
    let mut after = jar.clone();
    after.apply_outcome(&outcome);
    let back = load_jar(&engine, &after, LOGOUT + 1);
    assert!(!back.contains("user"));
    assert!(!back.is_persistent());
}

fn a_purge_whose_new_entries_go_again_deletes_everything(f: &Fixture) {
    let (engine, jar) = setup(f);
    let session = load_jar(&engine, &jar, LOGOUT);
    session.purge();
    session.insert("flash", "bye").expect("insert");
    session.remove("flash");
    let outcome = engine.save_at(&session, LOGOUT).expect("save");
    assert_eq!(outcome.cookies.len(), 3);
    assert!(outcome.cookies.iter().all(|cookie| cookie.is_removal()));
    assert_eq!(outcome.cookie_line, Some(0));
    let mut after = jar.clone();
    after.apply_outcome(&outcome);
    assert!(after.is_empty());
}

fn a_write_after_purge_is_held_to_the_budget(f: &Fixture) {
    let (engine, jar) = setup(f);
    let session = load_jar(&engine, &jar, LOGOUT);
    session.purge();
    assert_eq!(session.check().expect("an empty session fits").chunks, 0);
    for (key, value) in sized(f, &engine, 2, 9) {
        session.insert_value(&key, value);
    }
    assert_eq!(session.check().expect("fits").chunks, 2);
    let outcome = engine.save_at(&session, LOGOUT).expect("fits");
    let sets = check_outcome(f, engine.config(), &outcome);
    assert_eq!(sets.len(), 2);
    assert_eq!(
        outcome.cookies.iter().filter(|c| c.is_removal()).count(),
        1,
        "only the third old chunk is deleted; the first two are overwritten"
    );
}
