//! `Session::renew`, which login depends on, tested against what its documentation
//! guarantees: the response writes the session again, under a new generation id and with
//! a new absolute lifetime, and replaces or deletes every cookie of the old write in that
//! same response. And against what it says it cannot do: a copy of the old cookie set
//! taken before the renewal stays valid until its own deadline, because nothing on the
//! server remembers it (true of every client-side session).

use chunked_cookie_session::{LoadReason, SessionEngine};
use serde_json::{Map, Value, json};
use test_support::Jar;

use super::fixture::Fixture;
use super::support::*;

every_format!(
    renewal_writes_the_session_anew,
    a_renewal_that_shrinks_deletes_the_extra_chunks,
    renewal_cannot_revoke_a_copied_old_set,
);

/// A day after the anonymous session was first written, the user logs in.
const LOGIN: u64 = NOW + 24 * 3600;

fn setup(f: &Fixture) -> (SessionEngine, Map<String, Value>, Jar) {
    let config = uncompressed().build().expect("valid");
    let engine = f.engine(config);
    let mut anonymous = sized(f, &engine, 3, 1);
    anonymous.insert("cart".to_owned(), json!([1, 2]));
    let jar = write(f, &engine, &anonymous);
    assert_eq!(jar.len(), 3);
    (engine, anonymous, jar)
}

/// The chunk values of a jar, by index.
fn values(f: &Fixture, jar: &Jar) -> Vec<String> {
    (0..jar.len())
        .map(|index| {
            jar.get(&f.chunk_name(f.base(), index))
                .expect("a chunk")
                .to_owned()
        })
        .collect()
}

