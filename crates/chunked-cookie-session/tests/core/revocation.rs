//! Revocation through the engine, with the memory store: logout (this session, every copy
//! and every write of it), sign-out-everywhere by subject, break glass, exact order within
//! one second, signing out the others, the device registry fed by each write with the user
//! agent, and what a revoked session's response deletes. Against Redis (feature `redis`):
//! a store that cannot vouch keeps the cookies. These tests run on the real clock, which
//! the store's bounds follow.

use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::revocation::{MemoryRevocation, RevocationError, now_micros};
use chunked_cookie_session::{
    ConfigError, LoadReason, ResponseInfo, Session, SessionConfig, SessionEngine, Setting, unix_now,
};
use test_support::Jar;

use super::fixture::Fixture;
use super::forge::for_fixture;
use super::identity::revocable;
use super::support::*;

every_format!(
    logout_revokes_every_copy_and_every_write,
    sign_out_everywhere_revokes_the_subjects_sessions_only,
    break_glass_revokes_everything_before_its_time,
    the_order_is_exact_within_one_second,
    signing_out_the_others_keeps_this_session,
    the_registry_hears_each_write_with_the_user_agent,
    without_a_store_nothing_is_checked_and_calls_say_so,
    the_sessions_own_subject_signs_out_lists_and_revokes_devices,
);
native_formats!(a_version_1_session_logged_out_refuses_its_copies);

/// The session in `jar`, loaded now.
fn load(engine: &SessionEngine, jar: &Jar) -> Session {
    engine.load([jar.header().as_str()])
}

/// Writes `session` now (as an adapter finishes a response), checks the response and
/// applies it to `jar`.
fn finish(f: &Fixture, engine: &SessionEngine, session: &Session, jar: &mut Jar) {
    let outcome = engine.finish(session, ResponseInfo::new(200));
    assert!(outcome.error_response().is_none(), "{outcome:?}");
    respond(f, engine.config(), jar, &outcome);
}

/// A browser that signed in as `subject`: its cookies.
fn sign_in(f: &Fixture, engine: &SessionEngine, subject: &str) -> Jar {
    let session = engine.load(std::iter::empty());
    session.renew();
    session.set_subject(subject).expect("a subject");
    session.insert("user", subject).expect("insert");
    let mut jar = Jar::new();
    finish(f, engine, &session, &mut jar);
    assert!(!jar.is_empty());
    jar
}

fn reason(engine: &SessionEngine, jar: &Jar) -> LoadReason {
    load(engine, jar).load_reason()
}

/// A revoked session loads empty, and a response that only reads it deletes its cookies,
/// whatever the format (a Flask cookie refused for another reason is left alone).
fn assert_revoked(f: &Fixture, engine: &SessionEngine, jar: &Jar) {
    let session = load(engine, jar);
    assert_eq!(session.load_reason(), LoadReason::Revoked, "{}", f.name);
    assert!(session.is_empty() && session.subject().is_none());
    let outcome = engine.finish(&session, ResponseInfo::new(200));
    let mut after = jar.clone();
    respond(f, engine.config(), &mut after, &outcome);
    assert!(
        our_names(f, &after, f.base()).is_empty(),
        "{}: the revoked cookies are deleted: {outcome:?}",
        f.name
    );
}

fn logout_revokes_every_copy_and_every_write(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let mut jar = sign_in(f, &engine, "ada");
    let earlier = jar.clone();
    // A later write of the same session (another generation, the same id).
    let session = load(&engine, &jar);
    session.insert("visits", 2).expect("insert");
    finish(f, &engine, &session, &mut jar);
    let copied = jar.clone();
    let bystander = sign_in(f, &engine, "ada");

    let logout = load(&engine, &jar);
    assert_eq!(logout.load_reason(), LoadReason::Valid);
    logout
        .revoke()
        .wait()
        .expect("the memory store confirms at once");
    finish(f, &engine, &logout, &mut jar);
    assert!(our_names(f, &jar, f.base()).is_empty(), "logged out");

    assert_revoked(f, &engine, &copied);
    assert_revoked(f, &engine, &earlier);
    // Another session of the same user is another session.
    assert_eq!(reason(&engine, &bystander), LoadReason::Valid);
    // Logging out what has nothing to revoke only purges.
    let nobody = engine.load(std::iter::empty());
    nobody.revoke().wait().expect("nothing to revoke");
    assert_eq!(engine.revocation().expect("a store").stats().applied, 1);
}

