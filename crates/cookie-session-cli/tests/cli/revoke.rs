//! `revoke` against a real `redis-server` (each test starts its own on a free loopback
//! port) with a library engine on the same Redis, as a server of the fleet: a session
//! revoked by id, a subject's sessions, every session before a time, each then refused by
//! the engine (awaited by polling, never timed); and what it refuses to do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chunked_cookie_session::revocation::{RedisRevocation, now_micros};
use chunked_cookie_session::{EngineOptions, LoadReason, SessionEngine, WireFormat};
use cookie_session_cli::revocation::utc_micros;
use test_support::PATIENCE;
use test_support::redis::RedisServer;

use super::{keygen, run, run_with_env, stderr, stdout};

const NAMESPACE: &str = "cli-test";

/// A server of the fleet: an engine (signed, under `key`) whose store follows `redis`.
fn fleet_engine(redis: &RedisServer, key: &str) -> SessionEngine {
    let mut options = EngineOptions::new(WireFormat::Signed);
    options.key = Some(key.into());
    let store = RedisRevocation::builder(redis.url())
        .namespace(NAMESPACE)
        .lifetime(options.session_lifetime())
        .staleness_bound(Duration::from_secs(1))
        .startup_wait(PATIENCE)
        .connect()
        .expect("valid store settings");
    options.revocation = Some(Arc::new(store));
    options.build().expect("an engine")
}

/// A browser signed in as `subject` on `engine`: its `Cookie` header.
fn sign_in(engine: &SessionEngine, subject: &str) -> String {
    let session = engine.load(std::iter::empty());
    session.set_subject(subject).expect("a subject");
    session.insert("user", subject).expect("insert");
    engine.save(&session).expect("saved").cookie_header()
}

fn reason(engine: &SessionEngine, cookie: &str) -> LoadReason {
    engine.load([cookie]).load_reason()
}

