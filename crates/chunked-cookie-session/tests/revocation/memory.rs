//! The embedded store: the three scopes, exact order within a second, bounded state, the
//! registry.

use std::sync::Arc;
use std::time::Duration;

use chunked_cookie_session::revocation::{
    Freshness, Identity, IdentityError, MemoryRevocation, OptionsError, Revocation,
    RevocationError, Scope, Verdict, now_micros,
};

use crate::support::{eventually, session, session_of, within_one_second};

#[test]
fn logout_revokes_every_copy_of_one_session_only() {
    let store = MemoryRevocation::new();
    let ada = session_of("ada");
    // Another write of the same session: same id, same creation, a copy of the cookies.
    let copy = Identity::new(ada.session_id(), ada.created(), ada.expires_at());
    let other = session_of("ada");
    store.revoke(&ada).wait().expect("the memory store answers");
    assert_eq!(store.check(&ada), Verdict::Revoked(Scope::Session));
    assert_eq!(store.check(&copy), Verdict::Revoked(Scope::Session));
    assert_eq!(store.check(&other), Verdict::Valid);
    assert_eq!(store.freshness(), Freshness::Local);
}

#[test]
fn sign_out_everywhere_takes_the_subjects_older_sessions() {
    let store = MemoryRevocation::new();
    let ada_phone = session_of("ada");
    let ada_laptop = session_of("ada");
    let bob = session_of("bob");
    let anonymous = session();
    let epoch = store.revoke_subject("ada").wait().expect("an epoch");
    let ada_again = session_of("ada");
    assert!(ada_laptop.created() < epoch && epoch < ada_again.created());
    assert_eq!(store.check(&ada_phone), Verdict::Revoked(Scope::Subject));
    assert_eq!(store.check(&ada_laptop), Verdict::Revoked(Scope::Subject));
    assert_eq!(store.check(&ada_again), Verdict::Valid);
    assert_eq!(store.check(&bob), Verdict::Valid);
    assert_eq!(store.check(&anonymous), Verdict::Valid);
    // A second sign-out moves the epoch forward.
    let later = store.revoke_subject("ada").wait().expect("an epoch");
    assert!(later > epoch);
    assert_eq!(store.check(&ada_again), Verdict::Revoked(Scope::Subject));
}

#[test]
fn break_glass_takes_every_session_created_before() {
    let store = MemoryRevocation::new();
    let old = session_of("ada");
    let older = session();
    let cut = now_micros();
    let new = session_of("ada");
    store
        .revoke_everyone_before(cut)
        .wait()
        .expect("the memory store answers");
    assert_eq!(store.check(&old), Verdict::Revoked(Scope::Everyone));
    assert_eq!(store.check(&older), Verdict::Revoked(Scope::Everyone));
    assert_eq!(store.check(&new), Verdict::Valid);
    assert_eq!(
        store
            .revoke_everyone_before(now_micros() + 10_000_000)
            .wait(),
        Err(RevocationError::FutureEpoch)
    );
}

#[test]
fn order_is_exact_within_one_second() {
    let store: Arc<dyn Revocation> = Arc::new(MemoryRevocation::new());
    let (before, epoch, after, (just_before, just_after)) = within_one_second(|| {
        let just_before = session_of("ada");
        let epoch = store.revoke_subject("ada").wait().expect("an epoch");
        let just_after = session_of("ada");
        (
            just_before.created(),
            epoch,
            just_after.created(),
            (just_before, just_after),
        )
    });
    assert_eq!(before / 1_000_000, after / 1_000_000, "one second");
    assert!(before < epoch && epoch < after);
    assert_eq!(store.check(&just_before), Verdict::Revoked(Scope::Subject));
    assert_eq!(store.check(&just_after), Verdict::Valid);
}

#[test]
fn revocations_are_forgotten_when_their_sessions_could_no_longer_live() {
    // Sessions live at most a second here: no revocation outlives that.
    let store = MemoryRevocation::builder()
        .lifetime(Duration::from_secs(1))
        .build()
        .expect("valid settings");
    let ada = session_of("ada");
    store.revoke(&ada).wait().expect("revoked");
    store.revoke_subject("bob").wait().expect("revoked");
    let stats = store.stats();
    assert_eq!((stats.revoked_sessions, stats.revoked_subjects), (1, 1));
    assert_eq!(stats.applied, 2);
    eventually("the entries expire and are pruned", || {
        store.prune();
        let stats = store.stats();
        (stats.revoked_sessions, stats.revoked_subjects) == (0, 0)
    });
    // A revocation of an already expired session is not even stored.
    let expired = Identity::new(session().session_id(), 1, 2);
    store.revoke(&expired).wait().expect("nothing to do");
    assert_eq!(store.stats().revoked_sessions, 0);
}

