//! A session's identity (docs/FORMAT.md, section 11): an id the same across writes and new
//! at every renewal, when it was created, a subject the application sets; version 1
//! cookies load and gain their id at the next write; the private format hides the subject;
//! Flask's format carries the identity in reserved entries only with a revocation store.

use std::sync::Arc;

use chunked_cookie_session::revocation::{IdentityError, MAX_SUBJECT_LEN, MemoryRevocation};
use chunked_cookie_session::{Compression, LoadReason, Session, SessionConfig, SessionEngine};
use serde_json::json;
use test_support::Jar;

use super::fixture::Fixture;
use super::forge::{VERSION_2, decode, for_fixture};
use super::support::*;

every_format!(
    the_id_stays_across_writes_and_a_renewal_replaces_it,
    the_subject_is_set_read_and_kept,
    a_session_bound_to_a_subject_alone_is_written,
);
native_formats!(
    a_version_1_session_loads_and_gains_its_id_at_the_next_write,
    what_the_cookie_shows_of_the_identity,
);

/// An engine of `f` with a memory revocation store, so that every format carries the
/// identity (Flask's only does with a store).
pub fn revocable(f: &Fixture, store: MemoryRevocation) -> SessionEngine {
    f.engine(SessionConfig::default())
        .with_revocation(Arc::new(store))
        .expect("the store keeps revocations as long as the sessions live")
}

/// Saves `session` at `now`, checks the response and applies it to `jar`.
fn respond_at(f: &Fixture, engine: &SessionEngine, session: &Session, jar: &mut Jar, now: u64) {
    let outcome = engine.save_at(session, now).expect("the session fits");
    respond(f, engine.config(), jar, &outcome);
}

fn the_id_stays_across_writes_and_a_renewal_replaces_it(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let mut jar = Jar::new();
    let first = engine.load_at(std::iter::empty(), NOW);
    first.insert("n", 1).expect("insert");
    let id = first.id().expect("an id");
    let created = first.created().expect("a time");
    assert_eq!(first.id().expect("an id"), id, "drawn once");
    respond_at(f, &engine, &first, &mut jar, NOW);

    // Read, then written again with a change: the same id and creation time throughout.
    let second = load_jar(&engine, &jar, NOW + 10);
    assert_eq!(second.load_reason(), LoadReason::Valid);
    assert_eq!(second.id().expect("an id"), id);
    second.insert("n", 2).expect("insert");
    respond_at(f, &engine, &second, &mut jar, NOW + 10);
    let third = load_jar(&engine, &jar, NOW + 20);
    assert_eq!(
        (third.id().expect("an id"), third.created().expect("a time")),
        (id, created)
    );
    assert_eq!(third.get::<u32>("n").expect("a number"), Some(2));

    // A renewal (a login) replaces the id, drawn at once when asked for, and written.
    third.renew();
    let renewed = third.id().expect("an id");
    assert_ne!(renewed, id);
    assert!(third.created().expect("a time") > created);
    respond_at(f, &engine, &third, &mut jar, NOW + 20);
    let fourth = load_jar(&engine, &jar, NOW + 30);
    assert_eq!(fourth.id().expect("an id"), renewed);
    if f.is_native() {
        let chunk0 = jar.get(f.base()).expect("chunk 0");
        assert_eq!(
            decode(chunk0)[0],
            VERSION_2,
            "{}: written as version 2",
            f.name
        );
    }

    // A renewal before the id was ever asked for draws it at the write.
    let fresh = engine.load_at(std::iter::empty(), NOW);
    fresh.insert("n", 1).expect("insert");
    fresh.renew();
    let mut other = Jar::new();
    respond_at(f, &engine, &fresh, &mut other, NOW);
    let written = fresh.id().expect("an id");
    assert_eq!(load_jar(&engine, &other, NOW).id().expect("an id"), written);
}

