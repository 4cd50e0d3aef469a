//! Two engines on one Redis, as two servers of a fleet: a logout on one refuses the copied
//! cookies on the other, sign-out-everywhere crosses over too, and the device list one
//! server's writes fill is read and acted on from the other.

use std::sync::Arc;

use chunked_cookie_session::revocation::{Policy, Revocation};
use chunked_cookie_session::{
    EngineOptions, LoadReason, ResponseInfo, Session, SessionEngine, WireFormat,
};
use test_support::redis::RedisServer;

use crate::support::{builder, connected, eventually};

/// A server of the fleet: the signed format, one shared key, its own store on `server`.
fn server_engine(server: &RedisServer) -> SessionEngine {
    let mut options = EngineOptions::new(WireFormat::Signed);
    options.key = Some(vec![7u8; 32].into());
    let store = connected(
        builder(server, "fleet")
            .policy(Policy::FailClosed)
            .lifetime(options.session_lifetime())
            .registry(10),
    );
    let store: Arc<dyn Revocation> = Arc::new(store);
    options.revocation = Some(store);
    options.build().expect("valid options")
}

/// Signs `subject` in on `engine` from a browser saying `agent`: its cookies.
fn sign_in(engine: &SessionEngine, subject: &str, agent: &str) -> (String, Session) {
    let session = engine.load(std::iter::empty());
    session.set_user_agent(agent);
    session.renew();
    session.set_subject(subject).expect("a subject");
    let outcome = engine.finish(&session, ResponseInfo::new(200));
    (outcome.cookie_header(), session)
}

fn reason(engine: &SessionEngine, cookies: &str) -> LoadReason {
    engine.load([cookies]).load_reason()
}

#[tokio::test]
async fn two_servers_share_logouts_sign_outs_and_the_device_list() {
    let redis = RedisServer::start();
    let (first, second) = (server_engine(&redis), server_engine(&redis));

    // Logout on the first server; the copied cookies are refused by the second.
    let (copied, _) = sign_in(&first, "ada", "Firefox/140");
    assert_eq!(reason(&second, &copied), LoadReason::Valid);
    let logout = first.load([copied.as_str()]);
    logout.revoke().await.expect("Redis confirms");
    assert_eq!(reason(&first, &copied), LoadReason::Revoked);
    eventually("the second server refuses the copy", || {
        reason(&second, &copied) == LoadReason::Revoked
    });

    // Sign-out-everywhere on the second reaches sessions the first wrote.
    let (laptop, _) = sign_in(&first, "bob", "Firefox/140");
    let (phone, _) = sign_in(&second, "bob", "Safari/18");
    second.revoke_subject("bob").await.expect("Redis confirms");
    eventually("both of Bob's sessions are refused on both", || {
        [&first, &second].iter().all(|engine| {
            reason(engine, &laptop) == LoadReason::Revoked
                && reason(engine, &phone) == LoadReason::Revoked
        })
    });

    // The device list: written by both servers, listed and acted on from either.
    let (laptop, laptop_session) = sign_in(&first, "carol", "Firefox/140");
    let (phone, phone_session) = sign_in(&second, "carol", "Safari/18");
    let phone_id = phone_session.id().expect("an id");
    let mut agents = Vec::new();
    eventually("the registry lists both of Carol's devices", || {
        agents = first
            .devices("carol")
            .wait()
            .expect("Redis answers")
            .into_iter()
            .map(|device| device.user_agent)
            .collect();
        agents.len() == 2
    });
    agents.sort_unstable();
    assert_eq!(agents, ["Firefox/140", "Safari/18"]);
    assert!(
        !first
            .revoke_device("dave", phone_id)
            .await
            .expect("Redis answers"),
        "only within its subject"
    );
    assert!(
        first
            .revoke_device("carol", phone_id)
            .await
            .expect("Redis answers")
    );
    eventually("the second server refuses the signed-out phone", || {
        reason(&second, &phone) == LoadReason::Revoked
    });
    assert_eq!(reason(&second, &laptop), LoadReason::Valid);
    let listed: Vec<_> = second
        .devices("carol")
        .await
        .expect("Redis answers")
        .into_iter()
        .map(|device| device.session_id)
        .collect();
    assert_eq!(listed, [laptop_session.id().expect("an id")]);
}