fn sign_out_everywhere_revokes_the_subjects_sessions_only(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let laptop = sign_in(f, &engine, "ada");
    let phone = sign_in(f, &engine, "ada");
    let bobs = sign_in(f, &engine, "bob");
    let anonymous = {
        let session = engine.load(std::iter::empty());
        session.insert("cart", [1]).expect("insert");
        let mut jar = Jar::new();
        finish(f, &engine, &session, &mut jar);
        jar
    };
    let epoch = engine.revoke_subject("ada").wait().expect("confirmed");
    assert!(epoch <= now_micros());
    assert_revoked(f, &engine, &laptop);
    assert_revoked(f, &engine, &phone);
    assert_eq!(reason(&engine, &bobs), LoadReason::Valid);
    assert_eq!(reason(&engine, &anonymous), LoadReason::Valid);
    // Signing in again after it works.
    let again = sign_in(f, &engine, "ada");
    assert_eq!(reason(&engine, &again), LoadReason::Valid);
    assert!(matches!(
        engine.revoke_subject("").wait(),
        Err(RevocationError::Identity(_))
    ));
}

fn break_glass_revokes_everything_before_its_time(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let ada = sign_in(f, &engine, "ada");
    let anonymous = {
        let session = engine.load(std::iter::empty());
        session.insert("cart", [1]).expect("insert");
        let mut jar = Jar::new();
        finish(f, &engine, &session, &mut jar);
        jar
    };
    let before = now_micros();
    let after = sign_in(f, &engine, "bob");
    engine
        .revoke_everyone_before(before)
        .wait()
        .expect("confirmed");
    assert_revoked(f, &engine, &ada);
    assert_revoked(f, &engine, &anonymous);
    assert_eq!(reason(&engine, &after), LoadReason::Valid);
    assert_eq!(
        engine
            .revoke_everyone_before(now_micros() + 10_000_000)
            .wait(),
        Err(RevocationError::FutureEpoch)
    );
}

/// Sign-out-everywhere at T revokes a session created just before T and spares one created
/// just after, in the same second (a user who changes a password and signs in again at
/// once stays signed in).
fn the_order_is_exact_within_one_second(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    for _ in 0..10 {
        let before = engine.load(std::iter::empty());
        before.set_subject("ada").expect("a subject");
        let created_before = before.created().expect("a time");
        let epoch = engine.revoke_subject("ada").wait().expect("confirmed");
        let after = engine.load(std::iter::empty());
        after.set_subject("ada").expect("a subject");
        let created_after = after.created().expect("a time");
        if created_before / 1_000_000 != created_after / 1_000_000 {
            continue; // straddled a second boundary: again
        }
        assert!(created_before < epoch && epoch < created_after);
        let (mut old, mut new) = (Jar::new(), Jar::new());
        finish(f, &engine, &before, &mut old);
        finish(f, &engine, &after, &mut new);
        assert_revoked(f, &engine, &old);
        assert_eq!(reason(&engine, &new), LoadReason::Valid, "{}", f.name);
        return;
    }
    panic!("ten tries all straddled a second boundary");
}