fn the_subject_is_set_read_and_kept(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let mut jar = Jar::new();
    let login = engine.load_at(std::iter::empty(), NOW);
    login.insert("cart", json!([1])).expect("insert");
    respond_at(f, &engine, &login, &mut jar, NOW);

    let session = load_jar(&engine, &jar, NOW + 1);
    assert_eq!(session.subject(), None);
    // Refused subjects change nothing.
    assert_eq!(session.set_subject(""), Err(IdentityError::EmptySubject));
    assert_eq!(
        session.set_subject("ada\r\nbob"),
        Err(IdentityError::SubjectControl)
    );
    let long = "a".repeat(MAX_SUBJECT_LEN + 1);
    assert_eq!(
        session.set_subject(long),
        Err(IdentityError::SubjectTooLong(MAX_SUBJECT_LEN + 1))
    );
    assert!(!session.is_modified());
    // At login: renew, then bind.
    session.renew();
    session
        .set_subject("ada.lovelace@example.com")
        .expect("a subject");
    assert!(session.is_modified());
    respond_at(f, &engine, &session, &mut jar, NOW + 1);

    let again = load_jar(&engine, &jar, NOW + 2);
    assert_eq!(again.subject().as_deref(), Some("ada.lovelace@example.com"));
    // The same subject again is no change; a renewal keeps it.
    again
        .set_subject("ada.lovelace@example.com")
        .expect("a subject");
    assert!(!again.is_modified());
    again.renew();
    respond_at(f, &engine, &again, &mut jar, NOW + 2);
    let renewed = load_jar(&engine, &jar, NOW + 3);
    assert_eq!(
        renewed.subject().as_deref(),
        Some("ada.lovelace@example.com")
    );
    // Unbound again: written without it.
    renewed.clear_subject();
    assert!(renewed.is_modified());
    respond_at(f, &engine, &renewed, &mut jar, NOW + 3);
    let unbound = load_jar(&engine, &jar, NOW + 4);
    assert_eq!(unbound.subject(), None);
    assert_eq!(
        unbound.get::<Vec<u8>>("cart").expect("a list"),
        Some(vec![1])
    );

    // `clear`, the usual logout, drops the subject with the entries.
    unbound.set_subject("ada").expect("a subject");
    unbound.clear();
    assert_eq!(unbound.subject(), None);
}

fn a_session_bound_to_a_subject_alone_is_written(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let mut jar = Jar::new();
    let session = engine.load_at(std::iter::empty(), NOW);
    session.set_subject("ada").expect("a subject");
    assert!(session.is_empty(), "no entry");
    respond_at(f, &engine, &session, &mut jar, NOW);
    assert!(!jar.is_empty(), "{}: a subject is worth a cookie", f.name);
    let again = load_jar(&engine, &jar, NOW + 1);
    assert_eq!(again.subject().as_deref(), Some("ada"));
    assert!(again.is_empty());
    // Unbound and empty, nothing is left to keep: the cookies go.
    again.clear_subject();
    let outcome = engine.save_at(&again, NOW + 1).expect("deletions");
    assert!(
        !outcome.cookies.is_empty() && outcome.cookies.iter().all(|c| c.is_removal()),
        "{}: {outcome:?}",
        f.name
    );
}

