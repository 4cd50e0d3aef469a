//! Start-up: settings that cannot work are refused at once; an unreachable Redis is no
//! error, the policy answers until the first sync, which happens as soon as Redis comes.

use std::time::Duration;

use chunked_cookie_session::revocation::{
    Freshness, OptionsError, Policy, RedisRevocation, Revocation, RevocationError, Scope, Verdict,
};
use test_support::redis::RedisServer;

use crate::support::{builder, eventually, refused, session, session_of, store};

#[test]
fn settings_that_cannot_work_are_refused_before_connecting() {
    for url in [
        "http://127.0.0.1:6379",
        "rediss://127.0.0.1:6379",
        "unix:///tmp/redis.sock",
        "redis://",
        "redis://127.0.0.1:notaport",
        "",
    ] {
        let refused = RedisRevocation::builder(url).connect();
        assert!(
            matches!(refused, Err(OptionsError::Url(_))),
            "{url:?}: {refused:?}"
        );
    }
    let with_password = RedisRevocation::builder("ftp://:hunter2@host").connect();
    let message = with_password.expect_err("not redis://").to_string();
    assert!(!message.contains("hunter2"), "{message}");
    let base = || RedisRevocation::builder("redis://127.0.0.1:1/0");
    for (bad, name) in [
        (base().namespace(""), "namespace"),
        (base().namespace("a b"), "namespace"),
        (base().namespace("x".repeat(65)), "namespace"),
    ] {
        assert!(
            matches!(bad.connect(), Err(OptionsError::Namespace(_))),
            "{name}"
        );
    }
    for (bad, name) in [
        (
            base().staleness_bound(Duration::from_millis(10)),
            "staleness_bound",
        ),
        (
            base().startup_wait(Duration::from_secs(3600)),
            "startup_wait",
        ),
        (base().write_timeout(Duration::ZERO), "write_timeout"),
        (
            base().lifetime(Duration::from_secs(401 * 24 * 3600)),
            "lifetime",
        ),
    ] {
        assert!(
            matches!(bad.connect(), Err(OptionsError::Duration { name: got, .. }) if got == name),
            "{name}"
        );
    }
    assert!(matches!(
        base().registry(1001).connect(),
        Err(OptionsError::RegistryCap(1001))
    ));
    let debug = format!(
        "{:?}",
        RedisRevocation::builder("redis://:hunter2@127.0.0.1:1/0")
    );
    assert!(!debug.contains("hunter2"), "{debug}");
}

#[test]
fn an_unreachable_redis_gives_the_policy_until_it_comes() {
    let mut server = RedisServer::start();
    server.kill();
    let quick = |policy| {
        builder(&server, "app")
            .policy(policy)
            .startup_wait(Duration::from_millis(200))
            .connect()
            .expect("an unreachable Redis is no error")
    };
    let closed = quick(Policy::FailClosed);
    let open = quick(Policy::FailOpen);
    assert_eq!(closed.freshness(), Freshness::NeverSynced);
    let ada = session_of("ada");
    assert_eq!(closed.check(&ada), Verdict::Unavailable);
    assert_eq!(open.check(&ada), Verdict::ValidButStale);
    // Admin calls end with a typed error within their bound, never a hang; the
    // revocation already applies here.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let awaited = runtime.block_on(async { closed.revoke(&ada).await });
    assert_eq!(
        awaited,
        Err(RevocationError::Unconfirmed(Duration::from_secs(2)))
    );
    assert_eq!(closed.check(&ada), Verdict::Revoked(Scope::Session));
    assert_eq!(
        open.devices("ada").wait(),
        Err(RevocationError::RegistryDisabled),
        "registry calls need the registry"
    );

    server.restart();
    eventually("both stores sync once Redis is up", || {
        closed.freshness().is_fresh() && open.freshness().is_fresh()
    });
    let bob = session();
    assert_eq!(closed.check(&bob), Verdict::Valid);
    assert_eq!(open.check(&bob), Verdict::Valid);
    // The logout queued while Redis was unreachable reached it.
    refused(&open, &ada, Scope::Session);
    let later = store(&server, "app", Policy::FailClosed);
    assert_eq!(later.check(&ada), Verdict::Revoked(Scope::Session));
}

#[test]
fn registry_calls_time_out_when_redis_is_down() {
    let mut server = RedisServer::start();
    let store = builder(&server, "app")
        .registry(5)
        .write_timeout(Duration::from_millis(300))
        .connect()
        .expect("valid settings");
    server.kill();
    assert_eq!(
        store.devices("ada").wait(),
        Err(RevocationError::TimedOut(Duration::from_millis(300)))
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let awaited =
        runtime.block_on(async { store.revoke_device("ada", session().session_id()).await });
    assert_eq!(
        awaited,
        Err(RevocationError::TimedOut(Duration::from_millis(300)))
    );
}