/// Polls until `engine` refuses `cookie` as revoked (fails after [`PATIENCE`]).
fn refused(engine: &SessionEngine, cookie: &str) {
    let started = Instant::now();
    while reason(engine, cookie) != LoadReason::Revoked {
        assert!(
            started.elapsed() < PATIENCE,
            "not refused within {PATIENCE:?}: {:?}",
            reason(engine, cookie)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs `revoke` on `redis` with `what`; it must succeed. Returns what it printed.
fn revoke(redis: &RedisServer, what: &[&str]) -> String {
    let args = [&["revoke", "--namespace", NAMESPACE][..], what].concat();
    let output = run_with_env(&args, "", &[("REVOCATION_STORE", &redis.url())]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

/// The number after `epoch ` in a line `revoke` printed.
fn epoch_in(line: &str) -> u64 {
    line.split("epoch ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no epoch in {line}"))
}

/// One session by its id, as `inspect` shows it with the key: that session is refused,
/// every copy of it; the same user's other session is not.
#[test]
fn revoke_a_session_by_id() {
    let redis = RedisServer::start();
    let key = keygen();
    let engine = fleet_engine(&redis, &key);
    let laptop = sign_in(&engine, "ada");
    let phone = sign_in(&engine, "ada");
    let table = stdout(&run(&["inspect", "--key", &key, "--cookie", &phone], ""));
    let id = table
        .lines()
        .find_map(|line| line.strip_prefix("session id   "))
        .unwrap_or_else(|| panic!("no session id in\n{table}"))
        .to_owned();
    assert_eq!(
        engine
            .load([phone.as_str()])
            .id()
            .expect("an id")
            .to_string(),
        id
    );

    let said = revoke(&redis, &["--session-id", &id]);
    assert!(
        said.starts_with(&format!("revoked session {id}, every copy")),
        "{said}"
    );
    assert!(
        said.contains("confirmed by Redis at") && said.contains(NAMESPACE),
        "{said}"
    );
    assert!(!said.contains("redis://:"), "no password: {said}");
    refused(&engine, &phone);
    assert_eq!(reason(&engine, &laptop), LoadReason::Valid);
}

/// Every session of a subject created before the command's epoch, which it prints; a
/// session created after it, and another subject's, live on.
#[test]
fn revoke_every_session_of_a_subject() {
    let redis = RedisServer::start();
    let key = keygen();
    let engine = fleet_engine(&redis, &key);
    let (laptop, phone, bobs) = (
        sign_in(&engine, "ada"),
        sign_in(&engine, "ada"),
        sign_in(&engine, "bob"),
    );
    let before = now_micros();
    let said = revoke(&redis, &["--subject", "ada"]);
    let after = now_micros();
    assert!(
        said.starts_with("revoked every session of subject \"ada\" created before "),
        "{said}"
    );
    let epoch = epoch_in(&said);
    assert!(
        (before..=after).contains(&epoch),
        "{before} <= {epoch} <= {after}"
    );
    assert!(said.contains(&utc_micros(epoch)), "{said}");
    refused(&engine, &laptop);
    refused(&engine, &phone);
    assert_eq!(reason(&engine, &bobs), LoadReason::Valid);
    // Ada logs in again: a session created after the epoch.
    let again = sign_in(&engine, "ada");
    assert_eq!(reason(&engine, &again), LoadReason::Valid);
}

/// Every session created before a time, given as RFC 3339 or Unix seconds to the
/// microsecond: the sessions created after it are spared.
#[test]
fn revoke_every_session_before_a_time() {
    let redis = RedisServer::start();
    let key = keygen();
    let engine = fleet_engine(&redis, &key);
    let older = sign_in(&engine, "ada");
    let anonymous = {
        let session = engine.load(std::iter::empty());
        session.insert("cart", [1, 2]).expect("insert");
        engine.save(&session).expect("saved").cookie_header()
    };
    let cut = now_micros();
    let newer = sign_in(&engine, "bob");
    let said = revoke(&redis, &["--before", &utc_micros(cut)]);
    assert!(
        said.starts_with("revoked every session created before "),
        "{said}"
    );
    assert_eq!(epoch_in(&said), cut);
    refused(&engine, &older);
    refused(&engine, &anonymous);
    assert_eq!(reason(&engine, &newer), LoadReason::Valid);

    // Unix seconds with microseconds name the same kind of instant.
    let cut = now_micros();
    let newest = sign_in(&engine, "carol");
    let unix = format!("{}.{:06}", cut / 1_000_000, cut % 1_000_000);
    let said = revoke(&redis, &["--before", &unix]);
    assert_eq!(epoch_in(&said), cut);
    refused(&engine, &newer);
    assert_eq!(reason(&engine, &newest), LoadReason::Valid);
}

/// What `revoke` refuses, each with what to do: the memory store of another process,
/// another scheme, an id or a time that is not one, a time in the future, and a Redis
/// that does not answer (nothing is known revoked then).
#[test]
fn revoke_refuses_with_a_reason() {
    // A store that is no URL at all is a usage error (exit status 2), like any argument
    // that does not parse.
    let output = run(
        &[
            "revoke",
            "--store",
            "rediss://127.0.0.1:1",
            "--subject",
            "ada",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a rediss:// store is not supported"),
        "{}",
        stderr(&output)
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["--store", "memory", "--subject", "ada"],
            "the memory store lives inside one server process",
        ),
        (
            &["--store", "redis://127.0.0.1:1", "--session-id", "abc"],
            "--session-id: a session id is 22 characters",
        ),
        (
            &["--store", "redis://127.0.0.1:1", "--before", "yesterday"],
            "--before yesterday: not a time",
        ),
        (
            &[
                "--store",
                "redis://127.0.0.1:1",
                "--before",
                "2999-01-01T00:00:00Z",
            ],
            "--before: the time is in the future",
        ),
        (
            &["--store", "redis://127.0.0.1:1", "--subject", "a\nb"],
            "--subject: a subject must not contain control characters",
        ),
    ];
    for (args, said) in cases {
        let output = run(&[&["revoke"][..], args].concat(), "");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(said),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // Nothing listens on this port: Redis never confirms within the bound.
    let port = test_support::free_port();
    let store = format!("redis://:a-password@127.0.0.1:{port}");
    let output = run(
        &[
            "revoke",
            "--store",
            &store,
            "--timeout",
            "1",
            "--subject",
            "ada",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("not revoked: Redis at ")
            && message.contains("did not confirm within 1s"),
        "{message}"
    );
    assert!(!message.contains("a-password"), "{message}");
    // Exactly one of the three is asked for.
    let output = run(&["revoke", "--store", "redis://127.0.0.1:1"], "");
    assert_eq!(output.status.code(), Some(2));
    let output = run(
        &[
            "revoke",
            "--store",
            "redis://127.0.0.1:1",
            "--subject",
            "a",
            "--before",
            "now",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
}