fn signing_out_the_others_keeps_this_session(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let mut laptop = sign_in(f, &engine, "ada");
    let phone = sign_in(f, &engine, "ada");
    let copy_of_laptop = laptop.clone();
    let session = load(&engine, &laptop);
    let old_id = session.id().expect("an id");
    session.revoke_others().wait().expect("confirmed");
    assert_ne!(session.id().expect("an id"), old_id, "renewed");
    finish(f, &engine, &session, &mut laptop);
    let kept = load(&engine, &laptop);
    assert_eq!(kept.load_reason(), LoadReason::Valid);
    assert_eq!(kept.subject().as_deref(), Some("ada"));
    assert_revoked(f, &engine, &phone);
    assert_revoked(f, &engine, &copy_of_laptop);
    // No subject: nothing to sign out, nothing changed.
    let anonymous = engine.load(std::iter::empty());
    assert_eq!(
        anonymous.revoke_others().wait(),
        Err(RevocationError::NoSubject)
    );
    assert!(!anonymous.is_modified());
}

fn the_registry_hears_each_write_with_the_user_agent(f: &Fixture) {
    let store = MemoryRevocation::builder()
        .registry(5)
        .build()
        .expect("valid");
    let engine = revocable(f, store);
    let browse = |jar: &mut Jar, agent: &str, visit: u32| {
        let session = load(&engine, jar);
        session.set_user_agent(agent);
        session.insert("visit", visit).expect("insert");
        finish(f, &engine, &session, jar);
        session.id().expect("an id")
    };
    let mut laptop = sign_in(f, &engine, "ada");
    let mut phone = sign_in(f, &engine, "ada");
    let laptop_id = browse(&mut laptop, "Firefox/140.0 (X11; Linux x86_64)", 1);
    let phone_id = browse(&mut phone, "Mobile Safari/18", 1);
    let _ = sign_in(f, &engine, "bob");

    let devices = engine.devices("ada").wait().expect("the registry is on");
    let mut seen: Vec<_> = devices
        .iter()
        .map(|device| (device.session_id, device.user_agent.as_str()))
        .collect();
    seen.sort_unstable();
    let mut want = vec![
        (laptop_id, "Firefox/140.0 (X11; Linux x86_64)"),
        (phone_id, "Mobile Safari/18"),
    ];
    want.sort_unstable();
    assert_eq!(seen, want, "{}", f.name);
    // A later write updates the record, with a user agent cut to its cap.
    let long = format!("Agent/{}", "x".repeat(2000));
    browse(&mut laptop, &long, 2);
    let devices = engine.devices("ada").wait().expect("listed");
    let laptop_device = devices
        .iter()
        .find(|device| device.session_id == laptop_id)
        .expect("listed");
    assert_eq!(laptop_device.user_agent.len(), 512);
    // A request that writes nothing records nothing; save (a dry run) records nothing.
    let read = load(&engine, &phone);
    read.set_user_agent("Other/1");
    let _ = read.len();
    assert!(
        engine
            .finish(&read, ResponseInfo::new(200))
            .cookies
            .is_empty()
    );
    let dry = load(&engine, &phone);
    dry.set_user_agent("Dry/1");
    dry.insert("visit", 9).expect("insert");
    assert!(!engine.save(&dry).expect("fits").cookies.is_empty());
    let phone_device = engine
        .devices("ada")
        .wait()
        .expect("listed")
        .into_iter()
        .find(|device| device.session_id == phone_id)
        .expect("listed");
    assert_eq!(phone_device.user_agent, "Mobile Safari/18");

    // Sign out one device: only within its subject.
    assert!(
        !engine
            .revoke_device("bob", phone_id)
            .wait()
            .expect("answered")
    );
    assert_eq!(reason(&engine, &phone), LoadReason::Valid);
    assert!(
        engine
            .revoke_device("ada", phone_id)
            .wait()
            .expect("answered")
    );
    assert_revoked(f, &engine, &phone);
    let left: Vec<_> = engine
        .devices("ada")
        .wait()
        .expect("listed")
        .iter()
        .map(|device| device.session_id)
        .collect();
    assert_eq!(left, [laptop_id]);
    // A store without the registry says so.
    let plain = revocable(f, MemoryRevocation::new());
    assert_eq!(
        plain.devices("ada").wait(),
        Err(RevocationError::RegistryDisabled)
    );
}

