//! Several playgrounds on one real `redis-server` (each test starts its own on a free
//! loopback port), sharing a key, as the servers of a fleet behind one host name: a logout
//! on one, the copied cookies refused on the others; sign out everywhere; the device list
//! read and changed from any of them; a playground started after a revocation knows it.
//! Then Redis killed: each policy answers as docs/REVOCATION.md says, every request timed
//! against the staleness bound (a correctness bound, not a speed benchmark), none a 5xx
//! on the session; and Redis restarted from its append-only file: the revocations hold,
//! the logout made during the outage reaches the others, new sessions work.
//!
//! Propagation is awaited by polling, never by timed assertions.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use test_support::redis::{Persistence, RedisServer};

use crate::common::{Answer, Visitor, eventually_load, start_with_key};

#[tokio::test]
async fn three_playgrounds_on_one_redis() {
    let redis = RedisServer::start();
    let key = chunked_cookie_session::generate_secret();
    let store = redis.url();
    let args = ["--revocation", store.as_str(), "--registry"];
    let (_a, a) = start_with_key(&key, &args);
    let (_b, b) = start_with_key(&key, &args);
    let (_c, c) = start_with_key(&key, &args);
    let view = Visitor::new("x").session(&a).await;
    assert_eq!(view["revocation_store"]["store"], "redis");
    assert_eq!(view["revocation_store"]["freshness"], "fresh");

    // Logged in on A, the session is good on B and C; logged out on A, a copy is refused
    // on B and C as soon as they hear of it.
    let mut ada = Visitor::new("Firefox/140.0 (laptop)");
    ada.login(&a, "ada").await;
    for base in [&b, &c] {
        assert_eq!(ada.copy().load(base).await, "valid");
    }
    let copied = ada.copy();
    let answer = ada.call("POST", &a, "/api/logout", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["revocation"], json!({"confirmed": true}));
    assert_eq!(
        copied.copy().load(&a).await,
        "revoked",
        "at once where it was made"
    );
    for base in [&b, &c] {
        eventually_load(&copied, base, "revoked").await;
    }

    // Ada on a laptop (B) and a phone (C): both listed from A, with their user agents.
    let mut laptop = Visitor::new("Firefox/140.0 (laptop)");
    let mut phone = Visitor::new("Safari/18.0 (phone)");
    let mut bob = Visitor::new("curl/8 (bob)");
    let laptop_id = laptop.login(&b, "ada").await["session_id"].clone();
    let phone_id = phone.login(&c, "ada").await["session_id"].clone();
    bob.login(&a, "bob").await;
    let mut lister = laptop.copy();
    let sessions = eventually_listed(&mut lister, &a, 2).await;
    let agents: Vec<(&Value, &Value)> = sessions
        .iter()
        .map(|device| (&device["id"], &device["user_agent"]))
        .collect();
    assert!(
        agents.contains(&(&laptop_id, &json!("Firefox/140.0 (laptop)"))),
        "{sessions:?}"
    );
    assert!(
        agents.contains(&(&phone_id, &json!("Safari/18.0 (phone)"))),
        "{sessions:?}"
    );

    // The laptop signs the phone out through A: refused on every playground.
    let path = format!("/api/sessions/{}", phone_id.as_str().expect("an id"));
    let answer = laptop.call("DELETE", &a, &path, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    for base in [&a, &b, &c] {
        eventually_load(&phone, base, "revoked").await;
    }
    assert_eq!(laptop.copy().load(&c).await, "valid");

    // Sign out everywhere from C, with the phone logged in again: every session of Ada's,
    // on every playground; Bob's lives on.
    phone.login(&c, "ada").await;
    let laptop_copy = laptop.copy();
    let phone_copy = phone.copy();
    let answer = phone
        .call("POST", &c, "/api/sign-out-everywhere", None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["revocation"]["confirmed"], true);
    for base in [&a, &b, &c] {
        eventually_load(&laptop_copy, base, "revoked").await;
        eventually_load(&phone_copy, base, "revoked").await;
        assert_eq!(bob.copy().load(base).await, "valid");
    }

    // A playground started now knows every revocation before it serves anyone: its very
    // first answers refuse them, with no wait.
    let (_d, d) = start_with_key(&key, &args);
    for copy in [&copied, &laptop_copy, &phone_copy] {
        assert_eq!(copy.copy().load(&d).await, "revoked");
    }
    assert_eq!(bob.copy().load(&d).await, "valid");
    // And Ada, logging in again on D, is in on every one of them.
    phone.login(&d, "ada").await;
    for base in [&a, &b, &c, &d] {
        assert_eq!(phone.copy().load(base).await, "valid");
    }
}

/// Lists the visitor's sessions on `base` until there are `count` of them (the registry
/// records a write without waiting for Redis); returns them.
async fn eventually_listed(visitor: &mut Visitor, base: &str, count: usize) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let answer = visitor.call("GET", base, "/api/sessions", None).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
        let sessions = answer.json["sessions"].as_array().expect("a list").clone();
        if sessions.len() == count {
            return sessions;
        }
        assert!(
            started.elapsed() < test_support::PATIENCE,
            "{} sessions listed, not {count}: {sessions:?}",
            sessions.len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The staleness bound the outage test runs with.
const BOUND: Duration = Duration::from_secs(2);

/// Checks an answer given while Redis is down: within the staleness bound, and no 5xx.
fn within_bound(what: &str, answer: &Answer) {
    assert!(
        answer.elapsed < BOUND,
        "{what} took {:?}, over the staleness bound {BOUND:?}",
        answer.elapsed
    );
    assert!(
        !answer.status.is_server_error(),
        "{what}: {} {:?}",
        answer.status,
        answer.json
    );
}

#[tokio::test]
async fn redis_killed_then_restarted_from_its_append_only_file() {
    let mut redis = RedisServer::start_with(Persistence::AppendOnly);
    let key = chunked_cookie_session::generate_secret();
    let store = redis.url();
    let bound = BOUND.as_secs().to_string();
    let common = [
        "--revocation",
        store.as_str(),
        "--registry",
        "--staleness",
        bound.as_str(),
    ];
    let (_closed, closed) = start_with_key(
        &key,
        &[&common[..], &["--revocation-policy", "fail-closed"]].concat(),
    );
    let (_open, open) = start_with_key(
        &key,
        &[&common[..], &["--revocation-policy", "fail-open"]].concat(),
    );

    // Before the outage: one session logged out (its copy kept), one live.
    let mut gone = Visitor::new("Firefox (gone)");
    gone.login(&closed, "ada").await;
    let gone_copy = gone.copy();
    gone.call("POST", &closed, "/api/logout", None).await;
    eventually_load(&gone_copy, &open, "revoked").await;
    let mut live = Visitor::new("Firefox (live)");
    live.login(&open, "bob").await;
    let mut during = Visitor::new("Safari (logs out during the outage)");
    during.login(&open, "carol").await;
    let during_copy = during.copy();

    redis.kill();
    // Past the bound each policy answers for what its mirror cannot vouch for; what it
    // knows keeps applying. Every answer, while it turns stale and after, comes within the
    // bound and is no 5xx; the refused session's cookies are kept for when Redis is back.
    for base in [&closed, &open] {
        until_stale(&live, base).await;
    }
    let answer = live.copy().call("GET", &closed, "/api/session", None).await;
    within_bound("GET /api/session, fail-closed, stale", &answer);
    assert_eq!(answer.json["load"], "revocation-unavailable");
    assert_eq!(answer.json["subject"], Value::Null);
    assert_eq!(answer.deletions(), 0, "its cookies are kept");
    let answer = live.copy().call("GET", &open, "/api/session", None).await;
    within_bound("GET /api/session, fail-open, stale", &answer);
    assert_eq!(answer.json["load"], "valid");
    assert_eq!(answer.json["subject"], "bob");
    for base in [&closed, &open] {
        let mut copy = gone_copy.copy();
        let answer = copy.call("GET", base, "/api/session", None).await;
        within_bound("a revoked session during the outage", &answer);
        assert_eq!(answer.json["load"], "revoked", "{base}");
    }

    // A logout during the outage: done here (confirmed: false), refused here at once.
    let answer = during.call("POST", &open, "/api/logout", None).await;
    within_bound("POST /api/logout", &answer);
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["revocation"]["confirmed"], false);
    assert!(during.jar.is_empty());
    let answer = during_copy
        .copy()
        .call("GET", &open, "/api/session", None)
        .await;
    within_bound("the copy after the logout", &answer);
    assert_eq!(answer.json["load"], "revoked");

    // Everything else a visitor can do, on each policy: no 5xx, within the bound. The
    // device list: fail-closed cannot vouch for the session, so nobody is logged in (409);
    // fail-open accepts it, but the list cannot be read without Redis (503).
    for (base, listing) in [
        (&closed, StatusCode::CONFLICT),
        (&open, StatusCode::SERVICE_UNAVAILABLE),
    ] {
        let mut visitor = live.copy();
        for (method, path, body) in [
            ("GET", "/api/session", None),
            ("PUT", "/api/session/note", Some(json!("kept"))),
            ("DELETE", "/api/session/note", None),
            ("POST", "/api/login", Some(json!({"user": "dave"}))),
            ("GET", "/api/health", None),
            ("POST", "/api/sign-out-everywhere", None),
            ("POST", "/api/logout", None),
        ] {
            let answer = visitor.call(method, base, path, body).await;
            within_bound(&format!("{method} {path} on {base}"), &answer);
        }
        let mut visitor = Visitor::new("x");
        visitor.login(base, "erin").await;
        let answer = visitor.call("GET", base, "/api/sessions", None).await;
        assert!(
            answer.elapsed < BOUND,
            "GET /api/sessions took {:?}",
            answer.elapsed
        );
        assert_eq!(answer.status, listing, "{base}: {:?}", answer.json);
        assert!(answer.json["error"].is_string());
    }

    // Redis back, from its append-only file: both stores fresh again within seconds; the
    // revocations from before the kill hold; the logout made during the outage reaches
    // the other playground; new sessions work on both.
    redis.restart();
    for base in [&closed, &open] {
        eventually_fresh(base).await;
        assert_eq!(gone_copy.copy().load(base).await, "revoked");
    }
    eventually_load(&live, &closed, "valid").await;
    eventually_load(&during_copy, &closed, "revoked").await;
    let mut fresh = Visitor::new("after");
    fresh.login(&closed, "frank").await;
    for base in [&closed, &open] {
        assert_eq!(fresh.copy().load(base).await, "valid");
    }
    // A playground started after the restart reads them all from Redis.
    let (_late, late) = start_with_key(&key, &common);
    assert_eq!(gone_copy.copy().load(&late).await, "revoked");
    assert_eq!(during_copy.copy().load(&late).await, "revoked");
    assert_eq!(fresh.copy().load(&late).await, "valid");
}

/// Reads `visitor`'s session on `base` until its store says it is stale, checking each
/// answer on the way (within the bound, no 5xx, the session valid until then).
async fn until_stale(visitor: &Visitor, base: &str) {
    let started = std::time::Instant::now();
    loop {
        let answer = visitor.copy().call("GET", base, "/api/session", None).await;
        within_bound(&format!("GET /api/session on {base}"), &answer);
        if answer.json["revocation_store"]["freshness"] == "stale" {
            return;
        }
        assert_eq!(answer.json["load"], "valid", "{base}, before the bound");
        assert!(
            started.elapsed() < test_support::PATIENCE,
            "{base} never turned stale: {:?}",
            answer.json
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `base`'s store is fresh again.
async fn eventually_fresh(base: &str) {
    let started = std::time::Instant::now();
    loop {
        let view = Visitor::new("x").session(base).await;
        if view["revocation_store"]["freshness"] == "fresh" {
            return;
        }
        assert!(
            started.elapsed() < test_support::PATIENCE,
            "{base} never fresh: {view:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