fn renewal_writes_the_session_anew(f: &Fixture) {
    let (engine, anonymous, jar) = setup(f);
    let config = engine.config().clone();
    let lifetime = config.lifetime().as_secs();
    let old = values(f, &jar);
    let old_token = f.token(old.iter().map(String::as_str));

    // Without a renewal, a change keeps the native session's first deadline (Flask's
    // lifetime runs from every write anyway).
    let plain = load_jar(&engine, &jar, LOGIN);
    plain.insert("user", "ada").expect("insert");
    if f.restarts_lifetime() {
        assert_eq!(plain.expires_at(), LOGIN + lifetime);
    } else {
        assert_eq!(plain.expires_at(), NOW + lifetime);
    }

    // Login: the handler stores the user and renews.
    let session = load_jar(&engine, &jar, LOGIN);
    session.insert("user", "ada").expect("insert");
    session.renew();
    assert!(session.is_modified());
    assert_eq!(
        session.expires_at(),
        LOGIN + lifetime,
        "a new absolute lifetime"
    );
    let outcome = engine.save_at(&session, LOGIN).expect("fits");
    let sets = check_outcome(f, &config, &outcome);
    let new_token = token_of(f, &sets);
    let last_valid = if f.is_native() {
        LOGIN + lifetime - 1
    } else {
        LOGIN + lifetime
    };
    assert_eq!(f.last_valid_second(&new_token, lifetime), last_valid);
    assert_eq!(f.issued_at(&new_token), LOGIN);

    // Every cookie of the old write is replaced or deleted in this same response.
    for index in 0..old.len() {
        assert!(
            outcome.cookies.iter().any(|cookie| cookie.index() == index),
            "the old chunk {index} is left as it was"
        );
    }
    // Under a new generation id: every chunk's generation prefix changed.
    if let Some(old_generation) = f.generation(&old[0]) {
        let generation = f.generation(sets[0].value()).expect("a generation");
        assert_ne!(generation, old_generation);
        for set in &sets[1..] {
            assert!(!set.value().starts_with(old_generation), "{}", set.name());
        }
    }
    assert_ne!(new_token, old_token);

    let mut renewed = jar.clone();
    renewed.apply_outcome(&outcome);
    let back = load_jar(&engine, &renewed, LOGIN + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    let mut expected = anonymous.clone();
    expected.insert("user".to_owned(), json!("ada"));
    assert_eq!(back.entries(), expected);

    // No chunk of the old write joins the new one: natively it is another generation;
    // without a manifest the mix fails the signature.
    let mixed = if f.is_native() {
        LoadReason::StaleChunk
    } else {
        LoadReason::BadSignature
    };
    for (index, value) in old.iter().enumerate().take(renewed.len()) {
        let mut spliced = renewed.clone();
        spliced.put(&f.chunk_name(f.base(), index), value);
        let session = load_jar(&engine, &spliced, LOGIN + 1);
        assert_eq!(
            session.load_reason(),
            mixed,
            "old chunk {index} among the new"
        );
        assert!(session.is_empty());
    }

    // A renewal alone, with no other change, still writes the session anew.
    let unchanged = load_jar(&engine, &jar, LOGIN);
    assert!(unchanged.contains("cart"));
    unchanged.renew();
    let outcome = engine.save_at(&unchanged, LOGIN).expect("fits");
    let sets = check_outcome(f, &config, &outcome);
    assert_eq!(sets.len(), old.len());
    assert_ne!(token_of(f, &sets), old_token);
    assert_eq!(
        f.last_valid_second(&token_of(f, &sets), lifetime),
        last_valid
    );
}

fn a_renewal_that_shrinks_deletes_the_extra_chunks(f: &Fixture) {
    let (engine, _, jar) = setup(f);
    let session = load_jar(&engine, &jar, LOGIN);
    // Login replaces the anonymous session's bulk with a small one.
    session.clear();
    session.insert("user", "ada").expect("insert");
    session.renew();
    let outcome = engine.save_at(&session, LOGIN).expect("fits");
    let sets = check_outcome(f, engine.config(), &outcome);
    assert_eq!(sets.len(), 1);
    let removed: Vec<usize> = outcome
        .cookies
        .iter()
        .filter(|cookie| cookie.is_removal())
        .map(chunked_cookie_session::SetCookie::index)
        .collect();
    assert_eq!(removed, [1, 2], "the chunks past the new count are deleted");
    let mut renewed = jar.clone();
    renewed.apply_outcome(&outcome);
    assert_eq!(renewed.names(), [f.chunk_name(f.base(), 0)]);
    let back = load_jar(&engine, &renewed, LOGIN + 1);
    assert_eq!(back.load_reason(), LoadReason::Valid);
    assert_eq!(back.keys(), ["user"]);
}

/// What a renewal cannot do, asserted because it is the truth: the old cookie set, copied
/// before the login (by malware, or from a shared computer), still loads after it, with
/// the anonymous session's entries, until its own deadline; then it expires.
fn renewal_cannot_revoke_a_copied_old_set(f: &Fixture) {
    let (engine, anonymous, jar) = setup(f);
    let lifetime = engine.config().lifetime().as_secs();
    let copied = jar.clone();
    let session = load_jar(&engine, &jar, LOGIN);
    session.insert("user", "ada").expect("insert");
    session.renew();
    let mut renewed = jar.clone();
    renewed.apply_outcome(&engine.save_at(&session, LOGIN).expect("fits"));
    assert_ne!(renewed, copied);

    let replayed = load_jar(&engine, &copied, LOGIN + 1);
    assert_eq!(replayed.load_reason(), LoadReason::Valid);
    assert_eq!(replayed.entries(), anonymous);
    let old_token = f.token(values(f, &copied).iter().map(String::as_str));
    let last = f.last_valid_second(&old_token, lifetime);
    assert!(
        last < LOGIN + lifetime,
        "the copy keeps its own, earlier deadline"
    );
    assert_eq!(
        load_jar(&engine, &copied, last).load_reason(),
        LoadReason::Valid
    );
    assert_eq!(
        load_jar(&engine, &copied, last + 1).load_reason(),
        LoadReason::Expired
    );
}