fn without_a_store_nothing_is_checked_and_calls_say_so(f: &Fixture) {
    let engine = f.engine(SessionConfig::default());
    let mut jar = sign_in(f, &engine, "ada");
    let session = load(&engine, &jar);
    assert_eq!(session.load_reason(), LoadReason::Valid);
    assert_eq!(session.revoke().wait(), Err(RevocationError::NotConfigured));
    finish(f, &engine, &session, &mut jar);
    assert!(
        our_names(f, &jar, f.base()).is_empty(),
        "purged all the same"
    );
    assert_eq!(
        engine.revoke_subject("ada").wait(),
        Err(RevocationError::NotConfigured)
    );
    assert_eq!(
        engine.revoke_everyone_before(now_micros()).wait(),
        Err(RevocationError::NotConfigured)
    );
    assert!(engine.revocation().is_none());
    // A store that would forget revocations before the sessions end is refused.
    let short = MemoryRevocation::builder()
        .lifetime(Duration::from_secs(3600))
        .build()
        .expect("valid");
    let err = engine
        .with_revocation(Arc::new(short))
        .expect_err("a store keeping revocations for an hour is refused");
    assert!(matches!(
        err,
        ConfigError::OutOfRange {
            max: Some(3600),
            ..
        }
    ));
    assert_eq!(err.settings(), [Setting::Lifetime, Setting::Revocation]);
}

/// What a handler does with the request's own session: sign its subject out everywhere
/// (this session included, its cookies deleted), list the subject's devices and sign one
/// out by id, never another subject's; a session bound to no subject changes nothing.
fn the_sessions_own_subject_signs_out_lists_and_revokes_devices(f: &Fixture) {
    let store = MemoryRevocation::builder()
        .registry(10)
        .build()
        .expect("valid");
    let engine = revocable(f, store);
    let mut laptop = sign_in(f, &engine, "ada");
    let phone = sign_in(f, &engine, "ada");
    let bobs = sign_in(f, &engine, "bob");
    let phone_id = load(&engine, &phone).id().expect("an id");
    let bobs_id = load(&engine, &bobs).id().expect("an id");

    let session = load(&engine, &laptop);
    let mut listed: Vec<_> = session
        .devices()
        .wait()
        .expect("listed")
        .iter()
        .map(|device| device.session_id)
        .collect();
    listed.sort_unstable();
    let mut want = vec![session.id().expect("an id"), phone_id];
    want.sort_unstable();
    assert_eq!(listed, want, "{}", f.name);
    assert_eq!(session.revoke_device(bobs_id).wait(), Ok(false));
    assert_eq!(reason(&engine, &bobs), LoadReason::Valid);
    assert_eq!(session.revoke_device(phone_id).wait(), Ok(true));
    assert_revoked(f, &engine, &phone);
    assert_eq!(reason(&engine, &laptop), LoadReason::Valid);

    // Nobody signed in: nothing to list or sign out, and nothing changes.
    let nobody = engine.load(std::iter::empty());
    nobody.insert("cart", [1]).expect("insert");
    assert_eq!(nobody.devices().wait(), Err(RevocationError::NoSubject));
    assert_eq!(
        nobody.revoke_everywhere().wait(),
        Err(RevocationError::NoSubject)
    );
    assert_eq!(
        nobody.get::<Vec<u8>>("cart").expect("a list"),
        Some(vec![1])
    );

    // Everywhere: this session too, its cookies deleted by the response.
    let copied = laptop.clone();
    let session = load(&engine, &laptop);
    let epoch = session.revoke_everywhere().wait().expect("confirmed");
    assert!(epoch <= now_micros());
    finish(f, &engine, &session, &mut laptop);
    assert!(our_names(f, &laptop, f.base()).is_empty(), "{}", f.name);
    assert_revoked(f, &engine, &copied);
    assert_eq!(reason(&engine, &bobs), LoadReason::Valid);
    let plain = f.engine(SessionConfig::default());
    let session = load(&plain, &bobs);
    assert_eq!(
        session.devices().wait(),
        Err(RevocationError::NotConfigured)
    );
}