fn a_version_1_session_loads_and_gains_its_id_at_the_next_write(f: &Fixture) {
    let engine = f.engine(SessionConfig::default());
    let forger = for_fixture(f, 1, f.base());
    let pairs = forger.seal(0, 1, NOW, br#"{"user":"ada"}"#);
    assert_eq!(decode(&pairs[0].1)[0], 1, "version 1");
    let cookie = format!("{}={}", f.base(), pairs[0].1);
    let session = engine.load_at([cookie.as_str()], NOW + 1);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(
        session.get::<String>("user").expect("text").as_deref(),
        Some("ada")
    );
    // Its id is derived from the write, the same for every copy of it; it was created when
    // its deadline less the lifetime says; it has no subject.
    let id = session.id().expect("an id");
    assert_eq!(
        engine
            .load_at([cookie.as_str()], NOW + 2)
            .id()
            .expect("an id"),
        id
    );
    let lifetime = engine.config().lifetime().as_secs();
    let expires_at = NOW + 14 * 24 * 3600;
    assert_eq!(
        session.created().expect("a time"),
        (expires_at - lifetime) * 1_000_000
    );
    assert_eq!(session.subject(), None);
    // Read and left alone, it stays version 1; written, it becomes version 2 with that id.
    assert!(
        engine
            .save_at(&session, NOW + 1)
            .expect("nothing")
            .cookies
            .is_empty()
    );
    session.insert("visits", 1).expect("insert");
    let outcome = engine.save_at(&session, NOW + 1).expect("fits");
    let written = check_outcome(f, engine.config(), &outcome);
    let opened = forger.open(written[0].value());
    assert_eq!(opened.header.version, VERSION_2);
    let identity = opened.identity.expect("an identity");
    assert_eq!(identity.id_text(), id.to_string());
    assert_eq!(identity.created, (expires_at - lifetime) * 1_000_000);
    assert_eq!(identity.subject, None);
    assert_eq!(opened.header.expires_at, expires_at, "the same deadline");
}

fn what_the_cookie_shows_of_the_identity(f: &Fixture) {
    const SUBJECT: &str = "ada.lovelace@example.com";
    let engine = f.engine(
        SessionConfig::builder()
            .compression(Compression::On)
            .build()
            .expect("valid"),
    );
    let session = engine.load_at(std::iter::empty(), NOW);
    session
        .insert("notes", "the same words again and again ".repeat(40))
        .expect("insert");
    session.set_subject(SUBJECT).expect("a subject");
    let outcome = engine.save_at(&session, NOW).expect("fits");
    let written = check_outcome(f, engine.config(), &outcome);
    let value = written[0].value();
    assert!(f.is_compressed(value), "{}: the JSON is deflated", f.name);
    let bytes = decode(value);
    let shows = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
    assert!(!value.contains(SUBJECT), "never in the text as it is");
    // The private format encrypts it; the signed one lets whoever holds the cookie read it
    // (as it does the entries), and the tag keeps anyone from changing it. It is never
    // deflated, even when the JSON after it is: right after the header.
    let signed = !f.name.contains("private");
    assert_eq!(shows(SUBJECT.as_bytes()), signed, "{}", f.name);
    let id = session.id().expect("an id");
    assert_eq!(&bytes[33..49] == id.as_bytes(), signed, "{}", f.name);
    // The key holder's reader finds it where the document says.
    let opened = for_fixture(f, 1, f.base()).open(value);
    let identity = opened.identity.expect("version 2");
    assert_eq!(identity.subject.as_deref(), Some(SUBJECT));
    assert_eq!(identity.id_text(), id.to_string());
    assert_eq!(identity.created, session.created().expect("a time"));
    assert!(opened.json.starts_with(br#"{"notes":"the same words"#));
}

/// With a store, Flask's format keeps the identity in `_sid`, `_sid_created` and `_sub`,
/// which handlers never see; an engine without one (a Flask app) sees and keeps them as
/// entries.
#[cfg(feature = "flask")]
#[test]
fn flask_keeps_the_identity_in_reserved_entries() {
    let f = super::fixture::flask_chunked();
    let with_store = revocable(&f, MemoryRevocation::new());
    let without = f.engine(SessionConfig::default());
    let session = with_store.load_at(std::iter::empty(), NOW);
    session.insert("user", "ada").expect("insert");
    session.set_subject("ada").expect("a subject");
    let id = session.id().expect("an id");
    let created = session.created().expect("a time");
    let mut jar = Jar::new();
    respond_at(&f, &with_store, &session, &mut jar, NOW);

    let read = load_jar(&with_store, &jar, NOW + 1);
    assert_eq!(read.keys(), ["user"]);
    assert_eq!(read.id().expect("an id"), id);
    assert_eq!(read.subject().as_deref(), Some("ada"));

    let flask = load_jar(&without, &jar, NOW + 1);
    assert_eq!(flask.keys(), ["_sid", "_sid_created", "_sub", "user"]);
    assert_eq!(
        flask.get::<String>("_sid").expect("text"),
        Some(id.to_string())
    );
    assert_eq!(
        flask.get::<u64>("_sid_created").expect("a number"),
        Some(created)
    );
    // The Flask side writes the session back with its entries as they are...
    flask.insert("theme", "dark").expect("insert");
    let mut after_flask = jar.clone();
    respond_at(&f, &without, &flask, &mut after_flask, NOW + 2);
    // ...and the identity survives it.
    let back = load_jar(&with_store, &after_flask, NOW + 3);
    assert_eq!(back.id().expect("an id"), id);
    assert_eq!(back.subject().as_deref(), Some("ada"));
    assert_eq!(back.keys(), ["theme", "user"]);

    // A Flask session without the entries gets an id derived from its signature: the
    // same for every copy, and kept at its next write.
    let plain = without.load_at(std::iter::empty(), NOW);
    plain.insert("user", "bob").expect("insert");
    let mut old = Jar::new();
    respond_at(&f, &without, &plain, &mut old, NOW);
    let first = load_jar(&with_store, &old, NOW + 1);
    let derived = first.id().expect("an id");
    assert_eq!(
        load_jar(&with_store, &old, NOW + 5).id().expect("an id"),
        derived
    );
    assert_eq!(first.created().expect("a time"), NOW * 1_000_000);
    first.insert("visits", 1).expect("insert");
    respond_at(&f, &with_store, &first, &mut old, NOW + 1);
    assert_eq!(
        load_jar(&without, &old, NOW + 2)
            .get::<String>("_sid")
            .expect("text"),
        Some(derived.to_string())
    );

    // Reserved entries that are not an identity make the session malformed.
    let bad = without.load_at(std::iter::empty(), NOW);
    bad.insert("_sid", "not an id").expect("insert");
    let mut broken = Jar::new();
    respond_at(&f, &without, &bad, &mut broken, NOW);
    assert_eq!(
        load_jar(&with_store, &broken, NOW + 1).load_reason(),
        LoadReason::Malformed
    );
}
