//! What the revocation tests share: sessions, polling, stores on a test's own Redis.

use std::time::{Duration, Instant};

use chunked_cookie_session::revocation::{
    Identity, Policy, RedisRevocation, RedisRevocationBuilder, Revocation, Scope, SessionId,
    Verdict, now_micros,
};
use test_support::PATIENCE;
use test_support::redis::RedisServer;

/// A new session, created now, living an hour.
pub fn session() -> Identity {
    let created = now_micros();
    Identity::new(
        SessionId::generate().expect("randomness"),
        created,
        created / 1_000_000 + 3600,
    )
}

/// A new session of `subject`, created now.
pub fn session_of(subject: &str) -> Identity {
    session().with_subject(subject).expect("a subject")
}

/// Polls `done` until it holds; fails the test after [`PATIENCE`] (only ever reached on a
/// failure).
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < PATIENCE,
            "not within {PATIENCE:?}: {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A Redis store's settings for tests: a staleness bound of a second (pinged every
/// 250 ms), a patient start-up wait, a 2 s bound on admin calls.
pub fn builder(server: &RedisServer, namespace: &str) -> RedisRevocationBuilder {
    RedisRevocation::builder(server.url())
        .namespace(namespace)
        .staleness_bound(Duration::from_secs(1))
        .startup_wait(PATIENCE)
        .write_timeout(Duration::from_secs(2))
}

/// A store that has finished its first sync.
pub fn connected(builder: RedisRevocationBuilder) -> RedisRevocation {
    let store = builder.connect().expect("valid settings");
    assert!(
        store.freshness().is_fresh(),
        "not synced after connect: {:?}",
        store.freshness()
    );
    store
}

/// A store on `server` with the test settings and `policy`.
pub fn store(server: &RedisServer, namespace: &str, policy: Policy) -> RedisRevocation {
    connected(builder(server, namespace).policy(policy))
}

/// Waits until `store` refuses `identity` for `scope`.
pub fn refused(store: &dyn Revocation, identity: &Identity, scope: Scope) {
    eventually(
        &format!("{store:?} refuses {identity:?} for {scope}"),
        || store.check(identity) == Verdict::Revoked(scope),
    );
}

/// A verdict as the peer process prints it.
pub fn verdict_name(verdict: Verdict) -> String {
    match verdict {
        Verdict::Valid => "valid".to_owned(),
        Verdict::Revoked(scope) => format!("revoked:{scope}"),
        Verdict::Unavailable => "unavailable".to_owned(),
        Verdict::ValidButStale => "stale".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Runs `again` until the three times it returns fall in the same Unix second, and
/// returns them: a test about ordering within one second.
pub fn within_one_second<T>(mut again: impl FnMut() -> (u64, u64, u64, T)) -> (u64, u64, u64, T) {
    for _ in 0..10 {
        let (before, epoch, after, rest) = again();
        if before / 1_000_000 == after / 1_000_000 {
            return (before, epoch, after, rest);
        }
    }
    panic!("ten tries all straddled a second boundary");
}

/// A plain connection to the test's Redis, to look at what the stores wrote.
pub fn inspect(server: &RedisServer) -> redis::Connection {
    redis::Client::open(server.url())
        .expect("the test URL")
        .get_connection()
        .expect("the test's Redis answers")
}