#[test]
fn the_registry_lists_a_subjects_newest_sessions_and_revokes_by_id() {
    let store = MemoryRevocation::builder()
        .registry(3)
        .build()
        .expect("valid settings");
    let now = now_micros() / 1_000_000;
    let sessions: Vec<Identity> = (0..5).map(|_| session_of("ada")).collect();
    for (seen, identity) in (0..).zip(&sessions) {
        store.record(identity, now + seen, &format!("browser {seen}"));
    }
    let bob = session_of("bob");
    store.record(&bob, now, "bob's browser");
    store.record(&session(), now, "no subject: not listed");

    let listed = store.devices("ada").wait().expect("the registry is on");
    let ids: Vec<_> = listed.iter().map(|device| device.session_id).collect();
    let newest: Vec<_> = sessions
        .iter()
        .rev()
        .take(3)
        .map(Identity::session_id)
        .collect();
    assert_eq!(ids, newest, "the three most recently seen, newest first");
    assert_eq!(listed[0].user_agent, "browser 4");
    assert_eq!(listed[0].created, sessions[4].created());

    // Only the subject's own sessions can be revoked through it.
    let target = sessions[4].session_id();
    assert_eq!(store.revoke_device("bob", target).wait(), Ok(false));
    assert_eq!(store.check(&sessions[4]), Verdict::Valid);
    assert_eq!(store.revoke_device("ada", target).wait(), Ok(true));
    assert_eq!(store.check(&sessions[4]), Verdict::Revoked(Scope::Session));
    assert_eq!(store.devices("ada").wait().expect("listed").len(), 2);
    assert_eq!(store.revoke_device("ada", target).wait(), Ok(false));
    // A sign-out everywhere empties the list.
    store.revoke_subject("ada").wait().expect("revoked");
    assert!(store.devices("ada").wait().expect("listed").is_empty());
    assert_eq!(store.devices("bob").wait().expect("listed").len(), 1);
}

#[test]
fn without_the_registry_its_calls_say_so() {
    let store = MemoryRevocation::new();
    let ada = session_of("ada");
    store.record(&ada, 1, "ignored");
    assert_eq!(
        store.devices("ada").wait(),
        Err(RevocationError::RegistryDisabled)
    );
    assert_eq!(
        store.revoke_device("ada", ada.session_id()).wait(),
        Err(RevocationError::RegistryDisabled)
    );
    assert_eq!(store.stats().registry_records, 0);
}

#[test]
fn bad_settings_and_subjects_are_refused() {
    assert!(matches!(
        MemoryRevocation::builder().lifetime(Duration::ZERO).build(),
        Err(OptionsError::Duration {
            name: "lifetime",
            ..
        })
    ));
    assert!(matches!(
        MemoryRevocation::builder().registry(0).build(),
        Err(OptionsError::RegistryCap(0))
    ));
    let store = MemoryRevocation::new();
    assert_eq!(
        store.revoke_subject("").wait(),
        Err(RevocationError::Identity(IdentityError::EmptySubject))
    );
    assert_eq!(
        store.revoke_subject("ada\r\nbob").wait(),
        Err(RevocationError::Identity(IdentityError::SubjectControl))
    );
}

#[test]
fn checks_run_while_other_threads_revoke() {
    let store = Arc::new(MemoryRevocation::new());
    let kept = session_of("kept");
    let revokers: Vec<_> = (0..2)
        .map(|_| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for _ in 0..5_000 {
                    store.revoke(&session()).wait().expect("revoked");
                }
            })
        })
        .collect();
    let mut checks = 0u32;
    while !revokers.iter().all(std::thread::JoinHandle::is_finished) {
        assert_eq!(store.check(&kept), Verdict::Valid);
        checks += 1;
    }
    for revoker in revokers {
        revoker.join().expect("a revoker");
    }
    assert!(checks > 0);
    assert_eq!(store.stats().revoked_sessions, 10_000);
}
