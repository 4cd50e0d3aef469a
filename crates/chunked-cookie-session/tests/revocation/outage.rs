//! Redis killed and restarted: what the mirror knew keeps applying, each policy answers
//! for the rest, revocations made during the outage wait in the writer's queue, and after
//! a restart from the append-only file everything holds and flows again.

use std::time::Duration;

use chunked_cookie_session::revocation::{
    Freshness, Policy, Revocation, RevocationError, Scope, Verdict,
};
use test_support::redis::{Persistence, RedisServer};

use crate::support::{builder, eventually, refused, session, session_of, store};

#[test]
fn through_a_redis_outage_and_a_restart_from_the_append_only_file() {
    let mut server = RedisServer::start_with(Persistence::AppendOnly);
    let closed = store(&server, "app", Policy::FailClosed);
    let open = store(&server, "app", Policy::FailOpen);
    let logged_out = session_of("ada");
    let bobs = session_of("bob");
    let unknown = session();
    closed.revoke(&logged_out).wait().expect("confirmed");
    closed.revoke_subject("bob").wait().expect("confirmed");
    refused(&open, &logged_out, Scope::Session);
    refused(&open, &bobs, Scope::Subject);

    server.kill();
    // Past the staleness bound each policy answers for what the mirror cannot vouch for.
    eventually("fail-closed refuses unknown sessions", || {
        closed.check(&unknown) == Verdict::Unavailable
    });
    eventually("fail-open accepts them, flagged", || {
        open.check(&unknown) == Verdict::ValidButStale
    });
    assert!(matches!(closed.freshness(), Freshness::Stale(_)));
    assert!(closed.stats().stale_refusals > 0);
    assert!(open.stats().stale_accepts > 0);
    // What the mirrors knew keeps applying, whatever the policy.
    for store in [&closed, &open] {
        assert_eq!(store.check(&logged_out), Verdict::Revoked(Scope::Session));
        assert_eq!(store.check(&bobs), Verdict::Revoked(Scope::Subject));
    }

    // A logout during the outage: refused here at once; the caller learns Redis did not
    // confirm it within the bound; it stays queued.
    let during = session_of("ada");
    assert_eq!(
        open.revoke(&during).wait(),
        Err(RevocationError::Unconfirmed(Duration::from_secs(2)))
    );
    assert_eq!(open.check(&during), Verdict::Revoked(Scope::Session));
    eventually("the writer counts it unconfirmed and keeps it", || {
        let stats = open.stats();
        (stats.unconfirmed, stats.pending_writes) == (1, 1)
    });

    server.restart();
    eventually("both stores resync", || {
        closed.freshness().is_fresh() && open.freshness().is_fresh()
    });
    assert_eq!(closed.check(&unknown), Verdict::Valid);
    assert_eq!(open.check(&unknown), Verdict::Valid);
    // The queued logout reaches Redis, then the other store.
    refused(&closed, &during, Scope::Session);
    eventually("the queue drains", || open.stats().pending_writes == 0);
    // Revocations from before the kill held in the append-only file: a store started now
    // reads them.
    let after_restart = store(&server, "app", Policy::FailClosed);
    assert_eq!(
        after_restart.check(&logged_out),
        Verdict::Revoked(Scope::Session)
    );
    assert_eq!(after_restart.check(&bobs), Verdict::Revoked(Scope::Subject));
    assert_eq!(
        after_restart.check(&during),
        Verdict::Revoked(Scope::Session)
    );
    // And new revocations flow again.
    let fresh = session_of("carol");
    after_restart.revoke(&fresh).wait().expect("confirmed");
    refused(&closed, &fresh, Scope::Session);
    refused(&open, &fresh, Scope::Session);
    for store in [&closed, &open] {
        let stats = store.stats();
        assert!(stats.resyncs >= 2 && stats.reconnects >= 1, "{stats:?}");
    }
}

#[test]
fn a_redis_restarted_without_its_data_loses_nothing_the_mirrors_knew() {
    let mut server = RedisServer::start();
    let first = store(&server, "app", Policy::FailClosed);
    let second = store(&server, "app", Policy::FailClosed);
    let logged_out = session();
    first.revoke(&logged_out).wait().expect("confirmed");
    refused(&second, &logged_out, Scope::Session);
    server.kill();
    server.restart(); // empty: no persistence
    eventually("resynced with the empty Redis", || {
        second.stats().resyncs >= 2 && second.freshness().is_fresh()
    });
    // The mirror keeps what it knew (revocations only accumulate until they expire)...
    assert_eq!(second.check(&logged_out), Verdict::Revoked(Scope::Session));
    // ...but a store started now cannot know it: docs/REVOCATION.md asks for persistence.
    let newcomer = store(&server, "app", Policy::FailClosed);
    assert_eq!(newcomer.check(&logged_out), Verdict::Valid);
}

#[test]
fn device_records_are_dropped_and_counted_when_the_queue_is_full() {
    let mut server = RedisServer::start();
    let store = builder(&server, "app")
        .registry(5)
        .connect()
        .expect("valid settings");
    server.kill();
    let ada = session_of("ada");
    // The writer cannot drain while Redis is down: past 10,000 queued records, drops.
    for seen in 0..10_100 {
        store.record(&ada, seen, "browser");
    }
    let stats = store.stats();
    assert!(stats.registry_drops >= 100, "{stats:?}");
    assert_eq!(stats.registry_records + stats.registry_drops, 10_100);
}