fn a_version_1_session_logged_out_refuses_its_copies(f: &Fixture) {
    let engine = revocable(f, MemoryRevocation::new());
    let forger = for_fixture(f, 1, f.base());
    let pairs = forger.seal(0, 1, unix_now(), br#"{"user":"ada"}"#);
    let cookie = format!("{}={}", f.base(), pairs[0].1);
    let logout = engine.load([cookie.as_str()]);
    assert_eq!(logout.load_reason(), LoadReason::Valid);
    logout.revoke().wait().expect("confirmed");
    assert_eq!(
        engine.load([cookie.as_str()]).load_reason(),
        LoadReason::Revoked
    );
}

/// Against a Redis the test stops: a fail-closed store that cannot vouch for a session
/// loads it empty as `revocation-unavailable` and keeps its cookies; a logout during the
/// outage still holds; once Redis is back the session loads again. Fail-open accepts it.
#[cfg(feature = "redis")]
mod unavailable {
    use chunked_cookie_session::revocation::{Policy, RedisRevocation, Revocation};
    use test_support::PATIENCE;
    use test_support::redis::RedisServer;

    use super::*;

    fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
        let started = std::time::Instant::now();
        while !done() {
            assert!(
                started.elapsed() < PATIENCE,
                "not within {PATIENCE:?}: {what}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn store(server: &RedisServer, policy: Policy) -> Arc<dyn Revocation> {
        let store = RedisRevocation::builder(server.url())
            .staleness_bound(Duration::from_millis(300))
            .startup_wait(PATIENCE)
            .policy(policy)
            .connect()
            .expect("valid settings");
        assert!(store.freshness().is_fresh(), "synced");
        Arc::new(store)
    }

    fn keeps_the_cookies(f: &Fixture) {
        let mut server = RedisServer::start();
        let closed = store(&server, Policy::FailClosed);
        let open = store(&server, Policy::FailOpen);
        let engine = f
            .engine(SessionConfig::default())
            .with_revocation(Arc::clone(&closed))
            .expect("lifetimes agree");
        let lenient = f
            .engine(SessionConfig::default())
            .with_revocation(Arc::clone(&open))
            .expect("lifetimes agree");
        let ada = sign_in(f, &engine, "ada");
        let mut bob = sign_in(f, &engine, "bob");
        assert_eq!(reason(&engine, &ada), LoadReason::Valid);

        server.kill();
        wait_until("the mirror goes stale", || !closed.freshness().is_fresh());
        let session = load(&engine, &ada);
        assert_eq!(session.load_reason(), LoadReason::RevocationUnavailable);
        assert!(session.is_empty() && session.subject().is_none());
        let outcome = engine.finish(&session, ResponseInfo::new(200));
        assert!(outcome.cookies.is_empty(), "{}: kept: {outcome:?}", f.name);
        // Fail-open accepts it, and counts it.
        wait_until("the other mirror goes stale", || {
            !open.freshness().is_fresh()
        });
        assert_eq!(reason(&lenient, &ada), LoadReason::Valid);
        assert!(open.stats().stale_accepts > 0);
        // Bob logs out during the outage: refused here at once, the cookies go, and the
        // revocation waits for Redis.
        let logout = load(&engine, &bob);
        assert_eq!(logout.load_reason(), LoadReason::RevocationUnavailable);
        assert!(matches!(
            logout.revoke().wait(),
            Err(RevocationError::Unconfirmed(_))
        ));
        let copy_of_bob = bob.clone();
        finish(f, &engine, &logout, &mut bob);
        assert!(our_names(f, &bob, f.base()).is_empty());

        server.restart();
        wait_until("the mirror is fresh again", || {
            closed.freshness().is_fresh()
        });
        assert_eq!(reason(&engine, &ada), LoadReason::Valid, "{}", f.name);
        assert_revoked(f, &engine, &copy_of_bob);
        wait_until("the other store hears of it", || {
            reason(&lenient, &copy_of_bob) == LoadReason::Revoked
        });
    }

    every_format!(keeps_the_cookies);
}
