//! Revocation through the playground's API with the memory store (the default): log in,
//! log out and a copy of the cookies refused, sign out everywhere, the device list and
//! signing one device out, and the answers to what cannot be done. The store is the
//! process's own: another playground, even with the same key, knows nothing of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Visitor, start_playground, start_with_key};

#[tokio::test]
async fn login_logout_and_a_copy_refused_with_the_memory_store() {
    let key = chunked_cookie_session::generate_secret();
    let (_playground, base) = start_with_key(&key, &[]);
    let mut ada = Visitor::new("Firefox/140.0");

    // Nobody yet: no id, no subject, and nothing written.
    let view = ada.session(&base).await;
    assert_eq!(
        (view["session_id"].clone(), view["subject"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        view["revocation_store"],
        json!({"store": "memory", "registry": false, "freshness": "local"})
    );
    assert!(ada.jar.is_empty());

    // An entry, then the login: the session is renewed (a new id), keeps the entry, and is
    // bound to the user.
    let answer = ada
        .call("PUT", &base, "/api/session/cart", Some(json!([1, 2])))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let anonymous_id = answer.json["session_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let view = ada.login(&base, "ada").await;
    let id = view["session_id"].as_str().expect("an id").to_owned();
    assert_ne!(id, anonymous_id, "a login renews the session");
    assert_eq!(view["entries"], json!({"cart": [1, 2]}));
    let view = ada.session(&base).await;
    assert_eq!(view["load"], "valid");
    assert_eq!(view["session_id"], id.as_str());
    assert_eq!(view["subject"], "ada");

    // Logout: confirmed, every cookie deleted; a copy taken before is refused as revoked,
    // and the response to it deletes its cookies.
    let copied = ada.copy();
    let answer = ada.call("POST", &base, "/api/logout", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["revocation"], json!({"confirmed": true}));
    assert_eq!(answer.json["session_id"], Value::Null);
    assert_eq!(answer.json["subject"], Value::Null);
    assert!(
        answer.deletions() > 0 && ada.jar.is_empty(),
        "{:?}",
        answer.headers
    );
    let mut replay = copied.copy();
    let answer = replay.call("GET", &base, "/api/session", None).await;
    assert_eq!(answer.json["load"], "revoked");
    assert_eq!(answer.json["entries"], json!({}));
    assert_eq!(answer.json["subject"], Value::Null);
    assert!(answer.deletions() > 0 && replay.jar.is_empty());
    // Writing into the refused session starts a new one, not the old one back.
    let mut replay = copied.copy();
    let answer = replay
        .call("PUT", &base, "/api/session/x", Some(json!(1)))
        .await;
    assert_eq!(answer.json["load"], "revoked");
    assert_eq!(answer.json["entries"], json!({"x": 1}));
    assert_ne!(answer.json["session_id"], id.as_str());
    assert_eq!(replay.load(&base).await, "valid");

    // The memory store is this process's: another playground with the same key reads the
    // copy as valid (a fleet shares Redis instead).
    let (_other, other) = start_with_key(&key, &[]);
    assert_eq!(copied.copy().load(&other).await, "valid");

    // What cannot be done, said in JSON.
    let mut nobody = Visitor::new("curl");
    for (body, status) in [
        (json!({"name": "ada"}), StatusCode::BAD_REQUEST),
        (json!("ada"), StatusCode::BAD_REQUEST),
        (json!({"user": ""}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"user": "a\nb"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"user": "x".repeat(257)}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let answer = nobody
            .call("POST", &base, "/api/login", Some(body.clone()))
            .await;
        assert_eq!(answer.status, status, "{body}: {:?}", answer.json);
        assert!(answer.json["error"].is_string(), "{:?}", answer.json);
        assert!(nobody.jar.is_empty(), "a refused login writes nothing");
    }
    let answer = nobody
        .call("POST", &base, "/api/sign-out-everywhere", None)
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer.json["error"]
            .as_str()
            .expect("a message")
            .contains("nobody is logged in")
    );
    // Without --registry there is no device list, logged in or not.
    ada.login(&base, "ada").await;
    for (method, path) in [
        ("GET", "/api/sessions".to_owned()),
        ("DELETE", format!("/api/sessions/{id}")),
    ] {
        let answer = ada.call(method, &base, &path, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            answer.json["error"]
                .as_str()
                .expect("a message")
                .contains("--registry")
        );
    }
    // Logging out with nothing to revoke is a purge, confirmed.
    let answer = nobody.call("POST", &base, "/api/logout", None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["revocation"]["confirmed"], true);
}

#[tokio::test]
async fn devices_and_sign_out_everywhere_with_the_memory_store() {
    let (_playground, base) = start_playground(&["--registry"]);
    let mut laptop = Visitor::new("Firefox/140.0 (laptop)");
    let mut phone = Visitor::new("Safari/18.0 (phone)");
    let mut bob = Visitor::new("curl/8");
    let laptop_id = laptop.login(&base, "ada").await["session_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let phone_id = phone.login(&base, "ada").await["session_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let bob_id = bob.login(&base, "bob").await["session_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // Ada's sessions, from the laptop: both, with what the registry recorded.
    let answer = laptop.call("GET", &base, "/api/sessions", None).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    let sessions = answer.json["sessions"].as_array().expect("a list").clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    for (id, agent, current) in [
        (&laptop_id, "Firefox/140.0 (laptop)", true),
        (&phone_id, "Safari/18.0 (phone)", false),
    ] {
        let device = sessions
            .iter()
            .find(|device| device["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} not in {sessions:?}"));
        assert_eq!(device["user_agent"], agent);
        assert_eq!(device["current"], current);
        let created = device["created"].as_u64().expect("µs");
        let last_seen = device["last_seen"].as_u64().expect("seconds");
        assert!(created / 1_000_000 <= last_seen && last_seen <= created / 1_000_000 + 60);
    }

    // Signing one out: not Bob's (not Ada's session), not what is not an id; the phone's.
    let answer = laptop
        .call("DELETE", &base, &format!("/api/sessions/{bob_id}"), None)
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{:?}", answer.json);
    assert_eq!(bob.load(&base).await, "valid");
    let answer = laptop
        .call("DELETE", &base, "/api/sessions/not-an-id", None)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.json);
    let answer = laptop
        .call("DELETE", &base, &format!("/api/sessions/{phone_id}"), None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["revoked"], phone_id.as_str());
    assert_eq!(phone.copy().load(&base).await, "revoked");
    assert_eq!(laptop.load(&base).await, "valid");
    let answer = laptop.call("GET", &base, "/api/sessions", None).await;
    let ids: Vec<&str> = answer.json["sessions"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|device| device["id"].as_str())
        .collect();
    assert_eq!(ids, [laptop_id.as_str()]);

    // Nobody logged in: no list.
    let answer = Visitor::new("curl")
        .call("GET", &base, "/api/sessions", None)
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{:?}", answer.json);

    // Sign out everywhere from the phone, logged in again: every session of Ada's, the
    // phone's included, and nobody else's; a login right after it stays in.
    phone.login(&base, "ada").await;
    let laptop_copy = laptop.copy();
    let answer = phone
        .call("POST", &base, "/api/sign-out-everywhere", None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["revocation"]["confirmed"], true);
    assert!(answer.json["revocation"]["epoch"].as_u64().expect("µs") > 1_700_000_000_000_000);
    assert!(
        phone.jar.is_empty(),
        "this session's cookies are deleted too"
    );
    assert_eq!(laptop_copy.copy().load(&base).await, "revoked");
    assert_eq!(bob.load(&base).await, "valid");
    phone.login(&base, "ada").await;
    assert_eq!(phone.load(&base).await, "valid");
}
