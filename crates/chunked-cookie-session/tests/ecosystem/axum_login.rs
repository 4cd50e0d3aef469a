//! examples/axum_login.rs, the very router it serves, driven over 127.0.0.1: the login
//! scenario of `login.rs`, and what only the tower-sessions layer does.

#[allow(
    dead_code,
    reason = "the example's `main` and `engine` are not the tests'"
)]
#[path = "../../examples/axum_login.rs"]
mod example;

use std::net::SocketAddr;

use chunked_cookie_session::SessionEngine;
use chunked_cookie_session::tower_sessions::RELAY_COOKIE;

use crate::browser::Browser;
use crate::login::login_scenarios;

fn serve(engine: SessionEngine) -> SocketAddr {
    test_support::serve::axum(example::app(engine).expect("an engine that encrypts"))
}

login_scenarios!(serve);

#[tokio::test]
async fn the_examples_sessions_travel_encrypted() {
    crate::login::the_examples_sessions_travel_encrypted(serve, example::engine()).await;
}

#[tokio::test]
async fn the_example_refuses_a_readable_engine() {
    assert!(example::app(crate::browser::signed_engine()).is_err());
}

#[tokio::test]
async fn the_auth_hash_in_the_session_is_not_the_password() {
    use axum_login::{AuthUser, AuthnBackend};
    let user = example::Backend::default()
        .get_user(&1)
        .await
        .expect("the toy backend answers")
        .expect("ada");
    let hash = user.session_auth_hash();
    assert!(hash.len() >= 32, "{} bytes", hash.len());
    assert!(
        !hash
            .windows(b"lovelace".len())
            .any(|window| window == b"lovelace"),
        "the password itself"
    );
}

#[tokio::test]
async fn tower_sessions_id_cookie_never_reaches_the_client() {
    let browser = Browser::new(serve(crate::browser::engine()));
    let form = browser.navigate("/login").await;
    let token = form.csrf_token();
    let login = browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "lovelace"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let logout = browser
        .post(
            "/logout",
            &[(
                "csrf_token",
                &browser.navigate("/protected").await.csrf_token(),
            )],
        )
        .await;
    for page in [form, login, logout] {
        assert!(!page.cookies().is_empty(), "{:?}", page.headers);
        assert!(
            page.cookies()
                .iter()
                .all(|cookie| cookie.name() != RELAY_COOKIE),
            "{:?}",
            page.headers
        );
    }
    assert!(!browser.cookie_header().contains(RELAY_COOKIE));
}

/// axum-login's `login` cycles tower-sessions' id, which the relay answers by revoking the
/// pre-login session: whoever kept (or planted) the anonymous cookies holds a session
/// refused as `revoked`, with no application code. (Its `logout` revokes the same way:
/// `logout_refuses_the_cookies_copied_before_it`, in the login scenarios.)
#[tokio::test]
async fn login_revokes_the_pre_login_session() {
    let addr = serve(crate::browser::revocable_engine());
    let browser = Browser::new(addr);
    let form = browser.navigate("/login").await;
    let token = form.csrf_token();
    let anonymous = crate::browser::copy_of(&browser, addr);
    assert_eq!(anonymous.get("/whoami").await.json()["load"], "valid");

    let page = browser
        .post(
            "/login",
            &[
                ("name", "ada"),
                ("password", "lovelace"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(browser.get("/whoami").await.json()["user"], "ada");
    let seen = anonymous.get("/whoami").await.json();
    assert_eq!(seen["user"], serde_json::Value::Null);
    assert_eq!(seen["load"], "revoked");
}
