//! Several Redis stores on one Redis, each with its own connections and mirror, as the
//! processes of a fleet would be.

use std::time::Duration;

use chunked_cookie_session::revocation::{
    Freshness, Policy, Revocation, RevocationError, Scope, Verdict, now_micros,
};
use test_support::redis::RedisServer;

use crate::support::{
    builder, connected, eventually, inspect, refused, session, session_of, store, within_one_second,
};

#[test]
fn a_logout_on_one_store_is_refused_by_the_others() {
    let server = RedisServer::start();
    let stores: Vec<_> = (0..3)
        .map(|_| store(&server, "fleet", Policy::FailClosed))
        .collect();
    let copied = session_of("ada");
    let untouched = session_of("ada");
    for store in &stores {
        assert_eq!(store.check(&copied), Verdict::Valid);
    }
    stores[0].revoke(&copied).wait().expect("Redis confirms");
    // The revoking process refuses it at once; the others as soon as the news arrives.
    assert_eq!(stores[0].check(&copied), Verdict::Revoked(Scope::Session));
    for store in &stores[1..] {
        refused(store, &copied, Scope::Session);
        assert_eq!(store.check(&untouched), Verdict::Valid);
    }
    let mut redis = inspect(&server);
    let score: Option<u64> = redis::cmd("ZSCORE")
        .arg("fleet:ids")
        .arg(copied.session_id().to_string())
        .query(&mut redis)
        .expect("ZSCORE");
    assert_eq!(
        score,
        Some(copied.expires_at()),
        "kept until the session's deadline"
    );
}

#[test]
fn sign_out_everywhere_reaches_every_store_and_spares_later_sessions() {
    let server = RedisServer::start();
    let stores: Vec<_> = (0..3)
        .map(|_| store(&server, "fleet", Policy::FailClosed))
        .collect();
    let (before, epoch, after, (phone, laptop_after)) = within_one_second(|| {
        let phone = session_of("ada");
        let epoch = stores[1]
            .revoke_subject("ada")
            .wait()
            .expect("Redis confirms");
        let laptop_after = session_of("ada");
        (
            phone.created(),
            epoch,
            laptop_after.created(),
            (phone, laptop_after),
        )
    });
    assert!(before < epoch && epoch < after);
    for store in &stores {
        refused(store, &phone, Scope::Subject);
        assert_eq!(store.check(&laptop_after), Verdict::Valid);
        assert_eq!(store.check(&session_of("bob")), Verdict::Valid);
    }
}

#[test]
fn break_glass_reaches_every_store() {
    let server = RedisServer::start();
    let first = store(&server, "fleet", Policy::FailClosed);
    let second = store(&server, "fleet", Policy::FailOpen);
    let old = session();
    first
        .revoke_everyone_before(now_micros())
        .wait()
        .expect("Redis confirms");
    let new = session();
    refused(&second, &old, Scope::Everyone);
    assert_eq!(second.check(&new), Verdict::Valid);
}

#[test]
fn a_store_started_later_knows_every_earlier_revocation() {
    let server = RedisServer::start();
    let first = store(&server, "fleet", Policy::FailClosed);
    let everyones = session();
    first
        .revoke_everyone_before(everyones.created() + 1)
        .wait()
        .expect("confirmed");
    let logged_out = session_of("ada");
    let bobs = session_of("bob");
    first.revoke(&logged_out).wait().expect("confirmed");
    first.revoke_subject("bob").wait().expect("confirmed");
    // Started after: its first sync (done before `connect` returns) read them all.
    let later = store(&server, "fleet", Policy::FailClosed);
    assert_eq!(later.check(&logged_out), Verdict::Revoked(Scope::Session));
    assert_eq!(later.check(&bobs), Verdict::Revoked(Scope::Subject));
    assert_eq!(later.check(&everyones), Verdict::Revoked(Scope::Everyone));
    assert_eq!(later.check(&session_of("bob")), Verdict::Valid);
    assert_eq!(later.stats().resyncs, 1);
}

