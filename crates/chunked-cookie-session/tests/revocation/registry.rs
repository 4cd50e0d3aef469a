//! The device registry in Redis: each write recorded (queued, never blocking), listed per
//! subject, capped, revoked by id only for its own subject.

use chunked_cookie_session::revocation::{
    Identity, Policy, Revocation, RevocationError, Scope, Verdict, now_micros,
};
use test_support::redis::RedisServer;

use crate::support::{builder, connected, eventually, inspect, refused, session_of, store};

#[test]
fn devices_are_listed_capped_and_revoked_by_id() {
    let server = RedisServer::start();
    let web = connected(builder(&server, "app").registry(3));
    let admin = connected(builder(&server, "app").registry(3));
    let now = now_micros() / 1_000_000;
    let ada: Vec<Identity> = (0..4).map(|_| session_of("ada")).collect();
    for (seen, identity) in (0..).zip(&ada) {
        web.record(identity, now + seen, &format!("browser {seen}"));
    }
    let bob = session_of("bob");
    web.record(&bob, now, "bob's browser");

    let newest: Vec<_> = ada.iter().rev().take(3).map(Identity::session_id).collect();
    eventually("the other store lists ada's three newest sessions", || {
        admin.devices("ada").wait().is_ok_and(|devices| {
            devices
                .iter()
                .map(|device| device.session_id)
                .collect::<Vec<_>>()
                == newest
        })
    });
    let listed = admin.devices("ada").wait().expect("listed");
    assert_eq!(listed[0].user_agent, "browser 3");
    assert_eq!(listed[0].last_seen, now + 3);
    assert_eq!(listed[0].created, ada[3].created());
    assert_eq!(listed[0].expires_at, ada[3].expires_at());

    // Each record lives as long as its session.
    let mut redis = inspect(&server);
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!("app:device:{}", ada[3].session_id()))
        .query(&mut redis)
        .expect("TTL");
    let left =
        i64::try_from(ada[3].expires_at()).expect("a time") - i64::try_from(now).expect("a time");
    assert!((1..=left).contains(&ttl), "ttl {ttl}, session has {left} s");

    // Revoke by id: only through the session's own subject.
    let target = ada[3].session_id();
    assert_eq!(admin.revoke_device("bob", target).wait(), Ok(false));
    assert_eq!(web.check(&ada[3]), Verdict::Valid);
    assert_eq!(admin.revoke_device("ada", target).wait(), Ok(true));
    assert_eq!(admin.check(&ada[3]), Verdict::Revoked(Scope::Session));
    refused(&web, &ada[3], Scope::Session);
    assert_eq!(admin.revoke_device("ada", target).wait(), Ok(false));
    let left: Vec<_> = admin
        .devices("ada")
        .wait()
        .expect("listed")
        .iter()
        .map(|device| device.session_id)
        .collect();
    assert_eq!(left, newest[1..]);
    assert_eq!(admin.devices("bob").wait().expect("listed").len(), 1);
    assert!(admin.devices("carol").wait().expect("listed").is_empty());
}

#[test]
fn sign_out_everywhere_empties_the_list() {
    let server = RedisServer::start();
    let web = connected(builder(&server, "app").registry(10));
    let ada = session_of("ada");
    web.record(&ada, now_micros() / 1_000_000, "browser");
    eventually("listed", || {
        web.devices("ada")
            .wait()
            .is_ok_and(|devices| devices.len() == 1)
    });
    web.revoke_subject("ada").wait().expect("confirmed");
    assert!(web.devices("ada").wait().expect("listed").is_empty());
    // A session after the sign-out is listed again.
    let again = session_of("ada");
    web.record(&again, now_micros() / 1_000_000, "browser");
    eventually("the new session is listed", || {
        web.devices("ada").wait().is_ok_and(|devices| {
            devices
                .iter()
                .map(|device| device.session_id)
                .eq([again.session_id()])
        })
    });
}

#[test]
fn the_registry_is_off_by_default() {
    let server = RedisServer::start();
    let plain = store(&server, "app", Policy::FailClosed);
    let ada = session_of("ada");
    plain.record(&ada, 1, "browser");
    assert_eq!(
        plain.devices("ada").wait(),
        Err(RevocationError::RegistryDisabled)
    );
    assert_eq!(
        plain.revoke_device("ada", ada.session_id()).wait(),
        Err(RevocationError::RegistryDisabled)
    );
    let mut redis = inspect(&server);
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("app:device*")
        .query(&mut redis)
        .expect("KEYS");
    assert!(keys.is_empty(), "{keys:?}");
}