#[test]
fn namespaces_keep_applications_apart() {
    let server = RedisServer::start();
    let shop = store(&server, "shop", Policy::FailClosed);
    let blog_one = store(&server, "blog", Policy::FailClosed);
    let blog_two = store(&server, "blog", Policy::FailClosed);
    let shared_id = session();
    shop.revoke(&shared_id).wait().expect("confirmed");
    // Once blog's own later news has arrived, shop's earlier one would have too.
    let marker = session();
    blog_one.revoke(&marker).wait().expect("confirmed");
    refused(&blog_two, &marker, Scope::Session);
    assert_eq!(blog_two.check(&shared_id), Verdict::Valid);
    let late = store(&server, "blog", Policy::FailClosed);
    assert_eq!(late.check(&shared_id), Verdict::Valid);
}

#[test]
fn admin_calls_can_be_awaited() {
    let server = RedisServer::start();
    let first = store(&server, "fleet", Policy::FailClosed);
    let second = store(&server, "fleet", Policy::FailClosed);
    let ada = session_of("ada");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let epoch = runtime.block_on(async {
        first.revoke(&ada).await.expect("confirmed");
        first.revoke_subject("ada").await.expect("confirmed")
    });
    assert!(epoch > ada.created());
    refused(&second, &ada, Scope::Session);
    assert_eq!(
        runtime.block_on(async { first.revoke_subject("").await }),
        Err(RevocationError::Identity(
            chunked_cookie_session::revocation::IdentityError::EmptySubject
        ))
    );
}

#[test]
fn redis_keeps_only_what_can_still_catch_a_session() {
    let server = RedisServer::start();
    let short = builder(&server, "fleet").lifetime(Duration::from_secs(1));
    let first = connected(short.clone());
    first.revoke(&session()).wait().expect("confirmed");
    first.revoke_subject("ada").wait().expect("confirmed");
    let mut redis = inspect(&server);
    let count = |redis: &mut redis::Connection, key: &str| -> u64 {
        redis::cmd("ZCARD").arg(key).query(redis).expect("ZCARD")
    };
    assert_eq!(count(&mut redis, "fleet:ids"), 1);
    assert_eq!(count(&mut redis, "fleet:subjects"), 1);
    assert_eq!(count(&mut redis, "fleet:subjects:until"), 1);
    // Every store prunes Redis when it connects (and once a minute after).
    eventually("expired revocations leave Redis", || {
        std::thread::sleep(Duration::from_millis(100));
        drop(connected(short.clone()));
        count(&mut redis, "fleet:ids") + count(&mut redis, "fleet:subjects") == 0
    });
    assert_eq!(count(&mut redis, "fleet:subjects:until"), 0);
}

#[test]
fn a_connected_store_reports_itself_fresh_and_counts() {
    let server = RedisServer::start();
    let first = store(&server, "fleet", Policy::FailClosed);
    let second = store(&server, "fleet", Policy::FailClosed);
    assert!(matches!(first.freshness(), Freshness::Fresh(_)));
    let mut sessions = Vec::new();
    for _ in 0..50 {
        let identity = session();
        first.revoke(&identity).wait().expect("confirmed");
        sessions.push(identity);
    }
    eventually("the second store heard all fifty", || {
        second.stats().applied == 50
    });
    assert!(
        sessions
            .iter()
            .all(|identity| second.check(identity) == Verdict::Revoked(Scope::Session))
    );
    let stats = first.stats();
    assert_eq!(
        (stats.applied, stats.pending_writes, stats.unconfirmed),
        (50, 0, 0)
    );
    // Freshness is kept by pings even when nothing is revoked.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(first.freshness().is_fresh(), "{:?}", first.freshness());
    assert_eq!(first.check(&session()), Verdict::Valid);
}

#[test]
fn idle_connections_closed_by_the_server_are_replaced() {
    let server = RedisServer::start();
    let mut redis = inspect(&server);
    // Redis closes ordinary connections idle for a second (subscriptions are exempt).
    let () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("timeout")
        .arg(1)
        .query(&mut redis)
        .expect("CONFIG SET");
    let first = store(&server, "fleet", Policy::FailClosed);
    let second = store(&server, "fleet", Policy::FailClosed);
    first.revoke(&session()).wait().expect("confirmed");
    std::thread::sleep(Duration::from_millis(2500));
    let later = session();
    assert_eq!(first.revoke(&later).wait(), Ok(()));
    refused(&second, &later, Scope::Session);
    assert!(first.freshness().is_fresh() && second.freshness().is_fresh());
    assert_eq!(first.stats().unconfirmed, 0);
}
